import * as vscode from 'vscode';
import { API_KEY_ENV_VAR, type ResolvedApiKey } from '../core/apiKey';
import type { Logger } from '../core/logger';
import type { ProviderKeyOrigin } from '../core/providers/providerKeys';
import { renderProviderStatus } from '../core/providers/providerStatusReport';
import type { ProviderSpec } from '../core/providers/providerSpec';
import type { ProviderStatusSource } from '../engine/providerStatusSource';
import { MarkdownDocument } from '../platform/markdownDocument';

export interface ProviderStatusDocumentDeps {
  readonly source: ProviderStatusSource;
  /** DeepSeek's own key (ApiKeyStore). */
  readonly primaryKey: { resolve(): Promise<ResolvedApiKey>; readonly onDidChange: vscode.Event<unknown> };
  /** The fallbacks' keys (ProviderKeyStore). */
  readonly fallbackKeys: { origin(spec: ProviderSpec): Promise<ProviderKeyOrigin>; readonly onDidChange: vscode.Event<unknown> };
  /** The provider list may have changed (deepseek.baseUrl, deepseek.fallbackProviders). */
  readonly providersChanged: vscode.Event<unknown>;
  readonly logger: Logger;
}

/**
 * "DeepSeek: Show Provider Status": the Markdown of renderProviderStatus, kept current while open. Where each
 * key comes from is read from SecretStorage (asynchronously) when the document is shown and when a key or the
 * provider list changes; health changes re-render at once.
 */
export class ProviderStatusDocument implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly document: MarkdownDocument;
  private readonly subscriptions: vscode.Disposable[];
  private keySources: Readonly<Record<string, ProviderKeyOrigin>> = {};

  constructor(private readonly deps: ProviderStatusDocumentDeps) {
    this.document = new MarkdownDocument(
      'deepseek-providers',
      'DeepSeek Provider Status',
      () => renderProviderStatus(deps.source.providerStatus(), { now: Date.now(), keySources: this.keySources }),
      this.changed.event,
    );
    // A key that cannot be read now keeps what was read before (the report says "not checked" for none).
    const rereadKeys = () =>
      void this.refreshKeys().then(
        () => this.changed.fire(),
        (err: unknown) => deps.logger.warn('Show Provider Status: could not read where the keys come from', err),
      );
    this.subscriptions = [
      deps.source.onDidChangeHealth(() => this.changed.fire()),
      deps.primaryKey.onDidChange(rereadKeys),
      deps.fallbackKeys.onDidChange(rereadKeys),
      deps.providersChanged(rereadKeys),
    ];
  }

  private async refreshKeys(): Promise<void> {
    const entries = await Promise.all(
      this.deps.source.providers().map(async (spec): Promise<[string, ProviderKeyOrigin]> => [
        spec.id,
        spec.primary ? { source: (await this.deps.primaryKey.resolve()).source, apiKeyEnv: API_KEY_ENV_VAR } : await this.deps.fallbackKeys.origin(spec),
      ]),
    );
    this.keySources = Object.fromEntries(entries);
  }

  /** Opens the report (its key sources read first); resolves to the document's URI. */
  async show(): Promise<vscode.Uri> {
    await this.refreshKeys();
    this.changed.fire(); // an open preview shows the new figures too
    return this.document.show();
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.document.dispose();
    this.changed.dispose();
  }
}
