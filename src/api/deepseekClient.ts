import type OpenAI from 'openai';
import type { ApiFailure } from '../core/apiErrors';
import { SIMULATOR_HEADER } from '../core/endpoint';
import type { EndpointObserver } from '../core/endpointIdentity';
import { DEFAULT_MODEL_ID, supportsFim } from '../core/models';
import { contentChars } from '../core/prompt/contentParts';
import { toFailure, withAvailableModels, withBalance, type FailureContext } from './failures';
import { activityFetch, StreamWatchdog, type StallReason } from './streamWatchdog';
import {
  DEFAULT_TIMEOUTS,
  type Balance,
  type ChatRequest,
  type ChatResult,
  type FimRequest,
  type FimResult,
  type StreamEvent,
  type StreamTimeouts,
  type ToolCall,
  type UsageFigures,
} from './types';
import { readBalance, readChunk, readUsage } from './wireFormat';
import { ToolCallAccumulator, wireMessage, wireToolChoice, wireTools } from './toolCallStream';

export interface DeepSeekClientOptions {
  readonly baseUrl: string;
  readonly apiKey: string;
  readonly timeouts?: Partial<StreamTimeouts>;
  /** Retries of connection errors, 408, 409, 429 and 5xx by the SDK (honouring retry-after). Default 2. */
  readonly maxRetries?: number;
  /** Time allowed until response headers (the SDK's own timeout). Default 60 s. */
  readonly requestTimeoutMs?: number;
  /** Time allowed for a whole FIM request. Default 10 s. */
  readonly fimTimeoutMs?: number;
  /**
   * Where FIM is served. Default: DeepSeek's `/beta` beside the API. An OpenAI-compatible fallback serves
   * `/completions` (with `suffix`) at its base URL, so it passes its base URL here.
   */
  readonly fimBaseUrl?: string;
  readonly fetch?: typeof fetch;
  /** Told of every response (whether it came from the offline simulator) and of every refused connection. */
  readonly observer?: EndpointObserver;
}

export interface StreamOptions {
  readonly signal?: AbortSignal;
  readonly onEvent?: (event: StreamEvent) => void;
  /** This request's stream timers, over the client's (failover shortens the first-token wait). */
  readonly timeouts?: Partial<StreamTimeouts>;
  /**
   * Retries of connection errors, 408, 409, 429 and 5xx inside the SDK (retry-after honoured). Default: the
   * client's `maxRetries`. The request engine passes 0 and applies its own failover policy.
   */
  readonly maxRetries?: number;
}

/** The header that tells the shared fetch which request's watchdog a network call belongs to; never sent. */
const ATTEMPT_HEADER = 'x-deepseek-assistant-attempt';

function takeAttemptHeader(init: RequestInit | undefined): { id: string | undefined; init: RequestInit | undefined } {
  const headers = init?.headers;
  if (!headers) return { id: undefined, init };
  if (headers instanceof Headers) {
    const id = headers.get(ATTEMPT_HEADER) ?? undefined;
    if (id === undefined) return { id, init };
    const copy = new Headers(headers);
    copy.delete(ATTEMPT_HEADER);
    return { id, init: { ...init, headers: copy } };
  }
  const entries = Array.isArray(headers) ? headers : Object.entries(headers as Record<string, string>);
  const found = entries.find(([k]) => k.toLowerCase() === ATTEMPT_HEADER);
  if (!found) return { id: undefined, init };
  return { id: found[1], init: { ...init, headers: entries.filter(([k]) => k.toLowerCase() !== ATTEMPT_HEADER) } };
}

function requestUrl(input: string | URL | Request): string {
  return typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
}

/** Whether a fetch failed because nothing listens at the address (ECONNREFUSED, for any of its addresses). */
function connectionRefused(err: unknown): boolean {
  const seen = new Set<unknown>();
  const refused = (e: unknown): boolean => {
    if (typeof e !== 'object' || e === null || seen.has(e)) return false;
    seen.add(e);
    const { code, cause, errors } = e as { code?: unknown; cause?: unknown; errors?: unknown };
    return code === 'ECONNREFUSED' || refused(cause) || (Array.isArray(errors) && errors.some(refused));
  };
  return refused(err);
}

