/**
 * What the extension knows about model ids, as data: families, limits, aliases, retired ids, and the
 * `thinking` switch each request carries. Pure (deepseek-api.md, as of 2026-11).
 *
 * The product's two roles are the contract, not the ids: **chat** = Flash with thinking disabled, **reasoner**
 * = thinking enabled (Flash by default, Pro by choice). Ids change over time, so every lookup here is by id,
 * case-insensitive, and an id we do not know is treated conservatively (no parameters it may not take).
 */

import type { EndpointKind } from './endpoint';

export type ModelRole = 'chat' | 'reasoner';

/**
 * `v4`: DeepSeek V4 and later — one id serves both roles, switched per request by `thinking: {type}` (thinking
 * is ON when the field is omitted) with depth set by `reasoning_effort`.
 * `legacy`: the pre-V4 ids, retired on DeepSeek's API but still served by self-hosted or compatible endpoints;
 * reasoning is decided by the id and they must not get the V4 parameters.
 * `unknown`: anything else (another vendor's model on a fallback or custom endpoint).
 */
export type ModelFamily = 'v4' | 'legacy' | 'unknown';

export type ThinkingType = 'enabled' | 'disabled';

/** DeepSeek's `reasoning_effort` values (it maps `low`/`medium` to `high` and `xhigh` to `max`). */
export type ReasoningEffort = 'high' | 'max';

export const REASONING_EFFORTS: readonly ReasoningEffort[] = ['high', 'max'];

/**
 * The `deepseek.models.thinking` override. `auto`: send the switch exactly to the ids that take it (the V4
 * family). `always`: the endpoint takes it for every id (an unknown endpoint serving V4-style models).
 * `never`: never send it (an endpoint that refuses the field) — a V4 id then thinks by default.
 */
export type ThinkingOverride = 'auto' | 'always' | 'never';

export const THINKING_OVERRIDES: readonly ThinkingOverride[] = ['auto', 'always', 'never'];

export interface ModelLimits {
  /** Context window in tokens (prompt + output). */
  readonly contextTokens: number;
  /** Most output tokens one request may ask for (`max_tokens`). */
  readonly maxOutputTokens: number;
}

/** One `deepseek.models.limits` entry: limits that replace the known ones, and whether the model takes images. */
export interface ModelOverride extends Partial<ModelLimits> {
  /** The model takes `image_url` content parts (a vision model on a compatible endpoint). */
  readonly vision?: boolean;
}

/** The `deepseek.models.limits` setting: model id → limits that replace the known ones (either field or both), and `vision`. */
export type ModelLimitsOverrides = Readonly<Record<string, ModelOverride>>;

/** A retired id and what it meant, i.e. what a user's setting naming it should become. */
export interface RetiredModel {
  /** UTC date from which DeepSeek's API refuses the id. */
  readonly since: string;
  /** The role the id served. */
  readonly role: ModelRole;
  /** The current id serving that role. */
  readonly replacement: string;
  /** The thinking switch that reproduces what the id did. */
  readonly thinking: ThinkingType;
}

export interface ModelInfo {
  /** The id as looked up (trimmed). */
  readonly id: string;
  readonly family: ModelFamily;
  /** True when the id is in KNOWN_MODELS; false when the family was inferred from the id's shape. */
  readonly known: boolean;
  /** For an alias: the id it is served and billed as. */
  readonly aliasOf?: string;
  readonly limits: ModelLimits;
  /** Takes `thinking: {type}` and `reasoning_effort`; thinks when the switch is omitted. */
  readonly thinkingSwitch: boolean;
  /** Reasons by id whatever the parameters (true), never (false), or we cannot tell (undefined). */
  readonly reasonsById?: boolean;
  /** Serves FIM (`/beta/completions`, non-thinking only); undefined when we cannot tell. */
  readonly fim?: boolean;
  /** Takes `image_url` content parts (deepseek-api.md: only Flash does). */
  readonly vision?: boolean;
  readonly retired?: RetiredModel;
}

/** V4: 1M-token context, up to 384K output. */
export const V4_LIMITS: ModelLimits = { contextTokens: 1_000_000, maxOutputTokens: 384_000 };
/** Older and self-hosted models, and anything we do not know: 128K context, 8K output. */
export const DEFAULT_LIMITS: ModelLimits = { contextTokens: 128_000, maxOutputTokens: 8_000 };

/** The date DeepSeek stopped serving `deepseek-chat` and `deepseek-reasoner`. */
export const LEGACY_IDS_RETIRED_ON = '2026-07-24';

