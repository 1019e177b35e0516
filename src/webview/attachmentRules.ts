import { MAX_ATTACHMENT_DATA_CHARS, type AttachmentMode, type AttachmentView } from './protocol';

/**
 * The attach UI's decisions and wording, pure (no DOM) so plain Node tests can check them: what a paste or a drop
 * attaches, which files may go as data, and what an attachment chip says. src/webview/attachments.ts renders them.
 */

/** What the page knows of a pasted or dropped file before reading it. */
export interface FileDescription {
  readonly name: string;
  /** The MIME type the browser reports ("image/png"); empty when it does not know. */
  readonly type: string;
  readonly size: number;
}

/** VS Code's own drag data (explorer, editor tabs), then the standard one; both hold one URI per line. */
export const CODE_URI_LIST = 'application/vnd.code.uri-list';
export const TEXT_URI_LIST = 'text/uri-list';
/** At most this many files in one drop of URIs (the host refuses more). */
export const MAX_DROPPED_URIS = 32;

/** The largest file that fits in one `attachData` message: its base64 stays within MAX_ATTACHMENT_DATA_CHARS. */
export const MAX_ATTACHMENT_BYTES = Math.floor(MAX_ATTACHMENT_DATA_CHARS / 4) * 3;

/** The base64 length of `bytes` bytes (padded). */
export function base64Length(bytes: number): number {
  return Math.ceil(bytes / 3) * 4;
}

/** "812 bytes", "3.4 KB", "52.1 MB" (binary units, as the limit is). */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Why a file cannot go as data, or undefined when it can: empty, or over the size one message may carry. */
export function dataRefusal(file: Pick<FileDescription, 'name' | 'size'>): string | undefined {
  const name = displayName(file.name);
  if (file.size <= 0) return `“${name}” is empty: there is nothing to attach.`;
  if (base64Length(file.size) > MAX_ATTACHMENT_DATA_CHARS) {
    return `“${name}” is too large to attach (${formatBytes(file.size)}; at most ${formatBytes(MAX_ATTACHMENT_BYTES)}).`;
  }
  return undefined;
}

/** The base64 part of a `data:…;base64,…` URL (FileReader.readAsDataURL), or undefined when it is not one. */
export function base64FromDataUrl(url: string): string | undefined {
  const match = /^data:[^,]*;base64,([A-Za-z0-9+/]*={0,2})$/.exec(url);
  return match ? match[1] : undefined;
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'image/bmp': 'bmp',
  'image/tiff': 'tiff',
  'application/pdf': 'pdf',
};

/**
 * The name a pasted or dropped file is attached under. A browser names every pasted picture "image.png"; those
 * become "Pasted image.png" so the chip says where it came from. A file without a name gets one from its type.
 */
export function attachmentName(file: Pick<FileDescription, 'name' | 'type'>, pasted: boolean): string {
  const ext = EXTENSIONS[file.type.toLowerCase()] ?? (file.type.startsWith('image/') ? file.type.slice(6).replace(/\W/g, '') : 'bin');
  const name = file.name.trim();
  if (name === '') return pasted ? `Pasted image.${ext}` : `Dropped file.${ext}`;
  if (pasted && /^image\.\w+$/i.test(name)) return `Pasted ${name}`;
  return name;
}

function displayName(name: string): string {
  const trimmed = name.trim();
  return trimmed === '' ? 'The file' : trimmed;
}

/**
 * A paste attaches its files only when it holds no text: a copy from a word processor or a browser carries a
 * picture of the selection beside the text, and pasting it must stay a text paste.
 */
export function pasteTakesFiles(fileCount: number, plainText: string): boolean {
  return fileCount > 0 && plainText.trim() === '';
}

/** A drag this page can take: files from the OS, or URIs from VS Code or elsewhere. */
export function isAttachableDrag(types: readonly string[]): boolean {
  return types.includes('Files') || types.includes(CODE_URI_LIST) || types.includes(TEXT_URI_LIST);
}

/**
 * The URIs of a uri-list: one a line (RFC 2483), `#` lines are comments, duplicates dropped. VS Code has also
 * put a JSON array of URIs under its own type; that is read too.
 */
export function parseUriList(text: string): string[] {
  let lines: string[];
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      lines = Array.isArray(parsed) ? parsed.filter((u): u is string => typeof u === 'string') : [];
    } catch {
      lines = [];
    }
  } else {
    lines = trimmed.split(/\r?\n/);
  }
  const uris: string[] = [];
  for (const line of lines) {
    const uri = line.trim();
    if (uri === '' || uri.startsWith('#') || !/^[a-z][a-z0-9+.-]*:/i.test(uri) || uris.includes(uri)) continue;
    uris.push(uri);
  }
  return uris;
}

