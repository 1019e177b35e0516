import { el, local, persistLocal, post } from './dom';
import type { ChatState, ChipView, FileResult, ModelChoice } from './protocol';

export interface ComposerHooks {
  /** An answer is streaming (or a question is on its way): Send is refused, Stop is shown. */
  isBusy(): boolean;
  /** A question was sent: the page waits for the host to show its turn. */
  onSent(): void;
}

/**
 * The composer: the question box (Enter sends, Shift+Enter a new line, Up/Down recall earlier questions, `@`
 * picks a file), the context chips, the model picker, Send and Stop, and a hint line for what was refused.
 */
export class Composer {
  readonly element: HTMLElement;
  readonly chips = el('div', { class: 'chips', role: 'list', 'aria-label': 'Context for the next request' });
  readonly mentionList = el('ul', { class: 'mentions', role: 'listbox', 'aria-label': 'Files', hidden: '' });
  private readonly input = el('textarea', { 'aria-label': 'Ask DeepSeek', placeholder: 'Ask DeepSeek… (Enter to send, Shift+Enter for a new line, @ to add a file)', rows: '3' });
  private readonly modelSelect = el('select', { 'aria-label': 'Model' });
  private readonly chatOption = el('option', { value: 'chat' }, 'Chat');
  private readonly reasonerOption = el('option', { value: 'reasoner' }, 'Reasoner');
  private readonly sendButton = el('button', { type: 'submit' }, 'Send');
  private readonly stopButton = el('button', { type: 'button', class: 'stop', hidden: '' }, 'Stop');
  private readonly hint = el('div', { class: 'composer-hint', role: 'status', 'aria-live': 'polite' });
  private historyIndex = local.history.length;
  private mentionRequest = 0;
  private mentionTimer: ReturnType<typeof setTimeout> | undefined;
  private mentionResults: readonly FileResult[] = [];
  private mentionActive = 0;

