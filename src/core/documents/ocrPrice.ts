/** How an extraction's price is named in the ledger: per page, and whether the figure is DeepSeek's estimate. */
import { formatUsd } from '../money';
import { DEFAULT_OCR_PRICE_PER_PAGE_USD } from '../settingsSchema';

/**
 * "OCR $0.00021/page (estimate from 1.5 CNY per 1,000 pages)" for the default (DeepSeek publishes no USD
 * figure); "OCR $0.00030/page (deepseek.ocr.pricePerPage)" for the user's own price.
 */
export function ocrPriceLabel(pricePerPageUsd: number): string {
  const per = `OCR ${formatUsd(pricePerPageUsd)}/page`;
  return pricePerPageUsd === DEFAULT_OCR_PRICE_PER_PAGE_USD
    ? `${per} (estimate from 1.5 CNY per 1,000 pages)`
    : `${per} (deepseek.ocr.pricePerPage)`;
}
