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
 * Least recently used first out. It can be kept across reloads (`toStorage` / `fromStorage`, the provider puts it
 * in the workspace state): answers are keyed by a SHA-256 of their text, never by the text (which holds restored
 * values), and what is kept — reasoning and arguments as the model sent them — carries placeholders, not
 * secrets. What is not kept is sent as text (toolExchange.ts). Pure: no vscode, no I/O.
 */
import { createHash } from 'crypto';

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

/** How much text `toStorage` keeps by default (the newest entries first). */
export const DEFAULT_STORAGE_CHARS = 2_000_000;

/** An entry as stored: its key (`call:<id>` or `text:<sha256>`) and what it holds. */
export type StoredEntry = [string, RememberedCall | string];

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

  /** The most recently used entries, newest last, within `maxChars` of stored text: JSON for a Memento. */
  toStorage(maxChars = DEFAULT_STORAGE_CHARS): StoredEntry[] {
    const out: StoredEntry[] = [];
    let chars = 0;
    for (const [key, value] of [...this.entries].reverse()) {
      const size = key.length + (typeof value === 'string' ? value.length : value.reasoning.length + value.arguments.length);
      if (chars + size > maxChars) break;
      chars += size;
      out.push([key, value]);
    }
    return out.reverse();
  }

  /** A memory holding what `toStorage` kept; anything malformed in it is left out. */
  static fromStorage(stored: unknown, capacity = DEFAULT_MEMORY_ENTRIES): ReasoningMemory {
    const memory = new ReasoningMemory(capacity);
    if (!Array.isArray(stored)) return memory;
    for (const entry of stored) {
      if (!Array.isArray(entry) || entry.length !== 2 || typeof entry[0] !== 'string') continue;
      const [key, value] = entry as [string, unknown];
      if (key.startsWith(TEXT_PREFIX) && typeof value === 'string') memory.put(key, value);
      else if (key.startsWith(CALL_PREFIX) && isRememberedCall(value)) memory.put(key, { reasoning: value.reasoning, arguments: value.arguments });
    }
    return memory;
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

const CALL_PREFIX = 'call:';
const TEXT_PREFIX = 'text:';
const callKey = (id: string) => `${CALL_PREFIX}${id}`;
const textKey = (content: string) => `${TEXT_PREFIX}${createHash('sha256').update(content).digest('hex')}`;

function isRememberedCall(v: unknown): v is RememberedCall {
  return typeof v === 'object' && v !== null && typeof (v as RememberedCall).reasoning === 'string' && typeof (v as RememberedCall).arguments === 'string';
}
