/** What an attachment costs as extracted text and as an image, for the chip's estimate and its default mode. */
import type { DocumentInfo } from './types';

/** As src/webview/protocol.ts's AttachmentMode (src/core may not import the webview's protocol). */
export type AttachmentMode = 'text' | 'image';

export interface AttachmentCostInput {
  readonly info: DocumentInfo;
  readonly ocrPricePerPageUsd: number;
  readonly cachedText?: string;
  readonly missPricePerMTok: number;
  readonly visionAvailable: boolean;
}

export interface AttachmentCosts {
  readonly text: { readonly usd: number; readonly tokens: number; readonly ocrUsd: number };
  readonly image?: { readonly usd: number; readonly tokens: number };
  readonly cheaper: AttachmentMode;
}

export function attachmentCosts(input: AttachmentCostInput): AttachmentCosts {
  void input;
  return { text: { usd: 0, tokens: 0, ocrUsd: 0 }, cheaper: 'text' };
}

export function formatEstimate(usd: number): string {
  return `~$${usd.toFixed(4)}`;
}
