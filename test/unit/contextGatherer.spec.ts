import * as assert from 'assert/strict';
import { readFileSync } from 'fs';
import * as path from 'path';
import { ContextGatherer, type ContextSettings } from '../../src/context/contextGatherer';
import { declarationHints, flattenDeclarations } from '../../src/context/declarationIndex';
import { languageForPath } from '../../src/context/languages';
import { NodeWorkspaceFs } from '../../src/context/nodeFs';
import { ParserService } from '../../src/context/parserService';
import { InProcessSyntax } from '../../src/context/syntaxService';
import type { Position } from '../../src/context/types';
import { ASSETS, FIXTURE_ROOT, SpyFs } from './contextTestFs';

const SETTINGS: ContextSettings = { trusted: true, excludeGlobs: [] };

function positionOf(text: string, needle: string): Position {
  const index = text.indexOf(needle);
  assert.ok(index >= 0, needle);
  const before = text.slice(0, index);
  return { line: before.split('\n').length - 1, character: index - (before.lastIndexOf('\n') + 1) };
}

function fixture(relative: string): string {
  return readFileSync(path.join(FIXTURE_ROOT, relative), 'utf8');
}

const SMALL: Record<string, string> = {
  'src/math.ts': 'export function add(a: number, b: number): number {\n  return a + b;\n}\n\nexport function twice(n: number): number {\n  return add(n, n);\n}\n',
  'src/shapes.ts': 'import { add } from "./math";\n\nexport class Square {\n  constructor(readonly side: number) {}\n  perimeter(): number {\n    return add(this.side * 2, this.side * 2);\n  }\n}\n',
  'src/alt/math.ts': 'export function add(x: number, y: number): number {\n  return x + y;\n}\n',
  'lib/util.py': 'def add(a, b):\n    return a + b\n',
  'README.md': '# small\n',
  '.env': 'API_KEY=sk-secret\n',
  '.gitignore': 'tmp/\n',
  'tmp/scratch.ts': 'export function scratch() {}\n',
};

