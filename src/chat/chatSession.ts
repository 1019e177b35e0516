import * as vscode from 'vscode';
import type { ChatMessage } from '../api/types';
import type { ApiFailure } from '../core/apiErrors';
import type { BudgetPolicy } from '../core/budget';
import type { Logger } from '../core/logger';
import type { ModelLimits } from '../core/models';
import { formatUsd } from '../core/money';
import { budgetFor } from '../core/prompt/fitBudget';
import { Conversation } from '../core/prompt/conversation';
import { buildPrompt } from '../core/prompt/promptBuilder';
import { PRIMARY_PROVIDER_NAME } from '../core/providers/providerSpec';
import type { ConfigurationService } from '../config/settings';
import type { EngineEvent, ProviderSwitchEvent } from '../engine/engineEvents';
import { isNotSent, type EngineResult, type NotSent, type RequestEngine } from '../engine/requestEngine';
import { providerSwitchNotice, skippedNotice, withProviderSwitch, type ErrorAction, type ModelChoice, type TurnView } from '../webview/protocol';
import type { ContextService } from '../workspace/contextService';
import { collectContext, type CollectOptions } from '../workspace/contextBlocks';
import { newId, type ConversationStore, type StoredConversation, type StoredTurn } from './conversationStore';

/** Deltas are coalesced for this long before crossing to the webview. */
const DELTA_FLUSH_MS = 30;

/** What a session needs from the rest of the extension. */
export interface ChatSessionDeps {
  readonly store: ConversationStore;
  readonly engine: RequestEngine;
  readonly settings: ConfigurationService;
  readonly contextService: ContextService;
  readonly logger: Logger;
  /** Asked near and past the session budget (the modal "Send Anyway" for chat and commands). */
  readonly budget: BudgetPolicy;
  /** The editor and chips the next request takes its context from. */
  readonly contextFor: () => { editor: vscode.TextEditor | undefined; options: CollectOptions };
}

/** What a session tells its owner: a turn started, changed or finished; text streamed into it. */
export interface ChatSessionEvents {
  turn(session: ChatSession, turn: TurnView): void;
  /** `reasoningAt` / `answerAt`: how much of each the view already has, so it can tell a gap from a delta. */
  delta(session: ChatSession, turnId: string, delta: { reasoning: string; answer: string; reasoningAt: number; answerAt: number }): void;
  busy(session: ChatSession, busy: boolean): void;
}

export interface AskRequest {
  /** What the user's turn shows ("Explain `mean` · src/math.ts:5–10", or the question typed). */
  readonly question: string;
  /** What is sent as the user's words, when it differs from what is shown (a command's instruction). */
  readonly prompt?: string;
  readonly role: ModelChoice;
  readonly surface: 'chat' | 'command';
  /** The command that started the turn (Explain, Refactor, …); the turn keeps it, and so do Retry and Regenerate. */
  readonly command?: TurnView['command'];
  readonly token?: vscode.CancellationToken;
}

/** What resend() was asked for: the same question again, or the edited one. */
export type Resend = { readonly kind: 'regenerate' } | { readonly kind: 'edit'; readonly question: string; readonly role: ModelChoice };

/** Why a resend was refused. */
export const NOT_LAST_MESSAGE = 'Only the last question of a chat can be asked again or edited.';

export function toView(turn: StoredTurn): TurnView {
  const { at: _at, prompt: _prompt, committed: _committed, ...view } = turn;
  return view;
}

/** The request that asks a stored turn's question again, as it was asked (a command's instruction and name kept). */
export function askAgain(turn: StoredTurn): AskRequest {
  return {
    question: turn.question,
    ...(turn.prompt !== undefined ? { prompt: turn.prompt } : {}),
    role: turn.role,
    surface: turn.prompt !== undefined || turn.command !== undefined ? 'command' : 'chat',
    ...(turn.command !== undefined ? { command: turn.command } : {}),
  };
}

/** Whether a turn's exchange is in the prompt history. Turns stored before `committed` existed: those with an answer. */
function wasCommitted(turn: StoredTurn): boolean {
  return turn.committed ?? (turn.answer !== '' && turn.status !== 'streaming');
}

