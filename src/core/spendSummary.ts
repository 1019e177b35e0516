/**
 * What the status bar and the spend report say, computed from ledger figures. Pure, so the wording and the
 * arithmetic are unit-tested; the glue only puts the strings on screen.
 *
 * A request with no price has an unknown cost, not a zero one: wherever a cost is shown for it, or for a total
 * that includes it, the wording says so ("unpriced", "$0.0123 + 2 unpriced requests"), never "$0" alone.
 */
import { checkBudget } from './budget';
import type { CompletionFigures } from './completionStats';
import { formatUsd } from './money';
import type { AppliedPrices } from './pricing';
import { hitRate, type SpendRecord, type SpendTotals } from './spendLedger';

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
 * `$(sparkle) $0.0031 · 82%`: session spend and the session's cache-hit rate; `$0.0031 +2 unpriced` when some
 * of the session's requests had no price (so an all-unpriced session never reads as a bare $0.00).
 */
export function statusLine(view: SpendView, options: { streaming: boolean; simulated: boolean }): StatusLine {
  const unpriced = view.session.unpricedRequests;
  const usd = formatUsd(view.session.costUsd);
  const spend = `${usd}${unpriced > 0 ? ` +${unpriced} unpriced` : ''}`;
  const rate = hitRate(view.session);
  const icon = options.streaming ? '$(loading~spin)' : options.simulated ? '$(beaker)' : '$(sparkle)';
  const via = view.fallbackProvider ? ` via ${view.fallbackProvider}` : '';
  const text = `${icon} ${spend}${rate === undefined ? '' : ` · ${formatPercent(rate)}`}${via}`;
  const budget = checkBudget({ budgetUsd: view.budgetUsd, sessionSpentUsd: view.session.costUsd, nextEstimateUsd: 0 });
  const level: StatusLevel = budget.level === 'exceeds' || (budget.level === 'warn' && view.session.costUsd >= view.budgetUsd)
    ? 'error'
    : budget.level === 'warn' ? 'warning' : 'normal';
  const who = options.simulated ? 'DeepSeek (offline simulator)' : 'DeepSeek';
  const label = [
    `${who}: session spend ${usd}${unpriced > 0 ? ` plus ${unpricedCount(unpriced)}` : ''}`,
    rate === undefined ? undefined : `cache-hit rate ${formatPercent(rate)}`,
    options.streaming ? 'request in progress' : undefined,
    view.fallbackProvider ? `using fallback provider ${view.fallbackProvider}` : undefined,
    level !== 'normal' && budget.message ? budget.message : undefined,
  ].filter((part): part is string => part !== undefined).join(', ');
  return { text, accessibilityLabel: label, level };
}

function totalsRow(name: string, t: SpendTotals): string {
  return `| ${name} | ${t.requests} | ${tokens(t.hitTokens)} | ${tokens(t.missTokens)} | ${tokens(t.outputTokens)} | ${formatPercent(hitRate(t))} | ${formatSpend(t)} |`;
}

/** Markdown for the status-bar tooltip. */
export function statusTooltip(view: SpendView, lines: { endpoint: string; key: string }): string {
  const s = view.session;
  const saved = Math.max(0, s.noCacheUsd - s.costUsd);
  const out = [
    '**DeepSeek Assistant — spend**',
    '',
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
    out.push('', `Account balance: ${amounts} (as of ${new Date(view.balance.fetchedAt).toISOString().slice(11, 16)} UTC).`);
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

export interface SpendReportInput {
  readonly view: SpendView;
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

/** The readable breakdown that `DeepSeek: Show Spend` opens. */
export function spendReport(input: SpendReportInput): string {
  const { view } = input;
  const recent = [...input.records].reverse().slice(0, 25);
  const when = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
  const lines = [
    '# DeepSeek spend',
    '',
    `Generated ${when(input.generatedAt)} UTC. Session started ${input.sessionStartedAt ? `${when(input.sessionStartedAt)} UTC` : '— (no request yet)'}.`,
    '',
    '## Totals',
    '',
    ...HEADER,
    totalsRow('Session', view.session),
    totalsRow('Today', view.today),
    totalsRow('All time', view.allTime),
    '',
    `Saved by DeepSeek's prefix cache this session: **${formatUsd(Math.max(0, view.session.noCacheUsd - view.session.costUsd))}**; all time: **${formatUsd(Math.max(0, view.allTime.noCacheUsd - view.allTime.costUsd))}**.`,
    '',
    '## Session by provider',
    '',
    ...providerTable(input.sessionByProvider),
    '',
    '## Session by model',
    '',
    ...breakdownTable(input.sessionByModel),
    '',
    '## Session by surface (completions, chat, commands)',
    '',
    ...breakdownTable(input.sessionBySurface),
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
    lines.push('| time (UTC) | model | provider | surface | hit | miss | output (reasoning) | cost | price table |', '|---|---|---|---|---:|---:|---:|---:|---|');
    for (const r of recent) {
      const cost = formatRecordCost(r);
      const finish = r.finishReason && r.finishReason !== 'stop' ? ` ⚠ ${r.finishReason}` : '';
      lines.push(`| ${when(r.at)} | ${r.model} | ${r.provider} | ${r.surface} | ${tokens(r.hitTokens)} | ${tokens(r.missTokens)} | ${tokens(r.outputTokens)} (${tokens(r.reasoningTokens)}) | ${cost}${finish} | ${r.priceLabel} |`);
    }
  }
  if (view.balance) {
    const amounts = view.balance.amounts.map((a) => `${a.total.toFixed(2)} ${a.currency}`).join(', ') || 'unknown';
    lines.push('', `Account balance: ${amounts} (fetched ${when(view.balance.fetchedAt)} UTC).`);
  }
  lines.push('', '(est.) marks requests whose stream ended without usage: their tokens are estimated from text, prompt counted as cache miss.');
  if (view.allTime.unpricedRequests > 0) {
    lines.push('', 'Unpriced requests went to a model no price table covers (e.g. a fallback provider without a price for it): their cost is unknown, so it is not in the totals.');
  }
  return `${lines.join('\n')}\n`;
}
