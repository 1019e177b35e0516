/**
 * The on-disk form of the spend ledger, as pure functions (the file I/O is in src/spend/ledgerFiles.ts):
 *
 * - Segments: append-only logs, one per writer (a window's extension host; a new one after a restart, after
 *   30 minutes without a write, or past 1 MB). One JSON event per line, `\n`-terminated. Only the writer ever
 *   appends to its segment, so two windows never write the same file; a crash mid-write leaves at most one
 *   torn last line, which readers skip.
 * - The snapshot: events already folded into totals (a `LedgerFold`), and for each segment how many of its
 *   bytes are folded. It is only ever replaced whole (write a temporary file, then rename), by one window at a
 *   time (a lock file), so a reader sees the old snapshot or the new one, never half of one.
 *
 * A reader's ledger = the snapshot's fold + every segment's events after its folded offset, merged by id.
 * Compaction folds a prefix of each segment (events older than a cutoff, so that events a window is still
 * about to write stay unfolded and order is kept), writes the new snapshot, then deletes segments that are
 * fully folded and no longer written (idle well past the writer's rotation time).
 */
import {
  compareEvents, eventAt, eventId, isRecord, LedgerFold, parseCompletionUsage, parseSpendRecord, type FoldOptions, type LedgerEvent, resolveFoldOptions,
} from './spendLedger';

export const SNAPSHOT_VERSION = 2;

/** The snapshot file's content. */
export interface LedgerSnapshot {
  readonly version: typeof SNAPSHOT_VERSION;
  /** Changes with every write, so a reader can tell a new snapshot from the one it read. */
  readonly generation: string;
  readonly writtenAt: number;
  /** Bytes folded per segment file name. A segment not listed is unfolded from its first byte. */
  readonly folded: Readonly<Record<string, number>>;
  readonly ledger: LedgerFold;
}

export type SnapshotRead =
  | { readonly kind: 'ok'; readonly snapshot: LedgerSnapshot }
  | { readonly kind: 'unreadable' }
  | { readonly kind: 'newer'; readonly version: number };

export const SEGMENT_PATTERN = /^seg-[0-9a-z]+-[0-9a-f]+\.jsonl$/;

/** A segment file name: creation time and writer, so names never collide and sort by age. */
export function segmentName(createdAt: number, writer: string): string {
  return `seg-${Math.max(0, Math.floor(createdAt)).toString(36)}-${writer.replace(/[^0-9a-f]/g, '').slice(0, 16) || '0'}.jsonl`;
}

/**
 * One event as a log line (with its `\n`). A build that does not know a line's `type` (a `completionUsage`
 * line read by a build from before completions were counted) skips it as unreadable, and counts the rest.
 */
export function encodeEvent(event: LedgerEvent): string {
  const body = event.type === 'record'
    ? { type: 'record', ...event.record }
    : event.type === 'resetSession' ? { type: 'resetSession', id: event.reset.id, at: event.reset.at } : { type: 'completionUsage', ...event.usage };
  return `${JSON.stringify(body)}\n`;
}

/** One log line back to an event; undefined when it is not a valid event. */
export function parseEventLine(line: string): LedgerEvent | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (!isRecord(raw)) {
    return undefined;
  }
  if (raw.type === 'resetSession') {
    const { id, at } = raw;
    return typeof id === 'string' && id !== '' && typeof at === 'number' && Number.isFinite(at) && at >= 0
      ? { type: 'resetSession', reset: { id, at } }
      : undefined;
  }
  if (raw.type === 'record') {
    const record = parseSpendRecord(raw); // Builds a fresh record from its fields: `type` is left behind.
    return record ? { type: 'record', record } : undefined;
  }
  if (raw.type === 'completionUsage') {
    const usage = parseCompletionUsage(raw); // Builds a fresh event from its fields, as a record.
    return usage ? { type: 'completionUsage', usage } : undefined;
  }
  return undefined; // An event type this build does not know (a newer one's): skipped, never fatal.
}

export interface ScannedLine {
  /** Byte offsets of the line in the segment, `end` past its `\n`. */
  readonly start: number;
  readonly end: number;
  /** Undefined: a complete line that is not a valid event (garbage, a torn write followed by more). */
  readonly event: LedgerEvent | undefined;
}

export interface Scan {
  readonly lines: readonly ScannedLine[];
  /** Offset just past the last `\n`: bytes beyond it are an unfinished (or torn) last line. */
  readonly complete: number;
  /** Bytes after `complete`. */
  readonly tail: number;
}

const NEWLINE = 0x0a;
const decoder = new TextDecoder('utf-8', { fatal: false });

/** Splits `bytes` (the segment from byte `from` on) into complete lines and parses each. Never throws. */
export function scanSegment(bytes: Uint8Array, from = 0): Scan {
  const lines: ScannedLine[] = [];
  let lineStart = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] !== NEWLINE) continue;
    if (i > lineStart) {
      const text = decoder.decode(bytes.subarray(lineStart, i)).trim();
      if (text !== '') lines.push({ start: from + lineStart, end: from + i + 1, event: parseEventLine(text) });
    }
    lineStart = i + 1;
  }
  return { lines, complete: from + lineStart, tail: bytes.length - lineStart };
}

