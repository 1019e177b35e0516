/**
 * Which price applies to a request, and what its usage cost. Pure: the table comes from the
 * `deepseek.pricing` setting (or a fallback provider's), already validated by settingsSchema.ts.
 */
import { canonicalModelId, sameModel } from './models';
import { fromPicoUsd } from './money';
import type { ProviderSpec } from './providers/providerSpec';
import {
  DEFAULT_PRICING,
  PRICE_TABLE_AS_OF,
  UTC_TIME_PATTERN,
  WEEKDAYS,
  type PriceEntry,
  type PriceRates,
  type PriceTable,
  type PriceWindow,
  type Weekday,
} from './settingsSchema';

export { PRICE_TABLE_AS_OF };

/**
 * DeepSeek's 2025 table (before V4), for an endpoint that still serves the old ids at those rates, and for
 * tests that need fixed figures. Not a default: DeepSeek no longer serves these ids.
 */
export const DEEPSEEK_PRICES_2025: PriceTable = {
  'deepseek-chat': { cacheHit: 0.07, cacheMiss: 0.27, output: 1.1 },
  'deepseek-reasoner': { cacheHit: 0.14, cacheMiss: 0.55, output: 2.19 },
};

/** The rates that apply to one request, and a label saying which table they came from. */
export interface ResolvedPrice extends PriceRates {
  /** The model id as written in the price table. */
  readonly model: string;
  /**
   * e.g. "deepseek-flash off-peak", "deepseek-flash peak (01:00–04:00 UTC, Mon–Fri)", "my-model standard"; a
   * fallback provider's price names its table: "gpt-4o-mini standard (Backup prices)".
   */
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

/** The UTC weekday of a moment. */
export function utcWeekday(at: Date): Weekday {
  return WEEKDAYS[at.getUTCDay()];
}

/**
 * Whether `at` falls in the window: start inclusive, end exclusive, wrapping midnight when end < start. With
 * `days`, the window opens only on those UTC days; a wrapping window's small hours belong to the day before.
 */
export function isInWindow(window: PriceWindow, at: Date): boolean {
  const start = utcTimeToMinutes(window.startUtc);
  const end = utcTimeToMinutes(window.endUtc);
  if (start === undefined || end === undefined || start === end) {
    return false;
  }
  const minute = at.getUTCHours() * 60 + at.getUTCMinutes();
  const opensOn = (dayOffset: number) => window.days === undefined || window.days.includes(WEEKDAYS[(at.getUTCDay() + 7 + dayOffset) % 7]);
  if (start < end) {
    return minute >= start && minute < end && opensOn(0);
  }
  return (minute >= start && opensOn(0)) || (minute < end && opensOn(-1));
}

/** The first of the entry's windows that contains `at`, if any. */
export function activeWindow(entry: PriceEntry, at: Date): PriceWindow | undefined {
  return entry.windows?.find((w) => isInWindow(w, at));
}

/**
 * The table's entry for a model: the exact id first, else the same id ignoring case and surrounding
 * spaces (the first such key in sorted order), else the model an alias serves (`deepseek-v4-flash` is billed
 * as `deepseek-flash`) or an alias of it written in the table.
 */
export function findPriceEntry(table: PriceTable, model: string): { model: string; entry: PriceEntry } | undefined {
  if (Object.prototype.hasOwnProperty.call(table, model)) {
    return { model, entry: table[model] };
  }
  const keys = Object.keys(table).sort();
  const wanted = model.trim().toLowerCase();
  const canonical = canonicalModelId(model).toLowerCase();
  const key = keys.find((k) => k.trim().toLowerCase() === wanted)
    ?? keys.find((k) => k.trim().toLowerCase() === canonical)
    ?? keys.find((k) => sameModel(k, model));
  return key === undefined ? undefined : { model: key, entry: table[key] };
}

const DAY_NAMES: Readonly<Record<Weekday, string>> = { mon: 'Mon', tue: 'Tue', wed: 'Wed', thu: 'Thu', fri: 'Fri', sat: 'Sat', sun: 'Sun' };
const WEEK_FROM_MONDAY: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** Days as the readout writes them: runs of three or more as a range ("Mon–Fri"), others listed ("Sat, Sun"). */
export function daysLabel(days: readonly Weekday[]): string {
  const index = WEEK_FROM_MONDAY.filter((d) => days.includes(d)).map((d) => WEEK_FROM_MONDAY.indexOf(d));
  const parts: string[] = [];
  for (let i = 0; i < index.length; ) {
    let j = i;
    while (j + 1 < index.length && index[j + 1] === index[j] + 1) j++;
    const run = index.slice(i, j + 1).map((k) => DAY_NAMES[WEEK_FROM_MONDAY[k]]);
    parts.push(run.length >= 3 ? `${run[0]}–${run[run.length - 1]}` : run.join(', '));
    i = j + 1;
  }
  return parts.join(', ');
}

/** The label of a time window, e.g. "off-peak (16:30–00:30 UTC)", "peak (01:00–04:00 UTC, Mon–Fri)". */
export function windowLabel(window: PriceWindow): string {
  const days = window.days && window.days.length < 7 ? `, ${daysLabel(window.days)}` : '';
  const span = `(${window.startUtc}–${window.endUtc} UTC${days})`;
  return window.name ? `${window.name} ${span}` : span;
}

/** The name of the standard rates of an entry: its `name`, else "standard". */
export function standardName(entry: PriceEntry): string {
  return entry.name ?? 'standard';
}

/**
 * The rates for `model` at time `at`; undefined when neither the table nor `fallback` (e.g. DEFAULT_PRICING
 * under a user's own table that lacks the model) has a price for it.
 */
export function resolvePrice(table: PriceTable, model: string, at: Date, fallback?: PriceTable): ResolvedPrice | undefined {
  const found = findPriceEntry(table, model) ?? (fallback ? findPriceEntry(fallback, model) : undefined);
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
    label: `${found.model} ${window ? windowLabel(window) : standardName(found.entry)}`,
  };
}

