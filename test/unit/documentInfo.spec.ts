import * as assert from 'assert/strict';
import { deflateRawSync } from 'node:zlib';
import { describeDocument, DOCUMENT_EXTENSIONS, isDocumentPath } from '../../src/core/documents/documentInfo';
import { checkOcrLimits, ocrLimitsFromSettings } from '../../src/core/documents/ocrLimits';
import type { DocumentInfo } from '../../src/core/documents/types';

const bytes = (...parts: (number[] | string | Uint8Array)[]) =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : Buffer.from(p))));
const u16le = (n: number) => [n & 0xff, (n >> 8) & 0xff];
const u32le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, (n >>> 24) & 0xff];
const u16be = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const u32be = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const u24le = (n: number) => [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff];

const png = (w: number, h: number) => bytes([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], u32be(13), 'IHDR', u32be(w), u32be(h), [8, 6, 0, 0, 0], [0, 0, 0, 0]);

/** A ZIP archive (deflated entries, central directory), as Office writes DOCX and PPTX. */
function zip(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = deflateRawSync(Buffer.from(text));
    const nameBytes = Buffer.from(name);
    const local = bytes(u32le(0x04034b50), u16le(20), u16le(0), u16le(8), u16le(0), u16le(0), u32le(0), u32le(data.length), u32le(text.length), u16le(nameBytes.length), u16le(0), nameBytes, data);
    central.push(bytes(u32le(0x02014b50), u16le(20), u16le(20), u16le(0), u16le(8), u16le(0), u16le(0), u32le(0), u32le(data.length), u32le(text.length), u16le(nameBytes.length), u16le(0), u16le(0), u16le(0), u16le(0), u32le(0), u32le(offset), nameBytes));
    locals.push(local);
    offset += local.length;
  }
  const dir = Buffer.concat(central);
  const end = bytes(u32le(0x06054b50), u16le(0), u16le(0), u16le(central.length), u16le(central.length), u32le(dir.length), u32le(offset), u16le(0));
  return Buffer.concat([...locals, dir, end]);
}

function info(name: string, data: Uint8Array): DocumentInfo {
  const result = describeDocument(name, data);
  assert.ok(!('error' in result), `expected a document, got: ${'error' in result ? result.error : ''}`);
  return result;
}

