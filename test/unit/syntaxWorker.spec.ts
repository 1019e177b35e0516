import * as assert from 'assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { Worker } from 'worker_threads';
import { ParserService, type ContentChange } from '../../src/context/parserService';
import { createSyntaxService, InProcessSyntax, WorkerSyntax, workerScriptIn, type SyntaxService } from '../../src/context/syntaxService';
import type { Position, Range } from '../../src/context/types';
import { ASSETS, FIXTURE_ROOT, REPO_ROOT } from './contextTestFs';

/** The worker as `tsc -p tsconfig.test.json` compiles it (the extension uses dist/parserWorker.js). */
const WORKER_SCRIPT = workerScriptIn(path.join(REPO_ROOT, 'out', 'src', 'context'));

const FILES = [
  'src/shapes/shapes.ts',
  'src/app/main.ts',
  'web/view.tsx',
  'web/format.js',
  'py/geometry.py',
  'go/point.go',
  'rust/src/lib.rs',
  'java/src/main/java/com/example/Account.java',
  'c/list.c',
  'c/list.h',
  'cpp/matrix.cpp',
  'cs/Inventory.cs',
];

function fixture(relative: string): string {
  return readFileSync(path.join(FIXTURE_ROOT, relative), 'utf8');
}

function at(line: number, character: number): Range {
  return { start: { line, character }, end: { line, character } };
}

function positionOf(text: string, needle: string): Position {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, `${needle} not found`);
  const before = text.slice(0, index);
  return { line: before.split('\n').length - 1, character: index - (before.lastIndexOf('\n') + 1) };
}

/** An insertion as VS Code reports it. */
function insertion(text: string, offset: number, inserted: string): ContentChange {
  const before = text.slice(0, offset);
  const position = { line: before.split('\n').length - 1, character: offset - (before.lastIndexOf('\n') + 1) };
  return { range: { start: position, end: position }, rangeOffset: offset, rangeLength: 0, text: inserted };
}

/** Like VS Code's Position and Range: the data in private fields behind getters (a structured clone loses it). */
class GetterPosition {
  constructor(
    private readonly _line: number,
    private readonly _character: number,
  ) {}
  get line(): number {
    return this._line;
  }
  get character(): number {
    return this._character;
  }
}
class GetterRange {
  private readonly _start: GetterPosition;
  private readonly _end: GetterPosition;
  constructor(range: Range) {
    this._start = new GetterPosition(range.start.line, range.start.character);
    this._end = new GetterPosition(range.end.line, range.end.character);
  }
  get start(): Position {
    return this._start;
  }
  get end(): Position {
    return this._end;
  }
}

/** ~1 MB of TypeScript: many functions with long bodies. */
function bigTypeScript(): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < 1_000_000; i++) {
    const body = Array.from({ length: 30 }, (_, j) => `  const v${j} = a * ${j} + b.length - ${i};\n`).join('');
    const part = `export function f${i}(a: number, b: string): number {\n${body}  return a + v29;\n}\n\n`;
    parts.push(part);
    size += part.length;
  }
  return parts.join('');
}

/** Runs `work` while a 2 ms interval measures the longest gap between its ticks. */
async function maxGapDuring<T>(work: () => Promise<T>): Promise<{ result: T; maxGapMs: number; totalMs: number }> {
  let last = performance.now();
  let maxGapMs = 0;
  const tick = () => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  };
  const timer = setInterval(tick, 2);
  const start = performance.now();
  try {
    const result = await work();
    tick();
    return { result, maxGapMs, totalMs: performance.now() - start };
  } finally {
    clearInterval(timer);
  }
}