/** What pricing a provider's requests needs to know about it; `name` only labels a fallback's table. */
export type ProviderPricing = Pick<ProviderSpec, 'primary' | 'pricing'> & { readonly name?: string };

/** How a fallback's table is named in labels, as "DeepSeek prices" names DeepSeek's: "Backup prices". */
export function providerTableName(name: string | undefined): string {
  return name ? `${name} prices` : 'fallback prices';
}

/**
 * The rates for a request to `model` at a provider. DeepSeek (the primary): `deepseekPricing` (the
 * deepseek.pricing setting), else DeepSeek's defaults for a model it lacks, as `resolvePrice` always did. A
 * fallback: its own table only, never DeepSeek's — another host's prices are not DeepSeek's — so undefined
 * (the request is unpriced) when it has no table or the table lacks the model; the label names the table.
 */
export function resolveProviderPrice(provider: ProviderPricing, deepseekPricing: PriceTable, model: string, at: Date): ResolvedPrice | undefined {
  if (provider.primary) {
    return resolvePrice(deepseekPricing, model, at, DEFAULT_PRICING);
  }
  const price = provider.pricing ? resolvePrice(provider.pricing, model, at) : undefined;
  return price ? { ...price, label: `${price.label} (${providerTableName(provider.name)})` } : undefined;
}

/** One span of a model's price schedule: the rates that apply, named as the readout says them. */
export interface PriceSpan extends PriceRates {
  /** "peak", "off-peak", "standard", or an unnamed window's hours "(08:00–12:00 UTC)". */
  readonly name: string;
  /** The window that applies, or undefined for the standard rates. */
  readonly window?: PriceWindow;
}

/** Which rate applies at a moment and when that next changes. */
export interface PriceSchedule {
  /** The model id as written in the price table. */
  readonly model: string;
  readonly current: PriceSpan;
  /** When different rates next apply; undefined when they never change (no windows). */
  readonly until?: Date;
  /** The rates from `until` on. */
  readonly next?: PriceSpan;
}

function spanAt(entry: PriceEntry, at: Date): PriceSpan {
  const window = activeWindow(entry, at);
  const rates = window ?? entry;
  const name = window ? window.name ?? windowLabel(window) : standardName(entry);
  return { name, cacheHit: rates.cacheHit, cacheMiss: rates.cacheMiss, output: rates.output, ...(window ? { window } : {}) };
}

