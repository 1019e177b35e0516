/**
 * The spend ledger's directory (under the extension's global storage), in plain Node `fs`, no `vscode`, so
 * unit tests use a real temporary directory. What the files mean is in src/core/spendLog.ts; this module only
 * knows how to append, read from an offset, replace the snapshot atomically and hold the compaction lock.
 */
import { randomBytes } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { SEGMENT_PATTERN } from '../core/spendLog';

export const SNAPSHOT_FILE = 'snapshot.json';
export const LOCK_FILE = 'compact.lock';

/** Enough of a file's identity to tell that it was replaced or changed. */
export interface FileStamp {
  readonly ino: number;
  readonly size: number;
  readonly mtimeMs: number;
}

export const sameStamp = (a: FileStamp | undefined, b: FileStamp | undefined): boolean =>
  a === b || (a !== undefined && b !== undefined && a.ino === b.ino && a.size === b.size && a.mtimeMs === b.mtimeMs);

export interface SegmentInfo {
  readonly name: string;
  readonly size: number;
  readonly mtimeMs: number;
}

const stampOf = (s: fs.Stats): FileStamp => ({ ino: s.ino, size: s.size, mtimeMs: s.mtimeMs });

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

export class LedgerFiles {
  constructor(readonly dir: string) {}

  private file(name: string): string {
    return path.join(this.dir, name);
  }

  async ensureDir(): Promise<void> {
    await fs.promises.mkdir(this.dir, { recursive: true });
  }

  /** The snapshot's text and stamp; undefined when there is none. */
  async readSnapshot(): Promise<{ text: string; stamp: FileStamp } | undefined> {
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.file(SNAPSHOT_FILE), 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
    try {
      const stamp = stampOf(await handle.stat());
      const text = await handle.readFile('utf8');
      return { text, stamp };
    } finally {
      await handle.close();
    }
  }

  async snapshotStamp(): Promise<FileStamp | undefined> {
    try {
      return stampOf(await fs.promises.stat(this.file(SNAPSHOT_FILE)));
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return undefined;
      throw err;
    }
  }

  /**
   * Replaces the snapshot whole: writes a temporary file, flushes it to disk, then renames it over the old one
   * (or links it into place when there was none, which fails if another window created one meanwhile).
   * Returns false, writing nothing, when the snapshot on disk is no longer the one `expected` describes.
   */
  async replaceSnapshot(text: string, expected: FileStamp | undefined): Promise<boolean> {
    const tmp = this.file(`${SNAPSHOT_FILE}.${randomBytes(6).toString('hex')}.tmp`);
    const handle = await fs.promises.open(tmp, 'wx');
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    try {
      if (expected === undefined) {
        try {
          await fs.promises.link(tmp, this.file(SNAPSHOT_FILE));
          return true;
        } catch (err) {
          if (isErrno(err, 'EEXIST')) return false;
          throw err;
        }
      }
      if (!sameStamp(await this.snapshotStamp(), expected)) {
        return false;
      }
      await fs.promises.rename(tmp, this.file(SNAPSHOT_FILE));
      return true;
    } finally {
      await fs.promises.rm(tmp, { force: true });
    }
  }

  /** Moves an unreadable snapshot out of the way (kept for the user); returns its new name. */
  async setSnapshotAside(now: number): Promise<string> {
    const name = `snapshot.unreadable-${now}.json`;
    await fs.promises.rename(this.file(SNAPSHOT_FILE), this.file(name));
    return name;
  }

  async listSegments(): Promise<SegmentInfo[]> {
    const names = (await fs.promises.readdir(this.dir)).filter((n) => SEGMENT_PATTERN.test(n)).sort();
    const segments: SegmentInfo[] = [];
    for (const name of names) {
      try {
        const s = await fs.promises.stat(this.file(name));
        segments.push({ name, size: s.size, mtimeMs: s.mtimeMs });
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err; // Deleted by a compaction since the listing: skip it.
      }
    }
    return segments;
  }

