import * as assert from 'assert/strict';
import { completionMode, maxTokensFor, postProcessCompletion, stopSequences, type PostProcessInput } from '../../src/core/completions/postProcess';
import { formatPlaceholder } from '../../src/core/redaction/placeholder';

const ts = (linePrefix: string, lineSuffix = '', previousLine = '') => completionMode({ linePrefix, lineSuffix, previousLine, languageId: 'typescript' });
const py = (linePrefix: string, lineSuffix = '', previousLine = '') => completionMode({ linePrefix, lineSuffix, previousLine, languageId: 'python' });

function run(input: Partial<PostProcessInput> & { text: string }): string | undefined {
  return postProcessCompletion({ mode: 'singleLine', linePrefix: '', lineSuffix: '', followingLines: [], ...input });
}

describe('completion mode, stops and max tokens (core/completions/completionMode)', () => {
  it('is multi-line on an empty line and right after a block opener', () => {
    assert.equal(ts('    '), 'multiLine');
    assert.equal(ts(''), 'multiLine');
    assert.equal(ts('function total(xs: number[]) {'), 'multiLine');
    assert.equal(ts('const f = (x: number) =>'), 'multiLine');
    assert.equal(ts('foo(', ')'), 'multiLine', 'an auto-closed bracket after the cursor is not mid-line');
    assert.equal(py('def main():'), 'multiLine');
    assert.equal(py('    ret', '', 'def main():'), 'multiLine', 'first line of a block just opened');
    assert.equal(completionMode({ linePrefix: 'items.each do', lineSuffix: '', previousLine: '', languageId: 'ruby' }), 'multiLine');
    assert.equal(completionMode({ linePrefix: 'if [ -f x ]; then', lineSuffix: '', previousLine: '', languageId: 'shellscript' }), 'multiLine');
  });

  it('is single-line mid-line and after an ordinary statement', () => {
    assert.equal(ts('const x = ', 'bar;'), 'singleLine');
    assert.equal(ts('    if (', 'x) {'), 'singleLine');
    assert.equal(ts('  const total = sum', '', '  const xs = [];'), 'singleLine');
    assert.equal(ts('  promise.then'), 'singleLine', 'a property named then opens nothing');
    assert.equal(py('    x = compute'), 'singleLine');
  });

  it('asks for little, with at most 16 stops', () => {
    assert.deepEqual(stopSequences('singleLine', 'typescript'), ['\n']);
    for (const lang of ['typescript', 'python', 'go', 'rust', 'java', 'plaintext', 'typescriptreact']) {
      const stops = stopSequences('multiLine', lang);
      assert.ok(stops.length >= 1 && stops.length <= 16, lang);
      assert.ok(stops.every((s) => s.startsWith('\n')), 'a stop never cuts the first line');
    }
    assert.ok(stopSequences('multiLine', 'python').includes('\ndef '));
    assert.ok(maxTokensFor('singleLine') < maxTokensFor('multiLine'));
    assert.ok(maxTokensFor('multiLine') <= 512);
  });
});

