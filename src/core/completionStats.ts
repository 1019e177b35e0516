/**
 * Inline-completion (ghost text) usage: how many completions were shown, accepted in full, and accepted in
 * part, and what the figures of the spend report say about them. Pure and synchronous.
 *
 * The counts of a window are not kept here but in the spend ledger (a `completionUsage` event per shown /
 * accepted / partly accepted completion, see spendLedger.ts), so that every window shares them and they
 * belong to the ledger's session; the ledger folds the events into a `CompletionStats` per scope.
 *
 * Counting contract for the caller (the inline completion provider): one `shown` per completion item
 * displayed, one `accepted` per item accepted in full, one `partial` per item accepted in part. Each call
 * counts one; the acceptance rate is (accepted + partial) / shown, so a caller that records both a partial and
 * a full acceptance of the same item counts that item twice.
 */
import { formatUsd } from './money';
import type { SpendTotals } from './spendLedger';

/** What happened to one completion. */
export type CompletionUsageKind = 'shown' | 'accepted' | 'partial';

export const COMPLETION_USAGE_KINDS: readonly CompletionUsageKind[] = ['shown', 'accepted', 'partial'];

/** The counts of a scope. */
export interface CompletionCounts {
  /** Completions displayed as ghost text. */
  readonly shown: number;
  /** Completions accepted in full. */
  readonly accepted: number;
  /** Completions accepted in part (a word or a line of them). */
  readonly partial: number;
  /** Characters accepted by the partial acceptances. */
  readonly partialChars: number;
}

export const NO_COMPLETION_COUNTS: CompletionCounts = { shown: 0, accepted: 0, partial: 0, partialChars: 0 };

/** A character count as given by a caller: a whole number ≥ 0 (anything else counts 0). */
function charCount(n: number | undefined): number {
  return n !== undefined && Number.isFinite(n) && n > 0 ? Math.floor(n) : 0;
}

/** A mutable counter. */
export class CompletionStats {
  private counts: { shown: number; accepted: number; partial: number; partialChars: number };

  constructor(initial: CompletionCounts = NO_COMPLETION_COUNTS) {
    this.counts = { shown: initial.shown, accepted: initial.accepted, partial: initial.partial, partialChars: initial.partialChars };
  }

  shown(): void {
    this.counts.shown += 1;
  }

  accepted(): void {
    this.counts.accepted += 1;
  }

  /** One completion accepted in part; `acceptedChars` is how much of it was accepted. */
  partiallyAccepted(acceptedChars: number): void {
    this.counts.partial += 1;
    this.counts.partialChars += charCount(acceptedChars);
  }

  /** Counts one event of `kind` (`chars` for a partial acceptance). */
  add(kind: CompletionUsageKind, chars?: number): void {
    if (kind === 'shown') this.shown();
    else if (kind === 'accepted') this.accepted();
    else this.partiallyAccepted(chars ?? 0);
  }

  snapshot(): CompletionCounts {
    return { ...this.counts };
  }

  clone(): CompletionStats {
    return new CompletionStats(this.counts);
  }
}

/** The ledger's completion-surface totals for the same scope as the counts. */
export type CompletionSpend = Pick<SpendTotals, 'requests' | 'costUsd' | 'unpricedRequests' | 'estimatedRequests'>;

/** The figures of a scope, as numbers and as report text. */
export interface CompletionFigures {
  readonly counts: CompletionCounts;
  readonly spend: CompletionSpend;
  /** (accepted + partial) / shown, 0–1; undefined when none was shown. */
  readonly acceptanceRate: number | undefined;
  /** Accepted in full or in part: what the cost per accepted completion divides by. */
  readonly acceptedTotal: number;
  /** costUsd / acceptedTotal over the priced requests; undefined when none was accepted or none was priced. */
  readonly costPerAcceptedUsd: number | undefined;
  readonly text: {
    readonly shown: string;
    readonly accepted: string;
    readonly partial: string;
    /** "42% (5 of 12 shown)", "—" when none was shown. */
    readonly acceptanceRate: string;
    readonly requests: string;
    /** "$0.0031", "$0.0031 (est.)", "$0.0031 + 2 unpriced requests", "2 unpriced requests". */
    readonly cost: string;
    /** "$0.00062", "no completion accepted yet", "unknown (2 unpriced requests)", "at least $0.00062 (…)". */
    readonly costPerAccepted: string;
  };
}

const count = (n: number) => n.toLocaleString('en-US');
const unpriced = (n: number) => `${n} unpriced request${n === 1 ? '' : 's'}`;

export const NO_COMPLETION_ACCEPTED = 'no completion accepted yet';

/**
 * What the report shows for a scope's completions. Full and partial acceptances both count as accepted for
 * the cost per accepted completion. Never divides by zero: nothing accepted reads "no completion accepted
 * yet"; with unpriced requests the cost is "unknown" (all unpriced) or a lower bound ("at least", some
 * unpriced); "(est.)" when some requests were priced from estimated tokens.
 */
export function completionFigures(counts: CompletionCounts, spend: CompletionSpend): CompletionFigures {
  const acceptedTotal = counts.accepted + counts.partial;
  const acceptanceRate = counts.shown > 0 ? acceptedTotal / counts.shown : undefined;
  const allUnpriced = spend.unpricedRequests > 0 && spend.unpricedRequests >= spend.requests;
  const costPerAcceptedUsd = acceptedTotal > 0 && !allUnpriced ? spend.costUsd / acceptedTotal : undefined;
  const est = spend.estimatedRequests > 0 ? ' (est.)' : '';
  const cost = spend.unpricedRequests === 0
    ? `${formatUsd(spend.costUsd)}${est}`
    : allUnpriced ? unpriced(spend.unpricedRequests) : `${formatUsd(spend.costUsd)}${est} + ${unpriced(spend.unpricedRequests)}`;
  let costPerAccepted: string;
  if (acceptedTotal === 0) {
    costPerAccepted = NO_COMPLETION_ACCEPTED;
  } else if (costPerAcceptedUsd === undefined) {
    costPerAccepted = `unknown (${unpriced(spend.unpricedRequests)})`;
  } else if (spend.unpricedRequests > 0) {
    costPerAccepted = `at least ${formatUsd(costPerAcceptedUsd)}${est} (${unpriced(spend.unpricedRequests)} not counted)`;
  } else {
    costPerAccepted = `${formatUsd(costPerAcceptedUsd)}${est}`;
  }
  const rate = acceptanceRate === undefined ? '—' : `${Math.round(acceptanceRate * 100)}% (${count(acceptedTotal)} of ${count(counts.shown)} shown)`;
  return {
    counts,
    spend,
    acceptanceRate,
    acceptedTotal,
    costPerAcceptedUsd,
    text: {
      shown: count(counts.shown),
      accepted: count(counts.accepted),
      partial: counts.partial === 0 ? '0' : `${count(counts.partial)} (${count(counts.partialChars)} character${counts.partialChars === 1 ? '' : 's'})`,
      acceptanceRate: rate,
      requests: count(spend.requests),
      cost,
      costPerAccepted,
    },
  };
}
