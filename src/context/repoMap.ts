import { estimateTokens } from '../core/tokenEstimate';
import { Slicer, sortInSlices } from './cooperative';
import { languageForPath } from './languages';
import { compareStrings, type Declaration } from './types';

/**
 * The repo map: source files sorted by path, each followed by its top-level declarations' signatures
 * (class members one level deeper), fitted to a token budget.
 *
 * ```
 * packages/core/ (212 more files)
 * packages/core/src/index.ts
 *   export function report(count: number): string
 * packages/core/src/shapes.ts
 *   export class Circle implements Shape
 *     area(): number
 * scripts/build.ts
 * ```
 *
 * When every path and every signature fits, that is the whole map. Otherwise (deterministic):
 *  1. Files are ranked: tier (`importanceTier`: ordinary sources, then tests/examples/docs/vendored, then
 *     generated — which never get signatures), then `rank` descending (e.g. `rankFiles` scores over the
 *     import graph), then shallower paths, then smaller size classes, then path.
 *  2. The files are summarised by folder at the deepest granularity whose summary of all of them fits in
 *     `1 − maxSignatureShare` of the budget: every path, or folders cut at depth D, D − 1, … 1
 *     (`packages/babel-core/src/ (34 more files)`; a folder left with one file shows that file's path; files
 *     at the root are `./ (N more files)`); if even depth 1 does not fit, one `(N more files not shown)` line.
 *     This choice depends on the paths only, never on signatures.
 *  3. Signatures go to files in rank order while they fit beside the summary: a file whose lines do not fit
 *     is skipped for the next one. A file with signatures is listed by path with its lines and leaves its
 *     folder's count. Only files that may still fit are parsed, and the search stops after `MAX_MISSES`
 *     files in a row did not fit, or after the first `max(64, budget / 16)` files in rank order, so the cost
 *     of a map is bounded by the budget, not the workspace.
 *  4. If room is left, the summary of the files still without signatures is deepened to the deepest
 *     granularity that fits.
 * Lines are then sorted by path (a folder line `dir/ (…)` sorts just before the files in it).
 *
 * The text depends only on the files, their contents and `rank`: the same workspace gives byte-identical
 * output, whatever order the files come in. Stability, for the prompt cache: the ranking and step 2 do not
 * depend on signatures, and each decision in step 3 only depends on the room left, so a change to one file's
 * signatures changes only that file's lines (a body edit, which changes none, changes nothing) unless it
 * crosses a budget boundary: it grows by more than the room left at the end (and, the room being nearly
 * spent, may then also rule out a later file without parsing it), or it shrinks enough that a skipped file's
 * signatures or a deeper summary now fit, or the edit moves the file to another size class or changes
 * `rank`. A new or deleted file changes its folder's count, and possibly more.
 */

export interface RepoMapFile {
  readonly path: string;
  readonly size: number;
}

export interface RepoMapOptions<F extends RepoMapFile> {
  readonly tokenBudget: number;
  /** Declarations of a file (called only for files whose signatures may fit). */
  readonly declarationsOf: (file: F) => Promise<readonly Declaration[]> | readonly Declaration[];
  /** Signature lines per file at most (members included; default 24); the rest become `  … (N more)`. */
  readonly maxSignaturesPerFile?: number;
  /** Importance of a file (higher first; e.g. its `rankFiles` score; NaN counts as 0). Absent: all tie. */
  readonly rank?: (path: string) => number;
  /**
   * The largest share of the budget signatures may take from the folder summary (default 0.75): the summary's
   * granularity is chosen to fit in the rest. Signatures then take whatever the summary leaves.
   */
  readonly maxSignatureShare?: number;
  /** Yields between slices of work (a map of 100,000 files must not hold the event loop); none when absent. */
  readonly slicer?: Slicer;
}

export interface RepoMap {
  readonly text: string;
  /** `estimateTokens(text)`; never more than the budget. */
  readonly tokens: number;
  /** Files listed by path / listed with signatures / not listed by path (counted in a folder or last line). */
  readonly files: number;
  readonly filesWithSignatures: number;
  readonly omittedFiles: number;
}

const SECONDARY_SEGMENT = /^(?:tests?|__tests__|__mocks__|specs?|testing|fixtures?|e2e|examples?|samples?|demos?|docs?|bench(?:marks?)?|vendor|third[_-]?party|external|deps)$/i;
const TEST_FILE = /(?:[._-](?:test|spec|tests|bench)\.[^/]+$|_test\.go$|^test_[^/]*\.py$|Tests?\.(?:java|cs)$)/;
const GENERATED_FILE = /(?:\.min\.js$|\.pb\.go$|_pb2\.py$|\.g\.cs$|\.generated\.|\.designer\.cs$)/i;