type OpenAIConstructor = typeof OpenAI;
let sdk: Promise<OpenAIConstructor> | undefined;

/** The SDK is loaded on first use, so activation stays fast. */
function loadSdk(): Promise<OpenAIConstructor> {
  sdk ??= import('openai').then((m) => m.default);
  return sdk;
}

/** `https://api.deepseek.com[/v1]` → `https://api.deepseek.com/beta` (FIM lives there). */
export function betaBaseUrl(baseUrl: string): string {
  return `${baseUrl.replace(/\/+$/, '').replace(/\/v1$/, '')}/beta`;
}

/**
 * The DeepSeek client on the `openai` SDK: streamed chat with reasoning, FIM, models and balance. Every call
 * is cancellable; streams have their own first-token and idle timers; failures come back as user-facing
 * `ApiFailure`s with partial output kept, never as exceptions (except from `listModels` / `balance`).
 */
export class DeepSeekClient {
  readonly endpoint: string;
  readonly baseUrl: string;
  private readonly timeouts: StreamTimeouts;
  /** SDK clients by base URL (the API's and `/beta`), made once: connections are reused between requests. */
  private readonly sdkClients = new Map<string, Promise<OpenAI>>();
  /** Each streaming attempt's watchdog, found by the attempt header the shared fetch strips. */
  private readonly attempts = new Map<string, StreamWatchdog>();
  private attemptSeq = 0;

  constructor(private readonly options: DeepSeekClientOptions) {
    this.endpoint = new URL(options.baseUrl).host;
    this.baseUrl = options.baseUrl;
    this.timeouts = { ...DEFAULT_TIMEOUTS, ...options.timeouts };
  }

  /**
   * The fetch every SDK call goes through: a streaming attempt's reads feed its watchdog, and the observer
   * learns from each response whether the offline simulator sent it (and of each refused connection).
   */
  private readonly sharedFetch: typeof fetch = async (input, init) => {
    const base = this.options.fetch ?? fetch;
    const { id, init: clean } = takeAttemptHeader(init);
    const watchdog = id !== undefined ? this.attempts.get(id) : undefined;
    const observer = this.options.observer;
    if (!observer) return watchdog ? activityFetch(watchdog, base)(input, clean) : base(input, clean);
    const url = requestUrl(input);
    try {
      const response = await (watchdog ? activityFetch(watchdog, base)(input, clean) : base(input, clean));
      observer.observe(url, response.headers.get(SIMULATOR_HEADER) === '1' ? 'simulator' : 'answered');
      return response;
    } catch (err) {
      if (connectionRefused(err)) observer.observe(url, 'refused');
      throw err;
    }
  };

  private sdkClient(baseURL: string): Promise<OpenAI> {
    let client = this.sdkClients.get(baseURL);
    if (!client) {
      client = loadSdk().then((OpenAIClient) => new OpenAIClient({
        baseURL,
        apiKey: this.options.apiKey,
        timeout: this.options.requestTimeoutMs ?? 60_000,
        maxRetries: this.options.maxRetries ?? 2,
        fetch: this.sharedFetch,
      }));
      this.sdkClients.set(baseURL, client);
    }
    return client;
  }

  private context(extra: Partial<FailureContext>): FailureContext {
    return { endpoint: this.endpoint, apiKey: this.options.apiKey, timeouts: this.timeouts, midStream: false, ...extra };
  }

