import * as vscode from 'vscode';
import type { ChatMessage } from '../api/types';
import type { ApiKeyStore } from '../platform/apiKeyStore';
import { CommandIds } from '../core/commandIds';
import type { ApiFailure } from '../core/apiErrors';
import { describeEndpoint } from '../core/endpoint';
import type { Logger } from '../core/logger';
import { formatUsd } from '../core/money';
import type { ConfigurationService } from '../config/settings';
import { isNotSent, type RequestEngine } from '../engine/requestEngine';
import type { Notifier } from '../platform/notifier';
import type { ProposedEdits } from '../review/proposedEdit';
import type { ChatState, ErrorAction, ModelChoice, TurnView, WebviewMessage } from '../webview/protocol';
import type { ChatContext } from './chatContext';
import { buildPrompt } from '../core/prompt/promptBuilder';
import { budgetFor } from '../core/prompt/fitBudget';
import type { ContextService } from '../workspace/contextService';
import { collectContext } from '../workspace/contextBlocks';
import type { ChatViewHandler, ChatViewProvider } from './chatViewProvider';
import { newId, type ConversationStore, type StoredTurn } from './conversationStore';

const MODEL_KEY = 'deepseek.chat.model';
/** Deltas are coalesced for this long before crossing to the webview. */
const DELTA_FLUSH_MS = 30;

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
}

function toView(turn: StoredTurn): TurnView {
  const { at: _at, ...view } = turn;
  return view;
}

function errorAction(failure: ApiFailure): ErrorAction | undefined {
  if (failure.kind === 'auth') return 'setApiKey';
  if (failure.kind === 'model') return 'openSettings';
  if (failure.kind === 'invalid' || failure.kind === 'balance') return undefined;
  return 'retry';
}

/**
 * The chat: turns the webview's messages into requests through the engine, streams reasoning and answer
 * back (coalesced per ~30 ms), keeps conversations append-only and persisted, and carries out code-block
 * actions (copy, insert, apply as a reviewed diff).
 */