/** 0 ordinary source, 1 tests/examples/docs/vendored, 2 generated or minified. */
export function importanceTier(path: string): number {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (GENERATED_FILE.test(name) || /(?:^|\/)(?:generated|gen)\//i.test(path)) {
    return 2;
  }
  const folders = path.split('/').slice(0, -1);
  return folders.some((f) => SECONDARY_SEGMENT.test(f)) || TEST_FILE.test(name) ? 1 : 0;
}

/** Size class: ≤ 16 KB, ≤ 64 KB, ≤ 256 KB, larger. */
function sizeClass(size: number): number {
  return size <= 16_384 ? 0 : size <= 65_536 ? 1 : size <= 262_144 ? 2 : 3;
}

function depth(path: string): number {
  let n = 0;
  for (let i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
    n++;
  }
  return n;
}

/** Most important first. */
export function compareImportance(a: RepoMapFile, b: RepoMapFile): number {
  return importanceTier(a.path) - importanceTier(b.path)
    || depth(a.path) - depth(b.path)
    || sizeClass(a.size) - sizeClass(b.size)
    || compareStrings(a.path, b.path);
}

/** The signature lines of one file (without its path line), capped. */
export function signatureLines(declarations: readonly Declaration[], maxLines: number): string[] {
  const lines: string[] = [];
  for (const d of declarations) {
    lines.push(`  ${d.signature}`);
    for (const m of d.members ?? []) {
      lines.push(`    ${m.signature}`);
    }
  }
  if (lines.length > maxLines) {
    const more = lines.length - (maxLines - 1);
    return [...lines.slice(0, maxLines - 1), `  … (${more} more)`];
  }
  return lines;
}

const NOT_PLAIN_ASCII = /[^\t\n\r\u0020-\u007e]/;

/** `estimateTokens` of each line with its newline, summed (printable ASCII lines counted directly: 3 tenths a character). */
function cost(lines: readonly string[]): number {
  let total = 0;
  for (const line of lines) {
    total += NOT_PLAIN_ASCII.test(line) ? estimateTokens(`${line}\n`) : Math.ceil((3 * (line.length + 1)) / 10);
  }
  return total;
}

function omittedLine(count: number): string {
  return `(${count} more ${count === 1 ? 'file' : 'files'} not shown)`;
}

/** Default share of the budget signatures may take from the folder summary. */
const DEFAULT_SIGNATURE_SHARE = 0.75;
/** Files in a row whose signatures did not fit, after which no more are tried. */
const MAX_MISSES = 16;
/** Signature lines cost at least this much (`  x`). */
const MIN_LINES_COST = 2;
/** Granularity: every file by its path. Folder depths are 1, 2, …; 0 is the single last line. */
const EVERY_PATH = Number.POSITIVE_INFINITY;
const LAST_LINE = 0;

interface Entry<F> {
  readonly file: F;
  readonly path: string;
  readonly tier: number;
  readonly rank: number;
  /** Folders above the file. */
  readonly depth: number;
  readonly sizeClass: number;
  readonly pathCost: number;
  signed: boolean;
}

function compareEntries<F>(a: Entry<F>, b: Entry<F>): number {
  return a.tier - b.tier
    || (a.rank > b.rank ? -1 : a.rank < b.rank ? 1 : 0)
    || a.depth - b.depth
    || a.sizeClass - b.sizeClass
    || compareStrings(a.path, b.path);
}

/** The folder a file is summarised under at `level`: its folder cut to `level` segments ('' at the root). */
function groupKey(entry: Entry<unknown>, level: number): string {
  if (level === EVERY_PATH) {
    return entry.path;
  }
  if (level === LAST_LINE) {
    return '';
  }
  const cut = Math.min(level, entry.depth);
  let slash = -1;
  for (let k = 0; k < cut; k++) {
    slash = entry.path.indexOf('/', slash + 1);
  }
  return cut === 0 ? '' : entry.path.slice(0, slash);
}

/** The summary line of a group of `count` files (`sole` is the file when it is the only one). */
function groupLine(key: string, level: number, count: number, sole: Entry<unknown> | undefined): string {
  if (level === LAST_LINE) {
    return omittedLine(count);
  }
  if (count === 1 && sole) {
    return sole.path;
  }
  return `${key === '' ? '.' : key}/ (${count} more ${count === 1 ? 'file' : 'files'})`;
}

