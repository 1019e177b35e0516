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

export interface ApiFailure {
  readonly kind: FailureKind;
  readonly status?: number;
  /** A sentence for the user; never contains the API key. */
  readonly message: string;
  readonly retryable: boolean;
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
