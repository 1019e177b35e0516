/**
 * The status-bar item while DeepSeek is failing: which provider serves instead, and why. Pure, beside
 * ../spendSummary.ts (which owns the normal line and the spend tooltip) and built on it, so the spend
 * figures read the same in both.
 */
import { checkBudget } from '../budget';
import { CommandIds } from '../commandIds';
import { formatUsd } from '../money';
import { hitRate } from '../spendLedger';
import { formatPercent, statusLine, type SpendView, type StatusLine, type StatusLineOptions } from '../spendSummary';
import { inertMarkdown } from './providerStatusReport';

/** Which provider answers (src/engine/providerHealth.ts's `ServingState` is this type). */
export interface ServingFacts {
  /** DeepSeek's breaker is open or half-open: requests skip it for now. */
  readonly primaryDegraded: boolean;
  /** The fallback that answered the latest request, when one did. */
  readonly fallbackServing?: string;
  /** DeepSeek's latest failure, in a few words. */
  readonly reason?: string;
  /** Why inline completions are paused, when they are (no fallback serves FIM). */
  readonly completionsPaused?: string;
}

export interface DegradedStatus extends StatusLine {
  /** Markdown put above the spend tooltip; links only to Show Provider Status. */
  readonly tooltipHeader: string;
}

const REASON_CHARS = 160;

function shortReason(reason: string | undefined): string | undefined {
  const text = reason?.replace(/\s+/g, ' ').trim();
  if (!text) return undefined;
  return text.length > REASON_CHARS ? `${text.slice(0, REASON_CHARS - 1)}…` : text;
}

/**
 * `$(warning) Backup · $0.0123` while DeepSeek is skipped or being probed; undefined while it serves normally
 * (the usual line from statusLine applies then). The level is at least a warning; over budget it stays an error.
 */
export function degradedStatus(view: SpendView, serving: ServingFacts, options: StatusLineOptions): DegradedStatus | undefined {
  if (!serving.primaryDegraded) return undefined;
  const spend = formatUsd(view.session.costUsd);
  const rate = hitRate(view.session);
  const who = serving.fallbackServing;
  const reason = shortReason(serving.reason);
  const icons = options.streaming ? '$(warning) $(loading~spin)' : '$(warning)';
  const text = `${icons} ${who ?? 'DeepSeek failing'} · ${spend}`;
  const base = statusLine(view, options);
  const level = base.level === 'error' ? 'error' : 'warning';
  const failing = `DeepSeek is failing${reason ? ` (${reason})` : ''}`;
  const sentence = who ? `${failing}; requests go to ${who} until it recovers` : `${failing}; no fallback provider has answered in its place yet`;
  const budget = checkBudget({ budgetUsd: view.budgetUsd, sessionSpentUsd: view.session.costUsd, nextEstimateUsd: 0 });
  const label = [
    `${sentence}. Session spend ${spend}`,
    rate === undefined ? undefined : `cache-hit rate ${formatPercent(rate)}`,
    options.streaming ? 'request in progress' : undefined,
    serving.completionsPaused ? 'inline completions paused until DeepSeek recovers' : undefined,
    base.level !== 'normal' && budget.message ? budget.message : undefined,
  ].filter((part): part is string => part !== undefined).join(', ');
  const failingMd = `**DeepSeek is failing**${reason ? ` (${inertMarkdown(reason)})` : ''}`;
  const tooltipHeader = `${who ? `${failingMd}; requests go to **${inertMarkdown(who)}** until it recovers` : `${failingMd}; no fallback provider has answered in its place yet`} — [Show Provider Status](command:${CommandIds.showProviderStatus})`;
  const paused = serving.completionsPaused ? `\n\nInline completions are paused until DeepSeek recovers: ${inertMarkdown(serving.completionsPaused)}.` : '';
  return { text, accessibilityLabel: label, level, tooltipHeader: `${tooltipHeader}${paused}` };
}
