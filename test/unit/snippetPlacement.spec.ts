import * as assert from 'assert/strict';
import { fileDeclarationSpans, snippetDeclarationSpans } from '../../src/context/declarationSpans';
import { ParserService } from '../../src/context/parserService';
import { InProcessSyntax } from '../../src/context/syntaxService';
import { blockEnd, dedent } from '../../src/core/codeLines';
import { cannotPlaceMessage, placeSnippet, type SnippetPlacement } from '../../src/core/snippetPlacement';
import { ASSETS } from './contextTestFs';

const lines = (...l: string[]) => l.join('\n');

const CALC_TS = lines(
  "import { round } from './round';",
  '',
  '/** Adds two numbers. */',
  'export function add(a: number, b: number): number {',
  '  return a + b;',
  '}',
  '',
  'export function addAll(values: number[]): number {',
  '  return values.reduce(add, 0);',
  '}',
  '',
  'export class Calculator {',
  '  private total = 0;',
  '',
  '  add(value: number): this {',
  '    this.total += value;',
  '    return this;',
  '  }',
  '',
  '  result(): number {',
  '    return round(this.total);',
  '  }',
  '}',
  '',
);

const STATS_PY = lines(
  'import math',
  '',
  '',
  'def mean(values):',
  '    return sum(values) / len(values)',
  '',
  '',
  'def mean_squared(values):',
  '    return sum(v * v for v in values) / len(values)',
  '',
  '',
  'class Stats:',
  '    def __init__(self, values):',
  '        self.values = values',
  '',
  '    def mean(self):',
  '        return mean(self.values)',
  '',
  '    def stdev(self):',
  '        m = self.mean()',
  '        return math.sqrt(mean([(v - m) ** 2 for v in self.values]))',
  '',
);

const CALC_GO = lines(
  'package calc',
  '',
  'import (',
  '\t"errors"',
  ')',
  '',
  'type Calc struct {',
  '\ttotal int',
  '}',
  '',
  'func (c *Calc) Add(v int) *Calc {',
  '\tc.total += v',
  '\treturn c',
  '}',
  '',
  'func Add(a, b int) int {',
  '\treturn a + b',
  '}',
  '',
  'func Div(a, b int) (int, error) {',
  '\tif b == 0 {',
  '\t\treturn 0, errors.New("division by zero")',
  '\t}',
  '\treturn a / b, nil',
  '}',
  '',
);

