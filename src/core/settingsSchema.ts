/**
 * Every setting the extension reads: its key (under `deepseek.`), default, and a validator.
 * Pure: no `vscode` import. `src/config/settings.ts` reads these through VS Code; tests use
 * `InMemorySettingsSource`. package.json's `contributes.configuration` must agree (a unit test checks).
 */

export interface PriceEntry {
  /** USD per 1M prompt tokens served from the prefix cache. */
  readonly cacheHit: number;
  /** USD per 1M prompt tokens not in the cache. */
  readonly cacheMiss: number;
  /** USD per 1M output tokens (reasoning included). */
  readonly output: number;
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
  readonly pricing: PriceTable;
  readonly 'budget.session': number;
  readonly 'inlineCompletions.enabled': boolean;
  readonly 'privacy.redact': boolean;
  readonly 'context.exclude': readonly string[];
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

function parsePriceTable(raw: unknown): { table?: PriceTable; problem?: string } {
  if (!isRecord(raw)) {
    return { problem: 'must be an object of model id → {cacheHit, cacheMiss, output}' };
  }
  const table: Record<string, PriceEntry> = {};
  for (const model of Object.keys(raw).sort()) {
    const entry = raw[model];
    if (!isRecord(entry) || !isNonNegativeNumber(entry.cacheHit) || !isNonNegativeNumber(entry.cacheMiss) || !isNonNegativeNumber(entry.output)) {
      return { problem: `price for "${model}" needs non-negative numbers cacheHit, cacheMiss and output` };
    }
    table[model] = { cacheHit: entry.cacheHit, cacheMiss: entry.cacheMiss, output: entry.output };
  }
  return { table };
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
