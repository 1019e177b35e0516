import { createHmac } from 'crypto';
import { DETECTORS, REDACTION_KINDS, type Detection, type Detector, type RedactionKind } from './detectors';
import {
  PLACEHOLDER_CLOSE,
  PLACEHOLDER_OPEN,
  couldBePlaceholderPrefix,
  formatPlaceholder,
  placeholderPattern,
} from './placeholder';

/** One replaced occurrence. Never carries the value. */
export interface RedactionFinding {
  readonly kind: RedactionKind;
  readonly placeholder: string;
}

export interface RedactionResult {
  readonly text: string;
  /** One entry per replaced occurrence, in text order. */
  readonly findings: RedactionFinding[];
}

export interface RedactorOptions {
  /** Per-installation random secret; placeholders are HMAC-SHA256(salt, kind + value). */
  readonly salt: string;
  /** How many placeholder → value pairs to remember for `restore` (least recently used go first). Default 10,000. */
  readonly maxEntries?: number;
  /** Kinds to detect; default all. */
  readonly kinds?: readonly RedactionKind[];
}

export const DEFAULT_MAX_ENTRIES = 10_000;

interface Candidate extends Detection {
  readonly priority: number;
}

/**
 * Replaces secrets and personal data with stable placeholders (`⟦EMAIL_3fa2b19c⟧`) and puts them back in
 * answers. The same value gets the same placeholder in every call and in every Redactor with the same salt,
 * so a redacted prompt prefix stays byte-identical and DeepSeek's prefix cache still hits. A placeholder is
 * the first 32 bits of an HMAC under a secret salt: it reveals nothing about the value.
 *
 * Overlaps: the more specific detector wins (private key > JWT > provider tokens > URL password > card/IBAN
 * > national id > e-mail > IP > phone > assignment > high entropy), then the longer span. Text that already
 * holds placeholders is never re-redacted: detections touching a placeholder are dropped, so redacting twice
 * changes nothing and placeholders never nest.
 */
export class Redactor {
  private readonly salt: string;
  private readonly maxEntries: number;
  private readonly detectors: readonly Detector[];
  private readonly kinds: ReadonlySet<RedactionKind>;
  /** placeholder → original value, in least-recently-used-first order. */
  private readonly originals = new Map<string, string>();

  constructor(options: RedactorOptions) {
    if (typeof options.salt !== 'string' || options.salt.length === 0) {
      throw new Error('Redactor needs a non-empty salt');
    }
    this.salt = options.salt;
    this.maxEntries = Math.max(1, Math.floor(options.maxEntries ?? DEFAULT_MAX_ENTRIES));
    const kinds = new Set(options.kinds ?? REDACTION_KINDS);
    this.kinds = kinds;
    this.detectors = DETECTORS.filter((d) => (d.kinds ?? [d.kind]).some((k) => kinds.has(k)));
  }

  /** Number of placeholders currently remembered for `restore`. */
  get size(): number {
    return this.originals.size;
  }

  redact(text: string): RedactionResult {
    if (text.length === 0) {
      return { text, findings: [] };
    }
    const chosen = this.choose(text);
    if (chosen.length === 0) {
      return { text, findings: [] };
    }
    const findings: RedactionFinding[] = [];
    const parts: string[] = [];
    let at = 0;
    const seen = new Map<string, string>(); // kind + NUL + value → placeholder, within this call
    for (const d of chosen) {
      const value = text.slice(d.start, d.end);
      const key = `${d.kind}\u0000${value}`;
      let placeholder = seen.get(key);
      if (placeholder === undefined) {
        placeholder = this.placeholderFor(d.kind, value);
        seen.set(key, placeholder);
      }
      parts.push(text.slice(at, d.start), placeholder);
      findings.push({ kind: d.kind, placeholder });
      at = d.end;
    }
    parts.push(text.slice(at));
    return { text: parts.join(''), findings };
  }

  /** Redacts several texts (e.g. the messages of one request) with one set of placeholders. */
  redactAll(texts: readonly string[]): { texts: string[]; findings: RedactionFinding[] } {
    const findings: RedactionFinding[] = [];
    const out = texts.map((t) => {
      const r = this.redact(t);
      findings.push(...r.findings);
      return r.text;
    });
    return { texts: out, findings };
  }

  /** Puts remembered values back; placeholders this Redactor does not know (e.g. invented by the model) stay. */
  restore(text: string): string {
    if (text.indexOf(PLACEHOLDER_OPEN) === -1) {
      return text;
    }
    return text.replace(placeholderPattern(), (placeholder) => {
      const value = this.originals.get(placeholder);
      if (value === undefined) {
        return placeholder;
      }
      this.remember(placeholder, value);
      return value;
    });
  }

  /** The placeholder `value` of `kind` gets (and remembers it for `restore`). */
  placeholderFor(kind: RedactionKind, value: string): string {
    const hex = createHmac('sha256', this.salt).update(kind + value).digest('hex');
    let placeholder = formatPlaceholder(kind, hex.slice(0, 8));
    const known = this.originals.get(placeholder);
    if (known !== undefined && known !== value) {
      placeholder = formatPlaceholder(kind, hex.slice(0, 16)); // 32-bit collision: use 64 bits
    }
    this.remember(placeholder, value);
    return placeholder;
  }

