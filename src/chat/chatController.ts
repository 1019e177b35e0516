import * as vscode from 'vscode';
import type { ApiKeyStore } from '../platform/apiKeyStore';
import { CommandIds } from '../core/commandIds';
import { describeEndpoint } from '../core/endpoint';
import type { EndpointIdentity } from '../core/endpointIdentity';
import type { Logger } from '../core/logger';
import type { ConfigurationService } from '../config/settings';
import type { RequestEngine } from '../engine/requestEngine';
import type { Notifier } from '../platform/notifier';
import type { ProposedEdits } from '../review/proposedEdit';
import type { BudgetPolicy } from '../core/budget';
import { modalBudgetPolicy } from '../spend/budgetPolicy';
import type { ChatState, ChipView, ErrorAction, ModelChoice, TurnView, WebviewMessage } from '../webview/protocol';
import { isDocumentPath } from '../core/documents/documentInfo';
import { ChatAttachments, type QuestionAttachments } from '../documents/attachments';
import { workspaceUriOfDrop } from '../documents/droppedUri';
import type { DocumentSource } from '../documents/extractionService';
import type { AttachmentBytes } from './attachmentStore';
import type { ChatContext } from './chatContext';
import type { ContextService } from '../workspace/contextService';
import type { ChatViewHandler, ChatViewProvider } from './chatViewProvider';
import { askAgain, ChatSession, toView, type ChatSessionEvents, type Resend } from './chatSession';
import type { ConversationStore } from './conversationStore';
import { CodeBlockActions } from './codeBlockActions';
import { SlashCommands, type SlashCommandRunner } from './slashCommands';

const MODEL_KEY = 'deepseek.chat.model';

/** Why a question was not sent while the conversation is still answering. */
export const BUSY_MESSAGE = 'DeepSeek is still answering in this chat. Stop it or wait for the answer, then send again.';

export interface ChatControllerDeps {
  readonly view: ChatViewProvider;
  readonly store: ConversationStore;
  readonly context: ChatContext;
  readonly engine: RequestEngine;
  readonly keyStore: ApiKeyStore;
  readonly settings: ConfigurationService;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly edits: ProposedEdits;
  readonly globalState: vscode.Memento;
  readonly contextService: ContextService;
  /** Runs the slash commands `/explain`, `/refactor`, `/fix`, `/tests`, `/doc` (the reasoner's commands). */
  readonly commands: SlashCommandRunner;
  /** What the endpoints' responses said: whether requests go to the bundled offline simulator. */
  readonly endpoints: EndpointIdentity;
  /** The images and documents attached to the next question. */
  readonly attachments: ChatAttachments;
  /** Where attached images' bytes are kept for the conversation (globalStorageUri/attachments). */
  readonly imageStore?: AttachmentBytes;
}

/** The file dialog's filters for the attach button. */
const ATTACH_FILTERS: Readonly<Record<string, string[]>> = {
  'Images and documents': ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'pdf', 'docx', 'pptx', 'doc', 'ppt'],
  Images: ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'tif', 'tiff'],
  Documents: ['pdf', 'docx', 'pptx', 'doc', 'ppt'],
};

/** A command's request, run as the first turn of a conversation of its own. */
export interface CommandRequest {
  /** The conversation's title and the user's turn as shown: "Explain `mean` · src/math.ts:5–10". */
  readonly label: string;
  /** The instruction sent to the reasoner. */
  readonly prompt: string;
  /** Which command it is: the turn shows it (TurnView.command), and Retry and Regenerate keep it. */
  readonly command?: TurnView['command'];
  readonly token?: vscode.CancellationToken;
}

/** VS Code's own Workspace Trust dialog (the untrusted banner's button). */
const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/**
 * The chat: one ChatSession per conversation (each owns its turns and its lock), the view showing the active
 * one. Messages to the view name the conversation they belong to, so an answer streaming in a conversation
 * the view no longer shows lands where it began and nowhere else. Sessions of conversations that are neither
 * shown nor answering are let go (the store keeps their state), so they do not pile up. Also carries out the
 * answer and code-block actions (copy, insert, apply as a reviewed diff) and the history's rename, delete and
 * search.
 */
