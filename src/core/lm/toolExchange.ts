/**
 * Makes an exchange from VS Code's chat fit DeepSeek's thinking-mode rule before it is sent.
 *
 * Every assistant turn after a tool call, up to the next user message, must carry its `reasoning_content`
 * exactly as received, or DeepSeek answers 400. The reasoning comes from ReasoningMemory (by call id, or by the
 * answer's text); the calls' arguments go back as the model wrote them. When the reasoning of such a turn is
 * not known (turns another model answered, or older than the memory keeps), that exchange is sent as text instead — the
 * calls and their results described in words — which thinking mode accepts: nothing is refused, and the model
 * still sees what the tools said. A tool message whose call is not in the exchange is sent as text too.
 * Pure: no vscode, no I/O.
 */
import type { ReasoningMemory } from './reasoningMemory';

export interface ExchangeCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: string;
}

/** The shape of a chat message this needs (src/api/types.ts `ChatMessage` is one). */
export interface ExchangeMessage<P = unknown> {
  readonly role: 'system' | 'user' | 'assistant' | 'tool';
  readonly content: string | readonly P[];
  readonly toolCalls?: readonly ExchangeCall[];
  readonly reasoningContent?: string;
  readonly toolCallId?: string;
}

export interface PreparedExchange<P> {
  readonly messages: ExchangeMessage<P>[];
  /** Exchanges sent as text because the reasoning of a turn in them was no longer known (thinking only). */
  readonly asText: number;
  /** Assistant turns that got their reasoning back from memory. */
  readonly reasoningAttached: number;
}

/**
 * `thinking`: whether the model answering thinks. Without thinking, the calls go as they are (arguments as the
 * model wrote them, where known) and no reasoning is attached.
 */
export function prepareExchange<P>(messages: readonly ExchangeMessage<P>[], memory: ReasoningMemory, thinking: boolean): PreparedExchange<P> {
  let reasoningAttached = 0;
  // Each call's arguments as the model wrote them, and each assistant turn's remembered reasoning.
  const withMemory = messages.map((m): ExchangeMessage<P> => {
    if (m.role !== 'assistant') return m;
    if (m.toolCalls && m.toolCalls.length > 0) {
      const known = m.toolCalls.map((c) => memory.forCall(c.id));
      const toolCalls = m.toolCalls.map((c, i) => (known[i] ? { ...c, arguments: known[i]!.arguments } : c));
      const reasoning = known.find((k) => k !== undefined && k.reasoning !== '')?.reasoning;
      if (thinking && reasoning !== undefined) reasoningAttached++;
      return { ...m, toolCalls, ...(thinking && reasoning !== undefined ? { reasoningContent: reasoning } : {}) };
    }
    const reasoning = thinking && typeof m.content === 'string' ? memory.forText(m.content) : undefined;
    if (reasoning !== undefined) reasoningAttached++;
    return reasoning !== undefined ? { ...m, reasoningContent: reasoning } : m;
  });

  const out: ExchangeMessage<P>[] = [];
  let asText = 0;
  for (const segment of segments(withMemory)) {
    if (thinking && !segmentHasItsReasoning(segment)) {
      out.push(...asTextExchange(segment));
      asText++;
    } else {
      out.push(...withOrphansAsText(segment));
    }
  }
  return { messages: mergeUsers(out), asText, reasoningAttached };
}

/** The messages split at each user message (a segment starts with it; the first may start with system messages). */
function segments<P>(messages: readonly ExchangeMessage<P>[]): ExchangeMessage<P>[][] {
  const out: ExchangeMessage<P>[][] = [[]];
  for (const m of messages) {
    if (m.role === 'user' && out.at(-1)!.some((x) => x.role !== 'system')) out.push([]);
    out.at(-1)!.push(m);
  }
  return out.filter((s) => s.length > 0);
}

/** Whether every assistant turn from the segment's first tool call on carries reasoning (true when it has no call). */
function segmentHasItsReasoning<P>(segment: readonly ExchangeMessage<P>[]): boolean {
  const first = segment.findIndex((m) => m.role === 'assistant' && (m.toolCalls?.length ?? 0) > 0);
  if (first < 0) return !segment.some((m) => m.role === 'tool');
  return segment.slice(first).every((m) => m.role !== 'assistant' || (m.reasoningContent !== undefined && m.reasoningContent !== ''));
}

/** The segment with its calls in words and their results as user text; reasoning dropped (it is not needed then). */
function asTextExchange<P>(segment: readonly ExchangeMessage<P>[]): ExchangeMessage<P>[] {
  const names = new Map<string, string>();
  return segment.map((m): ExchangeMessage<P> => {
    if (m.role === 'assistant') {
      const calls = m.toolCalls ?? [];
      for (const c of calls) names.set(c.id, c.name);
      const said = typeof m.content === 'string' ? m.content : '';
      const described = calls.map((c) => `(Called the tool \`${c.name}\` with ${c.arguments || '{}'}.)`);
      return { role: 'assistant', content: [said, ...described].filter((t) => t !== '').join('\n\n') || '(No answer.)' };
    }
    if (m.role === 'tool') return toolResultAsText(m, names.get(m.toolCallId ?? ''));
    return m;
  });
}

/** Tool messages whose call is not in an assistant turn before them, as user text (the API refuses them as tool messages). */
function withOrphansAsText<P>(segment: readonly ExchangeMessage<P>[]): ExchangeMessage<P>[] {
  const calls = new Map<string, string>();
  return segment.map((m) => {
    for (const c of m.role === 'assistant' ? m.toolCalls ?? [] : []) calls.set(c.id, c.name);
    return m.role === 'tool' && !calls.has(m.toolCallId ?? '') ? toolResultAsText(m, undefined) : m;
  });
}

/** The user messages made here from tool results (only these are joined with their neighbours). */
const madeHere = new WeakSet<object>();

function toolResultAsText<P>(m: ExchangeMessage<P>, name: string | undefined): ExchangeMessage<P> {
  const text = typeof m.content === 'string' ? m.content : '';
  const made: ExchangeMessage<P> = { role: 'user', content: `Result of the tool${name ? ` \`${name}\`` : ''}:\n${text}` };
  madeHere.add(made);
  return made;
}

/** A tool result made user text here, joined with the user text next to it (some DeepSeek models refuse two users in a row). */
function mergeUsers<P>(messages: readonly ExchangeMessage<P>[]): ExchangeMessage<P>[] {
  const out: ExchangeMessage<P>[] = [];
  for (const m of messages) {
    const prev = out.at(-1);
    if (prev && prev.role === 'user' && m.role === 'user' && typeof prev.content === 'string' && typeof m.content === 'string' && (madeHere.has(prev) || madeHere.has(m))) {
      const joined: ExchangeMessage<P> = { role: 'user', content: `${prev.content}\n\n${m.content}` };
      madeHere.add(joined);
      out[out.length - 1] = joined;
    } else {
      out.push(m);
    }
  }
  return out;
}
