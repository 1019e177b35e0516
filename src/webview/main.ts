import { DropZone } from './attachments';
import { Composer } from './composer';
import { el, post } from './dom';
import { EmptyState } from './emptyState';
import { HistoryPanel } from './historyPanel';
import { warmUp } from './markdown';
import { parseFromHost, type ChatState } from './protocol';
import { TurnList } from './turnList';

// ---------- layout ----------
// No page header: New Chat, History and Spend are actions in the view's title bar (History there sends
// `showHistory`). Top to bottom: the untrusted-folder banner, the endpoint / key notice, History (in place of
// the conversation while open), the conversation (or the empty state), the composer.
const root = document.getElementById('root') as HTMLElement;
const trustBanner = el('div', { class: 'trust-banner', role: 'region', 'aria-label': 'Workspace trust', hidden: '' });
const notice = el('div', { class: 'notice', role: 'status' });
const conversation = el('section', { class: 'conversation', 'aria-label': 'Conversation' });

let state: ChatState | undefined;
/** True from sending a question until the host shows its turn (or refuses it). */
let awaitingTurn = false;
const isBusy = () => awaitingTurn || turns.streaming();

function stop(): void {
  post({ type: 'stop' });
  // Nothing streams yet (the question is on its way): the page stops waiting; a turn that still comes shows.
  if (!turns.streaming()) {
    awaitingTurn = false;
    composer.setBusy(isBusy());
  }
}

const composer = new Composer({
  isBusy,
  onSent: () => {
    awaitingTurn = true;
    composer.setBusy(true);
  },
  onStop: stop,
});
const turns = new TurnList(conversation, () => composer.setBusy(isBusy()));
const history = new HistoryPanel({
  focusFallback: () => composer.focus(),
  onToggle: (open) => {
    conversation.hidden = open;
  },
});
const empty = new EmptyState({ suggest: (text) => composer.sendText(text) });
history.addOpener(empty.historyButton);
root.replaceChildren(trustBanner, notice, history.element, conversation, composer.element);
// Files dragged anywhere over the chat attach on drop; the overlay says so while they are dragged.
const dropZone = new DropZone(document.body, (message) => composer.attachmentNotice(message));
document.body.append(dropZone.element);

{
  const text = el('p', { class: 'trust-text' }, 'This folder is not trusted: DeepSeek reads none of its files. Trust it to use its code as context.');
  const button = el('button', { type: 'button', class: 'trust-button' }, 'Trust Folder');
  button.addEventListener('click', () => post({ type: 'manageTrust' }));
  trustBanner.append(text, button);
}

function renderNotice(s: ChatState): void {
  notice.replaceChildren();
  if (s.simulated) notice.append(el('span', { class: 'notice-line simulated' }, s.endpointLabel));
  if (s.keySource === 'none') {
    const line = el('span', { class: 'notice-line warning' }, 'No API key is set. ');
    const button = el('button', { type: 'button', class: 'link' }, 'Set API Key');
    button.addEventListener('click', () => post({ type: 'errorAction', action: 'setApiKey', turnId: 'none' }));
    line.append(button);
    notice.append(line);
  }
  notice.hidden = notice.childElementCount === 0;
}

function renderState(s: ChatState): void {
  state = s;
  awaitingTurn = false;
  trustBanner.hidden = s.trusted !== false;
  composer.renderState(s);
  empty.setPastConversations(s.conversations.filter((c) => c.id !== s.conversationId && c.turns > 0).length);
  turns.render(s.turns, empty.element);
  renderNotice(s);
  history.render(s);
  composer.setBusy(isBusy());
}

// Esc anywhere in the page: a list or menu closes first (their own handlers take the key); then History
// closes; otherwise a streaming answer stops.
document.addEventListener('keydown', (e) => {
  if (e.key !== 'Escape' || e.defaultPrevented || e.isComposing) return;
  if (history.open) {
    e.preventDefault();
    history.toggle(false);
  } else if (isBusy()) {
    e.preventDefault();
    stop();
  }
});

// Code-block buttons and links: one delegated listener.
conversation.addEventListener('click', (e) => {
  const target = e.target as HTMLElement;
  const button = target.closest('button[data-code-action]') as HTMLButtonElement | null;
  if (button) {
    turns.codeAction(button);
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
      if (conversation.contains(empty.element)) empty.element.remove();
      awaitingTurn = false;
      turns.update(message.turn);
      break;
    case 'delta':
      if (message.conversationId !== state?.conversationId) break;
      // This view missed part of the stream (it was hidden, or reloaded): ask for the host's whole state.
      if (!turns.delta(message.turnId, message.reasoning, message.answer, message.reasoningAt, message.answerAt)) post({ type: 'resync' });
      break;
    case 'askRefused':
      awaitingTurn = false;
      composer.setBusy(isBusy());
      composer.refused(message.reason, message.text);
      break;
    case 'chips':
      composer.renderChips(message.chips);
      break;
    case 'fileResults':
      composer.fileResults(message.requestId, message.files);
      break;
    case 'focusInput':
      composer.focus();
      break;
    case 'showHistory':
      history.toggle(true);
      break;
    case 'historyResults':
      history.results(message.requestId, message.ids);
      break;
    case 'actionResult':
      turns.actionResult(message.requestId, message.ok, message.message);
      break;
    case 'attachmentNotice':
      composer.attachmentNotice(message.message);
      break;
  }
});

post({ type: 'ready' });
setTimeout(warmUp, 50);
