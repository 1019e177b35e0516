import * as assert from 'assert/strict';
import { attachmentCosts, formatEstimate, TEXT_TOKENS_PER_PAGE_ESTIMATE } from '../../src/core/documents/attachmentCost';
import { imageTokenEstimate } from '../../src/core/documents/imageTokens';
import type { DocumentInfo } from '../../src/core/documents/types';

const screenshot: DocumentInfo = { format: 'png', kind: 'image', mime: 'image/png', bytes: 200_000, pages: 1, width: 1280, height: 800 };
const pdf: DocumentInfo = { format: 'pdf', kind: 'document', mime: 'application/pdf', bytes: 2_000_000, pages: 40 };
const base = { ocrPricePerPageUsd: 0.00021, missPricePerMTok: 0.15, visionAvailable: true };

describe('attachment costs: text extraction or image', () => {
  it('prices a screenshot both ways and defaults to the cheaper, the image, when OCR must run', () => {
    const costs = attachmentCosts({ info: screenshot, ...base });
    const imageTokens = imageTokenEstimate(1280, 800);
    assert.deepEqual(costs.image, { usd: (imageTokens * 0.15) / 1e6, tokens: imageTokens });
    assert.equal(costs.text.ocrUsd, 0.00021);
    assert.equal(costs.text.tokens, TEXT_TOKENS_PER_PAGE_ESTIMATE);
    assert.ok(Math.abs(costs.text.usd - (0.00021 + (TEXT_TOKENS_PER_PAGE_ESTIMATE * 0.15) / 1e6)) < 1e-12);
    assert.equal(costs.cheaper, 'image');
  });

  it('counts nothing for OCR once the text is cached, and then prefers short text', () => {
    const costs = attachmentCosts({ info: screenshot, ...base, cachedText: 'TypeError: x is undefined at main.ts:12' });
    assert.equal(costs.text.ocrUsd, 0);
    assert.ok(costs.text.tokens > 0 && costs.text.tokens < 20);
    assert.equal(costs.cheaper, 'text');
  });

  it('offers no image for a document, a BMP, or a chat model without vision', () => {
    const doc = attachmentCosts({ info: pdf, ...base });
    assert.equal(doc.image, undefined);
    assert.equal(doc.cheaper, 'text');
    assert.ok(Math.abs(doc.text.ocrUsd - 40 * 0.00021) < 1e-12, 'every page extracted');
    assert.equal(doc.text.tokens, 40 * TEXT_TOKENS_PER_PAGE_ESTIMATE);
    assert.equal(attachmentCosts({ info: { ...screenshot, format: 'bmp', mime: 'image/bmp' }, ...base }).image, undefined);
    assert.equal(attachmentCosts({ info: screenshot, ...base, visionAvailable: false }).image, undefined);
  });

  it('treats an unknown page count as one page, and bad prices as zero rather than NaN', () => {
    const costs = attachmentCosts({ info: { format: 'docx', kind: 'document', mime: 'x/y', bytes: 10 }, ocrPricePerPageUsd: Number.NaN, missPricePerMTok: -1, visionAvailable: true });
    assert.deepEqual(costs.text, { usd: 0, tokens: TEXT_TOKENS_PER_PAGE_ESTIMATE, ocrUsd: 0 });
  });

  it('formats estimates so a small one never reads as free', () => {
    assert.equal(formatEstimate(0.00021), '~$0.00021');
    assert.equal(formatEstimate(0.0123), '~$0.01');
    assert.equal(formatEstimate(0.00004), '<$0.0001');
    assert.equal(formatEstimate(0), '$0.00');
    assert.equal(formatEstimate(Number.NaN), '$—');
  });
});
