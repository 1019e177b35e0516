/**
 * The spend ledger: every priced request, and running totals for the session, today and all time, with
 * per-model and per-surface breakdowns. Pure and synchronous: the glue layer persists `toJSON()` (e.g. in
 * globalState) and raises change events. Totals are summed in whole pico-dollars, so they never drift.
 *
 * Session: survives a window reload (it is persisted), ends on `resetSession()`, and a new one starts by
 * itself when the previous request is more than `sessionIdleMs` (4 h) old. Today: the local calendar day
 * given by `dayKey`. Reads never change the ledger: a session or day that has run out reads as empty, and
 * the next `record()` starts the new one.
 */
import { fromPicoUsd, toPicoUsd } from './money';
import { noPriceLabel, priceUsagePico, tokenCount, type ResolvedPrice } from './pricing';
import { estimateTokens, estimateTokensFromLength } from './tokenEstimate';

/** Where a request came from. */
export type Surface = 'completion' | 'chat' | 'command';

/** Every surface, in display order. */
export const SURFACES: readonly Surface[] = ['completion', 'chat', 'command'];

/** Sums over a set of requests. Token counts are billed tokens; reasoning is part of outputTokens. */
export interface SpendTotals {
  readonly requests: number;
  readonly hitTokens: number;
  readonly missTokens: number;
  readonly outputTokens: number;
  readonly costUsd: number;
  /** What the same requests would have cost with no cache hits. */
  readonly noCacheUsd: number;
  /** How many of the requests were priced from estimated tokens. */
  readonly estimatedRequests: number;
}

/** One priced request. */
export interface SpendRecord {
  /** When it was recorded, ms since the epoch. */
  readonly at: number;
  readonly model: string;
  /** "DeepSeek" or a fallback provider's name. */
  readonly provider: string;
  readonly surface: Surface;
  readonly hitTokens: number;
  readonly missTokens: number;
  /** Answer and reasoning tokens. */
  readonly outputTokens: number;
  /** The reasoning part of outputTokens. */
  readonly reasoningTokens: number;
  readonly costUsd: number;
  readonly noCacheUsd: number;
  /** True when the tokens are estimated from text (the API reported no usage). */
  readonly estimated: boolean;
  /** Which price table applied, or "no price for <model>". */
  readonly priceLabel: string;
  readonly finishReason?: string;
}

/** Usage as the API reported it (a provider without cache figures reports every prompt token as a miss). */
export interface ReportedUsage {
  readonly kind: 'reported';
  readonly hitTokens: number;
  readonly missTokens: number;
  /** completion_tokens: answer and reasoning. */
  readonly outputTokens: number;
  readonly reasoningTokens?: number;
}

/**
 * No usage reported (an aborted stream): what was sent and received, as text or as a character count.
 * Every prompt token counts as a cache miss, so the figure is an upper bound.
 */
export interface EstimatedUsage {
  readonly kind: 'estimate';
  readonly sent: string | number;
  /** The answer received. */
  readonly received: string | number;
  /** Reasoning received, if any (billed as output). */
  readonly reasoning?: string | number;
}

/** What `record()` needs to know about one finished (or aborted) request. */
export interface RecordInput {
  readonly model: string;
  readonly provider: string;
  readonly surface: Surface;
  readonly usage: ReportedUsage | EstimatedUsage;
  /** From resolvePrice(); undefined when the table has no price for the model (recorded at $0). */
  readonly price: ResolvedPrice | undefined;
  readonly finishReason?: string;
}

export interface SpendLedgerOptions {
  /** The clock, ms since the epoch. Default Date.now. */
  readonly now?: () => number;
  /** The calendar day of a moment. Default: local YYYY-MM-DD. */
  readonly dayKey?: (ms: number) => string;
  /** A session ends when its last request is older than this. Default 4 hours. */
  readonly sessionIdleMs?: number;
  /** How many recent records are kept. Default 200. */
  readonly maxRecords?: number;
}

