import * as vscode from 'vscode';
import type { ChatContentPart, ChatMessage, ToolCall, ToolSpec } from '../api/types';
import { imageUrlTokens, toDataUrl } from '../core/prompt/contentParts';
import { estimateTokens } from '../core/tokenEstimate';

/** VS Code 1.104's role enum has User and Assistant; a System role (3) exists at runtime in newer builds. */
const SYSTEM_ROLE = 3;

/** A `LanguageModelDataPart` (VS Code 1.105+, not in the 1.104 types): bytes with a MIME type. */
interface DataPart {
  readonly mimeType: string;
  readonly data: Uint8Array;
}

function isDataPart(part: unknown): part is DataPart {
  return typeof part === 'object' && part !== null && typeof (part as DataPart).mimeType === 'string' && (part as DataPart).data instanceof Uint8Array;
}

const TEXT_MIME = /^(?:text\/|application\/(?:json|xml|x-yaml|yaml)\b)/i;
/**
 * Data parts that are hints to other providers, not content: Copilot's `cache_control` breakpoints (DeepSeek
 * caches every prefix by itself) and `stateful_marker`. Left out without a word.
 */
const HINT_MIME = /^(?:cache_control|stateful_marker)$/i;
const IMAGE_MIME = /^image\/(?:png|jpe?g|gif|webp)$/i;

/** A part's text, or undefined when it has none (a call, a result, an image, or a part this does not know). */
function partText(part: unknown): string | undefined {
  if (part instanceof vscode.LanguageModelTextPart) return part.value;
  if (part instanceof vscode.LanguageModelPromptTsxPart) return JSON.stringify(part.value);
  if (isDataPart(part) && TEXT_MIME.test(part.mimeType)) return new TextDecoder().decode(part.data);
  return undefined;
}

/** A tool result's content as text: its text parts joined; data other than text named, not sent. */
export function toolResultText(content: readonly unknown[]): string {
  return content
    .filter((part) => !(isDataPart(part) && HINT_MIME.test(part.mimeType)))
    .map((part) => partText(part) ?? (isDataPart(part) ? `[${part.mimeType} data not sent]` : ''))
    .filter((t) => t !== '')
    .join('\n');
}

export interface ConvertedMessages {
  readonly messages: ChatMessage[];
  /** Parts that were not sent (data of a kind no model here takes), by kind, for the log. */
  readonly dropped: readonly string[];
}

/**
 * VS Code's request messages as the API's: a user message's tool results become `tool` messages (before its
 * text, which follows as a user message), an assistant message's tool calls its `toolCalls` with the input as
 * JSON, images `image_url` parts. Nothing is reworded or reordered otherwise: the same history gives the same
 * bytes, so DeepSeek's prefix cache hits on every request of an exchange.
 */
export function toChatMessages(messages: readonly vscode.LanguageModelChatRequestMessage[]): ConvertedMessages {
  const out: ChatMessage[] = [];
  const dropped: string[] = [];
  for (const m of messages) {
    const parts = m.content;
    if (m.role === vscode.LanguageModelChatMessageRole.Assistant) {
      const text = parts.map(partText).filter((t): t is string => t !== undefined).join('');
      const calls: ToolCall[] = parts
        .filter((p): p is vscode.LanguageModelToolCallPart => p instanceof vscode.LanguageModelToolCallPart)
        .map((p) => ({ id: p.callId, name: p.name, arguments: JSON.stringify(p.input ?? {}) }));
      out.push({ role: 'assistant', content: text, ...(calls.length > 0 ? { toolCalls: calls } : {}) });
      continue;
    }
    if ((m.role as number) === SYSTEM_ROLE) {
      out.push({ role: 'system', content: parts.map(partText).filter((t): t is string => t !== undefined).join('') });
      continue;
    }
    const content: ChatContentPart[] = [];
    for (const part of parts) {
      if (isDataPart(part) && HINT_MIME.test(part.mimeType)) {
        continue;
      } else if (part instanceof vscode.LanguageModelToolResultPart) {
        out.push({ role: 'tool', toolCallId: part.callId, content: toolResultText(part.content) });
      } else if (isDataPart(part) && IMAGE_MIME.test(part.mimeType)) {
        content.push({ type: 'image_url', image_url: { url: toDataUrl(part.mimeType.toLowerCase(), part.data) } });
      } else {
        const text = partText(part);
        if (text !== undefined) content.push({ type: 'text', text });
        else if (!(part instanceof vscode.LanguageModelToolCallPart)) dropped.push(isDataPart(part) ? part.mimeType : typeof part);
      }
    }
    if (content.length === 0) continue; // only tool results
    const images = content.some((p) => p.type === 'image_url');
    out.push({ role: 'user', content: images ? content : content.map((p) => (p.type === 'text' ? p.text : '')).join('') });
  }
  return { messages: out, dropped };
}

/** VS Code's tools as the API's functions. */
export function toToolSpecs(tools: readonly vscode.LanguageModelChatTool[] | undefined): ToolSpec[] {
  return (tools ?? []).map((t) => ({ name: t.name, ...(t.description ? { description: t.description } : {}), ...(t.inputSchema ? { parameters: t.inputSchema } : {}) }));
}

/** A call's arguments as the object VS Code's tool part takes: the JSON object, else the value under `input`. */
export function toolInput(args: string): object {
  try {
    const value: unknown = JSON.parse(args === '' ? '{}' : args);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value : { input: value };
  } catch {
    return { input: args }; // the client passes only whole, valid calls; kept as text just in case
  }
}

/** Estimated tokens of a text or a request message (text, calls, results and images). */
export function countTokens(value: string | vscode.LanguageModelChatRequestMessage): number {
  if (typeof value === 'string') return estimateTokens(value);
  let tokens = 0;
  for (const part of value.content) {
    if (part instanceof vscode.LanguageModelToolCallPart) tokens += estimateTokens(part.name) + estimateTokens(JSON.stringify(part.input ?? {}));
    else if (part instanceof vscode.LanguageModelToolResultPart) tokens += estimateTokens(toolResultText(part.content));
    else if (isDataPart(part) && IMAGE_MIME.test(part.mimeType)) tokens += imageUrlTokens(toDataUrl(part.mimeType, part.data));
    else tokens += estimateTokens(partText(part) ?? '');
  }
  return tokens;
}
