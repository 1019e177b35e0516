/**
 * The typed message protocol between the extension host and the chat webview. Shared by both bundles; pure
 * (no DOM, no `vscode`). Each side validates what it receives: the host with `parseFromWebview` (the webview
 * renders untrusted model output, so its messages are never trusted), the webview with `parseFromHost`.
 */

export type ModelChoice = 'chat' | 'reasoner';
export type KeySource = 'secretStorage' | 'environment' | 'none';

export interface ChipView {
  readonly id: string;
  readonly kind: 'currentFile' | 'selection' | 'pinned';
  readonly label: string;
  readonly detail?: string;
}

export type ErrorAction = 'setApiKey' | 'retry' | 'openSettings';

export interface TurnFooter {
  readonly model: string;
  readonly hitTokens: number;
  readonly missTokens: number;
  readonly outputTokens: number;
  readonly cost: string;
  readonly estimated: boolean;
}

export interface TurnView {
  readonly id: string;
  readonly question: string;
  readonly role: ModelChoice;
  readonly model: string;
  readonly reasoning: string;
  readonly answer: string;
  readonly status: 'streaming' | 'done' | 'stopped' | 'error';
  readonly error?: { readonly message: string; readonly action?: ErrorAction };
  /** Milliseconds spent on the chain-of-thought (first reasoning token to first answer token). */
  readonly thoughtMs?: number;
  readonly reasoningTokens?: number;
  readonly footer?: TurnFooter;
  /** Context attached to this turn, as chip labels. */
  readonly context: readonly string[];
}

export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  readonly updatedAt: number;
  readonly turns: number;
  /** An answer is still streaming in it. */
  readonly answering?: boolean;
}

export interface ChatState {
  readonly conversationId: string;
  readonly turns: readonly TurnView[];
  readonly model: ModelChoice;
  /** What each role resolves to, as the model picker shows it: "Chat · deepseek-flash", "Reasoner · deepseek-flash, thinking high". */
  readonly modelLabels: Readonly<Record<ModelChoice, string>>;
  readonly chips: readonly ChipView[];
  readonly keySource: KeySource;
  readonly endpointLabel: string;
  readonly simulated: boolean;
  readonly conversations: readonly ConversationSummary[];
}

export interface FileResult {
  readonly path: string;
  readonly label: string;
}

/** Host → webview. */
export type HostMessage =
  | { readonly type: 'state'; readonly state: ChatState }
  /** A turn of conversation `conversationId` started, changed or finished: its whole state. */
  | { readonly type: 'turn'; readonly conversationId: string; readonly turn: TurnView }
  /**
   * Text streamed into a turn. `reasoningAt` / `answerAt` are the lengths the turn had before this delta: a view
   * that holds a different length missed something and asks for a `resync` instead of appending.
   */
  | {
      readonly type: 'delta';
      readonly conversationId: string;
      readonly turnId: string;
      readonly reasoning: string;
      readonly answer: string;
      readonly reasoningAt: number;
      readonly answerAt: number;
    }
  /** A question was not sent (the conversation is still answering): why, and the text to put back. */
  | { readonly type: 'askRefused'; readonly reason: string; readonly text?: string }
  | { readonly type: 'chips'; readonly chips: readonly ChipView[] }
  | { readonly type: 'fileResults'; readonly requestId: number; readonly files: readonly FileResult[] }
  | { readonly type: 'focusInput' };

export type CodeAction = 'copy' | 'insert' | 'apply';

/** Webview → host. */
export type WebviewMessage =
  | { readonly type: 'ready' }
  /** The view's copy went out of step with the host's (a missed delta): send the whole state again. */
  | { readonly type: 'resync' }
  | { readonly type: 'ask'; readonly text: string; readonly model: ModelChoice }
  | { readonly type: 'stop' }
  | { readonly type: 'newChat' }
  | { readonly type: 'openConversation'; readonly id: string }
  | { readonly type: 'setModel'; readonly model: ModelChoice }
  | { readonly type: 'removeChip'; readonly id: string }
  | { readonly type: 'addCurrentFile' }
  | { readonly type: 'searchFiles'; readonly requestId: number; readonly query: string }
  | { readonly type: 'pinFile'; readonly path: string }
  | { readonly type: 'codeAction'; readonly action: CodeAction; readonly code: string; readonly language: string }
  | { readonly type: 'errorAction'; readonly action: ErrorAction; readonly turnId: string }
  | { readonly type: 'openLink'; readonly href: string };

