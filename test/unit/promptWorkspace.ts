/**
 * Test and benchmark helpers for the prompt builder: the sample repository (test/fixtures/sample-repo) as an
 * in-memory workspace, a simple deterministic repo map (file list + exported declarations found with a regex;
 * the product's real one comes from tree-sitter in src/context), project facts, and the context blocks a
 * surface would gather for a given editor state.
 */
import { readdirSync, readFileSync } from 'fs';
import * as path from 'path';
import { instructionsBlock, type ContextBlock } from '../../src/core/prompt';
import { REPO_ROOT } from '../harness/paths';

export const SAMPLE_REPO = path.join(REPO_ROOT, 'test', 'fixtures', 'sample-repo');

/** Workspace-relative path (forward slashes) → text. */
export type Files = Map<string, string>;

const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Every file of the sample repository, keyed by path, in code-unit order of the paths. */
export function loadSampleRepo(root: string = SAMPLE_REPO): Files {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else out.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(root);
  out.sort(byCodeUnits);
  return new Map(out.map((p) => [p, readFileSync(path.join(root, p), 'utf8')]));
}

const TS_DECLARATION = /^export\s+(?:default\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|interface|type|const|let|enum)\s+[A-Za-z_$][\w$]*/;
const PY_DECLARATION = /^(?:async\s+)?(?:def|class)\s+\w+/;

