/**
 * What the status bar and the spend report say, computed from ledger figures. Pure, so the wording and the
 * arithmetic are unit-tested; the glue only puts the strings on screen.
 *
 * A request with no price has an unknown cost, not a zero one: wherever a cost is shown for it, or for a total
 * that includes it, the wording says so ("unpriced", "$0.0123 + 2 unpriced requests"), never "$0" alone.
 */
import { checkBudget } from './budget';
import type { CompletionFigures } from './completionStats';
import { formatLocalTime, localOffsetMinutes } from './localTime';
import { formatUsd } from './money';
import type { AppliedPrices } from './pricing';
import { hitRate, SURFACE_LABELS, type SpendRecord, type SpendTotals } from './spendLedger';

export interface BalanceAmount {
  readonly currency: string;
  readonly total: number;
}

export interface SpendView {
  readonly session: SpendTotals;
  readonly today: SpendTotals;
  readonly allTime: SpendTotals;
  readonly budgetUsd: number;
  /** Price table applied to the latest request, e.g. "deepseek-flash off-peak". */
  readonly priceLabel?: string;
  /** The table, and the rate that applies now and until when (for the latest request's model, else the chat role's). */
  readonly prices?: AppliedPrices;
  readonly balance?: { readonly amounts: readonly BalanceAmount[]; readonly fetchedAt: number };
  /** Name of a fallback provider when the latest request used one. */
  readonly fallbackProvider?: string;
  /** This session's unpriced requests per provider (providers with none left out); absent when there are none. */
  readonly unpricedByProvider?: Readonly<Record<string, number>>;
  /**
   * These are the offline simulator's figures (its own ledger: requests went to the bundled simulator, not to
   * DeepSeek, and no money was spent). Absent for DeepSeek's ledger.
   */
  readonly simulated?: true;
}

/** How the status-bar item is drawn. */
export interface StatusLineOptions {
  readonly streaming: boolean;
  /** The figures are the offline simulator's. */
  readonly simulated: boolean;
  /** The short form (`deepseek.statusBar.compact`): `$(sparkle) $0.0031 · 82%`. */
  readonly compact?: boolean;
}

export type StatusLevel = 'normal' | 'warning' | 'error';

export interface StatusLine {
  readonly text: string;
  readonly accessibilityLabel: string;
  readonly level: StatusLevel;
}

export function formatPercent(rate: number | undefined): string {
  return rate === undefined ? '—' : `${Math.round(rate * 100)}%`;
}

const tokens = (n: number) => n.toLocaleString('en-US');

/** "1 unpriced request", "2 unpriced requests". */
export function unpricedCount(n: number): string {
  return `${n} unpriced request${n === 1 ? '' : 's'}`;
}

/**
 * The cost of a total, saying how many of its requests had no price: "$0.0123", "$0.0123 + 2 unpriced
 * requests", or "2 unpriced requests" when none was priced (their cost is unknown, so never "$0.00").
 */
export function formatSpend(t: Pick<SpendTotals, 'requests' | 'costUsd' | 'unpricedRequests'>): string {
  if (t.unpricedRequests === 0) {
    return formatUsd(t.costUsd);
  }
  return t.unpricedRequests >= t.requests ? unpricedCount(t.unpricedRequests) : `${formatUsd(t.costUsd)} + ${unpricedCount(t.unpricedRequests)}`;
}

/** One request's cost for the report: the amount, or "unpriced" (never $0.00); "(est.)" when its tokens are estimated. */
export function formatRecordCost(r: Pick<SpendRecord, 'costUsd' | 'estimated' | 'unpriced'>): string {
  return `${r.unpriced ? 'unpriced' : formatUsd(r.costUsd)}${r.estimated ? ' (est.)' : ''}`;
}

