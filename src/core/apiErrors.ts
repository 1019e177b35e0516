/**
 * User-facing wording for API failures (DeepSeek's error codes, api-docs.deepseek.com/quick_start/error_codes).
 * Pure, so every surface says the same.
 */

export type FailureKind =
  | 'auth'
  | 'balance'
  | 'invalid'
  | 'rateLimit'
  | 'server'
  | 'network'
  | 'model'
  | 'stream'
  | 'timeout'
  | 'cancelled'
  | 'unknown';

/** What a `model` failure knows about the ids: for picking an equivalent and for telling the user. */
export interface ModelFailureDetail {
  /** The API's own words (scrubbed), e.g. "The supported API model names are deepseek-v4-pro or deepseek-flash, but you passed deepseek-chat." */
  readonly apiMessage?: string;
  /** The ids the API's message names as supported (may be empty: "Model Not Exist" names none). */
  readonly supported: readonly string[];
  /** What `GET /models` listed right after the failure, when it could be read. */
  readonly listed?: readonly string[];
}

export interface ApiFailure {
  readonly kind: FailureKind;
  readonly status?: number;
  /** A sentence for the user; never contains the API key. */
  readonly message: string;
  readonly retryable: boolean;
  /** Set for `model` failures (a retired or unknown model id). */
  readonly modelError?: ModelFailureDetail;
  /** How long the provider asked to wait (`retry-after`), for 429 and 503. */
  readonly retryAfterMs?: number;
}

export function classifyStatus(status: number): FailureKind {
  if (status === 401 || status === 403) return 'auth';
  if (status === 402) return 'balance';
  if (status === 400 || status === 404 || status === 422) return 'invalid';
  if (status === 429) return 'rateLimit';
  if (status >= 500) return 'server';
  return 'unknown';
}

export function describeHttpFailure(status: number, apiMessage: string | undefined, endpoint: string): ApiFailure {
  const kind = classifyStatus(status);
  const detail = apiMessage?.trim() ? ` ${apiMessage.trim()}` : '';
  switch (kind) {
    case 'auth':
      return { kind, status, retryable: false, message: `${endpoint} rejected the API key (${status}). Set a valid key with "DeepSeek: Set API Key".` };
    case 'balance':
      return { kind, status, retryable: false, message: `Insufficient balance on the DeepSeek account (402). Top up at platform.deepseek.com.` };
    case 'invalid':
      return { kind, status, retryable: false, message: `${endpoint} refused the request (${status}).${detail}` };
    case 'rateLimit':
      return { kind, status, retryable: true, message: `${endpoint} is rate-limiting requests (429).${detail}` };
    case 'server':
      return { kind, status, retryable: true, message: `${endpoint} had a server error (${status}).${detail}` };
    default:
      return { kind, status, retryable: false, message: `${endpoint} answered ${status}.${detail}` };
  }
}

export function describeNetworkFailure(endpoint: string, cause: string): ApiFailure {
  return { kind: 'network', retryable: true, message: `Could not reach ${endpoint}: ${cause}` };
}
