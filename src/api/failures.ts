import {
  describeHttpFailure,
  describeNetworkFailure,
  type ApiFailure,
} from '../core/apiErrors';
import { scrubSecrets } from '../core/scrub';
import type { StallReason } from './streamWatchdog';
import type { Balance } from './types';
import { readApiMessage } from './wireFormat';

export interface FailureContext {
  readonly endpoint: string;
  readonly apiKey: string;
  readonly model?: string;
  /** The user's own cancellation signal. */
  readonly userSignal?: AbortSignal;
  /** Set when our watchdog aborted the request. */
  readonly stall?: StallReason;
  readonly timeouts: { firstTokenMs: number; idleMs: number; maxQueueWaitMs: number };
  /** Whether a successful response had started before the failure. */
  readonly midStream: boolean;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

/** Turns whatever the SDK or our watchdog threw into one user-facing failure; never contains the key. */
export function toFailure(err: unknown, ctx: FailureContext): ApiFailure {
  const clean = (text: string) => scrubSecrets(text, [ctx.apiKey]);
  if (ctx.stall) {
    const message =
      ctx.stall === 'firstToken'
        ? `${ctx.endpoint} sent nothing for ${seconds(ctx.timeouts.firstTokenMs)}; the request was stopped.`
        : ctx.stall === 'queue'
          ? `${ctx.endpoint} kept the request queued for ${seconds(ctx.timeouts.maxQueueWaitMs)} without starting; it was stopped.`
          : `The answer from ${ctx.endpoint} stalled for ${seconds(ctx.timeouts.idleMs)}; what arrived is kept and marked incomplete.`;
    return { kind: 'timeout', retryable: true, message };
  }
  if (ctx.userSignal?.aborted) {
    return { kind: 'cancelled', retryable: false, message: 'Cancelled.' };
  }
  const status = (err as { status?: unknown } | undefined)?.status;
  if (typeof status === 'number') {
    const apiMessage = readApiMessage(err);
    if (status === 400 && /model not exist/i.test(apiMessage ?? '')) {
      return { kind: 'model', status, retryable: false, message: clean(`The model "${ctx.model ?? '?'}" does not exist on ${ctx.endpoint}.`) };
    }
    return { ...describeHttpFailure(status, apiMessage ? clean(apiMessage) : undefined, ctx.endpoint) };
  }
  const message = err instanceof Error ? clean(err.message) : 'unknown error';
  if (ctx.midStream) {
    const malformed = /json|parse|unexpected token/i.test(message);
    return {
      kind: 'stream',
      retryable: true,
      message: malformed
        ? `${ctx.endpoint} sent a malformed chunk; what arrived is kept and marked incomplete.`
        : `The connection to ${ctx.endpoint} dropped mid-answer (${message}); what arrived is kept and marked incomplete.`,
    };
  }
  return describeNetworkFailure(ctx.endpoint, message);
}

/** Adds the account balance to a 402 message. */
export function withBalance(failure: ApiFailure, balance: Balance | undefined): ApiFailure {
  if (failure.kind !== 'balance' || !balance || balance.balances.length === 0) {
    return failure;
  }
  const amounts = balance.balances.map((b) => `${b.total.toFixed(2)} ${b.currency}`).join(', ');
  return { ...failure, message: `Insufficient balance on the DeepSeek account (402): the balance is ${amounts}. Top up at platform.deepseek.com.` };
}

/** Names the model ids the account can use, so the user can fix the setting. */
export function withAvailableModels(failure: ApiFailure, models: readonly string[] | undefined): ApiFailure {
  if (failure.kind !== 'model') {
    return failure;
  }
  const list = models && models.length > 0 ? ` The API lists: ${models.join(', ')}.` : '';
  return { ...failure, message: `${failure.message}${list} Choose one in the DeepSeek model settings.` };
}