/** Cost of summarising `entries` at `level`; `Infinity` as soon as it is sure to be over `limit`. */
function summaryCost(entries: readonly Entry<unknown>[], level: number, limit: number): number {
  if (level === EVERY_PATH) {
    let total = 0;
    for (const e of entries) {
      total += e.pathCost;
    }
    return total;
  }
  if (level === LAST_LINE) {
    return entries.length === 0 ? 0 : cost([omittedLine(entries.length)]);
  }
  const groups = new Map<string, { count: number; first: Entry<unknown> }>();
  for (const e of entries) {
    const key = groupKey(e, level);
    const group = groups.get(key);
    if (group) {
      group.count++;
    } else {
      groups.set(key, { count: 1, first: e });
      if (groups.size * MIN_LINES_COST > limit) {
        return Number.POSITIVE_INFINITY;
      }
    }
  }
  let total = 0;
  for (const [key, group] of groups) {
    total += group.count === 1 ? group.first.pathCost : cost([groupLine(key, level, group.count, undefined)]);
  }
  return total;
}

interface Group<F> {
  readonly key: string;
  readonly members: Entry<F>[];
  count: number;
  cost: number;
}

/** The summary of the files without signatures at one granularity, updated as files get signatures. */
class Summary<F> {
  private readonly groups = new Map<string, Group<F>>();
  private readonly byPath = new Map<string, Group<F>>();
  cost = 0;

  constructor(entries: readonly Entry<F>[], readonly level: number) {
    for (const e of entries) {
      const key = groupKey(e, level);
      let group = this.groups.get(key);
      if (!group) {
        group = { key, members: [], count: 0, cost: 0 };
        this.groups.set(key, group);
      }
      group.members.push(e);
      group.count++;
      this.byPath.set(e.path, group);
    }
    for (const group of this.groups.values()) {
      group.cost = this.lineCost(group, undefined);
      this.cost += group.cost;
    }
  }

  groupOf(entry: Entry<F>): Group<F> {
    return this.byPath.get(entry.path)!;
  }

  /** Cost of the group's line, without `leaving` if given. */
  lineCost(group: Group<F>, leaving: Entry<F> | undefined): number {
    const count = group.count - (leaving ? 1 : 0);
    if (count === 0) {
      return 0;
    }
    const sole = count === 1 ? group.members.find((m) => !m.signed && m !== leaving) : undefined;
    return sole && this.level !== LAST_LINE ? sole.pathCost : cost([groupLine(group.key, this.level, count, sole)]);
  }

  remove(entry: Entry<F>): void {
    const group = this.groupOf(entry);
    const after = this.lineCost(group, entry);
    this.cost += after - group.cost;
    group.cost = after;
    group.count--;
  }

  /** The line of every group left, with its sort key; `path` when the line is a file's path. */
  lines(): { readonly key: string; readonly line: string; readonly path: boolean }[] {
    const out: { key: string; line: string; path: boolean }[] = [];
    for (const group of this.groups.values()) {
      if (group.count === 0) {
        continue;
      }
      const sole = group.count === 1 ? group.members.find((m) => !m.signed) : undefined;
      const line = groupLine(group.key, this.level, group.count, sole);
      const path = sole !== undefined && this.level !== LAST_LINE;
      out.push({ key: path ? sole.path : group.key === '' ? '' : `${group.key}/`, line, path });
    }
    return out;
  }
}

