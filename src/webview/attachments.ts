import {
  attachmentChipName,
  attachmentMeta,
  attachmentName,
  attachmentStatus,
  base64FromDataUrl,
  dataRefusal,
  isAttachableDrag,
  modeFullLabel,
  modeShortLabel,
  offersModeChoice,
  pasteTakesFiles,
  planDrop,
  skippedNotice,
} from './attachmentRules';
import { el, post } from './dom';
import { icon } from './icons';
import type { AttachmentMode, AttachmentView, ChipView } from './protocol';

/**
 * The chat page's attach UI: the composer's attach button, attachment chips (state, progress, Cancel, the choice
 * between extracted text and the image, with the cost of each), a paste of pictures into the question box and a
 * drop of files anywhere on the chat. The host does the rest (reading, policy, extraction); what the page
 * refuses itself (an empty file, one too large for a message) it says through `notice`, and posts nothing.
 */

export type Notice = (message: string) => void;

/** The attach button for the composer's bar: the host opens its file dialog. */
export function attachButton(): HTMLButtonElement {
  const name = 'Attach image or document';
  const button = el('button', { type: 'button', class: 'icon-button attach-button', 'aria-label': name, title: `${name} (PNG, JPEG, PDF, DOCX, PPTX)` });
  button.append(icon('paperclip'));
  button.addEventListener('click', () => post({ type: 'attachFiles' }));
  return button;
}

// ---------- the chip ----------

/**
 * An attachment's chip: a focusable list item (Delete or Backspace removes it) holding the kind's icon, the name,
 * what it is, its progress or error, Cancel while extracting, the mode switch for an image, and ×. The host's note
 * ("Image mode: the picture is sent as is (not redacted)") is the tooltip and the chip's description.
 * Every focusable part carries `data-focus` so the composer can keep the focus across a re-render.
 */
export function attachmentChip(chip: ChipView, view: AttachmentView): HTMLElement {
  const item = el('div', {
    class: 'chip chip-attachment',
    role: 'listitem',
    tabindex: '0',
    'data-focus': `${chip.id}:chip`,
    'data-state': view.state,
    'aria-label': attachmentChipName(chip.label, view),
  });
  const note = view.note?.trim();
  if (note) {
    const noteId = `attachment-note-${cssSafe(chip.id)}`;
    item.title = `${chip.label} — ${note}`;
    item.setAttribute('aria-describedby', noteId);
    item.append(el('span', { class: 'visually-hidden', id: noteId }, note));
  } else {
    item.title = chip.detail ?? chip.label;
  }

  const head = el('span', { class: 'attachment-head' });
  const kindIcon = icon(view.kind === 'image' ? 'image' : 'document');
  head.append(kindIcon, el('span', { class: 'chip-label' }, chip.label), el('span', { class: 'attachment-meta' }, attachmentMeta(view)));
  head.append(el('span', { class: 'spacer' }));
  if (view.state === 'extracting') {
    const cancel = el('button', { type: 'button', class: 'link attachment-cancel', 'data-focus': `${chip.id}:cancel`, 'aria-label': `Cancel extracting ${chip.label}` }, 'Cancel');
    cancel.addEventListener('click', () => post({ type: 'cancelAttachment', id: chip.id }));
    head.append(cancel);
  }
  const remove = el('button', { type: 'button', class: 'chip-remove', 'data-focus': `${chip.id}:remove`, 'aria-label': `Remove ${chip.label} from context`, title: 'Remove from context' }, '×');
  remove.addEventListener('click', () => post({ type: 'removeChip', id: chip.id }));
  head.append(remove);
  item.append(head);

  const status = attachmentStatus(view);
  if (status) item.append(el('span', { class: `attachment-status attachment-${view.state}` }, status));
  if (offersModeChoice(view)) item.append(modeSwitch(chip, view));

  item.addEventListener('keydown', (e) => {
    if ((e.key === 'Delete' || e.key === 'Backspace') && (e.target === item || e.target === remove)) {
      e.preventDefault();
      post({ type: 'removeChip', id: chip.id });
    }
  });
  return item;
}

