import type { ApiFailure } from '../apiErrors';

/**
 * What to do after one attempt on one provider failed: try the same provider again after a delay, move on to
 * the next provider, or stop and show the failure. Pure: the runner (src/engine/failoverRun.ts) applies it.
 *
 * - 429 (retry-after honoured when it is short), 500/502/503/504 and connection failures: bounded retries with
 *   backoff, then fail over.
 * - A first-token timeout, a stall, a dropped or malformed stream: fail over (the wait already happened; a
 *   retry on the same provider would restart the answer there just the same).
 * - 402: fail over when there is a fallback (the user is told DeepSeek's balance is empty).
 * - 400 / 401 / 403 / 404 / 422 and model-id refusals: stop. They are the user's to fix, never hidden by a
 *   fallback that happens to work.
 */
export type FailoverDecision =
  | { readonly action: 'retry'; readonly delayMs: number; readonly why: string }
  | { readonly action: 'failover'; readonly why: string }
  | { readonly action: 'stop'; readonly why: string };

export interface FailoverPolicyOptions {
  /** Retries on the same provider before failing over (or giving up). Default 2. */
  readonly maxRetries?: number;
  /** First backoff; doubles per retry, with ±20% jitter. Default 500 ms. */
  readonly baseDelayMs?: number;
  /** Longest backoff. Default 4 s. */
  readonly maxDelayMs?: number;
  /** Longest `retry-after` waited for on the same provider; a longer one fails over at once. Default 10 s. */
  readonly maxRetryAfterMs?: number;
  /** 0–1, for jitter; default Math.random. */
  readonly random?: () => number;
}

export interface AttemptOutcome {
  readonly failure: ApiFailure;
  /** Retries already made on this provider for this request. */
  readonly retries: number;
  /** Whether another provider can take the request. */
  readonly hasFallback: boolean;
  /** Whether output had started streaming before the failure. */
  readonly midStream: boolean;
}

/** Failures that say the provider is unwell (they count towards its circuit breaker). */
export function countsAgainstProvider(failure: ApiFailure): boolean {
  return ['server', 'network', 'rateLimit', 'timeout', 'stream', 'balance'].includes(failure.kind);
}

export function decideFailover(outcome: AttemptOutcome, options: FailoverPolicyOptions = {}): FailoverDecision {
  const { failure, retries, hasFallback, midStream } = outcome;
  const maxRetries = options.maxRetries ?? 2;
  const next = (why: string): FailoverDecision => (hasFallback ? { action: 'failover', why } : { action: 'stop', why });
  switch (failure.kind) {
    case 'cancelled':
      return { action: 'stop', why: 'cancelled by the user' };
    case 'auth':
    case 'invalid':
    case 'model':
    case 'unknown':
      return { action: 'stop', why: `${failure.status ?? failure.kind} is the user's to fix` };
    case 'balance':
      return next('its balance is empty, 402');
    case 'timeout':
    case 'stream':
      return next(midStream ? 'the stream broke mid-answer' : `the provider did not answer in time (${failure.kind})`);
    case 'rateLimit':
    case 'server':
    case 'network': {
      if (midStream) return next('the stream broke mid-answer');
      if (retries >= maxRetries) return next(`still failing after ${retries} ${retries === 1 ? 'retry' : 'retries'}`);
      const retryAfter = failure.retryAfterMs;
      if (retryAfter !== undefined) {
        const cap = options.maxRetryAfterMs ?? 10_000;
        if (retryAfter > cap) {
          return next(`retry-after ${Math.round(retryAfter / 1000)} s is longer than ${Math.round(cap / 1000)} s`);
        }
        return { action: 'retry', delayMs: Math.max(0, retryAfter), why: `retry-after ${retryAfter} ms` };
      }
      return { action: 'retry', delayMs: backoffMs(retries, options), why: `backoff after ${failure.status ?? failure.kind}` };
    }
  }
}

/** Exponential backoff with ±20% jitter: 500 ms, 1 s, 2 s … capped. */
export function backoffMs(retries: number, options: FailoverPolicyOptions = {}): number {
  const base = options.baseDelayMs ?? 500;
  const cap = options.maxDelayMs ?? 4000;
  const random = options.random ?? Math.random;
  const raw = Math.min(cap, base * 2 ** retries);
  return Math.round(raw * (0.8 + 0.4 * random()));
}

/**
 * `retry-after` as milliseconds: seconds (`"3"`, `"0.5"`), an HTTP date, or `retry-after-ms` (OpenAI's).
 * Undefined when absent or unreadable.
 */
export function parseRetryAfter(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && ms.trim() !== '' && Number.isFinite(Number(ms))) return Math.max(0, Number(ms));
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - now) : undefined;
}