describe('context: gatherer', function () {
  this.timeout(20_000);
  let parser: ParserService;

  beforeEach(() => {
    parser = new ParserService(ASSETS);
  });

  afterEach(() => parser.dispose());

  it('gathers the repo map, current file, enclosing symbol and related definitions across files', async () => {
    const gatherer = new ContextGatherer({ fs: new NodeWorkspaceFs(FIXTURE_ROOT), syntax: new InProcessSyntax(parser), settings: SETTINGS });
    const main = fixture('src/app/main.ts');
    const pieces = await gatherer.gather({
      currentFile: 'src/app/main.ts',
      selection: { start: positionOf(main, '  const shapes = makeShapes'), end: positionOf(main, '  return lines.join') },
    });
    assert.equal(pieces.currentFile?.path, 'src/app/main.ts');
    assert.equal(pieces.currentFile?.text, main);
    assert.equal(pieces.currentFile?.language, 'typescript');
    assert.equal(pieces.enclosingSymbol?.name, 'report');
    assert.deepEqual(pieces.relatedDefinitions.map((d) => `${d.name} ${d.path}`), [
      'makeShapes src/app/main.ts',
      'describe src/shapes/shapes.ts',
      'totalArea src/shapes/shapes.ts',
    ], 'TypeScript uses of `count` do not pull in the Rust `count` methods');
    const own = pieces.relatedDefinitions[0];
    assert.equal(own.text, undefined, 'the current file is already in the context');
    const totalArea = pieces.relatedDefinitions[2];
    assert.equal(totalArea.signature, 'export function totalArea(shapes: readonly Shape[]): number');
    assert.ok(totalArea.text?.startsWith('export function totalArea(') && totalArea.text.endsWith('return sum;\n}'));
    assert.deepEqual(totalArea.range.start, { line: 27, character: 0 });
    assert.ok(pieces.repoMap.includes('src/shapes/shapes.ts\n  export interface Shape\n'));
    assert.ok(pieces.repoMap.includes('cs/Inventory.cs\n  namespace Example.Stock\n'));
    assert.deepEqual(pieces.refused, []);
  });

  it('at a cursor, looks up the names used by the enclosing function', async () => {
    const gatherer = new ContextGatherer({ fs: new NodeWorkspaceFs(FIXTURE_ROOT), syntax: new InProcessSyntax(parser), settings: SETTINGS });
    const main = fixture('src/app/main.ts');
    const pieces = await gatherer.gather({ currentFile: 'src/app/main.ts', selection: positionOf(main, 'shapes.push') });
    assert.equal(pieces.enclosingSymbol?.name, 'makeShapes');
    assert.deepEqual(pieces.relatedDefinitions.map((d) => `${d.kind} ${d.name}`), ['interface Shape', 'class Circle']);
  });

  it('finds C definitions from a header for code in a .c file', async () => {
    const gatherer = new ContextGatherer({ fs: new NodeWorkspaceFs(FIXTURE_ROOT), syntax: new InProcessSyntax(parser), settings: SETTINGS });
    const c = fixture('c/list.c');
    const pieces = await gatherer.gather({ currentFile: 'c/list.c', selection: positionOf(c, 'node_t *node = node_new') });
    assert.equal(pieces.enclosingSymbol?.name, 'list_push');
    const found = pieces.relatedDefinitions.map((d) => `${d.name} ${d.path}`);
    assert.ok(found.includes('node_new c/list.c'), found.join(', '));
    assert.ok(found.includes('node_t c/list.h'), found.join(', '));
    assert.ok(found.includes('list c/list.h'), found.join(', '));
  });

  it('the lexical pre-scan finds every declaration tree-sitter finds in the fixtures (except namespaces)', async () => {
    const files = ['src/shapes/shapes.ts', 'src/app/main.ts', 'web/view.tsx', 'web/format.js', 'py/geometry.py', 'go/point.go', 'rust/src/lib.rs',
      'java/src/main/java/com/example/Account.java', 'c/list.h', 'c/list.c', 'cpp/matrix.hpp', 'cpp/matrix.cpp', 'cs/Inventory.cs'];
    for (const file of files) {
      const text = fixture(file);
      const declared = flattenDeclarations((await parser.declarationsOnce(file, text)) ?? []).filter((d) => d.kind !== 'namespace');
      const hints = declarationHints(languageForPath(file, text)!, text);
      assert.deepEqual(declared.filter((d) => !hints.has(d.name)).map((d) => d.name), [], file);
    }
    assert.deepEqual([...declarationHints('typescript', 'return compute(x);\nconst y = other(1);\n')], [], 'calls are not declarations');
  });

  it('gives the same definitions whatever was cached before', async () => {
    const request = { currentFile: 'src/app/main.ts', selection: positionOf(fixture('src/app/main.ts'), 'shapes.push') };
    const warmed = new ContextGatherer({ fs: new NodeWorkspaceFs(FIXTURE_ROOT), syntax: new InProcessSyntax(parser), settings: SETTINGS });
    for (const file of ['c/list.c', 'src/shapes/shapes.ts', 'py/geometry.py']) {
      await warmed.gather({ currentFile: file, selection: { line: 3, character: 0 } });
    }
    const freshParser = new ParserService(ASSETS);
    try {
      const fresh = new ContextGatherer({ fs: new NodeWorkspaceFs(FIXTURE_ROOT), syntax: new InProcessSyntax(freshParser), settings: SETTINGS });
      assert.deepEqual(await warmed.gather(request), await fresh.gather(request));
    } finally {
      freshParser.dispose();
    }
  });

  it('finds definitions through imports first; by name it prefers open files; deterministic', async () => {
    const run = async (openFiles: string[], text = SMALL['src/shapes.ts']): Promise<string[]> => {
      const fs = new SpyFs(SMALL);
      const g = new ContextGatherer({ fs, syntax: new InProcessSyntax(parser), settings: SETTINGS });
      const pieces = await g.gather({ currentFile: 'src/shapes.ts', currentText: text, selection: positionOf(text, 'return add'), openFiles });
      return pieces.relatedDefinitions.map((d) => `${d.path} ${d.via}`);
    };
    assert.deepEqual(await run([]), ['src/math.ts import'], 'the file the import names, never the other add nor the Python one');
    assert.deepEqual(await run(['src/alt/math.ts']), ['src/math.ts import'], 'an open file does not override the import');
    const unimported = SMALL['src/shapes.ts'].replace('import { add } from "./math";\n', '');
    assert.deepEqual(await run([], unimported), ['src/alt/math.ts package', 'src/math.ts package'], 'without an import: by name, by path');
    assert.deepEqual(await run(['src/math.ts'], unimported), ['src/math.ts package', 'src/alt/math.ts package']);
    const a = new ContextGatherer({ fs: new SpyFs(SMALL), syntax: new InProcessSyntax(parser), settings: SETTINGS });
    const b = new ContextGatherer({ fs: new SpyFs(SMALL), syntax: new InProcessSyntax(parser), settings: SETTINGS });
    const request = { currentFile: 'src/math.ts', selection: { line: 5, character: 4 } };
    assert.deepEqual(await a.gather(request), await b.gather(request));
  });

  it('uses the editor text of the current file (unsaved edits) instead of the disk', async () => {
    const fs = new SpyFs(SMALL);
    const gatherer = new ContextGatherer({ fs, syntax: new InProcessSyntax(parser), settings: SETTINGS });
    const edited = `${SMALL['src/math.ts']}\nexport function thrice(n: number): number {\n  return add(add(n, n), n);\n}\n`;
    const pieces = await gatherer.gather({ currentFile: 'src/math.ts', currentText: edited, selection: positionOf(edited, 'add(add') });
    assert.equal(pieces.currentFile?.text, edited);
    assert.equal(pieces.enclosingSymbol?.name, 'thrice');
    assert.ok(!pieces.repoMap.includes('thrice'), 'the repo map shows the saved state');
  });

  it('refuses an excluded current file without reading it', async () => {
    const fs = new SpyFs(SMALL);
    const gatherer = new ContextGatherer({ fs, syntax: new InProcessSyntax(parser), settings: SETTINGS });
    const pieces = await gatherer.gather({ currentFile: '.env', selection: { line: 0, character: 0 } });
    assert.equal(pieces.currentFile, undefined);
    assert.equal(pieces.refused[0]?.reason, 'secret');
    assert.ok(!fs.touched().includes('.env'));
    const ignored = await gatherer.gather({ currentFile: 'tmp/scratch.ts', currentText: 'export function scratch() {}\n' });
    assert.equal(ignored.currentFile, undefined, 'not even the editor text of an ignored file is used');
    assert.equal(ignored.refused[0]?.reason, 'gitignore');
    assert.ok(!fs.touched().includes('tmp/scratch.ts'));
    const excluded = new ContextGatherer({ fs, syntax: new InProcessSyntax(parser), settings: { trusted: true, excludeGlobs: ['src/alt/**'] } });
    const viaSetting = await excluded.gather({ currentFile: 'src/alt/math.ts' });
    assert.equal(viaSetting.refused[0]?.reason, 'setting');
    assert.ok(!viaSetting.repoMap.includes('src/alt/math.ts'));
  });

  it('reads nothing and returns no context in an untrusted workspace', async () => {
    const fs = new SpyFs(SMALL);
    const gatherer = new ContextGatherer({ fs, syntax: new InProcessSyntax(parser), settings: { trusted: false, excludeGlobs: [] } });
    const pieces = await gatherer.gather({ currentFile: 'src/math.ts', selection: { line: 1, character: 2 }, openFiles: ['src/shapes.ts'] });
    assert.deepEqual(pieces, { repoMap: '', relatedDefinitions: [], refused: [] });
    assert.deepEqual(fs.calls, []);
    assert.equal(parser.size, 0, 'nothing parsed');
  });

  it('reuses the listing, trees and index on a warm request', async () => {
    const fs = new SpyFs(SMALL);
    const gatherer = new ContextGatherer({ fs, syntax: new InProcessSyntax(parser), settings: SETTINGS });
    const first = await gatherer.gather({ currentFile: 'src/shapes.ts', selection: positionOf(SMALL['src/shapes.ts'], 'return add') });
    fs.reset();
    const second = await gatherer.gather({ currentFile: 'src/math.ts', selection: positionOf(SMALL['src/math.ts'], 'add(n, n)') });
    assert.equal(second.repoMap, first.repoMap);
    assert.deepEqual(fs.touched('readDirectory'), [], 'no new listing');
    assert.deepEqual(fs.touched('readFile'), [], 'every file is still cached');
    assert.deepEqual(second.relatedDefinitions.map((d) => `${d.path} ${d.via}`), ['src/math.ts local'], 'a name the current file declares is that declaration');
  });

  it('invalidates per file on change, creation and deletion', async () => {
    const fs = new SpyFs(SMALL);
    const gatherer = new ContextGatherer({ fs, syntax: new InProcessSyntax(parser), settings: SETTINGS });
    const before = (await gatherer.gather({})).repoMap;

    fs.write('src/math.ts', 'export function add(a: number, b: number, c = 0): number {\n  return a + b + c;\n}\n');
    gatherer.fileChanged('src/math.ts');
    fs.reset();
    const changed = (await gatherer.gather({})).repoMap;
    assert.deepEqual(fs.touched('readDirectory'), [], 'a content change does not relist');
    assert.deepEqual(fs.touched('readFile'), ['src/math.ts'], 'only the changed file is read again');
    const removedLines = before.split('\n').filter((l) => !changed.split('\n').includes(l));
    const addedLines = changed.split('\n').filter((l) => !before.split('\n').includes(l));
    assert.deepEqual(removedLines, ['  export function add(a: number, b: number): number', '  export function twice(n: number): number']);
    assert.deepEqual(addedLines, ['  export function add(a: number, b: number, c = 0): number']);

    fs.write('src/new.ts', 'export interface Fresh {}\n');
    gatherer.fileChanged('src/new.ts');
    assert.ok((await gatherer.gather({})).repoMap.includes('src/new.ts\n  export interface Fresh\n'));

    fs.remove('src/alt/math.ts');
    gatherer.fileDeleted('src/alt');
    const deleted = (await gatherer.gather({})).repoMap;
    assert.ok(!deleted.includes('src/alt/math.ts'));

    const def = await gatherer.gather({ currentFile: 'src/shapes.ts', selection: positionOf(SMALL['src/shapes.ts'], 'return add') });
    assert.deepEqual(def.relatedDefinitions.map((d) => `${d.path} ${d.signature}`), ['src/math.ts export function add(a: number, b: number, c = 0): number']);

    fs.write('.gitignore', 'tmp/\nsrc/new.ts\n');
    gatherer.fileChanged('.gitignore');
    assert.ok(!(await gatherer.gather({})).repoMap.includes('src/new.ts'), 'a .gitignore change relists');
  });
});
