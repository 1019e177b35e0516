import { attachButton, attachmentChip, onPaste } from './attachments';
import { ComboList } from './comboList';
import { el, local, persistLocal, post } from './dom';
import { ModelMenu } from './modelMenu';
import { parseSlashCommand, type ChatState, type ChipView, type FileResult, type SlashCommandInfo } from './protocol';
import { QuestionRecall } from './recall';
import { matchSlashCommands, slashQuery } from './slashCompletion';

export interface ComposerHooks {
  /** An answer is streaming (or a question is on its way): Send is refused, Stop is shown. */
  isBusy(): boolean;
  /** A question or command was sent: the page waits for the host to show its turn (or refuse it). */
  onSent(): void;
  /** Stop was asked for (the button, or Esc in the page). */
  onStop(): void;
}

/**
 * The composer: one bordered box holding the context chips, the question box and a bar with the model picker
 * and Send / Stop, with a hint line below it for what was refused. The question box is an editable combobox
 * (ARIA 1.2) for two popup lists: `@` picks a file to add to the context, `/` at the start picks a slash command.
 * Enter sends (a known `/command rest` as a slash command), Shift+Enter is a new line, Up/Down walk through
 * the questions asked before, as in a terminal, and back to the draft. Images and documents attach with the
 * bar's paperclip or a paste (src/webview/attachments.ts); they show as chips beside the others.
 */
export class Composer {
  readonly element = el('div', { class: 'composer-area' });
  readonly chips = el('div', { class: 'chips', role: 'list', 'aria-label': 'Context for the next request' });
  private readonly input = el('textarea', {
    'aria-label': 'Ask DeepSeek',
    placeholder: 'Ask DeepSeek — @ adds a file, / a command',
    rows: '2',
    role: 'combobox',
    'aria-autocomplete': 'list',
    'aria-expanded': 'false',
    'aria-haspopup': 'listbox',
    'aria-controls': 'mention-list',
  });
  private readonly mentions = new ComboList('mention-list', 'Files', 'mentions', (i) => this.pickMention(i));
  private readonly slash = new ComboList('slash-list', 'Commands', 'slash-list', (i) => this.pickSlash(i));
  private readonly model = new ModelMenu();
  private readonly sendButton = el('button', { type: 'submit', class: 'send', title: 'Send (Enter)' }, 'Send');
  private readonly stopButton = el('button', { type: 'button', class: 'stop secondary', title: 'Stop the answer (Esc)', 'aria-keyshortcuts': 'Escape', hidden: '' }, 'Stop');
  private readonly hint = el('div', { class: 'composer-hint', role: 'status', 'aria-live': 'polite' });
  /** The hint shows an attachment notice: it stays until the next question or notice, not only while idle. */
  private hintIsNotice = false;
  private readonly recall = new QuestionRecall(local.history);
  private mentionRequest = 0;
  private mentionTimer: ReturnType<typeof setTimeout> | undefined;
  private mentionResults: readonly FileResult[] = [];
  private slashResults: readonly SlashCommandInfo[] = [];

