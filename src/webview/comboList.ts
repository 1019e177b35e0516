import { el } from './dom';

export interface ComboItem {
  readonly label: string;
  /** A second, muted part: a command's description, a file's folder. */
  readonly detail?: string;
  readonly title?: string;
}

/**
 * The popup listbox of an editable combobox (ARIA 1.2): the text box keeps the focus and points at the active
 * option with `aria-activedescendant`; every option has an id and `aria-selected`. Used by the composer for the
 * `@` file list and the `/` command list. The owner moves the active option and says when to pick.
 */
export class ComboList {
  readonly element: HTMLUListElement;
  private items: readonly ComboItem[] = [];
  private active = 0;

  constructor(
    readonly id: string,
    label: string,
    className: string,
    private readonly onPick: (index: number) => void,
  ) {
    this.element = el('ul', { class: `combo-list ${className}`, id, role: 'listbox', 'aria-label': label, hidden: '' });
    // A press anywhere in the list (its scrollbar too) leaves the focus and the caret in the text box.
    this.element.addEventListener('mousedown', (e) => e.preventDefault());
  }

  get isOpen(): boolean {
    return !this.element.hidden;
  }

  get activeIndex(): number {
    return this.active;
  }

  /** The id of the active option while the list is open, for the box's `aria-activedescendant`. */
  get activeId(): string | undefined {
    return this.isOpen && this.items.length > 0 ? this.optionId(this.active) : undefined;
  }

  /** Shows these items with the first active; closes when there are none. */
  show(items: readonly ComboItem[]): void {
    this.items = items;
    this.active = 0;
    this.render();
  }

  close(): void {
    this.items = [];
    this.element.hidden = true;
    this.element.replaceChildren();
  }

  /** Moves the active option by `delta`, wrapping around. */
  move(delta: number): void {
    if (this.items.length === 0) return;
    this.active = (this.active + delta + this.items.length) % this.items.length;
    for (const [i, node] of [...this.element.children].entries()) node.setAttribute('aria-selected', String(i === this.active));
    (this.element.children[this.active] as HTMLElement | undefined)?.scrollIntoView({ block: 'nearest' });
  }

  private optionId(index: number): string {
    return `${this.id}-option-${index}`;
  }

  private render(): void {
    this.element.replaceChildren();
    this.items.forEach((item, i) => {
      const option = el('li', { role: 'option', id: this.optionId(i), 'aria-selected': String(i === this.active), class: 'combo-option' });
      if (item.title) option.title = item.title;
      option.append(el('span', { class: 'combo-label' }, item.label));
      if (item.detail) option.append(el('span', { class: 'combo-detail' }, item.detail));
      // mousedown, not click: the text box keeps the focus (and the caret) while the user picks.
      option.addEventListener('mousedown', () => this.onPick(i));
      this.element.append(option);
    });
    this.element.hidden = this.items.length === 0;
  }
}
