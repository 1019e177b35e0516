/**
 * Every setting the extension reads: its key (under `deepseek.`), default, and a validator.
 * Pure: no `vscode` import. `src/config/settings.ts` reads these through VS Code; tests use
 * `InMemorySettingsSource`. package.json's `contributes.configuration` must agree (a unit test checks).
 */
import {
  DEFAULT_MODEL_ID,
  REASONING_EFFORTS,
  THINKING_OVERRIDES,
  type ModelLimits,
  type ModelLimitsOverrides,
  type ReasoningEffort,
  type ThinkingOverride,
} from './models';
import type { OcrPurpose } from './documents/types';

/** Rates in USD per 1M tokens. */
export interface PriceRates {
  /** USD per 1M prompt tokens served from the prefix cache. */
  readonly cacheHit: number;
  /** USD per 1M prompt tokens not in the cache. */
  readonly cacheMiss: number;
  /** USD per 1M output tokens (reasoning included). */
  readonly output: number;
}

/** A day of the week in UTC, as price windows name it. */
export type Weekday = 'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun';

/** The weekdays in the order of `Date.getUTCDay()` (Sunday = 0). */
export const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * Rates that apply during a time of day in UTC, such as peak hours. `startUtc` is inclusive, `endUtc`
 * exclusive; a window whose end is earlier than its start wraps past midnight (16:30–00:30). With `days`, the
 * window opens only on those UTC days (a wrapping window belongs to the day it starts on); without, every day.
 */
export interface PriceWindow extends PriceRates {
  /** Shown in the readout, e.g. "peak". */
  readonly name?: string;
  /** "HH:MM", 00:00–23:59. */
  readonly startUtc: string;
  /** "HH:MM", 00:00–23:59; differs from startUtc. */
  readonly endUtc: string;
  /** UTC days on which the window opens, in week order from Monday; omitted = every day. */
  readonly days?: readonly Weekday[];
}

/** A model's standard rates, and optional time windows (the first window that contains the time wins). */
export interface PriceEntry extends PriceRates {
  /** Shown in the readout for the standard rates, e.g. "off-peak"; "standard" when omitted. */
  readonly name?: string;
  readonly windows?: readonly PriceWindow[];
}

export type PriceTable = Readonly<Record<string, PriceEntry>>;

export interface ModelRoles {
  readonly chat: string;
  readonly reasoner: string;
}

export interface FallbackProvider {
  readonly name: string;
  readonly baseUrl: string;
  readonly apiKeyEnv?: string;
  readonly models: ModelRoles;
  /** Prices for its models; without one, its answers are shown as unpriced (never $0). */
  readonly pricing?: PriceTable;
  /** Its models' window and output limits, when they differ from what the model id says. */
  readonly limits?: Partial<ModelLimits>;
  /** Whether it serves fill-in-the-middle completions (`/completions` with `suffix`). Default false. */
  readonly fim?: boolean;
}

export interface Settings {
  readonly baseUrl: string;
  readonly 'models.chat': string;
  readonly 'models.reasoner': string;
  readonly 'models.reasoningEffort': ReasoningEffort;
  readonly 'models.thinking': ThinkingOverride;
  readonly 'models.limits': ModelLimitsOverrides;
  readonly pricing: PriceTable;
  readonly 'budget.session': number;
  readonly 'inlineCompletions.enabled': boolean;
  /** Language id → on/off, `*` for every other language (Copilot's form). */
  readonly 'inlineCompletions.languages': Readonly<Record<string, boolean>>;
  readonly 'privacy.redact': boolean;
  readonly 'context.exclude': readonly string[];
  readonly 'context.maxTokens': number;
  readonly fallbackProviders: readonly FallbackProvider[];
  readonly 'failover.firstTokenSeconds': number;
  readonly 'failover.stallSeconds': number;
  /** The status-bar readout in its short form (`$(sparkle) $0.0031 · 82%`). */
  readonly 'statusBar.compact': boolean;
  /** Who extracts text from images and documents: DeepSeek's OCR tool, or an OpenAI-compatible vision endpoint. */
  readonly 'ocr.provider': OcrProvider;
  /** The OpenAI-compatible vision endpoint (`…/v1`); '' = none set (used only with `openaiCompatible`). */
  readonly 'ocr.baseUrl': string;
  /** The model the OpenAI-compatible endpoint serves. */
  readonly 'ocr.model': string;
  /** The environment variable holding the OpenAI-compatible endpoint's key; '' = no Authorization header. */
  readonly 'ocr.apiKeyEnv': string;
  readonly 'ocr.purpose': OcrPurpose;
  /** The vision endpoint's prompt asks for grounding (layout) when true. */
  readonly 'ocr.grounding': boolean;
  /** USD per page of DeepSeek's OCR tool (an estimate: DeepSeek publishes 1.5 CNY per 1,000 pages). */
  readonly 'ocr.pricePerPage': number;
  readonly 'ocr.maxFileMB': number;
  readonly 'ocr.maxPages': number;
  readonly 'ocr.timeoutSeconds': number;
}

