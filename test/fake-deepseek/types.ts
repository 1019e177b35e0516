import type { ScriptedToolCall } from './toolCalls';
/** Configuration, faults and the request log of the fake DeepSeek server. Plain JSON, so tests in another
 * process (the extension host) can set them through the control API. */

export interface ScriptedReply {
  /** Chain-of-thought streamed as `reasoning_content` (only when the request thinks). */
  readonly reasoning?: string;
  readonly content: string;
  /** Overrides the finish reason, e.g. `insufficient_system_resource`. */
  readonly finishReason?: string;
  /**
   * Calls to make (only when the request declares `tools`): streamed after the content as `delta.tool_calls`
   * split over several chunks, with finish reason `tool_calls`.
   */
  readonly toolCalls?: readonly ScriptedToolCall[];
}

export type UsageMode =
  /** Newer behaviour: usage on the chunk that carries `finish_reason`. */
  | 'lastChunk'
  /** Older behaviour: a separate final chunk with `choices: []`, only when `stream_options.include_usage`. */
  | 'separateChunk'
  /** No usage at all (as in an aborted or odd stream). */
  | 'none';

export interface BalanceInfo {
  readonly currency: 'USD' | 'CNY';
  readonly total_balance: string;
  readonly granted_balance: string;
  readonly topped_up_balance: string;
}

export interface FakeConfig {
  /** When set, requests must carry `Authorization: Bearer <apiKey>`; otherwise any key is accepted. */
  apiKey?: string;
  /**
   * false (default): today's DeepSeek API — V4 ids think unless `thinking.type` is `disabled`, retired and
   * unknown ids get DeepSeek's 400 naming the supported ids. true: a compatible endpoint serving the pre-V4
   * ids — reasoning by id, "Model Not Exist" for others, and `thinking` / `reasoning_effort` refused as
   * unrecognized arguments. Changing it (constructor or configure) loads that mode's `models`, `aliases`,
   * `reasoningModels` and `fimModels` unless the same patch gives them.
   */
  legacyEndpoint: boolean;
  /** Ids `/models` lists and chat accepts. */
  models: string[];
  /** Ids accepted but not listed, served as the id they name (V4: `deepseek-v4-flash` → `deepseek-flash`). */
  aliases: Record<string, string>;
  /** Legacy endpoint: models that always stream `reasoning_content` (on V4 every model thinks unless disabled). */
  reasoningModels: string[];
  /** Models that serve FIM on `/beta/completions` (V4: Flash only, never with thinking enabled). */
  fimModels: string[];
  balance: { is_available: boolean; balance_infos: BalanceInfo[] };
  /**
   * Replies used in order for chat requests. When empty: in simulator mode an answer for the surface that asked
   * (simulatedAnswers.ts), otherwise a fixed reply that echoes the question.
   */
  replies: ScriptedReply[];
  /** Text returned by FIM; when unset a deterministic completion is derived from the prompt. */
  fimReply?: string;
  usageMode: UsageMode;
  /** Characters per streamed chunk. */
  chunkChars: number;
  /** Delay between streamed chunks. */
  chunkDelayMs: number;
  /** `: keep-alive` comments sent before the first token of every stream. */
  keepAlives: number;
  keepAliveIntervalMs: number;
  /** Cache storage unit in tokens. */
  cacheUnitTokens: number;
  /**
   * The offline simulator of `npm run demo`: unscripted chat replies answer like a model would for each surface
   * (simulatedAnswers.ts), `/models` says it is the simulator, and the key `sk-simulator-bad-key` is refused
   * with DeepSeek's 401.
   */
  simulator: boolean;
  /**
   * Plays an OpenAI-compatible host (vLLM, SGLang, …) that serves FIM as `/completions` with `suffix` at its
   * base URL, as a fallback provider marked `fim` does. false (default): DeepSeek, which serves it under `/beta`
   * only and answers `/completions` with 404.
   */
  openAiCompletions: boolean;
  /**
   * Whether `/tools/ocr` is served (default true, as DeepSeek does); false plays an OpenAI-compatible host
   * (vLLM, SGLang), which answers it with 404.
   */
  ocrTool: boolean;
  /** `/tools/ocr`: the largest file accepted (DeepSeek: 100 MiB); a bigger one gets 413 "File too large: …". */
  ocrMaxBytes: number;
  /** `/tools/ocr`: the most pages accepted (DeepSeek: 1000); more get 400 "Too many pages: …". */
  ocrMaxPages: number;
  /** `/tools/ocr`: time spent per page before answering (default 0), so progress and cancel can be seen. */
  ocrMsPerPage: number;
  /**
   * Models that take `image_url` content parts (DeepSeek: Flash only, by its id or alias). Others answer 400
   * "<model> does not support image input". An instance that plays a self-hosted DeepSeek-OCR-2 lists
   * `deepseek-ai/DeepSeek-OCR-2` in `models` (it is in this list by default; see `selfHostedOcrConfig`).
   */
  visionModels: string[];
  /** Chat: the largest request body accepted (DeepSeek: 48 MiB with images); a bigger one gets 413. */
  chatMaxRequestBytes: number;
}

/** What the request log keeps of an OCR upload (never the file's bytes): enough to tell what left the machine. */
export interface LoggedOcrUpload {
  readonly purpose?: string;
  readonly filename?: string;
  /** The part's Content-Type as sent. */
  readonly contentType?: string;
  readonly bytes: number;
  /** SHA-256 of the file's bytes, hex. */
  readonly sha256: string;
  /** The file's text as the fake recognised it (text mode, pages apart by a blank line), when it could read it. */
  readonly text?: string;
  /** The number of pages the fake counted, when it could read the file. */
  readonly pages?: number;
}

