import { el, post } from './dom';
import type { CodeBlock } from './markdown';
import { footerLine, interruptedSummary, type InterruptedSegment, type TurnView } from './protocol';
import { StreamingMarkdown } from './streamingMarkdown';

interface TurnEntry {
  view: TurnView;
  node: HTMLElement;
  answer: StreamingMarkdown;
  reasoningText: HTMLElement;
  reasoningBox: HTMLDetailsElement;
  summary: HTMLElement;
  /** Holds the interrupted segments, oldest first; appended to, so a segment the user opened stays open. */
  interruptedList: HTMLElement;
  /** The provider-switch notice line. */
  noticeLine: HTMLElement;
}

function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

function reasoningSummary(view: TurnView): string {
  if (view.status === 'streaming' && !view.answer) return 'Thinking…';
  const parts = [`Thought for ${formatSeconds(view.thoughtMs ?? 0)}`];
  if (view.reasoningTokens) parts.push(`${view.reasoningTokens.toLocaleString('en-US')} tokens`);
  return parts.join(' · ');
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

/**
 * The conversation's turns as the page shows them: created from the host's state, updated from its `turn`
 * messages, streamed into from its deltas. `onChange` runs after anything that may change whether a turn
 * is streaming.
 */
export class TurnList {
  private readonly turns = new Map<string, TurnEntry>();
  private pendingScroll = false;

  constructor(
    private readonly container: HTMLElement,
    private readonly onChange: () => void,
  ) {}

  /** Shows these turns instead of what is shown (`placeholder` when there are none). */
  render(views: readonly TurnView[], placeholder: HTMLElement): void {
    this.turns.clear();
    this.container.replaceChildren();
    if (views.length === 0) this.container.append(placeholder);
    for (const view of views) this.create(view);
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

  update(view: TurnView): void {
    const entry = this.turns.get(view.id);
    if (!entry) {
      this.create(view);
      this.onChange();
      this.scrollToEnd();
      return;
    }
    const shownReasoning = entry.reasoningText.textContent ?? '';
    if (!view.reasoning.startsWith(shownReasoning) || !view.answer.startsWith(entry.answer.value)) {
      // What is shown is not a prefix of the host's turn: render the turn again from the host's copy.
      const old = entry.node;
      const fresh = this.create(view, false);
      old.replaceWith(fresh);
      this.onChange();
      return;
    }
    const wasStreaming = entry.view.status === 'streaming';
    if (view.reasoning.length > shownReasoning.length) entry.reasoningText.append(view.reasoning.slice(shownReasoning.length));
    if (view.answer.length > entry.answer.value.length) entry.answer.append(view.answer.slice(entry.answer.value.length));
    entry.view = view;
    if (wasStreaming && view.status !== 'streaming') {
      entry.answer.finish();
      entry.reasoningBox.open = false;
    }
    this.renderChrome(entry);
    this.onChange();
  }

  /** Text streamed into a turn; false when this page missed part of the stream (the caller asks for a resync). */
  delta(turnId: string, reasoning: string, answer: string, reasoningAt: number, answerAt: number): boolean {
    const entry = this.turns.get(turnId);
    if (!entry || (entry.reasoningText.textContent ?? '').length !== reasoningAt || entry.answer.value.length !== answerAt) return false;
    if (reasoning) {
      entry.reasoningText.append(reasoning);
      entry.view = { ...entry.view, reasoning: entry.view.reasoning + reasoning };
    }
    if (answer) {
      if (!entry.view.answer) {
        entry.view = { ...entry.view, answer };
        entry.summary.textContent = reasoningSummary(entry.view);
      } else {
        entry.view = { ...entry.view, answer: entry.view.answer + answer };
      }
      entry.answer.append(answer);
    }
    this.scrollToEnd();
    return true;
  }

  scrollToEnd(): void {
    if (this.pendingScroll) return;
    this.pendingScroll = true;
    requestAnimationFrame(() => {
      this.pendingScroll = false;
      this.container.scrollTop = this.container.scrollHeight;
    });
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

  private renderChrome(entry: TurnEntry): void {
    const { view, node } = entry;
    node.dataset.status = view.status;
    // The context is known once the host has gathered it, after the turn first shows.
    const question = node.querySelector('.question') as HTMLElement;
    let contextUsed = question.querySelector('.context-used');
    if (view.context.length && !contextUsed) contextUsed = question.appendChild(el('div', { class: 'context-used' }));
    if (contextUsed) contextUsed.textContent = view.context.length ? `Context: ${view.context.join(', ')}` : '';
    entry.reasoningBox.hidden = view.reasoning === '' && !(view.role === 'reasoner' && view.status === 'streaming');
    entry.summary.textContent = reasoningSummary(view);
    const answerRegion = node.querySelector('.answer') as HTMLElement;
    answerRegion.setAttribute('aria-busy', view.status === 'streaming' ? 'true' : 'false');
    const errorBox = node.querySelector('.error') as HTMLElement;
    errorBox.replaceChildren();
    errorBox.hidden = true;
    if (view.status === 'stopped') {
      errorBox.hidden = false;
      errorBox.append(el('span', {}, 'Stopped — the answer above is incomplete.'));
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
    (node.querySelector('.turn-footer') as HTMLElement).textContent = view.footer ? footerLine(view.footer) : '';
  }

  /** Builds a turn's node and registers it; appended at the end unless `append` is false. */
  private create(view: TurnView, append = true): HTMLElement {
    const node = el('article', { class: 'turn', 'data-turn': view.id });
    const question = el('div', { class: 'question' });
    question.append(el('div', { class: 'who' }, 'You'), el('div', { class: 'question-text' }, view.question));
    const reasoningBox = el('details', { class: 'reasoning', role: 'region', 'aria-label': 'Reasoning' });
    const summary = el('summary');
    const reasoningText = el('div', { class: 'reasoning-text' });
    reasoningBox.append(summary, reasoningText);
    reasoningBox.open = view.status === 'streaming';
    const answerRegion = el('div', { class: 'answer', role: 'region', 'aria-label': 'Answer', 'aria-live': 'polite' });
    const error = el('div', { class: 'error', role: 'alert', hidden: '' });
    const footer = el('footer', { class: 'turn-footer' });
    // Above the answer: what providers that stopped mid-answer streamed, then the line saying who answers.
    const interruptedList = el('div', { class: 'interrupted-list', hidden: '' });
    const noticeLine = el('div', { class: 'turn-notice', role: 'status', hidden: '' });
    node.append(question, interruptedList, noticeLine, reasoningBox, answerRegion, error, footer);
    const answer = new StreamingMarkdown(answerRegion);
    reasoningText.textContent = view.reasoning;
    const entry: TurnEntry = { view, node, answer, reasoningText, reasoningBox, summary, interruptedList, noticeLine };
    this.turns.set(view.id, entry);
    answer.append(view.answer);
    if (view.status === 'streaming') answer.flush();
    else answer.finish();
    this.renderChrome(entry);
    if (append) this.container.append(node);
    return node;
  }
}