export type OcrProvider = 'deepseek' | 'openaiCompatible';
export const OCR_PROVIDERS: readonly OcrProvider[] = ['deepseek', 'openaiCompatible'];
export const OCR_PURPOSES: readonly OcrPurpose[] = ['rich_layout_recognition', 'text_recognition'];
/** 1.5 CNY per 1,000 pages (deepseek-api.md) at about 7.1 CNY per USD; no USD figure is published. */
export const DEFAULT_OCR_PRICE_PER_PAGE_USD = 0.00021;
export const DEFAULT_OCR_MODEL = 'deepseek-ai/DeepSeek-OCR-2';

export type SettingKey = keyof Settings;

/** Where completions are on by default: everywhere but prose and the commit message box (as Copilot ships). */
export const DEFAULT_COMPLETION_LANGUAGES: Readonly<Record<string, boolean>> = { '*': true, markdown: false, plaintext: false, scminput: false };

/** Whether a language map turns completions on for `languageId` (its own entry, else `*`, else on). */
export function languageEnabled(map: Readonly<Record<string, boolean>>, languageId: string): boolean {
  const own = Object.prototype.hasOwnProperty.call(map, languageId) ? map[languageId] : undefined;
  return own ?? map['*'] ?? true;
}

/** Result of validating a raw value: the value to use, and what was wrong if the raw value was refused. */
export interface Parsed<T> {
  readonly value: T;
  readonly problem?: string;
  /** Set when the value came from a replaced setting (see LEGACY_SETTINGS), e.g. `models.thinkingParameter`. */
  readonly migratedFrom?: LegacySettingKey;
}

export interface SettingDefinition<K extends SettingKey> {
  readonly key: K;
  readonly defaultValue: Settings[K];
  /** Turns whatever is stored into a valid value; an invalid value yields the default and a problem. */
  parse(raw: unknown): Parsed<Settings[K]>;
}

export const SETTINGS_SECTION = 'deepseek';

const URL_PATTERN = /^https?:\/\/[^\s]+$/;
const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isNonNegativeNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

/** A time of day "HH:MM" in 00:00–23:59, as price windows write it. */
export const UTC_TIME_PATTERN = /^([01]\d|2[0-3]):[0-5]\d$/;

function parseRates(v: Record<string, unknown>): PriceRates | undefined {
  return isNonNegativeNumber(v.cacheHit) && isNonNegativeNumber(v.cacheMiss) && isNonNegativeNumber(v.output)
    ? { cacheHit: v.cacheHit, cacheMiss: v.cacheMiss, output: v.output }
    : undefined;
}

const WEEK_ORDER: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/** `days` as given ("mon"…"sun", any case) → the days in week order from Monday, or a problem. */
function parseDays(raw: unknown, where: string): { days?: readonly Weekday[]; problem?: string } {
  const wrong = { problem: `${where} has days that are not a non-empty array of "mon", "tue", "wed", "thu", "fri", "sat", "sun"` };
  if (!Array.isArray(raw) || raw.length === 0) {
    return wrong;
  }
  const given = new Set<string>();
  for (const day of raw) {
    if (typeof day !== 'string' || !(WEEK_ORDER as readonly string[]).includes(day.trim().toLowerCase())) {
      return wrong;
    }
    given.add(day.trim().toLowerCase());
  }
  return { days: WEEK_ORDER.filter((d) => given.has(d)) };
}

function isName(v: unknown): boolean {
  return v === undefined || (typeof v === 'string' && v.trim() !== '');
}