/** What the request log notes of each image part of a chat request (the body keeps the data URL too). */
export interface LoggedImage {
  readonly mime: string;
  readonly width?: number;
  readonly height?: number;
  readonly bytes: number;
  readonly sha256: string;
  /** The prompt tokens it was counted as. */
  readonly tokens: number;
  /** Its text as the fake recognised it. */
  readonly text: string;
}

/**
 * Which requests a fault waits for. A fault is taken, in injection order, by the next request on `path` (a
 * route, `/v1` removed, e.g. `/chat/completions`; any route when unset) that it can act on: `status`, `delay`
 * and `reset` by any served route; the body faults (`keepAlive`, `stall`, `drop`, `malformed`, `truncated`)
 * only by chat, FIM and OCR requests (`/chat/completions`, `/beta/chat/completions`, `/beta/completions`,
 * `/tools/ocr`), so a `/models` or `/user/balance` call never swallows them. (OCR answers are not streamed:
 * the body faults act as on a non-streamed chat answer.) It stays for `times` such requests (default 1).
 */
export interface FaultScope {
  readonly path?: string;
  readonly times?: number;
}

/**
 * A fault, played as a real server would show it on the wire. Every request that takes one is logged with
 * outcome `fault:<kind>` (`fault:status:<status>` for `status`). Body faults count `afterChunks` over every SSE
 * `data:` chunk of a streamed reply: the role chunk first, then the `reasoning_content` chunks, then the
 * `content` chunks, then the one with `finish_reason` (and a separate usage chunk in that mode); a count past
 * the end plays the fault just before `data: [DONE]`. On a non-streamed reply `afterChunks` is ignored.
 */
export type Fault = FaultScope & (
  /**
   * Answers `status` with DeepSeek's error body `{"error":{"message","type","param":null,"code"}}` (message,
   * type and code default per status, e.g. 402 "Insufficient Balance" / `unknown_error`). `retryAfter` sends a
   * `retry-after` header: a number is seconds, a string is sent as is (e.g. an HTTP date); `retryAfterMs`
   * sends `retry-after-ms` (OpenAI's header).
   */
  | { readonly kind: 'status'; readonly status: number; readonly message?: string; readonly type?: string; readonly code?: string; readonly retryAfter?: number | string; readonly retryAfterMs?: number }
  /** Waits `ms` before answering (no bytes at all meanwhile), then answers normally. */
  | { readonly kind: 'delay'; readonly ms: number }
  /**
   * Reads the request, waits `afterMs` (default 0), then resets the TCP connection (RST) before any response
   * header: the client sees ECONNRESET ("read ECONNRESET" / "socket hang up"; fetch: "fetch failed").
   */
  | { readonly kind: 'reset'; readonly afterMs?: number }
  /**
   * Sends the headers and `afterChunks` chunks (0: headers only, 1: only the role chunk, no token yet), then
   * stays silent with the connection open until the client gives up or the server stops; with `keepAliveMs`,
   * sends `: keep-alive` comments (non-streamed: blank lines) every `keepAliveMs` meanwhile, as DeepSeek does.
   */
  | { readonly kind: 'stall'; readonly afterChunks: number; readonly keepAliveMs?: number }
  /** Sends `afterChunks` chunks (non-streamed: the headers), then destroys the connection mid-body. */
  | { readonly kind: 'drop'; readonly afterChunks: number }
  /** Sends a `data:` line that is not valid JSON after `afterChunks` chunks, then finishes normally (non-streamed: the body is not JSON). */
  | { readonly kind: 'malformed'; readonly afterChunks: number }
  /**
   * Sends `afterChunks` chunks, then the next one cut in the middle of its JSON (inside the `content` /
   * `reasoning_content` / `text` string when it has one), with no line end, no `finish_reason` and no
   * `[DONE]`; then the response ends cleanly (the HTTP body is complete, the SSE is not) or, with `abrupt`, the
   * connection is destroyed. A count at or past the last chunk cuts the last chunk (the one with `finish_reason`).
   * Non-streamed: the JSON body is cut in the middle.
   */
  | { readonly kind: 'truncated'; readonly afterChunks: number; readonly abrupt?: boolean }
  /** Sends `count` keep-alive comments (streams) or blank lines (non-streamed) before answering. */
  | { readonly kind: 'keepAlive'; readonly count: number; readonly intervalMs?: number }
);

export interface LoggedRequest {
  readonly seq: number;
  readonly method: string;
  /** Path as received, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Path with any `/v1` prefix removed. */
  readonly route: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body; for `/tools/ocr` a `LoggedOcrUpload` (filled in as far as the upload could be read). */
  body: unknown;
  readonly receivedAt: number;
  /** For chat and FIM: the simulated cache result. */
  cache?: { hit: number; miss: number };
  /** For chat: the image parts of the messages, in order. */
  images?: LoggedImage[];
  /** For chat: whether the server thought, and at which effort (V4, when thinking). */
  thinking?: { enabled: boolean; effort?: 'high' | 'max' };
  /**
   * What happened: `ok`, `fault:<kind>` (`fault:status:<status>`; kept even when the client then gives up),
   * `error:<status>`, `aborted` (the client closed the connection before the answer ended).
   */
  outcome?: string;
}
