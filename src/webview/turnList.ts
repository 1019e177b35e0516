import { el, post } from './dom';
import { icon, type IconName } from './icons';
import { CODE_ACTION_ICONS, type CodeBlock } from './markdown';
import { footerLine, interruptedSummary, type CodeAction, type InterruptedSegment, type ModelChoice, type TurnView } from './protocol';
import { StreamingMarkdown } from './streamingMarkdown';
import { answeredBy, finishedAnnouncement, reasoningSummary, stoppedLine } from './turnText';

/** How long a button shows its confirmation ("Copied") before it reads as before. */
const CONFIRM_MS = 2_000;
/** Within this many pixels of the end the conversation counts as read to the end, and follows new text. */
const FOLLOW_SLACK_PX = 48;

interface TurnEntry {
  view: TurnView;
  node: HTMLElement;
  answer: StreamingMarkdown;
  answerRegion: HTMLElement;
  question: HTMLElement;
  questionText: HTMLElement;
  /** The reasoning as one text node, appended to as it streams. */
  reasoningText: Text;
  reasoningBox: HTMLDetailsElement;
  summary: HTMLElement;
  /** Holds the interrupted segments, oldest first; appended to, so a segment the user opened stays open. */
  interruptedList: HTMLElement;
  /** The provider-switch notice line. */
  noticeLine: HTMLElement;
  errorBox: HTMLElement;
  footer: HTMLElement;
  who: HTMLElement;
  model: HTMLElement;
  actions: HTMLElement;
  copyButton: HTMLButtonElement;
  regenerateButton: HTMLButtonElement;
  editButton: HTMLButtonElement;
  actionMessage: HTMLElement;
  /**
   * When this page saw the reasoning start (performance.now()), to say how long it thought before the host's
   * figure arrives; undefined when it did not see the start (the turn was shown mid-stream).
   */
  reasoningShownAt?: number;
  /** The thinking time measured on this page: from reasoningShownAt to the answer's first text. */
  measuredThoughtMs?: number;
  /** The question is being edited in place. */
  editor?: HTMLTextAreaElement;
}

/** Stored turns are the host's, but a turn saved by an older or damaged build must not break the render. */
function interruptedOf(view: TurnView): InterruptedSegment[] {
  if (!Array.isArray(view.interrupted)) return [];
  return view.interrupted.filter((s): s is InterruptedSegment =>
    typeof s === 'object' && s !== null && typeof s.provider === 'string' && typeof s.reasoning === 'string' &&
    typeof s.answer === 'string' && typeof s.why === 'string');
}

/**
 * One interrupted segment: a muted, labelled block, kept as it arrived (plain text: it is never Markdown with
 * code-block actions, so nothing in it can be applied by mistake), collapsed. Not a live region: it holds text
 * that already arrived; the notice line says what happened.
 */
function interruptedBlock(segment: InterruptedSegment): HTMLElement {
  const block = el('section', { class: 'interrupted', 'aria-label': `Interrupted: ${segment.provider}`, 'aria-live': 'off' });
  const label = el('div', { class: 'interrupted-label' });
  label.append(el('span', { class: 'interrupted-title' }, `Interrupted — ${segment.provider}`), document.createTextNode(`, kept as it arrived (${segment.why})`));
  const details = el('details', { class: 'interrupted-details' });
  details.append(el('summary', {}, interruptedSummary(segment)));
  if (segment.reasoning !== '') details.append(el('div', { class: 'interrupted-reasoning' }, segment.reasoning));
  if (segment.answer !== '') details.append(el('div', { class: 'interrupted-answer' }, segment.answer));
  block.append(label, details);
  return block;
}

function iconButton(name: string, iconName: IconName, className: string): HTMLButtonElement {
  const button = el('button', { type: 'button', class: `icon-button ${className}`, 'aria-label': name, title: name });
  button.append(icon(iconName));
  return button;
}

/**
 * A button confirms in place: a check and the word for `confirmMs`, then it reads as before. Its accessible
 * name says the same meanwhile.
 */
