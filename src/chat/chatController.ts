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
import type { ChatState, ErrorAction, ModelChoice, TurnView, WebviewMessage } from '../webview/protocol';
import type { ChatContext } from './chatContext';
import type { ContextService } from '../workspace/contextService';
import type { ChatViewHandler, ChatViewProvider } from './chatViewProvider';
import { ChatSession, toView, type ChatSessionEvents } from './chatSession';
import type { ConversationStore } from './conversationStore';

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
  /** What the endpoints' responses said: whether requests go to the bundled offline simulator. */
  readonly endpoints: EndpointIdentity;
}

/** A command's request, run as the first turn of a conversation of its own. */
export interface CommandRequest {
  /** The conversation's title and the user's turn as shown: "Explain `mean` · src/math.ts:5–10". */
  readonly label: string;
  /** The instruction sent to the reasoner. */
  readonly prompt: string;
  readonly token?: vscode.CancellationToken;
}

/**
 * The chat: one ChatSession per conversation (each owns its turns and its lock), the view showing the active
 * one. Messages to the view name the conversation they belong to, so an answer streaming in a conversation
 * the view no longer shows lands where it began and nowhere else. Also carries out code-block actions
 * (copy, insert, apply as a reviewed diff).
 */
export class ChatController implements ChatViewHandler, vscode.Disposable {
  private readonly sessions = new Map<string, ChatSession>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly events: ChatSessionEvents;
  /** Chat and commands ask before a request that may pass the session budget. */
  private readonly budget: BudgetPolicy;

  constructor(private readonly deps: ChatControllerDeps) {
    this.subscriptions.push(deps.context.onDidChange(() => deps.view.post({ type: 'chips', chips: deps.context.chips() })));
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
      busy: (session) => {
        // The history list marks conversations that are answering.
        if (!this.isShown(session)) void this.refresh();
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
        contextFor: () => ({
          editor: this.deps.context.editor(),
          options: {
            includeCurrentFile: this.deps.context.includesCurrentFile(),
            includeSelection: this.deps.context.includesSelection(),
            pinned: this.deps.context.pinnedUris(),
          },
        }),
      }, this.events);
      this.sessions.set(id, session);
    }
    return session;
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
      modelLabels: { chat: this.deps.engine.roleModel('chat').label, reasoner: this.deps.engine.roleModel('reasoner').label },
      chips: this.deps.context.chips(),
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

  async refresh(): Promise<void> {
    this.deps.view.post({ type: 'state', state: await this.state() });
  }

  async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
      case 'resync':
        return this.refresh();
      case 'ask': {
        const turn = await this.ask(message.text, message.model, { fromView: true });
        if (turn === 'busy') this.deps.view.post({ type: 'askRefused', text: message.text, reason: BUSY_MESSAGE });
        return;
      }
      case 'stop':
        return this.stop();
      case 'newChat':
        return this.newChat();
      case 'openConversation':
        this.deps.store.open(message.id);
        return this.refresh();
      case 'setModel':
        await this.deps.globalState.update(MODEL_KEY, message.model);
        return;
      case 'removeChip':
        this.deps.context.remove(message.id);
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
        const refusal = await this.deps.context.pin(vscode.Uri.parse(message.path));
        if (refusal) void this.deps.notifier.warn(`DeepSeek: not added to the context — ${refusal}`);
        return;
      }
      case 'codeAction':
        return this.codeAction(message.action, message.code);
      case 'errorAction':
        return this.errorAction(message.action, message.turnId);
      case 'openLink':
        await vscode.env.openExternal(vscode.Uri.parse(message.href));
        return;
    }
  }

  /**
   * Shows a new conversation. An answer still streaming in the one shown before goes on and lands there
   * (History marks it as answering); Stop it first to stop paying for it.
   */
  async newChat(): Promise<void> {
    this.deps.store.startNew();
    await this.refresh();
    this.deps.view.post({ type: 'focusInput' });
  }

  /** Stops the answer streaming in the conversation shown; resolves once it has settled. */
  stop(): Promise<void> {
    return this.shown().stop();
  }

  /**
   * Sends a question in the conversation shown, as the chat does; resolves with the finished turn, or 'busy'
   * (nothing sent) when that conversation is still answering.
   */
  async ask(question: string, role: ModelChoice, options: { fromView?: boolean } = {}): Promise<TurnView | 'busy'> {
    const session = this.shown();
    if (session.busy) {
      if (!options.fromView) void this.deps.notifier.info(BUSY_MESSAGE);
      return 'busy';
    }
    // No await between the check and ask(): the session's lock is taken before anything else can run.
    const pending = session.ask({ question, role, surface: 'chat' });
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
    const pending = session.ask({ question: request.label, prompt: request.prompt, role: 'reasoner', surface: 'command', ...(request.token ? { token: request.token } : {}) });
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
      const retried = await session.ask({ question: turn.question, ...(turn.prompt !== undefined ? { prompt: turn.prompt } : {}), role: turn.role, surface: turn.prompt !== undefined ? 'command' : 'chat' });
      if (!retried) this.deps.view.post({ type: 'askRefused', reason: BUSY_MESSAGE });
    }
  }

  private async codeAction(action: 'copy' | 'insert' | 'apply', code: string): Promise<void> {
    if (action === 'copy') {
      await vscode.env.clipboard.writeText(code);
      vscode.window.setStatusBarMessage('$(check) Code copied', 2000);
      return;
    }
    const editor = this.deps.context.editor();
    if (!editor) {
      void this.deps.notifier.warn('DeepSeek: open a file in an editor first.');
      return;
    }
    if (action === 'insert') {
      await editor.edit((b) => b.replace(editor.selection, code));
      return;
    }
    const range = editor.selection.isEmpty ? undefined : new vscode.Range(editor.selection.start, editor.selection.end);
    const outcome = await this.deps.edits.review({ document: editor.document, ...(range ? { range } : {}), newText: code, title: 'DeepSeek: Apply code block' });
    this.deps.logger.info(`apply to file: ${outcome}`);
    if (outcome === 'applied') {
      vscode.window.setStatusBarMessage('$(check) Applied — undo with Ctrl+Z', 4000);
    }
  }

  dispose(): void {
    for (const session of this.sessions.values()) session.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}
