/**
 * One window's view of the spend ledger that every window shares (plain Node, no `vscode`).
 *
 * Writes: each event goes to this window's own segment, batched — a record or a completion-usage event
 * waits at most `debounceMs` (1 s), a session reset is written at once, and `dispose()` writes whatever is still pending synchronously.
 * Reads: the snapshot plus every segment's unfolded tail, then only the bytes appended since; a directory
 * watcher (and a slow poll, and `refresh()`) picks up other windows' events, merged by id. Compaction (at
 * start, then when enough events are unfolded) folds old events into the snapshot; see src/core/spendLog.ts.
 *
 * Nothing here throws at the caller: I/O failures are logged and retried, and the ledger keeps counting in
 * memory. With no directory (or one it cannot create) the ledger is this window's only.
 */
import { randomBytes } from 'crypto';
import type { FSWatcher } from 'fs';
import type { Logger } from '../core/logger';
import {
  foldedOffset, parseSnapshot, planCompaction, scanSegment, segmentName, serializeSnapshot, encodeEvent,
  type LedgerSnapshot, type SegmentContent,
} from '../core/spendLog';
import {
  LedgerFold, SpendLedger, type CompletionUsage, type LedgerEvent, type RecordInput, type SessionReset, type SpendLedgerOptions, type SpendRecord,
} from '../core/spendLedger';
import type { CompletionUsageKind } from '../core/completionStats';
import { LedgerFiles, sameStamp, type FileStamp } from './ledgerFiles';

export interface SharedLedgerOptions extends SpendLedgerOptions {
  /** The ledger's directory; undefined keeps the ledger in memory. */
  readonly dir: string | undefined;
  /** The version-1 ledger (globalState), migrated into the first snapshot written. */
  readonly legacyV1?: () => unknown;
  readonly logger: Logger;
  /** A sentence the user should see (history unreadable). */
  readonly warnUser?: (message: string) => void;
  /** Called when events from another window (or a compaction) changed the figures. */
  readonly onChange?: () => void;
  /** The file clock (mtimes), ms since the epoch. Default Date.now. */
  readonly fileNow?: () => number;
  readonly debounceMs?: number;
  readonly compactAfterEvents?: number;
  readonly minCompactIntervalMs?: number;
  readonly cutoffMs?: number;
  readonly deadAfterMs?: number;
  readonly rotateIdleMs?: number;
  readonly rotateBytes?: number;
  readonly lockStaleMs?: number;
  readonly watch?: boolean;
  readonly pollMs?: number;
}

export const LEDGER_DEFAULTS = {
  /** A record is written at most this long after it was made. */
  debounceMs: 1_000,
  /** Compact when this many events are unfolded … */
  compactAfterEvents: 500,
  /** … but not more often than this. */
  minCompactIntervalMs: 60_000,
  /** Events younger than this stay unfolded (another window may still be writing ones just older). */
  cutoffMs: 10 * 60_000,
  /** A segment not written for this long is folded whole and deleted (writers rotate after rotateIdleMs). */
  deadAfterMs: 2 * 60 * 60_000,
  /** A writer starts a new segment after this long without writing … */
  rotateIdleMs: 30 * 60_000,
  /** … or when its segment is this big. */
  rotateBytes: 1024 * 1024,
  /** A compaction lock older than this belonged to a window that died. */
  lockStaleMs: 30_000,
  /** Re-read this often even without a watcher event. */
  pollMs: 60_000,
  /** Retry a failed write after this long. */
  retryMs: 5_000,
} as const;

type Mode = 'memory' | 'shared';

const encoder = new TextEncoder();

