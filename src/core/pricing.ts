/**
 * Which price applies to a request, and what its usage cost. Pure: the table comes from the
 * `deepseek.pricing` setting (or a fallback provider's), already validated by settingsSchema.ts.
 */
import { fromPicoUsd } from './money';
import { UTC_TIME_PATTERN, type PriceEntry, type PriceRates, type PriceTable, type PriceWindow } from './settingsSchema';

/** The rates that apply to one request, and a label saying which table they came from. */
export interface ResolvedPrice extends PriceRates {
  /** The model id as written in the price table. */
  readonly model: string;
  /** e.g. "deepseek-chat standard" or "deepseek-chat off-peak (16:30–00:30 UTC)". */
  readonly label: string;
}

/** Billed token counts of one request. Reasoning tokens are part of `outputTokens`. */
export interface TokenUsage {
  readonly hitTokens: number;
  readonly missTokens: number;
  readonly outputTokens: number;
}

/** What one request cost, in USD. */
export interface UsageCost {
  readonly hitUsd: number;
  readonly missUsd: number;
  readonly outputUsd: number;
  readonly totalUsd: number;
  /** The same request with every prompt token at the miss price. */
  readonly noCacheUsd: number;
  /** noCacheUsd − totalUsd: what the prefix cache saved. */
  readonly savedUsd: number;
}

/** UsageCost in whole pico-dollars (1e-12 USD): exact, for sums. */
export interface UsageCostPico {
  readonly hit: number;
  readonly miss: number;
  readonly output: number;
  readonly total: number;
  readonly noCache: number;
  readonly saved: number;
}

/** Minutes since 00:00 of an "HH:MM" time (00:00–23:59), or undefined when it is not one. */
export function utcTimeToMinutes(time: string): number | undefined {
  if (!UTC_TIME_PATTERN.test(time)) {
    return undefined;
  }
  return Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
}

/** Whether `at` falls in the window: start inclusive, end exclusive, wrapping midnight when end < start. */
export function isInWindow(window: PriceWindow, at: Date): boolean {
  const start = utcTimeToMinutes(window.startUtc);
  const end = utcTimeToMinutes(window.endUtc);
  if (start === undefined || end === undefined || start === end) {
    return false;
  }
  const minute = at.getUTCHours() * 60 + at.getUTCMinutes();
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** The first of the entry's windows that contains `at`, if any. */
export function activeWindow(entry: PriceEntry, at: Date): PriceWindow | undefined {
  return entry.windows?.find((w) => isInWindow(w, at));
}

/**
 * The table's entry for a model: the exact id first, else the same id ignoring case and surrounding
 * spaces (the first such key in sorted order).
 */
export function findPriceEntry(table: PriceTable, model: string): { model: string; entry: PriceEntry } | undefined {
  if (Object.prototype.hasOwnProperty.call(table, model)) {
    return { model, entry: table[model] };
  }
  const wanted = model.trim().toLowerCase();
  const key = Object.keys(table).sort().find((k) => k.trim().toLowerCase() === wanted);
  return key === undefined ? undefined : { model: key, entry: table[key] };
}

/** The label of a time window, e.g. "off-peak (16:30–00:30 UTC)". */
export function windowLabel(window: PriceWindow): string {
  const span = `(${window.startUtc}–${window.endUtc} UTC)`;
  return window.name ? `${window.name} ${span}` : span;
}

/** The rates for `model` at time `at`; undefined when the table has no price for it. */
export function resolvePrice(table: PriceTable, model: string, at: Date): ResolvedPrice | undefined {
  const found = findPriceEntry(table, model);
  if (!found) {
    return undefined;
  }
  const window = activeWindow(found.entry, at);
  const rates = window ?? found.entry;
  return {
    model: found.model,
    cacheHit: rates.cacheHit,
    cacheMiss: rates.cacheMiss,
    output: rates.output,
    label: `${found.model} ${window ? windowLabel(window) : 'standard'}`,
  };
}

/** The text shown instead of a price label when the table has no entry for a model. */
export function noPriceLabel(model: string): string {
  return `no price for ${model}`;
}

/** USD per 1M tokens → whole pico-dollars per token (prices are taken to six decimals). */
function picoPerToken(usdPerMillion: number): number {
  return Math.round(usdPerMillion * 1e6);
}

/** A token count as a non-negative whole number (anything else counts as 0). */
export function tokenCount(n: number): number {
  return Number.isFinite(n) && n > 0 ? Math.round(n) : 0;
}

/** The cost of `usage` at `price`, exactly, in pico-dollars. */
export function priceUsagePico(price: PriceRates, usage: TokenUsage): UsageCostPico {
  const hitTokens = tokenCount(usage.hitTokens);
  const missTokens = tokenCount(usage.missTokens);
  const missRate = picoPerToken(price.cacheMiss);
  const hit = hitTokens * picoPerToken(price.cacheHit);
  const miss = missTokens * missRate;
  const output = tokenCount(usage.outputTokens) * picoPerToken(price.output);
  const total = hit + miss + output;
  const noCache = (hitTokens + missTokens) * missRate + output;
  return { hit, miss, output, total, noCache, saved: noCache - total };
}

/** The cost of `usage` at `price`, in USD (each figure is one exact sum divided once). */
export function priceUsage(price: PriceRates, usage: TokenUsage): UsageCost {
  const pico = priceUsagePico(price, usage);
  return {
    hitUsd: fromPicoUsd(pico.hit),
    missUsd: fromPicoUsd(pico.miss),
    outputUsd: fromPicoUsd(pico.output),
    totalUsd: fromPicoUsd(pico.total),
    noCacheUsd: fromPicoUsd(pico.noCache),
    savedUsd: fromPicoUsd(pico.saved),
  };
}
