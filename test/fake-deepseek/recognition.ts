import type { DocumentFormat } from '../../src/core/documents/types';
import { blocksFromText, plainText, type Page } from './documentBlocks';
import { imageMime, imageSize, imageText, sniffImage } from './imageFormats';
import { docxPages, pptxPages } from './officeText';
import { countPdfPages, pdfPages } from './pdfText';
import { readZip, ZipError } from './zip';

/**
 * The fake's deterministic "recognition": no OCR, only what a file says about itself — an image's metadata
 * text, a PDF's text operators, the XML of a DOCX or PPTX. The same bytes always give the same pages, so tests
 * can predict exactly what DeepSeek would have "read".
 */

export const NO_TEXT_IN_IMAGE = '(no text found in the image)';
export const NO_TEXT_IN_DOCUMENT = '(no text found in the document)';

export interface RecognisedDocument {
  readonly format: DocumentFormat;
  readonly mime: string;
  readonly pages: readonly Page[];
  readonly width?: number;
  readonly height?: number;
}

/** A file the fake cannot read, with the message the API answers (400). */
export class UnsupportedDocument extends Error {}

/** How many pages a file has, without reading their text (for the page limit, checked before any work). */
export function countPages(bytes: Uint8Array): number {
  const format = sniffDocument(bytes);
  if (format === 'pdf') return countPdfPages(Buffer.from(bytes).toString('latin1'));
  return recognise(bytes).pages.length;
}

/** The format by magic bytes (a ZIP by its entries, OLE as `doc`), or undefined. */
export function sniffDocument(bytes: Uint8Array): DocumentFormat | undefined {
  const image = sniffImage(bytes);
  if (image) return image;
  const head = Buffer.from(bytes.subarray(0, 8)).toString('latin1');
  if (head.startsWith('%PDF-')) return 'pdf';
  if (head === '\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1') return 'doc';
  if (head.startsWith('PK\x03\x04')) {
    try {
      const names = [...readZip(bytes).keys()];
      if (names.includes('word/document.xml')) return 'docx';
      if (names.some((n) => n.startsWith('ppt/'))) return 'pptx';
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** The pages of a file. Throws `UnsupportedDocument` for a file it cannot read. */
export function recognise(bytes: Uint8Array): RecognisedDocument {
  const format = sniffDocument(bytes);
  switch (format) {
    case 'png':
    case 'jpeg':
    case 'gif':
    case 'webp':
    case 'bmp':
    case 'tiff': {
      const text = imageText(bytes, format);
      const blocks = text && text.trim() !== '' ? blocksFromText(text) : [{ kind: 'text' as const, text: NO_TEXT_IN_IMAGE }];
      return { format, mime: imageMime(format), pages: [blocks], ...imageSize(bytes, format) };
    }
    case 'pdf':
      return { format, mime: 'application/pdf', pages: pdfPages(Buffer.from(bytes).toString('latin1')) };
    case 'docx':
    case 'pptx':
      try {
        const entries = readZip(bytes);
        return format === 'docx'
          ? { format, mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', pages: docxPages(entries.get('word/document.xml')?.toString('utf8') ?? '') }
          : { format, mime: 'application/vnd.openxmlformats-officedocument.presentationml.presentation', pages: pptxPages(entries) };
      } catch (err) {
        throw new UnsupportedDocument(`The file could not be read: ${err instanceof ZipError ? err.message : 'damaged archive'}`);
      }
    case 'doc':
    case 'ppt':
      // Legacy Office files: the fake reads no OLE, so it "sees" a page without text.
      return { format, mime: 'application/msword', pages: [[{ kind: 'text', text: NO_TEXT_IN_DOCUMENT }]] };
    default:
      throw new UnsupportedDocument('Unsupported file type: expected PDF, DOC/DOCX, PPT/PPTX or an image (PNG, JPEG, GIF, WebP, BMP, TIFF)');
  }
}

/** The recognised text of a whole file in text mode, pages apart by a blank line (for the request log). */
export function documentText(document: RecognisedDocument): string {
  return document.pages.map(plainText).join('\n\n');
}
