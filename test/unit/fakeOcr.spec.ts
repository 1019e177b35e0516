import * as assert from 'assert/strict';
import { createHash } from 'crypto';
import { readFileSync } from 'fs';
import * as path from 'path';
import { imageTokenEstimate } from '../../src/core/documents/imageTokens';
import { FIXTURE_TEXT, makeGif, makeJpeg, makePdf, makePng } from '../fake-deepseek/documentFixtures';
import { FakeDeepSeekControl } from '../fake-deepseek/control';
import { FakeDeepSeekServer, formatBytes, SELF_HOSTED_OCR_MODEL, selfHostedOcrConfig, type LoggedOcrUpload } from '../fake-deepseek/server';
import { SIMULATOR_BAD_KEY } from '../fake-deepseek/simulatedAnswers';
import { json, jsonChunks, readSse } from './sse';

const DOCUMENTS = path.resolve(__dirname, '../../..', 'test', 'fixtures', 'documents');
const fixture = (name: string) => readFileSync(path.join(DOCUMENTS, name));
const TYPES: Record<string, string> = {
  png: 'image/png',
  jpg: 'image/jpeg',
  pdf: 'application/pdf',
  pptx: 'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
};
const GROUNDING = /<\|(?:ref|\/ref|det|\/det|box|\/box|grounding)\|>/;
const CHAT = { model: 'deepseek-flash', thinking: { type: 'disabled' } };

const dataUrl = (bytes: Uint8Array, mime = 'image/png') => `data:${mime};base64,${Buffer.from(bytes).toString('base64')}`;
const imagePart = (bytes: Uint8Array, mime = 'image/png') => ({ type: 'image_url', image_url: { url: dataUrl(bytes, mime) } });

