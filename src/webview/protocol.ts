/**
 * The typed message protocol between the extension host and the chat webview. Shared by both bundles; pure
 * (no DOM, no `vscode`). Each side validates what it receives: the host with `parseFromWebview` (the webview
 * renders untrusted model output, so its messages are never trusted), the webview with `parseFromHost`.
 */

export type ModelChoice = 'chat' | 'reasoner';
/** The reasoner's thinking effort (`deepseek.models.reasoningEffort`, a user setting). */
export type EffortChoice = 'high' | 'max';
export type KeySource = 'secretStorage' | 'environment' | 'none';

export interface ChipView {
  readonly id: string;
  readonly kind: 'currentFile' | 'selection' | 'pinned' | 'attachment';
  readonly label: string;
  readonly detail?: string;
  /** Present on `attachment` chips: an image or document attached to the next question. */
  readonly attachment?: AttachmentView;
}

/** How an attachment goes to the model: its extracted text (OCR, redacted like any file) or the image itself. */
export type AttachmentMode = 'text' | 'image';

/**
 * An attached image or document as its chip shows it. Documents (PDF, DOCX, PPTX) go as text only; an image can
 * go either way, and the chip lets the user choose, the cheaper mode chosen by default.
 */
export interface AttachmentView {
  readonly kind: 'image' | 'document';
  /** "png", "pdf", "docx", … */
  readonly format: string;
  readonly mode: AttachmentMode;
  /** The modes this attachment can take (an image on a model without vision: text only). */
  readonly modes: readonly AttachmentMode[];
  /**
   * `pending`: not extracted yet (text is extracted when the question is sent, or at once for a document);
   * `extracting`: OCR running (`progress` says how far, and it can be cancelled); `ready`: text known or image
   * mode; `failed`: `error` says why (the chip stays so the user sees it, and is not sent).
   */
  readonly state: 'pending' | 'extracting' | 'ready' | 'failed';
  /** "Uploading 2.1 MB…", "Recognising 12 pages… 14 s". */
  readonly progress?: string;
  readonly error?: string;
  /** Pages, when known. */
  readonly pages?: number;
  /** Estimated cost of each mode, formatted ("~$0.0002"); the text mode's includes OCR unless it is cached. */
  readonly costs: Partial<Readonly<Record<AttachmentMode, string>>>;
  /** One line for the chip's tooltip and the mode menu, e.g. "Image mode: the picture is sent as is (not redacted)". */
  readonly note?: string;
}

/** The largest attachment the page may send as data (base64 characters): 48 MiB, the chat's request limit. */
export const MAX_ATTACHMENT_DATA_CHARS = Math.ceil((48 * 1024 * 1024) / 3) * 4;

export type ErrorAction = 'setApiKey' | 'retry' | 'openSettings';

export interface TurnFooter {
  /** Who answered, when it was not DeepSeek: a fallback provider's name ("Backup"). */
  readonly provider?: string;
  readonly model: string;
  readonly hitTokens: number;
  readonly missTokens: number;
  readonly outputTokens: number;
  /** "$0.0012"; "unpriced" when `unpriced`. */
  readonly cost: string;
  readonly estimated: boolean;
  /** The provider has no price table for the model: shown as unpriced, never as $0. */
  readonly unpriced?: true;
}

/**
 * What one provider streamed into a turn before it stopped mid-answer and the answer restarted on another
 * provider. Kept as it arrived (it was billed); never part of the answer or of the next prompt.
 */
export interface InterruptedSegment {
  /** "DeepSeek" or a fallback's name. */
  readonly provider: string;
  readonly reasoning: string;
  readonly answer: string;
  /** In a few words, e.g. "the stream broke mid-answer". */
  readonly why: string;
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
  /** Output of providers that stopped mid-answer, oldest first; shown above the answer. Absent in older turns. */
  readonly interrupted?: readonly InterruptedSegment[];
  /** Which provider answered and why it changed: "DeepSeek stopped mid-answer — answered by Backup". */
  readonly notice?: string;
  /**
   * Set when the turn was started by a command (palette, keybinding, code action or a slash command): the
   * question is then the command's short label ("Explain `mean` · src/math.ts:5–10"), never its instruction.
   */
  readonly command?: Exclude<SlashCommandName, 'new'>;
}