  /** Streams a chat completion. Reasoning and content deltas reach `onEvent` in order. */
  async streamChat(request: ChatRequest, options: StreamOptions = {}): Promise<ChatResult> {
    const started = performance.now();
    const promptChars = request.messages.reduce((n, m) => n + contentChars(m.content), 0);
    const internal = new AbortController();
    let stall: StallReason | undefined;
    const timeouts = { ...this.timeouts, ...options.timeouts };
    const watchdog = new StreamWatchdog(timeouts, (reason) => {
      stall = reason;
      internal.abort(new Error(`stream ${reason} timeout`));
    });
    const signal = options.signal ? AbortSignal.any([options.signal, internal.signal]) : internal.signal;
    const reasoningParts: string[] = [];
    const contentParts: string[] = [];
    let finishReason: string | undefined;
    let usage: UsageFigures | undefined;
    let failure: ApiFailure | undefined;
    const toolCalls = new ToolCallAccumulator();
    let calls: ToolCall[] | undefined;
    const attemptId = String(++this.attemptSeq);
    this.attempts.set(attemptId, watchdog);
    try {
      if (options.signal?.aborted) {
        throw new Error('aborted before start');
      }
      const client = await this.sdkClient(this.options.baseUrl);
      const body: Record<string, unknown> = {
        model: request.model,
        // Parts (text and `image_url`) go as they are: the OpenAI-compatible shape DeepSeek's Flash takes.
        messages: request.messages.map(wireMessage),
        stream: true,
        stream_options: { include_usage: true },
      };
      if (request.maxTokens !== undefined) body.max_tokens = request.maxTokens;
      if (request.temperature !== undefined) body.temperature = request.temperature;
      if (request.thinking !== undefined) body.thinking = { type: request.thinking };
      if (request.reasoningEffort !== undefined) body.reasoning_effort = request.reasoningEffort;
      if (request.tools !== undefined && request.tools.length > 0) {
        body.tools = wireTools(request.tools);
        if (request.toolChoice !== undefined) body.tool_choice = wireToolChoice(request.toolChoice);
      }
      const stream = await client.chat.completions.create(
        body as unknown as OpenAI.ChatCompletionCreateParamsStreaming,
        {
          signal,
          headers: { [ATTEMPT_HEADER]: attemptId },
          ...(options.maxRetries !== undefined ? { maxRetries: options.maxRetries } : {}),
        },
      );
      const onEvent = options.onEvent;
      for await (const chunk of stream) {
        const view = readChunk(chunk);
        if (view.reasoning !== undefined) {
          watchdog.token();
          reasoningParts.push(view.reasoning);
          onEvent?.({ type: 'reasoning', text: view.reasoning });
        }
        if (view.content !== undefined) {
          watchdog.token();
          contentParts.push(view.content);
          onEvent?.({ type: 'content', text: view.content });
        }
        if (view.toolCalls !== undefined) {
          watchdog.token();
          toolCalls.push(view.toolCalls);
        }
        if (view.finishReason !== undefined) {
          finishReason = view.finishReason;
        }
        if ((chunk as { usage?: unknown }).usage) {
          usage = readUsage(chunk) ?? usage;
        }
      }
      if (signal.aborted) {
        // The SDK ends the iteration quietly on abort; report why it ended.
        throw signal.reason ?? new Error('aborted');
      }
      if (finishReason === undefined) {
        failure = { kind: 'stream', retryable: true, message: `The answer from ${this.endpoint} ended without a finish reason; it may be incomplete.` };
      } else if (toolCalls.size > 0) {
        const whole = toolCalls.finish();
        if ('error' in whole) {
          failure = { kind: 'stream', retryable: true, message: `The answer from ${this.endpoint} made a tool call that cannot be used: ${whole.error}.` };
        } else {
          calls = whole.calls;
        }
      }
    } catch (err) {
      failure = toFailure(err, this.context({
        timeouts,
        model: request.model,
        ...(options.signal ? { userSignal: options.signal } : {}),
        ...(stall ? { stall } : {}),
        midStream: watchdog.hasResponded,
      }));
      failure = await this.enrich(failure);
    } finally {
      watchdog.stop();
      this.attempts.delete(attemptId);
    }
    const partial = failure !== undefined || finishReason === 'length' || finishReason === 'insufficient_system_resource';
    return {
      model: request.model,
      reasoning: reasoningParts.join(''),
      content: contentParts.join(''),
      ...(calls && calls.length > 0 ? { toolCalls: calls } : {}),
      finishReason,
      usage,
      partial,
      failure,
      durationMs: performance.now() - started,
      firstTokenMs: watchdog.timeToFirstToken,
      promptChars,
    };
  }

