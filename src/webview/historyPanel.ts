import { el, post } from './dom';
import type { ChatState, ConversationSummary } from './protocol';
import { formatWhen } from './when';

/** How long typing in the search box waits before it asks the host (each key would be a search otherwise). */
const SEARCH_DEBOUNCE_MS = 150;

export interface HistoryHooks {
  /** Where the focus goes when the panel closes and nothing inside the page had it before. */
  focusFallback(): void;
  /** The panel opened or closed (the page hides the conversation behind it). */
  onToggle(open: boolean): void;
}

/**
 * The past conversations, opened from the view's title bar (History) or the empty state: newest first, each with
 * when it was last updated in local time, its number of turns and whether it is still answering; a search box
 * (titles filter at once, the host's search over the turns follows); rename in place and delete after a
 * confirmation inside the page. Esc closes it and puts the focus back where it was.
 */
export class HistoryPanel {
  readonly element = el('section', { class: 'history', id: 'history', 'aria-label': 'History', hidden: '' });
  private readonly search = el('input', { type: 'search', class: 'history-search', 'aria-label': 'Search conversations', placeholder: 'Search conversations', spellcheck: 'false' });
  private readonly list = el('ul', { class: 'history-list', 'aria-label': 'Past conversations' });
  private readonly status = el('p', { class: 'history-status', role: 'status' });
  private readonly openers = new Set<HTMLElement>();
  private conversations: readonly ConversationSummary[] = [];
  private activeId = '';
  /** Ids the host found for the current query (undefined until it answers, or with no query). */
  private found: readonly string[] | undefined;
  private searchRequest = 0;
  private searchTimer: ReturnType<typeof setTimeout> | undefined;
  private returnFocus: HTMLElement | undefined;
  /** A row is being renamed or asks to confirm a delete: a new state waits until it is done. */
  private editing = false;
  private renderPending = false;