const MAX_TEXT = 200_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isString = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;
const isModel = (v: unknown): v is ModelChoice => v === 'chat' || v === 'reasoner';
const isId = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v);

/** Returns the message if it is well-formed, otherwise undefined (the host ignores and logs it). */
export function parseFromWebview(raw: unknown): WebviewMessage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
    case 'resync':
    case 'stop':
    case 'newChat':
    case 'addCurrentFile':
      return { type: raw.type };
    case 'ask':
      return isString(raw.text) && raw.text.trim() !== '' && isModel(raw.model) ? { type: 'ask', text: raw.text, model: raw.model } : undefined;
    case 'openConversation':
      return isId(raw.id) ? { type: 'openConversation', id: raw.id } : undefined;
    case 'setModel':
      return isModel(raw.model) ? { type: 'setModel', model: raw.model } : undefined;
    case 'removeChip':
      return isString(raw.id, 4096) ? { type: 'removeChip', id: raw.id } : undefined;
    case 'searchFiles':
      return typeof raw.requestId === 'number' && Number.isInteger(raw.requestId) && isString(raw.query, 256)
        ? { type: 'searchFiles', requestId: raw.requestId, query: raw.query }
        : undefined;
    case 'pinFile':
      return isString(raw.path, 4096) && raw.path !== '' ? { type: 'pinFile', path: raw.path } : undefined;
    case 'codeAction':
      return (raw.action === 'copy' || raw.action === 'insert' || raw.action === 'apply') && isString(raw.code) && isString(raw.language, 64)
        ? { type: 'codeAction', action: raw.action, code: raw.code, language: raw.language }
        : undefined;
    case 'errorAction':
      return (raw.action === 'setApiKey' || raw.action === 'retry' || raw.action === 'openSettings') && isId(raw.turnId)
        ? { type: 'errorAction', action: raw.action, turnId: raw.turnId }
        : undefined;
    case 'openLink':
      return isString(raw.href, 4096) && /^https?:\/\//i.test(raw.href) ? { type: 'openLink', href: raw.href } : undefined;
    default:
      return undefined;
  }
}

/**
 * The webview trusts the host's shapes but still checks the discriminant, so a stray message cannot throw
 * inside the render loop.
 */
export function parseFromHost(raw: unknown): HostMessage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'state':
      return isRecord(raw.state) && Array.isArray(raw.state.turns) ? (raw as unknown as HostMessage) : undefined;
    case 'turn':
      return typeof raw.conversationId === 'string' && isRecord(raw.turn) && typeof raw.turn.id === 'string' ? (raw as unknown as HostMessage) : undefined;
    case 'delta':
      return typeof raw.conversationId === 'string' && typeof raw.turnId === 'string' && typeof raw.reasoning === 'string' &&
        typeof raw.answer === 'string' && typeof raw.reasoningAt === 'number' && typeof raw.answerAt === 'number'
        ? (raw as unknown as HostMessage)
        : undefined;
    case 'askRefused':
      return typeof raw.reason === 'string' && (raw.text === undefined || typeof raw.text === 'string') ? (raw as unknown as HostMessage) : undefined;
    case 'chips':
      return Array.isArray(raw.chips) ? (raw as unknown as HostMessage) : undefined;
    case 'fileResults':
      return typeof raw.requestId === 'number' && Array.isArray(raw.files) ? (raw as unknown as HostMessage) : undefined;
    case 'focusInput':
      return { type: 'focusInput' };
    default:
      return undefined;
  }
}
