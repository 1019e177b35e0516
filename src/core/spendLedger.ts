/**
 * The spend ledger: every priced request, and running totals for the session, today and all time, with
 * per-model, per-surface and per-provider breakdowns. Pure and synchronous; totals are summed in whole
 * pico-dollars, so they never drift.
 *
 * The ledger is a set of events — priced requests and session resets — each with an id, so that the events of
 * several windows can be merged: adding an event that is already there changes nothing. Old events are folded
 * into a `LedgerFold` (the totals they add up to, plus the most recent records); the ledger is that fold plus
 * the events not folded yet, replayed in time order. The glue layer (src/spend) persists events as lines of an
 * append-only log and folds in a snapshot file (see spendLog.ts).
 *
 * Session: shared by every window, survives a window reload, ends on `resetSession()` (in any window), and a
 * new one starts by itself when the previous request is more than `sessionIdleMs` (4 h) old. Today: the local
 * calendar day given by `dayKey`. Reads never change the ledger: a session or day that has run out reads as
 * empty, and the next `record()` starts the new one. At most `maxRecords` (200) recent records are kept.
 *
 * Completion usage: `completionUsage` events count inline completions shown, accepted and partly accepted
 * (completionStats.ts), per session and all time. They never start, extend or end a session (only requests
 * and resets do, so the spend figures are the same with or without them): one counts in the session when it
 * falls inside it, and in all time always. They are merged by id like records.
 *
 * Unpriced: a request whose model has no price (a fallback provider without a table, or one that lacks the
 * model) counts at $0 in the sums but is marked `unpriced` and counted in `unpricedRequests`, so that nothing
 * shows its cost as $0: what it cost is unknown, not nothing.
 */
import { CompletionStats, COMPLETION_USAGE_KINDS, type CompletionCounts, type CompletionUsageKind } from './completionStats';
import { fromPicoUsd, toPicoUsd } from './money';
import { noPriceLabel, priceUsagePico, tokenCount, type ResolvedPrice } from './pricing';
import { PRIMARY_PROVIDER_NAME } from './providers/providerSpec';
import { estimateTokens, estimateTokensFromLength } from './tokenEstimate';

/** Where a request came from; `ocr` is text extracted from an image or document (priced per page). */
export type Surface = 'completion' | 'chat' | 'command' | 'ocr' | 'lm' | 'participant' | 'commit';

/** Every surface, in display order. */
export const SURFACES: readonly Surface[] = ['completion', 'chat', 'command', 'ocr', 'lm', 'participant', 'commit'];

/** How surfaces are named to the user (Show Spend, the status tooltip). */
export const SURFACE_LABELS: Readonly<Record<Surface, string>> = { completion: 'completions', chat: 'chat', command: 'commands', ocr: 'OCR (documents)', lm: 'VS Code chat models', participant: '@deepseek', commit: 'commit messages' };

/** What `breakdown()` splits a scope by. */
export type BreakdownBy = 'model' | 'surface' | 'provider';

/**
 * Sums over a set of requests. Token counts are billed tokens; reasoning is part of outputTokens. Money
 * covers the priced requests only: `unpricedRequests` says how many had no price (their cost is unknown).
 */
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
  /** How many of the requests had no price (counted at $0 in costUsd and noCacheUsd). */
  readonly unpricedRequests: number;
  /** Pages extracted (the `ocr` surface's records); present only when there were some. */
  readonly pages?: number;
}

/** Totals as persisted: written before unpriced requests were counted, `unpricedRequests` is absent (read as 0). */
export type PersistedTotals = Omit<SpendTotals, 'unpricedRequests'> & { readonly unpricedRequests?: number };

/** One priced request. */
export interface SpendRecord {
  /** Unique across windows; merging the same record twice counts it once. */
  readonly id: string;
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
  /**
   * Present (true) when the model had no price: costUsd and noCacheUsd are 0 because the cost is unknown, and
   * must not be shown as $0. Absent on priced records and on records written before this field existed.
   */
  readonly unpriced?: true;
  readonly finishReason?: string;
  /** Pages extracted, on an `ocr` record; absent on other records and on records written before it existed. */
  readonly pages?: number;
  /** Who asked, where VS Code says (the calling extension of a `vscode.lm` request); absent otherwise. */
  readonly caller?: string;
}

/** "Reset Session Spend" at `at`: the session restarts empty there, in every window. */
export interface SessionReset {
  readonly id: string;
  readonly at: number;
}

/** One inline completion shown, accepted in full, or accepted in part (`chars` accepted). */
export interface CompletionUsage {
  readonly id: string;
  readonly at: number;
  readonly kind: CompletionUsageKind;
  /** Characters accepted; only on a partial acceptance. */
  readonly chars?: number;
}

/** What the ledger is made of. */
export type LedgerEvent =
  | { readonly type: 'record'; readonly record: SpendRecord }
  | { readonly type: 'resetSession'; readonly reset: SessionReset }
  | { readonly type: 'completionUsage'; readonly usage: CompletionUsage };

const eventBody = (e: LedgerEvent): { readonly id: string; readonly at: number } =>
  e.type === 'record' ? e.record : e.type === 'resetSession' ? e.reset : e.usage;