function parsePriceWindow(raw: unknown, where: string): { window?: PriceWindow; problem?: string } {
  if (!isRecord(raw)) {
    return { problem: `${where} must be an object {name?, days?, startUtc, endUtc, cacheHit, cacheMiss, output}` };
  }
  const { name, startUtc, endUtc } = raw;
  if (!isName(name)) {
    return { problem: `${where} has a name that is not a non-empty string` };
  }
  if (typeof startUtc !== 'string' || !UTC_TIME_PATTERN.test(startUtc) || typeof endUtc !== 'string' || !UTC_TIME_PATTERN.test(endUtc)) {
    return { problem: `${where} needs startUtc and endUtc as "HH:MM" UTC times (00:00–23:59)` };
  }
  if (startUtc === endUtc) {
    return { problem: `${where} starts and ends at the same time` };
  }
  const rates = parseRates(raw);
  if (!rates) {
    return { problem: `${where} needs non-negative numbers cacheHit, cacheMiss and output` };
  }
  const days = raw.days === undefined ? {} : parseDays(raw.days, where);
  if (days.problem !== undefined) {
    return { problem: days.problem };
  }
  return {
    window: {
      ...(typeof name === 'string' ? { name: name.trim() } : {}),
      ...(days.days && days.days.length < 7 ? { days: days.days } : {}),
      startUtc,
      endUtc,
      ...rates,
    },
  };
}

function parsePriceEntry(model: string, raw: unknown): { entry?: PriceEntry; problem?: string } {
  const rates = isRecord(raw) ? parseRates(raw) : undefined;
  if (!isRecord(raw) || !rates) {
    return { problem: `price for "${model}" needs non-negative numbers cacheHit, cacheMiss and output` };
  }
  if (!isName(raw.name)) {
    return { problem: `price for "${model}" has a name that is not a non-empty string` };
  }
  const standard: PriceRates & { name?: string } = typeof raw.name === 'string' ? { name: raw.name.trim(), ...rates } : rates;
  if (raw.windows === undefined) {
    return { entry: standard };
  }
  if (!Array.isArray(raw.windows)) {
    return { problem: `price for "${model}" has windows that are not an array` };
  }
  const windows: PriceWindow[] = [];
  for (const [i, item] of raw.windows.entries()) {
    const parsed = parsePriceWindow(item, `price for "${model}" window ${i + 1}`);
    if (!parsed.window) {
      return { problem: parsed.problem };
    }
    windows.push(parsed.window);
  }
  return { entry: windows.length > 0 ? { ...standard, windows } : standard };
}

function parsePriceTable(raw: unknown): { table?: PriceTable; problem?: string } {
  if (!isRecord(raw)) {
    return { problem: 'must be an object of model id → {name?, cacheHit, cacheMiss, output, windows?}' };
  }
  const entries: [string, PriceEntry][] = [];
  for (const model of Object.keys(raw).sort()) {
    const parsed = parsePriceEntry(model, raw[model]);
    if (!parsed.entry) {
      return { problem: parsed.problem };
    }
    entries.push([model, parsed.entry]);
  }
  // fromEntries defines own properties, so even a model id such as "__proto__" is just a key.
  return { table: Object.fromEntries(entries) };
}

type Check<T> = (raw: unknown) => { readonly ok: T } | { readonly problem: string };

function define<K extends SettingKey>(key: K, defaultValue: Settings[K], check: Check<Settings[K]>): SettingDefinition<K> {
  return {
    key,
    defaultValue,
    parse(raw: unknown): Parsed<Settings[K]> {
      if (raw === undefined) {
        return { value: defaultValue };
      }
      const result = check(raw);
      return 'ok' in result
        ? { value: result.ok }
        : { value: defaultValue, problem: `deepseek.${key} ${result.problem}; using the default` };
    },
  };
}

const problem = (text: string) => ({ problem: text }) as const;

function checkModelId(raw: unknown): { ok: string } | { problem: string } {
  return typeof raw === 'string' && raw.trim().length > 0 ? { ok: raw.trim() } : problem('must be a non-empty model id');
}

/** When DEFAULT_PRICING was read from DeepSeek's pricing page (deepseek-api.md); the readout names it. */
export const PRICE_TABLE_AS_OF = '2026-11';

/** DeepSeek's peak hours: 01:00–04:00 and 06:00–10:00 UTC (9–12 and 14–18 Beijing time), Monday to Friday. */
const PEAK_HOURS_UTC: readonly (readonly [string, string])[] = [['01:00', '04:00'], ['06:00', '10:00']];
const MONDAY_TO_FRIDAY: readonly Weekday[] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** Off-peak rates as the standard, and the peak rates (given separately: twice off-peak) in the peak hours. */
function offPeakAndPeak(offPeak: PriceRates, peak: PriceRates): PriceEntry {
  return {
    name: 'off-peak',
    ...offPeak,
    windows: PEAK_HOURS_UTC.map(([startUtc, endUtc]) => ({ name: 'peak', days: MONDAY_TO_FRIDAY, startUtc, endUtc, ...peak })),
  };
}

