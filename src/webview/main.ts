import { warmUp } from './markdown';
import { StreamingMarkdown } from './streamingMarkdown';
import {
  footerLine,
  interruptedSummary,
  parseFromHost,
  type ChatState,
  type ChipView,
  type FileResult,
  type InterruptedSegment,
  type ModelChoice,
  type TurnView,
  type WebviewMessage,
} from './protocol';

interface VsCodeApi {
  postMessage(message: WebviewMessage): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (message: WebviewMessage) => vscode.postMessage(message);

interface LocalState {
  draft: string;
  history: string[];
}

const saved = vscode.getState() as Partial<LocalState> | undefined;
const local: LocalState = {
  draft: typeof saved?.draft === 'string' ? saved.draft : '',
  history: Array.isArray(saved?.history) ? saved.history.filter((h): h is string => typeof h === 'string').slice(-100) : [],
};
const persistLocal = () => vscode.setState(local);

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---------- layout ----------
const root = document.getElementById('root') as HTMLElement;
const header = el('div', { class: 'toolbar' });
const modelSelect = el('select', { 'aria-label': 'Model' });
// The roles are the choice; which model each resolves to comes with the host's state (renderModels).
const chatOption = el('option', { value: 'chat' }, 'Chat');
const reasonerOption = el('option', { value: 'reasoner' }, 'Reasoner');
modelSelect.append(chatOption, reasonerOption);
const newChatButton = el('button', { type: 'button', class: 'secondary', title: 'New Chat' }, 'New Chat');
const historyButton = el('button', { type: 'button', class: 'secondary', 'aria-haspopup': 'listbox', 'aria-expanded': 'false' }, 'History');
header.append(modelSelect, newChatButton, historyButton);
const historyList = el('ul', { class: 'history', role: 'listbox', 'aria-label': 'Past conversations', hidden: '' });
const notice = el('div', { class: 'notice', role: 'status' });
const conversation = el('section', { class: 'conversation', 'aria-label': 'Conversation' });
const empty = el('p', { class: 'empty' }, 'Ask about your code. The current file and selection are attached as context chips below; type @ to add another file.');
const chips = el('div', { class: 'chips', role: 'list', 'aria-label': 'Context for the next request' });
const mentionList = el('ul', { class: 'mentions', role: 'listbox', 'aria-label': 'Files', hidden: '' });
const form = el('form', { class: 'composer' });
const input = el('textarea', { 'aria-label': 'Ask DeepSeek', placeholder: 'Ask DeepSeek… (Enter to send, Shift+Enter for a new line, @ to add a file)', rows: '3' });
const sendButton = el('button', { type: 'submit' }, 'Send');
const stopButton = el('button', { type: 'button', class: 'stop', hidden: '' }, 'Stop');
const composerHint = el('div', { class: 'composer-hint', role: 'status', 'aria-live': 'polite' });
const composerButtons = el('div', { class: 'composer-buttons' });
composerButtons.append(sendButton, stopButton);
form.append(input, composerButtons, composerHint);
root.replaceChildren(header, historyList, notice, conversation, chips, mentionList, form);
input.value = local.draft;

// ---------- state ----------
let state: ChatState | undefined;
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
  thinkingStartedAt?: number;
}
const turns = new Map<string, TurnEntry>();
let historyIndex = local.history.length;

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

function renderInterrupted(entry: TurnEntry): void {
  const segments = interruptedOf(entry.view);
  const shown = entry.interruptedList.children.length;
  if (segments.length < shown) entry.interruptedList.replaceChildren();
  for (const segment of segments.slice(entry.interruptedList.children.length)) entry.interruptedList.append(interruptedBlock(segment));
  entry.interruptedList.hidden = segments.length === 0;
  const notice = typeof entry.view.notice === 'string' ? entry.view.notice : '';
  if (entry.noticeLine.textContent !== notice) entry.noticeLine.textContent = notice;
  entry.noticeLine.hidden = notice === '';
}

function renderTurnChrome(entry: TurnEntry): void {
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
  renderInterrupted(entry);
  (node.querySelector('.turn-footer') as HTMLElement).textContent = view.footer ? footerLine(view.footer) : '';
}

function createTurn(view: TurnView): void {
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
  turns.set(view.id, entry);
  answer.append(view.answer);
  if (view.status === 'streaming') answer.flush();
  else answer.finish();
  renderTurnChrome(entry);
  conversation.append(node);
}