/** "Send as": two radio buttons, Text and Image, each with its cost; the arrow keys move and choose (ARIA radio group). */
function modeSwitch(chip: ChipView, view: AttachmentView): HTMLElement {
  const group = el('div', { class: 'attachment-modes', role: 'radiogroup', 'aria-label': `Send ${chip.label} as` });
  const modes: readonly AttachmentMode[] = ['text', 'image'];
  const choose = (mode: AttachmentMode) => {
    if (mode !== view.mode) post({ type: 'setAttachmentMode', id: chip.id, mode });
  };
  const buttons = modes.map((mode) => {
    const cost = view.costs[mode];
    const checked = mode === view.mode;
    const full = modeFullLabel(mode, cost);
    const button = el('button', {
      type: 'button',
      role: 'radio',
      class: `attachment-mode attachment-mode-${mode}`,
      'aria-checked': String(checked),
      'aria-label': full,
      title: full,
      tabindex: checked ? '0' : '-1',
      'data-focus': `${chip.id}:mode-${mode}`,
    }, modeShortLabel(mode, cost));
    button.addEventListener('click', () => choose(mode));
    return button;
  });
  group.addEventListener('keydown', (e) => {
    const at = buttons.indexOf(e.target as HTMLButtonElement);
    if (at < 0) return;
    const step = e.key === 'ArrowRight' || e.key === 'ArrowDown' ? 1 : e.key === 'ArrowLeft' || e.key === 'ArrowUp' ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    e.stopPropagation();
    const next = (at + step + buttons.length) % buttons.length;
    buttons[next].focus();
    choose(modes[next]);
  });
  group.append(el('span', { class: 'attachment-modes-label', 'aria-hidden': 'true' }, 'Send as'), ...buttons);
  return group;
}

const cssSafe = (id: string) => id.replace(/[^A-Za-z0-9_-]/g, '_');

// ---------- files as data (paste, a drop from the OS) ----------

function readAsBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.addEventListener('load', () => {
      const data = typeof reader.result === 'string' ? base64FromDataUrl(reader.result) : undefined;
      if (data) resolve(data);
      else reject(new Error('not a data URL'));
    });
    reader.addEventListener('error', () => reject(reader.error ?? new Error('read failed')));
    reader.readAsDataURL(file);
  });
}

/**
 * Sends each file to the host as `attachData`, one at a time (one file's base64 in memory at once). An empty file
 * or one over the message limit is refused here with a notice; the others go on.
 */
export async function attachFileData(files: readonly File[], pasted: boolean, notice: Notice): Promise<void> {
  for (const file of files) {
    const name = attachmentName(file, pasted);
    const refusal = dataRefusal({ name, size: file.size });
    if (refusal) {
      notice(refusal);
      continue;
    }
    try {
      const data = await readAsBase64(file);
      post({ type: 'attachData', name, mime: file.type, data });
    } catch {
      notice(`“${name}” could not be read, so it was not attached.`);
    }
  }
}

/** The question box's paste: pictures (or files) without text are attached; any paste with text stays a text paste. */
export function onPaste(e: ClipboardEvent, notice: Notice): void {
  const clipboard = e.clipboardData;
  if (!clipboard) return;
  const files = [...clipboard.files];
  if (!pasteTakesFiles(files.length, clipboard.getData('text/plain'))) return;
  e.preventDefault();
  void attachFileData(files, true, notice);
}

// ---------- drag and drop onto the whole chat ----------

/**
 * While files are dragged over the chat, an overlay says "Drop to attach" (and that VS Code's explorer needs
 * Shift held to drop into a view); a drop attaches them: VS Code's URIs as `attachUris`, the OS's files as data.
 */
export class DropZone {
  readonly element = el('div', { class: 'drop-zone', hidden: '', 'aria-hidden': 'true' });
  private depth = 0;

  constructor(target: HTMLElement, private readonly notice: Notice) {
    const box = el('div', { class: 'drop-zone-box' });
    box.append(icon('paperclip'), el('span', { class: 'drop-zone-title' }, 'Drop to attach'));
    box.append(el('span', { class: 'drop-zone-hint' }, 'Images, PDF, DOCX, PPTX. From VS Code’s explorer, hold Shift while you drop.'));
    this.element.append(box);
    target.addEventListener('dragenter', (e) => {
      if (!this.takes(e)) return;
      e.preventDefault();
      this.depth++;
      this.show(true);
    });
    target.addEventListener('dragover', (e) => {
      if (!this.takes(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
      this.show(true);
    });
    target.addEventListener('dragleave', () => {
      this.depth = Math.max(0, this.depth - 1);
      if (this.depth === 0) this.show(false);
    });
    target.addEventListener('drop', (e) => {
      this.depth = 0;
      this.show(false);
      if (!this.takes(e)) return;
      e.preventDefault();
      this.drop(e.dataTransfer as DataTransfer);
    });
    // A drag that ends elsewhere (Esc, dropped outside the window).
    window.addEventListener('dragend', () => {
      this.depth = 0;
      this.show(false);
    });
  }

  private takes(e: DragEvent): boolean {
    return e.dataTransfer !== null && isAttachableDrag([...e.dataTransfer.types]);
  }

  private show(on: boolean): void {
    this.element.hidden = !on;
  }

  private drop(transfer: DataTransfer): void {
    const files = [...transfer.files];
    const plan = planDrop({ types: [...transfer.types], files, getData: (type) => transfer.getData(type) });
    switch (plan.kind) {
      case 'uris': {
        post({ type: 'attachUris', uris: plan.uris });
        const skipped = skippedNotice(plan.skipped);
        if (skipped) this.notice(skipped);
        break;
      }
      case 'files':
        void attachFileData(files, false, this.notice);
        break;
      case 'none':
        this.notice(plan.reason);
        break;
    }
  }
}