describe('fake DeepSeek OCR tool and images on chat', () => {
  let server: FakeDeepSeekServer;
  let url: string;

  beforeEach(async () => {
    server = new FakeDeepSeekServer();
    url = await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  /** Uploads the way the extension does: fetch + FormData, the file as a Blob with its name and type (`purpose` null: left out). */
  const ocr = (data: Uint8Array, filename: string, purpose: string | null = 'text_recognition', init: { headers?: Record<string, string>; signal?: AbortSignal; path?: string } = {}) => {
    const form = new FormData();
    const ext = filename.split('.').pop() ?? '';
    form.append('file', new Blob([new Uint8Array(data)], { type: TYPES[ext] ?? 'application/octet-stream' }), filename);
    if (purpose !== null) form.append('purpose', purpose);
    return fetch(`${url}${init.path ?? '/v1/tools/ocr'}`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-test', ...init.headers },
      body: form,
      ...(init.signal ? { signal: init.signal } : {}),
    });
  };

  const raw = (body: string | Buffer, contentType: string) =>
    fetch(`${url}/v1/tools/ocr`, { method: 'POST', headers: { authorization: 'Bearer sk-test', 'content-type': contentType }, body: typeof body === 'string' ? body : new Uint8Array(body) });

  const chat = (body: Record<string, unknown>) =>
    fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test' }, body: JSON.stringify(body) });

  describe('POST /v1/tools/ocr', () => {
    it('reads each fixture: the screenshot, the 3-page PDF, the 2-slide PPTX and the DOCX, as plain text in text mode', async () => {
      const png = await json(ocr(fixture('error-screenshot.png'), 'error-screenshot.png'));
      assert.equal(png.pages.length, 1);
      assert.match(png.pages[0].text, /^TypeError: Cannot read properties of undefined \(reading 'map'\)\n {4}at renderList \(src\/list\.ts:42:17\)/);
      assert.match(png.pages[0].text, /jane\.doe@example\.com/);
      assert.match(png.pages[0].text, /sk-live-[0-9a-f]{32}/);

      const pdf = await json(ocr(fixture('spec.pdf'), 'spec.pdf'));
      assert.deepEqual(pdf.pages.map((p: { text: string }) => p.text), [
        'Orders API specification\n\nThe Orders API lets a client create, list and cancel orders.',
        'Status codes\n\nCode\tMeaning\n200\tThe order was created\n409\tThe order already exists',
        'Orders older than 90 days are archived and can no longer be cancelled.',
      ]);

      const pptx = await json(ocr(fixture('slides.pptx'), 'slides.pptx'));
      assert.deepEqual(pptx.pages.map((p: { text: string }) => p.text), [
        'Quarterly review\n\nRevenue grew 12% over the quarter',
        'Next steps\n\nShip the orders export\n\nHire two engineers',
      ]);

      const docx = await json(ocr(fixture('notes.docx'), 'notes.docx'));
      assert.deepEqual(docx.pages.map((p: { text: string }) => p.text), [
        'Meeting notes\n\nWe agreed to move the launch to March.\n\nOwner\tTask\nAna\tRelease notes\nBen\tLoad test',
      ]);

      const diagram = await json(ocr(fixture('diagram.png'), 'diagram.png'));
      assert.equal(diagram.pages[0].text, 'Request flow\n\nBrowser -> API gateway -> Orders service -> Postgres');
      for (const answer of [png, pdf, pptx, docx, diagram]) {
        assert.ok(answer.pages.every((p: { text: string }) => !GROUNDING.test(p.text)), 'no grounding tokens in text mode');
      }
    });

    it('answers in the documented shape: ocr.result with indexed pages, finish_reason and usage in pages', async () => {
      const res = await ocr(fixture('spec.pdf'), 'spec.pdf', 'rich_layout_recognition');
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.match(body.id, /^ocr-\d+$/);
      assert.equal(body.object, 'ocr.result');
      assert.equal(body.model, 'deepseek-ocr-2');
      assert.deepEqual(body.pages.map((p: { index: number; finish_reason: string }) => [p.index, p.finish_reason]), [[0, 'stop'], [1, 'stop'], [2, 'stop']]);
      assert.deepEqual(body.usage, { pages: 3 });
    });

    it('puts grounding tokens before each block in rich layout mode: headings as # lines, tables as HTML, some <|box|>', async () => {
      const pdf = await json(ocr(fixture('spec.pdf'), 'spec.pdf', 'rich_layout_recognition'));
      assert.match(pdf.pages[0].text, /^<\|ref\|>title<\|\/ref\|><\|det\|>\[\[\d+, \d+, \d+, \d+\]\]<\|\/det\|>\n# Orders API specification\n\n<\|ref\|>text<\|\/ref\|><\|det\|>\[\[[\d, ]+\]\]<\|\/det\|>\nThe Orders API/);
      assert.match(pdf.pages[1].text, /<\|ref\|>title<\|\/ref\|><\|det\|>\[\[[\d, ]+\]\]<\|\/det\|>\n## Status codes/);
      assert.match(pdf.pages[1].text, /<\|ref\|>table<\|\/ref\|><\|box\|>\[\[[\d, ]+\]\]<\|\/box\|>\n<table><tr><td>Code<\/td><td>Meaning<\/td><\/tr><tr><td>200<\/td><td>The order was created<\/td><\/tr>/);
      const pptx = await json(ocr(fixture('slides.pptx'), 'slides.pptx', 'rich_layout_recognition'));
      assert.match(pptx.pages[1].text, /^<\|ref\|>title<\|\/ref\|><\|det\|>.*\n# Next steps\n/);
      const png = await json(ocr(fixture('error-screenshot.png'), 'error-screenshot.png', 'rich_layout_recognition'));
      assert.match(png.pages[0].text, /^<\|ref\|>text<\|\/ref\|><\|det\|>\[\[[\d, ]+\]\]<\|\/det\|>\nTypeError:/);
    });

    it('reads a JPEG by its COM segment and a GIF by its comment extension', async () => {
      const jpeg = await json(ocr(makeJpeg({ width: 64, height: 24, text: 'Build failed: exit code 2' }), 'photo.jpg'));
      assert.equal(jpeg.pages[0].text, 'Build failed: exit code 2');
      const gif = await json(ocr(makeGif({ width: 40, height: 12, text: 'Spinner frame: loading…' }), 'spinner.gif'));
      assert.equal(gif.pages[0].text, 'Spinner frame: loading…');
    });

    it('reads compressed (FlateDecode) PDF streams, and says when an image carries no text', async () => {
      const pdf = await json(ocr(makePdf([['# Compressed', 'Inside a deflated stream.']], { compress: true }), 'c.pdf'));
      assert.equal(pdf.pages[0].text, 'Compressed\n\nInside a deflated stream.');
      const blank = await json(ocr(makePng({ width: 10, height: 10 }), 'blank.png'));
      assert.equal(blank.pages[0].text, '(no text found in the image)');
    });

    it('is served at /tools/ocr too, and logs what left the machine: purpose, filename, type, size, hash and the text it read', async () => {
      const bytes = fixture('error-screenshot.png');
      assert.equal((await ocr(bytes, 'error-screenshot.png', 'rich_layout_recognition', { path: '/tools/ocr' })).status, 200);
      const [entry] = server.requests;
      assert.equal(entry.route, '/tools/ocr');
      assert.equal(entry.outcome, 'ok');
      const upload = entry.body as LoggedOcrUpload;
      assert.deepEqual({ ...upload, text: undefined }, {
        purpose: 'rich_layout_recognition',
        filename: 'error-screenshot.png',
        contentType: 'image/png',
        bytes: bytes.length,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        pages: 1,
        text: undefined,
      });
      assert.equal(upload.text, FIXTURE_TEXT.errorScreenshot);
      assert.ok(!JSON.stringify(server.requests).includes(bytes.toString('base64').slice(0, 40)), 'the file bytes are not kept in the log');
    });

    it('parses hand-written multipart: a quoted boundary, an escaped quoted filename, a binary body with CRLFs inside', async () => {
      const png = makePng({ width: 4, height: 4, text: 'line one\r\n--not-the-boundary\r\nline two' });
      const boundary = 'b0und "ary"';
      const body = Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="purpose"\r\n\r\ntext_recognition\r\n`),
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="my \\"shot\\".png"\r\nContent-Type: image/png\r\n\r\n`),
        png,
        Buffer.from(`\r\n--${boundary}--\r\n`),
      ]);
      const res = await raw(body, 'multipart/form-data; boundary="b0und \\"ary\\""');
      assert.equal(res.status, 200);
      assert.equal((await res.json()).pages[0].text, 'line one\n--not-the-boundary\nline two');
      assert.equal((server.requests[0].body as LoggedOcrUpload).filename, 'my "shot".png');
      assert.equal((server.requests[0].body as LoggedOcrUpload).bytes, png.length);
      assert.equal((await ocr(fixture('spec.pdf'), 'Übersicht – Spéc.pdf')).status, 200);
      assert.equal((server.requests[1].body as LoggedOcrUpload).filename, 'Übersicht – Spéc.pdf', 'a UTF-8 filename from FormData');
    });

    it('refuses a bad or missing purpose, a missing file and an empty file with 400 invalid_request_error', async () => {
      const bad = await ocr(fixture('spec.pdf'), 'spec.pdf', 'summarise');
      assert.equal(bad.status, 400);
      const body = await bad.json();
      assert.equal(body.error.type, 'invalid_request_error');
      assert.match(body.error.message, /Invalid value for purpose: "summarise"; expected "text_recognition" or "rich_layout_recognition"/);
      const missing = await ocr(fixture('spec.pdf'), 'spec.pdf', null);
      assert.equal(missing.status, 400);
      assert.match((await missing.json()).error.message, /^purpose: field required/);
      const form = new FormData();
      form.append('purpose', 'text_recognition');
      const noFile = await fetch(`${url}/v1/tools/ocr`, { method: 'POST', headers: { authorization: 'Bearer sk-test' }, body: form });
      assert.equal(noFile.status, 400);
      assert.match((await noFile.json()).error.message, /^file: field required/);
      const empty = await ocr(new Uint8Array(0), 'empty.pdf');
      assert.equal(empty.status, 400);
      assert.match((await empty.json()).error.message, /The file is empty/);
      assert.deepEqual(server.requests.map((r) => r.outcome), ['error:400', 'error:400', 'error:400', 'error:400']);
    });

    it('answers malformed multipart with 400 and a message that says what is wrong', async () => {
      const cases: [string | Buffer, string, RegExp][] = [
        ['{"purpose":"text_recognition"}', 'application/json', /Expected a multipart\/form-data body, got content type application\/json/],
        ['--x\r\nContent-Disposition: form-data; name="purpose"\r\n\r\ntext_recognition\r\n--x--', 'multipart/form-data', /no valid boundary/],
        ['--x\r\nContent-Disposition: form-data; name="purpose"\r\n\r\ntext_recognition\r\n--x--', 'multipart/form-data; boundary=y', /boundary does not occur/],
        ['--x\r\nContent-Disposition: form-data; name="purpose"\r\n\r\ntext_recognition', 'multipart/form-data; boundary=x', /ends before the closing boundary/],
        ['--x\r\nContent-Disposition: form-data; name="purpose"\r\ntext_recognition\r\n--x--', 'multipart/form-data; boundary=x', /no blank line after its headers|bad part header/],
        ['--x\r\nContent-Type: text/plain\r\n\r\ntext_recognition\r\n--x--', 'multipart/form-data; boundary=x', /no Content-Disposition/],
        ['--x\nContent-Disposition: form-data; name="purpose"\n\ntext_recognition\n--x--', 'multipart/form-data; boundary=x', /does not end with CRLF/],
      ];
      for (const [body, type, message] of cases) {
        const res = await raw(body, type);
        assert.equal(res.status, 400, String(message));
        const error = (await res.json()).error;
        assert.equal(error.type, 'invalid_request_error');
        assert.match(error.message, message);
      }
    });

    it('refuses bytes it cannot read as a document or image with 400 "Unsupported file type"', async () => {
      const res = await ocr(Buffer.from('just some text, not a document'), 'notes.txt');
      assert.equal(res.status, 400);
      assert.match((await res.json()).error.message, /^Unsupported file type/);
    });

    it('answers 413 for a file over ocrMaxBytes and 400 for more than ocrMaxPages pages (default 1000), before any work', async () => {
      assert.equal(server.currentConfig.ocrMaxBytes, 100 * 1024 * 1024);
      assert.equal(formatBytes(server.currentConfig.ocrMaxBytes), '100 MiB', 'the default limit reads "exceeds the 100 MiB limit"');
      server.configure({ ocrMaxBytes: 2048, ocrMsPerPage: 10_000 });
      const big = makePng({ width: 8, height: 8, text: 'big', paddingBytes: 4000 });
      const tooBig = await ocr(big, 'big.png');
      assert.equal(tooBig.status, 413);
      assert.deepEqual((await tooBig.json()).error, {
        message: `File too large: ${(big.length / 1024).toFixed(1)} KiB exceeds the 2 KiB limit`,
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_request_error',
      });
      server.configure({ ocrMaxBytes: 100 * 1024 * 1024 });
      const pages = makePdf(Array.from({ length: 1001 }, (_, i) => [`Page ${i + 1}`]));
      const tooMany = await ocr(pages, 'long.pdf');
      assert.equal(tooMany.status, 400);
      assert.equal((await tooMany.json()).error.message, 'Too many pages: the document has 1001 pages (limit 1000)');
      server.configure({ ocrMaxPages: 2 });
      const three = await ocr(fixture('spec.pdf'), 'spec.pdf');
      assert.equal(three.status, 400);
      assert.match((await three.json()).error.message, /\(limit 2\)$/);
      assert.deepEqual(server.requests.map((r) => r.outcome), ['error:413', 'error:400', 'error:400']);
    });

    it('takes status, reset and body faults scoped to /tools/ocr, leaving chat alone', async () => {
      server.injectFault({ kind: 'status', status: 500, path: '/tools/ocr' }, { kind: 'reset', path: '/tools/ocr' }, { kind: 'truncated', afterChunks: 0, path: '/tools/ocr' });
      const chatFirst = await chat({ ...CHAT, messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(chatFirst.status, 200, 'a chat request does not take an OCR fault');
      const failed = await ocr(fixture('spec.pdf'), 'spec.pdf');
      assert.equal(failed.status, 500);
      assert.deepEqual((await failed.json()).error, { message: 'Server Error', type: 'server_error', param: null, code: 'server_error' });
      await assert.rejects(ocr(fixture('spec.pdf'), 'spec.pdf'), /fetch failed/);
      const cut = await ocr(fixture('spec.pdf'), 'spec.pdf');
      await assert.rejects(cut.json());
      const healed = await ocr(fixture('spec.pdf'), 'spec.pdf');
      assert.equal(healed.status, 200);
      assert.deepEqual(server.requests.map((r) => r.outcome), ['ok', 'fault:status:500', 'fault:reset', 'fault:truncated', 'ok']);
    });

    it('refuses a wrong key with 401, as on every route (and the simulator its documented bad key)', async () => {
      server.configure({ apiKey: 'sk-right' });
      const wrong = await ocr(fixture('spec.pdf'), 'spec.pdf', 'text_recognition', { headers: { authorization: 'Bearer sk-wrong-1234' } });
      assert.equal(wrong.status, 401);
      assert.equal((await wrong.json()).error.message, 'Authentication Fails, Your api key: ****1234 is invalid');
      assert.equal((await ocr(fixture('spec.pdf'), 'spec.pdf', 'text_recognition', { headers: { authorization: 'Bearer sk-right' } })).status, 200);
      server.configure({ apiKey: undefined, simulator: true });
      const simulated = await ocr(fixture('spec.pdf'), 'spec.pdf', 'text_recognition', { headers: { authorization: `Bearer ${SIMULATOR_BAD_KEY}` } });
      assert.equal(simulated.status, 401);
    });

    it('spends ocrMsPerPage on each page, and stops when the client goes away', async () => {
      server.configure({ ocrMsPerPage: 40 });
      const started = Date.now();
      assert.equal((await ocr(fixture('spec.pdf'), 'spec.pdf')).status, 200);
      assert.ok(Date.now() - started >= 3 * 40 - 5, 'three pages take at least three page times');
      server.configure({ ocrMsPerPage: 60_000 });
      const controller = new AbortController();
      const pending = ocr(fixture('spec.pdf'), 'spec.pdf', 'text_recognition', { signal: controller.signal });
      while (server.requests.length < 2) await new Promise((r) => setTimeout(r, 5));
      controller.abort();
      await assert.rejects(pending);
      while (server.requests[1].outcome === undefined) await new Promise((r) => setTimeout(r, 5));
      assert.equal(server.requests[1].outcome, 'aborted');
    });
  });

  describe('image parts on chat', () => {
    const screenshot = () => fixture('error-screenshot.png');
    const ask = (image: Uint8Array, extra: Record<string, unknown> = {}, mime = 'image/png') => ({
      ...CHAT,
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [imagePart(image, mime), { type: 'text', text: 'What does this error mean?' }] },
      ],
      ...extra,
    });

    it('counts an image in prompt_tokens by its size, and mentions what it shows in the answer', async () => {
      const small = await json(chat(ask(screenshot())));
      const large = await json(chat(ask(makePng({ width: 1024, height: 1024, text: FIXTURE_TEXT.errorScreenshot }))));
      assert.equal(large.usage.prompt_tokens - small.usage.prompt_tokens, imageTokenEstimate(1024, 1024) - imageTokenEstimate(320, 120));
      assert.match(small.choices[0].message.content, /The image \(PNG, 320×120\) shows: TypeError: Cannot read properties of undefined \(reading 'map'\)/);
      assert.match(small.choices[0].message.content, /You asked: \*\*What does this error mean\?\*\*/);
      const [entry] = server.requests;
      assert.equal(entry.images?.length, 1);
      assert.deepEqual({ ...entry.images?.[0], text: undefined }, {
        mime: 'image/png', width: 320, height: 120, bytes: screenshot().length,
        sha256: createHash('sha256').update(screenshot()).digest('hex'), tokens: imageTokenEstimate(320, 120), text: undefined,
      });
    });

    it('hits the simulated cache when the same image is sent again in the same place, and misses for a different image', async () => {
      server.configure({ cacheUnitTokens: 8 });
      const first = await json(chat(ask(screenshot())));
      assert.equal(first.usage.prompt_cache_hit_tokens, 0);
      const again = await json(chat(ask(screenshot())));
      const imageTokens = imageTokenEstimate(320, 120);
      assert.ok(again.usage.prompt_cache_hit_tokens >= imageTokens, `the image's ${imageTokens} tokens are hits (${again.usage.prompt_cache_hit_tokens})`);
      assert.equal(again.usage.prompt_tokens, first.usage.prompt_tokens);
      const other = await json(chat(ask(fixture('diagram.png'))));
      assert.ok(other.usage.prompt_cache_hit_tokens < imageTokens, `a different image misses from where it starts (${other.usage.prompt_cache_hit_tokens} hits)`);
      assert.equal(other.usage.prompt_tokens, other.usage.prompt_cache_hit_tokens + other.usage.prompt_cache_miss_tokens);
    });

    it('takes images on deepseek-v4-flash (the alias) but refuses them on deepseek-v4-pro with 400', async () => {
      assert.equal((await chat(ask(screenshot(), { model: 'deepseek-v4-flash' }))).status, 200);
      const pro = await chat(ask(screenshot(), { model: 'deepseek-v4-pro' }));
      assert.equal(pro.status, 400);
      assert.deepEqual((await pro.json()).error, { message: 'deepseek-v4-pro does not support image input', type: 'invalid_request_error', param: null, code: 'invalid_request_error' });
      const text = await chat({ model: 'deepseek-v4-pro', thinking: { type: 'disabled' }, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] });
      assert.equal(text.status, 200, 'text parts alone are fine on Pro');
    });

    it('refuses bad data URLs with 400: a remote URL, an unsupported type, bytes that are not that type, broken base64', async () => {
      const jpegish = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1]);
      const cases: [unknown, RegExp][] = [
        [{ type: 'image_url', image_url: { url: 'https://example.com/a.png' } }, /expected a base64 data URL/],
        [imagePart(screenshot(), 'image/bmp'), /Unsupported image type image\/bmp/],
        [imagePart(jpegish, 'image/png'), /not a valid PNG image \(it is JPEG\)/],
        [imagePart(Buffer.from('hello'), 'image/png'), /not a valid PNG image$/],
        [{ type: 'image_url', image_url: { url: 'data:image/png;base64,@@@@' } }, /not valid base64/],
        [{ type: 'image_url', image_url: { url: 'data:image/png,rawbytes' } }, /not base64-encoded/],
        [{ type: 'image_url', image_url: {} }, /image_url\.url is required/],
      ];
      for (const [part, message] of cases) {
        const res = await chat({ ...CHAT, messages: [{ role: 'user', content: [part, { type: 'text', text: 'What is this?' }] }] });
        assert.equal(res.status, 400, String(message));
        assert.match((await res.json()).error.message, message);
      }
    });

    it('answers 413 for a request over chatMaxRequestBytes (48 MiB by default)', async () => {
      assert.equal(server.currentConfig.chatMaxRequestBytes, 48 * 1024 * 1024);
      server.configure({ chatMaxRequestBytes: 4096 });
      const res = await chat(ask(makePng({ width: 8, height: 8, paddingBytes: 8000 })));
      assert.equal(res.status, 413);
      assert.match((await res.json()).error.message, /^Request too large: .* exceeds the 4 KiB limit$/);
    });

    it('reads a JPEG part: its size from the SOF header, its text from COM', async () => {
      const answer = await json(chat(ask(makeJpeg({ width: 640, height: 480, text: 'Kernel panic' }), {}, 'image/jpeg')));
      assert.match(answer.choices[0].message.content, /The image \(JPEG, 640×480\) shows: Kernel panic/);
      assert.equal(server.requests[0].images?.[0].tokens, imageTokenEstimate(640, 480));
    });

    it('the simulator says what the image shows, with its format and size', async () => {
      server.configure({ simulator: true });
      const answer = await json(chat(ask(fixture('diagram.png'))));
      assert.match(answer.choices[0].message.content, /^The image \(PNG, 480×200\) shows: # Request flow\n\nBrowser -> API gateway/);
      assert.match(answer.choices[0].message.content, /Offline simulator/);
    });
  });

  describe('a self-hosted DeepSeek-OCR-2 behind an OpenAI-compatible endpoint', () => {
    let selfHosted: FakeDeepSeekServer;
    let selfHostedUrl: string;

    beforeEach(async () => {
      selfHosted = new FakeDeepSeekServer(selfHostedOcrConfig());
      selfHostedUrl = await selfHosted.start();
    });

    afterEach(async () => {
      await selfHosted.stop();
    });

    const ocrChat = (prompt: string, stream: boolean, image: Uint8Array = fixture('error-screenshot.png')) =>
      fetch(`${selfHostedUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-local' },
        body: JSON.stringify({
          model: SELF_HOSTED_OCR_MODEL,
          stream,
          messages: [{ role: 'user', content: [imagePart(image), { type: 'text', text: prompt }] }],
        }),
      });

    it('lists the model and has no OCR tool route; the DeepSeek instance does not serve the model', async () => {
      assert.deepEqual((await json(fetch(`${selfHostedUrl}/v1/models`))).data.map((m: { id: string }) => m.id), [SELF_HOSTED_OCR_MODEL]);
      const form = new FormData();
      form.append('purpose', 'text_recognition');
      assert.equal((await fetch(`${selfHostedUrl}/v1/tools/ocr`, { method: 'POST', body: form })).status, 404);
      const res = await chat({ model: SELF_HOSTED_OCR_MODEL, messages: [{ role: 'user', content: 'Hi' }] });
      assert.equal(res.status, 400);
    });

    it('answers the grounding prompt with the image text behind grounding tokens, non-streamed, with usage', async () => {
      const res = await ocrChat('<image>\n<|grounding|>Convert the document to markdown.', false, fixture('diagram.png'));
      assert.equal(res.status, 200);
      const body = await res.json();
      assert.equal(body.model, SELF_HOSTED_OCR_MODEL);
      const content: string = body.choices[0].message.content;
      assert.match(content, /^<\|ref\|>title<\|\/ref\|><\|det\|>\[\[[\d, ]+\]\]<\|\/det\|>\n# Request flow\n\n<\|ref\|>text<\|\/ref\|>/);
      assert.equal(body.choices[0].message.reasoning_content, undefined);
      assert.ok(body.usage.prompt_tokens > imageTokenEstimate(480, 200));
      assert.ok(body.usage.completion_tokens > 0);
    });

    it('can be played by any instance through the control API (as extension-host tests drive the fallback instance)', async () => {
      const control = new FakeDeepSeekControl(url);
      await control.configure(selfHostedOcrConfig());
      const res = await chat({ model: SELF_HOSTED_OCR_MODEL, messages: [{ role: 'user', content: [imagePart(fixture('diagram.png')), { type: 'text', text: '<image>\nFree OCR.' }] }] });
      assert.equal((await res.json()).choices[0].message.content, 'Request flow\n\nBrowser -> API gateway -> Orders service -> Postgres');
      assert.equal((await ocr(fixture('spec.pdf'), 'spec.pdf')).status, 404);
      await control.reset();
      assert.equal((await ocr(fixture('spec.pdf'), 'spec.pdf')).status, 200, 'reset gives the DeepSeek instance back');
    });

    it('streams the same answer, and answers Free OCR as plain text', async () => {
      const plain = await json(ocrChat('<image>\n<|grounding|>Convert the document to markdown.', false, fixture('error-screenshot.png')));
      const chunks = jsonChunks(await readSse(await ocrChat('<image>\n<|grounding|>Convert the document to markdown.', true, fixture('error-screenshot.png'))));
      assert.equal(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), plain.choices[0].message.content);
      assert.ok(chunks.at(-1)?.usage.prompt_tokens > 0, 'usage on the last chunk');
      const free = await json(ocrChat('<image>\nFree OCR.', false, fixture('error-screenshot.png')));
      assert.equal(free.choices[0].message.content, FIXTURE_TEXT.errorScreenshot);
    });
  });
});
