import * as assert from 'assert/strict';
import { buildRepoMap, compareImportance, importanceTier, type RepoMap, type RepoMapFile } from '../../src/context/repoMap';
import { rankFiles } from '../../src/context/repoRank';
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

  it('fits the budget: the most important signatures that fit, then paths or folder counts', async () => {
    const full = await build(FILES, 10_000);
    for (let budget = full.tokens; budget >= 0; budget--) {
      const map = await build(FILES, budget);
      assert.ok(map.tokens <= budget, `${map.tokens} > ${budget}`);
      assert.equal(map.tokens, estimateTokens(map.text));
      assert.equal(map.files + map.omittedFiles, 7, `budget ${budget}: every file is listed or counted`);
    }
    // One token short of everything: every path stays, one file loses its signatures.
    const almost = await build(FILES, full.tokens - 1);
    assert.equal(almost.files, 7);
    assert.equal(almost.filesWithSignatures, 6);
    // Changed from the old map, which spent a budget just above the bare paths (7 × ~5 tokens) on all the
    // paths and one signature: now signatures come first and the other files are summarised by folder.
    const paths = FILES.filter((f) => f.path.endsWith('.ts')).reduce((n, f) => n + estimateTokens(`${f.path}\n`), 0);
    const tight = await build(FILES, paths + 10);
    assert.equal(tight.text, [
      'src/ (4 more files)',
      'src/Zeta.ts',
      '  export type Zeta = number',
      'src/index.ts',
      '  export function main(): void',
      'test/store.spec.ts',
      '',
    ].join('\n'));
    assert.deepEqual([tight.files, tight.filesWithSignatures, tight.omittedFiles], [3, 2, 4]);
  });

  it('summarises folders when the paths do not fit, then counts the rest in a last line', async () => {
    // Changed from the old map, which listed the most important bare paths and counted the rest.
    const map = await build(FILES, 20);
    assert.equal(map.text, 'src/ (6 more files)\ntest/store.spec.ts\n');
    assert.deepEqual([map.files, map.filesWithSignatures, map.omittedFiles], [1, 0, 6]);
    assert.equal((await build(FILES, 10)).text, '(7 more files not shown)\n');
    assert.equal(await build(FILES, 7).then((m) => m.text), '', 'not even the last line fits');
    assert.equal(await build(FILES, 0).then((m) => m.text), '');
    assert.equal(await build([], 100).then((m) => m.text), '');
  });

  it('parses only the files whose signatures can fit', async () => {
    const calls: string[] = [];
    await build(FILES, 60, calls);
    assert.ok(calls.length < 7, `asked for ${calls.join(', ')}`);
    assert.equal(calls[0], 'src/Zeta.ts', 'most important first');
    const none: string[] = [];
    await build(FILES, 10, none);
    assert.deepEqual(none, [], 'no signatures can fit: nothing is parsed');
  });

  it('caps the signatures of one file and skips a file whose signatures do not fit', async () => {
    const many = Array.from({ length: 40 }, (_, i) => decl(`export function f${String(i).padStart(2, '0')}(): void`));
    const map = await buildRepoMap([{ path: 'a.ts', size: 10, declarations: many }], {
      tokenBudget: 10_000,
      declarationsOf: (f: { declarations: readonly Declaration[] }) => f.declarations,
      maxSignaturesPerFile: 10,
    });
    const lines = map.text.trimEnd().split('\n');
    assert.equal(lines.length, 11);
    assert.equal(lines[10], '  … (31 more)');
    // A file whose signatures do not fit is skipped for the next one (the old map cut it short with `  …`).
    const skipped = await build([
      { path: 'a.ts', size: 10, declarations: many.slice(0, 20) },
      { path: 'b.ts', size: 10, declarations: [decl('export function b(): void')] },
    ], 40);
    assert.equal(skipped.text, 'a.ts\nb.ts\n  export function b(): void\n');
  });
  it('never gives generated or minified files signatures, nor parses them', async () => {
    const calls: string[] = [];
    const files = [...FILES, { path: 'web/vendor.min.js', size: 90_000, declarations: [decl('function minified(a, b)')] }];
    const map = await build(files, 10_000, calls);
    assert.ok(map.text.includes('web/vendor.min.js\n'), map.text);
    assert.ok(!map.text.includes('minified'));
    assert.ok(!calls.includes('web/vendor.min.js'));
    assert.equal(map.files, 8);
  });

  it('tries files in `rank` order within a tier; without it, shallower paths first', async () => {
    const calls: string[] = [];
    const ranked = await buildRepoMap(FILES, {
      tokenBudget: 80,
      declarationsOf: (f) => {
        calls.push(f.path);
        return f.declarations;
      },
      rank: (path) => (path === 'src/util/strings.ts' ? 2 : path === 'test/store.spec.ts' ? 9 : 1),
    });
    assert.equal(calls[0], 'src/util/strings.ts', 'the highest rank first');
    assert.equal(calls.at(-1), 'test/store.spec.ts', 'a test file still comes after ordinary files');
    assert.ok(ranked.text.includes('src/util/strings.ts\n  export function pad(s: string): string\n'), ranked.text);
    assert.ok(ranked.tokens <= 80);
    const plain: string[] = [];
    await build(FILES, 80, plain);
    assert.deepEqual(plain.slice(0, 2), ['src/Zeta.ts', 'src/index.ts']);
  });

  describe('on a 20,000-file monorepo', () => {
    interface MonoFile extends RepoMapFile {
      readonly declarations: readonly Declaration[];
    }

    /**
     * 120 packages: sources that import `babel-types` (every one), `babel-traverse` (a third) and two
     * siblings, each package's barrel `src/index.ts` (no declarations) importing them; test fixtures and a
     * test importing the barrel; minified bundles; a large root `Makefile.js` that nothing imports.
     */
    function monorepo(count: number): { files: MonoFile[]; imports: Map<string, string[]> } {
      const files: MonoFile[] = [];
      const imports = new Map<string, string[]>();
      let s = 7;
      const rnd = (n: number): number => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) % n;
      const add = (path: string, size: number, declarations: number, deps: string[] = []): void => {
        const name = path.slice(path.lastIndexOf('/') + 1).replace(/\W/g, '_');
        files.push({ path, size, declarations: Array.from({ length: declarations }, (_, i) => decl(`export function ${name}${i}(value: string, options?: Options): Result`)) });
        imports.set(path, deps);
      };
      const types = 'packages/babel-types/src/index.ts';
      const traverse = 'packages/babel-traverse/src/index.ts';
      add('Makefile.js', 400_000, 40);
      add('babel.config.js', 2_000, 2);
      add(types, 30_000, 12);
      add(traverse, 20_000, 8, [types]);
      const packages = Array.from({ length: 120 }, (_, i) => `packages/babel-pkg-${String(i).padStart(3, '0')}`);
      const sources = new Map(packages.map((p) => [p, [] as string[]]));
      for (let i = 0; files.length < count - packages.length; i++) {
        const pkg = packages[i % packages.length];
        const n = Math.floor(i / packages.length);
        const kind = n % 6;
        if (kind < 2) {
          const siblings = sources.get(pkg)!;
          const path = `${pkg}/src/${n % 3 === 0 ? '' : `dir${n % 4}/`}file${n}.ts`;
          add(path, 1_000 + rnd(14_000), 1 + rnd(5), [types, ...(rnd(3) === 0 ? [traverse] : []), ...(siblings.length > 0 ? [siblings[rnd(siblings.length)], siblings[rnd(siblings.length)]] : [])]);
          siblings.push(path);
        } else if (kind < 5) {
          add(`${pkg}/test/fixtures/case${n}/input.js`, 200, rnd(2), [`${pkg}/src/index.ts`]);
        } else {
          add(`${pkg}/lib/bundle${n}.min.js`, 90_000, 30);
        }
      }
      for (const pkg of packages) {
        add(`${pkg}/src/index.ts`, 300, 0, sources.get(pkg));
      }
      return { files, imports };
    }

    const { files: MONO, imports } = monorepo(20_000);
    const weights = [1, 0.1, 0.01];
    const ranks = rankFiles(MONO.map((f) => f.path), (p) => imports.get(p) ?? [], { weightOf: (p) => weights[importanceTier(p)] });

    function mono(files: readonly MonoFile[], tokenBudget = 4_096, calls?: string[], maxSignatureShare?: number): Promise<RepoMap> {
      return buildRepoMap(files, {
        tokenBudget,
        rank: (p) => ranks.get(p) ?? 0,
        declarationsOf: (f) => {
          calls?.push(f.path);
          return f.declarations;
        },
        ...(maxSignatureShare === undefined ? {} : { maxSignatureShare }),
      });
    }

    /** Sort key of a map line: a file's path, `dir/` for a folder line, '' for the root folder. */
    function keyOf(line: string): string {
      const folder = /^(.*)\/ \(\d+ more files?\)$/.exec(line);
      return folder ? (folder[1] === '.' ? '' : `${folder[1]}/`) : line;
    }

    it('gives the hub files signatures, summarises the rest by folder, and stays in budget', async () => {
      const calls: string[] = [];
      const started = Date.now();
      const map = await mono(MONO, 4_096, calls);
      const elapsed = Date.now() - started;
      assert.ok(map.tokens <= 4_096, `${map.tokens}`);
      assert.ok(map.tokens > 3_800, `the budget is used: ${map.tokens}`);
      assert.equal(map.tokens, estimateTokens(map.text));
      assert.ok(map.text.includes('packages/babel-types/src/index.ts\n  export function index_ts0('), 'the most imported file has its signatures');
      assert.ok(map.text.includes('packages/babel-traverse/src/index.ts\n  export function index_ts0('));
      assert.ok(!map.text.includes('Makefile_js'), 'a big root file nothing imports does not');
      assert.match(map.text, /^packages\/ \(\d+ more files\)$/m, 'folders are summarised');
      assert.ok(map.filesWithSignatures >= 30, `${map.filesWithSignatures} files with signatures`);
      assert.equal(map.files + map.omittedFiles, 20_000);
      assert.ok(calls.length < 300, `${calls.length} parses`);
      assert.ok(!calls.some((p) => p.endsWith('.min.js')), 'generated files are never parsed');
      assert.ok(!/^ {2}export function bundle/m.test(map.text), 'nor given signatures');
      assert.ok(elapsed < 5_000, `${elapsed} ms`);

      const keys = map.text.trimEnd().split('\n').filter((l) => !l.startsWith(' ')).map(keyOf);
      assert.deepEqual(keys, [...keys].sort(), 'files and folder lines in path order');
    });

    it('never exceeds the budget, whatever the budget and share', async () => {
      for (const budget of [0, 40, 300, 1_000, 2_500, 8_192, 30_000]) {
        for (const share of [0, 0.5, 1]) {
          const map = await mono(MONO, budget, undefined, share);
          assert.ok(map.tokens <= budget, `budget ${budget}, share ${share}: ${map.tokens}`);
          assert.equal(map.files + map.omittedFiles, 20_000);
        }
      }
      // A smaller signature share leaves the summary room for a finer granularity.
      const coarse = await mono(MONO, 4_096, undefined, 0.9);
      const fine = await mono(MONO, 4_096, undefined, 0.4);
      assert.match(fine.text, /^packages\/babel-pkg-000\/ \(\d+ more files\)$/m);
      assert.ok(!/^packages\/babel-pkg-000\/ /m.test(coarse.text));
      assert.ok(fine.filesWithSignatures < coarse.filesWithSignatures);
    });

    it('is byte-identical whatever order the files come in', async () => {
      const first = (await mono(MONO)).text;
      for (const seed of [3, 11]) {
        assert.equal((await mono(shuffled(MONO, seed))).text, first, `seed ${seed}`);
      }
    });

    it('changes only the edited file’s lines when one file changes', async () => {
      const calls: string[] = [];
      const before = await mono(MONO, 4_096, calls);
      const lines = before.text.split('\n');
      const signed = MONO.filter((f) => lines.includes(f.path) && lines[lines.indexOf(f.path) + 1]?.startsWith('  '));
      const target = signed[Math.floor(signed.length / 2)];

      // A body edit: a new size (same size class), the same declarations.
      const bodyEdit = MONO.map((f) => (f === target ? { ...f, size: f.size + 37 } : f));
      assert.equal((await mono(bodyEdit)).text, before.text);

      // A signature edit of the same cost (`value` → `input`): only that line changes.
      const renamed = target.declarations.map((d, i) => (i === 0 ? { ...d, signature: d.signature.replace('value', 'input') } : d));
      const after = (await mono(MONO.map((f) => (f === target ? { ...f, declarations: renamed } : f)))).text.split('\n');
      assert.equal(after.length, lines.length);
      const changed = lines.map((l, i) => (l === after[i] ? -1 : i)).filter((i) => i >= 0);
      assert.deepEqual(changed, [lines.indexOf(target.path) + 1]);

      // An edit to a file that was never parsed changes nothing.
      const untouched = MONO.find((f) => importanceTier(f.path) === 0 && !calls.includes(f.path) && f.declarations.length > 0)!;
      const grown = MONO.map((f) => (f === untouched ? { ...f, declarations: [...f.declarations, decl('export function extra(): void')] } : f));
      assert.equal((await mono(grown)).text, before.text);
    });

    it('lists every path, with all signatures, when the budget allows', async () => {
      const small = MONO.filter((f) => f.path.startsWith('packages/babel-pkg-007/src/'));
      const everything = await mono(small, 1_000_000);
      const expected = [...small].sort((a, b) => (a.path < b.path ? -1 : 1)).flatMap((f) => [f.path, ...f.declarations.map((d) => `  ${d.signature}`)]);
      assert.equal(everything.text, `${expected.join('\n')}\n`);
    });
  });
});
