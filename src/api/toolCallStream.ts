/**
 * Tool calls on the wire: the request's `tools`, `tool_choice` and messages in DeepSeek's (OpenAI's) shape, and
 * the streamed `delta.tool_calls` put back together by index. A call reaches the caller only whole: its id,
 * its name and arguments that parse as JSON, once the stream ended with a finish reason; a stream that broke
 * mid-call gives no calls at all, never half an argument.
 */
import type { ChatMessage, ToolCall, ToolChoice, ToolSpec } from './types';
import type { ToolCallDelta } from './wireFormat';

/** A message as the API takes it: tool calls, reasoning sent back and the call a tool message answers. */
export function wireMessage(m: ChatMessage): Record<string, unknown> {
  const calls = m.toolCalls && m.toolCalls.length > 0 ? m.toolCalls : undefined;
  return {
    role: m.role,
    // An assistant turn that only called tools has no text: null, as the API writes it.
    content: calls && m.content === '' ? null : m.content,
    ...(m.reasoningContent !== undefined ? { reasoning_content: m.reasoningContent } : {}),
    ...(calls ? { tool_calls: calls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })) } : {}),
    ...(m.toolCallId !== undefined ? { tool_call_id: m.toolCallId } : {}),
  };
}

export function wireTools(tools: readonly ToolSpec[]): object[] {
  return tools.map((t) => ({
    type: 'function',
    function: { name: t.name, ...(t.description !== undefined ? { description: t.description } : {}), ...(t.parameters !== undefined ? { parameters: t.parameters } : {}) },
  }));
}

export function wireToolChoice(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

interface Partial {
  id: string | undefined;
  name: string | undefined;
  args: string[];
}

/** Collects `delta.tool_calls` pieces by index; `finish()` gives the whole calls or says what was wrong. */
export class ToolCallAccumulator {
  private readonly calls = new Map<number, Partial>();

  get size(): number {
    return this.calls.size;
  }

  push(deltas: readonly ToolCallDelta[]): void {
    for (const d of deltas) {
      let call = this.calls.get(d.index);
      if (!call) {
        call = { id: undefined, name: undefined, args: [] };
        this.calls.set(d.index, call);
      }
      if (d.id !== undefined) call.id ??= d.id;
      if (d.name !== undefined) call.name = (call.name ?? '') === '' ? d.name : call.name;
      if (d.arguments !== undefined) call.args.push(d.arguments);
    }
  }

  /**
   * The calls in index order, each whole. An incomplete one (no id or name, arguments that are not JSON)
   * fails the lot: a caller must never run a tool on half its arguments.
   */
  finish(): { readonly calls: ToolCall[] } | { readonly error: string } {
    const calls: ToolCall[] = [];
    for (const [index, call] of [...this.calls.entries()].sort((a, b) => a[0] - b[0])) {
      const args = call.args.join('');
      const label = call.name ? `the call to ${call.name}` : `tool call ${index + 1}`;
      if (!call.id || !call.name) return { error: `${label} arrived without its ${call.id ? 'function name' : 'id'}` };
      // A function without parameters may come with no argument text at all: that is `{}`.
      const text = args.trim() === '' ? '{}' : args;
      try {
        const parsed: unknown = JSON.parse(text);
        if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return { error: `${label} has arguments that are not a JSON object` };
      } catch {
        return { error: `${label} has arguments that are not valid JSON (${args.length} characters arrived)` };
      }
      calls.push({ id: call.id, name: call.name, arguments: text });
    }
    return { calls };
  }
}
