import { drain, lowerBound, Slicer, sortInSlices } from './cooperative';
import { matchIgnoreRules, normalizePath, parentOf, type ContextReader, type IgnoreRule, type ListedFile } from './exclusion';
import { generatedByName } from './generated';
import { compareStrings } from './types';

/**
 * The files of one workspace folder the context engine may use, kept up to date by change events.
 *
 * The walk reads at most `concurrency` folders at a time and yields to the event loop between slices of
 * work (`Slicer`), so indexing a 100,000-file tree never holds the extension host for long. It enters no
 * excluded folder (dependencies, VCS data, build output, `.gitignore`d, `files.exclude` /
 * `deepseek.context.exclude`) and stats no excluded file; names that say "generated" (lockfiles, minified
 * and bundled output, source maps) are left out without being read.
 *
 * Incremental: `noteChanged` / `noteDeleted` queue watcher events (judged synchronously from cached rules:
 * an event for ignored build output costs nothing and changes nothing), `applyPending` applies them (a
 * stat per changed path, a walk of a created folder). A `.gitignore` change re-evaluates only the
 * entries below its folder: listed files are re-checked against the new rules, entries it ignored before
 * are checked again (a folder it no longer ignores is walked), nothing else is touched.
 *
 * No silent cap: beyond `maxFiles` the files kept are those nearest the focus (open and recently edited
 * files: their folders, then the folders around them), then the shallowest; what was left out is counted
 * per folder and logged. A file named later from a left-out folder is added with its folder (`include`).
 */

export interface ListingOptions {
  /** Files indexed at most (default 200,000); see "No silent cap" above. */
  readonly maxFiles?: number;
  /** Folders read at once (default 8). */
  readonly concurrency?: number;
  /** Safety stop for pathological trees: entries visited at most (default 2,000,000). */
  readonly maxEntries?: number;
  /** Where the walk says what it left out and why. */
  readonly log?: (line: string) => void;
}

/** What `applyPending` changed: paths added, removed, and listed files whose size or mtime changed. */
export interface ListingChange {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  readonly modified: readonly string[];
}

const NO_CHANGE: ListingChange = Object.freeze({ added: [], removed: [], modified: [] });
const STAT_BATCH = 32;

const byPathOrder = (a: ListedFile, b: ListedFile): number => compareStrings(a.path, b.path);

interface Pending {
  readonly folder: string;
  readonly rules: readonly IgnoreRule[];
}

export class WorkspaceListing {
  private readonly reader: ContextReader;
  private readonly maxFiles: number;
  private readonly concurrency: number;
  private readonly maxEntries: number;
  private readonly log: (line: string) => void;
  private readonly slicer = new Slicer();
  private readonly byPath = new Map<string, ListedFile>();
  /** The listed files in path order; kept sorted by binary insertion after the first walk. */
  private sorted: ListedFile[] = [];
  /** Entries the walk skipped because of a `.gitignore` rule (path → is a folder). */
  private readonly gitignored = new Map<string, boolean>();
  /** Files left out by the cap, per folder. */
  private readonly leftOut = new Map<string, number>();
  private walked: Promise<void> | undefined;
  private focus: readonly string[] = [];
  private readonly pendingChanged = new Set<string>();
  private readonly pendingDeleted = new Set<string>();
  private readonly pendingIgnoreFolders = new Set<string>();
  private stoppedEarly = false;
  /** Bumped whenever a file is added or removed (not when one is modified). */
  setVersion = 0;

  constructor(reader: ContextReader, options: ListingOptions = {}) {
    this.reader = reader;
    this.maxFiles = options.maxFiles ?? 200_000;
    this.concurrency = Math.max(1, options.concurrency ?? 8);
    this.maxEntries = options.maxEntries ?? 2_000_000;
    this.log = options.log ?? (() => undefined);
  }

  /** Files the user works on (open, recently edited): what the cap keeps first. */
  setFocus(paths: readonly string[]): void {
    this.focus = paths.map((p) => normalizePath(p)).filter((p): p is string => p !== undefined);
  }

  /** The first walk (once; a failed walk is retried by the next call). */
  ready(): Promise<void> {
    this.walked ??= this.walkAll().catch((err: unknown) => {
      this.walked = undefined;
      throw err;
    });
    return this.walked;
  }

  get size(): number {
    return this.byPath.size;
  }

  get(path: string): ListedFile | undefined {
    return this.byPath.get(path);
  }

  has(path: string): boolean {
    return this.byPath.has(path);
  }

  /** Listed files in path order (the live array: do not modify). */
  files(): readonly ListedFile[] {
    return this.sorted;
  }