/** One declaration line: up to its body (`{`), initialiser (` = `) or Python colon, whitespace collapsed. */
function signature(line: string): string {
  let s = line.replace(/\s+/g, ' ').trim();
  s = s.replace(/\s*\{\s*$/, '').replace(/:\s*$/, '');
  const eq = s.search(/ =( |$)/);
  if (eq > 0) s = s.slice(0, eq);
  return s;
}

/** A deterministic repository map: every file, with its top-level exported declarations indented below it. */
export function buildRepoMap(files: Files): string {
  const lines: string[] = [];
  for (const p of [...files.keys()].sort(byCodeUnits)) {
    lines.push(p);
    const text = files.get(p) ?? '';
    const isTs = p.endsWith('.ts');
    const isPy = p.endsWith('.py');
    if (!isTs && !isPy) continue;
    for (const line of text.split(/\r?\n/)) {
      if ((isTs && TS_DECLARATION.test(line)) || (isPy && PY_DECLARATION.test(line))) {
        lines.push(`  ${signature(line)}`);
      }
    }
  }
  return lines.join('\n');
}

/** Project facts from the manifest and the contributing guide. */
export function projectFacts(files: Files): string {
  const pkg = JSON.parse(files.get('package.json') ?? '{}') as {
    name?: string;
    version?: string;
    description?: string;
    scripts?: Record<string, string>;
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
    engines?: Record<string, string>;
  };
  const tsconfig = files.get('tsconfig.json') ?? '';
  const style = (files.get('CONTRIBUTING.md') ?? '').split('## Code style')[1]?.split('\n## ')[0] ?? '';
  const lines = [
    `Name: ${pkg.name ?? '?'} ${pkg.version ?? ''}`.trim(),
    `Description: ${pkg.description ?? ''}`,
    `Language: TypeScript${tsconfig.includes('"strict": true') ? ' (strict)' : ''}, CommonJS modules; Python for scripts/`,
    `Runtime: Node.js ${pkg.engines?.node ?? ''}`.trim(),
    `Runtime dependencies: ${Object.keys(pkg.dependencies ?? {}).sort(byCodeUnits).join(', ') || 'none'}`,
    `Dev dependencies: ${Object.keys(pkg.devDependencies ?? {}).sort(byCodeUnits).join(', ') || 'none'}`,
    `Tests: ${pkg.scripts?.test ?? '?'}`,
    'Scripts:',
    ...Object.keys(pkg.scripts ?? {}).sort(byCodeUnits).map((k) => `  ${k}: ${pkg.scripts?.[k]}`),
    'Conventions:',
    ...style.split('\n').filter((l) => l.startsWith('- ')).map((l) => `  ${l}`),
  ];
  return lines.join('\n');
}

/** What the editor shows: pinned, recently viewed and current file, the selection, diagnostics. */
export interface EditorState {
  readonly pinned: readonly string[];
  readonly recent: readonly string[];
  readonly current?: string;
  /** 1-based inclusive line range in the current file. */
  readonly selection?: { readonly start: number; readonly end: number };
  readonly diagnostics?: readonly string[];
}

/** Lines `start`–`end` (1-based, inclusive) of a text. */
export function lineRange(text: string, start: number, end: number): string {
  return text.split('\n').slice(start - 1, end).join('\n');
}

/** The context blocks a surface would gather for this workspace and editor state, in no particular order. */
export function workspaceBlocks(files: Files, state: EditorState, repoMap: string = buildRepoMap(files)): ContextBlock[] {
  const file = (p: string) => {
    const text = files.get(p);
    if (text === undefined) throw new Error(`no file ${p} in the workspace`);
    return text;
  };
  const blocks: ContextBlock[] = [
    instructionsBlock(),
    { kind: 'projectFacts', id: 'manifest', title: 'package.json, tsconfig.json, CONTRIBUTING.md', content: projectFacts(files) },
    { kind: 'repoMap', id: 'workspace', title: 'files and exported declarations', content: repoMap },
    ...state.pinned.map((p): ContextBlock => ({ kind: 'pinnedFile', id: p, title: p, content: file(p) })),
    ...state.recent.map((p): ContextBlock => ({ kind: 'recentFile', id: p, title: p, content: file(p) })),
  ];
  if (state.current !== undefined) {
    const text = file(state.current);
    blocks.push({ kind: 'currentFile', id: state.current, title: state.current, content: text });
    if (state.selection) {
      const { start, end } = state.selection;
      blocks.push({ kind: 'selection', id: state.current, title: `${state.current}:${start}-${end}`, content: lineRange(text, start, end) });
    }
    if (state.diagnostics && state.diagnostics.length > 0) {
      blocks.push({ kind: 'diagnostics', id: state.current, title: state.current, content: state.diagnostics.join('\n') });
    }
  }
  return blocks;
}

/** A deterministic shuffle (linear congruential generator), for order-independence tests. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed >>> 0;
  for (let i = out.length - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/** Applies a unified diff (hunks only, as produced by unifiedDiff) to `oldText`. */
export function applyUnifiedDiff(oldText: string, diff: string): string {
  const old = oldText === '' ? [] : oldText.split('\n');
  const out: string[] = [];
  let cursor = 0;
  const lines = diff === '' ? [] : diff.split('\n');
  for (let i = 0; i < lines.length; ) {
    const header = /^@@ -(\d+),(\d+) \+(\d+),(\d+) @@$/.exec(lines[i]);
    if (!header) throw new Error(`bad hunk header: ${lines[i]}`);
    const oldStart = Number(header[1]);
    const oldCount = Number(header[2]);
    const first = oldCount === 0 ? oldStart : oldStart - 1;
    out.push(...old.slice(cursor, first));
    cursor = first;
    i++;
    while (i < lines.length && !lines[i].startsWith('@@')) {
      const op = lines[i][0];
      const text = lines[i].slice(1);
      if (op === ' ') {
        if (old[cursor] !== text) throw new Error(`context mismatch at old line ${cursor + 1}`);
        out.push(text);
        cursor++;
      } else if (op === '-') {
        if (old[cursor] !== text) throw new Error(`deleted line mismatch at old line ${cursor + 1}`);
        cursor++;
      } else if (op === '+') {
        out.push(text);
      } else {
        throw new Error(`bad diff line: ${lines[i]}`);
      }
      i++;
    }
  }
  out.push(...old.slice(cursor));
  return out.join('\n');
}
