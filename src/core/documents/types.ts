/**
 * Shapes shared by document and image extraction (OCR) and by images sent to the chat model. Pure: no
 * `vscode`, no network. The extraction client lives in src/api/ocrClient.ts, the glue (cache, read policy,
 * consent, progress) in src/documents/.
 */

/** What a file is, told from its first bytes (never from its name alone). */
export type DocumentFormat = 'png' | 'jpeg' | 'gif' | 'webp' | 'bmp' | 'tiff' | 'pdf' | 'docx' | 'pptx' | 'doc' | 'ppt';

/** Formats the chat model takes as `image_url` parts (deepseek-api.md: JPEG/PNG/GIF/WebP). */
export const VISION_FORMATS: readonly DocumentFormat[] = ['png', 'jpeg', 'gif', 'webp'];

export interface DocumentInfo {
  readonly format: DocumentFormat;
  readonly kind: 'image' | 'document';
  readonly mime: string;
  readonly bytes: number;
  /** Pages when they can be counted without a parser (PDF page objects, PPTX slides, 1 for an image). */
  readonly pages?: number;
  /** Pixel size of an image, when its header says. */
  readonly width?: number;
  readonly height?: number;
}

/** A file to extract text from: its name (for messages and the multipart filename) and bytes. */
export interface DocumentFile {
  readonly name: string;
  readonly data: Uint8Array;
  readonly info: DocumentInfo;
}

/** DeepSeek's OCR tool's `purpose` field. */
export type OcrPurpose = 'text_recognition' | 'rich_layout_recognition';

/** One page as the OCR tool returns it (`pages: [{index, text, finish_reason}]`); `text` may carry grounding tokens. */
export interface OcrPage {
  readonly index: number;
  readonly text: string;
  readonly finishReason?: string;
}

/** Progress of one extraction, for the chip and the notification. */
export type OcrProgress =
  | { readonly phase: 'uploading'; readonly sentBytes: number; readonly totalBytes: number }
  | { readonly phase: 'recognising'; readonly elapsedMs: number; readonly pages?: number };

/** The provider's answer: its pages, and what it reported of usage (a vision endpoint reports tokens). */
export interface OcrResponse {
  readonly pages: readonly OcrPage[];
  /** Tokens, when the endpoint reported usage (an OpenAI-compatible vision endpoint does; the OCR tool does not). */
  readonly usage?: { readonly promptTokens: number; readonly outputTokens: number };
  /** The model id that answered, when the endpoint says. */
  readonly model?: string;
}

/** The extracted text, as the chat and "Extract Text" use it. */
export interface ExtractedText {
  /** Grounding tokens removed; headings and tables kept (core/documents/grounding.ts). */
  readonly markdown: string;
  readonly pages: number;
  /** SHA-256 of the file's bytes (hex): the cache key, with the provider's identity. */
  readonly hash: string;
  /** "DeepSeek OCR" or "OCR endpoint at http://…". */
  readonly provider: string;
  /** True when it came from the local cache (nothing uploaded, nothing spent). */
  readonly cached: boolean;
}
