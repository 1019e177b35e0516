/**
 * Narrow, typed views of DeepSeek's non-standard fields (`reasoning_content`, `prompt_cache_*`), which the
 * `openai` SDK's types do not know. Everything is read defensively: a missing or odd field is undefined.
 */
import type { Balance, UsageFigures } from './types';

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** Reads usage from a chunk or response; undefined when it carries none. */
export function readUsage(raw: unknown): UsageFigures | undefined {
  const usage = record(record(raw)?.usage);
  if (!usage) {
    return undefined;
  }
  const prompt = num(usage.prompt_tokens) ?? 0;
  const cachedDetail = num(record(usage.prompt_tokens_details)?.cached_tokens);
  const hit = num(usage.prompt_cache_hit_tokens) ?? cachedDetail ?? 0;
  const miss = num(usage.prompt_cache_miss_tokens) ?? Math.max(0, prompt - hit);
  const output = num(usage.completion_tokens) ?? 0;
  const reasoning = num(record(usage.completion_tokens_details)?.reasoning_tokens) ?? 0;
  return { promptTokens: prompt || hit + miss, hitTokens: hit, missTokens: miss, outputTokens: output, reasoningTokens: reasoning };
}

/** One piece of a streamed tool call: the first for a call carries its id and name, later ones argument text. */
export interface ToolCallDelta {
  readonly index: number;
  readonly id?: string;
  readonly name?: string;
  readonly arguments?: string;
}

export interface ChunkView {
  readonly reasoning: string | undefined;
  readonly content: string | undefined;
  readonly finishReason: string | undefined;
  /** Pieces of tool calls, by the call's `index` (absent when the chunk carries none). */
  readonly toolCalls?: readonly ToolCallDelta[];
}

const EMPTY: ChunkView = { reasoning: undefined, content: undefined, finishReason: undefined };

/** `delta.tool_calls`: the pieces with a usable index; anything odd is left out. */
function readToolCallDeltas(raw: unknown): ToolCallDelta[] | undefined {
  if (!Array.isArray(raw) || raw.length === 0) return undefined;
  const deltas = raw.flatMap((item, position): ToolCallDelta[] => {
    const call = record(item);
    if (!call) return [];
    const fn = record(call.function);
    // Some OpenAI-compatible hosts leave out `index` when a chunk carries one call: its position stands in.
    const index = typeof call.index === 'number' && Number.isInteger(call.index) && call.index >= 0 ? call.index : position;
    return [{
      index,
      ...(typeof call.id === 'string' && call.id !== '' ? { id: call.id } : {}),
      ...(typeof fn?.name === 'string' && fn.name !== '' ? { name: fn.name } : {}),
      ...(typeof fn?.arguments === 'string' ? { arguments: fn.arguments } : {}),
    }];
  });
  return deltas.length > 0 ? deltas : undefined;
}

/** The first choice's delta of a streamed chat chunk. */
export function readChunk(raw: unknown): ChunkView {
  const choices = record(raw)?.choices;
  if (!Array.isArray(choices) || choices.length === 0) {
    return EMPTY;
  }
  const choice = record(choices[0]);
  const delta = record(choice?.delta);
  // DeepSeek (and vLLM/SGLang serving its weights) say `reasoning_content`; some OpenAI-compatible hosts `reasoning`.
  const reasoning = typeof delta?.reasoning_content === 'string' && delta.reasoning_content !== '' ? delta.reasoning_content : delta?.reasoning;
  const content = delta?.content;
  const finish = choice?.finish_reason;
  const toolCalls = readToolCallDeltas(delta?.tool_calls);
  return {
    reasoning: typeof reasoning === 'string' && reasoning.length > 0 ? reasoning : undefined,
    content: typeof content === 'string' && content.length > 0 ? content : undefined,
    finishReason: typeof finish === 'string' ? finish : undefined,
    ...(toolCalls ? { toolCalls } : {}),
  };
}

/** `GET /user/balance`: amounts arrive as strings. */
export function readBalance(raw: unknown): Balance | undefined {
  const body = record(raw);
  if (!body || !Array.isArray(body.balance_infos)) {
    return undefined;
  }
  const balances = body.balance_infos.flatMap((item) => {
    const info = record(item);
    const amount = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? Number(v) : NaN);
    if (!info || typeof info.currency !== 'string' || !Number.isFinite(amount(info.total_balance))) {
      return [];
    }
    return [{
      currency: info.currency,
      total: amount(info.total_balance),
      granted: Number.isFinite(amount(info.granted_balance)) ? amount(info.granted_balance) : 0,
      toppedUp: Number.isFinite(amount(info.topped_up_balance)) ? amount(info.topped_up_balance) : 0,
    }];
  });
  return { isAvailable: body.is_available === true, balances };
}

/** The API's own error message from an SDK error, e.g. "Model Not Exist". */
export function readApiMessage(err: unknown): string | undefined {
  const body = record(record(err)?.error);
  const inner = record(body?.error) ?? body;
  const message = inner?.message;
  return typeof message === 'string' ? message : undefined;
}
