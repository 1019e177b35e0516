import type { ApiFailure } from '../apiErrors';
import type { ResolvedPrice } from '../pricing';
import type { RecordInput, Surface } from '../spendLedger';

/** What billing needs to know of one attempt (a ChatResult has it all). */
export interface BilledAttempt {
  readonly model: string;
  readonly reasoning: string;
  readonly content: string;
  readonly finishReason: string | undefined;
  readonly usage: { readonly hitTokens: number; readonly missTokens: number; readonly outputTokens: number; readonly reasoningTokens: number } | undefined;
  readonly failure: ApiFailure | undefined;
  readonly promptChars: number;
}

/** Failures that mean the API refused the request or was never reached: nothing was billed. */
const NOT_BILLED: ReadonlySet<ApiFailure['kind']> = new Set(['auth', 'balance', 'invalid', 'model', 'network', 'rateLimit', 'server']);

/** Whether an attempt may have been billed: it got an answer, streamed something, or failed after it was taken. */
export function wasBilled(attempt: BilledAttempt): boolean {
  const refused = attempt.failure !== undefined && !attempt.usage && attempt.reasoning === '' && attempt.content === '' && NOT_BILLED.has(attempt.failure.kind);
  return !refused;
}

/**
 * The ledger entry for one attempt on one provider, or undefined when nothing was billed. Without reported
 * usage (a stream that broke or was stopped) the tokens are estimated from the text, and the record says so.
 * `price` undefined: the provider has no price for the model, and the record is unpriced (never shown as $0).
 */
export function spendInputFor(surface: Surface, provider: string, price: ResolvedPrice | undefined, attempt: BilledAttempt, caller?: string): RecordInput | undefined {
  if (!wasBilled(attempt)) return undefined;
  return {
    model: attempt.model,
    provider,
    surface,
    ...(caller ? { caller } : {}),
    price,
    ...(attempt.finishReason ? { finishReason: attempt.finishReason } : {}),
    usage: attempt.usage
      ? { kind: 'reported', hitTokens: attempt.usage.hitTokens, missTokens: attempt.usage.missTokens, outputTokens: attempt.usage.outputTokens, reasoningTokens: attempt.usage.reasoningTokens }
      : { kind: 'estimate', sent: attempt.promptChars, received: attempt.content, reasoning: attempt.reasoning },
  };
}
