import type { ApiFailure } from '../core/apiErrors';
import { ApiFailureError, DeepSeekClient } from './deepseekClient';

export type ConnectionResult =
  | { readonly ok: true; readonly models: readonly string[] }
  | { readonly ok: false; readonly failure: ApiFailure };

/** Lists the models the key can use (`GET /models`): proves the key and endpoint work together. */
export async function checkConnection(baseUrl: string, apiKey: string, signal?: AbortSignal): Promise<ConnectionResult> {
  try {
    const models = await new DeepSeekClient({ baseUrl, apiKey, maxRetries: 1 }).listModels(signal);
    return { ok: true, models };
  } catch (err) {
    if (err instanceof ApiFailureError) {
      return { ok: false, failure: err.failure };
    }
    throw err;
  }
}