/** The snapshot as file text. */
export function serializeSnapshot(snapshot: LedgerSnapshot): string {
  return `${JSON.stringify({
    version: snapshot.version,
    generation: snapshot.generation,
    writtenAt: snapshot.writtenAt,
    folded: snapshot.folded,
    ledger: snapshot.ledger.toJSON(),
  })}\n`;
}

/** The snapshot file's text back; never throws. */
export function parseSnapshot(text: string, options: FoldOptions = {}): SnapshotRead {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'unreadable' };
  }
  if (!isRecord(raw) || typeof raw.version !== 'number') {
    return { kind: 'unreadable' };
  }
  if (raw.version > SNAPSHOT_VERSION) {
    return { kind: 'newer', version: raw.version };
  }
  if (raw.version !== SNAPSHOT_VERSION || typeof raw.generation !== 'string' || typeof raw.writtenAt !== 'number' || !isRecord(raw.folded)) {
    return { kind: 'unreadable' };
  }
  const folded: Record<string, number> = {};
  for (const [name, offset] of Object.entries(raw.folded)) {
    if (!SEGMENT_PATTERN.test(name) || typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) {
      return { kind: 'unreadable' };
    }
    folded[name] = offset;
  }
  const ledger = LedgerFold.parse(raw.ledger, resolveFoldOptions(options));
  if (!ledger) {
    return { kind: 'unreadable' };
  }
  return { kind: 'ok', snapshot: { version: SNAPSHOT_VERSION, generation: raw.generation, writtenAt: raw.writtenAt, folded, ledger } };
}

/** A segment as a compaction sees it. */
export interface SegmentContent {
  readonly name: string;
  /** Its size when read. */
  readonly size: number;
  /** The bytes from the snapshot's folded offset (clamped to size) to `size`. */
  readonly bytes: Uint8Array;
  /** Milliseconds since it was last written. */
  readonly idleMs: number;
  /** This window's own current segment: never deleted by its own compaction. */
  readonly own?: boolean;
}

export interface CompactionInput {
  /** The snapshot on disk, if any. */
  readonly previous: LedgerSnapshot | undefined;
  /** Used when there is no snapshot yet: the fold to start from (the migrated version-1 ledger). */
  readonly initial?: LedgerFold;
  readonly segments: readonly SegmentContent[];
  /** Events at or after this time stay unfolded (a window may still be writing events just before it). */
  readonly cutoff: number;
  /** A segment idle this long is no longer written: fold all of it, then delete it. */
  readonly deadAfterMs: number;
  readonly generation: string;
  readonly now: number;
  readonly options?: FoldOptions;
}

export interface CompactionPlan {
  readonly snapshot: LedgerSnapshot;
  /** Segments fully folded and no longer written: delete them after the snapshot is in place. */
  readonly remove: readonly string[];
  /** Events folded by this compaction. */
  readonly foldedEvents: number;
  /** Whether anything changed (if not, there is no need to write). */
  readonly changed: boolean;
  /** Bad lines skipped, for the log. */
  readonly warnings: readonly string[];
}

/** Where the folded part of a segment ends, given the snapshot. */
export function foldedOffset(snapshot: LedgerSnapshot | undefined, name: string, size: number): number {
  return Math.min(snapshot?.folded[name] ?? 0, size);
}

/** What a compaction writes and deletes. Pure: the caller reads the files and carries the plan out. */
export function planCompaction(input: CompactionInput): CompactionPlan {
  const options = resolveFoldOptions(input.options);
  const { previous } = input;
  const fold = (previous?.ledger ?? input.initial ?? LedgerFold.empty()).clone();
  const folded: Record<string, number> = {};
  const remove: string[] = [];
  const warnings: string[] = [];
  const events: LedgerEvent[] = [];
  const seen = new Set<string>();
  let changed = previous === undefined;
  for (const segment of input.segments) {
    const from = foldedOffset(previous, segment.name, segment.size);
    const dead = !segment.own && segment.idleMs > input.deadAfterMs;
    const scan = scanSegment(segment.bytes, from);
    let offset = from;
    for (const line of scan.lines) {
      if (line.event && !dead && eventAt(line.event) >= input.cutoff) {
        break; // Keep order: this and everything after it stay unfolded.
      }
      if (!line.event) {
        warnings.push(`skipped an unreadable spend record in ${segment.name} at byte ${line.start}`);
      } else if (!seen.has(eventId(line.event))) {
        seen.add(eventId(line.event));
        events.push(line.event);
      }
      offset = line.end;
    }
    if (dead && offset === scan.complete && scan.tail > 0) {
      warnings.push(`skipped a torn last spend record (${scan.tail} bytes) at the end of ${segment.name}`);
      offset = segment.size;
    }
    if (dead && offset >= segment.size) {
      remove.push(segment.name);
      changed = true;
      continue;
    }
    folded[segment.name] = offset;
    changed ||= offset !== (previous?.folded[segment.name] ?? 0);
  }
  // Entries for segments that are gone are dropped.
  if (previous && Object.keys(previous.folded).some((name) => !(name in folded))) {
    changed = true;
  }
  events.sort(compareEvents);
  let foldedEvents = 0;
  for (const event of events) {
    if (fold.apply(event, options)) foldedEvents += 1;
  }
  changed ||= events.length > 0;
  return {
    snapshot: { version: SNAPSHOT_VERSION, generation: input.generation, writtenAt: input.now, folded, ledger: fold },
    remove,
    foldedEvents,
    changed,
    warnings,
  };
}