describe('snippet placement: Apply to File without a selection', function () {
  this.timeout(30_000);
  let parser: ParserService;
  let syntax: InProcessSyntax;

  before(() => {
    parser = new ParserService(ASSETS);
    syntax = new InProcessSyntax(parser);
  });
  after(() => syntax.dispose());

  async function place(fileName: string, fileText: string, snippet: string): Promise<SnippetPlacement> {
    const fileDeclarations = await fileDeclarationSpans(syntax, `src/${fileName}`, fileText);
    const snippetDeclarations = await snippetDeclarationSpans(syntax, `src/${fileName}`, snippet);
    return placeSnippet({ fileName, fileText, snippet, ...(fileDeclarations ? { fileDeclarations } : {}), ...(snippetDeclarations ? { snippetDeclarations } : {}) });
  }

  /** The file after the placement, asserting it is an edit of whole lines. */
  function applied(fileText: string, placement: SnippetPlacement): string {
    if (placement.kind === 'refused') assert.fail(`refused: ${placement.reason}`);
    if (placement.kind === 'wholeFile') return placement.text;
    assert.ok(placement.start === 0 || fileText[placement.start - 1] === '\n', 'starts at a line start');
    assert.ok(placement.end === fileText.length || fileText[placement.end - 1] === '\n', 'ends at a line end');
    return fileText.slice(0, placement.start) + placement.text + fileText.slice(placement.end);
  }

  /** `fileText` with the lines from `first` to `last` (inclusive, zero-based) replaced. */
  function replacingLines(fileText: string, first: number, last: number, ...replacement: string[]): string {
    const all = fileText.split('\n');
    all.splice(first, last - first + 1, ...replacement);
    return all.join('\n');
  }

  describe('TypeScript', () => {
    it('replaces exactly the function the snippet defines, keeping its doc comment and the rest', async () => {
      const snippet = lines('export function add(a: number, b: number): number {', '  return round(a + b);', '}');
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(p.kind, 'edit');
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 3, 5, ...snippet.split('\n')));
      assert.equal(p.kind === 'edit' && p.insertOnly, false);
    });

    it('leaves out a first line that only names the file', async () => {
      const code = lines('export function add(a: number, b: number): number {', '  return round(a + b);', '}');
      const p = await place('calc.ts', CALC_TS, `// src/calc.ts\n${code}`);
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 3, 5, ...code.split('\n')));
    });

    it('new code between declarations comes along whole; code the file already has is not repeated', async () => {
      const changed = lines('export function addAll(values: number[]): number {', '  return Math.min(MAX, values.reduce(add, 0));', '}');
      const snippet = lines("import { round } from './round';", '', 'const MAX = 100;', '', changed);
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 7, 9, 'const MAX = 100;', '', ...changed.split('\n')));
    });

    it('tells `add` from `addAll`', async () => {
      const snippet = lines('export function addAll(values: readonly number[]): number {', '  return values.reduce((s, v) => add(s, v), 0);', '}');
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 7, 9, ...snippet.split('\n')));
    });

    it('replaces two adjacent functions as one region, and a snippet that brings its own doc comment replaces the old one', async () => {
      const snippet = lines(
        '/** The sum of two numbers. */',
        'export function add(a: number, b: number): number {',
        '  return a + b;',
        '}',
        '',
        'export function addAll(values: number[]): number {',
        '  return values.reduce((s, v) => s + v, 0);',
        '}',
      );
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 2, 9, ...snippet.split('\n')));
    });

    it('a method given alone replaces that method inside its class, not the function of the same name', async () => {
      const snippet = lines('add(value: number): this {', '  this.total += Math.abs(value);', '  return this;', '}');
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 14, 17, '  add(value: number): this {', '    this.total += Math.abs(value);', '    return this;', '  }'));
    });

    it('an indented method is placed by name too', async () => {
      const snippet = lines('  result(): number {', '    return round(this.total * 100) / 100;', '  }');
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 19, 21, ...snippet.split('\n')));
    });

    it('a class with "// ...existing code..." keeps the elided members and adds the new one after the last', async () => {
      const snippet = lines(
        'export class Calculator {',
        '  // ...existing code...',
        '',
        '  reset(): void {',
        '    this.total = 0;',
        '  }',
        '}',
      );
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(p.kind === 'edit' && p.insertOnly, true);
      assert.equal(p.kind === 'edit' && p.summary, 'adds `reset` to `Calculator` after `result`');
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 21, 21, '  }', '', '  reset(): void {', '    this.total = 0;', '  }'));
    });

    it('a class with an elision and a changed member replaces only that member', async () => {
      const snippet = lines('export class Calculator {', '  // ...', '  result(): number {', '    return Math.round(this.total);', '  }', '}');
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 19, 21, '  result(): number {', '    return Math.round(this.total);', '  }'));
    });

    it('elisions between declarations only say "the rest is unchanged"', async () => {
      const changed = lines('export function addAll(values: number[]): number {', '  return values.reduce((s, v) => s + v, 0);', '}');
      const snippet = lines('// ...existing code...', '', changed, '', '// ... rest of the file unchanged');
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(applied(CALC_TS, p), replacingLines(CALC_TS, 7, 9, ...changed.split('\n')));
    });

    it('refuses a function whose body is elided rather than delete the elided code', async () => {
      const snippet = lines('export function addAll(values: number[]): number {', '  // ... existing code ...', '  return total;', '}');
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(p.kind, 'refused');
      assert.match(p.kind === 'refused' ? p.reason : '', /leaves parts out .*would delete them/);
    });

    it('inserts a new function after the last declaration and says so', async () => {
      const snippet = lines('export function mul(a: number, b: number): number {', '  return a * b;', '}');
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(p.kind === 'edit' && p.insertOnly, true);
      assert.equal(p.kind === 'edit' && p.summary, 'adds `mul` after `Calculator`');
      assert.equal(applied(CALC_TS, p), `${CALC_TS.replace(/\n$/, '')}\n\n${snippet}\n`);
    });

    it('a new function beside a changed one goes next to it; a new import goes after the imports', async () => {
      const snippet = lines(
        "import { clamp } from './clamp';",
        "import { round } from './round';",
        '',
        'export function add(a: number, b: number): number {',
        '  return clamp(a + b);',
        '}',
        '',
        'export function sub(a: number, b: number): number {',
        '  return a - b;',
        '}',
      );
      const p = await place('calc.ts', CALC_TS, snippet);
      const expected = replacingLines(
        replacingLines(CALC_TS, 3, 5, 'export function add(a: number, b: number): number {', '  return clamp(a + b);', '}', '', 'export function sub(a: number, b: number): number {', '  return a - b;', '}'),
        0, 0, "import { round } from './round';", "import { clamp } from './clamp';",
      );
      assert.equal(applied(CALC_TS, p), expected);
      assert.equal(p.kind === 'edit' && p.summary, 'replaces `add`, adds `sub`');
    });

    it('the whole file rewritten is the whole file', async () => {
      const snippet = CALC_TS.replace('return a + b;', 'return b + a;').replace('private total = 0;', 'private total = 0; // running sum');
      const p = await place('calc.ts', CALC_TS, snippet);
      assert.equal(p.kind, 'wholeFile');
      assert.equal(applied(CALC_TS, p), snippet);
    });

    it('all declarations but not the imports: replaces the declarations and keeps the imports', async () => {
      const body = CALC_TS.split('\n').slice(2).join('\n').replace('return a + b;', 'return b + a;');
      const p = await place('calc.ts', CALC_TS, body);
      assert.equal(p.kind, 'edit');
      assert.equal(applied(CALC_TS, p), CALC_TS.replace('return a + b;', 'return b + a;'));
    });

    it('statements without declarations replace the block their first lines match', async () => {
      const file = lines('export function mean(values: number[]): number {', '  if (values.length === 0) {', "    throw new Error('empty');", '  }', '  return values.reduce((s, v) => s + v, 0) / values.length;', '}', '');
      const snippet = lines('if (values.length === 0) {', '  return 0;', '}');
      const p = await place('mean.ts', file, snippet);
      assert.equal(applied(file, p), replacingLines(file, 1, 3, '  if (values.length === 0) {', '    return 0;', '  }'));
    });

    it('refuses clearly when nothing matches', async () => {
      const p = await place('math.ts', CALC_TS, "console.log('hello');");
      assert.deepEqual(p, { kind: 'refused', reason: 'Could not tell where this code belongs in math.ts — select the code it replaces and press Apply again.' });
      assert.equal(cannotPlaceMessage('math.ts'), 'Could not tell where this code belongs in math.ts — select the code it replaces and press Apply again.');
    });

    it('says when the file already has the code', async () => {
      const p = await place('calc.ts', CALC_TS, lines('export function add(a: number, b: number): number {', '  return a + b;', '}'));
      assert.equal(p.kind, 'refused');
      assert.match(p.kind === 'refused' ? p.reason : '', /already has this code/);
    });

    it('keeps CRLF line endings, and edits only the function', async () => {
      const crlf = CALC_TS.replace(/\n/g, '\r\n');
      const snippet = lines('export function addAll(values: number[]): number {', '  return values.reduce((s, v) => s + v, 0);', '}');
      const p = await place('calc.ts', crlf, snippet);
      const result = applied(crlf, p);
      assert.equal(result, replacingLines(CALC_TS, 7, 9, ...snippet.split('\n')).replace(/\n/g, '\r\n'));
      assert.doesNotMatch(result.replace(/\r\n/g, ''), /\n/, 'no bare LF');
    });
  });

  describe('Python', () => {
    it('an indented method replaces that method of its class', async () => {
      const snippet = lines('    def stdev(self):', '        return math.sqrt(self.variance())');
      const p = await place('stats.py', STATS_PY, snippet);
      assert.equal(applied(STATS_PY, p), replacingLines(STATS_PY, 18, 20, ...snippet.split('\n')));
    });

    it('a method given without indentation (it takes self) goes to the class, not to the function of the same name', async () => {
      const snippet = lines('def mean(self):', '    return statistics.fmean(self.values)');
      const p = await place('stats.py', STATS_PY, snippet);
      assert.equal(applied(STATS_PY, p), replacingLines(STATS_PY, 15, 16, '    def mean(self):', '        return statistics.fmean(self.values)'));
    });

    it('a function replaces the function, not the method nor mean_squared', async () => {
      const snippet = lines('def mean(values):', '    return math.fsum(values) / len(values)');
      const p = await place('stats.py', STATS_PY, snippet);
      assert.equal(applied(STATS_PY, p), replacingLines(STATS_PY, 3, 4, ...snippet.split('\n')));
    });

    it('a new method goes into the class after its last method', async () => {
      const snippet = lines('    def variance(self):', '        m = self.mean()', '        return mean([(v - m) ** 2 for v in self.values])');
      const p = await place('stats.py', STATS_PY, snippet);
      assert.equal(p.kind === 'edit' && p.summary, 'adds `variance` to `Stats` after `stdev`');
      assert.equal(applied(STATS_PY, p), replacingLines(STATS_PY, 20, 20, STATS_PY.split('\n')[20], '', ...snippet.split('\n')));
    });

    it('a new top-level function goes after the class, two blank lines apart', async () => {
      const snippet = lines('def median(values):', '    s = sorted(values)', '    return s[len(s) // 2]');
      const p = await place('stats.py', STATS_PY, snippet);
      assert.equal(applied(STATS_PY, p), `${STATS_PY.replace(/\n$/, '')}\n\n\n${snippet}\n`);
    });

    it('a method with "# ... rest unchanged" in its body is refused', async () => {
      const snippet = lines('    def stdev(self):', '        # ... rest unchanged', '        return s');
      const p = await place('stats.py', STATS_PY, snippet);
      assert.equal(p.kind, 'refused');
    });
  });

  describe('Go', () => {
    it('a function replaces the function, not the method of the same name', async () => {
      const snippet = lines('func Add(a, b int) int {', '\treturn b + a', '}');
      const p = await place('calc.go', CALC_GO, snippet);
      assert.equal(applied(CALC_GO, p), replacingLines(CALC_GO, 15, 17, ...snippet.split('\n')));
    });

    it('a method replaces the method on its receiver', async () => {
      const snippet = lines('func (c *Calc) Add(v int) *Calc {', '\tif v > 0 {', '\t\tc.total += v', '\t}', '\treturn c', '}');
      const p = await place('calc.go', CALC_GO, snippet);
      assert.equal(applied(CALC_GO, p), replacingLines(CALC_GO, 10, 13, ...snippet.split('\n')));
    });

    it('a new import joins the import group; the function is replaced', async () => {
      const snippet = lines(
        'import (',
        '\t"errors"',
        '\t"fmt"',
        ')',
        '',
        'func Div(a, b int) (int, error) {',
        '\tif b == 0 {',
        '\t\treturn 0, fmt.Errorf("divide %d by zero", a)',
        '\t}',
        '\treturn a / b, nil',
        '}',
      );
      const p = await place('calc.go', CALC_GO, snippet);
      const expected = replacingLines(replacingLines(CALC_GO, 19, 24, ...snippet.split('\n').slice(5)), 3, 3, '\t"errors"', '\t"fmt"');
      assert.equal(applied(CALC_GO, p), expected);
    });
  });

  describe('Java and Rust', () => {
    const SHAPES_JAVA = lines('public class Shapes {', '    public static double area(double r) {', '        return Math.PI * r * r;', '    }', '', '    public static double perimeter(double r) {', '        return 2 * Math.PI * r;', '    }', '}', '');
    const POINT_RS = lines('pub struct Point {', '    pub x: f64,', '    pub y: f64,', '}', '', 'impl Point {', '    pub fn norm(&self) -> f64 {', '        (self.x * self.x + self.y * self.y).sqrt()', '    }', '}', '');

    it('a Java method given alone replaces that method', async () => {
      const snippet = lines('public static double perimeter(double r) {', '    return Math.PI * (r + r);', '}');
      const p = await place('Shapes.java', SHAPES_JAVA, snippet);
      assert.equal(applied(SHAPES_JAVA, p), replacingLines(SHAPES_JAVA, 5, 7, '    public static double perimeter(double r) {', '        return Math.PI * (r + r);', '    }'));
    });

    it('a Rust impl with a new method merges into the impl, not the struct', async () => {
      const snippet = lines('impl Point {', '    // ...existing code...', '', '    pub fn dot(&self, o: &Point) -> f64 {', '        self.x * o.x + self.y * o.y', '    }', '}');
      const p = await place('point.rs', POINT_RS, snippet);
      assert.equal(applied(POINT_RS, p), replacingLines(POINT_RS, 8, 8, '    }', '', '    pub fn dot(&self, o: &Point) -> f64 {', '        self.x * o.x + self.y * o.y', '    }'));
    });
  });

  describe('without a grammar', () => {
    const GREETER_RB = lines('class Greeter', '  def hello(name)', '    "Hello, #{name}"', '  end', '', '  def bye(name)', '    "Bye, #{name}"', '  end', 'end', '');

    it('finds the block by its first line and ends it at its `end`', async () => {
      const snippet = lines('def bye(name)', '  "Goodbye, #{name}!"', 'end');
      const p = await place('greeter.rb', GREETER_RB, snippet);
      assert.equal(applied(GREETER_RB, p), replacingLines(GREETER_RB, 5, 7, '  def bye(name)', '    "Goodbye, #{name}!"', '  end'));
    });

    it('refuses a block it cannot find', async () => {
      const p = await place('greeter.rb', GREETER_RB, lines('def wave(name)', '  "o/"', 'end'));
      assert.equal(p.kind, 'refused');
    });
  });

  describe('helpers', () => {
    it('blockEnd follows braces (also on the next line) and indentation', () => {
      assert.equal(blockEnd(['function f()', '{', '  return 1;', '}', 'x'], 0), 3);
      assert.equal(blockEnd(['if (a) { b("}"); }', 'c'], 0), 0);
      assert.equal(blockEnd(['def f():', '    a', '', '    b', 'c'], 0), 3);
      assert.equal(blockEnd(['const a = 1;', 'const b = 2;'], 0), 0);
    });

    it('dedent keeps lines in place', () => {
      assert.deepEqual(dedent('    a\n\n      b\n    c'), { text: 'a\n\n  b\nc', indent: '    ' });
    });
  });
});