export const eventId = (e: LedgerEvent): string => eventBody(e).id;
export const eventAt = (e: LedgerEvent): number => eventBody(e).at;

/** Within a millisecond: resets, then records, then completion usage. */
const TYPE_ORDER: Readonly<Record<LedgerEvent['type'], number>> = { resetSession: 0, record: 1, completionUsage: 2 };

/**
 * Time order (a reset before the records of the same millisecond: `resetSession()` dates itself after every
 * record it knows; completion usage after the request of the same millisecond), ties broken by id, so every
 * window replays the same events the same way.
 */
export function compareEvents(a: LedgerEvent, b: LedgerEvent): number {
  const d = eventAt(a) - eventAt(b);
  if (d !== 0) return d;
  if (a.type !== b.type) return TYPE_ORDER[a.type] - TYPE_ORDER[b.type];
  const ia = eventId(a);
  const ib = eventId(b);
  return ia < ib ? -1 : ia > ib ? 1 : 0;
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
  /** From resolvePrice(); undefined when the table has no price for the model (recorded as unpriced). */
  readonly price: ResolvedPrice | undefined;
  readonly finishReason?: string;
  /** Pages extracted (the `ocr` surface). */
  readonly pages?: number;
  /**
   * A price per page instead of per token (DeepSeek's OCR tool): the cost is pages × usd, under `label`.
   * Without it (and without `price`), an `ocr` record is unpriced.
   */
  readonly perPage?: { readonly usd: number; readonly label: string };
  /** Who asked (the `lm` surface's calling extension, where VS Code says). */
  readonly caller?: string;
}

/** How events are folded; every window must use the same values. */
export interface FoldOptions {
  /** The calendar day of a moment. Default: local YYYY-MM-DD. */
  readonly dayKey?: (ms: number) => string;
  /** A session ends when its last request is older than this. Default 4 hours. */
  readonly sessionIdleMs?: number;
  /** How many recent records are kept. Default 200. */
  readonly maxRecords?: number;
}

export interface SpendLedgerOptions extends FoldOptions {
  /** The clock, ms since the epoch. Default Date.now. */
  readonly now?: () => number;
  /** A new unique event id. Default: 128 random bits in hex. */
  readonly newId?: () => string;
}

/**
 * Totals with their per-model, per-surface and per-provider breakdowns, as persisted. `byProvider` is absent
 * in data written before it existed (version 1, and older snapshots): it is then rebuilt from the records kept.
 */
export interface PersistedScopeV1 {
  readonly totals: PersistedTotals;
  readonly byModel: Readonly<Record<string, PersistedTotals>>;
  readonly bySurface: Readonly<Record<Surface, PersistedTotals>>;
  readonly byProvider?: Readonly<Record<string, PersistedTotals>>;
  /** Inline completions shown / accepted; absent in data written before they were counted (read as none). */
  readonly completions?: CompletionCounts;
}

/** The form version 1 persisted in globalState (`deepseek.spendLedger.v1`); read once, to migrate it. */
export interface PersistedLedgerV1 {
  readonly version: 1;
  /** Oldest first; without ids. */
  readonly records: readonly Omit<SpendRecord, 'id'>[];
  readonly session: PersistedScopeV1 & { readonly startedAt: number; readonly lastAt: number | null };
  readonly today: { readonly day: string; readonly totals: PersistedTotals };
  readonly allTime: PersistedScopeV1;
}

/** The persisted form of a fold (inside the snapshot file). */
export interface PersistedFold {
  readonly allTime: PersistedScopeV1;
  /** Totals per calendar day; only the most recent days are kept. */
  readonly days: Readonly<Record<string, PersistedTotals>>;
  /** startedAt is null when no session has started (no request, no reset yet). */
  readonly session: PersistedScopeV1 & { readonly startedAt: number | null; readonly lastAt: number | null; readonly resetId?: string };
  /** The most recent records, oldest first. */
  readonly recent: readonly SpendRecord[];
  /** Ids of the most recent completion-usage events folded (to count one seen again once); absent before they were kept. */
  readonly completionIds?: readonly string[];
}

export const DEFAULT_SESSION_IDLE_MS = 4 * 60 * 60 * 1000;
export const DEFAULT_MAX_RECORDS = 200;
/** Days of daily totals a persisted fold keeps. */
export const KEPT_DAYS = 8;
/** Ids of folded completion-usage events a fold keeps (they come far more often than requests). */
export const KEPT_COMPLETION_IDS = 1000;

export const UNREADABLE_HISTORY_WARNING = 'DeepSeek spend history was unreadable and has been reset.';

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

/** 128 random bits in hex (not for secrets: only to tell events apart). */
export function randomEventId(): string {
  let id = '';
  for (let i = 0; i < 8; i++) {
    id += Math.floor(Math.random() * 0x10000).toString(16).padStart(4, '0');
  }
  return id;
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
  unpricedRequests: number;
  pages: number;
}

interface Scope {
  readonly totals: Tally;
  readonly byModel: Map<string, Tally>;
  readonly bySurface: Record<Surface, Tally>;
  readonly byProvider: Map<string, Tally>;
  readonly completions: CompletionStats;
}

interface SessionScope extends Scope {
  readonly startedAt: number | null;
  lastAt: number | null;
  /** The reset that started it, if one did. */
  readonly resetId?: string;
}

