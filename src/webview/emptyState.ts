import { el } from './dom';

/** Suggested first questions: each fills the box and is sent as if typed (a `/command` goes as that command). */
export const SUGGESTIONS: readonly { readonly text: string; readonly label: string }[] = [
  { text: 'Explain the current file', label: 'Explain the current file' },
  { text: 'Find bugs in the selection', label: 'Find bugs in the selection' },
  { text: '/tests', label: '/tests — write unit tests for the selection' },
  { text: '/doc', label: '/doc — document the selection' },
];

const isMac = /Mac/.test(navigator.userAgent);
const mod = isMac ? 'Cmd' : 'Ctrl';

/** The keys, as the user presses them here (the extension's keybindings use Cmd on macOS). */
const SHORTCUTS: readonly (readonly [keys: readonly string[], what: string])[] = [
  [['Enter'], 'send'],
  [['Shift', 'Enter'], 'new line'],
  [['↑'], 'earlier questions'],
  [['@'], 'add a file'],
  [['/'], 'commands'],
  [['Esc'], 'stop the answer'],
  [[mod, 'Alt', 'D'], 'focus the chat'],
  [[mod, 'Alt', 'E'], 'explain the selection'],
  [[mod, 'Alt', 'R'], 'refactor the selection'],
];

export interface EmptyStateHooks {
  suggest(text: string): void;
}

/**
 * What a new conversation shows: a short welcome, suggested questions as buttons, the keys worth knowing and,
 * when there are past conversations, a way into History (the view's title bar has one too).
 */
export class EmptyState {
  readonly element = el('div', { class: 'empty', role: 'region', 'aria-label': 'New chat' });
  readonly historyButton = el('button', { type: 'button', class: 'link empty-history' }, 'History');
  private readonly historyLine = el('p', { class: 'empty-history-line' });

  constructor(hooks: EmptyStateHooks) {
    const intro = el('p', { class: 'empty-intro' }, 'The current file and your selection go along as context (the chips in the box below say what is attached). Type @ to add another file, / for a command.');
    const suggestions = el('div', { class: 'suggestions', role: 'group', 'aria-label': 'Suggested questions' });
    for (const s of SUGGESTIONS) {
      const button = el('button', { type: 'button', class: 'suggestion secondary' }, s.label);
      button.addEventListener('click', () => hooks.suggest(s.text));
      suggestions.append(button);
    }
    const keys = el('dl', { class: 'shortcuts', 'aria-label': 'Keyboard shortcuts' });
    for (const [combo, what] of SHORTCUTS) {
      const dt = el('dt');
      combo.forEach((k, i) => {
        if (i > 0) dt.append('+');
        dt.append(el('kbd', {}, k));
      });
      keys.append(dt, el('dd', {}, what));
    }
    this.historyLine.append(this.historyButton);
    this.element.append(el('h2', { class: 'empty-title' }, 'Ask DeepSeek about your code'), intro, suggestions, keys, this.historyLine);
  }

  /** How many past conversations there are besides this one (the History button shows when there are any). */
  setPastConversations(count: number): void {
    this.historyLine.hidden = count === 0;
    this.historyButton.textContent = count === 1 ? 'History — 1 past conversation' : `History — ${count} past conversations`;
  }
}
