import * as assert from 'assert/strict';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { assetFiles, assetsInDirectory } from '../../src/context/assets';
import { languageForPath } from '../../src/context/languages';
import { editForChange, ParserService } from '../../src/context/parserService';
import { LANGUAGE_IDS, type Declaration, type LanguageId, type Position } from '../../src/context/types';
import { ASSETS, FIXTURE_ROOT, REPO_ROOT } from './contextTestFs';

function fixture(relative: string): string {
  return readFileSync(path.join(FIXTURE_ROOT, relative), 'utf8');
}

/** `kind name` for declarations and `  kind container.name` for their members. */
function outline(declarations: readonly Declaration[]): string[] {
  const lines: string[] = [];
  for (const d of declarations) {
    lines.push(`${d.kind} ${d.name}${d.container ? ` @${d.container}` : ''}`);
    for (const m of d.members ?? []) {
      lines.push(`  ${m.kind} ${m.container}.${m.name}`);
    }
  }
  return lines;
}

function positionOf(text: string, needle: string, offset = 0): Position {
  const index = text.indexOf(needle) + offset;
  assert.ok(index >= offset, `${needle} not found`);
  const before = text.slice(0, index);
  const line = before.split('\n').length - 1;
  return { line, character: index - (before.lastIndexOf('\n') + 1) };
}

interface LanguageCase {
  readonly file: string;
  readonly language: LanguageId;
  readonly outline: readonly string[];
  readonly signatures: readonly string[];
}

const CASES: readonly LanguageCase[] = [
  {
    file: 'src/shapes/shapes.ts',
    language: 'typescript',
    outline: ['interface Shape', '  method Shape.area', 'type ShapeKind', 'enum Unit', 'class Circle', '  constructor Circle.constructor', '  method Circle.area', '  method Circle.scaled', 'function totalArea', 'function describe'],
    signatures: [
      'export interface Shape',
      "export type ShapeKind = 'circle' | 'square'",
      'export class Circle implements Shape',
      'export function totalArea(shapes: readonly Shape[]): number',
      'export const describe = (shape: Shape, unit: Unit = Unit.Metre): string =>',
    ],
  },
  {
    file: 'web/view.tsx',
    language: 'tsx',
    outline: ['interface BadgeProps', 'function Badge', 'class Panel', '  method Panel.render'],
    signatures: ['export function Badge({ label, count }: BadgeProps): JSX.Element', 'export default class Panel extends React.Component<{ title: string }>'],
  },
  {
    file: 'web/format.js',
    language: 'javascript',
    outline: ['function formatBytes', 'class Formatter', '  constructor Formatter.constructor', '  method Formatter.number', 'function clamp'],
    signatures: ['function formatBytes(bytes)', 'const clamp = (value, min, max) =>'],
  },
  {
    file: 'py/geometry.py',
    language: 'python',
    outline: ['class Vector', '  method Vector.length', '  method Vector.scaled', 'function dot', 'function fetch_vectors'],
    signatures: ['class Vector', 'def dot(a: Vector, b: Vector) -> float', 'async def fetch_vectors(source, limit: int = 10) -> list'],
  },
  {
    file: 'go/point.go',
    language: 'go',
    outline: ['struct Point', 'interface Locator', '  method Locator.Locate', 'function Distance', 'method Translate @Point'],
    signatures: ['type Point struct', 'type Locator interface', 'func Distance(a, b Point) float64', 'func (p *Point) Translate(dx, dy float64)'],
  },
  {
    file: 'rust/src/lib.rs',
    language: 'rust',
    outline: ['struct Inventory', 'enum Change', 'trait Store', '  method Store.count', 'impl Inventory', '  method Inventory.new', '  method Inventory.apply', 'impl Inventory', '  method Inventory.count', 'function total'],
    signatures: ['pub struct Inventory', 'impl Store for Inventory', 'pub fn total<S: Store>(store: &S, names: &[&str]) -> u32'],
  },
  {
    file: 'java/src/main/java/com/example/Account.java',
    language: 'java',
    outline: ['class Account', '  constructor Account.Account', '  method Account.balance', '  method Account.deposit', 'interface Auditor', '  method Auditor.check', 'enum Currency'],
    signatures: ['public class Account', 'interface Auditor', 'enum Currency'],
  },
  {
    file: 'c/list.h',
    language: 'c',
    outline: ['type node_t', 'struct list', 'function list_push', 'function list_sum'],
    signatures: ['typedef struct node {…} node_t', 'struct list', 'void list_push(struct list *list, int value)', 'int list_sum(const struct list *list)'],
  },
  {
    file: 'c/list.c',
    language: 'c',
    outline: ['function node_new', 'function list_push', 'function list_sum'],
    signatures: ['static node_t *node_new(int value)'],
  },
  {
    file: 'cpp/matrix.hpp',
    language: 'cpp',
    outline: ['namespace linalg', 'class Matrix', '  constructor Matrix.Matrix', '  method Matrix.at', '  method Matrix.multiply', 'function clamp'],
    signatures: ['namespace linalg', 'class Matrix', 'template <typename T> T clamp(T value, T lo, T hi)'],
  },
  {
    file: 'cpp/matrix.cpp',
    language: 'cpp',
    outline: ['namespace linalg', 'constructor Matrix @Matrix', 'method at @Matrix', 'method multiply @Matrix', 'function trace_of_identity'],
    signatures: ['Matrix::Matrix(int rows, int cols)', 'double Matrix::at(int row, int col) const'],
  },
  {
    file: 'cs/Inventory.cs',
    language: 'csharp',
    outline: ['namespace Example.Stock', 'interface IStockSource', '  method IStockSource.Count', 'enum StockLevel', 'record Item', 'class Warehouse', '  constructor Warehouse.Warehouse', '  method Warehouse.Count', '  method Warehouse.Level'],
    signatures: ['namespace Example.Stock', 'public record Item(string Sku, int Quantity)', 'public class Warehouse : IStockSource'],
  },
];