function updateTurn(view: TurnView): void {
  awaitingTurn = false;
  const entry = turns.get(view.id);
  if (!entry) {
    createTurn(view);
    setBusy(isBusy());
    scrollToEnd();
    return;
  }
  const shownReasoning = entry.reasoningText.textContent ?? '';
  if (!view.reasoning.startsWith(shownReasoning) || !view.answer.startsWith(entry.answer.value)) {
    // What is shown is not a prefix of the host's turn: render the turn again from the host's copy.
    const old = entry.node;
    createTurn(view);
    const fresh = turns.get(view.id)?.node;
    if (fresh) old.replaceWith(fresh);
    setBusy(isBusy());
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
  renderTurnChrome(entry);
  setBusy(isBusy());
}

let pendingScroll = false;
function scrollToEnd(): void {
  if (pendingScroll) return;
  pendingScroll = true;
  requestAnimationFrame(() => {
    pendingScroll = false;
    conversation.scrollTop = conversation.scrollHeight;
  });
}

function applyDelta(turnId: string, reasoning: string, answer: string, reasoningAt: number, answerAt: number): void {
  const entry = turns.get(turnId);
  if (!entry || (entry.reasoningText.textContent ?? '').length !== reasoningAt || entry.answer.value.length !== answerAt) {
    // This view missed part of the stream (it was hidden, or reloaded): ask for the host's whole state.
    post({ type: 'resync' });
    return;
  }
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
  scrollToEnd();
}

/** True from sending a question until the host shows its turn (or refuses it). */
let awaitingTurn = false;

function isBusy(): boolean {
  return awaitingTurn || [...turns.values()].some((t) => t.view.status === 'streaming');
}

function setBusy(busy: boolean): void {
  stopButton.hidden = !busy;
  sendButton.disabled = busy;
  sendButton.title = busy ? 'DeepSeek is answering: Stop it or wait, then send' : 'Send (Enter)';
  if (!busy) composerHint.textContent = '';
}

function renderChips(list: readonly ChipView[]): void {
  chips.replaceChildren();
  for (const chip of list) {
    const item = el('span', { class: `chip chip-${chip.kind}`, role: 'listitem', title: chip.detail ?? chip.label });
    item.append(el('span', {}, chip.label));
    const remove = el('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${chip.label} from context` }, '×');
    remove.addEventListener('click', () => post({ type: 'removeChip', id: chip.id }));
    item.append(remove);
    chips.append(item);
  }
  const add = el('button', { type: 'button', class: 'chip-add', 'aria-label': 'Add the current file to the context' }, '+ Current file');
  add.addEventListener('click', () => post({ type: 'addCurrentFile' }));
  chips.append(add);
}

function renderNotice(s: ChatState): void {
  notice.replaceChildren();
  if (s.simulated) notice.append(el('span', { class: 'simulated' }, s.endpointLabel));
  if (s.keySource === 'none') {
    notice.append(el('span', { class: 'warning' }, ' No API key is set. '));
    const button = el('button', { type: 'button' }, 'Set API Key');
    button.addEventListener('click', () => post({ type: 'errorAction', action: 'setApiKey', turnId: 'none' }));
    notice.append(button);
  }
}

function renderHistory(s: ChatState): void {
  historyList.replaceChildren();
  for (const c of s.conversations) {
    const item = el('li', { role: 'option', tabindex: '0', 'aria-selected': String(c.id === s.conversationId) }, `${c.title} (${c.turns}${c.answering ? ', answering…' : ''})`);
    const open = () => {
      historyList.hidden = true;
      historyButton.setAttribute('aria-expanded', 'false');
      post({ type: 'openConversation', id: c.id });
    };
    item.addEventListener('click', open);
    item.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        open();
      }
    });
    historyList.append(item);
  }
  if (s.conversations.length === 0) historyList.append(el('li', { class: 'empty' }, 'No past conversations.'));
}

function renderModels(s: ChatState): void {
  // Older hosts sent no labels; the role's name alone is still right.
  chatOption.textContent = typeof s.modelLabels?.chat === 'string' ? s.modelLabels.chat : 'Chat';
  reasonerOption.textContent = typeof s.modelLabels?.reasoner === 'string' ? s.modelLabels.reasoner : 'Reasoner';
}

function renderState(s: ChatState): void {
  state = s;
  awaitingTurn = false;
  renderModels(s);
  modelSelect.value = s.model;
  turns.clear();
  conversation.replaceChildren();
  if (s.turns.length === 0) conversation.append(empty);
  for (const turn of s.turns) createTurn(turn);
  renderChips(s.chips);
  renderNotice(s);
  renderHistory(s);
  setBusy(isBusy());
  scrollToEnd();
}

// ---------- @ mentions ----------
let mentionRequest = 0;
let mentionTimer: ReturnType<typeof setTimeout> | undefined;
let mentionResults: readonly FileResult[] = [];
let mentionActive = 0;

function mentionQuery(): string | undefined {
  const before = input.value.slice(0, input.selectionStart);
  const match = /(?:^|\s)@([^\s@]*)$/.exec(before);
  return match ? match[1] : undefined;
}

function closeMentions(): void {
  mentionList.hidden = true;
  mentionResults = [];
}

function renderMentions(): void {
  mentionList.replaceChildren();
  mentionResults.forEach((file, i) => {
    const item = el('li', { role: 'option', 'aria-selected': String(i === mentionActive), title: file.path }, file.label);
    item.addEventListener('mousedown', (e) => {
      e.preventDefault();
      pickMention(i);
    });
    mentionList.append(item);
  });
  mentionList.hidden = mentionResults.length === 0;
}

