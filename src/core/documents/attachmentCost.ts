/**
 * What an attachment costs as extracted text and as an image, for the chip's estimate and its default mode.
 * Estimates before anything is sent: the figure a request is billed at comes from its usage.
 */
import { formatUsd } from '../money';
import { estimateTokens } from '../tokenEstimate';
import { imageTokenEstimate } from './imageTokens';
import { VISION_FORMATS, type DocumentInfo } from './types';

/** As src/webview/protocol.ts's AttachmentMode (src/core may not import the webview's protocol). */
export type AttachmentMode = 'text' | 'image';

/**
 * Prompt tokens per page of extracted text when the text is not at hand yet: a dense page of prose is about
 * 2,500–3,000 characters, 0.3 tokens each (tokenEstimate.ts). A screenshot usually holds far less; the
 * estimate errs high so the text choice never looks cheaper than it turns out.
 */
export const TEXT_TOKENS_PER_PAGE_ESTIMATE = 800;

export interface AttachmentCostInput {
  readonly info: DocumentInfo;
  readonly ocrPricePerPageUsd: number;
  /** The extracted text, when the cache has it (nothing to upload, nothing to pay for OCR). */
  readonly cachedText?: string;
  /** USD per 1M prompt tokens missing the cache, of the chat model the attachment goes to. */
  readonly missPricePerMTok: number;
  /** Whether the chat model takes images (`image_url` parts). */
  readonly visionAvailable: boolean;
}

export interface AttachmentCosts {
  /** Extraction (ocrUsd, 0 when cached) plus the text's prompt tokens. */
  readonly text: { readonly usd: number; readonly tokens: number; readonly ocrUsd: number };
  /** Only for an image the chat model takes. */
  readonly image?: { readonly usd: number; readonly tokens: number };
  /** The lower of the two (text on a tie: it can be redacted and cached). */
  readonly cheaper: AttachmentMode;
}

const nonNegative = (n: number) => (Number.isFinite(n) && n > 0 ? n : 0);

export function attachmentCosts(input: AttachmentCostInput): AttachmentCosts {
  const { info } = input;
  const miss = nonNegative(input.missPricePerMTok);
  const pages = info.pages !== undefined && info.pages > 0 ? info.pages : 1;
  const cached = input.cachedText !== undefined;
  const ocrUsd = cached ? 0 : pages * nonNegative(input.ocrPricePerPageUsd);
  const textTokens = cached ? estimateTokens(input.cachedText ?? '') : pages * TEXT_TOKENS_PER_PAGE_ESTIMATE;
  const text = { usd: ocrUsd + (textTokens * miss) / 1e6, tokens: textTokens, ocrUsd };
  const visionable = input.visionAvailable && info.kind === 'image' && VISION_FORMATS.includes(info.format);
  if (!visionable) {
    return { text, cheaper: 'text' };
  }
  const imageTokens = imageTokenEstimate(info.width, info.height);
  const image = { usd: (imageTokens * miss) / 1e6, tokens: imageTokens };
  return { text, image, cheaper: image.usd < text.usd ? 'image' : 'text' };
}

/** An estimate for the chip: "~$0.00021", "<$0.0001" below a hundredth of a cent, "$0.00" for nothing. */
export function formatEstimate(usd: number): string {
  if (!Number.isFinite(usd)) return '$—';
  if (usd <= 0) return '$0.00';
  if (usd < 0.0001) return '<$0.0001';
  return `~${formatUsd(usd)}`;
}