/** "Backup" / "Backup and Other": the providers of this session's unpriced requests, in name order. */
function unpricedProviders(view: SpendView): string {
  const names = Object.keys(view.unpricedByProvider ?? {}).filter((n) => (view.unpricedByProvider?.[n] ?? 0) > 0).sort();
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

/**
 * `DeepSeek $0.0031 · 82% cached`: whose figures, the session spend and the share of the session's prompt
 * tokens served from the cache; `Simulator $0.0031 · 82% cached` for the offline simulator's own ledger;
 * `$0.0031 +2 unpriced` when some of the session's requests had no price (so an all-unpriced session never
 * reads as a bare $0.00); a spinner in front while a request streams. The compact form
 * (`deepseek.statusBar.compact`) is `$(sparkle) $0.0031 · 82%`, the icon standing for the name.
 */
export function statusLine(view: SpendView, options: StatusLineOptions): StatusLine {
  const unpriced = view.session.unpricedRequests;
  const usd = formatUsd(view.session.costUsd);
  const spend = `${usd}${unpriced > 0 ? ` +${unpriced} unpriced` : ''}`;
  const rate = hitRate(view.session);
  const via = view.fallbackProvider ? ` via ${view.fallbackProvider}` : '';
  let text: string;
  if (options.compact) {
    const icon = options.streaming ? '$(loading~spin)' : options.simulated ? '$(beaker)' : '$(sparkle)';
    text = `${icon} ${spend}${rate === undefined ? '' : ` · ${formatPercent(rate)}`}${via}`;
  } else {
    const icon = options.streaming ? '$(loading~spin) ' : options.simulated ? '$(beaker) ' : '';
    text = `${icon}${options.simulated ? 'Simulator' : 'DeepSeek'} ${spend}${rate === undefined ? '' : ` · ${formatPercent(rate)} cached`}${via ? ` ·${via}` : ''}`;
  }
  const budget = checkBudget({ budgetUsd: view.budgetUsd, sessionSpentUsd: view.session.costUsd, nextEstimateUsd: 0 });
  const level: StatusLevel = budget.level === 'exceeds' || (budget.level === 'warn' && view.session.costUsd >= view.budgetUsd)
    ? 'error'
    : budget.level === 'warn' ? 'warning' : 'normal';
  const who = options.simulated ? 'DeepSeek (offline simulator)' : 'DeepSeek';
  const label = [
    `${who}: session spend ${usd}${unpriced > 0 ? ` plus ${unpricedCount(unpriced)}` : ''}`,
    rate === undefined ? undefined : `cache-hit rate ${formatPercent(rate)}`,
    options.simulated ? 'simulated, no money spent' : undefined,
    options.streaming ? 'request in progress' : undefined,
    view.fallbackProvider ? `using fallback provider ${view.fallbackProvider}` : undefined,
    level !== 'normal' && budget.message ? budget.message : undefined,
  ].filter((part): part is string => part !== undefined).join(', ');
  return { text, accessibilityLabel: label, level };
}

function totalsRow(name: string, t: SpendTotals): string {
  return `| ${name} | ${t.requests} | ${tokens(t.hitTokens)} | ${tokens(t.missTokens)} | ${tokens(t.outputTokens)} | ${formatPercent(hitRate(t))} | ${formatSpend(t)} |`;
}

/** What a simulated ledger's figures are, in one sentence; `at` is the simulator's address when known. */
function simulatedNote(at?: string): string {
  return `Requests went to the bundled offline simulator${at ? ` at ${at}` : ''}, not to DeepSeek: these are DeepSeek's prices applied to its token counts, no money was spent, and none of it counts in DeepSeek's totals or budget.`;
}

/**
 * Markdown for the status-bar tooltip. `offsetAt` gives the UTC offset (minutes east) for the balance's time
 * (default: this machine's time zone).
 */
export function statusTooltip(view: SpendView, lines: { endpoint: string; key: string }, offsetAt: (ms: number) => number = localOffsetMinutes): string {
  const s = view.session;
  const saved = Math.max(0, s.noCacheUsd - s.costUsd);
  const out = [
    view.simulated ? '**DeepSeek Assistant — offline simulator spend (simulated, not DeepSeek)**' : '**DeepSeek Assistant — spend**',
    '',
    ...(view.simulated ? [simulatedNote(), ''] : []),
    '| | requests | cache hit | cache miss | output | hit rate | cost |',
    '|---|---:|---:|---:|---:|---:|---:|',
    totalsRow('Session', s),
    totalsRow('Today', view.today),
    totalsRow('All time', view.allTime),
    '',
    `Saved by the cache this session: **${formatUsd(saved)}** (${formatUsd(s.noCacheUsd)} without it).`,
  ];
  if (s.estimatedRequests > 0) {
    out.push('', `${s.estimatedRequests} request(s) priced from estimated tokens (the stream ended without usage).`);
  }
  if (s.unpricedRequests > 0) {
    const from = unpricedProviders(view);
    const budget = view.budgetUsd > 0 ? ' or the session budget' : '';
    out.push('', `${unpricedCount(s.unpricedRequests)} this session${from ? ` (${from})` : ''} had no price: their cost is not in these figures${budget}.`);
  }
  if (view.budgetUsd > 0) {
    out.push('', `Session budget: ${formatUsd(view.budgetUsd)}.`);
  }
  if (view.balance) {
    const amounts = view.balance.amounts.map((a) => `${a.total.toFixed(2)} ${a.currency}`).join(', ') || 'unknown';
    out.push('', `${view.simulated ? 'Simulated balance (play money)' : 'Account balance'}: ${amounts} (as of ${formatLocalTime(view.balance.fetchedAt, offsetAt)}).`);
  }
  if (view.prices) {
    const last = view.priceLabel ? ` Last request priced at ${view.priceLabel}.` : '';
    out.push('', `Prices: ${view.prices.table}, USD per 1M tokens (\`deepseek.pricing\`): ${view.prices.model} ${view.prices.schedule}.${last}`);
  } else if (view.fallbackProvider) {
    // A fallback's prices are its own (its `pricing` entry), never deepseek.pricing.
    const last = view.priceLabel ? ` Last request: ${view.priceLabel}.` : '';
    out.push('', `Prices: ${view.fallbackProvider}'s own, from its \`pricing\` in \`deepseek.fallbackProviders\` (USD per 1M tokens).${last}`);
  } else {
    out.push('', `Prices: ${view.priceLabel ?? 'default table'} (USD per 1M tokens, \`deepseek.pricing\`).`);
  }
  if (view.fallbackProvider) {
    out.push('', `Fallback provider in use: ${view.fallbackProvider}.`);
  }
  out.push('', `Endpoint: ${lines.endpoint}`, '', lines.key, '', 'Click for the full breakdown.');
  return out.join('\n');
}

/** The totals of the other ledger, shown apart from (never added to) the report's own figures. */
export interface LedgerApart {
  /** True: the offline simulator's (the report is DeepSeek's); false: DeepSeek's (the report is the simulator's). */
  readonly simulated: boolean;
  readonly session: SpendTotals;
  readonly today: SpendTotals;
  readonly allTime: SpendTotals;
}

export interface SpendReportInput {
  readonly view: SpendView;
  /** The other ledger's totals, when it has any requests: a section of its own, kept out of every figure above it. */
  readonly apart?: LedgerApart;
  /** Where a simulated report's requests went (the simulator's address, e.g. http://127.0.0.1:8130). */
  readonly endpoint?: string;
  /** The UTC offset (minutes east) at a moment, for the local times shown; default: this machine's time zone. */
  readonly offsetAt?: (ms: number) => number;
  readonly sessionByModel: Readonly<Record<string, SpendTotals>>;
  readonly sessionBySurface: Readonly<Record<string, SpendTotals>>;
  readonly sessionByProvider: Readonly<Record<string, SpendTotals>>;
  readonly allTimeByModel: Readonly<Record<string, SpendTotals>>;
  readonly records: readonly SpendRecord[];
  readonly sessionStartedAt: number | undefined;
  readonly generatedAt: number;
  /** Inline completions shown / accepted and their cost (completionFigures()); no section when absent. */
  readonly completions?: { readonly session: CompletionFigures; readonly allTime: CompletionFigures };
}

/** The "Completions" section: shown, accepted, rate, requests, cost and cost per accepted completion. */
function completionsSection(c: { readonly session: CompletionFigures; readonly allTime: CompletionFigures }): string[] {
  const lines = ['## Completions (inline suggestions)', ''];
  const none = (f: CompletionFigures) => f.counts.shown === 0 && f.counts.accepted === 0 && f.counts.partial === 0 && f.spend.requests === 0;
  if (none(c.session) && none(c.allTime)) {
    return [...lines, '_No completions yet._', ''];
  }
  const row = (name: string, pick: (t: CompletionFigures['text']) => string) => `| ${name} | ${pick(c.session.text)} | ${pick(c.allTime.text)} |`;
  return [
    ...lines,
    '| | session | all time |',
    '|---|---:|---:|',
    row('shown', (t) => t.shown),
    row('accepted (full)', (t) => t.accepted),
    row('accepted (partial)', (t) => t.partial),
    row('acceptance rate', (t) => t.acceptanceRate),
    row('requests', (t) => t.requests),
    row('cost', (t) => t.cost),
    row('cost per accepted completion', (t) => t.costPerAccepted),
    '',
    'A completion accepted in part counts as accepted, in the acceptance rate and in the cost per accepted completion; the cost is that of every completion request, whether its suggestion was shown, accepted or not.',
    '',
  ];
}

const HEADER = ['| | requests | cache hit | cache miss | output | hit rate | cost |', '|---|---:|---:|---:|---:|---:|---:|'];

function breakdownTable(rows: Readonly<Record<string, SpendTotals>>): string[] {
  const names = Object.keys(rows).filter((k) => rows[k].requests > 0).sort();
  return names.length === 0 ? ['_No requests._'] : [...HEADER, ...names.map((n) => totalsRow(n, rows[n]))];
}

const pagesText = (pages: number) => `${pages.toLocaleString('en-US')} page${pages === 1 ? '' : 's'}`;

/** Per surface; the ocr surface named for the user, with the pages extracted. */
function surfaceTable(rows: Readonly<Record<string, SpendTotals>>): string[] {
  const names = Object.keys(rows).filter((k) => rows[k].requests > 0).sort();
  const label = (key: string) => (key === 'ocr' ? `${SURFACE_LABELS.ocr}, ${pagesText(rows[key].pages ?? 0)}` : key);
  return names.length === 0 ? ['_No requests._'] : [...HEADER, ...names.map((n) => totalsRow(label(n), rows[n]))];
}

/** Per provider, with how many requests were priced from estimated tokens (a fallback may report no usage). */
function providerTable(rows: Readonly<Record<string, SpendTotals>>): string[] {
  const names = Object.keys(rows).filter((k) => rows[k].requests > 0).sort();
  if (names.length === 0) {
    return ['_No requests._'];
  }
  return [
    `${HEADER[0]} estimated |`,
    `${HEADER[1]}---:|`,
    ...names.map((n) => `${totalsRow(n, rows[n])} ${rows[n].estimatedRequests} |`),
  ];
}

/** The other ledger's totals, in a section of their own. */
function apartSection(apart: LedgerApart): string[] {
  return [
    apart.simulated ? '## Offline simulator (kept apart)' : '## DeepSeek (kept apart)',
    '',
    apart.simulated
      ? `Spend recorded while requests went to the bundled offline simulator. ${simulatedNote()}`
      : 'Spend recorded while requests went to DeepSeek (or another endpoint that is not the simulator): the real figures, kept apart from the simulator\'s above.',
    '',
    ...HEADER,
    totalsRow('Session', apart.session),
    totalsRow('Today', apart.today),
    totalsRow('All time', apart.allTime),
    '',
  ];
}

/** A recent request's surface: with its pages (ocr), or who asked (lm: the calling extension VS Code named). */
function surfaceCell(r: SpendRecord): string {
  if (r.pages !== undefined) return `${r.surface} (${pagesText(r.pages)})`;
  return r.caller ? `${r.surface} (${r.caller.replace(/[|\\`\r\n]/g, ' ')})` : r.surface;
}

/**
 * The readable breakdown that `DeepSeek: Show Spend` opens. Times are local, with their UTC offset
 * ("2026-12-02 16:05 (UTC+01:00)"); the price windows stay in UTC, as DeepSeek states them.
 */
export function spendReport(input: SpendReportInput): string {
  const { view } = input;
  const recent = [...input.records].reverse().slice(0, 25);
  const offsetAt = input.offsetAt ?? localOffsetMinutes;
  const when = (ms: number) => formatLocalTime(ms, offsetAt);
  const simulated = view.simulated === true;
  const lines = [
    simulated ? '# Offline simulator spend (simulated, not DeepSeek)' : '# DeepSeek spend',
    '',
    ...(simulated ? [simulatedNote(input.endpoint), ''] : []),
    `Generated ${when(input.generatedAt)}. Session started ${input.sessionStartedAt ? when(input.sessionStartedAt) : '— (no request yet)'}.`,
    '',
    '## Totals',
    '',
    ...HEADER,
    totalsRow('Session', view.session),
    totalsRow('Today', view.today),
    totalsRow('All time', view.allTime),
    '',
    `Saved by ${simulated ? 'the simulated' : 'DeepSeek\'s'} prefix cache this session: **${formatUsd(Math.max(0, view.session.noCacheUsd - view.session.costUsd))}**; all time: **${formatUsd(Math.max(0, view.allTime.noCacheUsd - view.allTime.costUsd))}**.`,
    '',
    ...(input.apart ? apartSection(input.apart) : []),
    '## Session by provider',
    '',
    ...providerTable(input.sessionByProvider),
    '',
    '## Session by model',
    '',
    ...breakdownTable(input.sessionByModel),
    '',
    '## Session by surface (completions, chat, commands, documents)',
    '',
    ...surfaceTable(input.sessionBySurface),
    '',
    ...(input.completions ? completionsSection(input.completions) : []),
    '## All time by model',
    '',
    ...breakdownTable(input.allTimeByModel),
    '',
    '## Recent requests',
    '',
  ];
  if (recent.length === 0) {
    lines.push('_No requests yet._');
  } else {
    lines.push('| time (local) | model | provider | surface | hit | miss | output (reasoning) | cost | price table |', '|---|---|---|---|---:|---:|---:|---:|---|');
    for (const r of recent) {
      const cost = formatRecordCost(r);
      const finish = r.finishReason && r.finishReason !== 'stop' ? ` ⚠ ${r.finishReason}` : '';
      lines.push(`| ${formatLocalTime(r.at, offsetAt, { seconds: true })} | ${r.model} | ${r.provider} | ${surfaceCell(r)} | ${tokens(r.hitTokens)} | ${tokens(r.missTokens)} | ${tokens(r.outputTokens)} (${tokens(r.reasoningTokens)}) | ${cost}${finish} | ${r.priceLabel} |`);
    }
  }
  if (view.balance) {
    const amounts = view.balance.amounts.map((a) => `${a.total.toFixed(2)} ${a.currency}`).join(', ') || 'unknown';
    lines.push('', `${simulated ? 'Simulated balance (play money)' : 'Account balance'}: ${amounts} (fetched ${when(view.balance.fetchedAt)}).`);
  }
  lines.push('', '(est.) marks requests whose stream ended without usage: their tokens are estimated from text, prompt counted as cache miss.');
  if (view.allTime.unpricedRequests > 0) {
    lines.push('', 'Unpriced requests went to a model no price table covers (e.g. a fallback provider without a price for it): their cost is unknown, so it is not in the totals.');
  }
  return `${lines.join('\n')}\n`;
}
