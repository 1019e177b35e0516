import { el, post } from './dom';
import type { ChatState, EffortChoice, ModelChoice } from './protocol';

const EFFORTS: readonly { readonly value: EffortChoice; readonly label: string; readonly detail: string }[] = [
  { value: 'high', label: 'High', detail: 'thorough, at moderate cost' },
  { value: 'max', label: 'Max', detail: 'the deepest reasoning; slower, more output tokens' },
];

const ROLE_NAMES: Record<ModelChoice, string> = { chat: 'Chat', reasoner: 'Reasoner' };

/**
 * The composer's model picker: a menu button with a compact label ("Chat", "Reasoner · High") whose accessible
 * name and tooltip carry what the role resolves to in full ("Model: Reasoner · deepseek-flash, thinking high"),
 * so nothing is cut off in a 300-pixel sidebar. Its menu has two radio groups: the role for this chat (Chat or
 * Reasoner, each with its model as the host labels it) and the reasoner's effort (High or Max; the reasoner also
 * runs Explain, Refactor and Fix, so the effort is offered whichever role the chat uses).
 */
export class ModelMenu {
  readonly element = el('div', { class: 'model-menu' });
  private readonly button = el('button', { type: 'button', class: 'model-button ghost', 'aria-haspopup': 'menu', 'aria-expanded': 'false', 'aria-controls': 'model-menu' });
  private readonly buttonText = el('span', { class: 'model-button-text' });
  private readonly menu = el('div', { class: 'menu', role: 'menu', id: 'model-menu', 'aria-label': 'Model and reasoning effort', hidden: '' });
  private readonly roleItems: Record<ModelChoice, HTMLElement>;
  private readonly effortItems: Record<EffortChoice, HTMLElement>;
  private model: ModelChoice = 'chat';
  private effort: EffortChoice = 'high';
  private labels: Record<ModelChoice, string> = { chat: 'Chat', reasoner: 'Reasoner' };

