import * as assert from 'assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createOcrClient, deepseekOcrUrl, type OcrEndpointConfig } from '../../src/api/ocrClient';
import { multipartBody } from '../../src/core/documents/multipart';
import type { DocumentFile, OcrProgress } from '../../src/core/documents/types';

const KEY = 'sk-test-ocr-0123456789abcdef';

interface Seen {
  readonly method: string;
  readonly url: string;
  readonly headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** The client closed the connection before the server answered. */
  closedEarly: boolean;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse, seen: Seen, n: number) => void;

/** A local server the spec controls: each request goes to `handler`, and is recorded. */
class LocalServer {
  private server!: http.Server;
  readonly seen: Seen[] = [];
  handler: Handler = (_req, res) => res.end('{}');
  /** When set, the body is not read before `handler` runs (to stall an upload). */
  readBody = true;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const seen: Seen = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.alloc(0), closedEarly: false };
      this.seen.push(seen);
      const n = this.seen.length;
      res.on('close', () => {
        if (!res.writableEnded) seen.closedEarly = true;
      });
      if (!this.readBody) {
        this.handler(req, res, seen, n);
        return;
      }
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        seen.body = Buffer.concat(chunks);
        this.handler(req, res, seen, n);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
  }

  get base(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

const pngFile = (size = 64): DocumentFile => ({
  name: '/home/me/shots/error.png',
  data: new Uint8Array(size).map((_, i) => i % 251),
  info: { format: 'png', kind: 'image', mime: 'image/png', bytes: size, pages: 1, width: 800, height: 600 },
});
const pdfFile: DocumentFile = {
  name: 'spec.pdf',
  data: Buffer.from('%PDF-1.7 fake'),
  info: { format: 'pdf', kind: 'document', mime: 'application/pdf', bytes: 13, pages: 3 },
};

const until = async (check: () => boolean, what: string) => {
  for (let i = 0; i < 500 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), what);
};