export class ChatController implements ChatViewHandler, vscode.Disposable {
  private readonly sessions = new Map<string, ChatSession>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly events: ChatSessionEvents;
  /** Chat and commands ask before a request that may pass the session budget. */
  private readonly budget: BudgetPolicy;
  private readonly slashCommands: SlashCommands;
  private readonly codeBlocks: CodeBlockActions;
  /** Per conversation, the attachments the question being sent takes: handed to its context once, then cleared. */
  private readonly questionAttachments = new Map<string, QuestionAttachments>();

  constructor(private readonly deps: ChatControllerDeps) {
    const post = deps.view.post.bind(deps.view);
    this.slashCommands = new SlashCommands({ runner: deps.commands, chat: this, editor: () => deps.context.editor(), post });
    this.codeBlocks = new CodeBlockActions({ editor: () => deps.context.editor(), edits: deps.edits, notifier: deps.notifier, logger: deps.logger, contextService: deps.contextService, post });
    this.subscriptions.push(
      deps.context.onDidChange(() => deps.view.post({ type: 'chips', chips: this.chips() })),
      deps.attachments.onDidChange(() => deps.view.post({ type: 'chips', chips: this.chips() })),
      // The banner goes once the folder is trusted (trust is never taken back without a reload).
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refresh()),
    );
    if (deps.store.warning) {
      void deps.notifier.warn(deps.store.warning);
    }
    this.budget = modalBudgetPolicy(deps.notifier);
    this.events = {
      turn: (session, turn) => {
        if (this.isShown(session)) deps.view.post({ type: 'turn', conversationId: session.id, turn });
      },
      delta: (session, turnId, delta) => {
        if (this.isShown(session)) deps.view.post({ type: 'delta', conversationId: session.id, turnId, ...delta });
      },
      busy: (session, busy) => {
        // The history list marks conversations that are answering.
        if (!this.isShown(session)) void this.refresh();
        if (!busy) this.releaseIdle();
      },
    };
  }

  get model(): ModelChoice {
    const saved = this.deps.globalState.get<unknown>(MODEL_KEY);
    return saved === 'reasoner' ? 'reasoner' : 'chat';
  }

  private isShown(session: ChatSession): boolean {
    return this.deps.store.active().id === session.id;
  }

  private session(id: string): ChatSession | undefined {
    let session = this.sessions.get(id);
    if (!session) {
      const conversation = this.deps.store.get(id);
      if (!conversation) return undefined;
      session = new ChatSession(conversation, {
        store: this.deps.store,
        engine: this.deps.engine,
        settings: this.deps.settings,
        contextService: this.deps.contextService,
        logger: this.deps.logger,
        budget: this.budget,
        ...(this.deps.imageStore ? { attachments: this.deps.imageStore } : {}),
        contextFor: () => {
          // The attachments go with the one question they were taken for (a Retry re-sends its images only).
          const attached = this.questionAttachments.get(id);
          this.questionAttachments.delete(id);
          return {
            editor: this.deps.context.editor(),
            options: {
              includeCurrentFile: this.deps.context.includesCurrentFile(),
              includeSelection: this.deps.context.includesSelection(),
              pinned: this.deps.context.pinnedUris(),
              ...(attached && attached.documents.length > 0 ? { documents: attached.documents } : {}),
              ...(attached && attached.images.length > 0 ? { images: attached.images } : {}),
            },
          };
        },
      }, this.events);
      this.sessions.set(id, session);
    }
    return session;
  }

  /** Lets go of the sessions of conversations that are neither shown nor answering; a later look rebuilds them from the store. */
  private releaseIdle(): void {
    const shownId = this.deps.store.active().id;
    for (const [id, session] of this.sessions) {
      if (id !== shownId && !session.busy) {
        session.dispose();
        this.sessions.delete(id);
      }
    }
  }

  /** How many sessions are held (for tests: idle ones are let go). */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** The session of the conversation the view shows. */
  private shown(): ChatSession {
    return this.session(this.deps.store.active().id) as ChatSession;
  }

  async state(): Promise<ChatState> {
    const key = await this.deps.keyStore.resolve();
    const endpoint = describeEndpoint(this.deps.settings.get('baseUrl'));
    const conversation = this.shown().snapshot();
    return {
      conversationId: conversation.id,
      turns: conversation.turns.map(toView),
      model: this.model,
      effort: this.deps.settings.get('models.reasoningEffort'),
      modelLabels: { chat: this.deps.engine.roleModel('chat').label, reasoner: this.deps.engine.roleModel('reasoner').label },
      chips: this.chips(),
      keySource: key.source,
      endpointLabel: this.deps.endpoints.describe(endpoint.baseUrl).label,
      simulated: this.deps.endpoints.isSimulator(endpoint.baseUrl),
      trusted: vscode.workspace.isTrusted,
      conversations: this.deps.store.list().map((c) => ({
        id: c.id,
        title: c.title,
        updatedAt: c.updatedAt,
        turns: c.turns.length,
        ...(this.sessions.get(c.id)?.busy ? { answering: true } : {}),
      })),
    };
  }

  /** The composer's chips: current file, selection, pinned files, then the attachments. */
  chips(): ChipView[] {
    return [...this.deps.context.chips(), ...this.deps.attachments.chips()];
  }

  async refresh(): Promise<void> {
    this.deps.view.post({ type: 'state', state: await this.state() });
  }

  async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
      case 'resync':
        return this.refresh();
      case 'ask': {
        const turn = await this.send(message.text, message.model, { fromView: true });
        if (turn === 'busy') this.deps.view.post({ type: 'askRefused', text: message.text, reason: BUSY_MESSAGE });
        else if (typeof turn === 'object' && 'refused' in turn) this.deps.view.post({ type: 'askRefused', text: message.text, reason: turn.refused });
        return;
      }
      case 'stop':
        return this.stop();
      case 'newChat':
        return this.newChat();
      case 'openConversation':
        this.deps.store.open(message.id);
        this.releaseIdle();
        return this.refresh();
      case 'setModel':
        await this.deps.globalState.update(MODEL_KEY, message.model);
        return;
      case 'setEffort':
        // A user-only setting: written to the user's settings, never a workspace's.
        await this.deps.settings.update('models.reasoningEffort', message.effort);
        return this.refresh();
      case 'removeChip':
        if (ChatAttachments.isChipId(message.id)) this.deps.attachments.remove(message.id);
        else this.deps.context.remove(message.id);
        return;
      case 'addCurrentFile': {
        const refusal = await this.deps.context.pinCurrent();
        if (refusal) void this.deps.notifier.warn(`DeepSeek: not added to the context — ${refusal}`);
        return;
      }
      case 'searchFiles':
        this.deps.view.post({ type: 'fileResults', requestId: message.requestId, files: await this.deps.context.search(message.query) });
        return;
      case 'pinFile': {
        const uri = vscode.Uri.parse(message.path);
        // An image or document named with @ is attached (its text extracted, or the image itself), not pinned.
        if (isDocumentPath(uri.path)) return this.attach([{ kind: 'workspace', uri }]);
        const refusal = await this.deps.context.pin(uri);
        if (refusal) void this.deps.notifier.warn(`DeepSeek: not added to the context — ${refusal}`);
        return;
      }
      case 'codeAction':
        return this.codeBlocks.run(message);
      case 'slashCommand':
        return this.slashCommands.run(message.name, message.text);
      case 'errorAction':
        return this.errorAction(message.action, message.turnId);
      case 'openLink':
        await vscode.env.openExternal(vscode.Uri.parse(message.href));
        return;
      case 'regenerate':
        return this.resend(message.turnId, { kind: 'regenerate' });
      case 'editLast':
        return this.resend(message.turnId, { kind: 'edit', question: message.text, role: message.model }, message.text);
      case 'copyAnswer':
        return this.copyAnswer(message.turnId, message.requestId);
      case 'renameConversation':
        this.rename(message.id, message.title);
        return this.refresh();
      case 'deleteConversation':
        return this.deleteConversation(message.id);
      case 'searchHistory':
        this.deps.view.post({ type: 'historyResults', requestId: message.requestId, ids: this.deps.store.search(message.query) });
        return;
      case 'manageTrust':
        await vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
        return;
      case 'attachFiles':
        return this.pickAndAttach();
      case 'attachData':
        return this.attach([{ kind: 'bytes', name: message.name, data: new Uint8Array(Buffer.from(message.data, 'base64')) }]);
      case 'attachUris':
        return this.attach(message.uris.map((u): DocumentSource => ({ kind: 'workspace', uri: workspaceUriOfDrop(u) })));
      case 'setAttachmentMode': {
        const refusal = this.deps.attachments.setMode(message.id, message.mode);
        if (refusal) this.deps.view.post({ type: 'attachmentNotice', message: refusal });
        return;
      }
      case 'cancelAttachment':
        this.deps.attachments.cancel(message.id);
        return;
    }
  }

  /**
   * Attaches files to the next question (the attach button, paste, drop, an @ mention, Add to Chat): each is
   * checked and read by the extraction service; a refusal is an `attachmentNotice` naming the file. Resolves
   * once each was attached or refused (an extraction it starts goes on; its chip shows the progress).
   */
  async attach(sources: readonly DocumentSource[]): Promise<void> {
    for (const source of sources) {
      const refusal = await this.deps.attachments.add(source);
      if (refusal) {
        this.deps.logger.info(`chat: attachment refused: ${refusal}`);
        this.deps.view.post({ type: 'attachmentNotice', message: refusal });
      }
    }
  }

  /** The composer's attach button: the file dialog (images and documents, several at once). */
  private async pickAndAttach(): Promise<void> {
    const picked = await vscode.window.showOpenDialog({
      canSelectMany: true,
      openLabel: 'Attach',
      title: 'Attach images or documents to the chat',
      filters: ATTACH_FILTERS as Record<string, string[]>,
      ...(vscode.workspace.workspaceFolders?.[0] ? { defaultUri: vscode.workspace.workspaceFolders[0].uri } : {}),
    });
    if (!picked || picked.length === 0) return;
    await this.attach(picked.map((uri): DocumentSource => ({ kind: 'picked', uri })));
  }

  /**
   * Regenerate (`what.kind` 'regenerate') or Edit and Resend the last turn of the conversation shown; the new
   * turn replaces it. Refused with `askRefused` (and the edited text to put back) when the turn is not the last
   * one or the conversation is still answering. Resolves once the new answer has settled.
   */
  private async resend(turnId: string, what: Resend, text?: string): Promise<void> {
    const session = this.shown();
    const outcome = session.resend(turnId, what, BUSY_MESSAGE);
    if ('refused' in outcome) {
      this.deps.view.post({ type: 'askRefused', reason: outcome.refused, ...(text !== undefined ? { text } : {}) });
      return;
    }
    if (what.kind === 'edit') void this.deps.globalState.update(MODEL_KEY, what.role);
    // The turn taken back leaves the view: it gets the whole state (the new turn, streaming, included).
    await this.refresh();
    await outcome.pending;
  }

  /** Copies a whole answer (as stored: placeholders restored) to the clipboard; the view's button confirms or says why not. */
  private async copyAnswer(turnId: string, requestId: number): Promise<void> {
    const turn = this.shown().turn(turnId) ?? this.deps.store.list().flatMap((c) => c.turns).find((t) => t.id === turnId);
    if (!turn) {
      this.deps.view.post({ type: 'actionResult', requestId, ok: false, message: 'That answer is no longer in this chat.' });
      return;
    }
    if (turn.answer === '') {
      this.deps.view.post({ type: 'actionResult', requestId, ok: false, message: 'There is no answer to copy yet.' });
      return;
    }
    try {
      await vscode.env.clipboard.writeText(turn.answer);
      this.deps.view.post({ type: 'actionResult', requestId, ok: true });
    } catch (err) {
      this.deps.logger.error('chat: copying an answer failed', err);
      this.deps.view.post({ type: 'actionResult', requestId, ok: false, message: 'The clipboard refused the text.' });
    }
  }

  /** Renames a conversation of the history (trimmed, capped); its session, if any, keeps the new title. */
  private rename(id: string, title: string): void {
    const renamed = this.deps.store.rename(id, title);
    if (renamed) this.sessions.get(id)?.rename(renamed.title);
  }

  /**
   * Deletes a conversation of the history. One still answering is stopped first (nothing more is billed or
   * saved for it); deleting the one shown shows the most recent other one, or a new chat.
   */
  private async deleteConversation(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (session) {
      await session.stop();
      session.dispose();
      this.sessions.delete(id);
    }
    if (this.deps.store.delete(id)) this.releaseIdle();
    await this.refresh();
  }

  /**
   * Shows a new conversation. An answer still streaming in the one shown before goes on and lands there
   * (History marks it as answering); Stop it first to stop paying for it.
   */
  async newChat(): Promise<void> {
    this.deps.store.startNew();
    this.releaseIdle();
    await this.refresh();
    this.deps.view.focusInput();
  }

  /** Stops the answer streaming in the conversation shown; resolves once it has settled. */
  stop(): Promise<void> {
    return this.shown().stop();
  }

  /**
   * Sends a question in the conversation shown, as the chat does; resolves with the finished turn, or 'busy'
   * (nothing sent) when that conversation is still answering or an attachment stopped it (said to the user:
   * `askRefused` from the view, a warning otherwise).
   */
  async ask(question: string, role: ModelChoice, options: { fromView?: boolean } = {}): Promise<TurnView | 'busy'> {
    const turn = await this.send(question, role, options);
    if (typeof turn === 'object' && 'refused' in turn) {
      if (options.fromView) this.deps.view.post({ type: 'askRefused', text: question, reason: turn.refused });
      return 'busy';
    }
    return turn;
  }

  /** `ask`, saying why the attachments stopped the question (`refused`: nothing was sent, the chips stay). */
  async send(question: string, role: ModelChoice, options: { fromView?: boolean } = {}): Promise<TurnView | 'busy' | { readonly refused: string }> {
    let session = this.shown();
    if (session.busy) {
      if (!options.fromView) void this.deps.notifier.info(BUSY_MESSAGE);
      return 'busy';
    }
    let attached: QuestionAttachments | undefined;
    if (this.deps.attachments.count > 0) {
      // Extractions still running are waited for; a failed one stops the question (its chip says why).
      const ready = await this.deps.attachments.forQuestion();
      if ('refused' in ready) {
        if (!options.fromView) void this.deps.notifier.warn(ready.refused);
        return ready;
      }
      attached = ready;
      session = this.shown();
      if (session.busy) {
        if (!options.fromView) void this.deps.notifier.info(BUSY_MESSAGE);
        return 'busy';
      }
    }
    // No await between the check and ask(): the session's lock is taken before anything else can run, and its
    // context (which takes the attachments once) is gathered for this question.
    if (attached) this.questionAttachments.set(session.id, attached);
    const pending = session.ask({ question, role, surface: 'chat' });
    if (attached) this.deps.attachments.consume(attached.ids);
    void this.deps.globalState.update(MODEL_KEY, role);
    return (await pending) ?? 'busy';
  }

  /**
   * Runs a command (Explain, Refactor, Fix) as the first turn of a conversation of its own, titled after what
   * it acts on, so it sends no chat history; the view shows it, and it can be continued as a chat.
   */
  async runCommand(request: CommandRequest): Promise<TurnView | undefined> {
    const conversation = this.deps.store.create(request.label);
    const session = this.session(conversation.id) as ChatSession;
    const pending = session.ask({
      question: request.label,
      prompt: request.prompt,
      role: 'reasoner',
      surface: 'command',
      ...(request.command ? { command: request.command } : {}),
      ...(request.token ? { token: request.token } : {}),
    });
    this.releaseIdle();
    await this.refresh();
    return pending;
  }

  private async errorAction(action: ErrorAction, turnId: string): Promise<void> {
    if (action === 'setApiKey') {
      await vscode.commands.executeCommand(CommandIds.setApiKey);
      await this.refresh();
    } else if (action === 'openSettings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'deepseek.models');
    } else {
      const session = this.shown();
      const turn = session.turn(turnId);
      if (!turn) return;
      const retried = await session.ask(askAgain(turn));
      if (!retried) this.deps.view.post({ type: 'askRefused', reason: BUSY_MESSAGE });
    }
  }

  dispose(): void {
    this.deps.attachments.dispose();
    for (const session of this.sessions.values()) session.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
