import type * as vscode from 'vscode';
import type { ConnectionResult } from '../api/connectionCheck';
import type { ApiKeySource } from '../core/apiKey';
import type { SpendView } from '../core/spendSummary';
import type { CompletionStatusSnapshot } from '../completions/completionStatusItem';
import type { LastRequest } from '../engine/lastRequest';
import type { ContextStatus } from '../workspace/contextService';
import type { ProviderStatus } from '../engine/providerHealth';
import type { EngineResult, FimOutcome } from '../engine/requestEngine';
import type { Notice } from '../platform/notifier';
import type { ConsentQuestion } from '../documents/uploadConsent';
import type { StatusSnapshot } from '../status/statusBar';
import type { EarlierTurn, ParticipantRun } from '../participant/recordingStream';
import type { ChatState, HostMessage, TurnView } from '../webview/protocol';

/**
 * What `activate()` returns to every installed extension: read-only figures. Nothing here sends a request,
 * spends money, changes state or exposes the key (or whether a request would carry one somewhere).
 */
export interface DeepSeekAssistantApi {
  readonly version: string;
  /** Activation cost in milliseconds: evaluating the bundle's modules, running activate(), and their sum. */
  readonly activation: { readonly bundleEvaluatedMs: number; readonly activateMs: number; readonly totalMs: number };
  /** Where the key in effect comes from (never the key itself). */
  apiKeySource(): Promise<ApiKeySource>;
  /** Session, today and all-time spend figures. */
  spend(): SpendView;
  statusBar(): StatusSnapshot;
  /** Whether the chat view has been resolved and is on screen (for diagnostics and tests). */
  chatViewVisible(): boolean;
}

/**
 * The API in test mode only (`ExtensionMode.Test`, i.e. the extension-host tests): adds what sends requests,
 * spends money or drives the chat. Any other extension could call these with the user's key and workspace
 * context, so a normal activation does not return them.
 */
export interface DeepSeekAssistantTestApi extends DeepSeekAssistantApi {
  /** Calls `GET /models` with the current key and endpoint. */
  checkConnection(): Promise<ConnectionResult>;
  /**
   * Sends one question through the extension's request pipeline (budget, ledger, status bar). Undefined when
   * nothing was sent (no key, or the user declined to exceed the budget).
   */
  ask(prompt: string, options?: { role?: 'chat' | 'reasoner'; token?: vscode.CancellationToken }): Promise<EngineResult | undefined>;
  /** What Show Last Request shows: the last request exactly as sent (provider, endpoint, redacted messages). */
  lastRequest(): LastRequest | undefined;
  /** Each provider's breaker, failures and latency, as Show Provider Status shows them. */
  providerStatus(): readonly ProviderStatus[];
  /** One inline completion through the engine's FIM route (failover to FIM providers only, or paused). */
  complete(prefix: string, suffix?: string): Promise<FimOutcome>;
  /** The completions status-bar item: state, text, tooltip, accessible label. */
  completionStatus(): CompletionStatusSnapshot;
  /** The context engine: where parsing runs, and per workspace folder what is listed, left out, indexed, generated. */
  contextStatus(): ContextStatus;
  /** FIM requests the inline completion provider has sent in this window. */
  completionRequests(): number;
  /** Closes every circuit breaker and forgets provider failures (between tests). */
  resetProviderHealth(): void;
  /** Sends a question through the chat view's pipeline (context, prompt builder, redaction); the finished turn. */
  askInChat(question: string, role?: 'chat' | 'reasoner'): Promise<TurnView | undefined>;
  /** Starts a new chat conversation. */
  newChat(): Promise<void>;
  /**
   * Hands the chat a message as its page would send it (validated the same way: a malformed one is ignored);
   * resolves once it was handled, with every message the host posted to the view meanwhile (e.g. an
   * `actionResult` or `askRefused`). A slash command that opens a proposal resolves once it was reviewed.
   */
  sendFromChatView(message: unknown): Promise<readonly HostMessage[]>;
  /** How many conversation sessions the chat holds (those neither shown nor answering are let go). */
  chatSessionCount(): number;
  /** Stops the answer streaming in the conversation shown; resolves once it has settled. */
  stopChat(): Promise<void>;
  /** What the chat view shows (or would show): the conversation, its turns, the history list (the user's chats). */
  chatState(): Promise<ChatState>;
  /** The notices shown lately (they may quote file paths and server messages). */
  recentNotices(): readonly Notice[];
  /**
   * Presses `action` on the latest notice matching `pattern` that still waits for an answer, as the user would
   * (the tests cannot press VS Code's notification buttons). False when there is none.
   */
  clickNotice(pattern: RegExp, action: string): boolean;
  /** Resolves when the check of the workspace's settings for user-only settings has run (at activation or later). */
  workspaceSettingsChecked(): Promise<void>;
  /** Images and documents: the upload consent, the extracted-text cache, extractions in progress. */
  readonly documents: DocumentsTestHooks;
  /** The @deepseek chat participant (VS Code's chat UI cannot be driven in the test host). */
  readonly participant: ParticipantTestHooks;
}