export interface ConversationSummary {
  readonly id: string;
  readonly title: string;
  /** Epoch milliseconds; the view shows it in local time ("Today 14:05", "Mon 2 Nov"). */
  readonly updatedAt: number;
  readonly turns: number;
  /** An answer is still streaming in it. */
  readonly answering?: boolean;
}

/** The composer's slash commands. Each is typed as `/name rest of the line`. */
export type SlashCommandName = 'explain' | 'refactor' | 'fix' | 'tests' | 'doc' | 'new';

export interface SlashCommandInfo {
  readonly name: SlashCommandName;
  /** One line for the completion list: "Explain the selection or the function at the cursor". */
  readonly description: string;
}

/** The composer's slash commands, in the order the completion list shows them. */
export const SLASH_COMMANDS: readonly SlashCommandInfo[] = [
  { name: 'explain', description: 'Explain the selection or the function at the cursor' },
  { name: 'refactor', description: 'Refactor the selection as a diff to review (say how after the command)' },
  { name: 'fix', description: 'Fix the problems in the selection as a diff to review' },
  { name: 'tests', description: 'Write unit tests for the selection or the function at the cursor' },
  { name: 'doc', description: 'Add documentation comments to the selection, as a diff to review' },
  { name: 'new', description: 'Start a new chat' },
];

/** `/name rest` at the start of the text: the command and the rest (trimmed); undefined when it is not one. */
export function parseSlashCommand(text: string): { readonly name: SlashCommandName; readonly rest: string } | undefined {
  const match = /^\/([a-z]+)(?:\s+([\s\S]*))?$/.exec(text.trim());
  if (!match) return undefined;
  const info = SLASH_COMMANDS.find((c) => c.name === match[1]);
  return info ? { name: info.name, rest: (match[2] ?? '').trim() } : undefined;
}

