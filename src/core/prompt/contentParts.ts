/**
 * Messages whose content is parts (text and images), at both ends of the pipeline. Pure: no `vscode`, no I/O.
 *
 * - In the prompt (serialize.ts `PromptMessage.images`): an image is a reference (`ImageRef`: sha256, mime, name, size), never bytes,
 *   so a frozen turn stays small and serialisable. The chat session turns references into data URLs
 *   (`resolveImageParts`) when it maps built messages to what the client sends.
 * - On the wire (`ContentPart`, structurally the API's `ChatContentPart`): `{type: 'image_url', image_url: {url}}`
 *   with a `data:<mime>;base64,…` URL.
 *
 * Token estimates count an image with core/documents/imageTokens.ts (its pixel size read from the image's
 * header when the reference does not carry it).
 */
import { imageTokenEstimate } from '../documents/imageTokens';
import { estimateTokens } from '../tokenEstimate';

/** An image a turn carries, as the conversation keeps it (its bytes live in the attachment store under `sha256`). */
export interface ImageRef {
  /** SHA-256 of the bytes, lowercase hex: the attachment store's key. */
  readonly sha256: string;
  /** `image/png`, `image/jpeg`, `image/gif` or `image/webp`. */
  readonly mime: string;
  /** What the user attached, e.g. "screenshot.png" or "pasted image.png". */
  readonly name: string;
  /** Size of the bytes. */
  readonly bytes: number;
  readonly width?: number;
  readonly height?: number;
}

/** A part as the client sends it (the API's ChatContentPart; src/core must not import src/api). */
export type ContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

export type MessageContent = string | readonly ContentPart[];

/** What replaces an image whose bytes are no longer stored. */
export function missingImageText(name: string): string {
  return `[image no longer available: ${name}]`;
}

/** Estimated prompt tokens of an image reference. */
export function imageRefTokens(image: ImageRef): number {
  return imageTokenEstimate(image.width, image.height);
}

/** The text of wire content, its text parts joined by blank lines (images left out). */
export function contentText(content: MessageContent): string {
  if (typeof content === 'string') return content;
  return content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n\n');
}