describe('documentInfo: what a file is, from its bytes', () => {
  it('lists the extensions menus and the file dialog offer, and tells paths by them in any case', () => {
    assert.deepEqual([...DOCUMENT_EXTENSIONS].sort(), ['bmp', 'doc', 'docx', 'gif', 'jpeg', 'jpg', 'pdf', 'png', 'ppt', 'pptx', 'tif', 'tiff', 'webp']);
    assert.equal(isDocumentPath('/home/me/Screenshot 2026-12-02.PNG'), true);
    assert.equal(isDocumentPath('C:\\specs\\spec.v2.pdf'), true);
    assert.equal(isDocumentPath('deck.pptx'), true);
    assert.equal(isDocumentPath('notes.txt'), false);
    assert.equal(isDocumentPath('pdf'), false, 'a name that is only the extension has none');
    assert.equal(isDocumentPath('archive.pdf.zip'), false);
  });

  it('reads a PNG\'s size from its IHDR', () => {
    assert.deepEqual(info('shot.png', png(1920, 1080)), { format: 'png', kind: 'image', mime: 'image/png', bytes: 33, pages: 1, width: 1920, height: 1080 });
  });

  it('reads a JPEG\'s size from its frame header, past APP segments and fill bytes', () => {
    const app0 = bytes([0xff, 0xe0], u16be(16), 'JFIF\0', new Array(9).fill(0));
    const sof2 = bytes([0xff, 0xff, 0xc2], u16be(17), [8], u16be(600), u16be(800), [3], new Array(9).fill(0));
    const jpeg = bytes([0xff, 0xd8], app0, [0xff, 0xc4], u16be(4), [0, 0], sof2, [0xff, 0xd9]);
    const result = info('photo.jpg', jpeg);
    assert.equal(result.format, 'jpeg');
    assert.equal(result.mime, 'image/jpeg');
    assert.deepEqual([result.width, result.height], [800, 600]);
  });

  it('reads GIF, BMP and TIFF sizes (both byte orders)', () => {
    assert.deepEqual(pick(info('a.gif', bytes('GIF89a', u16le(320), u16le(200), [0, 0, 0]))), ['gif', 320, 200]);
    const bmp = bytes('BM', u32le(0), u32le(0), u32le(54), u32le(40), u32le(640), u32le(-480 >>> 0), u16le(1), u16le(24));
    assert.deepEqual(pick(info('a.bmp', bmp)), ['bmp', 640, 480], 'a top-down BMP has a negative height');
    const tiffLe = bytes('II', [0x2a, 0], u32le(8), u16le(2), u16le(256), u16le(3), u32le(1), u16le(1000), [0, 0], u16le(257), u16le(4), u32le(1), u32le(750));
    assert.deepEqual(pick(info('a.tif', tiffLe)), ['tiff', 1000, 750]);
    const tiffBe = bytes('MM', [0, 0x2a], u32be(8), u16be(1), u16be(256), u16be(4), u32be(1), u32be(1234));
    const be = info('a.tiff', tiffBe);
    assert.equal(be.format, 'tiff');
    assert.equal(be.width, undefined, 'no height: no size rather than half of one');
  });

  it('reads WebP sizes from VP8, VP8L and VP8X chunks', () => {
    const riff = (chunk: string, body: number[]) => bytes('RIFF', u32le(4 + 8 + body.length), 'WEBP', chunk, u32le(body.length), body);
    const vp8 = riff('VP8 ', [0, 0, 0, 0x9d, 0x01, 0x2a, ...u16le(640), ...u16le(480), 0, 0]);
    assert.deepEqual(pick(info('a.webp', vp8)), ['webp', 640, 480]);
    const bits = (1023 & 0x3fff) | ((767 & 0x3fff) << 14);
    const vp8l = riff('VP8L', [0x2f, ...u32le(bits), 0]);
    assert.deepEqual(pick(info('b.webp', vp8l)), ['webp', 1024, 768]);
    const vp8x = riff('VP8X', [0, 0, 0, 0, ...u24le(4095), ...u24le(2047)]);
    assert.deepEqual(pick(info('c.webp', vp8x)), ['webp', 4096, 2048]);
  });

  it('counts a PDF\'s page objects, not its page tree nodes, and each object once', () => {
    const pdf = bytes(
      '%PDF-1.7\n',
      '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n',
      '2 0 obj << /Type /Pages /Kids [3 0 R 4 0 R 5 0 R] /Count 3 >> endobj\n',
      '3 0 obj << /Type /Page /Parent 2 0 R >> endobj\n',
      '4 0 obj <</Type/Page/Parent 2 0 R>> endobj\n',
      '5 0 obj << /Type /Page /Parent 2 0 R >> endobj\n',
      // An incremental update rewrites page 4: still three pages.
      '4 0 obj << /Type /Page /Parent 2 0 R /Rotate 90 >> endobj\n%%EOF',
    );
    assert.deepEqual(info('spec.pdf', pdf), { format: 'pdf', kind: 'document', mime: 'application/pdf', bytes: pdf.length, pages: 3 });
  });

  it('falls back to the page tree\'s /Count when the page objects are compressed, and to no count at all', () => {
    const objStm = bytes('%PDF-1.5\n', '7 0 obj << /Type /ObjStm /N 40 /First 9 /Filter /FlateDecode /Length 3 >> stream\nxyz\nendstream endobj\n', '2 0 obj << /Count 1204 /Kids [8 0 R] /Type /Pages >> endobj\n');
    assert.equal(info('big.pdf', objStm).pages, 1204);
    const opaque = bytes('%PDF-1.5\n', '7 0 obj << /Type /ObjStm /N 40 /Filter /FlateDecode /Length 3 >> stream\nxyz\nendstream endobj\n');
    const result = info('opaque.pdf', opaque);
    assert.equal(result.format, 'pdf');
    assert.equal(result.pages, undefined, 'unknown, not 0');
    assert.equal('pages' in result, false);
  });

  it('tells DOCX from PPTX by their parts, counting slides and reading Word\'s page count', () => {
    const docx = zip({
      '[Content_Types].xml': '<Types/>',
      'word/document.xml': '<w:document/>',
      'docProps/app.xml': '<?xml version="1.0"?><Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"><Pages>12</Pages><Words>3000</Words></Properties>',
    });
    assert.deepEqual(info('report.docx', docx), { format: 'docx', kind: 'document', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', bytes: docx.length, pages: 12 });
    const noApp = zip({ 'word/document.xml': '<w:document/>' });
    assert.equal(info('plain.docx', noApp).pages, undefined);
    const pptx = zip({
      'ppt/presentation.xml': '<p:presentation/>',
      'ppt/slides/slide1.xml': '<p:sld/>',
      'ppt/slides/slide2.xml': '<p:sld/>',
      'ppt/slides/_rels/slide1.xml.rels': '<Relationships/>',
      'ppt/slideLayouts/slideLayout1.xml': '<p:sldLayout/>',
      'ppt/slides/slide10.xml': '<p:sld/>',
    });
    const deck = info('deck.pptx', pptx);
    assert.equal(deck.format, 'pptx');
    assert.equal(deck.pages, 3, 'slides only: not their relationships nor layouts');
  });

  it('reads a DOCX by its content whatever it is called, and refuses a ZIP that is neither', () => {
    const docx = zip({ 'word/document.xml': '<w:document/>' });
    assert.equal(info('renamed.bin', docx).format, 'docx');
    assert.deepEqual(describeDocument('src.zip', zip({ 'src/index.ts': 'export {}' })), { error: 'src.zip is not an image or a PDF, DOCX or PPTX document.' });
  });

  it('reads a truncated ZIP\'s local headers when its central directory is missing', () => {
    const whole = zip({ 'ppt/presentation.xml': '<p/>', 'ppt/slides/slide1.xml': '<s/>' });
    const cut = whole.subarray(0, whole.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])));
    const deck = info('cut.pptx', cut);
    assert.equal(deck.format, 'pptx');
    assert.equal(deck.pages, 1);
  });

  it('tells legacy DOC and PPT (OLE) apart by the extension only once the bytes say OLE', () => {
    const ole = bytes([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1], new Array(504).fill(0));
    assert.deepEqual(info('old.DOC', ole), { format: 'doc', kind: 'document', mime: 'application/msword', bytes: 512 });
    assert.equal(info('old.ppt', ole).format, 'ppt');
    assert.deepEqual(describeDocument('book.xls', ole), { error: 'book.xls is not an image or a PDF, DOCX or PPTX document.' });
    assert.deepEqual(describeDocument('fake.doc', Buffer.from('just text')), { error: 'fake.doc is not an image or a PDF, DOCX or PPTX document.' });
  });

  it('never believes a name: text called .png, an empty file, and a cut-off header are refused or unsized', () => {
    assert.deepEqual(describeDocument('/work/notes.txt', Buffer.from('hello')), { error: 'notes.txt is not an image or a PDF, DOCX or PPTX document.' });
    assert.ok('error' in describeDocument('bm.txt', Buffer.from('BM is how this note starts, and it goes on for a while')), '"BM" text is not a bitmap');
    assert.deepEqual(describeDocument('shot.png', Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>')), { error: 'shot.png is not an image or a PDF, DOCX or PPTX document.' });
    assert.ok('error' in describeDocument('empty.pdf', new Uint8Array()));
    const cut = png(10, 10).subarray(0, 18);
    const result = info('cut.png', cut);
    assert.equal(result.format, 'png');
    assert.equal(result.width, undefined);
    const brokenJpeg = bytes([0xff, 0xd8, 0xff, 0xe0], u16be(0));
    assert.equal(info('broken.jpg', brokenJpeg).width, undefined);
  });

  it('survives random bytes behind every magic number without throwing', () => {
    let seed = 7;
    const random = (n: number) => Buffer.from(Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) >> 16) & 0xff));
    const magics = [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], [0xff, 0xd8, 0xff], [...Buffer.from('GIF89a')], [...Buffer.from('RIFF\0\0\0\0WEBPVP8X')], [...Buffer.from('BM')], [0x49, 0x49, 0x2a, 0], [...Buffer.from('%PDF-')], [0x50, 0x4b, 0x03, 0x04]];
    for (const magic of magics) {
      for (let i = 0; i < 50; i++) {
        const result = describeDocument('x.bin', bytes(magic, random(i * 7)));
        assert.ok('error' in result || typeof result.format === 'string');
      }
    }
  });
});

