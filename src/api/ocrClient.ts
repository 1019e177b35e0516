/**
 * Text extraction over HTTP: DeepSeek's OCR tool (`POST /v1/tools/ocr`, multipart `file` + `purpose`) or an
 * OpenAI-compatible vision endpoint (`/chat/completions` with an `image_url` part, e.g. the open
 * DeepSeek-OCR-2 weights behind vLLM or SGLang). Written with node:http(s) in chunks so the upload reports
 * progress; cancellable, with a timeout; 429/5xx retried once. No `vscode`: usable from plain Node tests.
 * Never logs; the key never appears in a message.
 */
import * as http from 'node:http';
import * as https from 'node:https';
import { describeHttpFailure, describeNetworkFailure, type ApiFailure } from '../core/apiErrors';
import { multipartBody } from '../core/documents/multipart';
import { VISION_FORMATS, type DocumentFile, type OcrPage, type OcrProgress, type OcrPurpose, type OcrResponse } from '../core/documents/types';
import { parseRetryAfter } from '../core/providers/failoverPolicy';
import { scrubSecrets } from '../core/scrub';

export type OcrEndpointConfig =
  | {
      readonly provider: 'deepseek';
      /** deepseek.baseUrl; the route is <origin><path without /v1>/v1/tools/ocr. */
      readonly baseUrl: string;
      readonly apiKey: string;
      readonly purpose: OcrPurpose;
      readonly timeoutMs: number;
    }
  | {
      readonly provider: 'openaiCompatible';
      /** e.g. http://localhost:8000/v1 */
      readonly baseUrl: string;
      readonly apiKey: string | undefined;
      readonly model: string;
      readonly grounding: boolean;
      readonly timeoutMs: number;
    };

export type OcrOutcome = { readonly ok: true; readonly response: OcrResponse } | { readonly ok: false; readonly failure: ApiFailure };

export interface OcrClient {
  /** The URL files go to (said to the user before the first upload). */
  readonly endpoint: string;
  /** "DeepSeek OCR" | "OCR endpoint at localhost:8000" */
  readonly label: string;
  /** Stable part of the cache key: provider, endpoint, purpose or model, grounding. */
  readonly identity: string;
  extract(file: DocumentFile, options?: { readonly signal?: AbortSignal; readonly onProgress?: (p: OcrProgress) => void }): Promise<OcrOutcome>;
}

/** Timing knobs, for tests; the defaults are what users get. */
export interface OcrClientTuning {
  /** Wait before the one retry of a 429/5xx when the server names no retry-after. Default 2 s. */
  readonly retryDelayMs?: number;
  /** How often `recognising` progress is reported while the server works. Default 1 s. */
  readonly progressIntervalMs?: number;
}

/** Bytes written per chunk of the upload (each one reported as `uploading` progress). */
export const UPLOAD_CHUNK_BYTES = 128 * 1024;
/** The longest retry-after honoured; a server asking for more is not retried (the failure says how long). */
export const MAX_RETRY_WAIT_MS = 30_000;
/** The largest answer read: a 1,000-page document's Markdown is far below it. */
const MAX_RESPONSE_BYTES = 64 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 180_000;

/** The model card's prompts for DeepSeek-OCR-2. */
export const GROUNDING_PROMPT = '<image>\n<|grounding|>Convert the document to markdown.';
export const FREE_OCR_PROMPT = '<image>\nFree OCR.';

/** `https://api.deepseek.com/v1` → `https://api.deepseek.com/v1/tools/ocr`; undefined for no valid URL. */
export function deepseekOcrUrl(baseUrl: string): string | undefined {
  const url = parseUrl(baseUrl);
  if (!url) return undefined;
  const path = url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '');
  return `${url.origin}${path}/v1/tools/ocr`;
}

function parseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

interface Wire {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: Uint8Array;
}

interface HttpAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: Buffer;
}

type Attempt =
  | { readonly kind: 'answer'; readonly answer: HttpAnswer }
  | { readonly kind: 'cancelled' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'network'; readonly message: string }
  | { readonly kind: 'tooLarge' };

const CANCELLED: ApiFailure = { kind: 'cancelled', retryable: false, message: 'Cancelled.' };

function failed(failure: ApiFailure): OcrOutcome {
  return { ok: false, failure };
}