/**
 * DeepSeek's price table as of PRICE_TABLE_AS_OF, USD per 1M tokens. Aliases (`deepseek-v4-flash`) are billed
 * as the model they serve, so they need no entry of their own.
 */
export const DEFAULT_PRICING: PriceTable = {
  'deepseek-flash': offPeakAndPeak({ cacheHit: 0.003, cacheMiss: 0.15, output: 0.6 }, { cacheHit: 0.006, cacheMiss: 0.3, output: 1.2 }),
  'deepseek-v4-pro': offPeakAndPeak({ cacheHit: 0.022, cacheMiss: 0.66, output: 1.98 }, { cacheHit: 0.044, cacheMiss: 1.32, output: 3.96 }),
};

function isWholeNumber(v: unknown, min: number, max: number): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max;
}

function parseModelLimits(raw: unknown): ModelLimitsOverrides | string {
  if (!isRecord(raw)) {
    return 'must be an object of model id → {contextTokens?, maxOutputTokens?}';
  }
  const entries: [string, Partial<ModelLimits>][] = [];
  for (const model of Object.keys(raw).sort()) {
    const item = raw[model];
    if (model.trim() === '' || !isRecord(item)) {
      return `entry "${model}" must be an object {contextTokens?, maxOutputTokens?}`;
    }
    const { contextTokens, maxOutputTokens } = item;
    if (contextTokens === undefined && maxOutputTokens === undefined) {
      return `entry "${model}" needs contextTokens or maxOutputTokens`;
    }
    if (contextTokens !== undefined && !isWholeNumber(contextTokens, 1_000, 100_000_000)) {
      return `entry "${model}" needs contextTokens as a whole number of tokens between 1000 and 100000000`;
    }
    if (maxOutputTokens !== undefined && !isWholeNumber(maxOutputTokens, 1, 100_000_000)) {
      return `entry "${model}" needs maxOutputTokens as a whole number of tokens ≥ 1`;
    }
    if (contextTokens !== undefined && maxOutputTokens !== undefined && maxOutputTokens > contextTokens) {
      return `entry "${model}" has maxOutputTokens larger than contextTokens`;
    }
    entries.push([model, { ...(contextTokens !== undefined ? { contextTokens } : {}), ...(maxOutputTokens !== undefined ? { maxOutputTokens } : {}) }]);
  }
  return Object.fromEntries(entries);
}

/** `low`/`medium` read as `high` and `xhigh` as `max`, as DeepSeek maps them. */
const EFFORT_ALIASES: Readonly<Record<string, ReasoningEffort>> = { low: 'high', medium: 'high', high: 'high', max: 'max', xhigh: 'max' };

function parseFallbackProviders(raw: unknown): readonly FallbackProvider[] | string {
  if (!Array.isArray(raw)) {
    return 'must be an array of providers';
  }
  const providers: FallbackProvider[] = [];
  for (const [i, item] of raw.entries()) {
    if (!isRecord(item)) {
      return `entry ${i + 1} must be an object`;
    }
    const { name, baseUrl, apiKeyEnv, models, pricing, limits, fim } = item;
    if (typeof name !== 'string' || name.trim() === '') {
      return `entry ${i + 1} needs a name`;
    }
    if (typeof baseUrl !== 'string' || !URL_PATTERN.test(baseUrl.trim())) {
      return `entry "${name}" needs an http(s) baseUrl`;
    }
    if (apiKeyEnv !== undefined && (typeof apiKeyEnv !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(apiKeyEnv))) {
      return `entry "${name}" has an apiKeyEnv that is not an environment variable name`;
    }
    if (!isRecord(models) || !('ok' in checkModelId(models.chat)) || !('ok' in checkModelId(models.reasoner))) {
      return `entry "${name}" needs models.chat and models.reasoner`;
    }
    let table: PriceTable | undefined;
    if (pricing !== undefined) {
      const parsed = parsePriceTable(pricing);
      if (parsed.problem !== undefined) {
        return `entry "${name}": ${parsed.problem}`;
      }
      table = parsed.table;
    }
    let windowLimits: Partial<ModelLimits> | undefined;
    if (limits !== undefined) {
      const parsed = parseModelLimits({ [name]: limits });
      if (typeof parsed === 'string') {
        return `entry "${name}": limits ${parsed.replace(/^entry "[^"]*" /, '')}`;
      }
      windowLimits = parsed[name];
    }
    if (fim !== undefined && typeof fim !== 'boolean') {
      return `entry "${name}" has fim that is not true or false`;
    }
    if (providers.some((p) => p.name.toLowerCase() === name.trim().toLowerCase()) || name.trim().toLowerCase() === 'deepseek') {
      return `entry "${name}" needs a name of its own (names tell providers apart in the ledger and the status bar)`;
    }
    providers.push({
      name: name.trim(),
      baseUrl: baseUrl.trim(),
      ...(typeof apiKeyEnv === 'string' ? { apiKeyEnv } : {}),
      models: { chat: (models.chat as string).trim(), reasoner: (models.reasoner as string).trim() },
      ...(table ? { pricing: table } : {}),
      ...(windowLimits ? { limits: windowLimits } : {}),
      ...(fim === true ? { fim: true } : {}),
    });
  }
  return providers;
}