  /** Bytes [from, to) of a segment (fewer if it is shorter); empty when it is gone. */
  async readSegment(name: string, from: number, to: number): Promise<Uint8Array> {
    if (to <= from) return new Uint8Array(0);
    let handle: fs.promises.FileHandle;
    try {
      handle = await fs.promises.open(this.file(name), 'r');
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return new Uint8Array(0);
      throw err;
    }
    try {
      const buffer = Buffer.alloc(to - from);
      let read = 0;
      while (read < buffer.length) {
        const { bytesRead } = await handle.read(buffer, read, buffer.length - read, from + read);
        if (bytesRead === 0) break;
        read += bytesRead;
      }
      return buffer.subarray(0, read);
    } finally {
      await handle.close();
    }
  }

  /** Creates an empty segment; false when the name is taken. */
  async createSegment(name: string): Promise<boolean> {
    try {
      await (await fs.promises.open(this.file(name), 'wx')).close();
      return true;
    } catch (err) {
      if (isErrno(err, 'EEXIST')) return false;
      throw err;
    }
  }

  /**
   * Appends to a segment in one write, but only if it still has `expectedSize` bytes: otherwise (a torn
   * earlier write, or the file was deleted and the append would recreate it) nothing is written and the
   * caller starts a new segment.
   */
  async append(name: string, bytes: Uint8Array, expectedSize: number): Promise<'ok' | 'moved'> {
    const handle = await fs.promises.open(this.file(name), 'a');
    try {
      if ((await handle.stat()).size !== expectedSize) return 'moved';
      let written = 0;
      while (written < bytes.length) {
        const { bytesWritten } = await handle.write(bytes, written, bytes.length - written);
        written += bytesWritten;
      }
      return 'ok';
    } finally {
      await handle.close();
    }
  }

  /** The same, synchronously (for the last flush when the window closes). */
  appendSync(name: string, bytes: Uint8Array, expectedSize: number | undefined): 'ok' | 'moved' {
    const fd = fs.openSync(this.file(name), expectedSize === undefined ? 'wx' : 'a');
    try {
      if (expectedSize !== undefined && fs.fstatSync(fd).size !== expectedSize) return 'moved';
      let written = 0;
      while (written < bytes.length) {
        written += fs.writeSync(fd, bytes, written, bytes.length - written);
      }
      return 'ok';
    } finally {
      fs.closeSync(fd);
    }
  }

  async removeSegment(name: string): Promise<void> {
    await fs.promises.rm(this.file(name), { force: true });
  }

  /**
   * Runs `fn` holding the compaction lock (a file created exclusively). Undefined, without running `fn`,
   * when another window holds it; a lock older than `staleMs` (its holder died) is broken.
   */
  async withLock<T>(fn: () => Promise<T>, staleMs: number, now = Date.now): Promise<{ value: T } | undefined> {
    const lock = this.file(LOCK_FILE);
    const acquire = async (): Promise<boolean> => {
      try {
        const handle = await fs.promises.open(lock, 'wx');
        await handle.writeFile(JSON.stringify({ pid: process.pid, at: now() }));
        await handle.close();
        return true;
      } catch (err) {
        if (isErrno(err, 'EEXIST')) return false;
        throw err;
      }
    };
    if (!(await acquire())) {
      try {
        const s = await fs.promises.stat(lock);
        if (now() - s.mtimeMs <= staleMs) return undefined;
        await fs.promises.rm(lock, { force: true });
      } catch (err) {
        if (!isErrno(err, 'ENOENT')) throw err;
      }
      if (!(await acquire())) return undefined;
    }
    try {
      return { value: await fn() };
    } finally {
      await fs.promises.rm(lock, { force: true });
    }
  }

  /** Calls `onChange` when anything in the directory changes; undefined when the platform cannot watch. */
  watch(onChange: () => void, onError: (err: unknown) => void): fs.FSWatcher | undefined {
    try {
      const watcher = fs.watch(this.dir, { persistent: false }, () => onChange());
      watcher.on('error', (err) => {
        watcher.close();
        onError(err);
      });
      return watcher;
    } catch (err) {
      onError(err);
      return undefined;
    }
  }
}
