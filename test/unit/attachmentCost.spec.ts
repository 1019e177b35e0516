import * as assert from 'assert/strict';
import { attachmentCosts, formatEstimate, TEXT_TOKENS_PER_PAGE_ESTIMATE } from '../../src/core/documents/attachmentCost';
import { multipartBody } from '../../src/core/documents/multipart';
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

describe('multipart body', () => {
  const text = (b: Uint8Array) => Buffer.from(b).toString('latin1');

  it('writes fields and files in order, with the file\'s bytes untouched', () => {
    const data = new Uint8Array([0, 255, 13, 10, 45, 45]);
    const { contentType, body } = multipartBody([{ name: 'file', filename: 'shot.png', contentType: 'image/png', data }, { name: 'purpose', value: 'text_recognition' }], 'BOUNDARY');
    assert.equal(contentType, 'multipart/form-data; boundary=BOUNDARY');
    assert.equal(text(body), [
      '--BOUNDARY',
      'Content-Disposition: form-data; name="file"; filename="shot.png"',
      'Content-Type: image/png',
      '',
      text(data),
      '--BOUNDARY',
      'Content-Disposition: form-data; name="purpose"',
      '',
      'text_recognition',
      '--BOUNDARY--',
      '',
    ].join('\r\n'));
  });

  it('never lets a file name or content type forge a header or a part', () => {
    const { body } = multipartBody([{ name: 'file', filename: 'a"\r\nContent-Type: text/html\r\n\r\n--B\r\n.png', contentType: 'image/png\r\nX-Evil: 1', data: new Uint8Array([1]) }], 'B');
    const lines = text(body).split('\r\n');
    assert.equal(lines[1], 'Content-Disposition: form-data; name="file"; filename="a%22%0D%0AContent-Type: text/html%0D%0A%0D%0A--B%0D%0A.png"');
    assert.equal(lines[2], 'Content-Type: application/octet-stream');
    assert.equal(lines.filter((l) => l === '--B').length, 1);
  });

  it('chooses a fresh boundary by default and refuses an invalid one', () => {
    const a = multipartBody([{ name: 'x', value: 'y' }]).contentType;
    const b = multipartBody([{ name: 'x', value: 'y' }]).contentType;
    assert.notEqual(a, b);
    assert.throws(() => multipartBody([], 'has space'), /boundary/);
  });
});
