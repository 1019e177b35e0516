/**
 * What a file is, told from its bytes (never from its name alone): image format and pixel size, PDF/DOCX/PPTX
 * and their page counts where they can be read without a parser. Pure (node:zlib only, to read DOCX's page
 * count from docProps/app.xml); never throws on bad input.
 */
import { inflateRawSync } from 'node:zlib';
import type { DocumentFormat, DocumentInfo } from './types';

/** Extensions of the files that can be attached or extracted (for menus, the file dialog and `@` search). */
export const DOCUMENT_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'pdf', 'docx', 'doc', 'pptx', 'ppt'];

/** Whether the path's extension is one of DOCUMENT_EXTENSIONS (any case). */
export function isDocumentPath(path: string): boolean {
  return DOCUMENT_EXTENSIONS.includes(extensionOf(path));
}

function extensionOf(path: string): string {
  const match = /\.([A-Za-z0-9]+)$/.exec(path);
  return match ? match[1].toLowerCase() : '';
}

const MIME: Readonly<Record<DocumentFormat, string>> = {
  png: 'image/png',
  jpeg: 'image/jpeg',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  doc: 'application/msword',
  ppt: 'application/vnd.ms-powerpoint',
};

/** The file's name without its folders, for messages. */
function baseName(name: string): string {
  return name.split(/[\\/]/).pop() || name;
}

function startsWith(data: Uint8Array, bytes: readonly number[], at = 0): boolean {
  if (data.length < at + bytes.length) return false;
  return bytes.every((b, i) => data[at + i] === b);
}

const ascii = (data: Uint8Array, at: number, length: number) =>
  at + length <= data.length ? String.fromCharCode(...data.subarray(at, at + length)) : '';

const u16be = (d: Uint8Array, at: number) => (at + 2 <= d.length ? (d[at] << 8) | d[at + 1] : 0);
const u16le = (d: Uint8Array, at: number) => (at + 2 <= d.length ? d[at] | (d[at + 1] << 8) : 0);
const u24le = (d: Uint8Array, at: number) => (at + 3 <= d.length ? d[at] | (d[at + 1] << 8) | (d[at + 2] << 16) : 0);
const u32be = (d: Uint8Array, at: number) => (at + 4 <= d.length ? ((d[at] << 24) >>> 0) + ((d[at + 1] << 16) | (d[at + 2] << 8) | d[at + 3]) : 0);
const u32le = (d: Uint8Array, at: number) => (at + 4 <= d.length ? ((d[at + 3] << 24) >>> 0) + ((d[at + 2] << 16) | (d[at + 1] << 8) | d[at]) : 0);

interface Size {
  readonly width?: number;
  readonly height?: number;
}

const size = (width: number, height: number): Size => (width > 0 && height > 0 ? { width, height } : {});

function pngSize(d: Uint8Array): Size {
  // The IHDR chunk comes first: length (4), "IHDR", width (4), height (4).
  return ascii(d, 12, 4) === 'IHDR' ? size(u32be(d, 16), u32be(d, 20)) : {};
}

function gifSize(d: Uint8Array): Size {
  return size(u16le(d, 6), u16le(d, 8));
}

/** The DIB header sizes a BMP may have (core, V1–V5): "BM" alone is too common a start for text. */
const BMP_HEADER_SIZES: readonly number[] = [12, 40, 52, 56, 64, 108, 124];

function bmpSize(d: Uint8Array): Size {
  // BITMAPINFOHEADER: width and height are signed 32-bit; a negative height means top-down rows.
  if (u32le(d, 14) === 12) return size(u16le(d, 18), u16le(d, 20)); // OS/2 core header: 16-bit sizes
  const width = u32le(d, 18) | 0;
  const height = u32le(d, 22) | 0;
  return size(Math.abs(width), Math.abs(height));
}

/** Start-of-frame markers (SOF0–SOF15 but DHT C4, JPG C8 and DAC CC) carry the frame's height and width. */
function isSofMarker(m: number): boolean {
  return m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
}

function jpegSize(d: Uint8Array): Size {
  let at = 2;
  while (at + 4 <= d.length) {
    if (d[at] !== 0xff) return {};
    const marker = d[at + 1];
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2; // markers without a length
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return {}; // end of image, or the scan began before a frame header
    const length = u16be(d, at + 2);
    if (length < 2) return {};
    if (isSofMarker(marker)) return size(u16be(d, at + 7), u16be(d, at + 5));
    at += 2 + length;
  }
  return {};
}

