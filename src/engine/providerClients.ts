import * as vscode from 'vscode';
import { DeepSeekClient } from '../api/deepseekClient';
import { keyFingerprint } from '../core/apiKey';
import { CommandIds } from '../core/commandIds';
import type { EndpointObserver } from '../core/endpointIdentity';
import type { Logger } from '../core/logger';
import type { ProviderSpec } from '../core/providers/providerSpec';
import type { Notifier } from '../platform/notifier';

/** Where a fallback provider's key comes from (src/platform/providerKeyStore.ts). */
export interface FallbackKeySource {
  resolve(spec: ProviderSpec): Promise<{ readonly key: string | undefined }>;
}

/** Clients kept per provider, base URL and key (connections are reused), at most this many. */
const MAX_CLIENTS = 8;

/**
 * The clients of every provider, made once per provider, URL and key and kept (each keeps its SDK client and
 * so its connections), and the fallbacks' keys — with the one rule that matters most: DeepSeek's key never
 * goes to another host.
 */
export class ProviderClients {
  private readonly clients = new Map<string, DeepSeekClient>();
  private readonly keyReuseWarned = new Set<string>();

  constructor(
    private readonly fallbackKeys: FallbackKeySource,
    private readonly logger: Logger,
    private readonly notifier: Notifier,
    /** Told of every response and refused connection (which endpoint is the offline simulator). */
    private readonly observer?: EndpointObserver,
  ) {}

  /** The client for a provider and key. A fallback serves FIM (`/completions` with `suffix`) at its base URL. */
  client(spec: ProviderSpec, apiKey: string): DeepSeekClient {
    const id = `${spec.id}|${spec.baseUrl}|${keyFingerprint(apiKey)}`;
    let client = this.clients.get(id);
    if (!client) {
      for (const key of [...this.clients.keys()]) {
        if (key.startsWith(`${spec.id}|`)) this.clients.delete(key); // its URL or key changed
      }
      if (this.clients.size >= MAX_CLIENTS) this.clients.delete(this.clients.keys().next().value!);
      client = new DeepSeekClient({
        baseUrl: spec.baseUrl,
        apiKey,
        ...(spec.primary ? {} : { fimBaseUrl: spec.baseUrl }),
        ...(this.observer ? { observer: this.observer } : {}),
      });
      this.clients.set(id, client);
    }
    return client;
  }

  /**
   * A fallback's key (SecretStorage, else its `apiKeyEnv`), or undefined when it has none — or when it is
   * DeepSeek's own key and the fallback is another host: that provider is left out, and the user told once.
   */
  async fallbackKey(spec: ProviderSpec, primary: { readonly endpoint: string; readonly apiKey: string }): Promise<string | undefined> {
    const { key } = await this.fallbackKeys.resolve(spec).catch(() => ({ key: undefined }));
    if (!key) {
      this.logger.info(`${spec.name}: no API key (Set Fallback Provider Key${spec.apiKeyEnv ? ` or $${spec.apiKeyEnv}` : ''}); it cannot take over`);
      return undefined;
    }
    if (key === primary.apiKey && spec.endpoint !== primary.endpoint) {
      this.warnKeyReuse(spec);
      return undefined;
    }
    return key;
  }

  private warnKeyReuse(spec: ProviderSpec): void {
    this.logger.warn(`${spec.name}: its key is DeepSeek's; it is not sent to ${spec.endpoint}`);
    if (this.keyReuseWarned.has(spec.id)) return;
    this.keyReuseWarned.add(spec.id);
    void this.notifier
      .warn(
        `The fallback provider "${spec.name}" would get your DeepSeek API key (${spec.apiKeyEnv ? `$${spec.apiKeyEnv}` : 'the same key is stored'}). ` +
          `DeepSeek's key is never sent to another host (${spec.endpoint}), so ${spec.name} cannot take over until it has a key of its own.`,
        'Set Fallback Provider Key',
      )
      .then((choice) => {
        if (choice === 'Set Fallback Provider Key') void vscode.commands.executeCommand(CommandIds.setFallbackProviderKey);
      });
  }
}