/** The title a new conversation takes from its first question. */
function titleFrom(question: string): string {
  return question.replace(/\s+/g, ' ').slice(0, 60);
}

function errorAction(failure: ApiFailure): ErrorAction | undefined {
  if (failure.kind === 'auth') return 'setApiKey';
  if (failure.kind === 'model') return 'openSettings';
  if (failure.kind === 'invalid' || failure.kind === 'balance') return undefined;
  return 'retry';
}

/**
 * One conversation and the answer streaming in it. The session owns its turns and its prompt history in
 * memory and is the only writer of its conversation: a turn is always committed into the conversation it
 * began in, whichever conversation the view shows by then. One answer at a time: the lock is taken before
 * the first await, so a second question while one streams is refused (the caller says why), never sent.
 */
export class ChatSession implements vscode.Disposable {
  private data: StoredConversation;
  private prompt: Conversation | undefined;
  private running: { readonly cancel: vscode.CancellationTokenSource; readonly done: Promise<unknown> } | undefined;

  constructor(
    conversation: StoredConversation,
    private readonly deps: ChatSessionDeps,
    private readonly events: ChatSessionEvents,
  ) {
    this.data = conversation;
  }

  get id(): string {
    return this.data.id;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  /** The conversation as it is now, the streaming turn included. */
  snapshot(): StoredConversation {
    return this.data;
  }

  turn(turnId: string): StoredTurn | undefined {
    return this.data.turns.find((t) => t.id === turnId);
  }

  /**
   * Asks the last turn's question again, or an edited question in its place: the last turn is taken back, from
   * the view and (when it was sent) from the prompt history, so the new request repeats the earlier one's bytes
   * up to its last user message and hits the cache; the new turn replaces it. Refused with the reason when
   * `turnId` is not the last turn or the conversation is still answering (nothing changes then).
   */
  resend(turnId: string, what: Resend, busyMessage: string): { readonly refused: string } | { readonly pending: Promise<TurnView | undefined> } {
    if (this.running) return { refused: busyMessage };
    const last = this.data.turns.at(-1);
    if (!last || last.id !== turnId) return { refused: NOT_LAST_MESSAGE };
    const history = this.promptHistory();
    if (wasCommitted(last) && !history.dropLast()) {
      this.deps.logger.warn(`chat: conversation ${this.data.id} had no sent exchange to take back for its last turn`);
    }
    const request: AskRequest = what.kind === 'regenerate'
      ? askAgain(last)
      : { question: what.question, role: what.role, surface: 'chat' };
    // A title taken from the first question follows its edit.
    const retitle = this.data.turns.length === 1 && this.data.title === titleFrom(last.question);
    this.data = {
      ...this.data,
      ...(retitle ? { title: 'New chat' } : {}),
      turns: this.data.turns.slice(0, -1),
      prompt: history.toJSON(),
    };
    // No await between the check and ask(): the lock is taken before anything else can run; the new turn is
    // saved at once, with the rollback.
    return { pending: this.ask(request) };
  }

  /** A new title (already checked by the store), kept by this session's later writes; its place in the history stays. */
  rename(title: string): void {
    this.data = { ...this.data, title };
    this.deps.store.put(this.data, true);
  }

  /** Stops the answer streaming in this conversation; resolves once the stream has settled and the turn is saved. */
  async stop(): Promise<void> {
    const running = this.running;
    if (!running) return;
    running.cancel.cancel();
    await running.done.catch(() => undefined);
  }

  /**
   * Sends a question as the next turn of this conversation; resolves with the finished turn, or undefined
   * when the conversation is still answering (nothing was sent).
   */
  ask(request: AskRequest): Promise<TurnView | undefined> {
    if (this.running) return Promise.resolve(undefined);
    const cancel = new vscode.CancellationTokenSource();
    const done = this.run(request, cancel);
    this.running = { cancel, done };
    this.events.busy(this, true);
    return done.finally(() => {
      cancel.dispose();
      this.running = undefined;
      this.events.busy(this, false);
    });
  }

  private promptHistory(): Conversation {
    if (!this.prompt) {
      try {
        this.prompt = this.data.prompt ? Conversation.fromJSON(this.data.prompt) : new Conversation();
      } catch {
        this.deps.logger.warn(`chat: the prompt history of conversation ${this.data.id} was unreadable; starting a new prefix (the visible turns stay)`);
        this.prompt = new Conversation();
      }
    }
    return this.prompt;
  }

  /** Replaces (or appends) a turn in this conversation, in memory; `persist` also saves it. */
  private put(turn: StoredTurn, persist: boolean): void {
    const index = this.data.turns.findIndex((t) => t.id === turn.id);
    const turns = index < 0 ? [...this.data.turns, turn] : this.data.turns.map((t, i) => (i === index ? turn : t));
    const title = this.data.turns.length === 0 && index < 0 && this.data.title === 'New chat'
      ? titleFrom(turn.question)
      : this.data.title;
    this.data = { ...this.data, title, turns, updatedAt: Date.now() };
    this.deps.store.put(this.data, persist);
  }

  private async run(request: AskRequest, cancel: vscode.CancellationTokenSource): Promise<TurnView> {
    const outer = request.token?.onCancellationRequested(() => cancel.cancel());
    const { role } = request;
    const use = this.deps.engine.roleModel(role);
    let turn: StoredTurn = {
      id: newId('t'),
      question: request.question,
      ...(request.prompt !== undefined && request.prompt !== request.question ? { prompt: request.prompt } : {}),
      ...(request.command !== undefined ? { command: request.command } : {}),
      role,
      model: use.model,
      reasoning: '',
      answer: '',
      status: 'streaming',
      context: [],
      at: Date.now(),
      committed: false,
    };
    // The turn is shown (and saved) at once, before context is gathered, so the question never vanishes.
    this.put(turn, true);
    this.events.turn(this, toView(turn));

    let pendingReasoning = '';
    let pendingAnswer = '';
    let timer: ReturnType<typeof setTimeout> | undefined;
    let reasoningStartedAt: number | undefined;
    let answerStartedAt: number | undefined;
    /** This request's provider switches so far, in order. */
    const switches: ProviderSwitchEvent[] = [];
    const flush = () => {
      clearTimeout(timer);
      timer = undefined;
      if (!pendingReasoning && !pendingAnswer) return;
      const delta = { reasoning: pendingReasoning, answer: pendingAnswer, reasoningAt: turn.reasoning.length, answerAt: turn.answer.length };
      turn = { ...turn, reasoning: turn.reasoning + pendingReasoning, answer: turn.answer + pendingAnswer };
      pendingReasoning = '';
      pendingAnswer = '';
      this.put(turn, false);
      this.events.delta(this, turn.id, delta);
    };
    try {
      const { editor, options } = this.deps.contextFor();
      const collected = await collectContext(this.deps.contextService, editor, options);
      turn = { ...turn, context: collected.labels };
      this.put(turn, false);
      this.events.turn(this, toView(turn));
      const conversation = this.promptHistory();
      const question = request.prompt ?? request.question;
      // Built for each provider's window (the engine asks): a failover to a smaller window gets its own prompt.
      const build = (limits: ModelLimits) => {
        const built = buildPrompt({
          blocks: collected.blocks,
          question,
          conversation,
          // The user's budget, capped by the model's window; the output reserve by the model's output limit.
          budget: budgetFor(role, this.deps.settings.get('context.maxTokens'), limits),
        });
        return { built, messages: built.messages.map((m): ChatMessage => ({ role: m.role, content: m.content })) };
      };
      if (cancel.token.isCancellationRequested) {
        // Stopped while the context was gathered: nothing went out.
        turn = { ...turn, status: 'stopped' };
        return this.settle(turn);
      }
      const result = await this.deps.engine.chat({
        surface: request.surface,
        role,
        build,
        token: cancel.token,
        budget: this.deps.budget,
        onEvent: (event: EngineEvent) => {
          if (event.type === 'provider') {
            // Everything `from` streamed reaches the turn first, so a mid-answer switch keeps all of it.
            flush();
            switches.push(event);
            turn = withProviderSwitch(turn, switches);
            if (event.midAnswer) {
              // The answer restarts on `to`: its thinking time is measured afresh.
              reasoningStartedAt = undefined;
              answerStartedAt = undefined;
            }
            // Saved at once (what arrived was billed), and the whole turn re-sent: the view's streamed text
            // restarts from empty, and the next delta's offsets count from there.
            this.put(turn, true);
            this.events.turn(this, toView(turn));
            return;
          }
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
      flush();
      if (isNotSent(result)) {
        turn = { ...turn, status: 'error', ...notSentError(result) };
      } else {
        if (result.content !== '') {
          // What the model answered, as it answered (no reasoning): the next prompt repeats these bytes.
          // The history follows the first provider's window (DeepSeek's), so its next prefix repeats what it
          // cached even when a fallback with a smaller window answered this turn.
          const committed = result.firstBuilt ?? result.built;
          if (committed) {
            conversation.commit(committed.built, result.rawContent);
            turn = { ...turn, committed: true };
          }
          this.data = { ...this.data, prompt: conversation.toJSON() };
        }
        turn = finishedTurn(turn, result, reasoningStartedAt, answerStartedAt, switches);
      }
    } catch (err) {
      flush();
      this.deps.logger.error('chat request failed', err);
      turn = { ...turn, status: 'error', error: { message: `Something went wrong: ${err instanceof Error ? err.message : String(err)}`, action: 'retry' } };
    } finally {
      outer?.dispose();
    }
    return this.settle(turn);
  }

  /** Saves the finished turn and shows it. */
  private settle(turn: StoredTurn): TurnView {
    this.put(turn, true);
    const view = toView(turn);
    this.events.turn(this, view);
    return view;
  }

  dispose(): void {
    this.running?.cancel.cancel();
  }
}

function notSentError(result: NotSent): Pick<StoredTurn, 'error'> {
  return result.notSent === 'budget'
    ? { error: { message: 'Not sent: the session budget would be exceeded.', action: 'retry' } }
    : { error: { message: 'Not sent: DeepSeek needs an API key.', action: 'setApiKey' } };
}

function finishedTurn(
  turn: StoredTurn,
  result: EngineResult,
  reasoningStartedAt: number | undefined,
  answerStartedAt: number | undefined,
  seenSwitches: readonly ProviderSwitchEvent[],
): StoredTurn {
  const thoughtMs = reasoningStartedAt !== undefined ? (answerStartedAt ?? Date.now()) - reasoningStartedAt : undefined;
  const record = result.record;
  const provider = result.provider;
  const status: StoredTurn['status'] = result.failure?.kind === 'cancelled' ? 'stopped' : result.failure ? 'error' : 'done';
  // The result's list is the engine's own account; the streamed events are the same switches as they happened.
  const switches = result.switches.length > 0 ? result.switches : seenSwitches;
  const notice = providerSwitchNotice(switches, status === 'done')
    ?? (status === 'done' ? skippedNotice(result.skipped, result.provider) : undefined);
  let finished: StoredTurn = {
    ...turn,
    model: result.model, // the id that answered (a refused id is retried once with its equivalent)
    reasoning: result.reasoning,
    answer: result.content,
    status,
    ...(thoughtMs !== undefined ? { thoughtMs } : {}),
    ...(result.usage?.reasoningTokens ? { reasoningTokens: result.usage.reasoningTokens } : {}),
    ...(notice ? { notice } : {}),
    ...(record
      ? {
          footer: {
            ...(record.provider !== PRIMARY_PROVIDER_NAME ? { provider: record.provider } : {}),
            model: record.model,
            hitTokens: record.hitTokens,
            missTokens: record.missTokens,
            outputTokens: record.outputTokens,
            cost: record.unpriced ? 'unpriced' : formatUsd(record.costUsd),
            estimated: record.estimated,
            ...(record.unpriced ? { unpriced: true as const } : {}),
          },
        }
      : {}),
  };
  if (result.failure && result.failure.kind !== 'cancelled') {
    const action = errorAction(result.failure);
    finished = { ...finished, error: { message: result.failure.message, ...(action ? { action } : {}) } };
  } else if (result.finishReason === 'length') {
    finished = { ...finished, error: { message: 'The answer was cut off at the output token limit.' } };
  } else if (result.finishReason === 'insufficient_system_resource') {
    finished = { ...finished, error: { message: `${provider} stopped early (insufficient system resource).`, action: 'retry' } };
  }
  return finished;
}