export const SETTING_DEFINITIONS: { readonly [K in SettingKey]: SettingDefinition<K> } = {
  baseUrl: define('baseUrl', 'https://api.deepseek.com', (raw) =>
    typeof raw === 'string' && URL_PATTERN.test(raw.trim())
      ? { ok: raw.trim().replace(/\/+$/, '') }
      : problem('must be an http(s) URL')),
  'models.chat': define('models.chat', DEFAULT_MODEL_ID, checkModelId),
  'models.reasoner': define('models.reasoner', DEFAULT_MODEL_ID, checkModelId),
  'models.reasoningEffort': define('models.reasoningEffort', 'high', (raw) => {
    const effort = typeof raw === 'string' ? EFFORT_ALIASES[raw.trim().toLowerCase()] : undefined;
    return effort ? { ok: effort } : problem(`must be one of ${REASONING_EFFORTS.map((e) => `"${e}"`).join(', ')}`);
  }),
  'models.thinking': define('models.thinking', 'auto', (raw) =>
    typeof raw === 'string' && (THINKING_OVERRIDES as readonly string[]).includes(raw)
      ? { ok: raw as ThinkingOverride }
      : problem(`must be one of ${THINKING_OVERRIDES.map((o) => `"${o}"`).join(', ')}`)),
  'models.limits': define('models.limits', {}, (raw) => {
    const parsed = parseModelLimits(raw);
    return typeof parsed === 'string' ? problem(parsed) : { ok: parsed };
  }),
  pricing: define('pricing', DEFAULT_PRICING, (raw) => {
    const parsed = parsePriceTable(raw);
    return parsed.table ? { ok: parsed.table } : problem(parsed.problem ?? 'is invalid');
  }),
  'budget.session': define('budget.session', 0, (raw) =>
    isNonNegativeNumber(raw) ? { ok: raw } : problem('must be a number of US dollars ≥ 0')),
  'inlineCompletions.enabled': define('inlineCompletions.enabled', true, (raw) =>
    typeof raw === 'boolean' ? { ok: raw } : problem('must be true or false')),
  'inlineCompletions.languages': define('inlineCompletions.languages', DEFAULT_COMPLETION_LANGUAGES, (raw) => {
    if (!isRecord(raw) || !Object.values(raw).every((v) => typeof v === 'boolean')) {
      return problem('must be an object of language id → true or false, with "*" for every other language');
    }
    return { ok: Object.fromEntries(Object.keys(raw).sort().map((k) => [k.trim(), raw[k] as boolean])) };
  }),
  'privacy.redact': define('privacy.redact', true, (raw) =>
    typeof raw === 'boolean' ? { ok: raw } : problem('must be true or false')),
  'context.exclude': define('context.exclude', [], (raw) =>
    Array.isArray(raw) && raw.every((g) => typeof g === 'string')
      ? { ok: [...(raw as string[])] }
      : problem('must be an array of glob strings')),
  'context.maxTokens': define('context.maxTokens', 128_000, (raw) =>
    typeof raw === 'number' && Number.isInteger(raw) && raw >= 8_000 && raw <= 2_000_000
      ? { ok: raw }
      : problem('must be a whole number of tokens between 8000 and 2000000')),
  fallbackProviders: define('fallbackProviders', [], (raw) => {
    const parsed = parseFallbackProviders(raw);
    return typeof parsed === 'string' ? problem(parsed) : { ok: parsed };
  }),
  'failover.firstTokenSeconds': define('failover.firstTokenSeconds', 30, (raw) =>
    isWholeNumber(raw, 1, 600) ? { ok: raw } : problem('must be a whole number of seconds between 1 and 600')),
  'failover.stallSeconds': define('failover.stallSeconds', 30, (raw) =>
    isWholeNumber(raw, 1, 600) ? { ok: raw } : problem('must be a whole number of seconds between 1 and 600')),
  'statusBar.compact': define('statusBar.compact', false, (raw) =>
    typeof raw === 'boolean' ? { ok: raw } : problem('must be true or false')),
  'ocr.provider': define('ocr.provider', 'deepseek', (raw) =>
    typeof raw === 'string' && (OCR_PROVIDERS as readonly string[]).includes(raw)
      ? { ok: raw as OcrProvider }
      : problem(`must be one of ${OCR_PROVIDERS.map((p) => `"${p}"`).join(', ')}`)),
  'ocr.baseUrl': define('ocr.baseUrl', '', (raw) =>
    typeof raw === 'string' && (raw.trim() === '' || URL_PATTERN.test(raw.trim()))
      ? { ok: raw.trim().replace(/\/+$/, '') }
      : problem('must be an http(s) URL such as http://localhost:8000/v1, or empty')),
  'ocr.model': define('ocr.model', DEFAULT_OCR_MODEL, checkModelId),
  'ocr.apiKeyEnv': define('ocr.apiKeyEnv', '', (raw) =>
    typeof raw === 'string' && (raw.trim() === '' || ENV_NAME_PATTERN.test(raw.trim()))
      ? { ok: raw.trim() }
      : problem('must be the name of an environment variable (letters, digits and _), or empty')),
  'ocr.purpose': define('ocr.purpose', 'rich_layout_recognition', (raw) =>
    typeof raw === 'string' && (OCR_PURPOSES as readonly string[]).includes(raw)
      ? { ok: raw as OcrPurpose }
      : problem(`must be one of ${OCR_PURPOSES.map((p) => `"${p}"`).join(', ')}`)),
  'ocr.grounding': define('ocr.grounding', true, (raw) =>
    typeof raw === 'boolean' ? { ok: raw } : problem('must be true or false')),
  'ocr.pricePerPage': define('ocr.pricePerPage', DEFAULT_OCR_PRICE_PER_PAGE_USD, (raw) =>
    isNonNegativeNumber(raw) && raw <= 1 ? { ok: raw } : problem('must be a number of US dollars per page between 0 and 1')),
  'ocr.maxFileMB': define('ocr.maxFileMB', 100, (raw) =>
    typeof raw === 'number' && Number.isFinite(raw) && raw > 0 && raw <= 1_000
      ? { ok: raw }
      : problem('must be a number of megabytes greater than 0 and at most 1000')),
  'ocr.maxPages': define('ocr.maxPages', 1_000, (raw) =>
    isWholeNumber(raw, 1, 100_000) ? { ok: raw } : problem('must be a whole number of pages between 1 and 100000')),
  'ocr.timeoutSeconds': define('ocr.timeoutSeconds', 180, (raw) =>
    isWholeNumber(raw, 5, 3_600) ? { ok: raw } : problem('must be a whole number of seconds between 5 and 3600')),
};