/** One request: the body in chunks (reporting progress), then `recognising` progress until the answer. */
function send(
  wire: Wire,
  timeoutMs: number,
  intervalMs: number,
  signal: AbortSignal | undefined,
  onProgress: ((p: OcrProgress) => void) | undefined,
  pages: number | undefined,
): Promise<Attempt> {
  return new Promise<Attempt>((resolve) => {
    if (signal?.aborted) {
      resolve({ kind: 'cancelled' });
      return;
    }
    const url = new URL(wire.url);
    const transport = url.protocol === 'https:' ? https : http;
    let settled = false;
    let written = false;
    let waiting: ReturnType<typeof setInterval> | undefined;
    const report = (p: OcrProgress) => {
      if (settled) return;
      try {
        onProgress?.(p);
      } catch {
        // A listener's failure is not the extraction's.
      }
    };
    const finish = (attempt: Attempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearInterval(waiting);
      signal?.removeEventListener('abort', onAbort);
      if (!written) req.destroy(); // answered before the upload ended: nothing more goes out
      resolve(attempt);
    };
    const req = transport.request(url, {
      method: 'POST',
      headers: { ...wire.headers, 'content-length': String(wire.body.length) },
    });
    const stop = (attempt: Attempt) => {
      finish(attempt);
      req.destroy();
    };
    const onAbort = () => stop({ kind: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    const timer = setTimeout(() => stop({ kind: 'timeout' }), timeoutMs);
    let answered = false;
    // A server may answer (413, 401) before the upload ends and close the socket: its answer wins over the
    // write error that follows.
    req.on('error', (err) => {
      if (!answered) finish({ kind: 'network', message: err.message });
    });
    req.on('response', (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      let size = 0;
      const done = () => finish({ kind: 'answer', answer: { status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) } });
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > MAX_RESPONSE_BYTES) {
          stop({ kind: 'tooLarge' });
          return;
        }
        chunks.push(chunk);
      });
      res.on('end', done);
      // Cut off mid-answer: an error status is still worth telling; a cut-off success is not a result.
      res.on('close', () => ((res.statusCode ?? 0) >= 300 ? done() : finish({ kind: 'network', message: 'the connection closed mid-answer' })));
      res.on('error', (err) => finish({ kind: 'network', message: err.message }));
    });
    const total = wire.body.length;
    const startWaiting = () => {
      const started = Date.now();
      report({ phase: 'recognising', elapsedMs: 0, ...(pages !== undefined ? { pages } : {}) });
      waiting = setInterval(() => report({ phase: 'recognising', elapsedMs: Date.now() - started, ...(pages !== undefined ? { pages } : {}) }), intervalMs);
    };
    const writeFrom = (offset: number) => {
      if (settled || answered) return;
      if (offset >= total) {
        written = true;
        req.end(startWaiting);
        return;
      }
      const end = Math.min(total, offset + UPLOAD_CHUNK_BYTES);
      req.write(wire.body.subarray(offset, end), (err) => {
        if (err || settled || answered) return;
        report({ phase: 'uploading', sentBytes: end, totalBytes: total });
        writeFrom(end);
      });
    };
    report({ phase: 'uploading', sentBytes: 0, totalBytes: total });
    writeFrom(0);
  });
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The API's own words: `{error: {message}}` (DeepSeek, OpenAI), `{message}` (vLLM), `{detail}` (FastAPI). */
function apiMessage(body: Buffer): string | undefined {
  const json = record(parseJson(body));
  const error = json?.error;
  const candidates = [record(error)?.message, error, json?.message, json?.detail];
  const found = candidates.find((c): c is string => typeof c === 'string' && c.trim() !== '');
  return found?.trim().slice(0, 500);
}

