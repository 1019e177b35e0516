/**
 * Every setting the extension reads: its key (under `deepseek.`), default, and a validator.
 * Pure: no `vscode` import. `src/config/settings.ts` reads these through VS Code; tests use
 * `InMemorySettingsSource`. package.json's `contributes.configuration` must agree (a unit test checks).
 */

/** Rates in USD per 1M tokens. */
export interface PriceRates {
  /** USD per 1M prompt tokens served from the prefix cache. */
  readonly cacheHit: number;
  /** USD per 1M prompt tokens not in the cache. */
  readonly cacheMiss: number;
  /** USD per 1M output tokens (reasoning included). */
  readonly output: number;
}

/**
 * Rates that apply during a time of day in UTC, such as an off-peak discount. `startUtc` is inclusive,
 * `endUtc` exclusive; a window whose end is earlier than its start wraps past midnight (16:30–00:30).
 */
export interface PriceWindow extends PriceRates {
  /** Shown in the readout, e.g. "off-peak". */
  readonly name?: string;
  /** "HH:MM", 00:00–23:59. */
  readonly startUtc: string;
  /** "HH:MM", 00:00–23:59; differs from startUtc. */
  readonly endUtc: string;
}

/** A model's standard rates, and optional time-of-day windows (the first window that contains the time wins). */
export interface PriceEntry extends PriceRates {
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
  readonly pricing?: PriceTable;
}

export interface Settings {
  readonly baseUrl: string;
  readonly 'models.chat': string;
  readonly 'models.reasoner': string;
  readonly 'models.thinkingParameter': boolean;
  readonly pricing: PriceTable;
  readonly 'budget.session': number;
  readonly 'inlineCompletions.enabled': boolean;
  readonly 'privacy.redact': boolean;
  readonly 'context.exclude': readonly string[];
  readonly 'context.maxTokens': number;
  readonly fallbackProviders: readonly FallbackProvider[];
}

export type SettingKey = keyof Settings;

/** Result of validating a raw value: the value to use, and what was wrong if the raw value was refused. */
export interface Parsed<T> {
  readonly value: T;
  readonly problem?: string;
}

export interface SettingDefinition<K extends SettingKey> {
  readonly key: K;
  readonly defaultValue: Settings[K];
  /** Turns whatever is stored into a valid value; an invalid value yields the default and a problem. */
  parse(raw: unknown): Parsed<Settings[K]>;
}

export const SETTINGS_SECTION = 'deepseek';

const URL_PATTERN = /^https?:\/\/[^\s]+$/;

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