/** The test API's hook for the @deepseek participant. */
export interface ParticipantTestHooks {
  /**
   * Runs the participant's handler as VS Code's chat would for `@deepseek /<command> <prompt>` with these
   * references (#file, or a selection when `range` is given) after the earlier turns in `history` (none by
   * default), into a recording response stream; resolves with what it wrote, the follow-ups offered after it
   * and the result.
   */
  run(
    prompt: string,
    command?: string,
    references?: readonly { uri: vscode.Uri; range?: vscode.Range }[],
    token?: vscode.CancellationToken,
    history?: readonly EarlierTurn[],
  ): Promise<ParticipantRun>;
}

/** The test API's hooks for images and documents (OCR). */
export interface DocumentsTestHooks {
  /** The upload consent questions asked lately (the first upload of a window to an OCR endpoint), oldest first. */
  consentQuestions(): readonly ConsentQuestion[];
  /** Answers the oldest open upload consent question as the user would ("Upload" or Cancel); false when none is open. */
  answerConsent(choice: 'Upload' | 'Cancel'): boolean;
  /** Forgets the uploads allowed in this window: the next one to each endpoint asks again. */
  resetConsent(): void;
  /** Empties the extracted-text cache (memory and global storage). */
  clearCache(): Promise<void>;
  /** Cancels every extraction in progress, as its notification's or chip's Cancel would; how many there were. */
  cancelAll(): number;
  /** How many extractions are in progress. */
  inProgress(): number;
  /** The progress lines extractions reported lately ("Uploading 2.1 MB…", "Recognising 3 pages… 4 s"), oldest first. */
  progress(): readonly string[];
}

/** The members of the read-only API, in declaration order (a unit test checks the shipped object has no others). */
export const READ_ONLY_API_MEMBERS = ['version', 'activation', 'apiKeySource', 'spend', 'statusBar', 'chatViewVisible'] as const satisfies readonly (keyof DeepSeekAssistantApi)[];

export type TestOnlyMembers = Omit<DeepSeekAssistantTestApi, keyof DeepSeekAssistantApi>;

/**
 * What `activate()` hands out: outside test mode exactly the read-only members, frozen so that no extension
 * can swap one for another extension to call; in test mode those plus the test-only members (`testOnly` is
 * not even called otherwise).
 */
export function exposeApi(
  testMode: boolean,
  api: DeepSeekAssistantApi,
  testOnly: () => TestOnlyMembers,
): DeepSeekAssistantApi | DeepSeekAssistantTestApi {
  if (!testMode) {
    const readOnly = Object.fromEntries(READ_ONLY_API_MEMBERS.map((name) => [name, api[name]])) as unknown as DeepSeekAssistantApi;
    return Object.freeze(readOnly);
  }
  return { ...api, ...testOnly() };
}
