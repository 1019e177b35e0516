/**
 * Tool calls on the fake's chat route, as DeepSeek answers them today (deepseek-api.md): `tools` and
 * `tool_choice` validated, `tool` messages matched to the call they answer, and the thinking-mode rules — a
 * `tool_choice` of `required` or a named function is refused, and after a tool call every assistant message of
 * that exchange must carry its `reasoning_content` (the fake also checks it is the text it sent with the call).
 */

/** A call a scripted reply makes: streamed as `delta.tool_calls` split over several chunks. */
export interface ScriptedToolCall {
  /** Default: `call_<n>` from the server's counter. */
  readonly id?: string;
  readonly name: string;
  /** The arguments as JSON text, sent as is (a test may script invalid JSON). */
  readonly arguments: string;
}

interface WireMessage {
  readonly role: string;
  readonly content?: unknown;
  readonly reasoning_content?: unknown;
  readonly tool_calls?: unknown;
  readonly tool_call_id?: unknown;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;

export const MISSING_REASONING_MESSAGE = 'The `reasoning_content` in the thinking mode must be passed back to the API.';
export const THINKING_TOOL_CHOICE_MESSAGE = 'Thinking mode does not support this tool_choice';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The function names `tools` declares, or an error message for a malformed list. */
export function readTools(tools: unknown): { names: string[] } | { error: string } {
  if (tools === undefined) return { names: [] };
  if (!Array.isArray(tools)) return { error: 'tools: expected an array' };
  const names: string[] = [];
  for (const [i, tool] of tools.entries()) {
    if (!isRecord(tool) || tool.type !== 'function' || !isRecord(tool.function)) return { error: `tools[${i}]: expected {"type": "function", "function": {...}}` };
    const name = tool.function.name;
    if (typeof name !== 'string' || !NAME.test(name)) return { error: `tools[${i}].function.name: must match ^[a-zA-Z0-9_-]{1,64}$` };
    if (tool.function.parameters !== undefined && !isRecord(tool.function.parameters)) return { error: `tools[${i}].function.parameters: expected a JSON Schema object` };
    if (names.includes(name)) return { error: `tools: duplicate function name ${name}` };
    names.push(name);
  }
  return { names };
}

/** An error message for a `tool_choice` the request may not carry, or undefined when it is fine. */
export function toolChoiceError(choice: unknown, toolNames: readonly string[], thinking: boolean): string | undefined {
  if (choice === undefined || choice === 'auto' || choice === 'none') return undefined;
  const named = isRecord(choice) && choice.type === 'function' && isRecord(choice.function) && typeof choice.function.name === 'string' ? choice.function.name : undefined;
  if (choice !== 'required' && named === undefined) return `Invalid value for tool_choice: ${JSON.stringify(choice)}`;
  if (toolNames.length === 0) return 'tool_choice is only allowed when tools are specified';
  if (named !== undefined && !toolNames.includes(named)) return `tool_choice names a function that is not in tools: ${named}`;
  return thinking ? THINKING_TOOL_CHOICE_MESSAGE : undefined;
}

/**
 * An error message for the messages' tool-call shape, or undefined: assistant `tool_calls` well formed, each
 * `tool` message answering a call made before it; in thinking mode, after a tool call every later assistant
 * message must carry `reasoning_content` (the text the fake sent with that call, when it knows it).
 */
export function toolMessagesError(messages: readonly WireMessage[], thinking: boolean, sentReasoning: ReadonlyMap<string, string>): string | undefined {
  const calls = new Set<string>();
  let afterToolCall = false;
  for (const [i, m] of messages.entries()) {
    if (m.role === 'user') {
      // A new exchange: DeepSeek ignores (and does not need) the reasoning of earlier ones.
      afterToolCall = false;
      continue;
    }
    if (m.role === 'tool') {
      if (typeof m.tool_call_id !== 'string' || !calls.has(m.tool_call_id)) return `messages[${i}]: a tool message must answer a tool call made before it (tool_call_id ${JSON.stringify(m.tool_call_id)})`;
      if (typeof m.content !== 'string') return `messages[${i}].content: a tool message's content must be a string`;
      continue;
    }
    if (m.role !== 'assistant') continue;
    const own: string[] = [];
    if (m.tool_calls !== undefined) {
      if (!Array.isArray(m.tool_calls) || m.tool_calls.length === 0) return `messages[${i}].tool_calls: expected a non-empty array`;
      for (const [j, call] of m.tool_calls.entries()) {
        if (!isRecord(call) || typeof call.id !== 'string' || call.type !== 'function' || !isRecord(call.function)
          || typeof call.function.name !== 'string' || typeof call.function.arguments !== 'string') {
          return `messages[${i}].tool_calls[${j}]: expected {"id", "type": "function", "function": {"name", "arguments"}}`;
        }
        calls.add(call.id);
        own.push(call.id);
      }
    }
    if (thinking && (afterToolCall || own.length > 0)) {
      const reasoning = m.reasoning_content;
      if (typeof reasoning !== 'string' || reasoning.trim() === '') return MISSING_REASONING_MESSAGE;
      const expected = own.map((id) => sentReasoning.get(id)).find((r) => r !== undefined);
      if (expected !== undefined && expected !== reasoning) return `${MISSING_REASONING_MESSAGE} (messages[${i}] carries a reasoning_content other than the one sent with its tool call)`;
    }
    if (own.length > 0) afterToolCall = true;
  }
  return undefined;
}

/** A tool call as the wire's `tool_calls[]` entry. */
export function wireToolCall(call: { id: string; name: string; arguments: string }): object {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

/**
 * The streamed deltas of the calls, as DeepSeek sends them: per call a first delta with `index`, `id`, `type`
 * and the name (arguments ''), then the arguments in pieces of `size` characters carrying only `index`.
 */
export function toolCallDeltas(calls: readonly { id: string; name: string; arguments: string }[], size: number): object[] {
  const deltas: object[] = [];
  calls.forEach((call, index) => {
    deltas.push({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] });
    for (let at = 0; at < call.arguments.length; at += Math.max(1, size)) {
      deltas.push({ tool_calls: [{ index, function: { arguments: call.arguments.slice(at, at + Math.max(1, size)) } }] });
    }
  });
  return deltas;
}