export class ChatController implements ChatViewHandler, vscode.Disposable {
  private running: { turnId: string; cancel: vscode.CancellationTokenSource } | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly deps: ChatControllerDeps) {
    this.subscriptions.push(deps.context.onDidChange(() => deps.view.post({ type: 'chips', chips: deps.context.chips() })));
    if (deps.store.warning) {
      void deps.notifier.warn(deps.store.warning);
    }
  }

  get model(): ModelChoice {
    const saved = this.deps.globalState.get<unknown>(MODEL_KEY);
    return saved === 'reasoner' ? 'reasoner' : 'chat';
  }

  async state(): Promise<ChatState> {
    const key = await this.deps.keyStore.resolve();
    const endpoint = describeEndpoint(this.deps.settings.get('baseUrl'));
    const conversation = this.deps.store.active();
    return {
      conversationId: conversation.id,
      turns: conversation.turns.map(toView),
      model: this.model,
      chips: this.deps.context.chips(),
      keySource: key.source,
      endpointLabel: endpoint.label,
      simulated: endpoint.kind === 'local',
      conversations: this.deps.store.list().map((c) => ({ id: c.id, title: c.title, updatedAt: c.updatedAt, turns: c.turns.length })),
    };
  }

  async refresh(): Promise<void> {
    this.deps.view.post({ type: 'state', state: await this.state() });
  }

  async onMessage(message: WebviewMessage): Promise<void> {
    switch (message.type) {
      case 'ready':
        return this.refresh();
      case 'ask':
        await this.ask(message.text, message.model);
        return;
      case 'stop':
        this.stop();
        return;
      case 'newChat':
        return this.newChat();
      case 'openConversation':
        this.stop();
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

  async newChat(): Promise<void> {
    this.stop();
    this.deps.store.startNew();
    await this.refresh();
    this.deps.view.post({ type: 'focusInput' });
  }

  stop(): void {
    this.running?.cancel.cancel();
  }

  /** Sends a question as the chat does; resolves with the finished turn (undefined if one is still running). */
  async ask(question: string, role: ModelChoice, options: { surface?: 'chat' | 'command'; token?: vscode.CancellationToken } = {}): Promise<TurnView | undefined> {
    if (this.running) {
      void this.deps.notifier.info('DeepSeek is still answering. Stop it first, or wait.');
      return undefined;
    }
    if ((options.surface ?? 'chat') === 'chat') await this.deps.globalState.update(MODEL_KEY, role);
    const collected = await collectContext(this.deps.contextService, this.deps.context.editor(), {
      includeCurrentFile: this.deps.context.includesCurrentFile(),
      includeSelection: this.deps.context.includesSelection(),
      pinned: this.deps.context.pinnedUris(),
    });
    const conversation = this.deps.store.promptConversation();
    const built = buildPrompt({
      blocks: collected.blocks,
      question,
      conversation,
      budget: budgetFor(role, this.deps.settings.get('context.maxTokens')),
    });
    const messages: ChatMessage[] = built.messages.map((m) => ({ role: m.role, content: m.content }));
    let turn: StoredTurn = {
      id: newId('t'),
      question,
      role,
      model: this.deps.engine.modelFor(role),
      reasoning: '',
      answer: '',
      status: 'streaming',
      context: collected.labels,
      at: Date.now(),
    };
    this.deps.store.putTurn(turn);
    this.deps.view.post({ type: 'turn', turn: toView(turn) });

    const cancel = new vscode.CancellationTokenSource();
    const outer = options.token?.onCancellationRequested(() => cancel.cancel());
    this.running = { turnId: turn.id, cancel };
    let pendingReasoning = '';
    let pendingAnswer = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reasoningStartedAt: number | undefined;
    let answerStartedAt: number | undefined;
    const flush = () => {
      timer = undefined;
      if (pendingReasoning || pendingAnswer) {
        this.deps.view.post({ type: 'delta', turnId: turn.id, reasoning: pendingReasoning, answer: pendingAnswer });
        turn = { ...turn, reasoning: turn.reasoning + pendingReasoning, answer: turn.answer + pendingAnswer };
        pendingReasoning = '';
        pendingAnswer = '';
      }
    };
    try {
      const result = await this.deps.engine.chat({
        surface: options.surface ?? 'chat',
        role,
        messages,
        token: cancel.token,
        onEvent: (event) => {
          if (event.type === 'reasoning') {
            reasoningStartedAt ??= Date.now();
            pendingReasoning += event.text;
          } else {
            answerStartedAt ??= Date.now();
            pendingAnswer += event.text;
          }
          timer ??= setTimeout(flush, DELTA_FLUSH_MS);
        },
      });
      clearTimeout(timer);
      flush();
      if (isNotSent(result)) {
        turn = {
          ...turn,
          status: 'error',
          error: result.notSent === 'budget'
            ? { message: 'Not sent: the session budget would be exceeded.', action: 'retry' }
            : { message: 'Not sent: DeepSeek needs an API key.', action: 'setApiKey' },
        };
      } else {
        if (result.content !== '') {
          // What the model answered, as it answered (no reasoning): the next prompt repeats these bytes.
          conversation.commit(built, result.rawContent);
          this.deps.store.setPromptState(conversation.toJSON());
        }
        const thoughtMs = reasoningStartedAt !== undefined ? (answerStartedAt ?? Date.now()) - reasoningStartedAt : undefined;
        const record = result.record;
        turn = {
          ...turn,
          reasoning: result.reasoning,
          answer: result.content,
          status: result.failure?.kind === 'cancelled' ? 'stopped' : result.failure ? 'error' : 'done',
          ...(thoughtMs !== undefined ? { thoughtMs } : {}),
          ...(result.usage?.reasoningTokens ? { reasoningTokens: result.usage.reasoningTokens } : {}),
          ...(record
            ? {
                footer: {
                  model: record.model,
                  hitTokens: record.hitTokens,
                  missTokens: record.missTokens,
                  outputTokens: record.outputTokens,
                  cost: formatUsd(record.costUsd),
                  estimated: record.estimated,
                },
              }
            : {}),
        };
        if (result.failure && result.failure.kind !== 'cancelled') {
          const action = errorAction(result.failure);
          turn = { ...turn, error: { message: result.failure.message, ...(action ? { action } : {}) } };
        } else if (result.finishReason === 'length') {
          turn = { ...turn, error: { message: 'The answer was cut off at the output token limit.' } };
        } else if (result.finishReason === 'insufficient_system_resource') {
          turn = { ...turn, error: { message: 'DeepSeek stopped early (insufficient system resource).', action: 'retry' } };
        }
      }
    } catch (err) {
      clearTimeout(timer);
      flush();
      this.deps.logger.error('chat request failed', err);
      turn = { ...turn, status: 'error', error: { message: `Something went wrong: ${err instanceof Error ? err.message : String(err)}`, action: 'retry' } };
    } finally {
      outer?.dispose();
      cancel.dispose();
      this.running = undefined;
    }
    this.deps.store.putTurn(turn);
    this.deps.view.post({ type: 'turn', turn: toView(turn) });
    return toView(turn);
  }

  private async errorAction(action: ErrorAction, turnId: string): Promise<void> {
    if (action === 'setApiKey') {
      await vscode.commands.executeCommand(CommandIds.setApiKey);
      await this.refresh();
    } else if (action === 'openSettings') {
      await vscode.commands.executeCommand('workbench.action.openSettings', 'deepseek.models');
    } else {
      const turn = this.deps.store.active().turns.find((t) => t.id === turnId);
      if (turn) await this.ask(turn.question, turn.role);
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
    this.stop();
    for (const s of this.subscriptions) s.dispose();
  }
}