const sameSpan = (a: PriceSpan, b: PriceSpan) =>
  a.name === b.name && a.cacheHit === b.cacheHit && a.cacheMiss === b.cacheMiss && a.output === b.output;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * The rate that applies to `model` at `at`, and when it next changes (the first window boundary within the
 * next week where the name or the rates differ; adjacent windows with the same name and rates count as one).
 */
export function priceSchedule(table: PriceTable, model: string, at: Date, fallback?: PriceTable): PriceSchedule | undefined {
  const found = findPriceEntry(table, model) ?? (fallback ? findPriceEntry(fallback, model) : undefined);
  if (!found) {
    return undefined;
  }
  const current = spanAt(found.entry, at);
  const boundaries = new Set<number>();
  const midnight = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  for (const window of found.entry.windows ?? []) {
    for (const time of [window.startUtc, window.endUtc]) {
      const minute = utcTimeToMinutes(time);
      if (minute === undefined) continue;
      for (let day = 0; day <= 8; day++) {
        const t = midnight + day * DAY_MS + minute * MINUTE_MS;
        if (t > at.getTime()) boundaries.add(t);
      }
    }
  }
  for (const t of [...boundaries].sort((a, b) => a - b)) {
    const next = spanAt(found.entry, new Date(t));
    if (!sameSpan(next, current)) {
      return { model: found.model, current, until: new Date(t), next };
    }
  }
  return { model: found.model, current };
}

const LONG_DAY_NAMES: Readonly<Record<Weekday, string>> = {
  mon: 'Monday', tue: 'Tuesday', wed: 'Wednesday', thu: 'Thursday', fri: 'Friday', sat: 'Saturday', sun: 'Sunday',
};

const hhmm = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;

/**
 * The schedule in a few words for the status-bar tooltip: "off-peak until 01:00 UTC", "peak until 04:00 UTC",
 * "off-peak until Monday 01:00 UTC" (a change a day or more away names the day), "standard at all times".
 */
export function describePriceSchedule(schedule: PriceSchedule, at: Date): string {
  if (!schedule.until) {
    return `${schedule.current.name} at all times`;
  }
  const until = schedule.until;
  const day = until.getTime() - at.getTime() >= DAY_MS ? `${LONG_DAY_NAMES[utcWeekday(until)]} ` : '';
  return `${schedule.current.name} until ${day}${hhmm(until)} UTC`;
}

/**
 * Which table the readout applied: "DeepSeek prices as of 2026-11" for the defaults, otherwise the user's
 * setting (which may still fall back to the defaults for a model it lacks).
 */
export function describePriceTable(table: PriceTable): string {
  return deepEqual(table, DEFAULT_PRICING) ? `DeepSeek prices as of ${PRICE_TABLE_AS_OF}` : 'prices from deepseek.pricing';
}

/** What the readout says about prices: the table, and which rate applies to a model now and until when. */
export interface AppliedPrices {
  /** "DeepSeek prices as of 2026-11", or "prices from deepseek.pricing". */
  readonly table: string;
  /** The model id as written in the table that priced it. */
  readonly model: string;
  /** "off-peak until 01:00 UTC", "peak until 04:00 UTC", "standard at all times". */
  readonly schedule: string;
  /** When the rate next changes (ms since the epoch), so the readout can be refreshed then. */
  readonly changesAt?: number;
}

/**
 * The prices the readout names for `model` at `at`: the user's table, or DeepSeek's defaults for a model the
 * table lacks (requests are priced the same way, so a table written for retired ids keeps costing honestly).
 */
export function describeAppliedPrices(table: PriceTable, model: string, at: Date): AppliedPrices | undefined {
  const schedule = priceSchedule(table, model, at, DEFAULT_PRICING);
  if (!schedule) {
    return undefined;
  }
  const own = findPriceEntry(table, model) !== undefined;
  return {
    table: own ? describePriceTable(table) : `${describePriceTable(DEFAULT_PRICING)} (deepseek.pricing has no price for ${model})`,
    model: schedule.model,
    schedule: describePriceSchedule(schedule, at),
    ...(schedule.until ? { changesAt: schedule.until.getTime() } : {}),
  };
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) {
    return false;
  }
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(rb, k) && deepEqual(ra[k], rb[k]));
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