export const SETTING_KEYS = Object.keys(SETTING_DEFINITIONS) as SettingKey[];

/** A setting that was replaced: still read (when its replacement is unset) so users' settings keep working. */
export interface LegacySetting {
  readonly key: string;
  readonly replacedBy: SettingKey;
  /** The replacement's value for a stored old value; undefined = nothing to carry over. */
  migrate(raw: unknown): unknown;
  /** For package.json's `markdownDeprecationMessage`. */
  readonly note: string;
}

export const LEGACY_SETTINGS = [
  {
    key: 'models.thinkingParameter',
    replacedBy: 'models.thinking',
    // `true` forced the switch for every id; `false` meant "by id", which `auto` now does right for V4 ids.
    migrate: (raw: unknown) => (raw === true ? 'always' : undefined),
    note: 'Replaced by `#deepseek.models.thinking#`: the `thinking` switch now goes to every V4-family model automatically. `true` carries over as `always`.',
  },
] as const satisfies readonly LegacySetting[];

export type LegacySettingKey = (typeof LEGACY_SETTINGS)[number]['key'];

/** Where raw values come from: VS Code's configuration in the extension, a plain map in tests. */
export interface SettingsSource {
  getRaw(key: SettingKey | LegacySettingKey): unknown;
}

export class InMemorySettingsSource implements SettingsSource {
  private readonly values = new Map<SettingKey | LegacySettingKey, unknown>();

  constructor(initial: Partial<Record<SettingKey | LegacySettingKey, unknown>> = {}) {
    for (const [k, v] of Object.entries(initial)) {
      this.values.set(k as SettingKey, v);
    }
  }

  set(key: SettingKey | LegacySettingKey, value: unknown): void {
    this.values.set(key, value);
  }