  /** Listed files under `folder` ('' for all), in path order, without copying the rest. */
  filesUnder(folder: string): readonly ListedFile[] {
    if (folder === '') return this.sorted;
    const prefix = `${folder}/`;
    const start = lowerBound(this.sorted, { path: prefix, size: 0, mtimeMs: 0 }, byPathOrder);
    let end = start;
    while (end < this.sorted.length && this.sorted[end].path.startsWith(prefix)) end++;
    return this.sorted.slice(start, end);
  }

  /** Files left out by the cap (0 when everything is listed). */
  get leftOutCount(): number {
    let n = 0;
    for (const count of this.leftOut.values()) n += count;
    return n;
  }

  /**
   * A watcher event for a created or changed path. Returns whether it may matter: false for a path the
   * cached rules exclude (build output, ignored, node_modules …), which is then dropped.
   */
  noteChanged(path: string): boolean {
    const normalized = normalizePath(path);
    if (normalized === undefined || normalized === '') return false;
    const name = normalized.slice(normalized.lastIndexOf('/') + 1);
    if (name === '.gitignore') {
      this.reader.invalidate(normalized);
      this.pendingIgnoreFolders.add(parentOf(normalized));
      return true;
    }
    this.reader.invalidate(normalized); // a manifest's folder may change what counts as build output
    if (!this.byPath.has(normalized)) {
      const verdict = this.reader.cachedVerdict(normalized);
      if (verdict && !verdict.allowed) return false;
      if (generatedByName(name)) return false;
    }
    this.pendingDeleted.delete(normalized);
    this.pendingChanged.add(normalized);
    return true;
  }

  /** A watcher event for a deleted file or folder. */
  noteDeleted(path: string): boolean {
    const normalized = normalizePath(path);
    if (normalized === undefined || normalized === '') return false;
    if (normalized.endsWith('/.gitignore') || normalized === '.gitignore') {
      this.reader.invalidate(normalized);
      this.pendingIgnoreFolders.add(parentOf(normalized));
      return true;
    }
    const listed = this.byPath.has(normalized) || this.filesUnder(normalized).length > 0;
    if (!listed) return false;
    this.pendingChanged.delete(normalized);
    this.pendingDeleted.add(normalized);
    return true;
  }

  get hasPending(): boolean {
    return this.pendingChanged.size > 0 || this.pendingDeleted.size > 0 || this.pendingIgnoreFolders.size > 0;
  }

  /** Applies queued events; returns what changed. Cost: the events, not the workspace. */
  async applyPending(): Promise<ListingChange> {
    await this.ready();
    if (!this.hasPending) return NO_CHANGE;
    const added: string[] = [];
    const removed: string[] = [];
    const modified: string[] = [];
    for (const path of [...this.pendingDeleted]) {
      this.pendingDeleted.delete(path);
      for (const file of [this.byPath.get(path), ...this.filesUnder(path)]) { // filesUnder(non-root) is a copy
        if (file && this.remove(file.path)) removed.push(file.path);
      }
      await this.slicer.pause();
    }
    const folders = [...this.pendingIgnoreFolders].sort(compareStrings);
    this.pendingIgnoreFolders.clear();
    for (const folder of folders) {
      await this.reevaluateIgnored(folder, added, removed);
    }
    const changed = [...this.pendingChanged];
    this.pendingChanged.clear();
    for (let i = 0; i < changed.length; i += STAT_BATCH) {
      const batch = changed.slice(i, i + STAT_BATCH);
      const verdicts = await Promise.all(batch.map((p) => this.reader.check(p)));
      const stats = await Promise.all(batch.map((p, k) => (verdicts[k].allowed ? this.reader.statFile(p) : Promise.resolve(undefined))));
      for (let k = 0; k < batch.length; k++) {
        const path = batch[k];
        const stat = stats[k];
        if (stat?.type === 'directory') {
          // A created folder is judged as a folder: build output beside a manifest, an ignored folder …
          if (!(await this.reader.check(path, true)).allowed) continue;
          const found: ListedFile[] = [];
          await this.walkFrom([path], found);
          for (const file of found) {
            if (this.add(file)) added.push(file.path);
          }
        } else if (stat?.type === 'file' && stat.size <= this.reader.maxFileBytes && !generatedByName(path.slice(path.lastIndexOf('/') + 1))) {
          const had = this.byPath.get(path);
          if (!had || had.size !== stat.size || had.mtimeMs !== stat.mtimeMs) {
            this.add({ path, size: stat.size, mtimeMs: stat.mtimeMs });
            (had ? modified : added).push(path);
          }
        } else if (this.remove(path)) {
          removed.push(path);
        }
      }
      await this.slicer.pause();
    }
    return { added, removed, modified };
  }