function pick(i: DocumentInfo): [string, number | undefined, number | undefined] {
  return [i.format, i.width, i.height];
}

describe('ocrLimits: checked before anything is uploaded', () => {
  const limits = ocrLimitsFromSettings(100, 1000);
  const pdf = (bytes: number, pages?: number): DocumentInfo => ({ format: 'pdf', kind: 'document', mime: 'application/pdf', bytes, ...(pages !== undefined ? { pages } : {}) });
  const MB = 1024 * 1024;

  it('lets a file within the limits through', () => {
    assert.deepEqual(limits, { maxBytes: 100 * MB, maxPages: 1000 });
    assert.equal(checkOcrLimits('spec.pdf', pdf(100 * MB, 1000), limits, 'deepseek', ''), undefined);
    assert.equal(checkOcrLimits('spec.pdf', pdf(10), limits, 'deepseek', ''), undefined, 'an unknown page count is not refused');
  });

  it('says how large the file is and what the endpoint takes', () => {
    assert.equal(checkOcrLimits('spec.pdf', pdf(Math.round(140.2 * MB)), limits, 'deepseek', ''), 'spec.pdf is 140.2 MB; DeepSeek OCR takes files up to 100 MB.');
  });

  it('says how many pages and to split it', () => {
    assert.equal(checkOcrLimits('spec.pdf', pdf(MB, 1204), limits, 'deepseek', ''), 'spec.pdf has 1,204 pages; DeepSeek OCR takes up to 1,000 — split it first.');
  });

  it('refuses a document for an images-only endpoint, naming the setting to change', () => {
    assert.equal(checkOcrLimits('spec.pdf', pdf(MB, 2), limits, 'openaiCompatible', 'localhost:8000'),
      'The OCR endpoint at localhost:8000 takes images only (PNG, JPEG, GIF, WebP); set deepseek.ocr.provider to "deepseek" for PDF, DOCX and PPTX.');
    const png: DocumentInfo = { format: 'png', kind: 'image', mime: 'image/png', bytes: 200 * MB, pages: 1 };
    assert.equal(checkOcrLimits('shot.png', png, limits, 'openaiCompatible', 'localhost:8000'), 'shot.png is 200 MB; the OCR endpoint at localhost:8000 takes files up to 100 MB.');
  });
});