  getRaw(key: SettingKey | LegacySettingKey): unknown {
    return this.values.get(key);
  }
}

/** The value a replaced setting carries over to `key` (the first legacy setting that has one), or undefined. */
function migrateLegacy(key: SettingKey, rawOf: (legacy: LegacySettingKey) => unknown): unknown {
  for (const legacy of LEGACY_SETTINGS) {
    const migrated = legacy.replacedBy === key ? legacy.migrate(rawOf(legacy.key)) : undefined;
    if (migrated !== undefined) {
      return migrated;
    }
  }
  return undefined;
}

export function readSetting<K extends SettingKey>(source: SettingsSource, key: K): Parsed<Settings[K]> {
  const raw = source.getRaw(key);
  if (raw === undefined) {
    for (const legacy of LEGACY_SETTINGS) {
      const migrated = legacy.replacedBy === key ? legacy.migrate(source.getRaw(legacy.key)) : undefined;
      if (migrated !== undefined) {
        const parsed = SETTING_DEFINITIONS[key].parse(migrated) as Parsed<Settings[K]>;
        return parsed.problem === undefined ? { ...parsed, migratedFrom: legacy.key } : parsed;
      }
    }
  }
  return SETTING_DEFINITIONS[key].parse(raw) as Parsed<Settings[K]>;
}

/** A replaced setting the user still has, and what it becomes: for a one-time notice that rewrites it. */
export interface LegacySettingInUse {
  readonly key: LegacySettingKey;
  readonly replacedBy: SettingKey;
  /** The stored old value. */
  readonly raw: unknown;
  /** What to write to `replacedBy` (undefined: nothing to carry over; just remove the old key). */
  readonly value: unknown;
  /** False when `replacedBy` is set too (its own value wins; the old one is ignored). */
  readonly applied: boolean;
}

export function legacySettingsInUse(source: SettingsSource): LegacySettingInUse[] {
  const found: LegacySettingInUse[] = [];
  for (const legacy of LEGACY_SETTINGS) {
    const raw = source.getRaw(legacy.key);
    if (raw !== undefined) {
      const value = legacy.migrate(raw);
      found.push({ key: legacy.key, replacedBy: legacy.replacedBy, raw, value, applied: value !== undefined && source.getRaw(legacy.replacedBy) === undefined });
    }
  }
  return found;
}

/**
 * Whose value of a setting counts.
 * - `user`: the user's own settings only. These decide where requests go, with which key, what is redacted,
 *   which model is billed, how large a prompt may grow and how much may be spent; a repository's
 *   `.vscode/settings.json` (trusted or not) never decides them. Declared `"scope": "application"` and
 *   restricted in untrusted workspaces in package.json (a unit test checks).
 * - `additive`: the workspace may add to the user's list, never take anything away (context exclusions:
 *   more exclusions only protect more).
 * - `narrowing`: the workspace may switch it off, never on (inline completions: every keystroke in a file can
 *   send its code to DeepSeek and bill the user, so only the user turns that on; a repository may turn it off).
 * - `any`: VS Code's usual precedence, folder over workspace over user (preferences that neither send nor bill
 *   anything a user did not ask for).
 */
export type SettingOwner = 'user' | 'additive' | 'narrowing' | 'any';

export const SETTING_OWNERS: { readonly [K in SettingKey]: SettingOwner } = {
  baseUrl: 'user',
  'models.chat': 'user',
  'models.reasoner': 'user',
  'models.reasoningEffort': 'user',
  'models.thinking': 'user',
  'models.limits': 'user',
  pricing: 'user',
  'budget.session': 'user',
  'inlineCompletions.enabled': 'narrowing',
  'inlineCompletions.languages': 'narrowing',
  'privacy.redact': 'user',
  'context.exclude': 'additive',
  'context.maxTokens': 'user',
  fallbackProviders: 'user',
  'failover.firstTokenSeconds': 'user',
  'failover.stallSeconds': 'user',
  'statusBar.compact': 'any',
  // Where documents are uploaded, with which key, and what extraction is billed: the user's alone.
  'ocr.provider': 'user',
  'ocr.baseUrl': 'user',
  'ocr.model': 'user',
  'ocr.apiKeyEnv': 'user',
  'ocr.purpose': 'user',
  'ocr.grounding': 'user',
  'ocr.pricePerPage': 'user',
  'ocr.maxFileMB': 'user',
  'ocr.maxPages': 'user',
  'ocr.timeoutSeconds': 'user',
};

