/**
 * What DeepSeek's thinking mode needs back after a tool call, kept for the requests that follow.
 *
 * VS Code's chat (and every extension using `vscode.lm`) sends the whole exchange again with each request, but
 * its messages carry no `reasoning_content`: a tool-calling turn comes back as text and tool-call parts only.
 * DeepSeek answers 400 unless the reasoning of every assistant turn after a tool call is sent back as it was
 * received (deepseek-api.md, "Models and reasoning"). This remembers, per call id and per answer text, the
 * reasoning as the model sent it and each call's arguments as the model wrote them (placeholders not
 * restored), so a later request sends back the same bytes: the API's rule holds and the prefix cache hits.
 *
 * In memory only, least recently used first out: a reload forgets it (the exchange is then sent as text, see
 * toolExchange.ts). Pure: no vscode, no I/O.
 */

/** One assistant turn as the model answered it. */
export interface AnsweredTurn {
  /** `reasoning_content` as received; '' when the model did not think. */
  readonly reasoning: string;
  /** The answer's text as the caller was given it (placeholders restored): how the turn comes back. */
  readonly content: string;
  /** The calls it made: ids, and arguments as the model wrote them (placeholders not restored). */
  readonly calls: readonly { readonly id: string; readonly arguments: string }[];
}

export interface RememberedCall {
  readonly reasoning: string;
  readonly arguments: string;
}

/** How many entries are kept by default (a call or an answer each). */
export const DEFAULT_MEMORY_ENTRIES = 1024;

export class ReasoningMemory {
  /** Map order is the LRU order: the first key is the least recently used. */
  private readonly entries = new Map<string, RememberedCall | string>();

  constructor(private readonly capacity = DEFAULT_MEMORY_ENTRIES) {}

  get size(): number {
    return this.entries.size;
  }

  /** Keeps a turn's reasoning under each of its call ids, and under its text when it made no call. */
  remember(turn: AnsweredTurn): void {
    for (const call of turn.calls) {
      this.put(callKey(call.id), { reasoning: turn.reasoning, arguments: call.arguments });
    }
    if (turn.calls.length === 0 && turn.reasoning !== '' && turn.content !== '') {
      this.put(textKey(turn.content), turn.reasoning);
    }
  }

  /** The reasoning and raw arguments of the turn that made call `id`, if it is still known. */
  forCall(id: string): RememberedCall | undefined {
    const value = this.touch(callKey(id));
    return typeof value === 'object' ? value : undefined;
  }

  /** The reasoning of a turn that answered `content` without a call, if it is still known. */
  forText(content: string): string | undefined {
    const value = this.touch(textKey(content));
    return typeof value === 'string' ? value : undefined;
  }

  clear(): void {
    this.entries.clear();
  }

  private put(key: string, value: RememberedCall | string): void {
    this.entries.delete(key);
    this.entries.set(key, value);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  private touch(key: string): RememberedCall | string | undefined {
    const value = this.entries.get(key);
    if (value !== undefined) {
      this.entries.delete(key);
      this.entries.set(key, value);
    }
    return value;
  }
}

const callKey = (id: string) => `call\u0000${id}`;
const textKey = (content: string) => `text\u0000${content}`;