/** The role defaults: Flash serves both, switched by `thinking`. */
export const DEFAULT_MODEL_ID = 'deepseek-flash';

type KnownModel = Omit<ModelInfo, 'known'>;

export const KNOWN_MODELS: readonly KnownModel[] = [
  { id: 'deepseek-flash', family: 'v4', limits: V4_LIMITS, thinkingSwitch: true, fim: true, vision: true },
  { id: 'deepseek-v4-flash', family: 'v4', aliasOf: 'deepseek-flash', limits: V4_LIMITS, thinkingSwitch: true, fim: true, vision: true },
  { id: 'deepseek-v4-pro', family: 'v4', limits: V4_LIMITS, thinkingSwitch: true, fim: false },
  {
    id: 'deepseek-chat', family: 'legacy', limits: DEFAULT_LIMITS, thinkingSwitch: false, reasonsById: false, fim: true,
    retired: { since: LEGACY_IDS_RETIRED_ON, role: 'chat', replacement: 'deepseek-flash', thinking: 'disabled' },
  },
  {
    id: 'deepseek-reasoner', family: 'legacy', limits: DEFAULT_LIMITS, thinkingSwitch: false, reasonsById: true, fim: false,
    retired: { since: LEGACY_IDS_RETIRED_ON, role: 'reasoner', replacement: 'deepseek-flash', thinking: 'enabled' },
  },
];

const normalize = (id: string) => id.trim().toLowerCase();

/** Ids of V4 or later that are not in the table: `deepseek-flash-…`, `deepseek-pro…`, `deepseek-v4.1-flash`, `deepseek-v5-…`. */
const V4_SHAPE = /^deepseek-(?:(?:flash|pro)\b|v(?:[4-9]|\d{2,})(?:[.-]|$))/;
/** Pre-V4 DeepSeek ids as self-hosted servers name them: `deepseek-coder…`, `deepseek-v3…`, `deepseek-r1…`. */
const LEGACY_SHAPE = /^deepseek-(?:chat|reasoner|coder|v[1-3](?:[.-]|:|$)|r1|llm|math|moe|vl)/;
const LEGACY_REASONS = /^deepseek-(?:reasoner|r1)/;

/** What we know about a model id; an id not in the table gets a family inferred from its shape. */
export function modelInfo(id: string): ModelInfo {
  const wanted = normalize(id);
  const known = KNOWN_MODELS.find((m) => m.id === wanted);
  if (known) {
    return { ...known, known: true };
  }
  const trimmed = id.trim();
  if (V4_SHAPE.test(wanted)) {
    return { id: trimmed, family: 'v4', known: false, limits: V4_LIMITS, thinkingSwitch: true, fim: /flash/.test(wanted) };
  }
  if (LEGACY_SHAPE.test(wanted)) {
    const reasons = LEGACY_REASONS.test(wanted);
    return { id: trimmed, family: 'legacy', known: false, limits: DEFAULT_LIMITS, thinkingSwitch: false, reasonsById: reasons, ...(reasons ? { fim: false } : {}) };
  }
  return { id: trimmed, family: 'unknown', known: false, limits: DEFAULT_LIMITS, thinkingSwitch: false };
}

/** The id a model is served and billed as: an alias's target, else the id itself (trimmed). */
export function canonicalModelId(id: string): string {
  return modelInfo(id).aliasOf ?? id.trim();
}

/** Whether two ids name the same model (same id ignoring case, or one an alias of the other). */
export function sameModel(a: string, b: string): boolean {
  return normalize(canonicalModelId(a)) === normalize(canonicalModelId(b));
}

/** The retired id's meaning, or undefined when the id is not retired. */
export function retiredModel(id: string): RetiredModel | undefined {
  return modelInfo(id).retired;
}

/** Whether FIM (inline completions) can use this id: false for thinking-only and Pro models, true otherwise. */
export function supportsFim(id: string): boolean {
  return modelInfo(id).fim !== false;
}

/**
 * Whether a model takes images (`image_url` parts): the user's `deepseek.models.limits` entry for it when it says
 * `vision`, else what we know (deepseek-flash and deepseek-v4-flash do; every other id does not).
 */
export function modelTakesImages(modelId: string, overrides: ModelLimitsOverrides = {}): boolean {
  const info = modelInfo(modelId);
  const override = findOverride(overrides, info);
  return override?.vision ?? info.vision === true;
}

/** The one sentence a question with images gets when its model cannot take them (nothing is sent). */
export function noVisionMessage(modelId: string): string {
  return `${modelId.trim()} does not take images. Send the image as text (its chip's menu), or set the reasoner to ${DEFAULT_MODEL_ID}.`;
}