const emptyTally = (): Tally => ({
  requests: 0, hitTokens: 0, missTokens: 0, outputTokens: 0, costPico: 0, noCachePico: 0, estimatedRequests: 0, unpricedRequests: 0, pages: 0,
});

const emptySurfaces = (): Record<Surface, Tally> => ({ completion: emptyTally(), chat: emptyTally(), command: emptyTally(), ocr: emptyTally(), lm: emptyTally(), participant: emptyTally(), commit: emptyTally() });

const mapSurfaces = <T>(f: (surface: Surface) => T): Record<Surface, T> =>
  Object.fromEntries(SURFACES.map((surface) => [surface, f(surface)])) as Record<Surface, T>;

const emptyScope = (): Scope => ({
  totals: emptyTally(),
  byModel: new Map(),
  bySurface: emptySurfaces(),
  byProvider: new Map(),
  completions: new CompletionStats(),
});

const cloneTallies = (m: Map<string, Tally>): Map<string, Tally> => new Map([...m].map(([k, t]) => [k, { ...t }]));

const cloneScope = (s: Scope): Scope => ({
  totals: { ...s.totals },
  byModel: cloneTallies(s.byModel),
  bySurface: mapSurfaces((surface) => ({ ...s.bySurface[surface] })),
  byProvider: cloneTallies(s.byProvider),
  completions: s.completions.clone(),
});

function addToTally(t: Tally, r: SpendRecord): void {
  t.requests += 1;
  t.hitTokens += r.hitTokens;
  t.missTokens += r.missTokens;
  t.outputTokens += r.outputTokens;
  t.costPico += toPicoUsd(r.costUsd);
  t.noCachePico += toPicoUsd(r.noCacheUsd);
  t.estimatedRequests += r.estimated ? 1 : 0;
  t.unpricedRequests += r.unpriced ? 1 : 0;
  t.pages += r.pages ?? 0;
}

/** The tally under `key`, created empty when missing. */
function tallyFor(tallies: Map<string, Tally>, key: string): Tally {
  let t = tallies.get(key);
  if (!t) {
    t = emptyTally();
    tallies.set(key, t);
  }
  return t;
}

function addToScope(scope: Scope, r: SpendRecord): void {
  addToTally(scope.totals, r);
  addToTally(tallyFor(scope.byModel, r.model), r);
  addToTally(scope.bySurface[r.surface], r);
  addToTally(tallyFor(scope.byProvider, r.provider), r);
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
    unpricedRequests: t.unpricedRequests,
    ...(t.pages > 0 ? { pages: t.pages } : {}),
  };
}

const talliesToJson = (m: Map<string, Tally>): Record<string, SpendTotals> => Object.fromEntries([...m].map(([k, t]) => [k, totalsOf(t)]));

/** A scope with every breakdown, as persisted (and as `breakdown()` returns it). */
interface ScopeJson extends PersistedScopeV1 {
  readonly totals: SpendTotals;
  readonly byModel: Readonly<Record<string, SpendTotals>>;
  readonly bySurface: Readonly<Record<Surface, SpendTotals>>;
  readonly byProvider: Readonly<Record<string, SpendTotals>>;
  readonly completions: CompletionCounts;
}

function scopeToJson(scope: Scope): ScopeJson {
  return {
    totals: totalsOf(scope.totals),
    byModel: talliesToJson(scope.byModel),
    bySurface: mapSurfaces((surface) => totalsOf(scope.bySurface[surface])),
    byProvider: talliesToJson(scope.byProvider),
    completions: scope.completions.snapshot(),
  };
}

function tokensOf(text: string | number | undefined): number {
  if (text === undefined) {
    return 0;
  }
  return typeof text === 'string' ? estimateTokens(text) : estimateTokensFromLength(text);
}

interface ResolvedFoldOptions {
  readonly dayKey: (ms: number) => string;
  readonly sessionIdleMs: number;
  readonly maxRecords: number;
}

export function resolveFoldOptions(o: FoldOptions = {}): ResolvedFoldOptions {
  return {
    dayKey: o.dayKey ?? localDayKey,
    sessionIdleMs: o.sessionIdleMs ?? DEFAULT_SESSION_IDLE_MS,
    maxRecords: Math.max(1, Math.floor(o.maxRecords ?? DEFAULT_MAX_RECORDS)),
  };
}

/**
 * Events folded into totals: all time, per day, the session as of the latest event, and the most recent
 * records (whose ids also catch an event folded twice). Applying events in time order gives the exact
 * figures; an event older than ones already folded (a window that wrote late) still counts exactly in all
 * time and its day, and in the session when it falls after the session's start.
 */
export class LedgerFold {
  private recentIds: Set<string>;
  private readonly completionIdSet: Set<string>;

  private constructor(
    private readonly allTime: Scope,
    private readonly days: Map<string, Tally>,
    private session: SessionScope,
    private readonly recent: SpendRecord[],
    /** Ids of the most recent completion-usage events folded, oldest first. */
    private readonly completionIds: string[] = [],
  ) {
    this.recentIds = new Set(recent.map((r) => r.id));
    this.completionIdSet = new Set(completionIds);
  }

  static empty(): LedgerFold {
    return new LedgerFold(emptyScope(), new Map(), { ...emptyScope(), startedAt: null, lastAt: null }, []);
  }