  constructor() {
    this.button.append(this.buttonText, el('span', { class: 'chevron', 'aria-hidden': 'true' }));
    const roleGroup = el('div', { role: 'group', 'aria-labelledby': 'model-menu-roles' });
    roleGroup.append(el('div', { class: 'menu-heading', id: 'model-menu-roles' }, 'Model for this chat'));
    this.roleItems = { chat: this.item(roleGroup, 'model-chat'), reasoner: this.item(roleGroup, 'model-reasoner') };
    const effortGroup = el('div', { role: 'group', 'aria-labelledby': 'model-menu-effort' });
    effortGroup.append(el('div', { class: 'menu-heading', id: 'model-menu-effort' }, 'Reasoner’s thinking effort'));
    const effortItems: Partial<Record<EffortChoice, HTMLElement>> = {};
    for (const e of EFFORTS) {
      const item = this.item(effortGroup, `effort-${e.value}`);
      item.append(el('span', { class: 'menu-label' }, e.label), el('span', { class: 'menu-detail' }, ` — ${e.detail}`));
      effortItems[e.value] = item;
    }
    this.effortItems = effortItems as Record<EffortChoice, HTMLElement>;
    this.menu.append(roleGroup, el('div', { role: 'separator', class: 'menu-separator' }), effortGroup);
    this.element.append(this.menu, this.button);

    this.button.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    this.button.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
        e.preventDefault();
        this.open(e.key === 'ArrowUp' ? 'last' : 'checked');
      } else if (e.key === 'Escape' && this.isOpen) {
        // Closes the menu only: an answer that streams goes on.
        e.preventDefault();
        e.stopPropagation();
        this.close();
      }
    });
    this.menu.addEventListener('keydown', (e) => this.onMenuKey(e));
    this.menu.addEventListener('click', (e) => {
      const item = (e.target as HTMLElement).closest('[role=menuitemradio]') as HTMLElement | null;
      if (item) this.choose(item);
    });
    // Leaving the menu (a click elsewhere, Tab away) closes it.
    this.element.addEventListener('focusout', (e) => {
      if (this.isOpen && !this.element.contains(e.relatedTarget as Node | null)) this.close(false);
    });
    document.addEventListener('mousedown', (e) => {
      if (this.isOpen && !this.element.contains(e.target as Node)) this.close(false);
    });
    this.render();
  }

  get isOpen(): boolean {
    return !this.menu.hidden;
  }

  /** The role the next question goes to. */
  get value(): ModelChoice {
    return this.model;
  }

  renderState(s: ChatState): void {
    this.model = s.model === 'reasoner' ? 'reasoner' : 'chat';
    this.effort = s.effort === 'max' ? 'max' : 'high';
    // Older hosts sent no labels; the role's name alone is still right.
    this.labels = {
      chat: typeof s.modelLabels?.chat === 'string' ? s.modelLabels.chat : ROLE_NAMES.chat,
      reasoner: typeof s.modelLabels?.reasoner === 'string' ? s.modelLabels.reasoner : ROLE_NAMES.reasoner,
    };
    this.render();
  }

  close(returnFocus = true): void {
    if (!this.isOpen) return;
    this.menu.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    if (returnFocus) this.button.focus();
  }

  private item(group: HTMLElement, id: string): HTMLElement {
    const item = el('div', { role: 'menuitemradio', id, tabindex: '-1', 'aria-checked': 'false', class: 'menu-item' });
    group.append(item);
    return item;
  }

  private items(): HTMLElement[] {
    return [...this.menu.querySelectorAll<HTMLElement>('[role=menuitemradio]')];
  }

  private open(focus: 'checked' | 'last' = 'checked'): void {
    this.menu.hidden = false;
    this.place();
    this.button.setAttribute('aria-expanded', 'true');
    const items = this.items();
    (focus === 'last' ? items[items.length - 1] : this.roleItems[this.model]).focus();
  }

  /**
   * Keeps the open menu inside the page: it opens above the button, from the button's left edge, and moves left as
   * far as it must when the button is not at the composer's start (the attach button sits before it).
   */
  private place(): void {
    const margin = 8;
    const viewport = document.documentElement.clientWidth;
    this.menu.style.left = '';
    this.menu.style.maxWidth = `${Math.max(0, viewport - 2 * margin)}px`;
    const rect = this.menu.getBoundingClientRect();
    const overflow = rect.right - (viewport - margin);
    if (overflow > 0) {
      const shift = Math.min(overflow, Math.max(0, rect.left - margin));
      this.menu.style.left = `${-shift}px`;
    }
  }

  private render(): void {
    const compact = this.model === 'reasoner' ? `${ROLE_NAMES.reasoner} · ${this.effort === 'max' ? 'Max' : 'High'}` : ROLE_NAMES.chat;
    this.buttonText.textContent = compact;
    const full = `Model: ${this.labels[this.model]}`;
    this.button.setAttribute('aria-label', full);
    this.button.title = `${full} — change the model or the reasoner’s effort`;
    for (const role of ['chat', 'reasoner'] as const) {
      this.roleItems[role].textContent = this.labels[role];
      this.roleItems[role].setAttribute('aria-checked', String(role === this.model));
    }
    for (const e of EFFORTS) this.effortItems[e.value].setAttribute('aria-checked', String(e.value === this.effort));
  }

  private choose(item: HTMLElement): void {
    if (item === this.roleItems.chat || item === this.roleItems.reasoner) {
      const model: ModelChoice = item === this.roleItems.chat ? 'chat' : 'reasoner';
      if (model !== this.model) {
        this.model = model;
        post({ type: 'setModel', model });
      }
    } else {
      const effort: EffortChoice = item === this.effortItems.max ? 'max' : 'high';
      if (effort !== this.effort) {
        this.effort = effort;
        // The host writes the user's setting and sends its state back with the reasoner's new label.
        post({ type: 'setEffort', effort });
      }
    }
    this.render();
    this.close();
  }

  private onMenuKey(e: KeyboardEvent): void {
    const items = this.items();
    const at = items.indexOf(document.activeElement as HTMLElement);
    const focusAt = (i: number) => items[(i + items.length) % items.length].focus();
    switch (e.key) {
      case 'ArrowDown':
        focusAt(at + 1);
        break;
      case 'ArrowUp':
        focusAt(at - 1);
        break;
      case 'Home':
        focusAt(0);
        break;
      case 'End':
        focusAt(items.length - 1);
        break;
      case 'Enter':
      case ' ':
        if (at >= 0) this.choose(items[at]);
        break;
      case 'Escape':
        this.close();
        break;
      case 'Tab':
        this.close(false);
        return; // the focus moves on as Tab says
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }
}