export interface ResolvedLimits extends ModelLimits {
  /** `override`: from deepseek.models.limits (at least one field); `known`: the table or the id's family; `default`: 128K / 8K for an unknown id. */
  readonly source: 'override' | 'known' | 'default';
}

/**
 * The limits for a model: the user's override (exact id, then ignoring case, then the id it is an alias of)
 * over the known table, over 128K / 8K. An override may give one field; the other comes from the table.
 */
export function modelLimits(id: string, overrides: ModelLimitsOverrides = {}): ResolvedLimits {
  const info = modelInfo(id);
  const base: ResolvedLimits = { ...info.limits, source: info.known || info.family !== 'unknown' ? 'known' : 'default' };
  const override = findOverride(overrides, info);
  if (!override || (override.contextTokens === undefined && override.maxOutputTokens === undefined)) {
    return base; // none, or one that only says `vision`
  }
  return {
    contextTokens: override.contextTokens ?? base.contextTokens,
    maxOutputTokens: override.maxOutputTokens ?? base.maxOutputTokens,
    source: 'override',
  };
}

function findOverride(overrides: ModelLimitsOverrides, info: ModelInfo): ModelOverride | undefined {
  const own = (key: string) => (Object.prototype.hasOwnProperty.call(overrides, key) ? overrides[key] : undefined);
  const keys = Object.keys(overrides).sort();
  const byName = (name: string) => own(name) ?? keys.filter((k) => normalize(k) === normalize(name)).map(own)[0];
  return byName(info.id) ?? (info.aliasOf !== undefined ? byName(info.aliasOf) : undefined)
    ?? keys.filter((k) => sameModel(k, info.id)).map(own)[0];
}

/** What one request should carry to get its role's behaviour from a model. */
export interface ThinkingDecision {
  /** Send `thinking: {type}`; undefined = omit the field. */
  readonly thinking?: ThinkingType;
  /** Send `reasoning_effort`; only with thinking enabled. */
  readonly reasoningEffort?: ReasoningEffort;
  /** Whether the answer will carry reasoning (`reasoning_content`); undefined when the model decides. */
  readonly reasons: boolean | undefined;
}

export interface ThinkingInput {
  readonly role: ModelRole;
  readonly model: string;
  /** deepseek.models.thinking; default `auto`. */
  readonly override?: ThinkingOverride;
  /** deepseek.models.reasoningEffort; default `high`. */
  readonly effort?: ReasoningEffort;
}

/**
 * The request's thinking fields for a role and id. A V4-family id ALWAYS gets `thinking` (omitting it means
 * thinking on: every quick request slow and expensive): `disabled` for chat, `enabled` + `reasoning_effort`
 * for the reasoner. Legacy and unknown ids never get it, unless the override says `always`; `never` omits it
 * everywhere.
 */
export function decideThinking(input: ThinkingInput): ThinkingDecision {
  const info = modelInfo(input.model);
  const override = input.override ?? 'auto';
  const send = override === 'always' || (override === 'auto' && info.thinkingSwitch);
  if (!send) {
    return { reasons: info.thinkingSwitch ? true : info.reasonsById };
  }
  return input.role === 'chat'
    ? { thinking: 'disabled', reasons: false }
    : { thinking: 'enabled', reasoningEffort: input.effort ?? 'high', reasons: true };
}

/** The decision as request-body fields (`thinking`, `reasoning_effort`), for a client that sends extra fields. */
export function thinkingRequestFields(decision: ThinkingDecision): { thinking?: { type: ThinkingType }; reasoning_effort?: ReasoningEffort } {
  return {
    ...(decision.thinking ? { thinking: { type: decision.thinking } } : {}),
    ...(decision.reasoningEffort ? { reasoning_effort: decision.reasoningEffort } : {}),
  };
}

const ROLE_NAMES: Record<ModelRole, string> = { chat: 'Chat', reasoner: 'Reasoner' };

/** The role's name as the UI shows it: "Chat", "Reasoner". */
export function roleName(role: ModelRole): string {
  return ROLE_NAMES[role];
}

/**
 * What a role resolves to, for the model picker and tooltips: "Chat · deepseek-flash",
 * "Reasoner · deepseek-flash, thinking high". A V4 id sent without the switch says it thinks by default.
 */
