/**
 * Recent completions by (prefix, suffix), so typing what the ghost text shows — or backspacing to where an
 * earlier one was shown — costs no request. Typing inserts before the cursor, so the suffix stays the same
 * and the prefix grows by exactly what was typed; when that matches the start of a cached completion, the
 * rest of it is still the answer.
 */
export class CompletionCache {
  /** Insertion order is recency order: a hit moves its entry to the end, eviction takes the first. */
  private readonly entries = new Map<string, { readonly prefix: string; readonly suffix: string; readonly completion: string }>();
  private readonly capacity: number;

  constructor(capacity = 64) {
    this.capacity = Math.max(1, Math.floor(capacity));
  }

  /** Exact (prefix, suffix) hit, or a typed-through hit: prefix = cachedPrefix + typed where the cached completion starts with `typed` (same suffix) → the remaining completion (undefined if nothing remains). */
  get(prefix: string, suffix: string): string | undefined {
    const exactKey = keyOf(prefix, suffix);
    const exact = this.entries.get(exactKey);
    if (exact) {
      this.touch(exactKey, exact);
      return exact.completion === '' ? undefined : exact.completion;
    }
    // The longest cached prefix wins: it is the latest answer along this line of typing.
    let best: { key: string; entry: { prefix: string; suffix: string; completion: string }; typed: number } | undefined;
    for (const [key, entry] of this.entries) {
      const typed = prefix.length - entry.prefix.length;
      if (
        entry.suffix === suffix &&
        typed > 0 &&
        typed < entry.completion.length + 1 &&
        (best === undefined || typed < best.typed) &&
        prefix.startsWith(entry.prefix) &&
        entry.completion.startsWith(prefix.slice(entry.prefix.length))
      ) {
        best = { key, entry, typed };
      }
    }
    if (!best) {
      return undefined;
    }
    this.touch(best.key, best.entry);
    const remaining = best.entry.completion.slice(best.typed);
    return remaining === '' ? undefined : remaining;
  }

  put(prefix: string, suffix: string, completion: string): void {
    const key = keyOf(prefix, suffix);
    this.entries.delete(key);
    this.entries.set(key, { prefix, suffix, completion });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  private touch(key: string, entry: { readonly prefix: string; readonly suffix: string; readonly completion: string }): void {
    this.entries.delete(key);
    this.entries.set(key, entry);
  }
}

/** The suffix's length first, so no (prefix, suffix) pair can collide with another whatever they contain. */
function keyOf(prefix: string, suffix: string): string {
  return `${suffix.length}:${suffix}${prefix}`;
}
