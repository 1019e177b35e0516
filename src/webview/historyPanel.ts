import { el, post } from './dom';
import type { ChatState } from './protocol';

/** The list of past conversations, opened from the History button; picking one opens it. */
export class HistoryPanel {
  readonly element = el('ul', { class: 'history', role: 'listbox', 'aria-label': 'Past conversations', hidden: '' });

  constructor(private readonly button: HTMLButtonElement) {
    button.addEventListener('click', () => this.toggle());
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  toggle(show = this.element.hidden): void {
    this.element.hidden = !show;
    this.button.setAttribute('aria-expanded', String(show));
    if (show) (this.element.querySelector('[role=option]') as HTMLElement | null)?.focus();
  }

  render(s: ChatState): void {
    this.element.replaceChildren();
    for (const c of s.conversations) {
      const item = el('li', { role: 'option', tabindex: '0', 'aria-selected': String(c.id === s.conversationId) }, `${c.title} (${c.turns}${c.answering ? ', answering…' : ''})`);
      const open = () => {
        this.toggle(false);
        post({ type: 'openConversation', id: c.id });
      };
      item.addEventListener('click', open);
      item.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          open();
        }
      });
      this.element.append(item);
    }
    if (s.conversations.length === 0) this.element.append(el('li', { class: 'empty' }, 'No past conversations.'));
  }
}