export class SharedLedger {
  readonly ledger: SpendLedger;
  private readonly files: LedgerFiles | undefined;
  private readonly o: Required<Omit<SharedLedgerOptions, 'dir' | 'legacyV1' | 'warnUser' | 'onChange' | keyof SpendLedgerOptions>>;
  private mode: Mode;
  private pending: LedgerEvent[] = [];
  private writing: LedgerEvent[] = [];
  private segment: { name: string; size: number; lastWriteAt: number } | undefined;
  private snapshot: LedgerSnapshot | undefined;
  private snapshotStamp: FileStamp | undefined;
  /** Bytes read so far per segment (up to the last complete line). */
  private offsets = new Map<string, number>();
  private readonly warned = new Set<string>();
  private queue: Promise<unknown> = Promise.resolve();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private flushDue = Infinity;
  private refreshTimer: ReturnType<typeof setTimeout> | undefined;
  private pollTimer: ReturnType<typeof setInterval> | undefined;
  private watcher: FSWatcher | undefined;
  private lastCompactAt = -Infinity;
  private disposed = false;
  private readonly writer = randomBytes(8).toString('hex');

  constructor(private readonly options: SharedLedgerOptions) {
    this.ledger = new SpendLedger(options);
    this.files = options.dir === undefined ? undefined : new LedgerFiles(options.dir);
    this.mode = this.files ? 'shared' : 'memory';
    this.o = {
      logger: options.logger,
      fileNow: options.fileNow ?? Date.now,
      debounceMs: options.debounceMs ?? LEDGER_DEFAULTS.debounceMs,
      compactAfterEvents: options.compactAfterEvents ?? LEDGER_DEFAULTS.compactAfterEvents,
      minCompactIntervalMs: options.minCompactIntervalMs ?? LEDGER_DEFAULTS.minCompactIntervalMs,
      cutoffMs: options.cutoffMs ?? LEDGER_DEFAULTS.cutoffMs,
      deadAfterMs: options.deadAfterMs ?? LEDGER_DEFAULTS.deadAfterMs,
      rotateIdleMs: options.rotateIdleMs ?? LEDGER_DEFAULTS.rotateIdleMs,
      rotateBytes: options.rotateBytes ?? LEDGER_DEFAULTS.rotateBytes,
      lockStaleMs: options.lockStaleMs ?? LEDGER_DEFAULTS.lockStaleMs,
      watch: options.watch ?? true,
      pollMs: options.pollMs ?? LEDGER_DEFAULTS.pollMs,
    };
  }

  private get log(): Logger {
    return this.o.logger;
  }

  /** Whether the ledger is shared through the directory (false: this window's memory only). */
  get shared(): boolean {
    return this.mode === 'shared';
  }

  /** Loads the ledger (migrating version 1 on first use) and starts watching. Resolves even on failure. */
  open(): Promise<void> {
    return this.enqueue(async () => {
      if (!this.files) return;
      try {
        await this.files.ensureDir();
      } catch (err) {
        this.toMemory('could not create the spend ledger directory', err);
        return;
      }
      await this.compactNow();
      if (this.mode !== 'shared') return;
      await this.reload();
      if (this.disposed) return;
      if (this.o.watch) {
        this.watcher = this.files.watch(
          () => this.scheduleRefresh(),
          (err) => this.log.debug('spend ledger: not watching the directory', err instanceof Error ? err.message : err),
        );
      }
      if (this.o.pollMs > 0) {
        this.pollTimer = setInterval(() => this.scheduleRefresh(), this.o.pollMs);
        this.pollTimer.unref?.();
      }
    });
  }

  record(input: RecordInput): SpendRecord {
    const record = this.ledger.record(input);
    this.queueWrite({ type: 'record', record }, this.o.debounceMs);
    return record;
  }

  /**
   * Counts an inline completion shown / accepted / partly accepted, in every window: cheap enough for every
   * ghost-text display (an event in memory, written with the next batch, like a record).
   */
  recordCompletionUsage(kind: CompletionUsageKind, chars?: number): CompletionUsage {
    const usage = this.ledger.recordCompletionUsage(kind, chars);
    this.queueWrite({ type: 'completionUsage', usage }, this.o.debounceMs);
    return usage;
  }

  resetSession(): SessionReset {
    const reset = this.ledger.resetSession();
    this.queueWrite({ type: 'resetSession', reset }, 0);
    return reset;
  }