describe('context: syntax service in a worker thread', function () {
  this.timeout(60_000);
  let reference: InProcessSyntax;
  let worker: WorkerSyntax;
  const errors: unknown[] = [];
  const services: SyntaxService[] = [];

  function newWorker(options: ConstructorParameters<typeof WorkerSyntax>[2] = {}): WorkerSyntax {
    const service = new WorkerSyntax(ASSETS, WORKER_SCRIPT, options);
    services.push(service);
    return service;
  }

  before(() => {
    reference = new InProcessSyntax(new ParserService(ASSETS));
    worker = newWorker({ onError: (err) => errors.push(err) });
  });

  after(() => {
    reference.dispose();
    for (const service of services) {
      service.dispose();
    }
  });

  it('gives the same declarations, enclosing symbols and identifiers as in process, in every language', async () => {
    let enclosing = 0;
    for (const file of FILES) {
      const text = fixture(file);
      const lines = text.split('\n').length;
      const selections: Range[] = [at(0, 0), at(Math.floor(lines / 4), 2), at(Math.floor(lines / 2), 4), at(Math.floor((3 * lines) / 4), 1), { start: { line: 1, character: 0 }, end: { line: Math.min(6, lines - 1), character: 3 } }];
      for (const selection of selections) {
        const [inWorker, inProcess] = await Promise.all([worker.analyse(file, text, selection, 40), reference.analyse(file, text, selection, 40)]);
        assert.ok(inWorker, `${file}: analysed`);
        assert.deepEqual(inWorker, inProcess, `${file} at ${JSON.stringify(selection)}`);
        assert.ok(inWorker.declarations.length > 0, `${file}: declarations`);
        enclosing += inWorker.enclosingSymbol ? 1 : 0;
      }
      assert.deepEqual(await worker.declarationsOnce(`once/${file}`, text), await reference.declarationsOnce(`once/${file}`, text), `${file} (declarationsOnce)`);
      assert.equal(worker.has(file), true);
    }
    assert.ok(enclosing >= FILES.length, `enclosing symbols found: ${enclosing}`);
    assert.equal(worker.inWorker, true);
    assert.deepEqual(await worker.stats(), { timedOut: 0, trees: FILES.length }, 'declarationsOnce keeps no tree');
    assert.deepEqual(errors, []);
  });

  it('works out the scope: the selection, else the enclosing symbol, else the whole line; at most maxNames names', async () => {
    const file = 'src/shapes/shapes.ts';
    const text = fixture(file);
    const inArea = positionOf(text, 'Math.PI');
    const analysis = await worker.analyse(file, text, { start: inArea, end: inArea }, 10);
    assert.ok(analysis);
    assert.equal(analysis.language, 'typescript');
    assert.equal(analysis.enclosingSymbol?.name, 'area');
    assert.deepEqual(analysis.scope, analysis.enclosingSymbol?.range);
    assert.deepEqual(analysis.identifiers, ['Math']);

    const inLoop = positionOf(text, 'sum += shape');
    const all = (await worker.analyse(file, text, at(inLoop.line, inLoop.character), 100))?.identifiers ?? [];
    assert.ok(all.length > 2, JSON.stringify(all));
    assert.deepEqual((await worker.analyse(file, text, at(inLoop.line, inLoop.character), 2))?.identifiers, all.slice(0, 2));

    const selection = { start: inArea, end: { line: inArea.line, character: inArea.character + 7 } };
    assert.deepEqual((await worker.analyse(file, text, selection, 10))?.scope, selection);

    const blank = positionOf(text, 'export type ShapeKind').line - 1;
    const outside = await worker.analyse(file, text, at(blank, 0), 10);
    assert.equal(outside?.enclosingSymbol, undefined);
    assert.deepEqual(outside?.scope, { start: { line: blank, character: 0 }, end: { line: blank + 1, character: 0 } });
  });

  it('applies edits in order (fire-and-forget) and keeps the tree; VS Code-like ranges with getters are copied', async () => {
    const file = 'edit/shapes.ts';
    let text = fixture('src/shapes/shapes.ts');
    assert.ok(await worker.analyse(file, text, at(0, 0), 10));
    const before = (await worker.stats()).trees;

    // Several events without waiting, then an analysis of the final text: it runs after every edit.
    const offsets = [text.indexOf('export function totalArea'), text.length];
    const insertions = ['export function addedFirst(): number {\n  return 1;\n}\n\n', '\nexport class AddedLast {}\n'];
    for (let i = insertions.length - 1; i >= 0; i--) {
      const change = insertion(text, offsets[i], insertions[i]);
      const next = text.slice(0, offsets[i]) + insertions[i] + text.slice(offsets[i]);
      worker.applyChanges(file, [{ ...change, range: new GetterRange(change.range) }], next.length);
      text = next;
    }
    const inside = positionOf(text, 'return 1;');
    const analysis = await worker.analyse(file, text, new GetterRange({ start: inside, end: inside }), 10);
    assert.ok(analysis);
    assert.deepEqual(analysis, await reference.analyse('fresh/shapes.ts', text, { start: inside, end: inside }, 10));
    assert.deepEqual(
      analysis.declarations.map((d) => d.name),
      ['Shape', 'ShapeKind', 'Unit', 'Circle', 'addedFirst', 'totalArea', 'describe', 'AddedLast'],
    );
    assert.equal(analysis.enclosingSymbol?.name, 'addedFirst');
    assert.equal((await worker.stats()).trees, before, 'the edited tree is still kept (a failed edit forgets it)');
  });

  it('forgets the tree when newLength does not match, and the next analysis is still right', async () => {
    const file = 'edit/point.go';
    const text = fixture('go/point.go');
    assert.ok(await worker.analyse(file, text, at(0, 0), 10));
    const trees = (await worker.stats()).trees;
    const offset = text.indexOf('func Distance');
    const added = 'func Added() {}\n\n';
    const next = text.slice(0, offset) + added + text.slice(offset);
    worker.applyChanges(file, [insertion(text, offset, added)], next.length + 1);
    assert.equal((await worker.stats()).trees, trees - 1, 'forgotten');
    const analysis = await worker.analyse(file, next, at(0, 0), 10);
    assert.deepEqual(analysis, await reference.analyse('fresh/point.go', next, at(0, 0), 10));
    assert.ok(analysis?.declarations.some((d) => d.name === 'Added'));
    assert.equal((await worker.stats()).trees, trees);
  });

  it('ignores edits for documents without a tree, and forgets on request', async () => {
    worker.applyChanges('never/parsed.ts', [insertion('', 0, 'x')], 1);
    assert.equal(worker.has('never/parsed.ts'), false);
    const file = 'forget/format.js';
    assert.ok(await worker.analyse(file, fixture('web/format.js'), at(0, 0), 10));
    const trees = (await worker.stats()).trees;
    worker.forget(file);
    assert.equal(worker.has(file), false);
    assert.equal((await worker.stats()).trees, trees - 1);
  });

  it('answers undefined for a file without a grammar', async () => {
    assert.equal(await worker.analyse('README.md', fixture('README.md'), at(0, 0), 10), undefined);
    assert.equal(await worker.declarationsOnce('README.md', fixture('README.md')), undefined);
    assert.equal(worker.has('README.md'), false);
    assert.equal(worker.inWorker, true);
  });

  it('answers an error for one call without stopping the worker', async () => {
    const errs: unknown[] = [];
    const badAssets = { ...ASSETS, grammars: { ...ASSETS.grammars, python: path.join(os.tmpdir(), 'no-such-grammar.wasm') } };
    const service = new WorkerSyntax(badAssets, WORKER_SCRIPT, { onError: (err) => errs.push(err) });
    services.push(service);
    await assert.rejects(service.analyse('a.py', 'def f():\n  pass\n', at(0, 0), 10), /no-such-grammar/);
    await service.preload(['python', 'go']); // swallowed
    assert.ok(await service.analyse('a.go', 'package a\n\nfunc F() {}\n', at(2, 6), 10));
    assert.equal(service.inWorker, true);
    assert.deepEqual(errs, []);
  });

  it('falls back in process when the worker dies: the pending and later calls answer, onError is told once', async () => {
    const errs: unknown[] = [];
    const service = newWorker({ onError: (err) => errs.push(err) });
    const ts = fixture('src/shapes/shapes.ts');
    const py = fixture('py/geometry.py');
    await service.preload(['typescript']);
    assert.ok(await service.analyse('a.ts', ts, at(20, 4), 10));
    assert.equal(service.has('a.ts'), true);

    const pending = [service.analyse('b.ts', ts, at(20, 4), 10), service.declarationsOnce('c.py', py), service.stats()];
    assert.equal((service as unknown as { pending: Map<number, unknown> }).pending.size, 3, 'none answered yet');
    await service.killWorker();
    const [analysis, declarations] = await Promise.all(pending);
    assert.deepEqual(analysis, await reference.analyse('b.ts', ts, at(20, 4), 10));
    assert.deepEqual(declarations, await reference.declarationsOnce('c.py', py));
    assert.equal(service.inWorker, false);

    // Later calls (and edits) go to the fallback, which keeps its own trees.
    assert.deepEqual(await service.analyse('a.ts', ts, at(20, 4), 10), await reference.analyse('a.ts', ts, at(20, 4), 10));
    assert.equal(service.has('a.ts'), true);
    const offset = ts.length;
    const next = `${ts}\nexport function later() {}\n`;
    service.applyChanges('a.ts', [insertion(ts, offset, next.slice(offset))], next.length);
    assert.ok((await service.analyse('a.ts', next, at(0, 0), 10))?.declarations.some((d) => d.name === 'later'));
    assert.deepEqual(await service.stats(), { timedOut: 0, trees: 2 });

    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.equal(errs.length, 1, `onError told once: ${errs.map(String).join('; ')}`);
    assert.match(String(errs[0]), /calling thread/);
  });

  it('falls back in process when the worker cannot start', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'bad-worker-'));
    try {
      const script = path.join(dir, 'parserWorker.js');
      writeFileSync(script, "throw new Error('worker boom');\n");
      const errs: unknown[] = [];
      const service = new WorkerSyntax(ASSETS, script, { onError: (err) => errs.push(err) });
      services.push(service);
      const [a, b] = await Promise.all([service.declarationsOnce('a.ts', 'export function a() {}\n'), service.analyse('b.ts', 'export function b() {}\n', at(0, 18), 5)]);
      assert.deepEqual(a?.map((d) => d.name), ['a']);
      assert.equal(b?.enclosingSymbol?.name, 'b');
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(errs.length, 1);
      assert.match(String(errs[0]), /worker boom/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('createSyntaxService: a worker when the script exists, else in process with onError told why', async () => {
    const errs: unknown[] = [];
    const inWorker = createSyntaxService(ASSETS, WORKER_SCRIPT, { onError: (err) => errs.push(err) });
    services.push(inWorker);
    assert.ok(inWorker instanceof WorkerSyntax);
    assert.equal(errs.length, 0);
    const missing = createSyntaxService(ASSETS, path.join(os.tmpdir(), 'missing', 'parserWorker.js'), { onError: (err) => errs.push(err) });
    services.push(missing);
    assert.ok(missing instanceof InProcessSyntax);
    assert.equal(errs.length, 1);
    assert.match(String(errs[0]), /No parser worker script at/);
    assert.deepEqual((await missing.declarationsOnce('a.ts', 'export function a() {}\n'))?.map((d) => d.name), ['a']);
    assert.equal(workerScriptIn('/x/dist'), path.join('/x/dist', 'parserWorker.js'));
  });

  it('keeps the event loop ticking while the worker parses a 1 MB file (in process it blocks)', async function () {
    const text = bigTypeScript();
    assert.ok(text.length >= 1_000_000);
    const selection = at(1_000, 4);
    const service = newWorker({ parseTimeoutMs: 30_000 });
    await service.preload(['typescript']);
    const off = await maxGapDuring(() => service.analyse('big.ts', text, selection, 50));
    assert.ok(off.result, 'parsed in the worker');

    const local = new InProcessSyntax(new ParserService(ASSETS, { parseTimeoutMs: 30_000 }));
    try {
      await local.preload(['typescript']);
      const on = await maxGapDuring(() => local.analyse('big.ts', text, selection, 50));
      assert.deepEqual(off.result, on.result);
      const figures = `${(text.length / 1e6).toFixed(2)} MB, ${on.result?.declarations.length} declarations: worker max gap ${off.maxGapMs.toFixed(1)} ms (analysis ${off.totalMs.toFixed(0)} ms); in process max gap ${on.maxGapMs.toFixed(1)} ms (analysis ${on.totalMs.toFixed(0)} ms)`;
      if (this.test) {
        this.test.title += ` — ${figures}`;
      }
      assert.ok(off.maxGapMs < 50, figures);
    } finally {
      local.dispose();
    }
  });

  it('dispose terminates the worker: pending calls answer empty, later calls too', async () => {
    const service = newWorker();
    await service.preload(['typescript']);
    const thread = (service as unknown as { worker?: Worker }).worker;
    assert.ok(thread, 'started');
    const exited = new Promise<number>((resolve) => thread.once('exit', (code: number) => resolve(code)));
    const pending = service.analyse('a.ts', 'export function a() {}\n', at(0, 0), 5);
    service.dispose();
    await exited;
    assert.equal(await pending, undefined);
    assert.equal(service.inWorker, false);
    assert.equal(await service.declarationsOnce('a.ts', 'export function a() {}\n'), undefined);
    assert.deepEqual(await service.stats(), { timedOut: 0, trees: 0 });
    service.applyChanges('a.ts', [], 0);
    assert.equal(service.has('a.ts'), false);
  });

  it('an idle worker does not keep the process alive (it is unref’d between calls)', async () => {
    const service = newWorker();
    await service.declarationsOnce('a.ts', 'export function a() {}\n');
    // A child Node process that only awaits one call and then leaves the worker idle must exit by itself.
    const { spawnSync } = await import('child_process');
    const script = [
      `const { WorkerSyntax } = require(${JSON.stringify(path.join(REPO_ROOT, 'out', 'src', 'context', 'syntaxService.js'))});`,
      `const s = new WorkerSyntax(${JSON.stringify(ASSETS)}, ${JSON.stringify(WORKER_SCRIPT)});`,
      `s.declarationsOnce('a.ts', 'export function a() {}\\n').then((d) => console.log(d.length));`,
    ].join('\n');
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.equal(run.stdout.trim(), '1', 'the call was answered (the worker was ref’d while it was pending)');
  });
});

describe('context: ParserService.applyChanges with the new length only', () => {
  it('verifies the resulting length instead of the text', async () => {
    const parser = new ParserService(ASSETS);
    try {
      const text = 'export function a() {}\n';
      await parser.parse('a.ts', text);
      const change = insertion(text, text.length, 'export function b() {}\n');
      const next = text + change.text;
      assert.equal(parser.applyChanges('a.ts', [change], next.length), true);
      assert.equal(parser.textOf('a.ts'), next);
      assert.deepEqual(parser.declarations('a.ts')?.map((d) => d.name), ['a', 'b']);
      assert.equal(parser.applyChanges('a.ts', [change], next.length), false, 'a length the changes do not give');
      assert.equal(parser.has('a.ts'), false);
    } finally {
      parser.dispose();
    }
  });
});