function headerGetter(headers: http.IncomingHttpHeaders): { get(name: string): string | null } {
  return {
    get: (name) => {
      const v = headers[name.toLowerCase()];
      return typeof v === 'string' ? v : Array.isArray(v) ? (v[0] ?? null) : null;
    },
  };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function wait(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) {
      resolve(false);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** DeepSeek's `{pages: [{index, text, finish_reason}]}`; undefined when the answer is not that. */
export function readOcrPages(raw: unknown): OcrPage[] | undefined {
  const pages = record(raw)?.pages;
  if (!Array.isArray(pages)) return undefined;
  const read: OcrPage[] = [];
  for (const [position, item] of pages.entries()) {
    const page = record(item);
    if (!page || typeof page.text !== 'string') return undefined;
    const index = typeof page.index === 'number' && Number.isInteger(page.index) && page.index >= 0 ? page.index : position;
    read.push({ index, text: page.text, ...(typeof page.finish_reason === 'string' ? { finishReason: page.finish_reason } : {}) });
  }
  return read;
}

/** An OpenAI-compatible chat completion's answer as one page, with its usage and model. */
function readVisionAnswer(raw: unknown): OcrResponse | undefined {
  const body = record(raw);
  const choice = Array.isArray(body?.choices) ? record(body.choices[0]) : undefined;
  const content = record(choice?.message)?.content;
  if (typeof content !== 'string') return undefined;
  const usage = record(body?.usage);
  const count = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : 0);
  const finish = choice?.finish_reason;
  return {
    pages: [{ index: 0, text: content, ...(typeof finish === 'string' ? { finishReason: finish } : {}) }],
    ...(usage ? { usage: { promptTokens: count(usage.prompt_tokens), outputTokens: count(usage.completion_tokens) } } : {}),
    ...(typeof body?.model === 'string' && body.model !== '' ? { model: body.model } : {}),
  };
}

interface Provider {
  readonly endpoint: string;
  readonly label: string;
  readonly identity: string;
  readonly apiKey: string | undefined;
  readonly timeoutMs: number;
  /** Why nothing can be sent (no valid URL; a file this endpoint does not take). */
  refuse(file: DocumentFile): string | undefined;
  wire(file: DocumentFile): Wire;
  read(raw: unknown): OcrResponse | undefined;
  /** What a 401/403 tells the user to do. */
  readonly authHint: string;
}

function deepseekProvider(config: Extract<OcrEndpointConfig, { provider: 'deepseek' }>): Provider {
  const endpoint = deepseekOcrUrl(config.baseUrl) ?? '';
  return {
    endpoint,
    label: 'DeepSeek OCR',
    identity: `deepseek ${endpoint} ${config.purpose}`,
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs,
    authHint: 'Set a valid key with "DeepSeek: Set API Key".',
    refuse: () => (endpoint === '' ? `deepseek.baseUrl is not an http(s) URL: "${config.baseUrl}".` : undefined),
    wire: (file) => {
      const { contentType, body } = multipartBody([
        { name: 'file', filename: file.name.split(/[\\/]/).pop() || 'file', contentType: file.info.mime, data: file.data },
        { name: 'purpose', value: config.purpose },
      ]);
      return { url: endpoint, headers: { 'content-type': contentType, accept: 'application/json', authorization: `Bearer ${config.apiKey}` }, body };
    },
    read: (raw) => {
      const pages = readOcrPages(raw);
      return pages ? { pages } : undefined;
    },
  };
}

function visionProvider(config: Extract<OcrEndpointConfig, { provider: 'openaiCompatible' }>): Provider {
  const base = parseUrl(config.baseUrl);
  const endpoint = base ? `${base.origin}${base.pathname.replace(/\/+$/, '')}/chat/completions` : '';
  const where = base ? base.host : config.baseUrl.trim() || '(no URL set)';
  const label = `OCR endpoint at ${where}`;
  return {
    endpoint,
    label,
    identity: `openaiCompatible ${endpoint} ${config.model} grounding=${config.grounding}`,
    apiKey: config.apiKey,
    timeoutMs: config.timeoutMs,
    authHint: 'Check the key in the environment variable named by deepseek.ocr.apiKeyEnv.',
    refuse: (file) => {
      if (!base) {
        return config.baseUrl.trim() === ''
          ? 'Set deepseek.ocr.baseUrl to the OpenAI-compatible vision endpoint (for example http://localhost:8000/v1), or set deepseek.ocr.provider to "deepseek".'
          : `deepseek.ocr.baseUrl is not an http(s) URL: "${config.baseUrl}".`;
      }
      return VISION_FORMATS.includes(file.info.format)
        ? undefined
        : `The ${label} takes images only (PNG, JPEG, GIF, WebP); set deepseek.ocr.provider to "deepseek" for PDF, DOCX and PPTX.`;
    },
    wire: (file) => {
      const dataUrl = `data:${file.info.mime};base64,${Buffer.from(file.data).toString('base64')}`;
      const body = JSON.stringify({
        model: config.model,
        messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: dataUrl } }, { type: 'text', text: config.grounding ? GROUNDING_PROMPT : FREE_OCR_PROMPT }] }],
        temperature: 0,
        max_tokens: 8192,
        stream: false,
      });
      return {
        url: endpoint,
        headers: { 'content-type': 'application/json', accept: 'application/json', ...(config.apiKey ? { authorization: `Bearer ${config.apiKey}` } : {}) },
        body: new TextEncoder().encode(body),
      };
    },
    read: readVisionAnswer,
  };
}