  /** Reads what other windows wrote since the last read. True when the figures changed. */
  refresh(): Promise<boolean> {
    return this.enqueue(() => this.refreshNow());
  }

  /** Writes pending events now. */
  flush(): Promise<void> {
    this.clearFlushTimer();
    return this.enqueue(() => this.flushNow());
  }

  /** Folds old events into the snapshot now (if another window is not compacting). */
  compact(): Promise<void> {
    return this.enqueue(async () => {
      await this.compactNow();
      if (this.mode === 'shared') await this.reload();
    });
  }

  /** Stops watching and writes pending events synchronously (the window may be closing). */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clearFlushTimer();
    clearTimeout(this.refreshTimer);
    clearInterval(this.pollTimer);
    this.watcher?.close();
    this.flushSync();
  }

  // ---- writing ----

  private queueWrite(event: LedgerEvent, delayMs: number): void {
    if (this.mode !== 'shared' || this.disposed) return;
    this.pending.push(event);
    this.scheduleFlush(delayMs);
  }

  private scheduleFlush(delayMs: number): void {
    const due = this.o.fileNow() + delayMs;
    if (this.flushTimer && due >= this.flushDue) return;
    this.clearFlushTimer();
    this.flushDue = due;
    this.flushTimer = setTimeout(() => {
      this.flushTimer = undefined;
      this.flushDue = Infinity;
      void this.enqueue(() => this.flushNow());
    }, delayMs);
    this.flushTimer.unref?.();
  }

  private clearFlushTimer(): void {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushDue = Infinity;
  }

  private needsNewSegment(now: number): boolean {
    const s = this.segment;
    return !s || now - s.lastWriteAt > this.o.rotateIdleMs || s.size >= this.o.rotateBytes;
  }

  private async newSegment(): Promise<{ name: string; size: number; lastWriteAt: number }> {
    const files = this.files as LedgerFiles;
    for (;;) {
      const name = segmentName(this.o.fileNow(), `${this.writer.slice(0, 8)}${randomBytes(4).toString('hex')}`);
      if (await files.createSegment(name)) {
        return { name, size: 0, lastWriteAt: this.o.fileNow() };
      }
    }
  }

  private async flushNow(): Promise<void> {
    if (this.mode !== 'shared' || this.pending.length === 0) return;
    const files = this.files as LedgerFiles;
    const batch = this.pending;
    this.pending = [];
    this.writing = batch;
    try {
      const bytes = encoder.encode(batch.map(encodeEvent).join(''));
      if (this.needsNewSegment(this.o.fileNow())) this.segment = await this.newSegment();
      let segment = this.segment as { name: string; size: number; lastWriteAt: number };
      if ((await files.append(segment.name, bytes, segment.size)) === 'moved') {
        this.log.warn(`spend ledger: ${segment.name} changed under this window; continuing in a new file`);
        segment = this.segment = await this.newSegment();
        if ((await files.append(segment.name, bytes, 0)) === 'moved') throw new Error(`${segment.name} changed while being created`);
      }
      segment.size += bytes.length;
      segment.lastWriteAt = this.o.fileNow();
    } catch (err) {
      // Keep the events; the next write goes to a new segment, so it never continues a torn line.
      this.pending = batch.concat(this.pending);
      this.segment = undefined;
      this.log.error('could not save spend records (will retry)', err);
      if (!this.disposed) this.scheduleFlush(LEDGER_DEFAULTS.retryMs);
      return;
    } finally {
      this.writing = [];
    }
    this.maybeCompact();
  }

  private flushSync(): void {
    const events = [...this.writing, ...this.pending];
    if (this.mode !== 'shared' || events.length === 0) return;
    const files = this.files as LedgerFiles;
    const bytes = encoder.encode(events.map(encodeEvent).join(''));
    try {
      const s = this.segment;
      const fresh = () => segmentName(this.o.fileNow(), `${this.writer.slice(0, 8)}${randomBytes(4).toString('hex')}`);
      // An event still being written asynchronously may land twice; readers count it once (same id).
      if (!s || this.needsNewSegment(this.o.fileNow()) || files.appendSync(s.name, bytes, s.size) === 'moved') {
        files.appendSync(fresh(), bytes, undefined);
      }
      this.pending = [];
    } catch (err) {
      this.log.error('could not save spend records while closing', err);
    }
  }

  // ---- reading ----

  private scheduleRefresh(): void {
    if (this.disposed || this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.refresh();
    }, 100);
    this.refreshTimer.unref?.();
  }

  private async refreshNow(): Promise<boolean> {
    if (this.mode !== 'shared' || this.disposed) return false;
    const files = this.files as LedgerFiles;
    try {
      if (!sameStamp(await files.snapshotStamp(), this.snapshotStamp)) {
        await this.reload();
        return true;
      }
      const events: LedgerEvent[] = [];
      for (const segment of await files.listSegments()) {
        const from = this.offsets.get(segment.name) ?? foldedOffset(this.snapshot, segment.name, segment.size);
        if (segment.size < from) {
          await this.reload(); // Rewritten by hand? Read everything again.
          return true;
        }
        if (segment.size > from) {
          events.push(...this.readEvents(segment.name, await files.readSegment(segment.name, from, segment.size), from));
        }
      }
      const added = this.ledger.add(events);
      this.maybeCompact();
      if (added.length > 0) {
        this.options.onChange?.();
        return true;
      }
      return false;
    } catch (err) {
      this.log.error('could not read the spend ledger', err);
      return false;
    }
  }

  /** Parses bytes read from `from`, advances the segment's offset past complete lines, warns once per bad line. */
  private readEvents(name: string, bytes: Uint8Array, from: number): LedgerEvent[] {
    const scan = scanSegment(bytes, from);
    this.offsets.set(name, scan.complete);
    const events: LedgerEvent[] = [];
    for (const line of scan.lines) {
      if (line.event) {
        events.push(line.event);
      } else {
        this.warnOnce(`${name}:${line.start}`, `spend ledger: skipped an unreadable record in ${name} at byte ${line.start}`);
      }
    }
    return events;
  }

  /** Reads the snapshot and every segment's unfolded part, and rebuilds the ledger from them. */
  private async reload(): Promise<void> {
    const files = this.files as LedgerFiles;
    try {
      for (let attempt = 0; ; attempt++) {
        const read = await files.readSnapshot();
        let snapshot: LedgerSnapshot | undefined;
        let base: LedgerFold | undefined;
        if (read) {
          const parsed = parseSnapshot(read.text, this.options);
          if (parsed.kind === 'ok') {
            snapshot = parsed.snapshot;
            base = snapshot.ledger;
          } else if (parsed.kind === 'newer') {
            this.toNewer(parsed.version);
            return;
          } else {
            this.warnOnce('snapshot-unreadable', 'spend ledger: the snapshot is unreadable; reading the log alone until it is set aside');
          }
        } else {
          base = LedgerFold.fromV1(this.options.legacyV1?.(), this.ledger.foldOptions).fold; // Not migrated yet: show it anyway.
        }
        this.offsets = new Map();
        const events: LedgerEvent[] = [];
        for (const segment of await files.listSegments()) {
          const from = foldedOffset(snapshot, segment.name, segment.size);
          events.push(...this.readEvents(segment.name, await files.readSegment(segment.name, from, segment.size), from));
        }
        const stamp = await files.snapshotStamp();
        if (!sameStamp(stamp, read?.stamp) && attempt < 3) {
          continue; // A compaction replaced the snapshot while the segments were read: read again.
        }
        this.snapshot = snapshot;
        this.snapshotStamp = read?.stamp;
        this.ledger.rebase(base ?? LedgerFold.empty(), [...events, ...this.writing, ...this.pending]);
        this.options.onChange?.();
        return;
      }
    } catch (err) {
      this.log.error('could not read the spend ledger', err);
    }
  }

  // ---- compaction ----

  private maybeCompact(): void {
    if (this.mode !== 'shared' || this.disposed || this.ledger.unfoldedEvents < this.o.compactAfterEvents) return;
    if (this.o.fileNow() - this.lastCompactAt < this.o.minCompactIntervalMs) return;
    this.lastCompactAt = this.o.fileNow();
    void this.enqueue(async () => {
      await this.compactNow();
      if (this.mode === 'shared') await this.reload();
    });
  }

  private async compactNow(): Promise<void> {
    if (this.mode !== 'shared') return;
    const files = this.files as LedgerFiles;
    this.lastCompactAt = this.o.fileNow();
    try {
      const held = await files.withLock(async () => {
        let read = await files.readSnapshot();
        let previous: LedgerSnapshot | undefined;
        if (read) {
          const parsed = parseSnapshot(read.text, this.options);
          if (parsed.kind === 'newer') {
            this.toNewer(parsed.version);
            return;
          }
          if (parsed.kind === 'unreadable') {
            const aside = await files.setSnapshotAside(this.o.fileNow());
            this.log.warn(`spend ledger: the snapshot was unreadable and was moved to ${aside}`);
            this.options.warnUser?.(`DeepSeek spend history was partly unreadable: older totals were set aside (${aside}); spend since then is kept.`);
            read = undefined;
          } else {
            previous = parsed.snapshot;
          }
        }
        let initial: LedgerFold | undefined;
        if (!previous) {
          const v1 = LedgerFold.fromV1(this.options.legacyV1?.(), this.ledger.foldOptions);
          if (v1.warning) {
            this.log.warn(v1.warning);
            this.options.warnUser?.(v1.warning);
          }
          initial = v1.fold;
        }
        const now = this.o.fileNow();
        const segments: SegmentContent[] = [];
        for (const s of await files.listSegments()) {
          const from = foldedOffset(previous, s.name, s.size);
          segments.push({ name: s.name, size: s.size, idleMs: now - s.mtimeMs, own: s.name === this.segment?.name, bytes: await files.readSegment(s.name, from, s.size) });
        }
        const plan = planCompaction({
          previous,
          ...(initial ? { initial } : {}),
          segments,
          cutoff: (this.options.now ?? Date.now)() - this.o.cutoffMs,
          deadAfterMs: this.o.deadAfterMs,
          generation: randomBytes(8).toString('hex'),
          now,
          options: this.options,
        });
        for (const w of plan.warnings) this.warnOnce(w, `spend ledger: ${w}`);
        if (!plan.changed) return;
        if (!(await files.replaceSnapshot(serializeSnapshot(plan.snapshot), read?.stamp))) {
          this.log.debug('spend ledger: another window replaced the snapshot first; compaction skipped');
          return;
        }
        if (!previous) {
          this.log.info(initial ? 'spend ledger: migrated the version-1 history into the shared ledger' : 'spend ledger: started the shared ledger');
        }
        for (const name of plan.remove) await files.removeSegment(name);
        this.log.debug(`spend ledger: compacted ${plan.foldedEvents} event(s), removed ${plan.remove.length} segment(s)`);
      }, this.o.lockStaleMs, this.o.fileNow);
      if (!held) this.log.debug('spend ledger: another window is compacting');
    } catch (err) {
      this.log.error('could not compact the spend ledger', err);
    }
  }

  // ---- state ----

  private toMemory(why: string, err: unknown): void {
    this.mode = 'memory';
    this.log.error(`${why}; this window's spend is kept in memory only`, err);
  }

  private toNewer(version: number): void {
    if (this.mode === 'memory') return;
    this.mode = 'memory';
    this.pending = [];
    const message = `DeepSeek spend history was saved by a newer version of DeepSeek Assistant (format ${version}); this window counts its own spend without saving it.`;
    this.log.warn(message);
    this.options.warnUser?.(message);
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.log.warn(message);
  }

  private enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.queue.then(op, op);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