  constructor(private readonly hooks: ComposerHooks) {
    // The roles are the choice; which model each resolves to comes with the host's state (renderModels).
    this.modelSelect.append(this.chatOption, this.reasonerOption);
    const form = el('form', { class: 'composer' });
    const buttons = el('div', { class: 'composer-buttons' });
    buttons.append(this.sendButton, this.stopButton);
    form.append(this.input, buttons, this.hint);
    this.element = form;
    this.input.value = local.draft;
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      this.send();
    });
    this.input.addEventListener('input', () => this.onInput());
    this.input.addEventListener('keydown', (e) => this.onKeyDown(e));
    this.stopButton.addEventListener('click', () => post({ type: 'stop' }));
    this.modelSelect.addEventListener('change', () => post({ type: 'setModel', model: this.modelSelect.value as ModelChoice }));
  }

  /** The model picker (placed by the page's layout). */
  get picker(): HTMLSelectElement {
    return this.modelSelect;
  }

  focus(): void {
    this.input.focus();
  }

  renderState(s: ChatState): void {
    // Older hosts sent no labels; the role's name alone is still right.
    this.chatOption.textContent = typeof s.modelLabels?.chat === 'string' ? s.modelLabels.chat : 'Chat';
    this.reasonerOption.textContent = typeof s.modelLabels?.reasoner === 'string' ? s.modelLabels.reasoner : 'Reasoner';
    this.modelSelect.value = s.model;
    this.renderChips(s.chips);
  }

  setBusy(busy: boolean): void {
    this.stopButton.hidden = !busy;
    this.sendButton.disabled = busy;
    this.sendButton.title = busy ? 'DeepSeek is answering: Stop it or wait, then send' : 'Send (Enter)';
    if (!busy) this.hint.textContent = '';
  }

  /** The host did not send a question: say why, and put its text back when the box is empty. */
  refused(reason: string, text: string | undefined): void {
    if (text && this.input.value.trim() === '') {
      this.input.value = text;
      local.draft = text;
      persistLocal();
    }
    this.hint.textContent = reason;
  }

  renderChips(list: readonly ChipView[]): void {
    this.chips.replaceChildren();
    for (const chip of list) {
      const item = el('span', { class: `chip chip-${chip.kind}`, role: 'listitem', title: chip.detail ?? chip.label });
      item.append(el('span', {}, chip.label));
      const remove = el('button', { type: 'button', class: 'chip-remove', 'aria-label': `Remove ${chip.label} from context` }, '×');
      remove.addEventListener('click', () => post({ type: 'removeChip', id: chip.id }));
      item.append(remove);
      this.chips.append(item);
    }
    const add = el('button', { type: 'button', class: 'chip-add', 'aria-label': 'Add the current file to the context' }, '+ Current file');
    add.addEventListener('click', () => post({ type: 'addCurrentFile' }));
    this.chips.append(add);
  }

  fileResults(requestId: number, files: readonly FileResult[]): void {
    if (requestId === this.mentionRequest && this.mentionQuery() !== undefined) {
      this.mentionResults = files;
      this.mentionActive = 0;
      this.renderMentions();
    }
  }

  // ---------- @ mentions ----------
  private mentionQuery(): string | undefined {
    const before = this.input.value.slice(0, this.input.selectionStart);
    const match = /(?:^|\s)@([^\s@]*)$/.exec(before);
    return match ? match[1] : undefined;
  }

  private closeMentions(): void {
    this.mentionList.hidden = true;
    this.mentionResults = [];
  }

  private renderMentions(): void {
    this.mentionList.replaceChildren();
    this.mentionResults.forEach((file, i) => {
      const item = el('li', { role: 'option', 'aria-selected': String(i === this.mentionActive), title: file.path }, file.label);
      item.addEventListener('mousedown', (e) => {
        e.preventDefault();
        this.pickMention(i);
      });
      this.mentionList.append(item);
    });
    this.mentionList.hidden = this.mentionResults.length === 0;
  }

  private pickMention(index: number): void {
    const file = this.mentionResults[index];
    if (!file) return;
    const caret = this.input.selectionStart;
    const before = this.input.value.slice(0, caret).replace(/@([^\s@]*)$/, '');
    this.input.value = before + this.input.value.slice(caret);
    this.input.selectionStart = this.input.selectionEnd = before.length;
    post({ type: 'pinFile', path: file.path });
    this.closeMentions();
  }

  private onInput(): void {
    local.draft = this.input.value;
    persistLocal();
    const query = this.mentionQuery();
    if (query === undefined) {
      this.closeMentions();
      return;
    }
    clearTimeout(this.mentionTimer);
    this.mentionTimer = setTimeout(() => post({ type: 'searchFiles', requestId: ++this.mentionRequest, query }), 80);
  }

  // ---------- sending ----------
  private send(): void {
    const text = this.input.value.trim();
    if (!text) return;
    if (this.hooks.isBusy()) {
      // One answer at a time per chat: the question stays in the box.
      this.hint.textContent = 'DeepSeek is still answering. Stop it or wait, then press Enter again — your question stays here.';
      return;
    }
    this.hooks.onSent();
    post({ type: 'ask', text, model: this.modelSelect.value as ModelChoice });
    if (local.history[local.history.length - 1] !== text) local.history.push(text);
    local.history = local.history.slice(-100);
    this.historyIndex = local.history.length;
    this.input.value = '';
    local.draft = '';
    persistLocal();
    this.closeMentions();
  }

  private onKeyDown(e: KeyboardEvent): void {
    const input = this.input;
    if (!this.mentionList.hidden && this.mentionResults.length > 0) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        this.mentionActive = (this.mentionActive + (e.key === 'ArrowDown' ? 1 : this.mentionResults.length - 1)) % this.mentionResults.length;
        this.renderMentions();
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        this.pickMention(this.mentionActive);
        return;
      }
      if (e.key === 'Escape') {
        e.preventDefault();
        this.closeMentions();
        return;
      }
    }
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.send();
      return;
    }
    const atStart = input.selectionStart === 0 && input.selectionEnd === 0;
    const atEnd = input.selectionStart === input.value.length;
    if (e.key === 'ArrowUp' && (input.value === '' || atStart) && this.historyIndex > 0) {
      e.preventDefault();
      this.historyIndex--;
      input.value = local.history[this.historyIndex];
    } else if (e.key === 'ArrowDown' && atEnd && this.historyIndex < local.history.length) {
      e.preventDefault();
      this.historyIndex++;
      input.value = local.history[this.historyIndex] ?? '';
    }
  }
}