export interface ChatState {
  readonly conversationId: string;
  readonly turns: readonly TurnView[];
  readonly model: ModelChoice;
  /** The reasoner's effort as the user's settings have it; the composer's picker changes it there. */
  readonly effort: EffortChoice;
  /** What each role resolves to, as the model picker shows it: "Chat · deepseek-flash", "Reasoner · deepseek-flash, thinking high". */
  readonly modelLabels: Readonly<Record<ModelChoice, string>>;
  readonly chips: readonly ChipView[];
  readonly keySource: KeySource;
  readonly endpointLabel: string;
  /** The endpoint is the bundled offline simulator (it said so when asked), not merely a loopback URL. */
  readonly simulated: boolean;
  readonly conversations: readonly ConversationSummary[];
  /** Workspace Trust: false shows the chat's "not trusted" banner with a Trust Folder button. */
  readonly trusted: boolean;
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
  | { readonly type: 'focusInput' }
  /** The view title bar's History button: open the history panel. */
  | { readonly type: 'showHistory' }
  /** Ids of the conversations whose title or turns match a history search, newest first. */
  | { readonly type: 'historyResults'; readonly requestId: number; readonly ids: readonly string[] }
  /** How a code-block or answer action went: the button confirms in place ("Copied") or says why not. */
  | { readonly type: 'actionResult'; readonly requestId: number; readonly ok: boolean; readonly message?: string }
  /** An attachment was refused or failed (too large, not allowed, untrusted workspace, …): shown beside the composer. */
  | { readonly type: 'attachmentNotice'; readonly message: string };

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
  /** Writes `deepseek.models.reasoningEffort` to the user's settings (never a workspace's). */
  | { readonly type: 'setEffort'; readonly effort: EffortChoice }
  | { readonly type: 'removeChip'; readonly id: string }
  | { readonly type: 'addCurrentFile' }
  | { readonly type: 'searchFiles'; readonly requestId: number; readonly query: string }
  | { readonly type: 'pinFile'; readonly path: string }
  | { readonly type: 'codeAction'; readonly action: CodeAction; readonly code: string; readonly language: string; readonly requestId?: number }
  | { readonly type: 'errorAction'; readonly action: ErrorAction; readonly turnId: string }
  | { readonly type: 'openLink'; readonly href: string }
  /** Ask the last turn's question again; its answer is replaced (the history before it is kept byte for byte). */
  | { readonly type: 'regenerate'; readonly turnId: string }
  /** Replace the last question with `text` and send it; the last turn and its answer are replaced. */
  | { readonly type: 'editLast'; readonly turnId: string; readonly text: string; readonly model: ModelChoice }
  /** Copy a whole answer (its Markdown, placeholders restored) to the clipboard. */
  | { readonly type: 'copyAnswer'; readonly turnId: string; readonly requestId: number }
  | { readonly type: 'renameConversation'; readonly id: string; readonly title: string }
  | { readonly type: 'deleteConversation'; readonly id: string }
  | { readonly type: 'searchHistory'; readonly requestId: number; readonly query: string }
  /** A slash command typed in the composer: `/refactor make it pure` is { name: 'refactor', text: 'make it pure' }. */
  | { readonly type: 'slashCommand'; readonly name: SlashCommandName; readonly text: string }
  /** The untrusted-workspace banner's button: VS Code's own trust dialog. */
  | { readonly type: 'manageTrust' }
  /** The composer's attach button: the host opens a file dialog (images, PDF, DOCX, PPTX). */
  | { readonly type: 'attachFiles' }
  /** Files pasted or dropped from outside VS Code: their bytes as base64 (at most MAX_ATTACHMENT_DATA_CHARS). */
  | { readonly type: 'attachData'; readonly name: string; readonly mime: string; readonly data: string }
  /** Files dropped from VS Code's explorer or an editor tab (`text/uri-list`): checked by the host's read policy. */
  | { readonly type: 'attachUris'; readonly uris: readonly string[] }
  | { readonly type: 'setAttachmentMode'; readonly id: string; readonly mode: AttachmentMode }
  /** Stops an extraction in progress (the chip stays, failed "Cancelled"); removeChip removes and cancels. */
  | { readonly type: 'cancelAttachment'; readonly id: string };

const MAX_TEXT = 200_000;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const isString = (v: unknown, max = MAX_TEXT): v is string => typeof v === 'string' && v.length <= max;
const isModel = (v: unknown): v is ModelChoice => v === 'chat' || v === 'reasoner';
const isId = (v: unknown): v is string => typeof v === 'string' && /^[A-Za-z0-9_-]{1,64}$/.test(v);
const isRequestId = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isSlashName = (v: unknown): v is SlashCommandName => SLASH_COMMANDS.some((c) => c.name === v);

/** Returns the message if it is well-formed, otherwise undefined (the host ignores and logs it). */
export function parseFromWebview(raw: unknown): WebviewMessage | undefined {
  if (!isRecord(raw)) return undefined;
  switch (raw.type) {
    case 'ready':
    case 'resync':
    case 'stop':
    case 'newChat':
    case 'addCurrentFile':
    case 'manageTrust':
      return { type: raw.type };
    case 'ask':
      return isString(raw.text) && raw.text.trim() !== '' && isModel(raw.model) ? { type: 'ask', text: raw.text, model: raw.model } : undefined;
    case 'openConversation':
      return isId(raw.id) ? { type: 'openConversation', id: raw.id } : undefined;
    case 'setModel':
      return isModel(raw.model) ? { type: 'setModel', model: raw.model } : undefined;
    case 'setEffort':
      return raw.effort === 'high' || raw.effort === 'max' ? { type: 'setEffort', effort: raw.effort } : undefined;
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
        ? { type: 'codeAction', action: raw.action, code: raw.code, language: raw.language, ...(isRequestId(raw.requestId) ? { requestId: raw.requestId } : {}) }
        : undefined;
    case 'errorAction':
      return (raw.action === 'setApiKey' || raw.action === 'retry' || raw.action === 'openSettings') && isId(raw.turnId)
        ? { type: 'errorAction', action: raw.action, turnId: raw.turnId }
        : undefined;
    case 'openLink':
      return isString(raw.href, 4096) && /^https?:\/\//i.test(raw.href) ? { type: 'openLink', href: raw.href } : undefined;
    case 'regenerate':
      return isId(raw.turnId) ? { type: 'regenerate', turnId: raw.turnId } : undefined;
    case 'editLast':
      return isId(raw.turnId) && isString(raw.text) && raw.text.trim() !== '' && isModel(raw.model)
        ? { type: 'editLast', turnId: raw.turnId, text: raw.text, model: raw.model }
        : undefined;
    case 'copyAnswer':
      return isId(raw.turnId) && isRequestId(raw.requestId) ? { type: 'copyAnswer', turnId: raw.turnId, requestId: raw.requestId } : undefined;
    case 'renameConversation':
      return isId(raw.id) && isString(raw.title, 200) && raw.title.trim() !== '' ? { type: 'renameConversation', id: raw.id, title: raw.title.trim() } : undefined;
    case 'deleteConversation':
      return isId(raw.id) ? { type: 'deleteConversation', id: raw.id } : undefined;
    case 'searchHistory':
      return isRequestId(raw.requestId) && isString(raw.query, 256) ? { type: 'searchHistory', requestId: raw.requestId, query: raw.query } : undefined;
    case 'slashCommand':
      return isSlashName(raw.name) && isString(raw.text) ? { type: 'slashCommand', name: raw.name, text: raw.text } : undefined;
    case 'attachFiles':
      return { type: 'attachFiles' };
    case 'attachData':
      return isString(raw.name, 1024) && raw.name.trim() !== '' && isString(raw.mime, 128) &&
        typeof raw.data === 'string' && raw.data.length > 0 && raw.data.length <= MAX_ATTACHMENT_DATA_CHARS && /^[A-Za-z0-9+/]*={0,2}$/.test(raw.data)
        ? { type: 'attachData', name: raw.name, mime: raw.mime, data: raw.data }
        : undefined;
    case 'attachUris':
      return Array.isArray(raw.uris) && raw.uris.length > 0 && raw.uris.length <= 32 && raw.uris.every((u) => isString(u, 4096) && u !== '')
        ? { type: 'attachUris', uris: raw.uris as string[] }
        : undefined;
    case 'setAttachmentMode':
      return isString(raw.id, 4096) && (raw.mode === 'text' || raw.mode === 'image') ? { type: 'setAttachmentMode', id: raw.id, mode: raw.mode } : undefined;
    case 'cancelAttachment':
      return isString(raw.id, 4096) ? { type: 'cancelAttachment', id: raw.id } : undefined;
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
    case 'showHistory':
      return { type: raw.type };
    case 'historyResults':
      return typeof raw.requestId === 'number' && Array.isArray(raw.ids) ? (raw as unknown as HostMessage) : undefined;
    case 'actionResult':
      return typeof raw.requestId === 'number' && typeof raw.ok === 'boolean' && (raw.message === undefined || typeof raw.message === 'string')
        ? (raw as unknown as HostMessage)
        : undefined;
    case 'attachmentNotice':
      return typeof raw.message === 'string' ? { type: 'attachmentNotice', message: raw.message } : undefined;
    default:
      return undefined;
  }
}

// ---------- turn wording: pure, shared by host and page, tested in plain Node ----------

/** A switch to another provider, as the turn needs it (the engine's ProviderSwitchEvent has these fields). */
export interface ProviderSwitch {
  readonly from: string;
  readonly to: string;
  readonly midAnswer: boolean;
  readonly why: string;
}

/**
 * The turn's notice for the provider switches of one request, in order: "DeepSeek stopped mid-answer — answered
 * by Backup", "DeepSeek failed (its balance is empty, 402) — answered by Backup", and chained
 * ("DeepSeek failed (…), then Backup stopped mid-answer — answered by Other"). `answered` false (the last
 * provider failed too, or the user stopped it) says "switched to" instead. Undefined when nothing switched.
 */
export function providerSwitchNotice(switches: readonly ProviderSwitch[], answered = true): string | undefined {
  const last = switches.at(-1);
  if (!last) return undefined;
  const steps = switches.map((s) => (s.midAnswer ? `${s.from} stopped mid-answer` : `${s.from} failed (${s.why})`));
  return `${steps.join(', then ')} — ${answered ? 'answered by' : 'switched to'} ${last.to}`;
}

/** When the answer came from a fallback because DeepSeek's circuit breaker is open (no switch on the way). */
export function skippedNotice(skipped: readonly string[], answeredBy: string): string | undefined {
  return skipped.length > 0 ? `${skipped.join(', ')} skipped for now (failing; see Show Provider Status) — answered by ${answeredBy}` : undefined;
}

/**
 * A turn after a switch: with `midAnswer`, what streamed so far moves into a new interrupted segment and the
 * live reasoning and answer restart empty (a segment only when something had arrived); the notice names who
 * answers now. `switches` are all of the request's switches so far, this one last.
 */
export function withProviderSwitch<T extends TurnView>(turn: T, switches: readonly ProviderSwitch[]): T {
  const event = switches.at(-1);
  if (!event) return turn;
  const notice = providerSwitchNotice(switches);
  if (!event.midAnswer) return { ...turn, ...(notice ? { notice } : {}) };
  const kept: InterruptedSegment[] = turn.reasoning === '' && turn.answer === ''
    ? []
    : [{ provider: event.from, reasoning: turn.reasoning, answer: turn.answer, why: event.why }];
  return { ...turn, reasoning: '', answer: '', interrupted: [...(turn.interrupted ?? []), ...kept], ...(notice ? { notice } : {}) };
}

function sizeText(text: string): string {
  const chars = text.length;
  const lines = text === '' ? 0 : text.split('\n').length;
  return `${chars.toLocaleString('en-US')} ${chars === 1 ? 'character' : 'characters'}, ${lines} ${lines === 1 ? 'line' : 'lines'}`;
}

/** The collapsed summary of an interrupted segment: how much arrived. */
export function interruptedSummary(segment: InterruptedSegment): string {
  const parts: string[] = [];
  if (segment.answer !== '') parts.push(`answer: ${sizeText(segment.answer)}`);
  if (segment.reasoning !== '') parts.push(`reasoning: ${sizeText(segment.reasoning)}`);
  return parts.length ? `What arrived — ${parts.join('; ')}` : 'Nothing arrived';
}

/** The turn's footer line: "Backup · backup-chat · 0 cached / 120 uncached / 40 output tokens · unpriced". */
export function footerLine(f: TurnFooter): string {
  const tokens = `${f.hitTokens.toLocaleString('en-US')} cached / ${f.missTokens.toLocaleString('en-US')} uncached / ${f.outputTokens.toLocaleString('en-US')} output tokens`;
  const cost = f.unpriced ? `unpriced${f.estimated ? ' (tokens estimated)' : ''}` : `${f.cost}${f.estimated ? ' (estimated)' : ''}`;
  return `${f.provider ? `${f.provider} · ` : ''}${f.model} · ${tokens} · ${cost}`;
}