export function roleLabel(role: ModelRole, model: string, decision: ThinkingDecision = decideThinking({ role, model })): string {
  const head = `${ROLE_NAMES[role]} · ${model.trim()}`;
  if (decision.thinking === 'enabled') {
    return decision.reasoningEffort ? `${head}, thinking ${decision.reasoningEffort}` : `${head}, thinking`;
  }
  if (decision.thinking === undefined && modelInfo(model).thinkingSwitch) {
    return `${head}, thinking on by default`;
  }
  return head;
}

// ——— Ids that heal ———————————————————————————————————————————————————————————————————————————————————————

/** What an API error says about model ids, when it is about the model id. */
export interface ModelIdError {
  /** Ids the message names as supported (may be empty: "Model Not Exist" names none). */
  readonly supported: readonly string[];
  /** The id the message says was passed, if it says. */
  readonly passed?: string;
}

const SUPPORTED_NAMES = /supported\s+(?:api\s+)?model\s+names?\s+(?:are|is)\s*:?\s*/i;
const BUT_YOU_PASSED = /,?\s*but\s+you\s+passed\s*:?\s*/i;
const MODEL_MISSING = /model\s+not\s+exist|(?:unknown|invalid|unsupported)\s+model\b|model\b[^.]{0,80}?\b(?:does\s+not\s+exist|not\s+found|is\s+not\s+supported|not\s+available)/i;
const ID_TOKEN = /^[A-Za-z0-9][\w.:/-]*$/;