function parsePriceWindow(raw: unknown, where: string): { window?: PriceWindow; problem?: string } {
  if (!isRecord(raw)) {
    return { problem: `${where} must be an object {name?, startUtc, endUtc, cacheHit, cacheMiss, output}` };
  }
  const { name, startUtc, endUtc } = raw;
  if (name !== undefined && (typeof name !== 'string' || name.trim() === '')) {
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
  return { window: { ...(typeof name === 'string' ? { name: name.trim() } : {}), startUtc, endUtc, ...rates } };
}

function parsePriceEntry(model: string, raw: unknown): { entry?: PriceEntry; problem?: string } {
  const rates = isRecord(raw) ? parseRates(raw) : undefined;
  if (!isRecord(raw) || !rates) {
    return { problem: `price for "${model}" needs non-negative numbers cacheHit, cacheMiss and output` };
  }
  if (raw.windows === undefined) {
    return { entry: rates };
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
  return { entry: windows.length > 0 ? { ...rates, windows } : rates };
}

function parsePriceTable(raw: unknown): { table?: PriceTable; problem?: string } {
  if (!isRecord(raw)) {
    return { problem: 'must be an object of model id → {cacheHit, cacheMiss, output, windows?}' };
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

export const DEFAULT_PRICING: PriceTable = {
  'deepseek-chat': { cacheHit: 0.07, cacheMiss: 0.27, output: 1.1 },
  'deepseek-reasoner': { cacheHit: 0.14, cacheMiss: 0.55, output: 2.19 },
};

function parseFallbackProviders(raw: unknown): readonly FallbackProvider[] | string {
  if (!Array.isArray(raw)) {
    return 'must be an array of providers';
  }
  const providers: FallbackProvider[] = [];
  for (const [i, item] of raw.entries()) {
    if (!isRecord(item)) {
      return `entry ${i + 1} must be an object`;
    }
    const { name, baseUrl, apiKeyEnv, models, pricing } = item;
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
    providers.push({
      name: name.trim(),
      baseUrl: baseUrl.trim(),
      ...(typeof apiKeyEnv === 'string' ? { apiKeyEnv } : {}),
      models: { chat: (models.chat as string).trim(), reasoner: (models.reasoner as string).trim() },
      ...(table ? { pricing: table } : {}),
    });
  }
  return providers;
}

export const SETTING_DEFINITIONS: { readonly [K in SettingKey]: SettingDefinition<K> } = {
  baseUrl: define('baseUrl', 'https://api.deepseek.com', (raw) =>
    typeof raw === 'string' && URL_PATTERN.test(raw.trim())
      ? { ok: raw.trim().replace(/\/+$/, '') }
      : problem('must be an http(s) URL')),
  'models.chat': define('models.chat', 'deepseek-chat', checkModelId),
  'models.reasoner': define('models.reasoner', 'deepseek-reasoner', checkModelId),
  'models.thinkingParameter': define('models.thinkingParameter', false, (raw) =>
    typeof raw === 'boolean' ? { ok: raw } : problem('must be true or false')),
  pricing: define('pricing', DEFAULT_PRICING, (raw) => {
    const parsed = parsePriceTable(raw);
    return parsed.table ? { ok: parsed.table } : problem(parsed.problem ?? 'is invalid');
  }),
  'budget.session': define('budget.session', 0, (raw) =>
    isNonNegativeNumber(raw) ? { ok: raw } : problem('must be a number of US dollars ≥ 0')),
  'inlineCompletions.enabled': define('inlineCompletions.enabled', true, (raw) =>
    typeof raw === 'boolean' ? { ok: raw } : problem('must be true or false')),
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
};

export const SETTING_KEYS = Object.keys(SETTING_DEFINITIONS) as SettingKey[];

/** Where raw values come from: VS Code's configuration in the extension, a plain map in tests. */
export interface SettingsSource {
  getRaw(key: SettingKey): unknown;
}

export class InMemorySettingsSource implements SettingsSource {
  private readonly values = new Map<SettingKey, unknown>();

  constructor(initial: Partial<Record<SettingKey, unknown>> = {}) {
    for (const [k, v] of Object.entries(initial)) {
      this.values.set(k as SettingKey, v);
    }
  }

  set(key: SettingKey, value: unknown): void {
    this.values.set(key, value);
  }

  getRaw(key: SettingKey): unknown {
    return this.values.get(key);
  }
}

export function readSetting<K extends SettingKey>(source: SettingsSource, key: K): Parsed<Settings[K]> {
  return SETTING_DEFINITIONS[key].parse(source.getRaw(key)) as Parsed<Settings[K]>;
}

/**
 * Whose value of a setting counts.
 * - `user`: the user's own settings only. These decide where requests go, with which key, what is redacted,
 *   which model is billed, how large a prompt may grow and how much may be spent; a repository's
 *   `.vscode/settings.json` (trusted or not) never decides them. Declared `"scope": "application"` and
 *   restricted in untrusted workspaces in package.json (a unit test checks).
 * - `additive`: the workspace may add to the user's list, never take anything away (context exclusions:
 *   more exclusions only protect more).
 * - `any`: VS Code's usual precedence, folder over workspace over user (preferences that neither send nor bill
 *   anything a user did not ask for).
 */
export type SettingOwner = 'user' | 'additive' | 'any';

export const SETTING_OWNERS: { readonly [K in SettingKey]: SettingOwner } = {
  baseUrl: 'user',
  'models.chat': 'user',
  'models.reasoner': 'user',
  'models.thinkingParameter': 'user',
  pricing: 'user',
  'budget.session': 'user',
  'inlineCompletions.enabled': 'any',
  'privacy.redact': 'user',
  'context.exclude': 'additive',
  'context.maxTokens': 'user',
  fallbackProviders: 'user',
};

/** The settings only the user's own settings may set (see SettingOwner). */
export const USER_ONLY_KEYS: readonly SettingKey[] = SETTING_KEYS.filter((key) => SETTING_OWNERS[key] === 'user');

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
export function readLayeredSetting<K extends SettingKey>(key: K, layers: SettingLayers): LayeredValue<Settings[K]> {
  const definition = SETTING_DEFINITIONS[key] as SettingDefinition<K>;
  const owner = SETTING_OWNERS[key];
  if (owner === 'user') {
    const { value, problem } = definition.parse(layers.user);
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
  const raw = workspaceLayers.length > 0 ? workspaceLayers[workspaceLayers.length - 1] : layers.user;
  const { value, problem } = definition.parse(raw);
  return { value, problems: problem ? [problem] : [] };
}