/** An HTTP error in the words users get for chat errors; 401 with the hint for this endpoint's key. */
function httpFailure(provider: Provider, answer: HttpAnswer, clean: (s: string) => string): ApiFailure {
  const said = apiMessage(answer.body);
  const base = describeHttpFailure(answer.status, said ? clean(said) : undefined, provider.label);
  const retryAfterMs = answer.status === 429 || answer.status === 503 ? parseRetryAfter(headerGetter(answer.headers)) : undefined;
  const withRetry = retryAfterMs !== undefined ? { ...base, retryAfterMs } : base;
  if (base.kind === 'auth') {
    return { ...withRetry, message: `${provider.label} rejected the API key (${answer.status}). ${provider.authHint}` };
  }
  if (answer.status === 413) {
    return { ...withRetry, kind: 'invalid', retryable: false, message: `${provider.label} refused the file as too large (413).${said ? ` ${clean(said)}` : ''}` };
  }
  return withRetry;
}

export function createOcrClient(config: OcrEndpointConfig, tuning: OcrClientTuning = {}): OcrClient {
  const provider = config.provider === 'deepseek' ? deepseekProvider(config) : visionProvider(config);
  const retryDelayMs = tuning.retryDelayMs ?? 2_000;
  const intervalMs = tuning.progressIntervalMs ?? 1_000;
  const timeoutMs = provider.timeoutMs > 0 ? provider.timeoutMs : DEFAULT_TIMEOUT_MS;
  const clean = (text: string) => scrubSecrets(text, provider.apiKey ? [provider.apiKey] : []);

  async function extract(file: DocumentFile, options: { readonly signal?: AbortSignal; readonly onProgress?: (p: OcrProgress) => void } = {}): Promise<OcrOutcome> {
    const refusal = provider.refuse(file);
    if (refusal) return failed({ kind: 'invalid', retryable: false, message: refusal });
    const wire = provider.wire(file);
    for (let attempt = 1; ; attempt++) {
      const result = await send(wire, timeoutMs, intervalMs, options.signal, options.onProgress, file.info.pages);
      switch (result.kind) {
        case 'cancelled':
          return failed(CANCELLED);
        case 'timeout':
          return failed({ kind: 'timeout', retryable: true, message: `${provider.label} did not finish ${file.name.split(/[\\/]/).pop()} within ${seconds(timeoutMs)}; the extraction was stopped.` });
        case 'tooLarge':
          return failed({ kind: 'unknown', retryable: false, message: `${provider.label} sent an answer larger than ${MAX_RESPONSE_BYTES / (1024 * 1024)} MB; it was not read.` });
        case 'network':
          return failed(describeNetworkFailure(provider.label, clean(result.message)));
        case 'answer':
          break;
      }
      const { answer } = result;
      if (answer.status >= 200 && answer.status < 300) {
        const response = provider.read(parseJson(answer.body));
        return response
          ? { ok: true, response }
          : failed({ kind: 'unknown', retryable: false, message: `${provider.label} answered with something that is not an OCR result (expected ${config.provider === 'deepseek' ? 'JSON with pages' : 'a chat completion'}); nothing was extracted.` });
      }
      const failure = httpFailure(provider, answer, clean);
      const waitMs = failure.retryAfterMs ?? retryDelayMs;
      if (!failure.retryable || attempt >= 2 || waitMs > MAX_RETRY_WAIT_MS) {
        const tail = failure.retryable && attempt >= 2 ? ' Tried twice; try again later.' : failure.retryAfterMs !== undefined && waitMs > MAX_RETRY_WAIT_MS ? ` It asked to wait ${seconds(waitMs)}.` : '';
        return failed({ ...failure, message: `${failure.message}${tail}` });
      }
      if (!(await wait(waitMs, options.signal))) return failed(CANCELLED);
    }
  }

  return { endpoint: provider.endpoint, label: provider.label, identity: provider.identity, extract };
}
