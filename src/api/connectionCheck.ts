import type { ApiFailure } from '../core/apiErrors';
import type { EndpointObserver } from '../core/endpointIdentity';
import { ApiFailureError, DeepSeekClient } from './deepseekClient';

export type ConnectionResult =
  | { readonly ok: true; readonly models: readonly string[] }
  | { readonly ok: false; readonly failure: ApiFailure };

/**
 * Lists the models the key can use (`GET /models`): proves the key and endpoint work together. `observer`
 * learns what the endpoint is from the response (the offline simulator says so in a header).
 */
export async function checkConnection(baseUrl: string, apiKey: string, signal?: AbortSignal, observer?: EndpointObserver): Promise<ConnectionResult> {
  try {
    const models = await new DeepSeekClient({ baseUrl, apiKey, maxRetries: 1, ...(observer ? { observer } : {}) }).listModels(signal);
    return { ok: true, models };
  } catch (err) {
    if (err instanceof ApiFailureError) {
      return { ok: false, failure: err.failure };
    }
    throw err;
  }
}
