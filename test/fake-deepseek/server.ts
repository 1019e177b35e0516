import { createHash } from 'crypto';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import { plainText, richText } from './documentBlocks';
import { MultipartError, parseMultipart } from './multipart';
import { PrefixCacheSimulator } from './prefixCache';
import { countPages, documentText, recognise, UnsupportedDocument, type RecognisedDocument } from './recognition';
import { SIMULATOR_BAD_KEY, simulatedReply } from './simulatedAnswers';
import { countTokens, tokenize } from './tokenizer';
import type { Fault, FakeConfig, LoggedOcrUpload, LoggedRequest, ScriptedReply } from './types';
import { readTools, toolCallDeltas, toolChoiceError, toolMessagesError, wireToolCall } from './toolCalls';
import {
  describeImage,
  hasImageParts,
  ImagePartError,
  promptTokensWithImages,
  readImageParts,
  visionOcrAnswer,
  visionOcrRequest,
  type ImagePart,
} from './visionParts';

export * from './types';

const CONTROL_PREFIX = '/__fake';

const MIB = 1024 * 1024;

/** The model id DeepSeek's OCR tool answers with. */
export const OCR_TOOL_MODEL = 'deepseek-ocr-2';

/** The open weights' id, as a self-hosted vLLM/SGLang endpoint serves them. */
export const SELF_HOSTED_OCR_MODEL = 'deepseek-ai/DeepSeek-OCR-2';

const OCR_PURPOSES: readonly string[] = ['text_recognition', 'rich_layout_recognition'];

/** Config for an instance that plays a self-hosted DeepSeek-OCR-2 behind an OpenAI-compatible endpoint. */
export function selfHostedOcrConfig(): Partial<FakeConfig> {
  return { models: [SELF_HOSTED_OCR_MODEL], aliases: {}, fimModels: [], visionModels: [SELF_HOSTED_OCR_MODEL], ocrTool: false };
}

type ModelPreset = Pick<FakeConfig, 'models' | 'aliases' | 'reasoningModels' | 'fimModels'>;

/** The ids each mode serves: today's DeepSeek API (2026-11), or a compatible endpoint with the pre-V4 ids. */
export function modelPreset(legacyEndpoint: boolean): ModelPreset {
  return legacyEndpoint
    ? { models: ['deepseek-chat', 'deepseek-reasoner'], aliases: {}, reasoningModels: ['deepseek-reasoner'], fimModels: ['deepseek-chat'] }
    : { models: ['deepseek-flash', 'deepseek-v4-pro'], aliases: { 'deepseek-v4-flash': 'deepseek-flash' }, reasoningModels: [], fimModels: ['deepseek-flash'] };
}

/** The config after `patch`: switching `legacyEndpoint` loads that mode's ids unless the patch gives its own. */
function applyPatch(config: FakeConfig, patch: Partial<FakeConfig>): FakeConfig {
  const switched = patch.legacyEndpoint !== undefined && patch.legacyEndpoint !== config.legacyEndpoint;
  return { ...config, ...(switched ? modelPreset(patch.legacyEndpoint === true) : {}), ...patch };
}

/**
 * DeepSeek's refusal of a model id it does not serve (since 2026-07-24 also `deepseek-chat` / `deepseek-reasoner`),
 * e.g. "The supported API model names are deepseek-v4-pro or deepseek-flash, but you passed deepseek-chat."
 * (the API names the ids in reverse order).
 */
export function unsupportedModelMessage(models: readonly string[], passed: string): string {
  const names = [...models].sort().reverse();
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names[names.length - 1]}` : names.join('');
  return `The supported API model names are ${list}, but you passed ${passed}.`;
}

/** `reasoning_effort` values DeepSeek accepts, and what it applies. */
const EFFORTS: Readonly<Record<string, 'high' | 'max'>> = { low: 'high', medium: 'high', high: 'high', max: 'max', xhigh: 'max' };

export function defaultConfig(): FakeConfig {
  return {
    legacyEndpoint: false,
    ...modelPreset(false),
    balance: {
      is_available: true,
      balance_infos: [{ currency: 'USD', total_balance: '10.00', granted_balance: '0.00', topped_up_balance: '10.00' }],
    },
    replies: [],
    usageMode: 'lastChunk',
    chunkChars: 12,
    chunkDelayMs: 0,
    keepAlives: 0,
    keepAliveIntervalMs: 10,
    cacheUnitTokens: 64,
    simulator: false,
    openAiCompletions: false,
    ocrTool: true,
    ocrMaxBytes: 100 * MIB,
    ocrMaxPages: 1000,
    ocrMsPerPage: 0,
    visionModels: ['deepseek-flash', 'deepseek-v4-flash', SELF_HOSTED_OCR_MODEL],
    chatMaxRequestBytes: 48 * MIB,
  };
}

/** "100 MiB", "1.5 KiB", "512 bytes": a limit or a size as an error message gives it. */
export function formatBytes(n: number): string {
  const unit = n >= MIB ? { size: MIB, name: 'MiB' } : n >= 1024 ? { size: 1024, name: 'KiB' } : undefined;
  if (!unit) return `${n} bytes`;
  const value = n / unit.size;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${unit.name}`;
}

interface ChatMessage {
  role: string;
  content: unknown;
  reasoning_content?: unknown;
  tool_calls?: unknown;
  tool_call_id?: unknown;
}