  /**
   * A file the user named (the current file, an open editor) that the cap left out: its folder is listed
   * now. Returns the paths added.
   */
  async include(path: string): Promise<string[]> {
    await this.ready();
    const folder = parentOf(path);
    if (this.byPath.has(path) || !this.leftOut.has(folder)) return [];
    this.leftOut.delete(folder);
    const found: ListedFile[] = [];
    await this.walkFolder(folder, folder === '' ? [] : await this.rulesAlong(parentOf(folder)), found, [], false);
    const added: string[] = [];
    for (const file of found) if (this.add(file)) added.push(file.path);
    this.log(`context: indexed ${added.length.toLocaleString('en-US')} files of ${folder || '.'} (left out by the cap) for ${path}`);
    return added;
  }

  private add(file: ListedFile): boolean {
    const had = this.byPath.get(file.path);
    this.byPath.set(file.path, file);
    const at = lowerBound(this.sorted, file, byPathOrder);
    if (had) {
      this.sorted[at] = file;
      return false;
    }
    this.sorted.splice(at, 0, file);
    this.setVersion++;
    return true;
  }

  private remove(path: string): boolean {
    const had = this.byPath.get(path);
    if (!had) return false;
    this.byPath.delete(path);
    const at = lowerBound(this.sorted, had, byPathOrder);
    if (this.sorted[at]?.path === path) this.sorted.splice(at, 1);
    this.setVersion++;
    return true;
  }

  /** The `.gitignore` rules that apply inside `folder`: those of the root and of every folder down to it. */
  private async rulesAlong(folder: string): Promise<readonly IgnoreRule[]> {
    const rules: IgnoreRule[] = [...(await this.reader.ignoreRulesOf(''))];
    if (folder === '') return rules;
    let at = '';
    for (const segment of folder.split('/')) {
      at = at === '' ? segment : `${at}/${segment}`;
      rules.push(...(await this.reader.ignoreRulesOf(at)));
    }
    return rules;
  }

  private async walkAll(): Promise<void> {
    const found: ListedFile[] = [];
    await this.walkFrom([''], found);
    const kept = found.length > this.maxFiles ? await this.cap(found) : found;
    await sortInSlices(kept, byPathOrder, this.slicer);
    this.sorted = kept;
    for (const file of kept) this.byPath.set(file.path, file);
    this.setVersion++;
    if (this.stoppedEarly) {
      this.log(`context: the walk stopped after ${this.maxEntries.toLocaleString('en-US')} entries; later folders are not indexed`);
    }
  }

  /** Walks the folders `roots` (already allowed) and everything allowed below them into `into`. */
  private async walkFrom(roots: readonly string[], into: ListedFile[]): Promise<void> {
    const queue: Pending[] = [];
    for (const folder of roots) queue.push({ folder, rules: folder === '' ? [] : await this.rulesAlong(parentOf(folder)) });
    let visited = 0;
    await drain(queue, this.concurrency, async ({ folder, rules }) => {
      visited += await this.walkFolder(folder, rules, into, queue, true);
      if (visited > this.maxEntries) {
        this.stoppedEarly = true;
        queue.length = 0;
      }
    });
  }

  /**
   * One folder: its allowed files (stat'ed in batches) into `into`, its allowed subfolders onto `queue` when
   * `recurse`. Returns the number of entries seen.
   */
  private async walkFolder(folder: string, inherited: readonly IgnoreRule[], into: ListedFile[], queue: Pending[], recurse: boolean): Promise<number> {
    let entries;
    try {
      entries = await this.reader.readDirectory(folder);
    } catch {
      return 0;
    }
    const hasIgnoreFile = entries.some((e) => e.name === '.gitignore' && e.type === 'file');
    const own = await this.reader.ignoreRulesOf(folder, hasIgnoreFile);
    const rules = own.length > 0 ? [...inherited, ...own] : inherited;
    const candidates: string[] = [];
    for (const entry of entries) {
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
      if (entry.type === 'directory') {
        if (!this.reader.checkName(path, true).allowed || this.reader.isBuildOutput(folder, entry.name)) continue;
        if (matchIgnoreRules(rules, path, true)) {
          this.gitignored.set(path, true);
        } else if (recurse) {
          queue.push({ folder: path, rules });
        }
      } else if (entry.type === 'file') {
        if (!this.reader.checkName(path, false).allowed || generatedByName(entry.name)) continue;
        if (matchIgnoreRules(rules, path, false)) {
          this.gitignored.set(path, false);
        } else {
          candidates.push(path);
        }
      }
      // Symbolic links and other entries are not followed.
    }
    for (let i = 0; i < candidates.length; i += STAT_BATCH) {
      const batch = candidates.slice(i, i + STAT_BATCH);
      const stats = await Promise.all(batch.map((p) => this.reader.statFile(p)));
      for (let k = 0; k < batch.length; k++) {
        const stat = stats[k];
        if (stat && stat.type === 'file' && stat.size <= this.reader.maxFileBytes) {
          into.push({ path: batch[k], size: stat.size, mtimeMs: stat.mtimeMs });
        }
      }
      await this.slicer.pause();
    }
    await this.slicer.pause();
    return entries.length;
  }

