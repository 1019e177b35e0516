/**
 * How long to wait after a keystroke before asking for a completion. A fixed delay is wrong for everyone:
 * too short for a slow typist (a request per character, each one stale a moment later), too long for a fast
 * one (the suggestion comes after they have typed past it). So the delay follows the typist: a little longer
 * than their typical gap between keys, which means "they have paused", clamped to a sane range.
 */

export interface TypingDebounceOptions {
  /** Before any gap is known. Default 150 ms. */
  readonly initialMs?: number;
  readonly minMs?: number;
  readonly maxMs?: number;
}

/** Recent gaps kept; the median of a handful ignores the odd stumble or burst. */
const WINDOW = 9;
/** Waiting this much longer than the typical gap tells a pause from a keystroke still on its way. */
const FACTOR = 1.5;
/** A gap this long is a pause (reading, thinking), not the typing rhythm, and is left out. */
const PAUSE_MS = 2_000;

export class TypingDebounce {
  private readonly initialMs: number;
  private readonly minMs: number;
  private readonly maxMs: number;
  private readonly gaps: number[] = [];
  private last: number | undefined;

  constructor(options: TypingDebounceOptions = {}) {
    this.minMs = options.minMs ?? 75;
    this.maxMs = Math.max(this.minMs, options.maxMs ?? 350);
    this.initialMs = clamp(options.initialMs ?? 150, this.minMs, this.maxMs);
  }

  /** A keystroke at `at` (ms). The delay adapts to the typist: a fast typist's gaps are short, so wait a bit longer than their typical gap (e.g. 1.5× the moving median of recent gaps), clamped. */
  keystroke(at: number): void {
    if (!Number.isFinite(at)) {
      return;
    }
    if (this.last !== undefined) {
      const gap = at - this.last;
      if (gap > 0 && gap <= PAUSE_MS) {
        this.gaps.push(gap);
        if (this.gaps.length > WINDOW) this.gaps.shift();
      }
    }
    this.last = this.last === undefined ? at : Math.max(this.last, at);
  }

  delayMs(): number {
    if (this.gaps.length === 0) {
      return this.initialMs;
    }
    const sorted = [...this.gaps].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    return clamp(Math.round(median * FACTOR), this.minMs, this.maxMs);
  }
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
