import {
  describeHttpFailure,
  describeNetworkFailure,
  type ApiFailure,
} from '../core/apiErrors';
import { parseModelIdError } from '../core/models';
import { parseRetryAfter } from '../core/providers/failoverPolicy';
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

/** The response headers an SDK error carries (`APIError.headers`, a Headers object in openai v5+). */
function readHeaders(err: unknown): { get(name: string): string | null } | undefined {
  const headers = (err as { headers?: unknown } | undefined)?.headers;
  if (headers && typeof (headers as Headers).get === 'function') return headers as Headers;
  if (headers && typeof headers === 'object') {
    const record = headers as Record<string, unknown>;
    return { get: (name) => { const v = record[name] ?? record[name.toLowerCase()]; return typeof v === 'string' ? v : null; } };
  }
  return undefined;
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
    // A retired or unknown id: DeepSeek's "The supported API model names are …, but you passed …" (since
    // 2026-07-24 also for deepseek-chat / deepseek-reasoner), or an older endpoint's "Model Not Exist".
    const modelIdError = status === 400 || status === 404 ? parseModelIdError(apiMessage) : undefined;
    if (modelIdError) {
      const said = apiMessage ? clean(apiMessage.trim()) : undefined;
      const id = ctx.model ?? modelIdError.passed ?? '?';
      const message = modelIdError.supported.length > 0 && said
        ? `${ctx.endpoint} does not serve the model "${id}" (${status}): ${said}`
        : `The model "${id}" does not exist on ${ctx.endpoint}.`;
      return {
        kind: 'model',
        status,
        retryable: false,
        message: clean(message),
        modelError: { ...(said ? { apiMessage: said } : {}), supported: modelIdError.supported },
      };
    }
    const retryAfterMs = status === 429 || status === 503 ? parseRetryAfter(readHeaders(err)) : undefined;
    return { ...describeHttpFailure(status, apiMessage ? clean(apiMessage) : undefined, ctx.endpoint), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
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

/** Names the model ids the account can use (what `GET /models` listed), so the user can fix the setting. */
export function withAvailableModels(failure: ApiFailure, models: readonly string[] | undefined): ApiFailure {
  if (failure.kind !== 'model') {
    return failure;
  }
  const listed = models && models.length > 0 ? models : undefined;
  const list = listed ? ` The API lists: ${listed.join(', ')}.` : '';
  return {
    ...failure,
    message: `${failure.message}${list} Choose one in the DeepSeek model settings.`,
    modelError: { supported: [], ...failure.modelError, ...(listed ? { listed } : {}) },
  };
}