  constructor(private readonly hooks: ComposerHooks) {
    const form = el('form', { class: 'composer' });
    const bar = el('div', { class: 'composer-bar' });
    this.stopButton.prepend(el('span', { class: 'stop-glyph', 'aria-hidden': 'true' }));
    bar.append(attachButton(), this.model.element, el('span', { class: 'spacer' }), this.stopButton, this.sendButton);
    form.append(this.mentions.element, this.slash.element, this.chips, this.input, bar);
    this.element.append(form, this.hint);
    this.input.value = local.draft;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.send();
    });
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.input.addEventListener('blur', () => this.closeLists());
    this.input.addEventListener('paste', (e) => onPaste(e, (message) => this.attachmentNotice(message)));
    this.stopButton.addEventListener('click', () => this.hooks.onStop());
  }

  focus(): void {
    this.input.focus();
  }

  renderState(s: ChatState): void {
    this.model.renderState(s);
    this.renderChips(s.chips);
  }

  setBusy(busy: boolean): void {
    // Send and Stop share the place: one answer at a time per chat.
    this.stopButton.hidden = !busy;
    this.sendButton.hidden = busy;
    if (!busy && !this.hintIsNotice) this.hint.textContent = '';
  }

  /** An attachment was refused or failed (by the host, or the page itself): said in the hint line, politely announced. */
  attachmentNotice(message: string): void {
    this.hintIsNotice = true;
    this.hint.textContent = message;
  }

  /** The host did not send a question: say why, and put its text back when the box is empty. */
  refused(reason: string, text: string | undefined): void {
    if (text && this.input.value.trim() === '') {
      this.input.value = text;
      this.saveDraft();
    }
    this.hintIsNotice = false;
    this.hint.textContent = reason;
  }

  /** Fills the box with `text` and sends it, as if typed (the empty state's suggestions). */
  sendText(text: string): void {
    this.input.value = text;
    this.saveDraft();
    this.send();
    this.input.focus();
  }

  renderChips(list: readonly ChipView[]): void {
    // The chips are rebuilt: a focused chip, or a control in one, keeps the focus (or, removed, hands it on).
    const focused = (document.activeElement as HTMLElement | null)?.closest<HTMLElement>('[data-focus]');
    const focusKey = focused && this.chips.contains(focused) ? focused.dataset.focus : undefined;
    const focusIndex = focused ? [...this.chips.children].findIndex((c) => c.contains(focused)) : -1;
    this.chips.replaceChildren();
    for (const chip of list) {
      if (chip.kind === 'attachment' && chip.attachment) {
        this.chips.append(attachmentChip(chip, chip.attachment));
        continue;
      }
      const item = el('span', { class: `chip chip-${chip.kind}`, role: 'listitem', title: chip.detail ?? chip.label });
      item.append(el('span', { class: 'chip-label' }, chip.label));
      const remove = el('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${chip.label} from context`, title: 'Remove from context' }, '×');
      remove.addEventListener('click', () => post({ type: 'removeChip', id: chip.id }));
      item.append(remove);
      this.chips.append(item);
    }
    const add = el('button', { type: 'button', class: 'chip-add link', 'aria-label': 'Add the current file to the context' }, '+ Current file');
    add.addEventListener('click', () => post({ type: 'addCurrentFile' }));
    this.chips.append(add);
    if (focusKey !== undefined) {
      const again = [...this.chips.querySelectorAll<HTMLElement>('[data-focus]')].find((n) => n.dataset.focus === focusKey);
      const next = [...this.chips.children][focusIndex] as HTMLElement | undefined;
      if (again) again.focus();
      else if (next?.matches('.chip-attachment')) next.focus();
      else this.input.focus();
    }
  }

  fileResults(requestId: number, files: readonly FileResult[]): void {
    if (requestId === this.mentionRequest && this.mentionQuery() !== undefined) {
      this.mentionResults = files;
      this.mentions.show(files.map((f) => ({ label: f.label, title: f.path })));
      this.syncCombobox();
    }
  }

  // ---------- the combobox's two lists ----------
  private openList(): ComboList | undefined {
    return this.slash.isOpen ? this.slash : this.mentions.isOpen ? this.mentions : undefined;
  }

  private syncCombobox(): void {
    const list = this.openList();
    this.input.setAttribute('aria-expanded', String(list !== undefined));
    this.input.setAttribute('aria-controls', (list ?? this.mentions).id);
    const active = list?.activeId;
    if (active) this.input.setAttribute('aria-activedescendant', active);
    else this.input.removeAttribute('aria-activedescendant');
  }

  private closeLists(): void {
    this.mentions.close();
    this.slash.close();
    this.mentionResults = [];
    this.slashResults = [];
    this.syncCombobox();
  }

  private mentionQuery(): string | undefined {
    const before = this.input.value.slice(0, this.input.selectionStart);
    const match = /(?:^|\s)@([^\s@]*)$/.exec(before);
    return match ? match[1] : undefined;
  }

  private pickMention(index: number): void {
    const file = this.mentionResults[index];
    if (!file) return;
    const caret = this.input.selectionStart;
    const before = this.input.value.slice(0, caret).replace(/@([^\s@]*)$/, '');
    this.input.value = before + this.input.value.slice(caret);
    this.input.selectionStart = this.input.selectionEnd = before.length;
    this.saveDraft();
    post({ type: 'pinFile', path: file.path });
    this.closeLists();
  }

  private pickSlash(index: number): void {
    const command = this.slashResults[index];
    if (!command) return;
    const caret = this.input.selectionStart;
    const after = this.input.value.slice(caret).replace(/^\S*\s?/, '');
    const head = `/${command.name} `;
    this.input.value = head + after;
    this.input.selectionStart = this.input.selectionEnd = head.length;
    this.saveDraft();
    this.closeLists();
  }

  private updateSlash(): boolean {
    const query = slashQuery(this.input.value, this.input.selectionStart);
    if (query === undefined) {
      this.slash.close();
      this.slashResults = [];
      return false;
    }
    this.slashResults = matchSlashCommands(query);
    this.slash.show(this.slashResults.map((c) => ({ label: `/${c.name}`, detail: c.description })));
    return this.slash.isOpen;
  }

  private saveDraft(): void {
    local.draft = this.input.value;
    persistLocal();
  }

  private onInput(): void {
    this.saveDraft();
    if (this.updateSlash()) {
      this.mentions.close();
      this.syncCombobox();
      return;
    }
    const query = this.mentionQuery();
    clearTimeout(this.mentionTimer);
    if (query === undefined) {
      this.mentions.close();
      this.mentionResults = [];
    } else {
      this.mentionTimer = setTimeout(() => post({ type: 'searchFiles', requestId: ++this.mentionRequest, query }), 80);
    }
    this.syncCombobox();
  }

  // ---------- sending ----------
  private send(): void {
    const text = this.input.value.trim();
    if (!text) return;
    if (this.hooks.isBusy()) {
      // One answer at a time per chat: the question stays in the box.
      this.hintIsNotice = false;
      this.hint.textContent = 'DeepSeek is still answering. Stop it (Esc) or wait, then press Enter again — your question stays here.';
      return;
    }
    this.hooks.onSent();
    this.hintIsNotice = false;
    this.hint.textContent = '';
    // A known `/command rest` goes to the host as that command; an unknown `/word` is an ordinary question.
    const command = parseSlashCommand(text);
    if (command) post({ type: 'slashCommand', name: command.name, text: command.rest });
    else post({ type: 'ask', text, model: this.model.value });
    this.recall.record(text);
    local.history = [...this.recall.all];
    this.input.value = '';
    this.saveDraft();
    this.closeLists();
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.isComposing) return;
    const list = this.openList();
    if (list) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        list.move(e.key === 'ArrowDown' ? 1 : -1);
        this.syncCombobox();
        return;
      }
      // Enter on a command typed out in full ("/explain") runs it; Tab, or Enter on a partial one, completes.
      const typedOut = list === this.slash && e.key === 'Enter' && !e.shiftKey &&
        this.slashResults[list.activeIndex] !== undefined && this.input.value.trim() === `/${this.slashResults[list.activeIndex].name}`;
      if (typedOut) {
        e.preventDefault();
        this.closeLists();
        this.send();
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        if (list === this.slash) this.pickSlash(list.activeIndex);
        else this.pickMention(list.activeIndex);
        return;
      }
      if (e.key === 'Escape') {
        // Closes the list only: the answer (if one streams) goes on.
        e.preventDefault();
        e.stopPropagation();
        this.closeLists();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault();
      this.send();
      return;
    }
    const input = this.input;
    const collapsed = input.selectionStart === input.selectionEnd;
    const onFirstLine = collapsed && !input.value.slice(0, input.selectionStart).includes('\n');
    const onLastLine = collapsed && !input.value.slice(input.selectionEnd).includes('\n');
    const browsing = this.recall.isBrowsing(input.value);
    if (e.key === 'ArrowUp' && !e.shiftKey && (onFirstLine || browsing)) {
      const earlier = this.recall.back(input.value);
      if (earlier !== undefined) this.showRecalled(e, earlier);
    } else if (e.key === 'ArrowDown' && !e.shiftKey && (onLastLine || browsing)) {
      const later = this.recall.forward(input.value);
      if (later !== undefined) this.showRecalled(e, later);
    }
  }

  private showRecalled(e: KeyboardEvent, text: string): void {
    e.preventDefault();
    this.input.value = text;
    this.input.selectionStart = this.input.selectionEnd = text.length;
    // The draft kept for a reload is what the user typed, not a recalled question.
    if (!this.recall.isBrowsing(text)) this.saveDraft();
    this.closeLists();
  }
}