describe('OCR client', () => {
  const server = new LocalServer();
  const deepseek = (overrides: Partial<Extract<OcrEndpointConfig, { provider: 'deepseek' }>> = {}) =>
    createOcrClient({ provider: 'deepseek', baseUrl: `${server.base}/v1`, apiKey: KEY, purpose: 'rich_layout_recognition', timeoutMs: 5_000, ...overrides }, { retryDelayMs: 20, progressIntervalMs: 40 });

  beforeEach(async () => {
    server.seen.length = 0;
    server.readBody = true;
    await server.start();
  });
  afterEach(() => server.stop());

  it('routes to /v1/tools/ocr whether the base URL names /v1 or not', () => {
    assert.equal(deepseekOcrUrl('https://api.deepseek.com'), 'https://api.deepseek.com/v1/tools/ocr');
    assert.equal(deepseekOcrUrl('https://api.deepseek.com/v1/'), 'https://api.deepseek.com/v1/tools/ocr');
    assert.equal(deepseekOcrUrl('http://127.0.0.1:8130/proxy/v1'), 'http://127.0.0.1:8130/proxy/v1/tools/ocr');
    assert.equal(deepseekOcrUrl('not a url'), undefined);
  });

  it('uploads the file as multipart with its purpose and the key, reports progress, and reads the pages', async () => {
    server.handler = (_req, res) => setTimeout(() => json(res, 200, { pages: [{ index: 0, text: '<|ref|>title<|/ref|># A', finish_reason: 'stop' }, { index: 1, text: 'b' }] }), 200);
    const client = deepseek();
    assert.equal(client.endpoint, `${server.base}/v1/tools/ocr`);
    assert.equal(client.label, 'DeepSeek OCR');
    const file = pngFile(300 * 1024);
    const progress: OcrProgress[] = [];
    const outcome = await client.extract(file, { onProgress: (p) => progress.push(p) });
    assert.deepEqual(outcome, { ok: true, response: { pages: [{ index: 0, text: '<|ref|>title<|/ref|># A', finishReason: 'stop' }, { index: 1, text: 'b' }] } });

    const [seen] = server.seen;
    assert.equal(seen.method, 'POST');
    assert.equal(seen.url, '/v1/tools/ocr');
    assert.equal(seen.headers.authorization, `Bearer ${KEY}`);
    const boundary = /boundary=(.+)$/.exec(seen.headers['content-type'] ?? '')?.[1];
    assert.ok(boundary, 'multipart content type with a boundary');
    const body = seen.body.toString('latin1');
    assert.match(body, /Content-Disposition: form-data; name="file"; filename="error.png"\r\nContent-Type: image\/png\r\n\r\n/);
    assert.ok(seen.body.includes(Buffer.from(file.data)), 'the file\'s bytes, unchanged');
    assert.match(body, /name="purpose"\r\n\r\nrich_layout_recognition\r\n/);
    assert.doesNotMatch(body, /home\/me/, 'the folder never leaves the machine');

    const uploads = progress.filter((p) => p.phase === 'uploading');
    const total = seen.body.length;
    assert.ok(uploads.length >= 3, 'a 300 KiB file reports more than one chunk');
    assert.deepEqual(uploads[uploads.length - 1], { phase: 'uploading', sentBytes: total, totalBytes: total });
    assert.ok(uploads.every((p, i) => i === 0 || (p.phase === 'uploading' && p.sentBytes > (uploads[i - 1] as { sentBytes: number }).sentBytes)), 'sent bytes grow');
    const waits = progress.filter((p) => p.phase === 'recognising');
    assert.ok(waits.length >= 3, `recognising progress while the server works (${waits.length})`);
    assert.deepEqual(waits[0], { phase: 'recognising', elapsedMs: 0, pages: 1 });
    assert.ok(progress.indexOf(waits[0]) > progress.indexOf(uploads[uploads.length - 1]), 'recognising after the upload');
  });

  it('cancels mid-upload: the socket is closed and the rest of the file never leaves', async () => {
    server.readBody = false;
    let received = 0;
    let upload: http.IncomingMessage | undefined;
    let incomplete: boolean | undefined;
    server.handler = (req) => {
      upload = req;
      req.on('close', () => (incomplete = !req.complete));
      req.once('data', (c: Buffer) => {
        received += c.length;
        req.pause(); // read one chunk, then stall the upload
      });
    };
    const controller = new AbortController();
    const file = pngFile(32 * 1024 * 1024);
    const progress: OcrProgress[] = [];
    const outcome = deepseek().extract(file, {
      signal: controller.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.phase === 'uploading' && p.sentBytes > 0) controller.abort();
      },
    });
    assert.deepEqual(await outcome, { ok: false, failure: { kind: 'cancelled', retryable: false, message: 'Cancelled.' } });
    // Drain what was in flight: the upload ends short, cut off.
    await until(() => upload !== undefined, 'the request reached the server');
    upload?.on('data', (c: Buffer) => (received += c.length));
    upload?.resume();
    await until(() => incomplete !== undefined, 'the server sees the upload end');
    assert.equal(incomplete, true, 'the request was cut off, not completed');
    assert.ok(received < file.data.length / 2, `only part of the file arrived (${received} of ${file.data.length} bytes)`);
    assert.equal(progress.filter((p) => p.phase === 'recognising').length, 0);
  });

  it('cancels while the server works, and a signal aborted before the start sends nothing', async () => {
    server.handler = () => undefined; // never answers
    const controller = new AbortController();
    const started = Date.now();
    const outcome = await deepseek().extract(pngFile(), {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.phase === 'recognising') setTimeout(() => controller.abort(), 50);
      },
    });
    assert.equal(outcome.ok, false);
    assert.equal(!outcome.ok && outcome.failure.kind, 'cancelled');
    assert.ok(Date.now() - started < 2_000);
    await until(() => server.seen[0]?.closedEarly === true, 'the connection is closed');

    const before = server.seen.length;
    const aborted = AbortSignal.abort();
    const again = await deepseek().extract(pngFile(), { signal: aborted });
    assert.equal(!again.ok && again.failure.kind, 'cancelled');
    assert.equal(server.seen.length, before, 'nothing was sent');
  });

  it('shows the API\'s message for 413 and does not retry', async () => {
    server.handler = (_req, res) => json(res, 413, { error: { message: 'File exceeds the 100 MiB limit', type: 'invalid_request_error' } });
    const outcome = await deepseek().extract(pngFile());
    assert.deepEqual(outcome, { ok: false, failure: { kind: 'invalid', status: 413, retryable: false, message: 'DeepSeek OCR refused the file as too large (413). File exceeds the 100 MiB limit' } });
    assert.equal(server.seen.length, 1);
  });

  it('shows 400 and 422 messages and says 402 is the balance, without retrying', async () => {
    server.handler = (_req, res, _s, n) => (n === 1 ? json(res, 422, { error: { message: 'too many pages: 1204 > 1000' } }) : json(res, 402, { error: { message: 'Insufficient Balance' } }));
    const first = await deepseek().extract(pdfFile);
    assert.equal(!first.ok && first.failure.message, 'DeepSeek OCR refused the request (422). too many pages: 1204 > 1000');
    const second = await deepseek().extract(pdfFile);
    assert.equal(!second.ok && second.failure.kind, 'balance');
    assert.equal(server.seen.length, 2);
  });

  it('says the key was refused on 401, never echoing the key, and does not retry', async () => {
    server.handler = (req, res) => json(res, 401, { error: { message: `Authentication Fails, your api key: ${req.headers.authorization} is invalid` } });
    const outcome = await deepseek().extract(pngFile());
    assert.equal(outcome.ok, false);
    const failure = !outcome.ok ? outcome.failure : undefined;
    assert.equal(failure?.kind, 'auth');
    assert.equal(failure?.message, 'DeepSeek OCR rejected the API key (401). Set a valid key with "DeepSeek: Set API Key".');
    assert.doesNotMatch(JSON.stringify(outcome), /0123456789abcdef/);
    assert.equal(server.seen.length, 1);
  });

  it('retries a 500 once and returns the pages of the second answer', async () => {
    server.handler = (_req, res, _s, n) => (n === 1 ? json(res, 500, { error: { message: 'internal' } }) : json(res, 200, { pages: [{ index: 0, text: 'ok' }] }));
    const outcome = await deepseek().extract(pngFile());
    assert.deepEqual(outcome, { ok: true, response: { pages: [{ index: 0, text: 'ok' }] } });
    assert.equal(server.seen.length, 2);
    assert.deepEqual(server.seen[1].body, server.seen[0].body, 'the same upload again');
  });

  it('honours retry-after on 429, and fails clearly when the retry fails too', async () => {
    const times: number[] = [];
    server.handler = (_req, res) => {
      times.push(Date.now());
      json(res, 429, { error: { message: 'Rate limit reached' } }, { 'retry-after': '0.3' });
    };
    const outcome = await deepseek().extract(pngFile());
    assert.equal(server.seen.length, 2, 'one retry only');
    assert.ok(times[1] - times[0] >= 280, `waited as asked (${times[1] - times[0]} ms)`);
    assert.equal(!outcome.ok && outcome.failure.kind, 'rateLimit');
    assert.equal(!outcome.ok && outcome.failure.message, 'DeepSeek OCR is rate-limiting requests (429). Rate limit reached Tried twice; try again later.');
  });

  it('does not wait out a retry-after longer than it honours', async () => {
    server.handler = (_req, res) => json(res, 503, {}, { 'retry-after': '600' });
    const outcome = await deepseek().extract(pngFile());
    assert.equal(server.seen.length, 1);
    assert.match(!outcome.ok ? outcome.failure.message : '', /had a server error \(503\)\. It asked to wait 600 s\./);
  });

  it('stops at the timeout with a message naming the file and the limit', async () => {
    server.handler = () => undefined;
    const outcome = await deepseek({ timeoutMs: 300 }).extract(pngFile());
    assert.deepEqual(outcome, { ok: false, failure: { kind: 'timeout', retryable: true, message: 'DeepSeek OCR did not finish error.png within 0.3 s; the extraction was stopped.' } });
    await until(() => server.seen[0]?.closedEarly === true, 'the connection is closed');
  });

  it('refuses malformed answers with a clear message: not JSON, no pages, pages without text', async () => {
    const bodies = ['<html>502 Bad Gateway</html>', JSON.stringify({ result: 'ok' }), JSON.stringify({ pages: [{ index: 0, text: 5 }] }), JSON.stringify({ pages: 'one' })];
    server.handler = (_req, res, _s, n) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(bodies[n - 1]);
    };
    for (const _ of bodies) {
      const outcome = await deepseek().extract(pdfFile);
      assert.deepEqual(outcome, { ok: false, failure: { kind: 'unknown', retryable: false, message: 'DeepSeek OCR answered with something that is not an OCR result (expected JSON with pages); nothing was extracted.' } });
    }
  });

  it('says where it could not connect', async () => {
    const base = server.base;
    await server.stop();
    const outcome = await createOcrClient({ provider: 'deepseek', baseUrl: base, apiKey: KEY, purpose: 'text_recognition', timeoutMs: 2_000 }).extract(pngFile());
    assert.equal(!outcome.ok && outcome.failure.kind, 'network');
    assert.match(!outcome.ok ? outcome.failure.message : '', /^Could not reach DeepSeek OCR: .*ECONNREFUSED/);
    await server.start(); // for afterEach
  });

  it('keys the cache by provider, endpoint and purpose — never by the key', () => {
    const a = deepseek().identity;
    assert.equal(a, `deepseek ${server.base}/v1/tools/ocr rich_layout_recognition`);
    assert.notEqual(deepseek({ purpose: 'text_recognition' }).identity, a);
    assert.equal(deepseek({ apiKey: 'sk-another-key-000000' }).identity, a);
  });

  describe('an OpenAI-compatible vision endpoint', () => {
    const vision = (overrides: Partial<Extract<OcrEndpointConfig, { provider: 'openaiCompatible' }>> = {}) =>
      createOcrClient({ provider: 'openaiCompatible', baseUrl: `${server.base}/v1/`, apiKey: undefined, model: 'deepseek-ai/DeepSeek-OCR-2', grounding: true, timeoutMs: 5_000, ...overrides }, { retryDelayMs: 20, progressIntervalMs: 40 });

    it('sends the image as a data URL with the model card\'s prompt and reads the answer, usage and model', async () => {
      server.handler = (_req, res) => json(res, 200, { model: 'deepseek-ai/DeepSeek-OCR-2', choices: [{ message: { role: 'assistant', content: '# Error\nTypeError' }, finish_reason: 'stop' }], usage: { prompt_tokens: 270, completion_tokens: 12 } });
      const client = vision();
      const port = new URL(server.base).port;
      assert.equal(client.label, `OCR endpoint at 127.0.0.1:${port}`);
      assert.equal(client.endpoint, `${server.base}/v1/chat/completions`);
      const file = pngFile();
      const outcome = await client.extract(file);
      assert.deepEqual(outcome, { ok: true, response: { pages: [{ index: 0, text: '# Error\nTypeError', finishReason: 'stop' }], usage: { promptTokens: 270, outputTokens: 12 }, model: 'deepseek-ai/DeepSeek-OCR-2' } });
      const [seen] = server.seen;
      assert.equal(seen.url, '/v1/chat/completions');
      assert.equal(seen.headers.authorization, undefined, 'no key configured: no Authorization header');
      assert.deepEqual(JSON.parse(seen.body.toString('utf8')), {
        model: 'deepseek-ai/DeepSeek-OCR-2',
        messages: [{ role: 'user', content: [
          { type: 'image_url', image_url: { url: `data:image/png;base64,${Buffer.from(file.data).toString('base64')}` } },
          { type: 'text', text: '<image>\n<|grounding|>Convert the document to markdown.' },
        ] }],
        temperature: 0,
        max_tokens: 8192,
        stream: false,
      });
    });

    it('asks for free OCR without grounding, and sends a key only when one is given', async () => {
      server.handler = (_req, res) => json(res, 200, { choices: [{ message: { content: 'text' } }] });
      const outcome = await vision({ grounding: false, apiKey: 'local-key-123456' }).extract(pngFile());
      assert.deepEqual(outcome, { ok: true, response: { pages: [{ index: 0, text: 'text' }] } });
      assert.equal(server.seen[0].headers.authorization, 'Bearer local-key-123456');
      assert.equal(JSON.parse(server.seen[0].body.toString()).messages[0].content[1].text, '<image>\nFree OCR.');
      assert.notEqual(vision({ grounding: false }).identity, vision().identity);
      assert.notEqual(vision({ model: 'other' }).identity, vision().identity);
    });

    it('refuses a PDF and a missing base URL before sending anything', async () => {
      const pdf = await vision().extract(pdfFile);
      assert.equal(!pdf.ok && pdf.failure.message, `The OCR endpoint at 127.0.0.1:${new URL(server.base).port} takes images only (PNG, JPEG, GIF, WebP); set deepseek.ocr.provider to "deepseek" for PDF, DOCX and PPTX.`);
      const none = await vision({ baseUrl: '' }).extract(pngFile());
      assert.match(!none.ok ? none.failure.message : '', /^Set deepseek\.ocr\.baseUrl/);
      assert.equal(server.seen.length, 0);
    });

    it('names the key\'s environment variable setting on 401, and reads a vLLM error message', async () => {
      server.handler = (_req, res, _s, n) => (n === 1 ? json(res, 401, { message: 'bad key' }) : json(res, 400, { object: 'error', message: 'max_tokens is too large', type: 'BadRequestError' }));
      const auth = await vision({ apiKey: 'local-key-123456' }).extract(pngFile());
      assert.match(!auth.ok ? auth.failure.message : '', /rejected the API key \(401\)\. Check the key in the environment variable named by deepseek\.ocr\.apiKeyEnv\./);
      const bad = await vision().extract(pngFile());
      assert.match(!bad.ok ? bad.failure.message : '', /refused the request \(400\)\. max_tokens is too large$/);
    });

    it('refuses an answer without a message', async () => {
      server.handler = (_req, res) => json(res, 200, { choices: [] });
      const outcome = await vision().extract(pngFile());
      assert.equal(!outcome.ok && outcome.failure.message, `OCR endpoint at 127.0.0.1:${new URL(server.base).port} answered with something that is not an OCR result (expected a chat completion); nothing was extracted.`);
    });
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
