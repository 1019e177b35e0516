import * as assert from 'assert/strict';
import { buildRepoMap, compareImportance, importanceTier, type RepoMapFile } from '../../src/context/repoMap';
import type { Declaration, SymbolKind } from '../../src/context/types';
import { estimateTokens } from '../../src/core/tokenEstimate';

function decl(signature: string, kind: SymbolKind = 'function', members: string[] = []): Declaration {
  const zero = { line: 0, character: 0 };
  return {
    name: signature.split(/[ (]/)[1] ?? signature,
    kind,
    signature,
    range: { start: zero, end: zero },
    startIndex: 0,
    endIndex: 0,
    ...(members.length > 0 ? { members: members.map((m) => ({ name: m, kind: 'method' as const, signature: `${m}()`, range: { start: zero, end: zero }, startIndex: 0, endIndex: 0 })) } : {}),
  };
}

interface File extends RepoMapFile {
  readonly declarations: readonly Declaration[];
}

const FILES: readonly File[] = [
  { path: 'src/index.ts', size: 800, declarations: [decl('export function main(): void')] },
  { path: 'src/store/store.ts', size: 4_000, declarations: [decl('export class Store', 'class', ['get', 'set']), decl('export function createStore(): Store')] },
  { path: 'src/store/Émoji.ts', size: 100, declarations: [decl('export const é = () =>')] },
  { path: 'src/util/strings.ts', size: 2_000, declarations: [decl('export function pad(s: string): string'), decl('export function trim(s: string): string')] },
  { path: 'src/Zeta.ts', size: 100, declarations: [decl('export type Zeta = number', 'type')] },
  { path: 'test/store.spec.ts', size: 3_000, declarations: [decl('function fixture(): Store')] },
  { path: 'src/big/huge.ts', size: 300_000, declarations: [decl('export function huge(): void')] },
  { path: 'README.md', size: 500, declarations: [] },
];

function build(files: readonly File[], tokenBudget: number, calls?: string[]): Promise<{ text: string; tokens: number; filesWithSignatures: number; omittedFiles: number; files: number }> {
  return buildRepoMap(files, {
    tokenBudget,
    declarationsOf: (f) => {
      calls?.push(f.path);
      return f.declarations;
    },
  });
}

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let s = seed;
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

describe('context: repo map', () => {
  it('lists source files sorted by path (code-unit order) with their signatures', async () => {
    const map = await build(FILES, 10_000);
    assert.equal(map.text, [
      'src/Zeta.ts',
      '  export type Zeta = number',
      'src/big/huge.ts',
      '  export function huge(): void',
      'src/index.ts',
      '  export function main(): void',
      'src/store/store.ts',
      '  export class Store',
      '    get()',
      '    set()',
      '  export function createStore(): Store',
      'src/store/Émoji.ts',
      '  export const é = () =>',
      'src/util/strings.ts',
      '  export function pad(s: string): string',
      '  export function trim(s: string): string',
      'test/store.spec.ts',
      '  function fixture(): Store',
      '',
    ].join('\n'));
    assert.equal(map.tokens, estimateTokens(map.text));
    assert.equal(map.files, 7, 'README.md has no grammar and is not listed');
  });

  it('is byte-identical for the same files, twice and in any order', async () => {
    for (const budget of [10_000, 60, 25]) {
      const first = await build(FILES, budget);
      assert.equal((await build(FILES, budget)).text, first.text);
      for (let seed = 1; seed <= 5; seed++) {
        assert.equal((await build(shuffled(FILES, seed), budget)).text, first.text, `budget ${budget}, seed ${seed}`);
      }
    }
  });

  it('changes only the changed file’s lines when one file changes (within the budget)', async () => {
    const before = (await build(FILES, 10_000)).text.split('\n');
    const changed = FILES.map((f) => (f.path === 'src/util/strings.ts' ? { ...f, declarations: [decl('export function pad(s: string, n: number): string')] } : f));
    const after = (await build(changed, 10_000)).text.split('\n');
    const removed = before.filter((l) => !after.includes(l));
    const added = after.filter((l) => !before.includes(l));
    assert.deepEqual(removed, ['  export function pad(s: string): string', '  export function trim(s: string): string']);
    assert.deepEqual(added, ['  export function pad(s: string, n: number): string']);
  });

  it('ranks ordinary sources before tests, shallow before deep, small before large', () => {
    assert.equal(importanceTier('src/a.ts'), 0);
    assert.equal(importanceTier('test/a.ts'), 1);
    assert.equal(importanceTier('src/a.test.ts'), 1);
    assert.equal(importanceTier('pkg/a_test.go'), 1);
    assert.equal(importanceTier('tests/test_a.py'), 1);
    assert.equal(importanceTier('src/FooTest.java'), 1);
    assert.equal(importanceTier('web/vendor.min.js'), 2);
    const ranked = [...FILES].sort(compareImportance).map((f) => f.path);
    assert.deepEqual(ranked, ['README.md', 'src/Zeta.ts', 'src/index.ts', 'src/store/store.ts', 'src/store/Émoji.ts', 'src/util/strings.ts', 'src/big/huge.ts', 'test/store.spec.ts']);
  });

  it('fits the budget by dropping signatures of the least important files first', async () => {
    const full = await build(FILES, 10_000);
    let previous = full.filesWithSignatures;
    for (let budget = full.tokens; budget >= 0; budget -= 3) {
      const map = await build(FILES, budget);
      assert.ok(map.tokens <= budget, `${map.tokens} > ${budget}`);
      assert.ok(map.filesWithSignatures <= previous, 'signatures only go as the budget shrinks');
      previous = map.filesWithSignatures;
    }
    // Paths cost 7 × ~6 tokens; a budget just above that keeps all paths and the most important signatures.
    const paths = FILES.filter((f) => f.path.endsWith('.ts')).reduce((n, f) => n + estimateTokens(`${f.path}\n`), 0);
    const tight = await build(FILES, paths + 10);
    assert.equal(tight.files, 7, 'every path is kept');
    assert.ok(tight.text.includes('  export type Zeta = number'), 'the most important file keeps its signatures');
    assert.ok(!tight.text.includes('function fixture'), 'the test file loses its signatures first');
    assert.ok(!tight.text.includes('pad(s'), 'deep files lose theirs before shallow ones');
  });

  it('then drops whole files, least important first, and says how many', async () => {
    const map = await build(FILES, 20);
    assert.ok(map.tokens <= 20);
    assert.equal(map.filesWithSignatures, 0);
    assert.ok(map.omittedFiles > 0);
    assert.match(map.text, /\(\d+ more files? not shown\)\n$/);
    assert.ok(map.text.startsWith('src/Zeta.ts\n'), map.text);
    assert.ok(!map.text.includes('test/store.spec.ts'));
    assert.equal(await build(FILES, 0).then((m) => m.text), '');
    assert.equal(await build([], 100).then((m) => m.text), '');
  });

  it('parses only the files whose signatures can fit', async () => {
    const calls: string[] = [];
    await build(FILES, 60, calls);
    assert.ok(calls.length < 7, `asked for ${calls.join(', ')}`);
    assert.equal(calls[0], 'src/Zeta.ts', 'most important first');
    const none: string[] = [];
    await build(FILES, 20, none);
    assert.deepEqual(none, [], 'no signatures fit: nothing is parsed');
  });

  it('caps the signatures of one file and marks the boundary file', async () => {
    const many = Array.from({ length: 40 }, (_, i) => decl(`export function f${String(i).padStart(2, '0')}(): void`));
    const map = await buildRepoMap([{ path: 'a.ts', size: 10, declarations: many }], {
      tokenBudget: 10_000,
      declarationsOf: (f: { declarations: readonly Declaration[] }) => f.declarations,
      maxSignaturesPerFile: 10,
    });
    const lines = map.text.trimEnd().split('\n');
    assert.equal(lines.length, 11);
    assert.equal(lines[10], '  … (31 more)');
    const boundary = await build([{ path: 'a.ts', size: 10, declarations: many.slice(0, 20) }], 40);
    assert.ok(boundary.text.trimEnd().endsWith('  …'), boundary.text);
    assert.ok(boundary.tokens <= 40);
  });
});