  clone(): LedgerFold {
    const s = this.session;
    return new LedgerFold(
      cloneScope(this.allTime),
      new Map([...this.days].map(([d, t]) => [d, { ...t }])),
      { ...cloneScope(s), startedAt: s.startedAt, lastAt: s.lastAt, ...(s.resetId !== undefined ? { resetId: s.resetId } : {}) },
      this.recent.slice(),
      this.completionIds.slice(),
    );
  }

  /** Whether a record with this id is among the folded recent records. */
  hasRecord(id: string): boolean {
    return this.recentIds.has(id);
  }

  /** Whether this record or completion-usage event is known to be folded already (a reset may be folded again harmlessly). */
  hasEvent(event: LedgerEvent): boolean {
    return event.type === 'record' ? this.recentIds.has(event.record.id) : event.type === 'completionUsage' && this.completionIdSet.has(event.usage.id);
  }

  /** Folds one event in; false when it was a record or completion usage already folded (nothing changed). */
  apply(event: LedgerEvent, options: ResolvedFoldOptions): boolean {
    if (event.type === 'completionUsage') {
      const u = event.usage;
      if (this.completionIdSet.has(u.id)) {
        return false;
      }
      this.allTime.completions.add(u.kind, u.chars);
      const s = this.session;
      if (s.startedAt !== null && u.at >= s.startedAt && (s.lastAt === null || u.at - s.lastAt <= options.sessionIdleMs)) {
        s.completions.add(u.kind, u.chars);
      }
      this.completionIds.push(u.id);
      this.completionIdSet.add(u.id);
      if (this.completionIds.length > KEPT_COMPLETION_IDS) {
        const dropped = this.completionIds.shift();
        if (dropped !== undefined) this.completionIdSet.delete(dropped);
      }
      return true;
    }
    if (event.type === 'resetSession') {
      const { at, id } = event.reset;
      // The reset that started this session seen again, or one older than its start, changes nothing.
      const s = this.session;
      if (s.startedAt === null || (at >= s.startedAt && id !== s.resetId)) {
        this.session = { ...emptyScope(), startedAt: at, lastAt: null, resetId: id };
      }
      return true;
    }
    const r = event.record;
    if (this.recentIds.has(r.id)) {
      return false;
    }
    addToScope(this.allTime, r);
    const day = options.dayKey(r.at);
    let dayTally = this.days.get(day);
    if (!dayTally) {
      dayTally = emptyTally();
      this.days.set(day, dayTally);
    }
    addToTally(dayTally, r);
    if (this.session.lastAt !== null && r.at - this.session.lastAt > options.sessionIdleMs) {
      this.session = { ...emptyScope(), startedAt: r.at, lastAt: null };
    }
    const s = this.session;
    if (s.startedAt === null || r.at >= s.startedAt) {
      addToScope(s, r);
      this.session = { ...s, startedAt: s.startedAt ?? r.at, lastAt: Math.max(s.lastAt ?? r.at, r.at) };
    }
    this.insertRecent(r, options.maxRecords);
    return true;
  }

  private insertRecent(r: SpendRecord, max: number): void {
    const key: LedgerEvent = { type: 'record', record: r };
    let i = this.recent.length;
    while (i > 0 && compareEvents({ type: 'record', record: this.recent[i - 1] }, key) > 0) {
      i--;
    }
    this.recent.splice(i, 0, r);
    this.recentIds.add(r.id);
    while (this.recent.length > max) {
      const dropped = this.recent.shift();
      if (dropped) this.recentIds.delete(dropped.id);
    }
  }

  /** This session's scope as of `now`: undefined when it ran out (its last request is too old). */
  liveSession(now: number, idleMs: number): SessionScope | undefined {
    const s = this.session;
    return s.lastAt !== null && now - s.lastAt > idleMs ? undefined : s;
  }

  totalsForDay(day: string): SpendTotals {
    return totalsOf(this.days.get(day) ?? emptyTally());
  }

  get allTimeTotals(): SpendTotals {
    return totalsOf(this.allTime.totals);
  }

  breakdownOf(scope: Scope | undefined, by: BreakdownBy): Readonly<Record<string, SpendTotals>> {
    const json = scopeToJson(scope ?? emptyScope());
    return by === 'model' ? json.byModel : by === 'surface' ? json.bySurface : json.byProvider;
  }

  get allTimeScope(): Scope {
    return this.allTime;
  }

  get records(): readonly SpendRecord[] {
    return this.recent;
  }

  toJSON(): PersistedFold {
    const s = this.session;
    const days = [...this.days.keys()].sort().slice(-KEPT_DAYS);
    return {
      allTime: scopeToJson(this.allTime),
      days: Object.fromEntries(days.map((d) => [d, totalsOf(this.days.get(d) ?? emptyTally())])),
      session: { ...scopeToJson(s), startedAt: s.startedAt, lastAt: s.lastAt, ...(s.resetId !== undefined ? { resetId: s.resetId } : {}) },
      recent: this.recent.map((r) => ({ ...r })),
      completionIds: this.completionIds.slice(),
    };
  }