  /**
   * Fill-in-the-middle completion on `/beta/completions` (non-thinking mode; Flash, not Pro). A model that does
   * not serve FIM (core/models.ts `supportsFim`) is refused here, before anything is sent.
   */
  async fim(request: FimRequest, options: { signal?: AbortSignal } = {}): Promise<FimResult> {
    const started = performance.now();
    const promptChars = request.prompt.length + (request.suffix?.length ?? 0);
    if (!supportsFim(request.model)) {
      const failure: ApiFailure = {
        kind: 'model',
        retryable: false,
        message: `${request.model} does not serve fill-in-the-middle completions; nothing was sent. Set deepseek.models.chat to a Flash model such as ${DEFAULT_MODEL_ID}.`,
      };
      return { model: request.model, text: '', finishReason: undefined, usage: undefined, failure, durationMs: 0, promptChars };
    }
    try {
      const client = await this.sdkClient(this.options.fimBaseUrl ?? betaBaseUrl(this.options.baseUrl));
      const body: Record<string, unknown> = { model: request.model, prompt: request.prompt };
      if (request.suffix !== undefined) body.suffix = request.suffix;
      if (request.maxTokens !== undefined) body.max_tokens = Math.min(request.maxTokens, 4096);
      if (request.stop !== undefined) body.stop = request.stop.slice(0, 16);
      if (request.temperature !== undefined) body.temperature = request.temperature;
      const response = await client.completions.create(
        body as unknown as OpenAI.CompletionCreateParamsNonStreaming,
        { ...(options.signal ? { signal: options.signal } : {}), maxRetries: 0, timeout: this.options.fimTimeoutMs ?? 10_000 },
      );
      const choice = response.choices[0];
      return {
        model: request.model,
        text: choice?.text ?? '',
        finishReason: choice?.finish_reason ?? undefined,
        usage: readUsage(response),
        failure: undefined,
        durationMs: performance.now() - started,
        promptChars,
      };
    } catch (err) {
      const failure = await this.enrich(toFailure(err, this.context({ model: request.model, ...(options.signal ? { userSignal: options.signal } : {}) })));
      return { model: request.model, text: '', finishReason: undefined, usage: undefined, failure, durationMs: performance.now() - started, promptChars };
    }
  }

  /** `GET /models`: the ids this key can use. Throws an `ApiFailure`-carrying error on failure. */
  async listModels(signal?: AbortSignal): Promise<string[]> {
    try {
      const client = await this.sdkClient(this.options.baseUrl);
      const page = await client.models.list({ ...(signal ? { signal } : {}), timeout: 15_000 });
      return page.data.map((m) => m.id).sort();
    } catch (err) {
      throw new ApiFailureError(toFailure(err, this.context(signal ? { userSignal: signal } : {})));
    }
  }

  /** `GET /user/balance`. Throws an `ApiFailureError` on failure. */
  async balance(signal?: AbortSignal): Promise<Balance> {
    try {
      const client = await this.sdkClient(this.options.baseUrl);
      const raw = await client.get<unknown>('/user/balance', { ...(signal ? { signal } : {}), timeout: 15_000 });
      const balance = readBalance(raw);
      if (!balance) {
        throw new Error('the balance response had an unexpected shape');
      }
      return balance;
    } catch (err) {
      if (err instanceof ApiFailureError) throw err;
      throw new ApiFailureError(toFailure(err, this.context(signal ? { userSignal: signal } : {})));
    }
  }

  /** Adds what the user needs to fix the failure: the balance for 402, the model list for unknown models. */
  private async enrich(failure: ApiFailure): Promise<ApiFailure> {
    if (failure.kind === 'balance') {
      return withBalance(failure, await this.balance(AbortSignal.timeout(5000)).catch(() => undefined));
    }
    if (failure.kind === 'model') {
      return withAvailableModels(failure, await this.listModels(AbortSignal.timeout(5000)).catch(() => undefined));
    }
    return failure;
  }
}

export class ApiFailureError extends Error {
  constructor(readonly failure: ApiFailure) {
    super(failure.message);
    this.name = 'ApiFailureError';
  }
}