const QUOTES = /^["'`“‘]+|["'`”’]+$/g;

/** An id as written in a message: quotes and a sentence's final punctuation removed (`"deepseek-chat".` → deepseek-chat). */
function cleanId(token: string): string {
  return token.trim().replace(QUOTES, '').replace(/[.,;:]+$/, '').replace(QUOTES, '');
}

/**
 * Reads a 400/404 message about the model id: DeepSeek's "The supported API model names are deepseek-v4-pro or
 * deepseek-flash, but you passed deepseek-chat." (ids and who passed what), or an older "Model Not Exist" /
 * "The model `x` does not exist" (no ids). Undefined when the message is about something else.
 */
export function parseModelIdError(message: string | undefined): ModelIdError | undefined {
  if (!message) {
    return undefined;
  }
  const names = SUPPORTED_NAMES.exec(message);
  if (names) {
    const rest = message.slice(names.index + names[0].length);
    const but = BUT_YOU_PASSED.exec(rest);
    const listText = but ? rest.slice(0, but.index) : rest.split(/\.(?:\s|$)/)[0];
    const supported = [...new Set(listText.split(/\s*,\s*(?:(?:or|and)\s+)?|\s+(?:or|and)\s+/i).map(cleanId).filter((t) => ID_TOKEN.test(t)))];
    const passed = but ? cleanId(rest.slice(but.index + but[0].length).split(/\s/)[0] ?? '') : '';
    return { supported, ...(ID_TOKEN.test(passed) ? { passed } : {}) };
  }
  return MODEL_MISSING.test(message) ? { supported: [] } : undefined;
}

function isV4(id: string): boolean {
  return modelInfo(id).family === 'v4';
}

/** The ids of a list that can serve a role, best first. */
function rankFor(role: ModelRole, failed: string, available: readonly string[]): string[] {
  const wantsPro = role === 'reasoner' && /pro/.test(normalize(failed)) && isV4(failed);
  const score = (id: string): number | undefined => {
    const n = normalize(id);
    if (isV4(id)) {
      const flash = /flash/.test(n);
      const pro = /pro/.test(n);
      const exact = n === 'deepseek-flash' || n === 'deepseek-v4-pro' ? 0 : n === 'deepseek-v4-flash' ? 1 : 2;
      if (wantsPro) return pro ? exact : flash ? 10 + exact : 20;
      return flash ? exact : pro ? 10 + exact : 20;
    }
    const legacyFor = role === 'chat' ? 'deepseek-chat' : 'deepseek-reasoner';
    return n === legacyFor ? 30 : undefined;
  };
  return [...new Set(available.map((id) => id.trim()).filter((id) => id !== ''))]
    .filter((id) => normalize(id) !== normalize(failed))
    .map((id) => ({ id, s: score(id) }))
    .filter((x): x is { id: string; s: number } => x.s !== undefined)
    .sort((a, b) => a.s - b.s || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((x) => x.id);
}

/**
 * The id from `available` (what `/models` lists, or what an error names) that serves `role` in place of
 * `failed`: a V4 Flash id for either role (Pro for a reasoner that was on Pro), else Pro; on an endpoint with
 * only the legacy ids, `deepseek-chat` / `deepseek-reasoner`. Never `failed` itself, never a guess among
 * unknown ids: undefined when nothing fits.
 */
export function pickRoleModel(role: ModelRole, failed: string, available: readonly string[]): string | undefined {
  return rankFor(role, failed, available)[0];
}

export interface ModelSwitch {
  /** The id to use instead. */
  readonly model: string;
  /** The id that was configured or refused. */
  readonly from: string;
  /** Set when `from` is a retired DeepSeek id. */
  readonly retired?: RetiredModel;
  /** One sentence for the user, e.g. "deepseek-chat was retired on 2026-07-24; Chat uses deepseek-flash instead." */
  readonly reason: string;
}

function switchReason(role: ModelRole, to: string, why: string): string {
  return `${why}; ${ROLE_NAMES[role]} uses ${to} instead.`;
}

function retiredWhy(from: string, retired: RetiredModel): string {
  return `${from} was retired by DeepSeek on ${retired.since}`;
}

export interface ModelErrorInput {
  readonly role: ModelRole;
  /** The id the failed request named. */
  readonly model: string;
  readonly status: number | undefined;
  readonly message: string | undefined;
  /** What `GET /models` lists, when known. */
  readonly available?: readonly string[];
  /** Ids this request already tried (the original before a retry); never picked again. */
  readonly tried?: readonly string[];
}

/**
 * After a 400/404 about the model id: the id to retry ONCE with, picked for the role from what `/models` lists
 * (else from the ids the message names). Undefined for any other error (a 400 about something else is not
 * retried), when nothing fits, when the list or the message names the refused id as supported (then the id is
 * not the problem), or when the pick was already tried — so a caller cannot loop.
 */
export function recoverFromModelError(input: ModelErrorInput): ModelSwitch | undefined {
  if (input.status !== 400 && input.status !== 404) {
    return undefined;
  }
  const parsed = parseModelIdError(input.message);
  if (!parsed) {
    return undefined;
  }
  const candidates = [...(input.available ?? []), ...parsed.supported];
  if (candidates.some((id) => normalize(id) === normalize(input.model))) {
    return undefined;
  }
  const tried = new Set([input.model, ...(input.tried ?? [])].map(normalize));
  const model = pickRoleModel(input.role, input.model, candidates.filter((id) => !tried.has(normalize(id))));
  if (model === undefined) {
    return undefined;
  }
  const retired = retiredModel(input.model);
  const why = retired ? retiredWhy(input.model.trim(), retired) : `${input.status} from the API: ${input.model.trim()} is not a model it serves`;
  return { model, from: input.model.trim(), ...(retired ? { retired } : {}), reason: switchReason(input.role, model, why) };
}

export interface RoleModelInput {
  readonly role: ModelRole;
  /** The id in the role's setting. */
  readonly configured: string;
  /** Where requests go: a retired id is healed without asking `/models` only on DeepSeek's own API. */
  readonly endpoint: EndpointKind;
  /** What `GET /models` listed, when known (read lazily; never needed to decide). */
  readonly available?: readonly string[];
}

/**
 * The id a role should use, before any request: the configured id when `/models` lists it (a legacy endpoint
 * keeps `deepseek-chat`); the role's pick from `/models` when it does not; with no list yet, a retired id on
 * DeepSeek's API becomes its current equivalent. `switched` says what changed and why, for a one-time notice
 * with a button that writes `switched.model` to the setting. Undefined `switched` = use the configured id.
 */
export function resolveRoleModel(input: RoleModelInput): { readonly model: string; readonly switched?: ModelSwitch } {
  const configured = input.configured.trim();
  const retired = retiredModel(configured);
  const available = input.available?.map((id) => id.trim()).filter((id) => id !== '');
  if (available && available.length > 0) {
    if (available.some((id) => normalize(id) === normalize(configured) || (modelInfo(id).aliasOf === undefined && sameModel(id, configured)))) {
      return { model: configured };
    }
    const pick = pickRoleModel(input.role, configured, available);
    if (pick === undefined) {
      return { model: configured };
    }
    const why = retired ? retiredWhy(configured, retired) : `${configured} is not in the models this endpoint lists (${available.join(', ')})`;
    return { model: pick, switched: { model: pick, from: configured, ...(retired ? { retired } : {}), reason: switchReason(input.role, pick, why) } };
  }
  if (retired && input.endpoint === 'deepseek') {
    const to = retired.replacement;
    return { model: to, switched: { model: to, from: configured, retired, reason: switchReason(input.role, to, retiredWhy(configured, retired)) } };
  }
  return { model: configured };
}