function webpSize(d: Uint8Array): Size {
  const chunk = ascii(d, 12, 4);
  if (chunk === 'VP8 ') {
    // Key frame: start code 9D 01 2A at 23, then 14-bit width and height.
    return startsWith(d, [0x9d, 0x01, 0x2a], 23) ? size(u16le(d, 26) & 0x3fff, u16le(d, 28) & 0x3fff) : {};
  }
  if (chunk === 'VP8L') {
    if (d[20] !== 0x2f) return {};
    const bits = u32le(d, 21);
    return size((bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') {
    return size(u24le(d, 24) + 1, u24le(d, 27) + 1);
  }
  return {};
}

function tiffSize(d: Uint8Array): Size {
  const little = d[0] === 0x49;
  const u16 = (at: number) => (little ? u16le(d, at) : u16be(d, at));
  const u32 = (at: number) => (little ? u32le(d, at) : u32be(d, at));
  const ifd = u32(4);
  const count = u16(ifd);
  let width = 0;
  let height = 0;
  for (let i = 0; i < count && ifd + 2 + (i + 1) * 12 <= d.length; i++) {
    const entry = ifd + 2 + i * 12;
    const tag = u16(entry);
    const type = u16(entry + 2);
    const value = type === 3 ? u16(entry + 8) : u32(entry + 8);
    if (tag === 256) width = value;
    if (tag === 257) height = value;
  }
  return size(width, height);
}

/** Latin-1 view of the bytes, for searching a PDF's structure (its keywords are ASCII). */
function latin1(d: Uint8Array): string {
  return new TextDecoder('latin1').decode(d);
}

const PAGE_TYPE = /\/Type\s*\/Page(?![A-Za-z])/;

/**
 * A PDF's pages: its `/Type /Page` objects (not `/Pages`), each object number once (an incremental update
 * writes a changed page again); where there are none in plain sight (compressed object streams), the largest
 * `/Count` of a page tree node; undefined when neither can be read.
 */
function pdfPages(d: Uint8Array): number | undefined {
  const text = latin1(d);
  const pageIds = new Set<string>();
  for (const m of text.matchAll(/(\d+)\s+(\d+)\s+obj\b([\s\S]*?)\bendobj\b/g)) {
    if (PAGE_TYPE.test(m[3])) pageIds.add(`${m[1]} ${m[2]}`);
  }
  if (pageIds.size > 0) return pageIds.size;
  const loose = text.match(new RegExp(PAGE_TYPE.source, 'g'))?.length ?? 0;
  if (loose > 0) return loose;
  let count = 0;
  for (const m of text.matchAll(/\/Type\s*\/Pages\b[^>]*?\/Count\s+(\d+)|\/Count\s+(\d+)[^>]*?\/Type\s*\/Pages\b/g)) {
    count = Math.max(count, Number(m[1] ?? m[2]));
  }
  return count > 0 ? count : undefined;
}

interface ZipEntry {
  readonly name: string;
  readonly method: number;
  readonly compressedSize: number;
  readonly localHeader: number;
}

/** The central directory's entries (names, and where each is stored); empty when it cannot be found. */
function zipEntries(d: Uint8Array): ZipEntry[] {
  // The end-of-central-directory record is within the last 64 KiB + 22 bytes.
  const floor = Math.max(0, d.length - 0xffff - 22);
  let eocd = -1;
  for (let at = d.length - 22; at >= floor; at--) {
    if (d[at] === 0x50 && d[at + 1] === 0x4b && d[at + 2] === 0x05 && d[at + 3] === 0x06) {
      eocd = at;
      break;
    }
  }
  if (eocd < 0) return [];
  const count = u16le(d, eocd + 10);
  let at = u32le(d, eocd + 16);
  const entries: ZipEntry[] = [];
  for (let i = 0; i < count && at + 46 <= d.length && u32le(d, at) === 0x02014b50; i++) {
    const nameLength = u16le(d, at + 28);
    const extra = u16le(d, at + 30);
    const comment = u16le(d, at + 32);
    entries.push({
      name: new TextDecoder().decode(d.subarray(at + 46, at + 46 + nameLength)),
      method: u16le(d, at + 10),
      compressedSize: u32le(d, at + 20),
      localHeader: u32le(d, at + 42),
    });
    at += 46 + nameLength + extra + comment;
  }
  return entries;
}

/** The local file names when the central directory is unreadable (a truncated file): scanned from the front. */
function localNames(d: Uint8Array): string[] {
  const names: string[] = [];
  for (let at = 0; at + 30 <= d.length && names.length < 10_000; ) {
    if (u32le(d, at) !== 0x04034b50) break;
    const nameLength = u16le(d, at + 26);
    const extra = u16le(d, at + 28);
    names.push(new TextDecoder().decode(d.subarray(at + 30, at + 30 + nameLength)));
    const compressed = u32le(d, at + 18);
    if ((u16le(d, at + 6) & 0x08) !== 0 && compressed === 0) break; // sizes after the data: cannot skip it
    at += 30 + nameLength + extra + compressed;
  }
  return names;
}

/** An entry's bytes, inflated; undefined when stored in a way this does not read. */
function zipRead(d: Uint8Array, entry: ZipEntry): Uint8Array | undefined {
  const at = entry.localHeader;
  if (u32le(d, at) !== 0x04034b50) return undefined;
  const start = at + 30 + u16le(d, at + 26) + u16le(d, at + 28);
  const raw = d.subarray(start, start + entry.compressedSize);
  try {
    if (entry.method === 0) return raw;
    if (entry.method === 8) return inflateRawSync(raw, { maxOutputLength: 4 * 1024 * 1024 });
  } catch {
    return undefined;
  }
  return undefined;
}

/** DOCX's page count as Word last saved it (docProps/app.xml `<Pages>`). */
function docxPages(d: Uint8Array, entries: readonly ZipEntry[]): number | undefined {
  const app = entries.find((e) => e.name === 'docProps/app.xml');
  const xml = app ? zipRead(d, app) : undefined;
  const match = xml ? /<(?:\w+:)?Pages>\s*(\d+)\s*</.exec(new TextDecoder().decode(xml)) : null;
  const pages = match ? Number(match[1]) : 0;
  return pages > 0 ? pages : undefined;
}

function notADocument(name: string): { readonly error: string } {
  return { error: `${baseName(name)} is not an image or a PDF, DOCX or PPTX document.` };
}

function image(format: DocumentFormat, bytes: number, dims: Size): DocumentInfo {
  return { format, kind: 'image', mime: MIME[format], bytes, pages: 1, ...dims };
}

function document(format: DocumentFormat, bytes: number, pages: number | undefined): DocumentInfo {
  return { format, kind: 'document', mime: MIME[format], bytes, ...(pages !== undefined ? { pages } : {}) };
}

/**
 * What `data` is, from its magic bytes: an image (with its pixel size when the header says), a PDF, DOCX or
 * PPTX (with pages when they can be counted), or a legacy DOC/PPT (OLE, told apart by the name's extension);
 * anything else an error sentence naming the file.
 */
export function describeDocument(name: string, data: Uint8Array): DocumentInfo | { readonly error: string } {
  const bytes = data.length;
  const d = data;
  try {
    if (startsWith(d, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return image('png', bytes, pngSize(d));
    if (startsWith(d, [0xff, 0xd8, 0xff])) return image('jpeg', bytes, jpegSize(d));
    if (ascii(d, 0, 6) === 'GIF87a' || ascii(d, 0, 6) === 'GIF89a') return image('gif', bytes, gifSize(d));
    if (ascii(d, 0, 4) === 'RIFF' && ascii(d, 8, 4) === 'WEBP') return image('webp', bytes, webpSize(d));
    if (ascii(d, 0, 2) === 'BM' && BMP_HEADER_SIZES.includes(u32le(d, 14))) return image('bmp', bytes, bmpSize(d));
    if (startsWith(d, [0x49, 0x49, 0x2a, 0x00]) || startsWith(d, [0x4d, 0x4d, 0x00, 0x2a])) return image('tiff', bytes, tiffSize(d));
    // `%PDF-` may follow a little junk (the spec allows it within the first 1024 bytes).
    if (latin1(d.subarray(0, 1024)).includes('%PDF-')) return document('pdf', bytes, pdfPages(d));
    if (startsWith(d, [0x50, 0x4b, 0x03, 0x04])) {
      const entries = zipEntries(d);
      const names = entries.length > 0 ? entries.map((e) => e.name) : localNames(d);
      if (names.some((n) => n.startsWith('word/'))) return document('docx', bytes, docxPages(d, entries));
      if (names.some((n) => n.startsWith('ppt/'))) {
        const slides = names.filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n)).length;
        return document('pptx', bytes, slides > 0 ? slides : undefined);
      }
      return notADocument(name);
    }
    if (startsWith(d, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) {
      const ext = extensionOf(name);
      if (ext === 'doc') return document('doc', bytes, undefined);
      if (ext === 'ppt') return document('ppt', bytes, undefined);
      return notADocument(name);
    }
  } catch {
    return notADocument(name);
  }
  return notADocument(name);
}
