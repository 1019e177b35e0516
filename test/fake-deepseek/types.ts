/** Configuration, faults and the request log of the fake DeepSeek server. Plain JSON, so tests in another
 * process (the extension host) can set them through the control API. */

export interface ScriptedReply {
  /** Chain-of-thought streamed as `reasoning_content` (only when the request thinks). */
  readonly reasoning?: string;
  readonly content: string;
  /** Overrides the finish reason, e.g. `insufficient_system_resource`. */
  readonly finishReason?: string;
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
  /** Replies used in order for chat requests; when empty, `defaultReply` decides. */
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
  /** Replies say they come from the offline simulator (used by `npm run demo`). */
  simulator: boolean;
}

export type Fault =
  | { readonly kind: 'status'; readonly status: number; readonly message?: string; readonly retryAfter?: number; readonly path?: string; readonly times?: number }
  | { readonly kind: 'delay'; readonly ms: number; readonly path?: string; readonly times?: number }
  /** Sends `afterChunks` chunks, then stays silent with the connection open. */
  | { readonly kind: 'stall'; readonly afterChunks: number; readonly path?: string; readonly times?: number }
  /** Sends `afterChunks` chunks, then destroys the connection. */
  | { readonly kind: 'drop'; readonly afterChunks: number; readonly path?: string; readonly times?: number }
  /** Sends a chunk that is not valid JSON after `afterChunks` chunks, then finishes normally. */
  | { readonly kind: 'malformed'; readonly afterChunks: number; readonly path?: string; readonly times?: number }
  /** Sends `count` keep-alive comments (streams) or blank lines (non-streamed) before answering. */
  | { readonly kind: 'keepAlive'; readonly count: number; readonly intervalMs?: number; readonly path?: string; readonly times?: number };

export interface LoggedRequest {
  readonly seq: number;
  readonly method: string;
  /** Path as received, e.g. `/v1/chat/completions`. */
  readonly path: string;
  /** Path with any `/v1` prefix removed. */
  readonly route: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  readonly receivedAt: number;
  /** For chat and FIM: the simulated cache result. */
  cache?: { hit: number; miss: number };
  /** For chat: whether the server thought, and at which effort (V4, when thinking). */
  thinking?: { enabled: boolean; effort?: 'high' | 'max' };
  /** What happened: `ok`, `fault:<kind>`, `error:<status>`, `aborted`. */
  outcome?: string;
}