  /** Reads a persisted fold back; undefined on anything unexpected. */
  static parse(raw: unknown, options: ResolvedFoldOptions): LedgerFold | undefined {
    if (!isRecord(raw) || !isRecord(raw.session) || !isRecord(raw.days) || !Array.isArray(raw.recent)) {
      return undefined;
    }
    const completionIds = raw.completionIds ?? []; // Absent: written before completion usage was counted.
    if (!Array.isArray(completionIds) || !completionIds.every((id): id is string => typeof id === 'string' && id !== '')) {
      return undefined;
    }
    const allTimeRead = parseScope(raw.allTime);
    const sessionRead = parseScope(raw.session);
    const { startedAt, lastAt, resetId } = raw.session;
    if (!allTimeRead || !sessionRead || (startedAt !== null && !isAmount(startedAt)) || (lastAt !== null && !isAmount(lastAt))
      || (resetId !== undefined && typeof resetId !== 'string')) {
      return undefined;
    }
    const days = new Map<string, Tally>();
    for (const [day, value] of Object.entries(raw.days)) {
      const t = parseTally(value);
      if (!t || day === '' || t.requests > allTimeRead.totals.requests) return undefined;
      days.set(day, t);
    }
    const recent: SpendRecord[] = [];
    for (const item of raw.recent) {
      const r = parseSpendRecord(item);
      if (!r || typeof r.id !== 'string') return undefined;
      recent.push(r as SpendRecord);
    }
    if (sessionRead.totals.requests > allTimeRead.totals.requests || recent.length > allTimeRead.totals.requests) {
      return undefined;
    }
    recent.sort((a, b) => compareEvents({ type: 'record', record: a }, { type: 'record', record: b }));
    const allTime = withProviders(allTimeRead, recent);
    const session = withProviders(sessionRead, recordsSince(recent, startedAt));
    return new LedgerFold(
      allTime, days, { ...session, startedAt, lastAt, ...(resetId !== undefined ? { resetId } : {}) }, recent.slice(-options.maxRecords), completionIds.slice(-KEPT_COMPLETION_IDS),
    );
  }

  /**
   * The ledger version 1 kept in globalState, as a fold (its records get ids derived from their place and
   * time, so two windows migrating the same data name them alike). Undefined data → undefined; unreadable
   * data → a warning.
   */
  static fromV1(raw: unknown, options: ResolvedFoldOptions): { fold?: LedgerFold; warning?: string } {
    if (raw === undefined) {
      return {};
    }
    const state = parseV1(raw);
    if (!state) {
      return { warning: UNREADABLE_HISTORY_WARNING };
    }
    const days = new Map<string, Tally>([[state.today.day, state.today.totals]]);
    const recent = state.records.map((r, i) => ({ ...r, id: `v1-${i}-${r.at}` }));
    const { startedAt, lastAt } = state.session;
    const session: SessionScope = { ...withProviders(state.session, recordsSince(recent, startedAt)), startedAt, lastAt };
    return { fold: new LedgerFold(withProviders(state.allTime, recent), days, session, recent.slice(-options.maxRecords)) };
  }
}

/**
 * The ledger: a fold (events already folded, e.g. read from a snapshot) plus the events not folded yet, kept
 * by id. Totals are the events replayed in time order on top of the fold, recomputed only when an event
 * arrives out of order.
 */
export class SpendLedger {
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly options: ResolvedFoldOptions;
  private base = LedgerFold.empty();
  private readonly live = new Map<string, LedgerEvent>();
  private current: LedgerFold | undefined;
  private lastApplied: LedgerEvent | undefined;

  constructor(options: SpendLedgerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? randomEventId;
    this.options = resolveFoldOptions(options);
  }

  get foldOptions(): ResolvedFoldOptions {
    return this.options;
  }

  /**
   * Prices one request and adds it to every total. Reported usage is used as given; an estimate counts the
   * text sent as cache-miss tokens and is marked `estimated`. No price → marked `unpriced` (its money fields
   * are 0, and counted in `unpricedRequests`) with the label "no price for <model>". Returns the record.
   */
  record(input: RecordInput): SpendRecord {
    const at = this.now();
    const { usage } = input;
    const estimated = usage.kind === 'estimate';
    const reasoningTokens = estimated ? tokensOf(usage.reasoning) : tokenCount(usage.reasoningTokens ?? 0);
    const tokens = estimated
      ? { hitTokens: 0, missTokens: tokensOf(usage.sent), outputTokens: tokensOf(usage.received) + reasoningTokens }
      : { hitTokens: tokenCount(usage.hitTokens), missTokens: tokenCount(usage.missTokens), outputTokens: tokenCount(usage.outputTokens) };
    const pages = input.pages !== undefined && Number.isSafeInteger(input.pages) && input.pages > 0 ? input.pages : 0;
    const perPage = input.perPage && Number.isFinite(input.perPage.usd) && input.perPage.usd >= 0 ? input.perPage : undefined;
    const pico = perPage
      ? { total: toPicoUsd(perPage.usd) * pages, noCache: toPicoUsd(perPage.usd) * pages }
      : input.price ? priceUsagePico(input.price, tokens) : { total: 0, noCache: 0 };
    const record: { -readonly [K in keyof SpendRecord]: SpendRecord[K] } = {
      id: this.newId(),
      at,
      model: input.model,
      provider: input.provider,
      surface: input.surface,
      hitTokens: tokens.hitTokens,
      missTokens: tokens.missTokens,
      outputTokens: tokens.outputTokens,
      reasoningTokens,
      costUsd: fromPicoUsd(pico.total),
      noCacheUsd: fromPicoUsd(pico.noCache),
      estimated,
      priceLabel: perPage ? perPage.label : input.price ? input.price.label : noPriceLabel(input.model),
    };
    if (!input.price && !perPage) record.unpriced = true;
    if (input.finishReason !== undefined) record.finishReason = input.finishReason;
    if (pages > 0) record.pages = pages;
    if (input.caller !== undefined && input.caller !== '') record.caller = input.caller.slice(0, MAX_CALLER_CHARS);
    this.add([{ type: 'record', record }]);
    return record;
  }

