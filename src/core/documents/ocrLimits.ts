/**
 * The limits a file must meet before it is uploaded for text extraction: size, pages, and what the endpoint
 * takes. Checked before anything leaves this machine, with a sentence the user can act on.
 */
import { VISION_FORMATS, type DocumentInfo } from './types';

export interface OcrLimits {
  readonly maxBytes: number;
  readonly maxPages: number;
}

const BYTES_PER_MB = 1024 * 1024;

/** From the settings `deepseek.ocr.maxFileMB` and `deepseek.ocr.maxPages`. */
export function ocrLimitsFromSettings(maxFileMB: number, maxPages: number): OcrLimits {
  return { maxBytes: Math.floor(maxFileMB * BYTES_PER_MB), maxPages: Math.floor(maxPages) };
}

const thousands = (n: number) => n.toLocaleString('en-US');

function megabytes(bytes: number): string {
  const mb = bytes / BYTES_PER_MB;
  return Number.isInteger(mb) ? String(mb) : mb.toFixed(1);
}

/**
 * undefined when `info` may be uploaded; else why not, e.g. "spec.pdf is 140.2 MB; DeepSeek OCR takes files up
 * to 100 MB." `endpointLabel` is how an OpenAI-compatible endpoint is named ("localhost:8000").
 */
export function checkOcrLimits(
  name: string,
  info: DocumentInfo,
  limits: OcrLimits,
  provider: 'deepseek' | 'openaiCompatible',
  endpointLabel: string,
): string | undefined {
  const who = provider === 'deepseek' ? 'DeepSeek OCR' : `the OCR endpoint at ${endpointLabel}`;
  if (provider === 'openaiCompatible' && !VISION_FORMATS.includes(info.format)) {
    return `The OCR endpoint at ${endpointLabel} takes images only (PNG, JPEG, GIF, WebP); set deepseek.ocr.provider to "deepseek" for PDF, DOCX and PPTX.`;
  }
  if (info.bytes > limits.maxBytes) {
    return `${name} is ${megabytes(info.bytes)} MB; ${who} takes files up to ${megabytes(limits.maxBytes)} MB.`;
  }
  if (info.pages !== undefined && info.pages > limits.maxPages) {
    return `${name} has ${thousands(info.pages)} pages; ${who} takes up to ${thousands(limits.maxPages)} — split it first.`;
  }
  return undefined;
}