function pickMention(index: number): void {
  const file = mentionResults[index];
  if (!file) return;
  const caret = input.selectionStart;
  const before = input.value.slice(0, caret).replace(/@([^\s@]*)$/, '');
  input.value = before + input.value.slice(caret);
  input.selectionStart = input.selectionEnd = before.length;
  post({ type: 'pinFile', path: file.path });
  closeMentions();
}

input.addEventListener('input', () => {
  local.draft = input.value;
  persistLocal();
  const query = mentionQuery();
  if (query === undefined) {
    closeMentions();
    return;
  }
  clearTimeout(mentionTimer);
  mentionTimer = setTimeout(() => post({ type: 'searchFiles', requestId: ++mentionRequest, query }), 80);
});

// ---------- sending ----------
function send(): void {
  const text = input.value.trim();
  if (!text) return;
  if (isBusy()) {
    // One answer at a time per chat: the question stays in the box.
    composerHint.textContent = 'DeepSeek is still answering. Stop it or wait, then press Enter again — your question stays here.';
    return;
  }
  awaitingTurn = true;
  setBusy(true);
  post({ type: 'ask', text, model: modelSelect.value as ModelChoice });
  if (local.history[local.history.length - 1] !== text) local.history.push(text);
  local.history = local.history.slice(-100);
  historyIndex = local.history.length;
  input.value = '';
  local.draft = '';
  persistLocal();
  closeMentions();
}

form.addEventListener('submit', (e) => {
  e.preventDefault();
  send();
});

input.addEventListener('keydown', (e) => {
  if (!mentionList.hidden && mentionResults.length > 0) {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      mentionActive = (mentionActive + (e.key === 'ArrowDown' ? 1 : mentionResults.length - 1)) % mentionResults.length;
      renderMentions();
      return;
    }
    if (e.key === 'Enter' || e.key === 'Tab') {
      e.preventDefault();
      pickMention(mentionActive);
      return;
    }
    if (e.key === 'Escape') {
      e.preventDefault();
      closeMentions();
      return;
    }
  }
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    send();
    return;
  }
  const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
  const atEnd = input.selectionStart === input.value.length;
  if (e.key === 'ArrowUp' && (input.value === '' || atStart) && historyIndex > 0) {
    e.preventDefault();
    historyIndex--;
    input.value = local.history[historyIndex];
  } else if (e.key === 'ArrowDown' && atEnd && historyIndex < local.history.length) {
    e.preventDefault();
    historyIndex++;
    input.value = local.history[historyIndex] ?? '';
  }
});

stopButton.addEventListener('click', () => post({ type: 'stop' }));
newChatButton.addEventListener('click', () => post({ type: 'newChat' }));
modelSelect.addEventListener('change', () => post({ type: 'setModel', model: modelSelect.value as ModelChoice }));
historyButton.addEventListener('click', () => {
  historyList.hidden = !historyList.hidden;
  historyButton.setAttribute('aria-expanded', String(!historyList.hidden));
  if (!historyList.hidden) (historyList.querySelector('[role=option]') as HTMLElement | null)?.focus();
});

// Code-block buttons and links: one delegated listener.
conversation.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const button = target.closest('button[data-code-action]') as HTMLButtonElement | null;
  if (button) {
    const turnNode = button.closest('[data-turn]') as HTMLElement | null;
    const entry = turnNode ? turns.get(turnNode.dataset.turn ?? '') : undefined;
    const block = entry?.answer.block(Number(button.dataset.block));
    const action = button.dataset.codeAction;
    if (block && (action === 'copy' || action === 'insert' || action === 'apply')) {
      post({ type: 'codeAction', action, code: block.code, language: block.language });
    }
    return;
  }
  const link = target.closest('a') as HTMLAnchorElement | null;
  if (link) {
    e.preventDefault();
    const href = link.getAttribute('href') ?? '';
    if (/^https?:\/\//i.test(href)) post({ type: 'openLink', href });
  }
});

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const message = parseFromHost(event.data);
  if (!message) return;
  switch (message.type) {
    case 'state':
      renderState(message.state);
      break;
    case 'turn':
      if (message.conversationId !== state?.conversationId) break; // another conversation's turn
      if (conversation.contains(empty)) empty.remove();
      updateTurn(message.turn);
      break;
    case 'delta':
      if (message.conversationId !== state?.conversationId) break;
      applyDelta(message.turnId, message.reasoning, message.answer, message.reasoningAt, message.answerAt);
      break;
    case 'askRefused':
      awaitingTurn = false;
      setBusy(isBusy());
      if (message.text && input.value.trim() === '') {
        input.value = message.text;
        local.draft = message.text;
        persistLocal();
      }
      composerHint.textContent = message.reason;
      break;
    case 'chips':
      renderChips(message.chips);
      break;
    case 'fileResults':
      if (message.requestId === mentionRequest && mentionQuery() !== undefined) {
        mentionResults = message.files;
        mentionActive = 0;
        renderMentions();
      }
      break;
    case 'focusInput':
      input.focus();
      break;
  }
});

post({ type: 'ready' });
setTimeout(warmUp, 50);