  /**
   * Counts one inline completion shown, accepted in full, or accepted in part (`chars` characters). Returns
   * the event. Never starts or extends a session (see the top of this file).
   */
  recordCompletionUsage(kind: CompletionUsageKind, chars?: number): CompletionUsage {
    const at = this.now();
    const whole = chars !== undefined && Number.isFinite(chars) && chars > 0 ? Math.floor(chars) : 0;
    const usage: CompletionUsage = kind === 'partial' ? { id: this.newId(), at, kind, chars: whole } : { id: this.newId(), at, kind };
    this.add([{ type: 'completionUsage', usage }]);
    return usage;
  }

  /** Inline completions shown and accepted in the session (none when it has run out) or all time. */
  completions(scope: 'session' | 'allTime'): CompletionCounts {
    const s = scope === 'session' ? this.liveSession() : this.state().allTimeScope;
    return s ? s.completions.snapshot() : new CompletionStats().snapshot();
  }

  /**
   * Starts a new session now (or just after the latest record, if the clock says otherwise: every record seen
   * before the reset stays out of the new session); today's and all-time totals are kept. Returns the event.
   */
  resetSession(): SessionReset {
    const latest = this.lastRecord?.at;
    const now = this.now();
    const reset: SessionReset = { id: this.newId(), at: latest !== undefined && latest >= now ? latest + 1 : now };
    this.add([{ type: 'resetSession', reset }]);
    return reset;
  }

  /** Merges events (from this window or another); returns those that were new. */
  add(events: Iterable<LedgerEvent>): LedgerEvent[] {
    const added: LedgerEvent[] = [];
    for (const event of events) {
      const id = eventId(event);
      if (this.live.has(id) || this.base.hasEvent(event)) {
        continue;
      }
      this.live.set(id, event);
      added.push(event);
      if (this.current && (!this.lastApplied || compareEvents(event, this.lastApplied) >= 0)) {
        this.current.apply(event, this.options);
        this.lastApplied = event;
      } else {
        this.current = undefined;
      }
    }
    return added;
  }

  /** Replaces everything: a new fold (e.g. after a compaction) and the events not in it. */
  rebase(base: LedgerFold, events: Iterable<LedgerEvent>): void {
    this.base = base;
    this.live.clear();
    this.current = undefined;
    this.lastApplied = undefined;
    this.add(events);
  }

  /** How many events are not folded. */
  get unfoldedEvents(): number {
    return this.live.size;
  }

  /** This session's totals (empty when the session has run out). */
  get session(): SpendTotals {
    return this.breakdownTotals(this.liveSession());
  }

  /** Totals for the current local day. */
  get today(): SpendTotals {
    return this.state().totalsForDay(this.options.dayKey(this.now()));
  }

  get allTime(): SpendTotals {
    return this.state().allTimeTotals;
  }

  /** When the current session started; undefined before any request or reset, or when it has run out. */
  get sessionStartedAt(): number | undefined {
    return this.liveSession()?.startedAt ?? undefined;
  }

  /**
   * Totals per model id, per surface (every surface always present), or per provider ("DeepSeek" or a
   * fallback's name), for the session or all time.
   */
  breakdown(scope: 'session' | 'allTime', by: BreakdownBy): Readonly<Record<string, SpendTotals>> {
    const state = this.state();
    return state.breakdownOf(scope === 'session' ? this.liveSession() : state.allTimeScope, by);
  }

  /** The most recent records, oldest first (at most `maxRecords`). */
  get records(): readonly SpendRecord[] {
    return this.state().records.slice();
  }

  get lastRecord(): SpendRecord | undefined {
    const records = this.state().records;
    return records[records.length - 1];
  }

  /** Everything folded: the fold a compaction of all events would write. */
  fold(): LedgerFold {
    return this.state().clone();
  }

  private breakdownTotals(scope: Scope | undefined): SpendTotals {
    return totalsOf(scope?.totals ?? emptyTally());
  }

  private liveSession(): SessionScope | undefined {
    return this.state().liveSession(this.now(), this.options.sessionIdleMs);
  }

  private state(): LedgerFold {
    if (!this.current) {
      const state = this.base.clone();
      const events = [...this.live.values()].sort(compareEvents);
      for (const e of events) {
        state.apply(e, this.options);
      }
      this.current = state;
      this.lastApplied = events[events.length - 1];
    }
    return this.current;
  }
}

// ---- reading persisted data back: every check returns undefined on anything unexpected ----

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isAmount = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isSurface = (v: unknown): v is Surface => (SURFACES as readonly unknown[]).includes(v);

