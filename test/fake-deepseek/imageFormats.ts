import { inflateSync } from 'zlib';
import type { DocumentFormat } from '../../src/core/documents/types';

/**
 * What the fake reads from image files without decoding pixels: the format from the first bytes, the pixel
 * size from the header, and the text an image carries in its metadata (which is what the fake "recognises").
 */

const MIMES: Readonly<Record<string, string>> = { png: 'image/png', jpeg: 'image/jpeg', gif: 'image/gif', webp: 'image/webp', bmp: 'image/bmp', tiff: 'image/tiff' };

export type ImageFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'tiff';

export function imageMime(format: ImageFormat): string {
  return MIMES[format];
}

/** The image format told by magic bytes, or undefined for anything else. */
export function sniffImage(bytes: Uint8Array): ImageFormat | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (b.length >= 8 && b.readUInt32BE(0) === 0x89504e47 && b.readUInt32BE(4) === 0x0d0a1a0a) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && /^GIF8[79]a$/.test(b.toString('latin1', 0, 6))) return 'gif';
  if (b.length >= 12 && b.toString('latin1', 0, 4) === 'RIFF' && b.toString('latin1', 8, 12) === 'WEBP') return 'webp';
  if (b.length >= 2 && b.toString('latin1', 0, 2) === 'BM') return 'bmp';
  if (b.length >= 4 && (b.toString('latin1', 0, 4) === 'II*\u0000' || b.toString('latin1', 0, 4) === 'MM\u0000*')) return 'tiff';
  return undefined;
}

/** The pixel size an image's header states, when the fake can read it (PNG, JPEG, GIF, WebP). */
export function imageSize(bytes: Uint8Array, format: DocumentFormat): { width: number; height: number } | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    switch (format) {
      case 'png':
        return b.toString('latin1', 12, 16) === 'IHDR' ? { width: b.readUInt32BE(16), height: b.readUInt32BE(20) } : undefined;
      case 'gif':
        return { width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
      case 'jpeg':
        for (const segment of jpegSegments(b)) {
          // SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC).
          if (segment.marker >= 0xc0 && segment.marker <= 0xcf && ![0xc4, 0xc8, 0xcc].includes(segment.marker)) {
            return { width: b.readUInt16BE(segment.start + 3), height: b.readUInt16BE(segment.start + 1) };
          }
        }
        return undefined;
      case 'webp': {
        const chunk = b.toString('latin1', 12, 16);
        if (chunk === 'VP8X') return { width: b.readUIntLE(24, 3) + 1, height: b.readUIntLE(27, 3) + 1 };
        if (chunk === 'VP8L') {
          const bits = b.readUInt32LE(21);
          return { width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
        }
        if (chunk === 'VP8 ') return { width: b.readUInt16LE(26) & 0x3fff, height: b.readUInt16LE(28) & 0x3fff };
        return undefined;
      }
      default:
        return undefined;
    }
  } catch {
    return undefined; // A header cut short.
  }
}

/**
 * The text an image carries: PNG `tEXt` / `iTXt` / `zTXt` with keyword `Text` (else `Description`), a JPEG
 * `COM` segment, a GIF comment extension. Undefined when there is none.
 */
export function imageText(bytes: Uint8Array, format: DocumentFormat): string | undefined {
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    switch (format) {
      case 'png': {
        const texts = pngTexts(b);
        return texts.get('Text') ?? texts.get('Description');
      }
      case 'jpeg': {
        const com = jpegSegments(b).find((s) => s.marker === 0xfe);
        return com ? b.toString('utf8', com.start, com.end) : undefined;
      }
      case 'gif':
        return gifComment(b);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

/** The text chunks of a PNG by keyword (the first of each keyword wins). */
export function pngTexts(b: Buffer): Map<string, string> {
  const texts = new Map<string, string>();
  for (let at = 8; at + 8 <= b.length; ) {
    const length = b.readUInt32BE(at);
    const type = b.toString('latin1', at + 4, at + 8);
    const data = b.subarray(at + 8, at + 8 + length);
    at += 12 + length;
    if (type === 'IEND') break;
    const nul = data.indexOf(0);
    if (nul < 0 || !['tEXt', 'zTXt', 'iTXt'].includes(type)) continue;
    const keyword = data.toString('latin1', 0, nul);
    if (texts.has(keyword)) continue;
    if (type === 'tEXt') {
      texts.set(keyword, data.toString('latin1', nul + 1));
    } else if (type === 'zTXt') {
      texts.set(keyword, inflateSync(data.subarray(nul + 2)).toString('latin1'));
    } else {
      const compressed = data[nul + 1] === 1;
      const langEnd = data.indexOf(0, nul + 3);
      const translatedEnd = data.indexOf(0, langEnd + 1);
      const raw = data.subarray(translatedEnd + 1);
      texts.set(keyword, (compressed ? inflateSync(raw) : raw).toString('utf8'));
    }
  }
  return texts;
}

interface JpegSegment {
  readonly marker: number;
  /** First byte of the payload (after the length field) and the end of the segment. */
  readonly start: number;
  readonly end: number;
}

/** The marker segments of a JPEG up to the start of scan. */
function jpegSegments(b: Buffer): JpegSegment[] {
  const segments: JpegSegment[] = [];
  for (let at = 2; at + 4 <= b.length; ) {
    if (b[at] !== 0xff) break;
    const marker = b[at + 1];
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      at += 2;
      continue;
    }
    if (marker === 0xd9) break;
    const length = b.readUInt16BE(at + 2);
    segments.push({ marker, start: at + 4, end: Math.min(b.length, at + 2 + length) });
    if (marker === 0xda) break;
    at += 2 + length;
  }
  return segments;
}

/** A GIF's first comment extension (0x21 0xFE), read by walking the blocks. */
function gifComment(b: Buffer): string | undefined {
  const flags = b[10];
  let at = 13 + (flags & 0x80 ? 3 * 2 ** ((flags & 0x07) + 1) : 0);
  while (at < b.length) {
    const introducer = b[at];
    if (introducer === 0x3b) return undefined; // Trailer.
    if (introducer === 0x21) {
      const label = b[at + 1];
      at += 2;
      const parts: Buffer[] = [];
      while (at < b.length && b[at] !== 0) {
        parts.push(b.subarray(at + 1, at + 1 + b[at]));
        at += 1 + b[at];
      }
      at++;
      if (label === 0xfe) return Buffer.concat(parts).toString('utf8');
      continue;
    }
    if (introducer === 0x2c) {
      const localFlags = b[at + 9];
      at += 10 + (localFlags & 0x80 ? 3 * 2 ** ((localFlags & 0x07) + 1) : 0) + 1; // + LZW minimum code size.
      while (at < b.length && b[at] !== 0) at += 1 + b[at];
      at++;
      continue;
    }
    return undefined;
  }
  return undefined;
}