function confirmInPlace(button: HTMLButtonElement, word: string, restoreIcon: IconName): void {
  const name = button.dataset.name ?? button.getAttribute('aria-label') ?? '';
  button.dataset.name = name;
  clearTimeout(Number(button.dataset.confirmTimer));
  button.replaceChildren(icon('check'), el('span', { class: 'confirm-word' }, word));
  button.classList.add('confirmed');
  button.setAttribute('aria-label', word);
  button.dataset.confirmTimer = String(setTimeout(() => {
    button.replaceChildren(icon(restoreIcon));
    button.classList.remove('confirmed');
    button.setAttribute('aria-label', name);
    delete button.dataset.confirmTimer;
  }, CONFIRM_MS));
}

/**
 * Shows a question: as typed, or for a command's turn its label, whose `name` spans (the function acted on) show
 * as code. Text only: nothing in it is parsed as HTML.
 */
function showQuestion(target: HTMLElement, view: TurnView): void {
  if (!view.command) {
    target.textContent = view.question;
    return;
  }
  target.replaceChildren(...view.question.split(/(`[^`\n]+`)/).filter((part) => part !== '').map((part) =>
    /^`[^`]+`$/.test(part) ? el('code', {}, part.slice(1, -1)) : document.createTextNode(part)));
}

/**
 * The model the composer's picker has chosen now, read from the page (the composer owns the picker: its menu's
 * checked role item, or a `select` labelled Model); the turn's own role when neither can be read.
 */
function pickedModel(fallback: ModelChoice): ModelChoice {
  const checked = document.querySelector('[role="menuitemradio"][aria-checked="true"][id^="model-"]')?.id.slice('model-'.length);
  const value = checked ?? (document.querySelector('select[aria-label="Model"]') as HTMLSelectElement | null)?.value;
  return value === 'chat' || value === 'reasoner' ? value : fallback;
}

/** A page action waiting for the host's actionResult. */
type PendingAction =
  | { readonly kind: 'code'; readonly action: CodeAction; readonly button: HTMLButtonElement }
  | { readonly kind: 'answer'; readonly turnId: string; readonly button: HTMLButtonElement };

/**
 * The conversation's turns as the page shows them: created from the host's state, updated from its `turn`
 * messages, streamed into from its deltas. `onChange` runs after anything that may change whether a turn
 * is streaming.
 *
 * Screen readers: nothing around streamed text is a live region (every token would be read, twice); one
 * visually hidden status region says once that an answer finished, stopped or failed, and what an action did.
 */
export class TurnList {
  private readonly turns = new Map<string, TurnEntry>();
  /** The reader is at the end of the conversation: new text keeps it there. Scrolling up stops that. */
  private following = true;
  private lastScrollTop = 0;
  /**
   * Keeps the end in view while the reader follows: called after layout whenever a turn (or the view) changes
   * size, so it sees the sizes the browser settled on (a committed segment first laid out at its placeholder
   * size, then at its own), and costs no layout of its own.
   */
  private readonly resizes = new ResizeObserver(() => {
    if (this.following) this.container.scrollTop = this.container.scrollHeight;
  });
  private readonly status = el('div', { class: 'turn-status', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  private nextRequestId = 1;
  private readonly pending = new Map<number, PendingAction>();
  /**
   * The last turn, asked again or edited: the host's next new turn with this question replaces it (the host
   * replaces the turn; until it says so, the old one stays shown).
   */
  private replacing: { readonly turnId: string; readonly question: string } | undefined;

  constructor(
    private readonly container: HTMLElement,
    private readonly onChange: () => void,
  ) {
    document.body.append(this.status);
    container.addEventListener('scroll', () => {
      const top = container.scrollTop;
      if (container.scrollHeight - top - container.clientHeight <= FOLLOW_SLACK_PX) this.following = true;
      else if (top < this.lastScrollTop) this.following = false; // the reader scrolled up (content growing below never does this)
      this.lastScrollTop = top;
    }, { passive: true });
    this.resizes.observe(container);
  }

  /** Shows these turns instead of what is shown (`placeholder` when there are none). */
  render(views: readonly TurnView[], placeholder: HTMLElement): void {
    const wasStreaming = new Set([...this.turns.values()].filter((t) => t.view.status === 'streaming').map((t) => t.view.id));
    for (const entry of this.turns.values()) this.resizes.unobserve(entry.node);
    this.turns.clear();
    this.replacing = undefined;
    this.container.replaceChildren();
    if (views.length === 0) this.container.append(placeholder);
    for (const view of views) this.create(view);
    this.markLast();
    // An answer that finished while this page was out of step is still announced, once.
    const finished = views.filter((v) => wasStreaming.has(v.id) && v.status !== 'streaming').at(-1);
    if (finished) this.announce(finishedAnnouncement(finished));
    this.scrollToEnd();
  }

  streaming(): boolean {
    return [...this.turns.values()].some((t) => t.view.status === 'streaming');
  }

  /** The code block behind a code-block button inside this list. */
  codeBlock(button: HTMLElement): CodeBlock | undefined {
    const turnNode = button.closest('[data-turn]') as HTMLElement | null;
    const entry = turnNode ? this.turns.get(turnNode.dataset.turn ?? '') : undefined;
    return entry?.answer.block(Number(button.dataset.block));
  }

  /** A code-block button was pressed: asks the host, which answers with an actionResult for the request. */
  codeAction(button: HTMLButtonElement): void {
    const block = this.codeBlock(button);
    const action = button.dataset.codeAction;
    if (!block || (action !== 'copy' && action !== 'insert' && action !== 'apply')) return;
    const requestId = this.track({ kind: 'code', action, button });
    post({ type: 'codeAction', action, code: block.code, language: block.language, requestId });
  }

  /** The host's answer to a code-block or answer action: Copy confirms in place, a failure says why beside it. */
  actionResult(requestId: number, ok: boolean, message: string | undefined): void {
    const pending = this.pending.get(requestId);
    if (!pending) return;
    this.pending.delete(requestId);
    const { button } = pending;
    if (pending.kind === 'code') {
      const block = button.closest('.code-block');
      block?.querySelector(':scope > .code-message')?.remove();
      if (ok) {
        if (pending.action === 'copy') {
          confirmInPlace(button, 'Copied', CODE_ACTION_ICONS.copy);
          this.announce('Code copied to the clipboard.');
        }
        return;
      }
      const why = message ?? (pending.action === 'copy' ? 'Could not copy the code.' : pending.action === 'insert' ? 'Could not insert the code.' : 'Could not apply the code.');
      block?.append(el('div', { class: 'code-message' }, why));
      this.announce(why);
      return;
    }
    const entry = this.turns.get(pending.turnId);
    if (ok) {
      confirmInPlace(button, 'Copied', 'copy');
      if (entry) entry.actionMessage.hidden = true;
      this.announce('Answer copied to the clipboard.');
      return;
    }
    const why = message ?? 'Could not copy the answer.';
    if (entry) {
      entry.actionMessage.textContent = why;
      entry.actionMessage.hidden = false;
    }
    this.announce(why);
  }

  update(view: TurnView): void {
    const entry = this.turns.get(view.id);
    if (!entry) {
      const replaced = this.replacedBy(view);
      if (replaced) {
        // The host replaced the last turn (regenerate, edit and resend): the new one takes its place.
        this.turns.delete(replaced.view.id);
        this.resizes.unobserve(replaced.node);
        replaced.node.replaceWith(this.create(view, false));
      } else {
        this.create(view);
      }
      this.markLast();
      this.onChange();
      this.scrollToEnd(); // a new question: back to the end
      return;
    }
    if (this.replacing?.turnId === view.id && view.status === 'streaming') this.replacing = undefined; // replaced under the same id
    const wasStreaming = entry.view.status === 'streaming';
    if (!view.reasoning.startsWith(entry.view.reasoning) || !view.answer.startsWith(entry.answer.value)) {
      // What is shown is not a prefix of the host's turn: render the turn again from the host's copy.
      const fresh = this.create(view, false, entry);
      this.resizes.unobserve(entry.node);
      entry.node.replaceWith(fresh);
      this.markLast();
      if (wasStreaming && view.status !== 'streaming') this.announce(finishedAnnouncement(view));
      this.onChange();
      return;
    }
    if (view.reasoning.length > entry.view.reasoning.length) this.appendReasoning(entry, view.reasoning.slice(entry.view.reasoning.length));
    if (view.answer.length > entry.answer.value.length) {
      this.answerArrived(entry);
      entry.answer.append(view.answer.slice(entry.answer.value.length));
    }
    entry.view = view;
    if (wasStreaming && view.status !== 'streaming') {
      entry.answer.finish();
      entry.reasoningBox.open = false;
      this.announce(finishedAnnouncement(view));
    }
    this.renderChrome(entry);
    this.onChange();
  }

  /** Text streamed into a turn; false when this page missed part of the stream (the caller asks for a resync). */
  delta(turnId: string, reasoning: string, answer: string, reasoningAt: number, answerAt: number): boolean {
    const entry = this.turns.get(turnId);
    if (!entry || entry.view.reasoning.length !== reasoningAt || entry.answer.value.length !== answerAt) return false;
    if (reasoning) {
      this.appendReasoning(entry, reasoning);
      entry.view = { ...entry.view, reasoning: entry.view.reasoning + reasoning };
    }
    if (answer) {
      if (!entry.view.answer) {
        this.answerArrived(entry);
        entry.view = { ...entry.view, answer };
        entry.summary.textContent = reasoningSummary(entry.view, entry.measuredThoughtMs);
      } else {
        entry.view = { ...entry.view, answer: entry.view.answer + answer };
      }
      entry.answer.append(answer);
    }
    return true;
  }

  /** Shows the end of the conversation and keeps it in view as it grows, until the reader scrolls up. */
  scrollToEnd(): void {
    this.following = true;
    this.container.scrollTop = this.container.scrollHeight;
  }

  private announce(text: string): void {
    // One announcement at a time: the region holds only the latest (a new node, so a repeat is read again).
    this.status.replaceChildren(el('div', {}, text));
  }

  private track(action: PendingAction): number {
    const requestId = this.nextRequestId++;
    this.pending.set(requestId, action);
    // A host that never answers must not make this grow without end.
    if (this.pending.size > 100) this.pending.delete(this.pending.keys().next().value as number);
    return requestId;
  }

  /** The entry a new turn from the host replaces: the last turn, when it was asked again or edited. */
  private replacedBy(view: TurnView): TurnEntry | undefined {
    const replacing = this.replacing;
    if (!replacing) return undefined;
    this.replacing = undefined;
    const entry = this.turns.get(replacing.turnId);
    const last = [...this.turns.values()].at(-1);
    return entry && entry === last && view.question === replacing.question ? entry : undefined;
  }

  private appendReasoning(entry: TurnEntry, text: string): void {
    if (entry.view.status === 'streaming' && entry.view.reasoning === '' && entry.reasoningShownAt === undefined) {
      entry.reasoningShownAt = performance.now();
    }
    entry.reasoningText.appendData(text);
    if (entry.reasoningBox.hidden) entry.reasoningBox.hidden = false;
  }

  /** The answer's first text is arriving: the thinking time is known from here. */
  private answerArrived(entry: TurnEntry): void {
    if (entry.view.answer === '' && entry.reasoningShownAt !== undefined && entry.measuredThoughtMs === undefined) {
      entry.measuredThoughtMs = performance.now() - entry.reasoningShownAt;
    }
  }

  /** Only the last turn can be asked again or edited. */
  private markLast(): void {
    const last = [...this.turns.values()].at(-1);
    for (const entry of this.turns.values()) {
      const isLast = entry === last;
      if (entry.node.classList.contains('last') !== isLast) {
        entry.node.classList.toggle('last', isLast);
        if (!isLast) this.closeEditor(entry);
        this.renderActions(entry);
      }
    }
  }

  private renderInterrupted(entry: TurnEntry): void {
    const segments = interruptedOf(entry.view);
    const shown = entry.interruptedList.children.length;
    if (segments.length < shown) entry.interruptedList.replaceChildren();
    for (const segment of segments.slice(entry.interruptedList.children.length)) entry.interruptedList.append(interruptedBlock(segment));
    entry.interruptedList.hidden = segments.length === 0;
    const notice = typeof entry.view.notice === 'string' ? entry.view.notice : '';
    if (entry.noticeLine.textContent !== notice) entry.noticeLine.textContent = notice;
    entry.noticeLine.hidden = notice === '';
  }

  /** The answer's actions: hidden while it streams; Regenerate and Edit on the last turn only. */
  private renderActions(entry: TurnEntry): void {
    const { view, node } = entry;
    const settled = view.status !== 'streaming';
    const isLast = node.classList.contains('last');
    entry.copyButton.hidden = !settled || view.answer.trim() === '';
    entry.regenerateButton.hidden = !settled || !isLast;
    entry.actions.hidden = entry.copyButton.hidden && entry.regenerateButton.hidden;
    // A command's label is not a question to edit; a command is asked again with Regenerate.
    entry.editButton.hidden = !settled || !isLast || view.command !== undefined || entry.editor !== undefined;
  }

  private renderChrome(entry: TurnEntry): void {
    const { view, node, question } = entry;
    node.dataset.status = view.status;
    // The context is known once the host has gathered it, after the turn first shows.
    let contextUsed = question.querySelector('.context-used');
    if (view.context.length && !contextUsed) contextUsed = question.appendChild(el('div', { class: 'context-used' }));
    if (contextUsed) contextUsed.textContent = view.context.length ? `Context: ${view.context.join(', ')}` : '';
    if (view.question !== entry.questionText.dataset.question) {
      showQuestion(entry.questionText, view);
      entry.questionText.dataset.question = view.question;
    }
    entry.reasoningBox.hidden = view.reasoning === '' && !(view.role === 'reasoner' && view.status === 'streaming');
    entry.summary.textContent = reasoningSummary(view, entry.measuredThoughtMs);
    entry.who.textContent = answeredBy(view);
    entry.model.textContent = view.footer?.model ?? view.model;
    entry.answerRegion.setAttribute('aria-busy', view.status === 'streaming' ? 'true' : 'false');
    const errorBox = entry.errorBox;
    errorBox.replaceChildren();
    errorBox.hidden = true;
    if (view.status === 'stopped') {
      errorBox.hidden = false;
      errorBox.append(el('span', {}, stoppedLine(view.answer)));
    }
    if (view.error) {
      errorBox.hidden = false;
      errorBox.append(el('span', {}, view.error.message));
      if (view.error.action) {
        const labels = { setApiKey: 'Set API Key', retry: 'Retry', openSettings: 'Open Settings' } as const;
        const action = view.error.action;
        const button = el('button', { type: 'button' }, labels[action]);
        button.addEventListener('click', () => post({ type: 'errorAction', action, turnId: view.id }));
        errorBox.append(button);
      }
    }
    this.renderInterrupted(entry);
    const footer = view.footer ? footerLine(view.footer) : '';
    if (entry.footer.textContent !== footer) entry.footer.textContent = footer;
    this.renderActions(entry);
  }

  // ---------- answer actions ----------
  private copyAnswer(entry: TurnEntry): void {
    const requestId = this.track({ kind: 'answer', turnId: entry.view.id, button: entry.copyButton });
    post({ type: 'copyAnswer', turnId: entry.view.id, requestId });
  }

  private regenerate(entry: TurnEntry): void {
    this.replacing = { turnId: entry.view.id, question: entry.view.question };
    post({ type: 'regenerate', turnId: entry.view.id });
  }

  private openEditor(entry: TurnEntry): void {
    if (entry.editor) return;
    const editor = el('textarea', { class: 'question-editor', 'aria-label': 'Edited question (Enter sends, Escape cancels)', rows: '2' });
    editor.value = entry.view.question;
    const hint = el('div', { class: 'question-editor-hint' }, 'Enter to send · Escape to cancel');
    editor.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        const text = editor.value.trim();
        if (text === '') return;
        // The question shows as it was until the host's new turn replaces this one (a refused edit changes nothing
        // here; the composer gets the text back with the reason).
        this.closeEditor(entry);
        this.replacing = { turnId: entry.view.id, question: text };
        post({ type: 'editLast', turnId: entry.view.id, text, model: pickedModel(entry.view.role) });
      } else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        this.closeEditor(entry);
        entry.editButton.focus();
      }
    });
    entry.editor = editor;
    entry.questionText.hidden = true;
    entry.questionText.after(editor, hint);
    this.renderActions(entry);
    editor.focus();
    editor.setSelectionRange(editor.value.length, editor.value.length);
  }

  private closeEditor(entry: TurnEntry): void {
    const editor = entry.editor;
    if (!editor) return;
    entry.editor = undefined;
    editor.nextElementSibling?.remove(); // the hint
    editor.remove();
    entry.questionText.hidden = false;
    this.renderActions(entry);
  }

  /**
   * Builds a turn's node and registers it; appended at the end unless `append` is false. `previous` is the
   * entry this one re-renders (its thinking-time measurement is kept).
   */
  private create(view: TurnView, append = true, previous?: TurnEntry): HTMLElement {
    const node = el('article', { class: 'turn', 'data-turn': view.id });

    // The user's turn: a quiet block headed "You" (with the command's badge for a command's turn).
    const question = el('div', { class: view.command ? 'question command' : 'question' });
    const questionHead = el('div', { class: 'turn-head' });
    questionHead.append(el('span', { class: 'who' }, 'You'));
    if (view.command) {
      const badge = el('span', { class: 'command-badge', title: `The /${view.command} command` });
      badge.append(icon('command'), document.createTextNode(`/${view.command}`));
      questionHead.append(badge);
    }
    const editButton = iconButton('Edit question', 'edit', 'edit-question');
    questionHead.append(el('span', { class: 'turn-head-fill' }), editButton);
    const questionText = el('div', { class: 'question-text', 'data-question': view.question });
    showQuestion(questionText, view);
    question.append(questionHead, questionText);

    // DeepSeek's turn: headed by who answered and the model, then what streamed, the answer, its actions.
    const response = el('div', { class: 'response' });
    const responseHead = el('div', { class: 'turn-head response-head' });
    const avatar = el('span', { class: 'avatar' });
    avatar.append(icon('spark'));
    const who = el('span', { class: 'who' });
    const model = el('span', { class: 'model' });
    responseHead.append(avatar, who, model);
    const reasoningBox = el('details', { class: 'reasoning', role: 'region', 'aria-label': 'Reasoning' });
    const summary = el('summary');
    const reasoningBody = el('div', { class: 'reasoning-text' });
    const reasoningText = document.createTextNode(view.reasoning);
    reasoningBody.append(reasoningText);
    reasoningBox.append(summary, reasoningBody);
    reasoningBox.open = view.status === 'streaming';
    // Not a live region: the status region announces the finished answer once.
    const answerRegion = el('div', { class: 'answer', role: 'region', 'aria-label': 'Answer' });
    const errorBox = el('div', { class: 'error', hidden: '' });
    // Above the answer: what providers that stopped mid-answer streamed, then the line saying who answers.
    const interruptedList = el('div', { class: 'interrupted-list', hidden: '' });
    const noticeLine = el('div', { class: 'turn-notice', role: 'status', hidden: '' });
    const bottom = el('div', { class: 'turn-bottom' });
    const footer = el('footer', { class: 'turn-footer' });
    const actions = el('div', { class: 'turn-actions', role: 'group', 'aria-label': 'Answer actions' });
    const copyButton = iconButton('Copy answer', 'copy', 'copy-answer');
    const regenerateButton = iconButton('Regenerate', 'regenerate', 'regenerate');
    actions.append(copyButton, regenerateButton);
    bottom.append(footer, actions);
    const actionMessage = el('div', { class: 'turn-action-message', hidden: '' });
    response.append(responseHead, interruptedList, noticeLine, reasoningBox, answerRegion, errorBox, bottom, actionMessage);

    node.append(question, response);
    const answer = new StreamingMarkdown(answerRegion);
    const entry: TurnEntry = {
      view, node, answer, answerRegion, question, questionText, reasoningText, reasoningBox, summary, interruptedList,
      noticeLine, errorBox, footer, who, model, actions, copyButton, regenerateButton, editButton, actionMessage,
    };
    if (previous && view.answer !== '' && previous.measuredThoughtMs !== undefined) entry.measuredThoughtMs = previous.measuredThoughtMs;
    this.turns.set(view.id, entry);
    copyButton.addEventListener('click', () => this.copyAnswer(entry));
    regenerateButton.addEventListener('click', () => this.regenerate(entry));
    editButton.addEventListener('click', () => this.openEditor(entry));
    answer.append(view.answer);
    if (view.status === 'streaming') answer.flush();
    else answer.finish();
    this.renderChrome(entry);
    if (append) this.container.append(node);
    this.resizes.observe(node);
    return node;
  }
}