function parseTally(v: unknown): Tally | undefined {
  if (!isRecord(v)) {
    return undefined;
  }
  const { requests, hitTokens, missTokens, outputTokens, costUsd, noCacheUsd, estimatedRequests } = v;
  const unpricedRequests = v.unpricedRequests ?? 0; // Absent: written before unpriced requests were counted.
  const pages = v.pages ?? 0; // Absent: no pages (or written before OCR was counted).
  if (!isCount(requests) || !isCount(hitTokens) || !isCount(missTokens) || !isCount(outputTokens)
    || !isAmount(costUsd) || !isAmount(noCacheUsd) || !isCount(estimatedRequests) || estimatedRequests > requests
    || !isCount(unpricedRequests) || unpricedRequests > requests || !isCount(pages)) {
    return undefined;
  }
  return {
    requests, hitTokens, missTokens, outputTokens, costPico: toPicoUsd(costUsd), noCachePico: toPicoUsd(noCacheUsd), estimatedRequests, unpricedRequests, pages,
  };
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
    sum.unpricedRequests += p.unpricedRequests;
    sum.pages += p.pages;
  }
  return sum.pages === whole.pages && sum.requests === whole.requests && sum.hitTokens === whole.hitTokens && sum.missTokens === whole.missTokens
    && sum.outputTokens === whole.outputTokens && sum.estimatedRequests === whole.estimatedRequests
    && sum.unpricedRequests === whole.unpricedRequests;
}

/** Whether every count of `part` is at most the whole's (the records kept in a scope fit in its totals). */
function fitsIn(part: Tally, whole: Tally): boolean {
  return part.requests <= whole.requests && part.hitTokens <= whole.hitTokens && part.missTokens <= whole.missTokens
    && part.outputTokens <= whole.outputTokens && part.estimatedRequests <= whole.estimatedRequests
    && part.unpricedRequests <= whole.unpricedRequests && part.pages <= whole.pages;
}

/** whole − part, field by field (money clamped at 0: it is not checked to add up). */
function tallyMinus(whole: Tally, part: Tally): Tally {
  return {
    requests: whole.requests - part.requests,
    hitTokens: whole.hitTokens - part.hitTokens,
    missTokens: whole.missTokens - part.missTokens,
    outputTokens: whole.outputTokens - part.outputTokens,
    costPico: Math.max(0, whole.costPico - part.costPico),
    noCachePico: Math.max(0, whole.noCachePico - part.noCachePico),
    estimatedRequests: whole.estimatedRequests - part.estimatedRequests,
    unpricedRequests: whole.unpricedRequests - part.unpricedRequests,
    pages: whole.pages - part.pages,
  };
}

/** A scope as read; `byProvider` is undefined when it was written before per-provider totals were kept. */
type ScopeRead = Omit<Scope, 'byProvider'> & { readonly byProvider: Map<string, Tally> | undefined };

function parseTallies(v: unknown): Map<string, Tally> | undefined {
  if (!isRecord(v)) {
    return undefined;
  }
  const tallies = new Map<string, Tally>();
  for (const [key, raw] of Object.entries(v)) {
    const t = parseTally(raw);
    if (!t) {
      return undefined;
    }
    tallies.set(key, t);
  }
  return tallies;
}

/** Completion counts as persisted; absent (written before they were counted) reads as none. */
function parseCompletionCounts(v: unknown): CompletionStats | undefined {
  if (v === undefined) {
    return new CompletionStats();
  }
  if (!isRecord(v)) {
    return undefined;
  }
  const { shown, accepted, partial, partialChars } = v;
  return isCount(shown) && isCount(accepted) && isCount(partial) && isCount(partialChars)
    ? new CompletionStats({ shown, accepted, partial, partialChars })
    : undefined;
}

function parseScope(v: unknown): ScopeRead | undefined {
  if (!isRecord(v) || !isRecord(v.bySurface)) {
    return undefined;
  }
  const completions = parseCompletionCounts(v.completions);
  const totals = parseTally(v.totals);
  const byModel = parseTallies(v.byModel);
  const byProvider = v.byProvider === undefined ? undefined : parseTallies(v.byProvider);
  const completion = parseTally(v.bySurface.completion);
  const chat = parseTally(v.bySurface.chat);
  const command = parseTally(v.bySurface.command);
  // Absent: written before extractions were recorded (none, then).
  const ocr = v.bySurface.ocr === undefined ? emptyTally() : parseTally(v.bySurface.ocr);
  // Absent: written before VS Code's chat models, @deepseek and commit messages were recorded.
  const lm = v.bySurface.lm === undefined ? emptyTally() : parseTally(v.bySurface.lm);
  const participant = v.bySurface.participant === undefined ? emptyTally() : parseTally(v.bySurface.participant);
  const commit = v.bySurface.commit === undefined ? emptyTally() : parseTally(v.bySurface.commit);
  if (!totals || !byModel || !completion || !chat || !command || !ocr || !lm || !participant || !commit || !completions || (v.byProvider !== undefined && !byProvider)
    || !countsAddUp(totals, byModel.values()) || !countsAddUp(totals, [completion, chat, command, ocr, lm, participant, commit])
    || (byProvider && !countsAddUp(totals, byProvider.values()))) {
    return undefined;
  }
  return { totals, byModel, bySurface: { completion, chat, command, ocr, lm, participant, commit }, byProvider, completions };
}