  private remember(placeholder: string, value: string): void {
    this.originals.delete(placeholder);
    this.originals.set(placeholder, value);
    if (this.originals.size > this.maxEntries) {
      const oldest = this.originals.keys().next();
      if (!oldest.done) {
        this.originals.delete(oldest.value);
      }
    }
  }

  /** Detections to replace: non-overlapping, not touching existing placeholders, sorted by start. */
  private choose(text: string): Detection[] {
    const candidates: Candidate[] = [];
    for (const d of this.detectors) {
      for (const det of d.detect(text)) {
        if (d.kinds === undefined || this.kinds.has(det.kind)) {
          candidates.push({ kind: det.kind, start: det.start, end: det.end, priority: det.priority ?? d.priority });
        }
      }
    }
    if (candidates.length === 0) {
      return [];
    }
    candidates.sort(
      (a, b) => b.priority - a.priority || b.end - b.start - (a.end - a.start) || a.start - b.start,
    );
    // occupancy marks: checking a candidate costs its length, so resolving is linear in the candidates' size
    const taken = new Uint8Array(text.length);
    if (text.indexOf(PLACEHOLDER_OPEN) !== -1) {
      const re = placeholderPattern();
      let m: RegExpExecArray | null;
      while ((m = re.exec(text)) !== null) {
        taken.fill(1, m.index, m.index + m[0].length);
      }
    }
    const chosen: Detection[] = [];
    for (const c of candidates) {
      if (taken.subarray(c.start, c.end).indexOf(1) === -1) {
        taken.fill(1, c.start, c.end);
        chosen.push({ kind: c.kind, start: c.start, end: c.end });
      }
    }
    return chosen.sort((a, b) => a.start - b.start);
  }
}

export interface StreamRestorer {
  /** Restored text that is safe to show now; a trailing partial placeholder is held back. */
  push(chunk: string): string;
  /** Whatever is held back, restored as far as possible. Call once at the end of the stream. */
  flush(): string;
}

/**
 * Restores placeholders in a streamed answer, including ones split across chunks: a trailing `⟦…` that could
 * still become a placeholder is held back (at most one placeholder's length) until it completes or clearly is
 * not one. Work per push is proportional to the chunk.
 */
export function createStreamRestorer(redactor: Pick<Redactor, 'restore'>): StreamRestorer {
  let pending = '';
  return {
    push(chunk: string): string {
      const text = pending + chunk;
      let cut = text.length;
      const open = text.lastIndexOf(PLACEHOLDER_OPEN);
      if (open !== -1 && text.indexOf(PLACEHOLDER_CLOSE, open) === -1 && couldBePlaceholderPrefix(text.slice(open))) {
        cut = open;
      }
      pending = text.slice(cut);
      return cut === 0 ? '' : redactor.restore(cut === text.length ? text : text.slice(0, cut));
    },
    flush(): string {
      const rest = pending;
      pending = '';
      return rest.length === 0 ? '' : redactor.restore(rest);
    },
  };
}

export interface RedactionCount {
  readonly kind: RedactionKind;
  /** Occurrences replaced. */
  readonly occurrences: number;
  /** Different values (placeholders) among them. */
  readonly distinct: number;
}

/**
 * Counts findings per kind for "Show Last Request" (e.g. `4 redactions: 2 EMAIL, 1 GITHUB_TOKEN, 1 IP`).
 * Holds kinds, counts and placeholders only — never a value.
 */
export class RedactionSummary {
  private readonly byKind = new Map<RedactionKind, { occurrences: number; placeholders: Set<string> }>();

  static of(findings: readonly RedactionFinding[]): RedactionSummary {
    return new RedactionSummary().add(findings);
  }

  add(findings: readonly RedactionFinding[]): this {
    for (const f of findings) {
      let entry = this.byKind.get(f.kind);
      if (!entry) {
        entry = { occurrences: 0, placeholders: new Set() };
        this.byKind.set(f.kind, entry);
      }
      entry.occurrences++;
      entry.placeholders.add(f.placeholder);
    }
    return this;
  }

  /** Total occurrences replaced. */
  get total(): number {
    let n = 0;
    for (const e of this.byKind.values()) {
      n += e.occurrences;
    }
    return n;
  }

  count(kind: RedactionKind): number {
    return this.byKind.get(kind)?.occurrences ?? 0;
  }

  /** Per-kind counts in REDACTION_KINDS order, kinds with no findings left out. */
  entries(): RedactionCount[] {
    const out: RedactionCount[] = [];
    for (const kind of REDACTION_KINDS) {
      const e = this.byKind.get(kind);
      if (e) {
        out.push({ kind, occurrences: e.occurrences, distinct: e.placeholders.size });
      }
    }
    return out;
  }

  toString(): string {
    const total = this.total;
    if (total === 0) {
      return 'no redactions';
    }
    const parts = this.entries().map((e) => `${e.occurrences} ${e.kind}`);
    return `${total} redaction${total === 1 ? '' : 's'}: ${parts.join(', ')}`;
  }

  toJSON(): { total: number; byKind: RedactionCount[] } {
    return { total: this.total, byKind: this.entries() };
  }
}
