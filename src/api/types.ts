/** Shapes of the DeepSeek client's requests, stream events and results. */
import type { ApiFailure } from '../core/apiErrors';

export type ChatRole = 'system' | 'user' | 'assistant' | 'tool';

/** A function the model may call: an OpenAI-compatible `tools[]` entry of type `function`. */
export interface ToolSpec {
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments. */
  readonly parameters?: object;
}

/**
 * `tool_choice`. DeepSeek's thinking mode refuses `required` and a named function (400); the engine sends `auto`
 * instead for a thinking request and says so in the log.
 */
export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

/** A call the model made: its id, the function's name, and the arguments as the JSON text the model wrote. */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/**
 * One part of a message's content: text, or an image as a URL (a `data:<mime>;base64,…` URL here; only vision
 * models such as DeepSeek's Flash take images). Structurally the same as core/prompt/contentParts.ts `ContentPart`.
 */
export type ChatContentPart =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'image_url'; readonly image_url: { readonly url: string } };

export interface ChatMessage {
  readonly role: ChatRole;
  /** Plain text, or parts (text and images) for a message that carries images; sent as is. */
  readonly content: string | readonly ChatContentPart[];
  /** `assistant`: the tool calls it made (its content may then be ''). */
  readonly toolCalls?: readonly ToolCall[];
  /**
   * `assistant`: its `reasoning_content`, sent back byte for byte as the API sent it. DeepSeek's thinking-mode
   * rule: after a tool call, every later request of that exchange must carry it, or the API answers 400.
   */
  readonly reasoningContent?: string;
  /** `tool`: the id of the call this message answers. */
  readonly toolCallId?: string;
}

export interface ChatRequest {
  readonly model: string;
  readonly messages: readonly ChatMessage[];
  readonly maxTokens?: number;
  /** Ignored by the reasoner; sent only when set. */
  readonly temperature?: number;
  /**
   * DeepSeek's `thinking: {type}` switch, for models that take it (the V4 family; the engine decides with
   * core/models.ts `decideThinking`). Omitted when undefined: a V4 model then thinks.
   */
  readonly thinking?: 'enabled' | 'disabled';
  /** DeepSeek's `reasoning_effort` (`high` or `max`), sent as an extra body field when set; only with thinking enabled. */
  readonly reasoningEffort?: 'high' | 'max';
  /** Functions the model may call; omitted when empty. */
  readonly tools?: readonly ToolSpec[];
  readonly toolChoice?: ToolChoice;
}

/** Token counts as DeepSeek reports them. Reasoning tokens are part of `outputTokens`. */
export interface UsageFigures {
  readonly promptTokens: number;
  readonly hitTokens: number;
  readonly missTokens: number;
  readonly outputTokens: number;
  readonly reasoningTokens: number;
}

export type StreamEvent =
  | { readonly type: 'reasoning'; readonly text: string }
  | { readonly type: 'content'; readonly text: string };

export interface ChatResult {
  readonly model: string;
  readonly reasoning: string;
  readonly content: string;
  /**
   * The tool calls the model made (`finishReason` `tool_calls`), whole and in the model's order, once the stream
   * ended (not streamed as events: a call is usable only when its arguments are complete); absent when none.
   */
  readonly toolCalls?: readonly ToolCall[];
  /** `stop`, `length`, `insufficient_system_resource`, … or undefined when the stream broke. */
  readonly finishReason: string | undefined;
  /** Undefined when the stream ended without usage (aborted or broken): price it as an estimate. */
  readonly usage: UsageFigures | undefined;
  /** True when the answer is incomplete: cancelled, timed out, dropped, or cut by `length`. */
  readonly partial: boolean;
  readonly failure: ApiFailure | undefined;
  readonly durationMs: number;
  /** Milliseconds to the first reasoning or content token, if any arrived. */
  readonly firstTokenMs: number | undefined;
  /**
   * Characters sent in the prompt, for estimating cost when usage is missing; an image counts as the characters
   * its token estimate stands for (core/prompt/contentParts.ts `contentChars`).
   */
  readonly promptChars: number;
}

export interface FimRequest {
  readonly model: string;
  readonly prompt: string;
  readonly suffix?: string;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly temperature?: number;
}

export interface FimResult {
  readonly model: string;
  readonly text: string;
  readonly finishReason: string | undefined;
  readonly usage: UsageFigures | undefined;
  readonly failure: ApiFailure | undefined;
  readonly durationMs: number;
  readonly promptChars: number;
}

export interface BalanceInfo {
  readonly currency: string;
  readonly total: number;
  readonly granted: number;
  readonly toppedUp: number;
}

export interface Balance {
  readonly isAvailable: boolean;
  readonly balances: readonly BalanceInfo[];
}

export interface StreamTimeouts {
  /** Silence (not even a keep-alive) before the first token. */
  readonly firstTokenMs: number;
  /** Silence between chunks once tokens flow. */
  readonly idleMs: number;
  /** How long keep-alives alone may hold a request in DeepSeek's queue. */
  readonly maxQueueWaitMs: number;
}

export const DEFAULT_TIMEOUTS: StreamTimeouts = { firstTokenMs: 60_000, idleMs: 30_000, maxQueueWaitMs: 10 * 60_000 };