describe('context: tree-sitter parsing', function () {
  this.timeout(20_000);
  let parser: ParserService;

  before(() => {
    parser = new ParserService(ASSETS);
  });

  after(() => parser.dispose());

  it('keeps src/context free of vscode, and web-tree-sitter out of the bundle (type imports only)', () => {
    const dir = path.join(REPO_ROOT, 'src', 'context');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const source = readFileSync(path.join(dir, file), 'utf8');
      assert.ok(!/from 'vscode'|require\('vscode'\)/.test(source), `${file} imports vscode`);
      for (const m of source.matchAll(/^import (type )?.*from 'web-tree-sitter';$/gm)) {
        assert.equal(m[1], 'type ', `${file}: ${m[0]}`);
      }
      assert.ok(!/import\('web-tree-sitter'\)|require\('web-tree-sitter'\)/.test(source), `${file} loads web-tree-sitter through the bundler`);
    }
  });

  it('detects the language by extension (and C++ in a .h header by content)', () => {
    assert.equal(languageForPath('a/b.ts'), 'typescript');
    assert.equal(languageForPath('a/b.d.ts'), 'typescript');
    assert.equal(languageForPath('a/b.tsx'), 'tsx');
    assert.equal(languageForPath('b.mjs'), 'javascript');
    assert.equal(languageForPath('b.jsx'), 'javascript');
    assert.equal(languageForPath('b.py'), 'python');
    assert.equal(languageForPath('b.go'), 'go');
    assert.equal(languageForPath('b.rs'), 'rust');
    assert.equal(languageForPath('B.java'), 'java');
    assert.equal(languageForPath('b.c'), 'c');
    assert.equal(languageForPath('b.h'), 'c');
    assert.equal(languageForPath('b.h', 'namespace x {\n}\n'), 'cpp');
    assert.equal(languageForPath('b.CPP'), 'cpp');
    assert.equal(languageForPath('b.hpp'), 'cpp');
    assert.equal(languageForPath('b.cs'), 'csharp');
    assert.equal(languageForPath('README.md'), undefined);
    assert.equal(languageForPath('Makefile'), undefined);
    assert.equal(languageForPath('.ts'), undefined);
  });

  for (const c of CASES) {
    it(`parses ${c.language} (${c.file}) and finds its top-level declarations`, async () => {
      assert.equal(languageForPath(c.file), c.language);
      const declarations = await parser.declarationsOnce(c.file, fixture(c.file));
      assert.ok(declarations, 'parsed');
      assert.deepEqual(outline(declarations), c.outline);
      const signatures = declarations.flatMap((d) => [d.signature, ...(d.members ?? []).map((m) => m.signature)]);
      for (const s of c.signatures) {
        assert.ok(signatures.includes(s), `missing signature ${JSON.stringify(s)} in ${JSON.stringify(signatures)}`);
      }
      for (const s of signatures) {
        assert.ok(!s.includes('\n') && s === s.trim() && !s.endsWith('{') && s.length <= 200, JSON.stringify(s));
      }
    });
  }

  it('loads all ten grammars with ABI versions the pinned runtime supports', async () => {
    for (const id of LANGUAGE_IDS) {
      await parser.load(id);
    }
    const info = parser.abiInfo();
    assert.ok(info.runtime, 'runtime loaded');
    assert.deepEqual(Object.keys(info.grammars).sort(), [...LANGUAGE_IDS].sort());
    for (const [id, abi] of Object.entries(info.grammars)) {
      assert.ok(abi !== undefined && abi >= info.runtime.min && abi <= info.runtime.max, `${id} ABI ${abi} outside ${info.runtime.min}–${info.runtime.max}`);
    }
  });

  it('loads the runtime and grammars by path from a folder laid out like dist/', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'ts-assets-'));
    const copy = new ParserService(assetsInDirectory(dir));
    try {
      for (const { from, to } of assetFiles()) {
        copyFileSync(path.join(REPO_ROOT, 'node_modules', from), path.join(dir, to));
      }
      const declarations = await copy.declarationsOnce('x.go', 'package x\n\nfunc Hello() string { return "hi" }\n');
      assert.deepEqual(declarations?.map((d) => d.signature), ['func Hello() string']);
    } finally {
      copy.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the same signatures for the same text, and reads UTF-16 columns like VS Code', async () => {
    const text = 'const s = "é😀";\nexport function fooBar(a: string): string { return a; }\n';
    const a = await parser.declarationsOnce('u.ts', text);
    const b = await parser.declarationsOnce('u.ts', text);
    assert.deepEqual(a, b);
    await parser.parse('u.ts', text);
    const symbol = parser.enclosingSymbol('u.ts', positionOf(text, 'return a'));
    assert.equal(symbol?.name, 'fooBar');
    assert.deepEqual(symbol?.range.start, { line: 1, character: 0 });
    const emoji = 'const s = "😀"; function g() { return 1; }\n';
    await parser.parse('e.ts', emoji);
    const g = parser.enclosingSymbol('e.ts', positionOf(emoji, 'return'));
    assert.deepEqual(g?.range.start, { line: 0, character: emoji.indexOf('function') });
  });

  describe('enclosing symbol', () => {
    it('finds the innermost method, skipping anonymous callbacks, with its text range', async () => {
      const text = fixture('src/shapes/shapes.ts');
      await parser.parse('shapes.ts', text);
      const inArea = parser.enclosingSymbol('shapes.ts', positionOf(text, 'Math.PI'));
      assert.equal(inArea?.name, 'area');
      assert.equal(inArea?.kind, 'method');
      assert.equal(inArea?.container, 'Circle');
      assert.equal(inArea?.signature, 'area(): number');
      assert.ok(inArea?.text.startsWith('area(): number {') && inArea.text.endsWith('}'));

      const inClass = parser.enclosingSymbol('shapes.ts', positionOf(text, "readonly name = 'circle'"));
      assert.equal(inClass?.name, 'Circle');
      assert.equal(inClass?.kind, 'class');
      assert.ok(inClass?.text.startsWith('export class Circle'), 'the range includes `export`');

      const inArrow = parser.enclosingSymbol('shapes.ts', positionOf(text, 'toFixed(2)'));
      assert.equal(inArrow?.name, 'describe');
      assert.ok(inArrow?.text.startsWith('export const describe'));

      const main = fixture('src/app/main.ts');
      await parser.parse('main.ts', main);
      const inCallback = parser.enclosingSymbol('main.ts', positionOf(main, 'describe(s)'));
      assert.equal(inCallback?.name, 'report', 'the arrow callback passed to map() is skipped');
      assert.equal(parser.enclosingSymbol('main.ts', { line: 0, character: 3 }), undefined, 'nothing around an import');
    });

    it('uses a selection range: the innermost symbol containing all of it', async () => {
      const text = fixture('src/shapes/shapes.ts');
      await parser.parse('shapes.ts', text);
      const start = positionOf(text, 'area(): number {\n    return');
      const end = positionOf(text, 'return new Circle');
      assert.equal(parser.enclosingSymbol('shapes.ts', { start, end })?.name, 'Circle');
    });

    const cases: [string, string, string, string][] = [
      ['py/geometry.py', 'math.hypot', 'length', 'Vector'],
      ['py/geometry.py', 'a.x * b.x', 'dot', ''],
      ['rust/src/lib.rs', 'store.count(n)', 'total', ''],
      ['rust/src/lib.rs', 'unwrap_or(&0)', 'count', 'Inventory'],
      ['java/src/main/java/com/example/Account.java', 'entries.add(amount)', 'deposit', 'Account'],
      ['cpp/matrix.hpp', 'value < lo', 'clamp', ''],
      ['go/point.go', 'math.Hypot', 'Distance', ''],
      ['go/point.go', 'p.X += dx', 'Translate', 'Point'],
      ['rust/src/lib.rs', 'saturating_sub', 'apply', 'Inventory'],
      ['java/src/main/java/com/example/Account.java', 'sum += e', 'balance', 'Account'],
      ['c/list.c', 'list->length++', 'list_push', ''],
      ['cpp/matrix.cpp', 'other.at(k, j)', 'multiply', 'Matrix'],
      ['cs/Inventory.cs', 'StockLevel.Empty', 'Level', 'Warehouse'],
      ['web/view.tsx', '<b>{count}</b>', 'Badge', ''],
    ];
    for (const [file, needle, name, container] of cases) {
      it(`finds ${name} around "${needle}" in ${file}`, async () => {
        const text = fixture(file);
        await parser.parse(file, text);
        const symbol = parser.enclosingSymbol(file, positionOf(text, needle));
        assert.equal(symbol?.name, name);
        assert.equal(symbol?.container ?? '', container);
        assert.equal(symbol?.kind, container ? 'method' : 'function', 'a member is a method, a free function a function');
        assert.ok(symbol && symbol.text.includes(needle));
      });
    }
  });

  describe('identifiers', () => {
    it('lists the names a selection uses in order, with called members but not other properties', async () => {
      const text = fixture('src/app/main.ts');
      await parser.parse('main.ts', text);
      const start = positionOf(text, '  const shapes = makeShapes');
      const end = positionOf(text, "  return lines.join");
      const names = parser.identifiersIn('main.ts', { start, end });
      assert.deepEqual(names, ['shapes', 'makeShapes', 'count', 'lines', 'map', 's', 'describe', 'push', 'totalArea', 'toFixed']);
    });

    it('stays inside the range', async () => {
      const text = 'const a = b + c;\nconst d = e;\n';
      await parser.parse('r.ts', text);
      assert.deepEqual(parser.identifiersIn('r.ts', { start: { line: 1, character: 0 }, end: { line: 1, character: 12 } }), ['d', 'e']);
    });

    it('collects Python names (attributes are identifiers there) and Go selectors only where called', async () => {
      const py = fixture('py/geometry.py');
      await parser.parse('g.py', py);
      const dot = positionOf(py, 'def dot');
      assert.deepEqual(parser.identifiersIn('g.py', { start: dot, end: positionOf(py, 'async def') }), ['dot', 'a', 'Vector', 'b', 'float', 'x', 'y']);
      const go = fixture('go/point.go');
      await parser.parse('p.go', go);
      const names = parser.identifiersIn('p.go', { start: positionOf(go, 'func Distance'), end: positionOf(go, '// Translate') });
      assert.ok(names.includes('Hypot') && names.includes('Point') && !names.includes('X'), names.join(','));
    });
  });

  describe('incremental edits', () => {
    it('gives the same declarations as a fresh parse after edits, and keeps one tree per document', async () => {
      let text = fixture('src/shapes/shapes.ts');
      await parser.parse('inc.ts', text);
      const edits: [string, string][] = [
        ['scaled(factor: number)', 'scaledBy(factor: number)'],
        ['export function totalArea', 'export async function totalArea'],
        ['}\n\nexport async function', '}\n\nexport function extra(n: number): number {\n  return n;\n}\n\nexport async function'],
        ['Foot,\n', ''],
      ];
      for (const [from, to] of edits) {
        const at = text.indexOf(from);
        assert.ok(at >= 0, from);
        const start = positionOf(text, from);
        const endText = text.slice(0, at + from.length);
        const end = { line: endText.split('\n').length - 1, character: endText.length - (endText.lastIndexOf('\n') + 1) };
        const edit = editForChange({ range: { start, end }, rangeOffset: at, rangeLength: from.length, text: to });
        text = text.slice(0, at) + to + text.slice(at + from.length);
        assert.equal(parser.applyEdit('inc.ts', edit, text), true);
        assert.equal(parser.textOf('inc.ts'), text);
        assert.deepEqual(parser.declarations('inc.ts'), await parser.declarationsOnce('fresh.ts', text));
      }
      const names = parser.declarations('inc.ts')?.map((d) => d.name);
      assert.deepEqual(names, ['Shape', 'ShapeKind', 'Unit', 'Circle', 'extra', 'totalArea', 'describe']);
    });

    it('refuses an edit that does not match the text, and an edit of a document it has no tree for', async () => {
      await parser.parse('bad.ts', 'const a = 1;\n');
      const edit = editForChange({ range: { start: { line: 0, character: 6 }, end: { line: 0, character: 7 } }, rangeOffset: 6, rangeLength: 1, text: 'bb' });
      assert.equal(parser.applyEdit('bad.ts', edit, 'const b = 1;\n'), false, 'length does not fit');
      assert.equal(parser.has('bad.ts'), false, 'the stale tree is dropped');
      assert.equal(parser.applyEdit('never-parsed.ts', edit, 'x'), false);
    });

    it('applies a multi-change event (multi-cursor, VS Code order) with one reparse', async () => {
      const text = 'export function a() {}\nexport function b() {}\nexport function c() {}\n';
      await parser.parse('multi.ts', text);
      // Rename b → bee and c → sea, as VS Code reports it: later changes first, offsets in the original text.
      const changes = [
        { range: { start: { line: 2, character: 16 }, end: { line: 2, character: 17 } }, rangeOffset: 62, rangeLength: 1, text: 'sea' },
        { range: { start: { line: 1, character: 16 }, end: { line: 1, character: 17 } }, rangeOffset: 39, rangeLength: 1, text: 'bee' },
      ];
      const after = 'export function a() {}\nexport function bee() {}\nexport function sea() {}\n';
      assert.equal(parser.applyChanges('multi.ts', changes, after), true);
      assert.deepEqual(parser.declarations('multi.ts')?.map((d) => d.name), ['a', 'bee', 'sea']);
      assert.deepEqual(parser.declarations('multi.ts'), await parser.declarationsOnce('fresh-multi.ts', after));
      assert.equal(parser.applyChanges('multi.ts', changes, after), false, 'changes that do not give the new text');
      assert.equal(parser.has('multi.ts'), false);
    });

    it('computes edit positions for multi-line insertions', () => {
      const edit = editForChange({ range: { start: { line: 2, character: 4 }, end: { line: 3, character: 1 } }, rangeOffset: 20, rangeLength: 7, text: 'ab\ncd\nefg' });
      assert.deepEqual(edit, {
        startIndex: 20,
        oldEndIndex: 27,
        newEndIndex: 29,
        startPosition: { line: 2, character: 4 },
        oldEndPosition: { line: 3, character: 1 },
        newEndPosition: { line: 4, character: 3 },
      });
    });
  });

  describe('cache and limits', () => {
    it('keeps at most maxTrees trees (LRU) and deletes the evicted ones', async () => {
      const small = new ParserService(ASSETS, { maxTrees: 3 });
      try {
        for (const name of ['a', 'b', 'c']) {
          await small.parse(`${name}.ts`, `export const ${name} = 1;\n`);
        }
        small.declarations('a.ts');
        await small.parse('d.ts', 'export const d = 1;\n');
        assert.equal(small.size, 3);
        assert.equal(small.has('b.ts'), false, 'the least recently used tree is evicted');
        assert.equal(small.has('a.ts'), true, 'a recently used tree stays');
        assert.equal(small.declarations('b.ts'), undefined);
        assert.deepEqual(small.declarations('a.ts')?.map((d) => d.name), []);
      } finally {
        small.dispose();
      }
      assert.equal(small.size, 0);
    });

    it('reuses the cached tree when the text is unchanged', async () => {
      await parser.parse('same.ts', 'export function f() {}\n');
      const before = parser.declarations('same.ts');
      assert.equal(await parser.parse('same.ts', 'export function f() {}\n'), true);
      assert.deepEqual(parser.declarations('same.ts'), before);
    });

    it('cancels a parse that runs past the time limit instead of hanging', async () => {
      const slow = new ParserService(ASSETS, { parseTimeoutMs: 0 });
      try {
        await slow.load('typescript');
        const big = Array.from({ length: 20_000 }, (_, i) => `export function f${i}(a: number): number { return a * ${i}; }`).join('\n');
        assert.equal(await slow.parse('big.ts', big), false);
        assert.equal(slow.timedOut, 1);
        assert.equal(slow.has('big.ts'), false);
        assert.equal(await slow.declarationsOnce('big.ts', big), undefined);
      } finally {
        slow.dispose();
      }
    });

    it('has no grammar for other files', async () => {
      assert.equal(await parser.parse('notes.md', '# hi'), false);
      assert.equal(await parser.declarationsOnce('notes.md', '# hi'), undefined);
    });
  });
});
