import * as assert from 'assert/strict';
import { rankFiles, rankFilesAsync } from '../../src/context/repoRank';

type Graph = Readonly<Record<string, readonly string[]>>;

function edgesOf(graph: Graph): (path: string) => readonly string[] {
  return (path) => graph[path] ?? [];
}

function close(actual: number | undefined, expected: number, what: string): void {
  assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-7, `${what}: ${actual} ≠ ${expected}`);
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

/** A random graph of `n` files and about `edges` references, most pointing at a few popular files. */
function randomGraph(n: number, edges: number, seed: number): { paths: string[]; graph: Map<string, string[]> } {
  const paths = Array.from({ length: n }, (_, i) => `packages/p${i % 97}/src/d${i % 13}/f${i}.ts`);
  const graph = new Map<string, string[]>(paths.map((p) => [p, []]));
  let s = seed;
  const next = (): number => (s = (s * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
  for (let e = 0; e < edges; e++) {
    graph.get(paths[Math.floor(next() * n)])!.push(paths[Math.floor(next() ** 3 * n)]);
  }
  return { paths, graph };
}

describe('context: repo rank (PageRank over references)', () => {
  it('matches hand-solved PageRank values (damping 0.85)', () => {
    // a → b, b references nothing: its mass is spread evenly. r_a = 0.075 + 0.425 r_b, r_a + r_b = 1.
    const pair = rankFiles(['a', 'b'], edgesOf({ a: ['b'] }), { iterations: 100 });
    close(pair.get('a'), 0.5 / 1.425, 'a');
    close(pair.get('b'), 1 - 0.5 / 1.425, 'b');

    // A cycle: every file the same.
    const cycle = rankFiles(['a', 'b', 'c'], edgesOf({ a: ['b'], b: ['c'], c: ['a'] }), { iterations: 100 });
    for (const p of ['a', 'b', 'c']) {
      close(cycle.get(p), 1 / 3, p);
    }

    // The classic a → b, a → c, b → c, c → a: r_a = 0.05 + 0.85 r_c, r_b = 0.05 + 0.425 r_a,
    // r_c = 0.05 + 0.85 (r_a / 2 + r_b) = 0.0925 + 0.78625 r_a, so r_a = 0.128625 / 0.3316875.
    const classic = rankFiles(['a', 'b', 'c'], edgesOf({ a: ['b', 'c'], b: ['c'], c: ['a'] }), { iterations: 100 });
    const ra = 0.128625 / 0.3316875;
    close(classic.get('a'), ra, 'a');
    close(classic.get('b'), 0.05 + 0.425 * ra, 'b');
    close(classic.get('c'), 0.0925 + 0.78625 * ra, 'c');

    // A star: three files reference a hub that references nothing. x = 0.0375 + 0.2125 y, 3x + y = 1.
    const star = rankFiles(['hub', 'x1', 'x2', 'x3'], edgesOf({ x1: ['hub'], x2: ['hub'], x3: ['hub'] }), { iterations: 100 });
    const hub = 0.8875 / 1.6375;
    close(star.get('hub'), hub, 'hub');
    for (const p of ['x1', 'x2', 'x3']) {
      close(star.get(p), 0.0375 + 0.2125 * hub, p);
    }
    assert.equal(star.get('x1'), star.get('x3'), 'symmetric files tie exactly');
  });

  it('ignores self-edges, duplicate edges and edges to unknown paths; counts a path once', () => {
    const plain = rankFiles(['a', 'b'], edgesOf({ a: ['b'] }));
    const noisy = rankFiles(['b', 'a', 'b'], edgesOf({ a: ['b', 'b', 'a', 'nowhere', 'b'], b: ['b'] }));
    assert.deepEqual([...noisy], [...plain]);
    assert.equal(noisy.size, 2);
  });

  it('spreads the mass of files that reference nothing evenly', () => {
    const none = rankFiles(['c', 'a', 'b', 'd'], () => []);
    assert.deepEqual([...none], [['a', 0.25], ['b', 0.25], ['c', 0.25], ['d', 0.25]]);
    // Only dangling files but one: d → a; the rest of the mass teleports or spreads evenly.
    const scores = rankFiles(['a', 'b', 'c', 'd'], edgesOf({ d: ['a'] }), { iterations: 100 });
    close([...scores.values()].reduce((x, y) => x + y, 0), 1, 'sum');
    assert.ok(scores.get('a')! > scores.get('b')!);
    assert.equal(scores.get('b'), scores.get('c'));
    assert.equal(scores.get('b'), scores.get('d'), 'd gains nothing from its own reference');
  });

  it('teleports by weight', () => {
    // No edges at all: r = 0.15 p + 0.85 / n.
    const scores = rankFiles(['a', 'b'], () => [], { weightOf: (p) => (p === 'a' ? 1 : 3) });
    close(scores.get('a'), 0.15 * 0.25 + 0.425, 'a');
    close(scores.get('b'), 0.15 * 0.75 + 0.425, 'b');
    // a → b with teleport 0.2 / 0.8: r_a = 0.03 + 0.425 r_b, r_a + r_b = 1.
    const pair = rankFiles(['a', 'b'], edgesOf({ a: ['b'] }), { iterations: 100, weightOf: (p) => (p === 'a' ? 0.2 : 0.8) });
    close(pair.get('a'), 0.455 / 1.425, 'a');
    // A down-weighted test file ranks below the file it mirrors.
    const tiered = rankFiles(['src/a.ts', 'src/b.ts', 'test/a.test.ts'], edgesOf({ 'test/a.test.ts': ['src/a.ts'], 'src/b.ts': ['src/a.ts'] }), { weightOf: (p) => (p.startsWith('test/') ? 0.1 : 1) });
    assert.ok(tiered.get('test/a.test.ts')! < tiered.get('src/b.ts')!);
    // Weights that are not positive and finite count as 0; none positive means uniform.
    const bad = rankFiles(['a', 'b', 'c'], () => [], { weightOf: (p) => (p === 'a' ? Number.NaN : p === 'b' ? -1 : Number.POSITIVE_INFINITY) });
    assert.deepEqual([...bad.values()], [1 / 3, 1 / 3, 1 / 3].map((x) => Math.round(x * 3e9) / 3e9));
    const zero = rankFiles(['a', 'b'], () => [], { weightOf: () => 0 });
    assert.deepEqual([...zero.values()], [0.5, 0.5]);
  });

  it('is the same whatever order paths and edges come in, with scores on a fixed grid', () => {
    const { paths, graph } = randomGraph(2_000, 8_000, 42);
    const first = rankFiles(paths, (p) => graph.get(p) ?? []);
    assert.deepEqual([...first.keys()], [...paths].sort(), 'scores come in path order');
    for (let seed = 1; seed <= 4; seed++) {
      const edges = new Map([...graph].map(([p, targets]) => [p, shuffled(targets, seed)]));
      const again = rankFiles(shuffled(paths, seed), (p) => edges.get(p) ?? []);
      assert.deepEqual([...again], [...first], `seed ${seed}`);
    }
    const scale = paths.length * 1e9;
    for (const score of first.values()) {
      assert.ok(Math.abs(score * scale - Math.round(score * scale)) < 1e-3, `${score} is on the 1e-9 / n grid`);
    }
    close([...first.values()].reduce((x, y) => x + y, 0), 1, 'sum');
  });

  it('has an async variant that gives the same result and yields between iterations', async () => {
    const { paths, graph } = randomGraph(3_000, 12_000, 7);
    let turns = 0;
    const sliced = await rankFilesAsync(shuffled(paths, 3), (p) => graph.get(p) ?? [], { iterations: 30 }, async () => {
      turns++;
      await Promise.resolve();
    });
    assert.deepEqual([...sliced], [...rankFiles(paths, (p) => graph.get(p) ?? [], { iterations: 30 })]);
    assert.ok(turns >= 30, `${turns} turns`);
    assert.deepEqual([...(await rankFilesAsync([], () => []))], []);
  });

  it('validates its options', () => {
    assert.throws(() => rankFiles(['a'], () => [], { damping: 1 }), RangeError);
    assert.throws(() => rankFiles(['a'], () => [], { damping: Number.NaN }), RangeError);
    assert.throws(() => rankFiles(['a'], () => [], { iterations: 1.5 }), RangeError);
    assert.deepEqual([...rankFiles(['a'], () => [], { iterations: 0 })], [['a', 1]]);
    assert.equal(rankFiles([], () => []).size, 0);
  });

  it('ranks 100,000 files and 400,000 references quickly', () => {
    const { paths, graph } = randomGraph(100_000, 400_000, 1);
    const started = Date.now();
    const scores = rankFiles(shuffled(paths, 5), (p) => graph.get(p) ?? []);
    const elapsed = Date.now() - started;
    assert.equal(scores.size, 100_000);
    // About 0.2–0.3 s on a laptop; the bound only catches an accidental quadratic.
    assert.ok(elapsed < 3_000, `${elapsed} ms`);
  });
});