describe('completion post-processing (core/completions/postProcess)', () => {
  it('single-line: cuts at the first newline and strips trailing whitespace', () => {
    assert.equal(run({ text: 'sum + x;   \n  return sum;', linePrefix: '  const y = ' }), 'sum + x;');
  });

  it('drops the closing bracket overlap the editor already inserted (TS)', () => {
    assert.equal(run({ text: 'a, b)', linePrefix: 'foo(', lineSuffix: ')' }), 'a, b');
    assert.equal(run({ text: 'items.map((x) => x * 2);', linePrefix: 'const y = ', lineSuffix: ');' }), 'items.map((x) => x * 2');
    assert.equal(run({ text: "hello'", linePrefix: "const s = '", lineSuffix: "'" }), 'hello');
    assert.equal(run({ text: 'x.length', linePrefix: 'if (', lineSuffix: ') {' }), 'x.length', 'no overlap, nothing removed');
    assert.equal(run({ text: 'count', linePrefix: 'const a = ', lineSuffix: 'nt;' }), 'count', 'an identifier overlap is a coincidence');
    assert.equal(run({ text: ')', linePrefix: 'foo(a', lineSuffix: ')' }), undefined, 'only repeats what follows');
  });

  it('multi-line after `{` (TS): keeps the block, its closer, and relative indentation', () => {
    const out = run({
      mode: 'multiLine',
      linePrefix: 'function total(xs: number[]): number {',
      text: '\n  let sum = 0;\n  for (const x of xs) {\n    sum += x;\n  }\n  return sum;\n}\n\nexport function other() {',
      followingLines: ['', 'export const ZERO = 0;'],
    });
    assert.equal(out, '\n  let sum = 0;\n  for (const x of xs) {\n    sum += x;\n  }\n  return sum;\n}');
  });

  it('multi-line: drops a re-emitted next line and closing brace that are already there', () => {
    const out = run({
      mode: 'multiLine',
      linePrefix: '  ',
      text: 'const doubled = xs.map((x) => x * 2);\n  return doubled;\n}',
      followingLines: ['  return doubled;', '}', ''],
    });
    assert.equal(out, 'const doubled = xs.map((x) => x * 2);');
    // Only the next lines, nothing new: dropped.
    assert.equal(run({ mode: 'multiLine', linePrefix: '  ', text: 'return doubled;\n}', followingLines: ['  return doubled;', '}'] }), undefined);
    // An inner block's closer is not the outer one below it.
    assert.equal(
      run({ mode: 'multiLine', linePrefix: '  if (ok) {', text: '\n    done();\n  }', followingLines: ['}'] }),
      '\n    done();\n  }',
    );
  });

  it('multi-line with an auto-closed `}` after the cursor keeps the newline before it', () => {
    assert.equal(run({ mode: 'multiLine', linePrefix: 'if (x) {', lineSuffix: '}', text: '\n  go();\n}' }), '\n  go();\n');
  });

  it('multi-line after `:` (Python): cuts at the next statement at the def\'s indentation', () => {
    const out = run({
      mode: 'multiLine',
      linePrefix: 'def area(r):',
      text: '\n    """Area of a circle."""\n    return math.pi * r ** 2\n\ndef perimeter(r):\n    return 2 * math.pi * r',
      followingLines: [''],
    });
    assert.equal(out, '\n    """Area of a circle."""\n    return math.pi * r ** 2');
  });

  it('multi-line on an empty line (Python): cuts at a dedent below the block', () => {
    const out = run({
      mode: 'multiLine',
      linePrefix: '    ',
      text: 'total = sum(xs)\n    if total < 0:\n        total = 0\n    return total\n\nclass Report:\n    pass',
      followingLines: ['', 'def main():'],
    });
    assert.equal(out, 'total = sum(xs)\n    if total < 0:\n        total = 0\n    return total');
  });

  it('drops empty and whitespace-only completions', () => {
    assert.equal(run({ text: '' }), undefined);
    assert.equal(run({ text: '   \t ' }), undefined);
    assert.equal(run({ text: '\nfoo()', linePrefix: 'x' }), undefined, 'single-line starting with a newline');
    assert.equal(run({ mode: 'multiLine', text: '\n\n   \n', linePrefix: '  ' }), undefined);
  });

  it('drops anything containing a redaction placeholder, whole or cut short', () => {
    const placeholder = formatPlaceholder('API_KEY', '3fa2b19c');
    assert.equal(run({ text: `apiKey: '${placeholder}',` }), undefined);
    assert.equal(run({ mode: 'multiLine', linePrefix: '  ', text: `const a = 1;\n  const key = '${placeholder}';` }), undefined);
    assert.equal(run({ text: "token = '\u27E6API_KE" }), undefined, 'a fragment cut by max_tokens');
    assert.equal(run({ text: 'const x = 1;' }), 'const x = 1;');
  });
});
