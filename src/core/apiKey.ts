/** Pure rules for API keys: where one comes from and whether a typed value looks usable. */
import { createHash } from 'crypto';

export type ApiKeySource = 'secretStorage' | 'environment' | 'none';

export const API_KEY_ENV_VAR = 'DEEPSEEK_API_KEY';

export interface ResolvedApiKey {
  readonly key: string | undefined;
  readonly source: ApiKeySource;
}

/** A stored key wins over the environment; blank values count as absent. */
export function resolveApiKey(stored: string | undefined, env: Readonly<Record<string, string | undefined>>): ResolvedApiKey {
  const fromStore = stored?.trim();
  if (fromStore) {
    return { key: fromStore, source: 'secretStorage' };
  }
  const fromEnv = env[API_KEY_ENV_VAR]?.trim();
  if (fromEnv) {
    return { key: fromEnv, source: 'environment' };
  }
  return { key: undefined, source: 'none' };
}

/** Returns a problem to show the user, or undefined when the key is acceptable to store. */
export function validateApiKeyInput(value: string): string | undefined {
  return value.trim().length === 0 ? 'Enter your DeepSeek API key (it starts with "sk-").' : keyShapeProblem(value);
}

/** What is wrong with the shape of a non-empty typed key (any provider's), or undefined when it looks usable. */
export function keyShapeProblem(value: string): string | undefined {
  const key = value.trim();
  if (/\s/.test(key)) {
    return 'An API key has no spaces or line breaks — check what was pasted.';
  }
  if (key.length < 8) {
    return 'That is too short to be an API key.';
  }
  if (key.length > 512) {
    return 'That is too long to be an API key.';
  }
  return undefined;
}

export function describeKeySource(source: ApiKeySource): string {
  switch (source) {
    case 'secretStorage':
      return 'API key stored in VS Code SecretStorage';
    case 'environment':
      return `API key from the ${API_KEY_ENV_VAR} environment variable`;
    case 'none':
      return 'No API key set';
  }
}

/** A short fingerprint of a key, to tell keys apart in caches without keeping the key itself. */
export function keyFingerprint(key: string): string {
  return createHash('sha256').update(key).digest('hex').slice(0, 16);
}