/** The records of a session that started at `startedAt` (none when no session has started). */
function recordsSince(records: readonly SpendRecord[], startedAt: number | null): SpendRecord[] {
  return startedAt === null ? [] : records.filter((r) => r.at >= startedAt);
}

/**
 * A scope read back, with its per-provider totals: as persisted, or, for data written before they were kept,
 * each provider's share of the scope's records still kept and the rest (older requests) DeepSeek's — the only
 * provider requests went to then. Records that do not fit in the totals (data folded out of order) are not
 * trusted: everything is DeepSeek's. Either way the parts add up to the totals, so the fold persists readably.
 */
function withProviders(scope: ScopeRead, records: readonly SpendRecord[]): Scope {
  if (scope.byProvider) {
    return { ...scope, byProvider: scope.byProvider };
  }
  const fromRecords = new Map<string, Tally>();
  const kept = emptyTally();
  for (const r of records) {
    addToTally(tallyFor(fromRecords, r.provider), r);
    addToTally(kept, r);
  }
  const trusted = fitsIn(kept, scope.totals);
  const byProvider = trusted ? fromRecords : new Map<string, Tally>();
  const rest = tallyMinus(scope.totals, trusted ? kept : emptyTally());
  if (Object.values(rest).some((n) => n > 0)) {
    const primary = tallyFor(byProvider, PRIMARY_PROVIDER_NAME);
    for (const key of Object.keys(rest) as (keyof Tally)[]) primary[key] += rest[key];
  }
  return { ...scope, byProvider };
}

/** A record as persisted; `id` is required unless `withoutId` (version 1 had none). */
/** A caller's name is an extension id: longer ones are cut (the ledger is shared by every window). */
const MAX_CALLER_CHARS = 200;

export function parseSpendRecord(v: unknown): SpendRecord | undefined;
export function parseSpendRecord(v: unknown, withoutId: true): Omit<SpendRecord, 'id'> | undefined;
export function parseSpendRecord(v: unknown, withoutId = false): SpendRecord | Omit<SpendRecord, 'id'> | undefined {
  if (!isRecord(v)) {
    return undefined;
  }
  const { id, at, model, provider, surface, hitTokens, missTokens, outputTokens, reasoningTokens, costUsd, noCacheUsd, estimated, priceLabel, unpriced, finishReason, pages, caller } = v;
  if ((!withoutId && (typeof id !== 'string' || id === '')) || !isAmount(at) || typeof model !== 'string' || typeof provider !== 'string' || !isSurface(surface)
    || !isCount(hitTokens) || !isCount(missTokens) || !isCount(outputTokens) || !isCount(reasoningTokens)
    || !isAmount(costUsd) || !isAmount(noCacheUsd) || typeof estimated !== 'boolean' || typeof priceLabel !== 'string'
    || (unpriced !== undefined && typeof unpriced !== 'boolean') || (finishReason !== undefined && typeof finishReason !== 'string')
    || (pages !== undefined && !isCount(pages)) || (caller !== undefined && typeof caller !== 'string')) {
    return undefined;
  }
  const record: { -readonly [K in keyof SpendRecord]: SpendRecord[K] } = {
    id: withoutId ? '' : (id as string), at, model, provider, surface, hitTokens, missTokens, outputTokens, reasoningTokens, costUsd, noCacheUsd, estimated, priceLabel,
  };
  if (unpriced === true) record.unpriced = true;
  if (typeof finishReason === 'string') record.finishReason = finishReason;
  if (typeof pages === 'number' && pages > 0) record.pages = pages;
  if (typeof caller === 'string' && caller !== '') record.caller = caller.slice(0, MAX_CALLER_CHARS);
  if (withoutId) {
    const { id: _id, ...rest } = record;
    return rest;
  }
  return record;
}

const isUsageKind = (v: unknown): v is CompletionUsageKind => (COMPLETION_USAGE_KINDS as readonly unknown[]).includes(v);

/** A completion-usage event as persisted (a log line's fields); undefined on anything unexpected. */
export function parseCompletionUsage(v: unknown): CompletionUsage | undefined {
  if (!isRecord(v)) {
    return undefined;
  }
  const { id, at, kind, chars } = v;
  if (typeof id !== 'string' || id === '' || !isAmount(at) || !isUsageKind(kind) || (chars !== undefined && !isCount(chars))) {
    return undefined;
  }
  return kind === 'partial' && chars !== undefined ? { id, at, kind, chars } : { id, at, kind };
}

interface V1State {
  readonly records: Omit<SpendRecord, 'id'>[];
  readonly session: ScopeRead & { readonly startedAt: number; readonly lastAt: number | null };
  readonly today: { day: string; totals: Tally };
  readonly allTime: ScopeRead;
}

function parseV1(raw: unknown): V1State | undefined {
  if (!isRecord(raw) || raw.version !== 1 || !Array.isArray(raw.records) || !isRecord(raw.session) || !isRecord(raw.today)) {
    return undefined;
  }
  const records: Omit<SpendRecord, 'id'>[] = [];
  for (const item of raw.records) {
    const r = parseSpendRecord(item, true);
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