export type DropPlan =
  | { readonly kind: 'uris'; readonly uris: readonly string[]; readonly skipped: number }
  | { readonly kind: 'files'; readonly files: readonly FileDescription[] }
  | { readonly kind: 'none'; readonly reason: string };

/** A drop as the page sees it: its types, its files, and the text of a type (empty when absent). */
export interface DropDescription {
  readonly types: readonly string[];
  readonly files: readonly FileDescription[];
  getData(type: string): string;
}

/**
 * What a drop attaches. VS Code's own URI list comes first (a drag from its explorer or an editor tab: the host
 * reads the files under its read policy); then files from the OS (their bytes, as data: the host may not see the
 * OS's paths, in a remote window); then a plain `text/uri-list` (a link dragged from a browser).
 */
export function planDrop(drop: DropDescription): DropPlan {
  const fromUris = (type: string): DropPlan | undefined => {
    if (!drop.types.includes(type)) return undefined;
    const uris = parseUriList(drop.getData(type));
    return uris.length > 0 ? { kind: 'uris', uris: uris.slice(0, MAX_DROPPED_URIS), skipped: Math.max(0, uris.length - MAX_DROPPED_URIS) } : undefined;
  };
  const code = fromUris(CODE_URI_LIST);
  if (code) return code;
  if (drop.files.length > 0) return { kind: 'files', files: drop.files };
  return fromUris(TEXT_URI_LIST) ?? { kind: 'none', reason: 'Nothing to attach: drop image or document files (PNG, JPEG, PDF, DOCX, PPTX).' };
}

/** The notice for the URIs a drop left out. */
export function skippedNotice(skipped: number): string | undefined {
  return skipped > 0 ? `Only the first ${MAX_DROPPED_URIS} files were attached; ${skipped} more ${skipped === 1 ? 'was' : 'were'} left out.` : undefined;
}

// ---------- the attachment chip's wording ----------

const pagesText = (pages: number) => `${pages} ${pages === 1 ? 'page' : 'pages'}`;

/** "PNG image", "PDF · 12 pages". */
export function attachmentMeta(view: AttachmentView): string {
  const format = view.format.toUpperCase();
  if (view.kind === 'image') return `${format} image`;
  return view.pages !== undefined && view.pages > 0 ? `${format} · ${pagesText(view.pages)}` : `${format} document`;
}

/** The chip's status line: the progress while extracting, the error when it failed; nothing otherwise. */
export function attachmentStatus(view: AttachmentView): string | undefined {
  if (view.state === 'extracting') return view.progress?.trim() || 'Extracting text…';
  if (view.state === 'failed') return view.error?.trim() || 'The text could not be extracted.';
  return undefined;
}

/** A mode's short label inside the chip: "Text ~$0.0002", "Image ~$0.0001". */
export function modeShortLabel(mode: AttachmentMode, cost: string | undefined): string {
  return `${mode === 'text' ? 'Text' : 'Image'}${cost ? ` ${cost}` : ''}`;
}

/** A mode in full, as its accessible name and tooltip: "Extract text ~$0.0002", "Send image ~$0.0001 — not redacted". */
export function modeFullLabel(mode: AttachmentMode, cost: string | undefined): string {
  return mode === 'text' ? `Extract text${cost ? ` ${cost}` : ''}` : `Send image${cost ? ` ${cost}` : ''} — not redacted`;
}

/** Whether the chip offers a choice of mode: an image that can go both ways, not failed. */
export function offersModeChoice(view: AttachmentView): boolean {
  return view.kind === 'image' && view.modes.includes('text') && view.modes.includes('image') && view.state !== 'failed';
}

/**
 * The chip's accessible name: what it is, how it goes and how far it is. "shot.png, PNG image, sent as extracted
 * text ~$0.0002"; "spec.pdf, PDF · 3 pages, extracting: Recognising 3 pages… 4 s"; "bad.pdf, PDF document,
 * failed: The file is too large".
 */
export function attachmentChipName(label: string, view: AttachmentView): string {
  const cost = view.costs[view.mode];
  const how = view.mode === 'image' ? `sent as the image${cost ? ` ${cost}` : ''}` : `sent as extracted text${cost ? ` ${cost}` : ''}`;
  const status = view.state === 'extracting' ? `extracting: ${attachmentStatus(view)}` : view.state === 'failed' ? `failed: ${attachmentStatus(view)}` : how;
  return `${label}, ${attachmentMeta(view)}, ${status}`;
}