/** Routes that generate text: the only ones the body faults (`keepAlive`, `stall`, …) act on. */
const GENERATING_ROUTES: readonly string[] = ['/chat/completions', '/beta/chat/completions', '/beta/completions', '/completions', '/tools/ocr'];
const BODY_FAULTS: ReadonlySet<Fault['kind']> = new Set(['keepAlive', 'stall', 'drop', 'malformed', 'truncated']);

/** A fault that changes the body of a 200 answer after it started (all body faults but `keepAlive`). */
type BodyFault = Extract<Fault, { kind: 'stall' | 'drop' | 'malformed' | 'truncated' }>;

function bodyFault(fault: Fault | undefined): BodyFault | undefined {
  switch (fault?.kind) {
    case 'stall':
    case 'drop':
    case 'malformed':
    case 'truncated':
      return fault;
    default:
      return undefined;
  }
}

/** Waits `ms`, or less when the connection closes first (so no timer outlives a client or `stop()`). */
function wait(res: http.ServerResponse, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      res.off('close', done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    res.once('close', done);
  });
}

/** Whether the client is gone (or the answer is over): nothing more should be written. */
function gone(res: http.ServerResponse): boolean {
  return res.destroyed || res.writableEnded || res.socket?.destroyed === true;
}

/** Closes the connection mid-body, after what was written has been sent (FIN, no chunked terminator). */
function closeAfterFlush(res: http.ServerResponse): void {
  const socket = res.socket;
  if (socket && !socket.destroyed) {
    socket.end(() => socket.destroy());
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The text the cache simulation sees for a chat request: every message in order, roles included. */
export function serializeMessages(messages: readonly ChatMessage[]): string {
  return messages
    .map((m) => {
      const content = typeof m.content === 'string' ? m.content : JSON.stringify(m.content ?? '');
      const reasoning = typeof m.reasoning_content === 'string' ? `<think>${m.reasoning_content}</think>` : '';
      const calls = m.tool_calls !== undefined ? `<|calls|>${JSON.stringify(m.tool_calls)}` : '';
      const answers = typeof m.tool_call_id === 'string' ? `<|answers ${m.tool_call_id}|>` : '';
      return `<|${m.role}|>${answers}${reasoning}${content}${calls}<|end|>`;
    })
    .join('');
}

/**
 * A local, OpenAI-compatible fake of the DeepSeek API for tests and the offline simulator. It serves chat
 * (streamed and not, with `reasoning_content`, image parts on the vision models), FIM, models, balance and the
 * OCR tool (`/tools/ocr`) as today's API does (V4 ids, the `thinking` switch, `reasoning_effort`, DeepSeek's
 * refusal of retired ids) or, with `legacyEndpoint`, as a compatible endpoint serving the pre-V4 ids, or, with
 * `selfHostedOcrConfig()`, as a vLLM host of DeepSeek-OCR-2; simulates the prefix cache; logs every request;
 * and injects faults. A control API under `/__fake/` lets another process drive it.
 */
export class FakeDeepSeekServer {
  private server: http.Server | undefined;
  private readonly sockets = new Set<Socket>();
  private config: FakeConfig;
  private faults: Fault[] = [];
  private log: LoggedRequest[] = [];
  private seq = 0;
  private idCounter = 0;
  private cache: PrefixCacheSimulator;
  /** The reasoning sent with each tool call (by call id): what a later request must send back. */
  private readonly sentReasoning = new Map<string, string>();

  constructor(private readonly initial: Partial<FakeConfig> = {}) {
    this.config = applyPatch(defaultConfig(), initial);
    this.cache = new PrefixCacheSimulator(this.config.cacheUnitTokens);
  }

  /** Starts on 127.0.0.1 (port 0 = any free port) and returns the base URL, e.g. `http://127.0.0.1:1234`. */
  async start(port = 0): Promise<string> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    return this.url;
  }

  get url(): string {
    if (!this.server) {
      throw new Error('fake DeepSeek server is not started');
    }
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    for (const socket of this.sockets) {
      socket.destroy();
    }
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  get requests(): readonly LoggedRequest[] {
    return this.log;
  }

  configure(patch: Partial<FakeConfig>): void {
    const unitChanged = patch.cacheUnitTokens !== undefined && patch.cacheUnitTokens !== this.config.cacheUnitTokens;
    this.config = applyPatch(this.config, patch);
    if (unitChanged) {
      this.cache = new PrefixCacheSimulator(this.config.cacheUnitTokens);
    }
  }

  get currentConfig(): Readonly<FakeConfig> {
    return this.config;
  }

  injectFault(...faults: Fault[]): void {
    this.faults.push(...faults);
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** Back to the configuration given at construction: empty log, no faults, empty cache. */
  reset(): void {
    this.config = applyPatch(defaultConfig(), this.initial);
    this.faults = [];
    this.log = [];
    this.cache = new PrefixCacheSimulator(this.config.cacheUnitTokens);
    this.sentReasoning.clear();
  }

  /** The first pending fault for this route that it can act on (see `FaultScope`), counted down or removed. */
  private takeFault(route: string): Fault | undefined {
    const generates = GENERATING_ROUTES.includes(route);
    const index = this.faults.findIndex((f) => (f.path === undefined || f.path === route) && (generates || !BODY_FAULTS.has(f.kind)));
    if (index < 0) {
      return undefined;
    }
    const fault = this.faults[index];
    const remaining = (fault.times ?? 1) - 1;
    if (remaining > 0) {
      this.faults[index] = { ...fault, times: remaining };
    } else {
      this.faults.splice(index, 1);
    }
    return fault;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    // The simulator says what it is on every response (src/core/endpoint.ts SIMULATOR_HEADER): the extension
    // calls an endpoint "Offline simulator" only after a response carried this header.
    if (this.config.simulator) res.setHeader('x-deepseek-simulator', '1');
    const url = new URL(req.url ?? '/', 'http://fake');
    const route = url.pathname.replace(/^\/v1(?=\/)/, '').replace(/\/+$/, '') || '/';
    const raw = await readBody(req);
    // The OCR tool takes multipart (read below, binary-safe); every other route JSON.
    let body: unknown;
    try {
      body = route === '/tools/ocr' ? undefined : parseJson(raw);
    } catch {
      this.sendError(res, 400, 'Request body is not valid JSON', 'invalid_request_error');
      return;
    }

    if (route.startsWith(CONTROL_PREFIX)) {
      this.handleControl(req.method ?? 'GET', route.slice(CONTROL_PREFIX.length), body, res);
      return;
    }

    const entry: LoggedRequest = {
      seq: ++this.seq,
      method: req.method ?? 'GET',
      path: url.pathname,
      route,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : v ?? ''])),
      body,
      receivedAt: Date.now(),
    };
    this.log.push(entry);
    res.on('close', () => {
      if (!res.writableFinished && entry.outcome === undefined) {
        entry.outcome = 'aborted';
      }
    });

    const known = ['/chat/completions', '/beta/chat/completions', '/beta/completions', '/completions', '/models', '/user/balance', '/tools/ocr'];
    if (!known.includes(route) || (route === '/tools/ocr' && !this.config.ocrTool)) {
      entry.outcome = 'error:404';
      this.sendError(res, 404, `Not found: ${url.pathname}`, 'invalid_request_error');
      return;
    }

    // The simulator refuses one documented key the way DeepSeek refuses a wrong one, so the error path can be tried.
    const refusedKey = this.config.simulator && req.headers.authorization === `Bearer ${SIMULATOR_BAD_KEY}`;
    if (refusedKey || (this.config.apiKey !== undefined && req.headers.authorization !== `Bearer ${this.config.apiKey}`)) {
      entry.outcome = 'error:401';
      const given = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      this.sendError(
        res,
        401,
        `Authentication Fails, Your api key: ****${given.slice(-4)} is invalid`,
        'authentication_error',
        {},
        'invalid_request_error',
      );
      return;
    }

    const fault = this.takeFault(route);
    if (fault?.kind === 'status') {
      entry.outcome = `fault:status:${fault.status}`;
      const headers: Record<string, string> = {};
      if (fault.retryAfter !== undefined) {
        headers['retry-after'] = String(fault.retryAfter);
      }
      if (fault.retryAfterMs !== undefined) {
        headers['retry-after-ms'] = String(fault.retryAfterMs);
      }
      const error = statusError(fault.status, req.headers.authorization);
      this.sendError(res, fault.status, fault.message ?? error.message, fault.type ?? error.type, headers, fault.code ?? error.code);
      return;
    }
    if (fault?.kind === 'reset') {
      entry.outcome = 'fault:reset';
      if (fault.afterMs !== undefined && fault.afterMs > 0) {
        await wait(res, fault.afterMs);
      }
      // An RST before any response byte: the client reads ECONNRESET.
      if (!req.socket.destroyed) {
        req.socket.resetAndDestroy();
      }
      return;
    }
    if (fault?.kind === 'delay') {
      entry.outcome = 'fault:delay';
      await wait(res, fault.ms);
      if (gone(res)) {
        return;
      }
    }

    switch (route) {
      case '/models':
        entry.outcome = entry.outcome ?? 'ok';
        this.sendJson(res, 200, {
          object: 'list',
          data: this.config.models.map((id) => ({ id, object: 'model', owned_by: this.config.simulator ? 'deepseek-assistant-simulator' : 'deepseek' })),
        });
        return;
      case '/user/balance':
        entry.outcome = entry.outcome ?? 'ok';
        this.sendJson(res, 200, this.config.balance);
        return;
      case '/chat/completions':
      case '/beta/chat/completions':
        await this.handleChat(body, raw.length, entry, fault, res);
        return;
      case '/tools/ocr':
        await this.handleOcr(raw, req.headers['content-type'], entry, fault, res);
        return;
      default:
        await this.handleFim(body, entry, fault, res, route);
    }
  }

  private handleControl(method: string, path: string, body: unknown, res: http.ServerResponse): void {
    if (method === 'GET' && path === '/requests') {
      this.sendJson(res, 200, this.log);
    } else if (method === 'POST' && path === '/reset') {
      this.reset();
      this.sendJson(res, 200, { ok: true });
    } else if (method === 'POST' && path === '/faults') {
      const faults = Array.isArray(body) ? body : [body];
      this.injectFault(...(faults as Fault[]));
      this.sendJson(res, 200, { ok: true, pending: this.faults.length });
    } else if (method === 'POST' && path === '/config' && isRecord(body)) {
      this.configure(body as Partial<FakeConfig>);
      this.sendJson(res, 200, this.config);
    } else if (method === 'POST' && path === '/cache/clear') {
      this.clearCache();
      this.sendJson(res, 200, { ok: true });
    } else {
      this.sendJson(res, 404, { error: `unknown control call ${method} ${path}` });
    }
  }

  /** The model a request names, as served (an alias resolved); undefined after answering 400. */
  private validateModel(model: unknown, res: http.ServerResponse, entry: LoggedRequest): string | undefined {
    const id = typeof model === 'string' ? model : '';
    if (this.config.models.includes(id)) {
      return id;
    }
    const target = Object.prototype.hasOwnProperty.call(this.config.aliases, id) ? this.config.aliases[id] : undefined;
    if (target !== undefined && this.config.models.includes(target)) {
      return target;
    }
    const message = this.config.legacyEndpoint ? 'Model Not Exist' : unsupportedModelMessage(this.config.models, id || String(model));
    this.refuse(res, entry, 400, message);
    return undefined;
  }

  private refuse(res: http.ServerResponse, entry: LoggedRequest, status: number, message: string): void {
    entry.outcome = `error:${status}`;
    this.sendError(res, status, message, 'invalid_request_error');
  }

  /**
   * Whether the request thinks, and at which effort: by id on a legacy endpoint (which refuses the V4 fields as
   * unrecognized), by `thinking.type` on V4 (on unless `disabled`). Undefined after answering 400.
   */
  private decideThinking(body: Record<string, unknown>, model: string, res: http.ServerResponse, entry: LoggedRequest): { enabled: boolean; effort?: 'high' | 'max' } | undefined {
    if (this.config.legacyEndpoint) {
      const field = ['thinking', 'reasoning_effort'].find((f) => body[f] !== undefined);
      if (field) {
        this.refuse(res, entry, 400, `Unrecognized request argument supplied: ${field}`);
        return undefined;
      }
      return { enabled: this.config.reasoningModels.includes(model) };
    }
    const thinking = body.thinking;
    if (thinking !== undefined && (!isRecord(thinking) || (thinking.type !== 'enabled' && thinking.type !== 'disabled'))) {
      this.refuse(res, entry, 400, 'Invalid value for thinking.type: expected "enabled" or "disabled"');
      return undefined;
    }
    const rawEffort = body.reasoning_effort;
    const effort = typeof rawEffort === 'string' ? EFFORTS[rawEffort] : undefined;
    if (rawEffort !== undefined && effort === undefined) {
      this.refuse(res, entry, 400, `Invalid value for reasoning_effort: ${JSON.stringify(rawEffort)}; expected "high" or "max"`);
      return undefined;
    }
    const enabled = !isRecord(thinking) || thinking.type !== 'disabled';
    return enabled ? { enabled, effort: effort ?? 'high' } : { enabled };
  }

  private nextReply(messages: readonly ChatMessage[], reasoning: boolean, images: readonly ImagePart[]): ScriptedReply {
    const scripted = this.config.replies.shift();
    if (scripted) {
      return scripted;
    }
    if (this.config.simulator) {
      return simulatedReply(messages, reasoning);
    }
    const lastUser = [...messages].reverse().find((m) => m.role === 'user');
    const question = typeof lastUser?.content === 'string'
      ? lastUser.content.trim()
      : Array.isArray(lastUser?.content)
        ? lastUser.content.filter((p) => isRecord(p) && p.type === 'text').map((p) => String((p as { text?: unknown }).text ?? '')).join('\n').trim()
        : '';
    const short = question.length > 80 ? `${question.slice(0, 77)}…` : question;
    const who = 'the fake DeepSeek server';
    const seen = images.map((image) => `${describeImage(image)}\n\n`).join('');
    return {
      ...(reasoning ? { reasoning: `The user asks: "${short}". I will answer briefly and note that this is ${who}.` } : {}),
      content: `This answer comes from ${who}.\n\n${seen}You asked: **${short || '(nothing)'}**\n\n\`\`\`ts\nconst answer = 42;\n\`\`\``,
    };
  }

  /**
   * A chat request's image parts, validated against the model and the formats it takes; undefined after
   * answering 400. Requests without images give an empty list.
   */
  private chatImages(messages: readonly ChatMessage[], served: string, model: string, res: http.ServerResponse, entry: LoggedRequest): ImagePart[] | undefined {
    if (!hasImageParts(messages)) {
      return [];
    }
    if (!this.config.visionModels.includes(served) && !this.config.visionModels.includes(model)) {
      this.refuse(res, entry, 400, `${model} does not support image input`);
      return undefined;
    }
    try {
      const images = readImageParts(messages);
      entry.images = images.map(({ format: _format, ...logged }) => logged);
      return images;
    } catch (err) {
      if (!(err instanceof ImagePartError)) throw err;
      this.refuse(res, entry, 400, err.message);
      return undefined;
    }
  }

  private async handleChat(body: unknown, rawBytes: number, entry: LoggedRequest, fault: Fault | undefined, res: http.ServerResponse): Promise<void> {
    if (rawBytes > this.config.chatMaxRequestBytes) {
      entry.outcome = 'error:413';
      this.sendError(res, 413, `Request too large: ${formatBytes(rawBytes)} exceeds the ${formatBytes(this.config.chatMaxRequestBytes)} limit`, 'invalid_request_error');
      return;
    }
    if (!isRecord(body) || !Array.isArray(body.messages) || body.messages.length === 0) {
      entry.outcome = 'error:400';
      this.sendError(res, 400, 'messages: field required', 'invalid_request_error');
      return;
    }
    const served = this.validateModel(body.model, res, entry);
    if (served === undefined) {
      return;
    }
    const model = body.model as string;
    const messages = body.messages as ChatMessage[];
    const images = this.chatImages(messages, served, model, res, entry);
    if (!images) {
      return;
    }
    const thinking = this.decideThinking(body, served, res, entry);
    if (!thinking) {
      return;
    }
    const ocr = visionOcrRequest(messages);
    const ocrImage = ocr ? images[ocr.partIndex] : undefined;
    // DeepSeek-OCR-2's prompts get no thinking: the answer is the document's text.
    const reasoning = thinking.enabled && !ocrImage;
    entry.thinking = reasoning ? thinking : { enabled: false };
    if (reasoning && body.logprobs === true) {
      this.refuse(res, entry, 400, 'logprobs is not supported in thinking mode');
      return;
    }
    const tools = readTools(body.tools);
    if ('error' in tools) {
      this.refuse(res, entry, 400, tools.error);
      return;
    }
    const toolError = toolChoiceError(body.tool_choice, tools.names, reasoning) ?? toolMessagesError(messages, reasoning, this.sentReasoning);
    if (toolError) {
      this.refuse(res, entry, 400, toolError);
      return;
    }
    const prompt = images.length ? promptTokensWithImages(messages, images) : tokenize(serializeMessages(messages));
    const cache = this.cache.lookupAndStore(prompt);
    entry.cache = cache;

    const reply = ocr && ocrImage ? { content: visionOcrAnswer(ocrImage, ocr) } : this.nextReply(messages, reasoning, images);
    const limit = typeof body.max_tokens === 'number' && body.max_tokens > 0 ? body.max_tokens : Infinity;
    let reasoningText = reasoning ? reply.reasoning ?? '' : '';
    let contentText = reply.content;
    // Calls are made only to functions the request declares; the counter gives ids the script leaves out.
    const calls = (tools.names.length > 0 ? reply.toolCalls ?? [] : []).map((c) => ({ id: c.id ?? `call_${++this.idCounter}`, name: c.name, arguments: c.arguments }));
    let finishReason = reply.finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop');
    const reasoningTokens = tokenize(reasoningText);
    const contentTokens = tokenize(contentText);
    if (reasoningTokens.length + contentTokens.length > limit) {
      finishReason = 'length';
      reasoningText = reasoningTokens.slice(0, limit).join('');
      contentText = contentTokens.slice(0, Math.max(0, limit - reasoningTokens.length)).join('');
    }
    const usage = {
      prompt_tokens: prompt.length,
      completion_tokens: countTokens(reasoningText) + countTokens(contentText),
      total_tokens: prompt.length + countTokens(reasoningText) + countTokens(contentText),
      prompt_tokens_details: { cached_tokens: cache.hit },
      prompt_cache_hit_tokens: cache.hit,
      prompt_cache_miss_tokens: cache.miss,
      ...(reasoning ? { completion_tokens_details: { reasoning_tokens: countTokens(reasoningText) } } : {}),
    };
    const id = `fake-${++this.idCounter}`;
    const created = Math.floor(Date.now() / 1000);
    if (reasoning) for (const call of calls) this.sentReasoning.set(call.id, reasoningText);

    if (body.stream !== true) {
      await this.answerJson(res, entry, fault, {
        id,
        object: 'chat.completion',
        created,
        model,
        system_fingerprint: 'fp_fake',
        choices: [{
          index: 0,
          message: {
            role: 'assistant', content: contentText, ...(reasoning ? { reasoning_content: reasoningText } : {}),
            ...(calls.length > 0 ? { tool_calls: calls.map(wireToolCall) } : {}),
          },
          logprobs: null,
          finish_reason: finishReason,
        }],
        usage,
      });
      return;
    }

    const base = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_fake' };
    const chunks: object[] = [
      { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: null, ...(reasoning ? { reasoning_content: '' } : {}) }, logprobs: null, finish_reason: null }] },
    ];
    for (const piece of split(reasoningText, this.config.chunkChars)) {
      chunks.push({ ...base, choices: [{ index: 0, delta: { content: null, reasoning_content: piece }, logprobs: null, finish_reason: null }] });
    }
    for (const piece of split(contentText, this.config.chunkChars)) {
      chunks.push({ ...base, choices: [{ index: 0, delta: { content: piece, ...(reasoning ? { reasoning_content: null } : {}) }, logprobs: null, finish_reason: null }] });
    }
    for (const delta of toolCallDeltas(calls, this.config.chunkChars)) {
      chunks.push({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason: null }] });
    }
    const includeUsage = isRecord(body.stream_options) && body.stream_options.include_usage === true;
    const finalChunk: Record<string, unknown> = {
      ...base,
      choices: [{ index: 0, delta: { content: '' }, logprobs: null, finish_reason: finishReason }],
    };
    if (this.config.usageMode === 'lastChunk') {
      finalChunk.usage = usage;
    }
    chunks.push(finalChunk);
    if (this.config.usageMode === 'separateChunk' && includeUsage) {
      chunks.push({ ...base, choices: [], usage });
    }
    await this.stream(res, entry, fault, chunks);
  }

  private async handleFim(body: unknown, entry: LoggedRequest, fault: Fault | undefined, res: http.ServerResponse, route: string): Promise<void> {
    if (route === '/completions' && !this.config.openAiCompletions) {
      entry.outcome = 'error:404';
      this.sendError(res, 404, 'FIM completion is served under /beta/completions', 'invalid_request_error');
      return;
    }
    if (!isRecord(body) || typeof body.prompt !== 'string') {
      entry.outcome = 'error:400';
      this.sendError(res, 400, 'prompt: field required', 'invalid_request_error');
      return;
    }
    const served = this.validateModel(body.model, res, entry);
    if (served === undefined) {
      return;
    }
    const model = body.model as string;
    if (!this.config.fimModels.includes(served)) {
      this.refuse(res, entry, 400, `FIM completion is not supported by ${model}`);
      return;
    }
    if (!this.config.legacyEndpoint && isRecord(body.thinking) && body.thinking.type === 'enabled') {
      this.refuse(res, entry, 400, 'FIM completion is only available in non-thinking mode');
      return;
    }
    if (typeof body.max_tokens === 'number' && body.max_tokens > 4096) {
      entry.outcome = 'error:422';
      this.sendError(res, 422, 'max_tokens must be at most 4096 for FIM completion', 'invalid_request_error');
      return;
    }
    const suffix = typeof body.suffix === 'string' ? body.suffix : '';
    const prompt = tokenize(body.prompt);
    const cache = this.cache.lookupAndStore(prompt);
    entry.cache = cache;
    let text = this.config.fimReply ?? fimCompletion(body.prompt, suffix);
    const stops = Array.isArray(body.stop) ? body.stop.filter((s): s is string => typeof s === 'string') : typeof body.stop === 'string' ? [body.stop] : [];
    let finishReason = 'stop';
    for (const stop of stops) {
      const at = text.indexOf(stop);
      if (at >= 0) {
        text = text.slice(0, at);
      }
    }
    const limit = typeof body.max_tokens === 'number' && body.max_tokens > 0 ? body.max_tokens : Infinity;
    const tokens = tokenize(text);
    if (tokens.length > limit) {
      text = tokens.slice(0, limit).join('');
      finishReason = 'length';
    }
    const usage = {
      prompt_tokens: prompt.length + countTokens(suffix),
      completion_tokens: countTokens(text),
      total_tokens: prompt.length + countTokens(suffix) + countTokens(text),
      prompt_cache_hit_tokens: cache.hit,
      prompt_cache_miss_tokens: cache.miss + countTokens(suffix),
    };
    const id = `fake-fim-${++this.idCounter}`;
    const created = Math.floor(Date.now() / 1000);
    if (body.stream !== true) {
      await this.answerJson(res, entry, fault, {
        id, object: 'text_completion', created, model,
        choices: [{ index: 0, text, logprobs: null, finish_reason: finishReason }],
        usage,
      });
      return;
    }
    const base = { id, object: 'text_completion', created, model };
    const chunks: object[] = split(text, this.config.chunkChars).map((piece) => ({
      ...base, choices: [{ index: 0, text: piece, logprobs: null, finish_reason: null }],
    }));
    chunks.push({ ...base, choices: [{ index: 0, text: '', logprobs: null, finish_reason: finishReason }], usage });
    await this.stream(res, entry, fault, chunks);
  }

  /**
   * DeepSeek's OCR tool: multipart `file` + `purpose`, limits checked before any work, then `ocrMsPerPage` per
   * page (given up when the client goes), then `{id, object: "ocr.result", model, pages, usage: {pages}}`.
   */
  private async handleOcr(raw: Buffer, contentType: string | undefined, entry: LoggedRequest, fault: Fault | undefined, res: http.ServerResponse): Promise<void> {
    let file: { filename?: string; contentType?: string; data: Buffer } | undefined;
    let purpose: string | undefined;
    try {
      const parts = parseMultipart(raw, contentType);
      file = parts.find((p) => p.name === 'file');
      purpose = parts.find((p) => p.name === 'purpose')?.data.toString('utf8').trim();
    } catch (err) {
      if (!(err instanceof MultipartError)) throw err;
      entry.body = { bytes: 0, sha256: '' } satisfies LoggedOcrUpload;
      this.refuse(res, entry, 400, err.message);
      return;
    }
    const upload: LoggedOcrUpload = {
      ...(purpose !== undefined ? { purpose } : {}),
      ...(file?.filename !== undefined ? { filename: file.filename } : {}),
      ...(file?.contentType !== undefined ? { contentType: file.contentType } : {}),
      bytes: file?.data.length ?? 0,
      sha256: file ? createHash('sha256').update(file.data).digest('hex') : '',
    };
    entry.body = upload;
    if (!file) {
      this.refuse(res, entry, 400, 'file: field required (multipart/form-data field "file")');
      return;
    }
    if (purpose === undefined) {
      this.refuse(res, entry, 400, 'purpose: field required ("text_recognition" or "rich_layout_recognition")');
      return;
    }
    if (!OCR_PURPOSES.includes(purpose)) {
      this.refuse(res, entry, 400, `Invalid value for purpose: ${JSON.stringify(purpose)}; expected "text_recognition" or "rich_layout_recognition"`);
      return;
    }
    if (file.data.length === 0) {
      this.refuse(res, entry, 400, 'The file is empty');
      return;
    }
    if (file.data.length > this.config.ocrMaxBytes) {
      this.refuse(res, entry, 413, `File too large: ${formatBytes(file.data.length)} exceeds the ${formatBytes(this.config.ocrMaxBytes)} limit`);
      return;
    }
    let document: RecognisedDocument;
    try {
      const pages = countPages(file.data);
      if (pages > this.config.ocrMaxPages) {
        entry.body = { ...upload, pages };
        this.refuse(res, entry, 400, `Too many pages: the document has ${pages} pages (limit ${this.config.ocrMaxPages})`);
        return;
      }
      document = recognise(file.data);
    } catch (err) {
      if (!(err instanceof UnsupportedDocument)) throw err;
      this.refuse(res, entry, 400, err.message);
      return;
    }
    entry.body = { ...upload, pages: document.pages.length, text: documentText(document) };
    for (let i = 0; i < document.pages.length && this.config.ocrMsPerPage > 0; i++) {
      await wait(res, this.config.ocrMsPerPage);
      if (gone(res)) {
        return;
      }
    }
    const rich = purpose === 'rich_layout_recognition';
    await this.answerJson(res, entry, fault, {
      id: `ocr-${++this.idCounter}`,
      object: 'ocr.result',
      model: OCR_TOOL_MODEL,
      pages: document.pages.map((page, index) => ({ index, text: rich ? richText(page) : plainText(page), finish_reason: 'stop' })),
      usage: { pages: document.pages.length },
    });
  }

  /** Blank lines before a non-streamed answer: the `keepAlive` fault's, else the configured ones. */
  private async keepAliveLines(res: http.ServerResponse, entry: LoggedRequest, fault: Fault | undefined): Promise<void> {
    const count = fault?.kind === 'keepAlive' ? fault.count : this.config.keepAlives;
    const interval = fault?.kind === 'keepAlive' ? fault.intervalMs ?? this.config.keepAliveIntervalMs : this.config.keepAliveIntervalMs;
    if (fault?.kind === 'keepAlive') {
      entry.outcome = 'fault:keepAlive';
    }
    if (count <= 0) {
      return;
    }
    res.writeHead(200, { 'content-type': 'application/json' });
    for (let i = 0; i < count && !gone(res); i++) {
      res.write('\n');
      await wait(res, interval);
    }
  }

  /** A non-streamed answer, after any keep-alive lines, unless a body fault breaks it. */
  private async answerJson(res: http.ServerResponse, entry: LoggedRequest, fault: Fault | undefined, payload: object): Promise<void> {
    await this.keepAliveLines(res, entry, fault);
    if (gone(res)) {
      return;
    }
    const broken = bodyFault(fault);
    if (!broken) {
      entry.outcome = entry.outcome ?? 'ok';
      this.finishJson(res, payload);
      return;
    }
    entry.outcome = `fault:${broken.kind}`;
    if (!res.headersSent) {
      res.writeHead(200, { 'content-type': 'application/json' });
    }
    res.flushHeaders();
    switch (broken.kind) {
      case 'stall':
        this.holdOpen(res, broken.keepAliveMs, '\n');
        return;
      case 'drop':
        closeAfterFlush(res);
        return;
      case 'malformed':
        res.end('{"id": "broken", "choices": [{"message": {"content": }}]}');
        return;
      case 'truncated':
        res.write(cutJson(payload));
        if (broken.abrupt === true) {
          closeAfterFlush(res);
        } else {
          res.end();
        }
        return;
    }
  }

  /** Keeps a stalled answer open: silent, or writing `keepAlive` every `intervalMs` until the connection closes. */
  private holdOpen(res: http.ServerResponse, intervalMs: number | undefined, keepAlive: string): void {
    if (intervalMs === undefined || intervalMs <= 0) {
      return; // Silent with the connection open, until the client gives up or the server stops.
    }
    const timer = setInterval(() => {
      if (gone(res)) {
        clearInterval(timer);
      } else {
        res.write(keepAlive);
      }
    }, intervalMs);
    res.once('close', () => clearInterval(timer));
  }

  private finishJson(res: http.ServerResponse, payload: object): void {
    if (res.headersSent) {
      res.end(JSON.stringify(payload));
    } else {
      this.sendJson(res, 200, payload);
    }
  }

  private async stream(res: http.ServerResponse, entry: LoggedRequest, fault: Fault | undefined, chunks: readonly object[]): Promise<void> {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.flushHeaders();
    const keepAlives = fault?.kind === 'keepAlive' ? fault.count : this.config.keepAlives;
    const keepAliveInterval = fault?.kind === 'keepAlive' ? fault.intervalMs ?? this.config.keepAliveIntervalMs : this.config.keepAliveIntervalMs;
    if (fault?.kind === 'keepAlive') {
      entry.outcome = 'fault:keepAlive';
    }
    for (let i = 0; i < keepAlives; i++) {
      if (gone(res)) return;
      res.write(': keep-alive\n\n');
      await wait(res, keepAliveInterval);
    }
    const broken = bodyFault(fault);
    // Where the fault plays: before chunk `at`; past the end, just before [DONE] (truncated: cuts the last chunk).
    const at = broken === undefined
      ? -1
      : Math.max(0, Math.min(broken.afterChunks, broken.kind === 'truncated' ? chunks.length - 1 : chunks.length));
    for (let i = 0; i <= chunks.length; i++) {
      if (gone(res)) {
        return;
      }
      if (broken && i === at) {
        entry.outcome = `fault:${broken.kind}`;
        switch (broken.kind) {
          case 'stall':
            this.holdOpen(res, broken.keepAliveMs, ': keep-alive\n\n');
            return;
          case 'drop':
            closeAfterFlush(res);
            return;
          case 'malformed':
            res.write('data: {"id": "broken", "choices": [{"delta": {"content": \n\n');
            break;
          case 'truncated':
            res.write(`data: ${cutJson(chunks[i])}`);
            if (broken.abrupt === true) {
              closeAfterFlush(res);
            } else {
              res.end();
            }
            return;
        }
      }
      if (i === chunks.length) {
        break;
      }
      res.write(`data: ${JSON.stringify(chunks[i])}\n\n`);
      if (this.config.chunkDelayMs > 0) {
        await wait(res, this.config.chunkDelayMs);
      }
    }
    res.write('data: [DONE]\n\n');
    entry.outcome = entry.outcome ?? 'ok';
    res.end();
  }

  private sendJson(res: http.ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
    res.end(text);
  }

  /** DeepSeek's error body: `{"error":{"message","type","param":null,"code"}}`. */
  private sendError(res: http.ServerResponse, status: number, message: string, type: string, headers: Record<string, string> = {}, code = type): void {
    this.sendJson(res, status, { error: { message, type, param: null, code } }, headers);
  }
}