/** A `data:` URL's media type and bytes; undefined for any other URL or a malformed one. */
export function parseDataUrl(url: string): { readonly mime: string; readonly data: Uint8Array } | undefined {
  const m = /^data:([\w.+-]+\/[\w.+-]+)?((?:;[\w.+-]+=[^;,]*)*)(;base64)?,/i.exec(url);
  if (!m) return undefined;
  const body = url.slice(m[0].length);
  const data = m[3] ? Buffer.from(body, 'base64') : Buffer.from(decodeURIComponent(body), 'utf8');
  return { mime: (m[1] ?? 'text/plain').toLowerCase(), data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

/** `data:<mime>;base64,<bytes>`. */
export function toDataUrl(mime: string, data: Uint8Array): string {
  return `data:${mime};base64,${Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64')}`;
}

/** Only the first bytes of a data URL are decoded to read an image's size (its header is there). */
const HEADER_BASE64_CHARS = 64 * 1024;

/** Estimated tokens of one `image_url` part: its size read from the header of a data URL, else as for 1024×1024. */
export function imageUrlTokens(url: string): number {
  const comma = url.indexOf(',');
  if (!/^data:[^,]*;base64,/i.test(url) || comma < 0) return imageTokenEstimate(undefined, undefined);
  const head = url.slice(comma + 1, comma + 1 + HEADER_BASE64_CHARS);
  const bytes = Buffer.from(head.slice(0, head.length - (head.length % 4)), 'base64');
  const size = imageSize(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  return imageTokenEstimate(size?.width, size?.height);
}

/** Estimated tokens of wire content (text estimated; each image by its size). */
export function contentTokens(content: MessageContent): number {
  if (typeof content === 'string') return estimateTokens(content);
  return content.reduce((n, p) => n + (p.type === 'text' ? estimateTokens(p.text) : imageUrlTokens(p.image_url.url)), 0);
}

/**
 * Characters of wire content for the cost estimate made when usage is missing (core/tokenEstimate.ts
 * `estimateTokensFromLength`, about 0.3 tokens a character): text by its length, an image as the characters
 * its token estimate stands for.
 */
export function contentChars(content: MessageContent): number {
  if (typeof content === 'string') return content.length;
  return content.reduce((n, p) => n + (p.type === 'text' ? p.text.length : Math.ceil((imageUrlTokens(p.image_url.url) * 10) / 3)), 0);
}

/** How many image parts the content has. */
export function imageCount(content: MessageContent): number {
  return typeof content === 'string' ? 0 : content.filter((p) => p.type === 'image_url').length;
}

/**
 * A built message's content as the client sends it: its text alone when it carries no images; otherwise parts,
 * its text first, then each image as a data URL of its bytes (`dataFor`) or — when they are gone — the text
 * "[image no longer available: name]", with `onMissing` told.
 */
export function resolveImageParts(
  message: { readonly content: string; readonly images?: readonly ImageRef[] },
  dataFor: (image: ImageRef) => Uint8Array | undefined,
  onMissing?: (image: ImageRef) => void,
): MessageContent {
  if (!message.images || message.images.length === 0) return message.content;
  return [
    { type: 'text', text: message.content },
    ...message.images.map((image): ContentPart => {
      const data = dataFor(image);
      if (!data) {
        onMissing?.(image);
        return { type: 'text', text: missingImageText(image.name) };
      }
      return { type: 'image_url', image_url: { url: toDataUrl(image.mime, data) } };
    }),
  ];
}

/** Pixel size from a PNG, GIF, JPEG or WebP header; undefined when the header does not say. */
export function imageSize(b: Uint8Array): { readonly width: number; readonly height: number } | undefined {
  const u16be = (i: number) => (b[i]! << 8) | b[i + 1]!;
  const u16le = (i: number) => b[i]! | (b[i + 1]! << 8);
  const u24le = (i: number) => b[i]! | (b[i + 1]! << 8) | (b[i + 2]! << 16);
  const u32be = (i: number) => ((b[i]! << 24) >>> 0) + (b[i + 1]! << 16) + (b[i + 2]! << 8) + b[i + 3]!;
  const ascii = (i: number, n: number) => String.fromCharCode(...b.subarray(i, i + n));
  const ok = (w: number, h: number) => (w > 0 && h > 0 ? { width: w, height: h } : undefined);
  if (b.length >= 24 && b[0] === 0x89 && ascii(1, 3) === 'PNG' && ascii(12, 4) === 'IHDR') return ok(u32be(16), u32be(20));
  if (b.length >= 10 && ascii(0, 4) === 'GIF8') return ok(u16le(6), u16le(8));
  if (b.length >= 30 && ascii(0, 4) === 'RIFF' && ascii(8, 4) === 'WEBP') {
    const chunk = ascii(12, 4);
    if (chunk === 'VP8X') return ok(u24le(24) + 1, u24le(27) + 1);
    if (chunk === 'VP8 ') return ok(u16le(26) & 0x3fff, u16le(28) & 0x3fff);
    if (chunk === 'VP8L' && b[20] === 0x2f) {
      const bits = b[21]! | (b[22]! << 8) | (b[23]! << 16) | (b[24]! << 24);
      return ok((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
    }
    return undefined;
  }
  if (b.length >= 4 && b[0] === 0xff && b[1] === 0xd8) {
    let i = 2;
    while (i + 9 < b.length) {
      if (b[i] !== 0xff) return undefined;
      const marker = b[i + 1]!;
      if (marker === 0xff) {
        i++;
        continue;
      }
      // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC): height then width.
      if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) return ok(u16be(i + 7), u16be(i + 5));
      if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
        i += 2;
        continue;
      }
      i += 2 + u16be(i + 2);
    }
  }
  return undefined;
}
