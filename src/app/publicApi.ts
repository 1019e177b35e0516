import type * as vscode from 'vscode';
import type { ConnectionResult } from '../api/connectionCheck';
import type { ChatResult } from '../api/types';
import type { ApiKeySource } from '../core/apiKey';
import type { SpendView } from '../core/spendSummary';
import type { Notice } from '../platform/notifier';
import type { StatusSnapshot } from '../status/statusBar';
import type { ChatState, TurnView } from '../webview/protocol';

/** What `activate()` returns: for other extensions, diagnostics and the extension-host tests. Never exposes the key. */
export interface DeepSeekAssistantApi {
  readonly version: string;
  /** Activation cost in milliseconds: evaluating the bundle's modules, running activate(), and their sum. */
  readonly activation: { readonly bundleEvaluatedMs: number; readonly activateMs: number; readonly totalMs: number };
  apiKeySource(): Promise<ApiKeySource>;
  /** Calls `GET /models` with the current key and endpoint. */
  checkConnection(): Promise<ConnectionResult>;
  /**
   * Sends one question through the extension's request pipeline (budget, ledger, status bar). Undefined when
   * nothing was sent (no key, or the user declined to exceed the budget).
   */
  ask(prompt: string, options?: { role?: 'chat' | 'reasoner'; token?: vscode.CancellationToken }): Promise<ChatResult | undefined>;
  /** Sends a question through the chat view's pipeline (context, prompt builder, redaction); the finished turn. */
  askInChat(question: string, role?: 'chat' | 'reasoner'): Promise<TurnView | undefined>;
  /** Starts a new chat conversation. */
  newChat(): Promise<void>;
  /** Stops the answer streaming in the conversation shown; resolves once it has settled. */
  stopChat(): Promise<void>;
  /** What the chat view shows (or would show): the conversation, its turns, the history list. */
  chatState(): Promise<ChatState>;
  /** Session, today and all-time spend figures. */
  spend(): SpendView;
  statusBar(): StatusSnapshot;
  /** Whether the chat view has been resolved and is on screen (read-only, for tests and diagnostics). */
  chatViewVisible(): boolean;
  recentNotices(): readonly Notice[];
}