/**
 * The error body DeepSeek sends for a status (messages from api-docs.deepseek.com/quick_start/error_codes).
 * 400/401/402/422 are as captured from the API (`code` is `invalid_request_error` for all of them, 401's type
 * `authentication_error`, 402's `unknown_error`); the types of 429 and 5xx are not documented and are guesses
 * in OpenAI's style.
 */
export function statusError(status: number, authorization?: string): { message: string; type: string; code: string } {
  const invalid = 'invalid_request_error';
  switch (status) {
    case 400: return { message: 'Invalid request format', type: invalid, code: invalid };
    case 401: {
      const given = (authorization ?? '').replace(/^Bearer\s+/i, '');
      const message = /^Bearer\s+\S/i.test(authorization ?? '')
        ? `Authentication Fails, Your api key: ****${given.slice(-4)} is invalid`
        : 'Authentication Fails (auth header format should be Bearer sk-...)';
      return { message, type: 'authentication_error', code: invalid };
    }
    case 402: return { message: 'Insufficient Balance', type: 'unknown_error', code: invalid };
    case 422: return { message: 'Invalid Parameters', type: invalid, code: invalid };
    case 429: return { message: 'Rate Limit Reached', type: 'rate_limit_error', code: 'rate_limit_error' };
    case 500: return { message: 'Server Error', type: 'server_error', code: 'server_error' };
    case 503: return { message: 'Server Overloaded', type: 'server_error', code: 'server_error' };
    default: return status >= 500
      ? { message: `Error ${status}`, type: 'server_error', code: 'server_error' }
      : { message: `Error ${status}`, type: invalid, code: invalid };
  }
}