/** The settings only the user's own settings may set (see SettingOwner). */
export const USER_ONLY_KEYS: readonly SettingKey[] = SETTING_KEYS.filter((key) => SETTING_OWNERS[key] === 'user');

/**
 * Replaced settings whose replacement is user-only: still read (migrated) from the user's settings alone, so
 * they are user-only as well (application scope, restricted in untrusted workspaces, named by the workspace
 * guard).
 */
export const USER_ONLY_LEGACY_KEYS: readonly LegacySettingKey[] = LEGACY_SETTINGS
  .filter((l) => SETTING_OWNERS[l.replacedBy] === 'user')
  .map((l) => l.key);

/** Every key that only the user's own settings may set, current and replaced, in declaration order. */
export type UserOnlyKey = SettingKey | LegacySettingKey;
export const USER_ONLY_CONFIG_KEYS: readonly UserOnlyKey[] = [...USER_ONLY_KEYS, ...USER_ONLY_LEGACY_KEYS];

/** A setting's raw values as VS Code's layers hold them (`inspect()`): the user's, the workspace's, each folder's. */
export interface SettingLayers {
  readonly user?: unknown;
  readonly workspace?: unknown;
  /** Workspace-folder values (one per folder of a multi-root workspace that sets the key). */
  readonly folders?: readonly unknown[];
}

export interface LayeredValue<T> {
  readonly value: T;
  /** What was wrong with refused values (each refused value falls back as if it were not set). */
  readonly problems: readonly string[];
}

/**
 * The value in effect for `key`, honouring who may set it: a `user` key reads the user's value only (a
 * workspace value is never looked at, whatever the trust state); an `additive` list joins the user's valid
 * list with each valid workspace list (an invalid workspace value cannot wipe the user's); `any` takes the most
 * specific value set.
 */
export function readLayeredSetting<K extends SettingKey>(
  key: K,
  layers: SettingLayers,
  /** The layers of a replaced setting (LEGACY_SETTINGS), read when `key` itself is not set. */
  legacyLayers?: (legacy: LegacySettingKey) => SettingLayers,
): LayeredValue<Settings[K]> {
  const definition = SETTING_DEFINITIONS[key] as SettingDefinition<K>;
  const owner = SETTING_OWNERS[key];
  if (owner === 'user') {
    // A replaced setting carries over from the user's own value only, as the setting it became would.
    const migrated = layers.user === undefined && legacyLayers ? migrateLegacy(key, (legacy) => legacyLayers(legacy).user) : undefined;
    const { value, problem } = definition.parse(migrated ?? layers.user);
    return { value, problems: problem ? [problem] : [] };
  }
  const workspaceLayers = [layers.workspace, ...(layers.folders ?? [])].filter((v) => v !== undefined);
  if (owner === 'additive') {
    const problems: string[] = [];
    const merged: unknown[] = [];
    for (const raw of [layers.user, ...workspaceLayers]) {
      const { value, problem } = definition.parse(raw);
      if (problem) problems.push(problem);
      else for (const item of value as readonly unknown[]) if (!merged.includes(item)) merged.push(item);
    }
    return { value: merged as unknown as Settings[K], problems };
  }
  if (owner === 'narrowing') {
    const problems: string[] = [];
    const user = definition.parse(layers.user);
    if (user.problem) problems.push(user.problem);
    const narrowers: unknown[] = [];
    for (const raw of workspaceLayers) {
      const { value, problem } = definition.parse(raw);
      if (problem) problems.push(problem);
      else narrowers.push(value);
    }
    return { value: narrow(user.value, narrowers) as Settings[K], problems };
  }
  const raw = workspaceLayers.length > 0 ? workspaceLayers[workspaceLayers.length - 1] : layers.user;
  const { value, problem } = definition.parse(raw);
  return { value, problems: problem ? [problem] : [] };
}

/**
 * The user's value, switched off wherever a workspace layer switches it off: `true` only if every layer says
 * so; for a language map, each language on only if every layer's map (its entry, else its `*`) leaves it on.
 */
function narrow(user: unknown, workspaces: readonly unknown[]): unknown {
  if (typeof user === 'boolean') {
    return workspaces.every((w) => w !== false) && user;
  }
  const maps = [user, ...workspaces] as Readonly<Record<string, boolean>>[];
  const keys = new Set(['*', ...maps.flatMap((m) => Object.keys(m))]);
  const on = (language: string) => maps.every((m, i) => (i === 0 ? languageEnabled(m, language) : (Object.prototype.hasOwnProperty.call(m, language) ? m[language] : m['*']) !== false));
  return Object.fromEntries([...keys].sort().map((k) => [k, on(k)]));
}
