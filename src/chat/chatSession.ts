import * as vscode from 'vscode';
import type { ChatMessage } from '../api/types';
import type { ApiFailure } from '../core/apiErrors';
import type { BudgetPolicy } from '../core/budget';
import type { Logger } from '../core/logger';
import { noVisionMessage, type ModelLimits } from '../core/models';
import { resolveImageParts, type ImageRef } from '../core/prompt/contentParts';
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
import { AttachmentStore, imageRefFor, type AttachmentBytes } from './attachmentStore';
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
  /**
   * Where attached images' bytes are kept (src/chat/attachmentStore.ts over globalStorageUri/attachments), so
   * later requests re-send them. Without it they are kept in memory for this window only.
   */
  readonly attachments?: AttachmentBytes;
}

/** Images' bytes when no store was given: this window only (a reload finds them gone and says so). */
const windowAttachments = new AttachmentStore(undefined);

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
  /**
   * Images already stored to send with the question (Regenerate, Edit and Resend re-send the last turn's);
   * when absent, the images attached in the composer (CollectOptions.images) go.
   */
  readonly images?: readonly ImageRef[];
}

/** What resend() was asked for: the same question again, or the edited one. */
export type Resend = { readonly kind: 'regenerate' } | { readonly kind: 'edit'; readonly question: string; readonly role: ModelChoice };

/** Why a resend was refused. */
export const NOT_LAST_MESSAGE = 'Only the last question of a chat can be asked again or edited.';

export function toView(turn: StoredTurn): TurnView {
  const { at: _at, prompt: _prompt, committed: _committed, images: _images, ...view } = turn;
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
    ...(turn.images && turn.images.length > 0 ? { images: turn.images } : {}),
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
    // The images go again with the question, edited or not: the new request repeats the old one's parts.
    const request: AskRequest = what.kind === 'regenerate'
      ? askAgain(last)
      : { question: what.question, role: what.role, surface: 'chat', ...(last.images && last.images.length > 0 ? { images: last.images } : {}) };
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
      const reused = request.images ?? [];
      const labels = request.images
        ? [...collected.labels.filter((l) => !collected.images.some((i) => l === `${i.name} (image)`)), ...reused.map((i) => `${i.name} (image)`)]
        : collected.labels;
      turn = { ...turn, context: labels };
      this.put(turn, false);
      this.events.turn(this, toView(turn));
      const imageCount = request.images ? reused.length : collected.images.length;
      if (imageCount > 0 && !use.vision) {
        // Not sent: the model would refuse the images (and nothing is stored for a question that cannot go).
        turn = { ...turn, status: 'error', error: { message: noVisionMessage(use.model), action: 'openSettings' } };
        return this.settle(turn);
      }
      const store = this.deps.attachments ?? windowAttachments;
      const images = request.images
        ?? await Promise.all(collected.images.map(async (image) => imageRefFor(image, await store.put(image.data))));
      if (images.length > 0) turn = { ...turn, images };
      const conversation = this.promptHistory();
      const bytes = await this.imageBytes(store, [...conversation.historyImages(), ...images]);
      const question = request.prompt ?? request.question;
      const imageNames = new Map([...conversation.historyImages(), ...images].map((i): [string, string] => [i.sha256, i.name]));
      // Built for each provider's window (the engine asks): a failover to a smaller window gets its own prompt.
      const build = (limits: ModelLimits) => {
        const built = buildPrompt({
          blocks: collected.blocks,
          question,
          conversation,
          // The user's budget, capped by the model's window; the output reserve by the model's output limit.
          budget: budgetFor(role, this.deps.settings.get('context.maxTokens'), limits),
          images,
        });
        const messages = built.messages.map((m): ChatMessage => ({
          role: m.role,
          content: resolveImageParts(m, (ref) => bytes.get(ref.sha256), (ref) => {
            if (conversation.imageLost(ref.sha256)) {
              this.deps.logger.warn(`chat: the bytes of image ${ref.name} (sha256 ${ref.sha256.slice(0, 12)}…) are gone; it is sent as a note instead, which breaks the cached prefix once`);
            }
          }),
        }));
        return { built, messages, ...(imageNames.size > 0 ? { imageNames } : {}) };
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

  /** The bytes of the images a request carries, read from the store once (those gone are left out). */
  private async imageBytes(store: AttachmentBytes, refs: readonly ImageRef[]): Promise<Map<string, Uint8Array>> {
    const bytes = new Map<string, Uint8Array>();
    for (const sha of new Set(refs.map((r) => r.sha256))) {
      const data = await store.get(sha).catch(() => undefined);
      if (data) bytes.set(sha, data);
    }
    return bytes;
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
