/**
 * Pure rules for a provider's key: where it comes from, how that is said, and whether a typed value looks
 * usable. The store itself (SecretStorage) is src/platform/providerKeyStore.ts; DeepSeek's own key keeps its
 * rules in ../apiKey.ts.
 */
import { keyShapeProblem, type ApiKeySource } from '../apiKey';

export type ProviderKeySource = ApiKeySource;

export interface ResolvedProviderKey {
  readonly key: string | undefined;
  readonly source: ProviderKeySource;
}

/** Where a provider's key comes from, without the key: what the picker and Show Provider Status say. */
export interface ProviderKeyOrigin {
  readonly source: ProviderKeySource;
  /** The environment variable the provider reads when SecretStorage holds no key (the fallback's `apiKeyEnv`). */
  readonly apiKeyEnv?: string;
}

/** A stored key wins over the environment variable the user named; blank values count as absent. */
export function resolveProviderKey(
  stored: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  apiKeyEnv: string | undefined,
): ResolvedProviderKey {
  const fromStore = stored?.trim();
  if (fromStore) {
    return { key: fromStore, source: 'secretStorage' };
  }
  const fromEnv = apiKeyEnv ? env[apiKeyEnv]?.trim() : undefined;
  if (fromEnv) {
    return { key: fromEnv, source: 'environment' };
  }
  return { key: undefined, source: 'none' };
}

/** "key in SecretStorage", "from $OPENROUTER_API_KEY", "no key". */
export function describeProviderKeyOrigin(origin: ProviderKeyOrigin): string {
  switch (origin.source) {
    case 'secretStorage':
      return 'key in SecretStorage';
    case 'environment':
      return origin.apiKeyEnv ? `from $${origin.apiKeyEnv}` : 'from the environment';
    case 'none':
      return 'no key';
  }
}

/** Returns a problem to show the user, or undefined when the value is acceptable to store as `provider`'s key. */
export function validateProviderKeyInput(value: string, provider: string): string | undefined {
  return value.trim().length === 0 ? `Enter the API key for ${provider}.` : keyShapeProblem(value);
}