/** Totals with their per-model and per-surface breakdowns, as persisted. */
export interface PersistedScopeV1 {
  readonly totals: SpendTotals;
  readonly byModel: Readonly<Record<string, SpendTotals>>;
  readonly bySurface: Readonly<Record<Surface, SpendTotals>>;
}

/** The persisted form of a ledger: plain JSON. */
export interface PersistedLedgerV1 {
  readonly version: 1;
  /** Oldest first. */
  readonly records: readonly SpendRecord[];
  readonly session: PersistedScopeV1 & { readonly startedAt: number; readonly lastAt: number | null };
  readonly today: { readonly day: string; readonly totals: SpendTotals };
  readonly allTime: PersistedScopeV1;
}

export const DEFAULT_SESSION_IDLE_MS = 4 * 60 * 60 * 1000;
export const DEFAULT_MAX_RECORDS = 200;

export const UNREADABLE_HISTORY_WARNING = 'DeepSeek spend history was unreadable and has been reset.';
export const NEWER_HISTORY_WARNING =
  'DeepSeek spend history was saved by a newer version of DeepSeek Assistant and has been reset.';

/** The local calendar day of `ms` as YYYY-MM-DD. */
export function localDayKey(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** The share of prompt tokens served from the cache, 0–1; undefined when there were no prompt tokens. */
export function hitRate(totals: Pick<SpendTotals, 'hitTokens' | 'missTokens'>): number | undefined {
  const prompt = totals.hitTokens + totals.missTokens;
  return prompt > 0 ? totals.hitTokens / prompt : undefined;
}

/** Mutable sums; money in pico-dollars. */
interface Tally {
  requests: number;
  hitTokens: number;
  missTokens: number;
  outputTokens: number;
  costPico: number;
  noCachePico: number;
  estimatedRequests: number;
}

interface Scope {
  readonly totals: Tally;
  readonly byModel: Map<string, Tally>;
  readonly bySurface: Record<Surface, Tally>;
}

interface SessionScope extends Scope {
  readonly startedAt: number;
  lastAt: number | null;
}

const emptyTally = (): Tally => ({
  requests: 0, hitTokens: 0, missTokens: 0, outputTokens: 0, costPico: 0, noCachePico: 0, estimatedRequests: 0,
});

const emptyScope = (): Scope => ({
  totals: emptyTally(),
  byModel: new Map(),
  bySurface: { completion: emptyTally(), chat: emptyTally(), command: emptyTally() },
});

function addToTally(t: Tally, r: SpendRecord, costPico: number, noCachePico: number): void {
  t.requests += 1;
  t.hitTokens += r.hitTokens;
  t.missTokens += r.missTokens;
  t.outputTokens += r.outputTokens;
  t.costPico += costPico;
  t.noCachePico += noCachePico;
  t.estimatedRequests += r.estimated ? 1 : 0;
}

function addToScope(scope: Scope, r: SpendRecord, costPico: number, noCachePico: number): void {
  addToTally(scope.totals, r, costPico, noCachePico);
  let model = scope.byModel.get(r.model);
  if (!model) {
    model = emptyTally();
    scope.byModel.set(r.model, model);
  }
  addToTally(model, r, costPico, noCachePico);
  addToTally(scope.bySurface[r.surface], r, costPico, noCachePico);
}

function totalsOf(t: Tally): SpendTotals {
  return {
    requests: t.requests,
    hitTokens: t.hitTokens,
    missTokens: t.missTokens,
    outputTokens: t.outputTokens,
    costUsd: fromPicoUsd(t.costPico),
    noCacheUsd: fromPicoUsd(t.noCachePico),
    estimatedRequests: t.estimatedRequests,
  };
}

function scopeToJson(scope: Scope): PersistedScopeV1 {
  return {
    totals: totalsOf(scope.totals),
    byModel: Object.fromEntries([...scope.byModel].map(([model, t]) => [model, totalsOf(t)])),
    bySurface: { completion: totalsOf(scope.bySurface.completion), chat: totalsOf(scope.bySurface.chat), command: totalsOf(scope.bySurface.command) },
  };
}

function tokensOf(text: string | number | undefined): number {
  if (text === undefined) {
    return 0;
  }
  return typeof text === 'string' ? estimateTokens(text) : estimateTokensFromLength(text);
}

export class SpendLedger {
  private readonly now: () => number;
  private readonly dayKey: (ms: number) => string;
  private readonly sessionIdleMs: number;
  private readonly maxRecords: number;
  private recent: SpendRecord[] = [];
  private sessionScope: SessionScope;
  private todayScope: { day: string; totals: Tally };
  private allTimeScope: Scope = emptyScope();

  constructor(options: SpendLedgerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.dayKey = options.dayKey ?? localDayKey;
    this.sessionIdleMs = options.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.maxRecords = Math.max(1, Math.floor(options.maxRecords ?? DEFAULT_MAX_RECORDS));
    const at = this.now();
    this.sessionScope = { ...emptyScope(), startedAt: at, lastAt: null };
    this.todayScope = { day: this.dayKey(at), totals: emptyTally() };
  }

  /**
   * Prices one request and adds it to every total. Reported usage is used as given; an estimate counts the
   * text sent as cache-miss tokens and is marked `estimated`. No price → recorded at $0 with the label
   * "no price for <model>". Returns the record.
   */
  record(input: RecordInput): SpendRecord {
    const at = this.now();
    this.rollOver(at);
    const { usage } = input;
    const estimated = usage.kind === 'estimate';
    const reasoningTokens = estimated ? tokensOf(usage.reasoning) : tokenCount(usage.reasoningTokens ?? 0);
    const tokens = estimated
      ? { hitTokens: 0, missTokens: tokensOf(usage.sent), outputTokens: tokensOf(usage.received) + reasoningTokens }
      : { hitTokens: tokenCount(usage.hitTokens), missTokens: tokenCount(usage.missTokens), outputTokens: tokenCount(usage.outputTokens) };
    const pico = input.price ? priceUsagePico(input.price, tokens) : { total: 0, noCache: 0 };
    const record: SpendRecord = {
      at,
      model: input.model,
      provider: input.provider,
      surface: input.surface,
      ...tokens,
      reasoningTokens,
      costUsd: fromPicoUsd(pico.total),
      noCacheUsd: fromPicoUsd(pico.noCache),
      estimated,
      priceLabel: input.price ? input.price.label : noPriceLabel(input.model),
      ...(input.finishReason !== undefined ? { finishReason: input.finishReason } : {}),
    };
    addToScope(this.sessionScope, record, pico.total, pico.noCache);
    addToScope(this.allTimeScope, record, pico.total, pico.noCache);
    addToTally(this.todayScope.totals, record, pico.total, pico.noCache);
    this.sessionScope.lastAt = at;
    this.recent.push(record);
    if (this.recent.length > this.maxRecords) {
      this.recent.splice(0, this.recent.length - this.maxRecords);
    }
    return record;
  }

  /** Starts a new session now; today's and all-time totals are kept. */
  resetSession(): void {
    this.sessionScope = { ...emptyScope(), startedAt: this.now(), lastAt: null };
  }

  /** This session's totals (empty when the session has run out). */
  get session(): SpendTotals {
    return totalsOf(this.liveSession()?.totals ?? emptyTally());
  }

  /** Totals for the current local day. */
  get today(): SpendTotals {
    return totalsOf(this.todayScope.day === this.dayKey(this.now()) ? this.todayScope.totals : emptyTally());
  }

  get allTime(): SpendTotals {
    return totalsOf(this.allTimeScope.totals);
  }

  /** When the current session started; undefined when it has run out and the next request starts one. */
  get sessionStartedAt(): number | undefined {
    return this.liveSession()?.startedAt;
  }

  /** Totals per model id, or per surface (all three surfaces always present), for the session or all time. */
  breakdown(scope: 'session' | 'allTime', by: 'model' | 'surface'): Readonly<Record<string, SpendTotals>> {
    const source = scope === 'session' ? this.liveSession() ?? emptyScope() : this.allTimeScope;
    const json = scopeToJson(source);
    return by === 'model' ? json.byModel : json.bySurface;
  }

  /** The most recent records, oldest first (at most `maxRecords`). */
  get records(): readonly SpendRecord[] {
    return this.recent.slice();
  }

  get lastRecord(): SpendRecord | undefined {
    return this.recent[this.recent.length - 1];
  }

  /** The plain-JSON form to persist; `SpendLedger.restore` reads it back. */
  toJSON(): PersistedLedgerV1 {
    const s = this.sessionScope;
    return {
      version: 1,
      records: this.recent.map((r) => ({ ...r })),
      session: { ...scopeToJson(s), startedAt: s.startedAt, lastAt: s.lastAt },
      today: { day: this.todayScope.day, totals: totalsOf(this.todayScope.totals) },
      allTime: scopeToJson(this.allTimeScope),
    };
  }

  /**
   * Reads persisted data back. Never throws: nothing stored (undefined) gives an empty ledger; anything
   * unreadable — wrong types, negative or non-finite numbers, missing fields, inconsistent sums, an
   * unknown version — gives an empty ledger and a warning sentence for the user.
   */
  static restore(raw: unknown, options: SpendLedgerOptions = {}): { ledger: SpendLedger; warning?: string } {
    const ledger = new SpendLedger(options);
    if (raw === undefined) {
      return { ledger };
    }
    if (isRecord(raw) && typeof raw.version === 'number' && raw.version > 1) {
      return { ledger, warning: NEWER_HISTORY_WARNING };
    }
    const state = parsePersisted(raw);
    if (!state) {
      return { ledger, warning: UNREADABLE_HISTORY_WARNING };
    }
    ledger.recent = state.records.slice(-ledger.maxRecords);
    ledger.sessionScope = state.session;
    ledger.todayScope = state.today;
    ledger.allTimeScope = state.allTime;
    return { ledger };
  }

  private liveSession(): SessionScope | undefined {
    const s = this.sessionScope;
    return s.lastAt !== null && this.now() - s.lastAt > this.sessionIdleMs ? undefined : s;
  }

  /** Starts a new session or day if the request at `at` falls after the old one ran out. */
  private rollOver(at: number): void {
    const s = this.sessionScope;
    if (s.lastAt !== null && at - s.lastAt > this.sessionIdleMs) {
      this.sessionScope = { ...emptyScope(), startedAt: at, lastAt: null };
    }
    const day = this.dayKey(at);
    if (day !== this.todayScope.day) {
      this.todayScope = { day, totals: emptyTally() };
    }
  }
}

// ---- reading persisted data back: every check returns undefined on anything unexpected ----

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isSurface = (v: unknown): v is Surface => v === 'completion' || v === 'chat' || v === 'command';

function parseTally(v: unknown): Tally | undefined {
  if (!isRecord(v)) {
    return undefined;
  }
  const { requests, hitTokens, missTokens, outputTokens, costUsd, noCacheUsd, estimatedRequests } = v;
  if (!isCount(requests) || !isCount(hitTokens) || !isCount(missTokens) || !isCount(outputTokens)
    || !isAmount(costUsd) || !isAmount(noCacheUsd) || !isCount(estimatedRequests) || estimatedRequests > requests) {
    return undefined;
  }
  return { requests, hitTokens, missTokens, outputTokens, costPico: toPicoUsd(costUsd), noCachePico: toPicoUsd(noCacheUsd), estimatedRequests };
}

/** Whether the parts' counts add up to the whole's (money is not compared: it is rounded per part). */
function countsAddUp(whole: Tally, parts: Iterable<Tally>): boolean {
  const sum = emptyTally();
  for (const p of parts) {
    sum.requests += p.requests;
    sum.hitTokens += p.hitTokens;
    sum.missTokens += p.missTokens;
    sum.outputTokens += p.outputTokens;
    sum.estimatedRequests += p.estimatedRequests;
  }
  return sum.requests === whole.requests && sum.hitTokens === whole.hitTokens && sum.missTokens === whole.missTokens
    && sum.outputTokens === whole.outputTokens && sum.estimatedRequests === whole.estimatedRequests;
}

function parseScope(v: unknown): Scope | undefined {
  if (!isRecord(v) || !isRecord(v.byModel) || !isRecord(v.bySurface)) {
    return undefined;
  }
  const totals = parseTally(v.totals);
  const byModel = new Map<string, Tally>();
  for (const [model, raw] of Object.entries(v.byModel)) {
    const t = parseTally(raw);
    if (!t) {
      return undefined;
    }
    byModel.set(model, t);
  }
  const completion = parseTally(v.bySurface.completion);
  const chat = parseTally(v.bySurface.chat);
  const command = parseTally(v.bySurface.command);
  if (!totals || !completion || !chat || !command
    || !countsAddUp(totals, byModel.values()) || !countsAddUp(totals, [completion, chat, command])) {
    return undefined;
  }
  return { totals, byModel, bySurface: { completion, chat, command } };
}

function parseSpendRecord(v: unknown): SpendRecord | undefined {
  if (!isRecord(v)) {
    return undefined;
  }
  const { at, model, provider, surface, hitTokens, missTokens, outputTokens, reasoningTokens, costUsd, noCacheUsd, estimated, priceLabel, finishReason } = v;
  if (!isAmount(at) || typeof model !== 'string' || typeof provider !== 'string' || !isSurface(surface)
    || !isCount(hitTokens) || !isCount(missTokens) || !isCount(outputTokens) || !isCount(reasoningTokens)
    || !isAmount(costUsd) || !isAmount(noCacheUsd) || typeof estimated !== 'boolean' || typeof priceLabel !== 'string'
    || (finishReason !== undefined && typeof finishReason !== 'string')) {
    return undefined;
  }
  return {
    at, model, provider, surface, hitTokens, missTokens, outputTokens, reasoningTokens, costUsd, noCacheUsd, estimated, priceLabel,
    ...(typeof finishReason === 'string' ? { finishReason } : {}),
  };
}

interface LedgerState {
  readonly records: SpendRecord[];
  readonly session: SessionScope;
  readonly today: { day: string; totals: Tally };
  readonly allTime: Scope;
}

function parsePersisted(raw: unknown): LedgerState | undefined {
  if (!isRecord(raw) || raw.version !== 1 || !Array.isArray(raw.records) || !isRecord(raw.session) || !isRecord(raw.today)) {
    return undefined;
  }
  const records: SpendRecord[] = [];
  for (const item of raw.records) {
    const r = parseSpendRecord(item);
    if (!r) {
      return undefined;
    }
    records.push(r);
  }
  const session = parseScope(raw.session);
  const allTime = parseScope(raw.allTime);
  const { startedAt, lastAt } = raw.session;
  const todayTotals = parseTally(raw.today.totals);
  const day = raw.today.day;
  if (!session || !allTime || !todayTotals || typeof day !== 'string' || day === ''
    || !isAmount(startedAt) || (lastAt !== null && !isAmount(lastAt))) {
    return undefined;
  }
  const all = allTime.totals;
  if (session.totals.requests > all.requests || todayTotals.requests > all.requests || records.length > all.requests) {
    return undefined;
  }
  return { records, session: { ...session, startedAt, lastAt }, today: { day, totals: todayTotals }, allTime };
}
