import { describeHttpFailure, describeNetworkFailure, type ApiFailure } from '../core/apiErrors';
import { scrubSecrets } from '../core/scrub';
import { createClient } from './clientFactory';

export type ConnectionResult =
  | { readonly ok: true; readonly models: readonly string[] }
  | { readonly ok: false; readonly failure: ApiFailure };

/** Lists the models the key can use (`GET /models`): proves the key and endpoint work together. */
export async function checkConnection(baseUrl: string, apiKey: string, signal?: AbortSignal): Promise<ConnectionResult> {
  const endpoint = new URL(baseUrl).host;
  try {
    const client = await createClient({ baseUrl, apiKey, timeoutMs: 15_000, maxRetries: 1 });
    const page = await client.models.list(signal ? { signal } : undefined);
    return { ok: true, models: page.data.map((m) => m.id).sort() };
  } catch (err) {
    const status = (err as { status?: unknown }).status;
    const message = err instanceof Error ? scrubSecrets(err.message, [apiKey]) : 'unknown error';
    if (typeof status === 'number') {
      return { ok: false, failure: describeHttpFailure(status, message, endpoint) };
    }
    return { ok: false, failure: describeNetworkFailure(endpoint, message) };
  }
}
