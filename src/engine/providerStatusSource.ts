import type * as vscode from 'vscode';
import type { ProviderSpec } from '../core/providers/providerSpec';
import type { ProviderStatus, ServingState } from './providerHealth';

/**
 * What the provider surfaces read (the status bar, Show Provider Status, the fallback-key commands): the
 * request engine provides exactly this. Declared on its own so those surfaces depend on this much only.
 */
export interface ProviderStatusSource {
  /** DeepSeek first, then the fallbacks in the user's order. */
  providers(): ProviderSpec[];
  /** The same order as providers(). */
  providerStatus(): ProviderStatus[];
  /** Which provider answers now, for the status bar. */
  serving(): ServingState;
  /** A breaker opened or closed, a request succeeded or failed. */
  readonly onDidChangeHealth: vscode.Event<void>;
}