/**
 * A chunk's JSON cut in the middle, as a connection cut mid-line leaves it: inside the `content`,
 * `reasoning_content` or `text` string when there is one (never splitting a UTF-16 surrogate pair), else halfway.
 */
export function cutJson(value: object): string {
  const text = JSON.stringify(value);
  for (const key of ['"content":"', '"reasoning_content":"', '"text":"']) {
    const at = text.indexOf(key);
    if (at < 0) {
      continue;
    }
    const start = at + key.length;
    let close = start;
    while (close < text.length && text[close] !== '"') {
      close += text[close] === '\\' ? 2 : 1;
    }
    let cut = start + Math.ceil((close - start) / 2);
    while (cut > start && (text[cut - 1] === '\\' || /[\uD800-\uDBFF]/.test(text[cut - 1]))) {
      cut--;
    }
    return text.slice(0, cut);
  }
  return text.slice(0, Math.floor(text.length / 2));
}

function split(text: string, size: number): string[] {
  const chars = Array.from(text);
  const out: string[] = [];
  for (let i = 0; i < chars.length; i += Math.max(1, size)) {
    out.push(chars.slice(i, i + Math.max(1, size)).join(''));
  }
  return out;
}

/** A deterministic completion that depends on the prompt's last line, so tests can predict it. */
function fimCompletion(prompt: string, suffix: string): string {
  const lastLine = prompt.split('\n').pop() ?? '';
  const indent = /^\s*/.exec(lastLine)?.[0] ?? '';
  const closes = suffix.trimStart().startsWith('}') ? '' : '\n';
  return `/* completion for: ${lastLine.trim().slice(0, 40)} */${closes}${indent}`.trimEnd();
}

async function readBody(req: http.IncomingMessage): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of req) {
    parts.push(part as Buffer);
  }
  return Buffer.concat(parts);
}

function parseJson(raw: Buffer): unknown {
  const text = raw.toString('utf8');
  return text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
}
