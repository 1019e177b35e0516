import * as vscode from 'vscode';
import { resolveProviderKey, type ProviderKeyOrigin, type ResolvedProviderKey } from '../core/providers/providerKeys';
import { fallbackKeySecretName, type ProviderSpec } from '../core/providers/providerSpec';

const SECRET_PREFIX = 'deepseek.fallbackKey:';

/** A change to a fallback's stored key (here or in another window). */
export interface ProviderKeyChange {
  /** The SecretStorage name that changed: `fallbackKeySecretName(spec)` of the provider it belongs to. */
  readonly secretName: string;
}

/**
 * The fallback providers' keys: SecretStorage under `fallbackKeySecretName(spec)` (which binds a key to the
 * provider's name and origin, so a key is never sent to a host it was not entered for), else the environment
 * variable the user named in `apiKeyEnv`, read afresh on every call. DeepSeek's own key is ApiKeyStore's:
 * for the primary spec this store answers `none` and never reads anything.
 *
 * Every key it has seen in this window is kept for `knownSecrets()`, so the logger scrubs it (also after it
 * was replaced or cleared: a request sent before may still log).
 */
export class ProviderKeyStore implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<ProviderKeyChange>();
  private readonly subscription: vscode.Disposable;
  private readonly seenKeys = new Set<string>();
  private readonly seenEnvNames = new Set<string>();

  /** Fires when a fallback's stored key is set or cleared, in this window or another. */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly env: NodeJS.ProcessEnv = process.env,
  ) {
    this.subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith(SECRET_PREFIX)) {
        this.emitter.fire({ secretName: e.key });
      }
    });
  }

  /** The key to send to `spec`, and where it came from. */
  async resolve(spec: ProviderSpec): Promise<ResolvedProviderKey> {
    if (spec.primary) {
      return { key: undefined, source: 'none' };
    }
    if (spec.apiKeyEnv) {
      this.seenEnvNames.add(spec.apiKeyEnv);
    }
    const stored = await this.secrets.get(fallbackKeySecretName(spec));
    const resolved = resolveProviderKey(stored, this.env, spec.apiKeyEnv);
    if (resolved.key) {
      this.seenKeys.add(resolved.key);
    }
    return resolved;
  }

  /** Where `spec`'s key comes from, without handing the key out. */
  async origin(spec: ProviderSpec): Promise<ProviderKeyOrigin> {
    const { source } = await this.resolve(spec);
    return { source, ...(spec.apiKeyEnv ? { apiKeyEnv: spec.apiKeyEnv } : {}) };
  }

  /** Stores `key` for `spec` (its name at its origin). Refuses the primary: DeepSeek's key is ApiKeyStore's. */
  async store(spec: ProviderSpec, key: string): Promise<void> {
    if (spec.primary) {
      throw new Error('DeepSeek\'s own key is kept by "DeepSeek: Set API Key", not as a fallback key');
    }
    const trimmed = key.trim();
    this.seenKeys.add(trimmed);
    await this.secrets.store(fallbackKeySecretName(spec), trimmed);
  }

  /** Removes `spec`'s stored key; returns what is in effect afterwards (its environment variable, or none). */
  async clear(spec: ProviderSpec): Promise<ResolvedProviderKey> {
    if (spec.primary) {
      return { key: undefined, source: 'none' };
    }
    await this.secrets.delete(fallbackKeySecretName(spec));
    return this.resolve(spec);
  }

  /** Keys the logger must never print: every fallback key seen in this window, and the named variables' values now. */
  *knownSecrets(): Iterable<string> {
    yield* this.seenKeys;
    for (const name of this.seenEnvNames) {
      const value = this.env[name]?.trim();
      if (value) {
        yield value;
      }
    }
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
