import { Composer } from './composer';
import { el, post } from './dom';
import { HistoryPanel } from './historyPanel';
import { warmUp } from './markdown';
import { parseFromHost, type ChatState } from './protocol';
import { TurnList } from './turnList';

// ---------- layout ----------
const root = document.getElementById('root') as HTMLElement;
const header = el('div', { class: 'toolbar' });
const newChatButton = el('button', { type: 'button', class: 'secondary', title: 'New Chat' }, 'New Chat');
const historyButton = el('button', { type: 'button', class: 'secondary', 'aria-haspopup': 'listbox', 'aria-expanded': 'false' }, 'History');
const notice = el('div', { class: 'notice', role: 'status' });
const conversation = el('section', { class: 'conversation', 'aria-label': 'Conversation' });
const empty = el('p', { class: 'empty' }, 'Ask about your code. The current file and selection are attached as context chips below; type @ to add another file.');

let state: ChatState | undefined;
/** True from sending a question until the host shows its turn (or refuses it). */
let awaitingTurn = false;
const isBusy = () => awaitingTurn || turns.streaming();
const composer = new Composer({
  isBusy,
  onSent: () => {
    awaitingTurn = true;
    composer.setBusy(true);
  },
});
const turns = new TurnList(conversation, () => composer.setBusy(isBusy()));
const history = new HistoryPanel(historyButton);
header.append(composer.picker, newChatButton, historyButton);
root.replaceChildren(header, history.element, notice, conversation, composer.chips, composer.mentionList, composer.element);

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

function renderState(s: ChatState): void {
  state = s;
  awaitingTurn = false;
  composer.renderState(s);
  turns.render(s.turns, empty);
  renderNotice(s);
  history.render(s);
  composer.setBusy(isBusy());
}

newChatButton.addEventListener('click', () => post({ type: 'newChat' }));

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
      if (conversation.contains(empty)) empty.remove();
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
      break;
    case 'actionResult':
      turns.actionResult(message.requestId, message.ok, message.message);
      break;
  }
});

post({ type: 'ready' });
setTimeout(warmUp, 50);