  constructor(private readonly hooks: HistoryHooks) {
    const head = el('div', { class: 'history-head' });
    const close = el('button', { type: 'button', class: 'ghost history-close', 'aria-label': 'Close History', title: 'Close (Esc)' }, '×');
    close.addEventListener('click', () => this.toggle(false));
    head.append(el('h2', { class: 'history-title' }, 'History'), close);
    this.element.append(head, this.search, this.list, this.status);
    this.search.addEventListener('input', () => this.onSearch());
    this.search.addEventListener('keydown', (e) => {
      if (e.key === 'ArrowDown') {
        e.preventDefault();
        this.focusRow(0);
      }
    });
    this.element.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && !e.defaultPrevented) {
        e.preventDefault();
        this.toggle(false);
      }
    });
  }

  get open(): boolean {
    return !this.element.hidden;
  }

  /** A button that opens the panel: it says whether the panel is open. */
  addOpener(button: HTMLElement): void {
    this.openers.add(button);
    button.setAttribute('aria-expanded', String(this.open));
    button.setAttribute('aria-controls', this.element.id);
    button.addEventListener('click', () => this.toggle());
    // Openers come and go with the empty state.
    for (const b of [...this.openers]) if (!b.isConnected && b !== button) this.openers.delete(b);
  }

  toggle(show = !this.open): void {
    if (show === this.open) {
      if (show) this.search.focus();
      return;
    }
    if (show) {
      const focused = document.activeElement as HTMLElement | null;
      this.returnFocus = focused && focused !== document.body && !this.element.contains(focused) ? focused : undefined;
    }
    this.element.hidden = !show;
    this.editing = false; // a rename or a delete left half-done is dropped with the list
    for (const b of this.openers) b.setAttribute('aria-expanded', String(show));
    this.hooks.onToggle(show);
    if (show) {
      this.renderList();
      this.search.focus();
    } else {
      const target = this.returnFocus;
      this.returnFocus = undefined;
      if (target?.isConnected) target.focus();
      else this.hooks.focusFallback();
    }
  }

  render(s: ChatState): void {
    this.conversations = s.conversations;
    this.activeId = s.conversationId;
    // A rename or delete changed the list: what the host found for the query may be stale.
    if (this.search.value.trim() !== '') this.requestSearch();
    if (this.open) this.renderList();
  }

  /** The host's answer to a search; only the latest request counts. */
  results(requestId: number, ids: readonly string[]): void {
    if (requestId !== this.searchRequest || this.search.value.trim() === '') return;
    this.found = ids;
    this.renderList();
  }

  // ---------- search ----------
  private onSearch(): void {
    this.found = undefined;
    clearTimeout(this.searchTimer);
    if (this.search.value.trim() !== '') this.searchTimer = setTimeout(() => this.requestSearch(), SEARCH_DEBOUNCE_MS);
    this.renderList();
  }

  private requestSearch(): void {
    clearTimeout(this.searchTimer);
    post({ type: 'searchHistory', requestId: ++this.searchRequest, query: this.search.value.trim() });
  }

  /** What the list shows: all; for a query, the titles that contain it until the host's search has answered. */
  private shown(): readonly ConversationSummary[] {
    const query = this.search.value.trim().toLowerCase();
    if (query === '') return this.conversations;
    if (this.found) {
      const byId = new Map(this.conversations.map((c) => [c.id, c]));
      return this.found.map((id) => byId.get(id)).filter((c): c is ConversationSummary => c !== undefined);
    }
    return this.conversations.filter((c) => c.title.toLowerCase().includes(query));
  }

  // ---------- the list ----------
  private renderList(): void {
    if (this.editing) {
      this.renderPending = true;
      return;
    }
    this.renderPending = false;
    const focused = document.activeElement as HTMLElement | null;
    const focusedId = this.list.contains(focused) ? (focused?.closest('[data-id]') as HTMLElement | null)?.dataset.id : undefined;
    const focusedPart = focused?.dataset.part;
    this.list.replaceChildren();
    const shown = this.shown();
    for (const c of shown) this.list.append(this.row(c));
    const query = this.search.value.trim();
    this.status.textContent = this.conversations.length === 0
      ? 'No past conversations yet.'
      : shown.length === 0
        ? `No conversation matches “${query}”.`
        : query !== '' ? `${shown.length} of ${this.conversations.length} conversations` : '';
    this.status.hidden = this.status.textContent === '';
    // A re-render (a new state while the panel is open) keeps the focus on the same row's same control.
    if (focusedId && focusedPart) {
      const row = this.list.querySelector(`[data-id="${CSS.escape(focusedId)}"]`);
      (row?.querySelector(`[data-part="${focusedPart}"]`) as HTMLElement | null)?.focus();
    }
  }

  private rows(): HTMLElement[] {
    return [...this.list.querySelectorAll<HTMLElement>('.history-open')];
  }

  private focusRow(index: number): void {
    const rows = this.rows();
    if (rows.length) rows[Math.max(0, Math.min(index, rows.length - 1))].focus();
  }

  private row(c: ConversationSummary): HTMLElement {
    const item = el('li', { class: 'history-item', 'data-id': c.id });
    const titleId = `history-title-${c.id}`;
    const open = el('button', { type: 'button', class: 'history-open', 'data-part': 'open' });
    if (c.id === this.activeId) {
      open.setAttribute('aria-current', 'true');
      item.classList.add('current');
    }
    const meta = [formatWhen(c.updatedAt), `${c.turns} ${c.turns === 1 ? 'turn' : 'turns'}`];
    if (c.answering) meta.push('answering…');
    open.append(el('span', { class: 'history-item-title', id: titleId }, c.title), el('span', { class: 'history-meta' }, meta.join(' · ')));
    open.addEventListener('click', () => {
      this.toggle(false);
      post({ type: 'openConversation', id: c.id });
    });
    open.addEventListener('keydown', (e) => this.onRowKey(e, item, c));
    const actions = el('div', { class: 'history-actions' });
    const rename = el('button', { type: 'button', class: 'ghost history-rename', 'data-part': 'rename', 'aria-describedby': titleId, title: 'Rename (F2)' }, 'Rename');
    const remove = el('button', { type: 'button', class: 'ghost history-delete', 'data-part': 'delete', 'aria-describedby': titleId, title: 'Delete (Delete)' }, 'Delete');
    rename.addEventListener('click', () => this.startRename(item, c));
    remove.addEventListener('click', () => this.confirmDelete(item, c));
    actions.append(rename, remove);
    item.append(open, actions);
    return item;
  }

  private onRowKey(e: KeyboardEvent, item: HTMLElement, c: ConversationSummary): void {
    const rows = this.rows();
    const at = rows.indexOf(e.currentTarget as HTMLElement);
    switch (e.key) {
      case 'ArrowDown':
        this.focusRow(at + 1);
        break;
      case 'ArrowUp':
        if (at === 0) this.search.focus();
        else this.focusRow(at - 1);
        break;
      case 'Home':
        this.focusRow(0);
        break;
      case 'End':
        this.focusRow(rows.length - 1);
        break;
      case 'F2':
        this.startRename(item, c);
        break;
      case 'Delete':
        this.confirmDelete(item, c);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  /** Rename in place: Enter (or leaving the box) keeps the new name, Esc keeps the old one. */
  private startRename(item: HTMLElement, c: ConversationSummary): void {
    const input = el('input', { type: 'text', class: 'history-rename-input', 'aria-label': `New name for “${c.title}”`, maxlength: '200', spellcheck: 'false' });
    input.value = c.title;
    const open = item.querySelector('.history-open') as HTMLElement;
    const actions = item.querySelector('.history-actions') as HTMLElement;
    open.hidden = true;
    actions.hidden = true;
    item.prepend(input);
    this.editing = true;
    let done = false;
    const finish = (keep: boolean) => {
      if (done) return;
      done = true;
      this.editing = false;
      const title = input.value.trim();
      const hadFocus = item.contains(document.activeElement);
      input.remove();
      open.hidden = false;
      actions.hidden = false;
      if (keep && title !== '' && title !== c.title) {
        // Shown at once; the host's next state confirms it.
        (open.querySelector('.history-item-title') as HTMLElement).textContent = title;
        post({ type: 'renameConversation', id: c.id, title });
      }
      if (hadFocus) open.focus();
      if (this.renderPending) this.renderList();
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        e.preventDefault();
        finish(true);
      } else if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        finish(false);
      }
    });
    input.addEventListener('blur', () => finish(true));
    input.focus();
    input.select();
  }

  /** Delete asks first, in the row itself: Delete confirms, Cancel (the focus) or Esc keeps the conversation. */
  private confirmDelete(item: HTMLElement, c: ConversationSummary): void {
    const open = item.querySelector('.history-open') as HTMLElement;
    const actions = item.querySelector('.history-actions') as HTMLElement;
    const confirm = el('div', { class: 'history-confirm', role: 'group', 'aria-label': `Delete “${c.title}”?` });
    const question = el('span', { class: 'history-confirm-text' }, `Delete “${c.title}”? This cannot be undone.`);
    const yes = el('button', { type: 'button' }, 'Delete');
    const no = el('button', { type: 'button', class: 'secondary' }, 'Cancel');
    confirm.append(question, yes, no);
    actions.hidden = true;
    open.hidden = true;
    item.append(confirm);
    this.editing = true;
    const cancel = () => {
      this.editing = false;
      confirm.remove();
      actions.hidden = false;
      open.hidden = false;
      open.focus();
      if (this.renderPending) this.renderList();
    };
    yes.addEventListener('click', () => {
      this.editing = false;
      const rows = this.rows();
      const at = rows.indexOf(open);
      post({ type: 'deleteConversation', id: c.id });
      // Gone at once; the host's next state confirms it.
      this.conversations = this.conversations.filter((x) => x.id !== c.id);
      if (this.found) this.found = this.found.filter((id) => id !== c.id);
      this.renderList();
      if (this.rows().length) this.focusRow(at);
      else this.search.focus();
    });
    no.addEventListener('click', cancel);
    confirm.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        cancel();
      }
    });
    no.focus();
  }
}
