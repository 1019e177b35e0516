import { estimateTokens } from '../core/tokenEstimate';
import { languageForPath } from './languages';
import { compareStrings, type Declaration } from './types';

/**
 * The repo map: source files sorted by path, each followed by its top-level declarations' signatures
 * (class members one level deeper), fitted to a token budget.
 *
 * ```
 * src/app/main.ts
 *   export function report(count: number): string
 * src/shapes/shapes.ts
 *   export class Circle implements Shape
 *     area(): number
 * (3 more files not shown)
 * ```
 *
 * Fitting (deterministic): files are ranked by importance (`compareImportance`: ordinary sources before
 * tests/examples/docs/vendored and generated files, then shallower paths, then smaller size classes, then
 * path). Signatures are dropped first, from the least important file up — the boundary file may keep the
 * first of its signatures that fit, followed by `  …`; if even the bare paths do not fit, whole files are
 * dropped from the least important up and counted in a last line. Only files in the kept signature prefix
 * are ever parsed, so the cost of a map is bounded by the budget, not the workspace.
 *
 * The text depends only on the files and their contents: the same workspace gives byte-identical output,
 * whatever order the files come in, and (within the budget) a change to one file changes only its lines.
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
}

export interface RepoMap {
  readonly text: string;
  /** `estimateTokens(text)`; never more than the budget. */
  readonly tokens: number;
  /** Files listed / listed with signatures / left out for the budget. */
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

function cost(lines: readonly string[]): number {
  let total = 0;
  for (const line of lines) {
    total += estimateTokens(`${line}\n`);
  }
  return total;
}

function omittedLine(count: number): string {
  return `(${count} more ${count === 1 ? 'file' : 'files'} not shown)`;
}

export async function buildRepoMap<F extends RepoMapFile>(files: readonly F[], options: RepoMapOptions<F>): Promise<RepoMap> {
  const budget = Math.max(0, Math.floor(options.tokenBudget));
  const maxLines = Math.max(2, options.maxSignaturesPerFile ?? 24);
  const unique = new Map<string, F>();
  for (const f of files) {
    if (languageForPath(f.path) !== undefined && !unique.has(f.path)) {
      unique.set(f.path, f);
    }
  }
  const ranked = [...unique.values()].sort(compareImportance);

  // Bare paths first: if they do not all fit, keep the most important ones and count the rest.
  const pathCosts = ranked.map((f) => cost([f.path]));
  const allPaths = pathCosts.reduce((a, b) => a + b, 0);
  let kept = ranked.length;
  let used = allPaths;
  let note = false;
  if (allPaths > budget) {
    used = 0;
    kept = 0;
    while (kept < ranked.length) {
      const reserve = cost([omittedLine(ranked.length - kept - 1)]);
      if (used + pathCosts[kept] + (kept + 1 < ranked.length ? reserve : 0) > budget) {
        break;
      }
      used += pathCosts[kept];
      kept++;
    }
    const noteCost = cost([omittedLine(ranked.length - kept)]);
    if (used + noteCost <= budget) {
      used += noteCost;
      note = true;
    }
  }

  // Then signatures, most important file first, while they fit.
  const signatures = new Map<string, string[]>();
  if (kept === ranked.length) {
    for (const file of ranked) {
      const lines = signatureLines(await options.declarationsOf(file), maxLines);
      if (lines.length === 0) {
        continue;
      }
      const needed = cost(lines);
      if (used + needed <= budget) {
        signatures.set(file.path, lines);
        used += needed;
        continue;
      }
      // The boundary file keeps the first lines that fit, then `  …`; less important files keep none.
      const partial: string[] = [];
      const ellipsis = cost(['  …']);
      for (const line of lines) {
        const lineCost = cost([line]);
        if (used + lineCost + ellipsis > budget) {
          break;
        }
        partial.push(line);
        used += lineCost;
      }
      if (partial.length > 0) {
        partial.push('  …');
        used += ellipsis;
        signatures.set(file.path, partial);
      }
      break;
    }
  }

  const shown = ranked.slice(0, kept).sort((a, b) => compareStrings(a.path, b.path));
  const out: string[] = [];
  for (const file of shown) {
    out.push(file.path, ...(signatures.get(file.path) ?? []));
  }
  if (note) {
    out.push(omittedLine(ranked.length - kept));
  }
  const text = out.length > 0 ? `${out.join('\n')}\n` : '';
  return { text, tokens: estimateTokens(text), files: kept, filesWithSignatures: signatures.size, omittedFiles: ranked.length - kept };
}