export async function buildRepoMap<F extends RepoMapFile>(files: readonly F[], options: RepoMapOptions<F>): Promise<RepoMap> {
  const budget = Math.max(0, Math.floor(options.tokenBudget));
  const maxLines = Math.max(2, options.maxSignaturesPerFile ?? 24);
  const requestedShare = options.maxSignatureShare ?? DEFAULT_SIGNATURE_SHARE;
  const share = Number.isNaN(requestedShare) ? DEFAULT_SIGNATURE_SHARE : Math.max(0, Math.min(1, requestedShare));
  const maxTried = Math.max(64, Math.ceil(budget / 16));
  const unique = new Map<string, F>();
  for (const f of files) {
    if (languageForPath(f.path) !== undefined && !unique.has(f.path)) {
      unique.set(f.path, f);
    }
  }
  const slicer = options.slicer ?? new Slicer(Number.POSITIVE_INFINITY);
  const entries: Entry<F>[] = [];
  for (const [path, file] of unique) {
    if ((entries.length & 1023) === 0) await slicer.pause();
    entries.push({
      file,
      path,
      tier: importanceTier(path),
      rank: options.rank ? options.rank(path) || 0 : 0,
      depth: depth(path),
      sizeClass: sizeClass(file.size),
      pathCost: cost([path]),
      signed: false,
    });
  }
  await sortInSlices(entries, compareEntries, slicer);
  const ranked = entries;

  const signatures = new Map<string, readonly string[]>();
  const linesOf = async (entry: Entry<F>): Promise<readonly string[]> => {
    let lines = signatures.get(entry.path);
    if (lines === undefined) {
      lines = signatureLines(await options.declarationsOf(entry.file), maxLines);
      signatures.set(entry.path, lines);
    }
    return lines;
  };

  // Everything fits: every path with all its signatures (generated files are listed without).
  let allPaths = 0;
  for (const e of ranked) {
    allPaths += e.pathCost;
  }
  if (allPaths <= budget) {
    let used = allPaths;
    for (const e of ranked) {
      if (e.tier >= 2 || used > budget) {
        break;
      }
      used += cost(await linesOf(e));
    }
    if (used <= budget) {
      const out: string[] = [];
      let withSignatures = 0;
      for (const e of [...ranked].sort((a, b) => compareStrings(a.path, b.path))) {
        const lines = e.tier >= 2 ? [] : signatures.get(e.path) ?? [];
        withSignatures += lines.length > 0 ? 1 : 0;
        out.push(e.path, ...lines);
      }
      return finish(out, ranked.length, withSignatures, 0);
    }
  }

  // The summary's granularity, from the paths alone.
  let maxDepth = 0;
  for (const e of ranked) {
    maxDepth = Math.max(maxDepth, e.depth);
  }
  const levels = [EVERY_PATH];
  for (let level = maxDepth; level >= 1; level--) {
    levels.push(level);
  }
  const allowance = Math.floor(budget * (1 - share));
  let level = LAST_LINE;
  for (const l of levels) {
    await slicer.pause();
    if (summaryCost(ranked, l, allowance) <= allowance) {
      level = l;
      break;
    }
  }
  let summary = new Summary(ranked, level);

  // Signatures in rank order, while they fit beside the summary: at most the first `maxTried` files, and
  // only until `MAX_MISSES` in a row did not fit (whether known from a lower bound or from a parse; a file
  // without declarations neither counts nor resets).
  let signatureCost = 0;
  let misses = 0;
  const signed: Entry<F>[] = [];
  for (const e of ranked.slice(0, maxTried)) {
    if (e.tier >= 2 || misses >= MAX_MISSES) {
      break;
    }
    const group = summary.groupOf(e);
    const base = signatureCost + e.pathCost + summary.cost - group.cost + summary.lineCost(group, e);
    const lines = base + MIN_LINES_COST > budget ? undefined : await linesOf(e);
    if (lines?.length === 0) {
      continue;
    }
    if (lines === undefined || base + cost(lines) > budget) {
      misses++;
      continue;
    }
    misses = 0;
    summary.remove(e);
    e.signed = true;
    signed.push(e);
    signatureCost += e.pathCost + cost(lines);
  }

  // Room left: the deepest summary of the rest that fits.
  const rest = ranked.filter((e) => !e.signed);
  const room = budget - signatureCost;
  const deeper = levels.find((l) => l > level && summaryCost(rest, l, room) <= room);
  if (deeper !== undefined) {
    level = deeper;
    summary = new Summary(rest, level);
  }

  const items: { key: string; lines: readonly string[] }[] = signed.map((e) => ({ key: e.path, lines: [e.path, ...signatures.get(e.path)!] }));
  let last: string | undefined;
  let listed = signed.length;
  // Only the last line can fail to fit (a budget below it); then nothing else is shown either.
  if (signatureCost + summary.cost <= budget) {
    for (const { key, line, path } of summary.lines()) {
      if (level === LAST_LINE) {
        last = line;
      } else {
        items.push({ key, lines: [line] });
        listed += path ? 1 : 0;
      }
    }
  }
  items.sort((a, b) => compareStrings(a.key, b.key));
  const out = items.flatMap((item) => item.lines);
  if (last !== undefined) {
    out.push(last);
  }
  return finish(out, listed, signed.length, ranked.length - listed);
}

function finish(out: readonly string[], files: number, filesWithSignatures: number, omittedFiles: number): RepoMap {
  const text = out.length > 0 ? `${out.join('\n')}\n` : '';
  return { text, tokens: estimateTokens(text), files, filesWithSignatures, omittedFiles };
}