  /**
   * The `maxFiles` files nearest the focus: by how many leading folders they share with a focus file's
   * folder (more first), then depth (shallower first), then path. Logs what is left out, per folder.
   */
  private async cap(found: ListedFile[]): Promise<ListedFile[]> {
    const focusFolders = [...new Set(this.focus.map((p) => parentOf(p).split('/').filter(Boolean)))];
    const buckets = new Map<number, ListedFile[]>();
    for (let i = 0; i < found.length; i++) {
      const file = found[i];
      const segments = file.path.split('/');
      const folders = segments.length - 1;
      let shared = 0;
      for (const focus of focusFolders) {
        let n = 0;
        while (n < focus.length && n < folders && focus[n] === segments[n]) n++;
        if (n > shared) shared = n;
      }
      // Higher key first: shared folders dominate, then shallowness.
      const key = shared * 1_000 + (999 - Math.min(folders, 999));
      const bucket = buckets.get(key);
      if (bucket) bucket.push(file);
      else buckets.set(key, [file]);
      if ((i & 4095) === 0) await this.slicer.pause();
    }
    const kept: ListedFile[] = [];
    for (const key of [...buckets.keys()].sort((a, b) => b - a)) {
      const bucket = buckets.get(key) as ListedFile[];
      const room = this.maxFiles - kept.length;
      if (bucket.length <= room) {
        kept.push(...bucket);
        continue;
      }
      if (room > 0) await sortInSlices(bucket, byPathOrder, this.slicer);
      for (let i = 0; i < bucket.length; i++) {
        if (i < room) kept.push(bucket[i]);
        else this.countLeftOut(bucket[i].path);
      }
    }
    const top = [...this.leftOut].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0])).slice(0, 5);
    this.log(
      `context: ${found.length.toLocaleString('en-US')} files in the workspace, more than the ${this.maxFiles.toLocaleString('en-US')} indexed; ` +
        `kept those nearest the open files; left out ${(found.length - kept.length).toLocaleString('en-US')} in ${this.leftOut.size.toLocaleString('en-US')} folders ` +
        `(most in ${top.map(([folder, n]) => `${folder || '.'} (${n.toLocaleString('en-US')})`).join(', ')})`,
    );
    return kept;
  }

  private countLeftOut(path: string): void {
    const folder = parentOf(path);
    this.leftOut.set(folder, (this.leftOut.get(folder) ?? 0) + 1);
  }

  /**
   * A `.gitignore` in `folder` changed: listed files below it are checked against the new rules (removed
   * when now ignored), and entries ignored before are checked again (added, a folder walked, when no longer
   * ignored). Everything outside `folder` is untouched.
   */
  private async reevaluateIgnored(folder: string, added: string[], removed: string[]): Promise<void> {
    await this.rulesAlong(folder); // reads the changed file once; every check below is then synchronous
    for (const file of [...this.filesUnder(folder)]) { // a copy: removing from the live array while iterating it would skip files
      const verdict = this.reader.cachedVerdict(file.path) ?? (await this.reader.check(file.path));
      if (!verdict.allowed && verdict.reason === 'gitignore' && this.remove(file.path)) {
        removed.push(file.path);
        this.gitignored.set(file.path, false);
      }
      if (this.slicer.due) await this.slicer.pause();
    }
    const prefix = folder === '' ? '' : `${folder}/`;
    const again = [...this.gitignored].filter(([path]) => path.startsWith(prefix)).sort((a, b) => compareStrings(a[0], b[0]));
    for (const [path, isDir] of again) {
      const verdict = this.reader.cachedVerdict(path, isDir) ?? (isDir ? undefined : await this.reader.check(path));
      if (verdict && !verdict.allowed) continue;
      this.gitignored.delete(path);
      if (isDir) {
        const found: ListedFile[] = [];
        await this.walkFrom([path], found);
        for (const file of found) if (this.add(file)) added.push(file.path);
      } else {
        const stat = await this.reader.statFile(path);
        if (stat?.type === 'file' && stat.size <= this.reader.maxFileBytes && this.add({ path, size: stat.size, mtimeMs: stat.mtimeMs })) added.push(path);
      }
      if (this.slicer.due) await this.slicer.pause();
    }
  }
}
