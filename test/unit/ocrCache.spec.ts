import * as assert from 'assert/strict';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { contentHash, OcrCache } from '../../src/documents/ocrCache';
import { progressText, sizeLabel } from '../../src/documents/progressText';

describe('the OCR cache (src/documents/ocrCache.ts)', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'ocr-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const entry = (hash: string, identity = 'deepseek|https://api.deepseek.com|rich') => ({ hash, identity, markdown: '# Title\n\nBody', pages: 2, provider: 'DeepSeek OCR', at: 1_700_000_000_000 });

  it('finds an entry written by another instance (another window, a later session) by content hash and OCR identity', async () => {
    const hash = contentHash(new Uint8Array([1, 2, 3]));
    await new OcrCache(dir).put(entry(hash));
    const later = new OcrCache(dir);
    assert.deepEqual(await later.get(hash, 'deepseek|https://api.deepseek.com|rich'), entry(hash));
    assert.equal(await later.get(hash, 'openaiCompatible|http://localhost:8000/v1|model'), undefined, 'another endpoint reads the file anew');
    assert.equal(await later.get(contentHash(new Uint8Array([1, 2, 4])), 'deepseek|https://api.deepseek.com|rich'), undefined, 'other bytes miss');
    assert.ok(readdirSync(dir).every((f) => /^[0-9a-f]{64}\.json$/.test(f)), 'no temporary file is left, no name from the file');
  });

  it('treats a damaged entry as a miss, and clear() forgets everything', async () => {
    const hash = contentHash(new Uint8Array([9]));
    const cache = new OcrCache(dir);
    await cache.put(entry(hash));
    for (const f of readdirSync(dir)) writeFileSync(path.join(dir, f), '{"hash": "trunc');
    assert.equal(await new OcrCache(dir).get(hash, entry(hash).identity), undefined);
    await cache.clear();
    assert.equal(await cache.get(hash, entry(hash).identity), undefined);
  });

  it('keeps entries in memory for the window without a storage folder', async () => {
    const cache = new OcrCache(undefined);
    const hash = contentHash(new Uint8Array([7]));
    await cache.put(entry(hash));
    assert.equal((await cache.get(hash, entry(hash).identity))?.pages, 2);
  });
});

describe('extraction progress wording (src/documents/progressText.ts)', () => {
  it('says the upload in megabytes, then the pages and seconds while recognising', () => {
    assert.equal(progressText({ phase: 'uploading', sentBytes: 0, totalBytes: 2.1 * 1024 * 1024 }), 'Uploading 2.1 MB…');
    assert.equal(progressText({ phase: 'recognising', elapsedMs: 14_900, pages: 12 }), 'Recognising 12 pages… 14 s');
    assert.equal(progressText({ phase: 'recognising', elapsedMs: 999, pages: 1 }), 'Recognising 1 page… 0 s');
    assert.equal(progressText({ phase: 'recognising', elapsedMs: 3_000 }), 'Recognising… 3 s');
    assert.equal(sizeLabel(812), '812 bytes');
    assert.equal(sizeLabel(340 * 1024), '340 KB');
  });
});
