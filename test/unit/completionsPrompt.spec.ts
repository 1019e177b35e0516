import * as assert from 'assert/strict';
import { buildFimPrompt, buildNaiveFimPrompt, DEFAULT_FIM_BUDGET, type FimDocument } from '../../src/core/completions/fimPrompt';
import { estimateTokens } from '../../src/core/tokenEstimate';

/** A TypeScript file of `functions` small functions (7 lines each), with lines of varied length. */
function tsFile(functions: number): string {
  const out: string[] = [];
  for (let i = 0; i < functions; i++) {
    out.push(
      `/** Returns the ${i}th figure, scaled by the factor given. */`,
      `export function figure${i}(input: readonly number[], factor = ${i % 7}): number {`,
      `  const total = input.reduce((sum, x) => sum + x * factor, ${i});`,
      i % 3 === 0 ? `  if (total > ${i * 10}) return total - ${i};` : '  // nothing to clamp here',
      `  return Math.round(total / Math.max(1, input.length));`,
      '}',
      '',
    );
  }
  return out.join('\n');
}

/** The offset just after the end of line `line` (0-based), before its newline. */
function endOfLine(text: string, line: number): number {
  let at = -1;
  for (let i = 0; i <= line; i++) at = text.indexOf('\n', at + 1);
  return at < 0 ? text.length : at;
}

const doc = (text: string, offset: number): FimDocument => ({ path: 'src/figures.ts', languageId: 'typescript', text, offset });

/** Types `typed` at `offset` one character at a time; returns the prompt after each keystroke. */
function typeChars(text: string, offset: number, typed: string, options?: Parameters<typeof buildFimPrompt>[1]) {
  const prompts = [];
  for (let n = 0; n <= typed.length; n++) {
    const now = text.slice(0, offset) + typed.slice(0, n) + text.slice(offset);
    prompts.push(buildFimPrompt(doc(now, offset + n), options));
  }
  return prompts;
}

describe('FIM prompt (core/completions/fimPrompt)', () => {
  const text = tsFile(720); // 5,040 lines

  it('keeps everything before the cursor line byte-identical while a line is typed char by char', () => {
    const at = endOfLine(text, 2500) + 1; // start of line 2501
    const base = text.slice(0, at) + '\n' + text.slice(at);
    const prompts = typeChars(base, at, '  const scaled = figure12([1, 2, 3], 4) * total;', { header: ['export type Figure = number;'] });
    const first = prompts[0];
    assert.ok(first.stableChars > 3000, `a long stable prefix (${first.stableChars} chars)`);
    for (const p of prompts) {
      assert.equal(p.windowStartLine, first.windowStartLine);
      assert.equal(p.stableChars, first.stableChars);
      assert.equal(p.prefix.slice(0, p.stableChars), first.prefix.slice(0, first.stableChars));
      assert.equal(p.suffix, first.suffix, 'typing before the cursor leaves the suffix alone');
    }
    assert.ok(prompts.at(-1)!.prefix.endsWith('* total;'));
  });

  it('moves the window start only at snap boundaries, rarely, while new lines are typed', () => {
    let current = text;
    let offset = endOfLine(text, 3000);
    const starts: number[] = [];
    let previous: ReturnType<typeof buildFimPrompt> | undefined;
    let moves = 0;
    for (let i = 0; i < 200; i++) {
      current = current.slice(0, offset) + `\n  total += ${i};` + current.slice(offset);
      offset += `\n  total += ${i};`.length;
      const p = buildFimPrompt(doc(current, offset));
      assert.equal(p.windowStartLine % 32, 0, 'the window starts at a multiple of 32 lines');
      if (previous && p.windowStartLine !== previous.windowStartLine) {
        moves++;
      } else if (previous) {
        // Same window start: the old prefix's stable part is still a prefix of the new one.
        assert.ok(p.prefix.startsWith(previous.prefix.slice(0, previous.stableChars)));
      }
      starts.push(p.windowStartLine);
      previous = p;
    }
    // 200 short lines (≈ 5 tokens each) push about 1,000 tokens through the window; each move drops 32 lines of ≈ 11.
    assert.ok(moves >= 1 && moves <= 4, `window moved ${moves} times over 200 new lines`);
    assert.ok(starts.every((s, i) => i === 0 || s === starts[i - 1] || s - starts[i - 1] === 32), 'one snap at a time');
    assert.deepEqual([...starts].sort((a, b) => a - b), starts, 'it only moves forward');
  });

  it('respects the token budgets on a 5,000-line file and never splits a line at the window start', () => {
    const budget = { prefixTokens: 1000, suffixTokens: 200, headerTokens: 120 };
    const definitions = ['export interface Figure {\n  readonly value: number;\n}', 'export type Scale = (x: number) => number;', 'x'.repeat(2000)];
    for (const line of [0, 5, 31, 32, 100, 2500, 4990, 5039]) {
      const offset = endOfLine(text, line) - 3;
      const p = buildFimPrompt(doc(text, Math.max(0, offset)), { budget, header: definitions });
      const header = buildFimPrompt(doc('', 0), { budget, header: definitions }).prefix;
      assert.ok(p.prefix.startsWith(header));
      assert.ok(estimateTokens(header) <= budget.headerTokens, `header ${estimateTokens(header)} tokens`);
      assert.ok(!header.includes('xxxx'), 'a definition over the header budget is left out');
      assert.ok(estimateTokens(p.prefix.slice(header.length)) <= budget.prefixTokens, `window at line ${line}`);
      assert.ok(estimateTokens(p.suffix) <= budget.suffixTokens, `suffix at line ${line}`);
      const windowStart = text.indexOf(p.prefix.slice(header.length));
      assert.ok(windowStart === 0 || text[windowStart - 1] === '\n', 'the window starts at a line start');
      assert.ok(line < 200 || estimateTokens(p.prefix.slice(header.length)) > budget.prefixTokens / 2, 'the window uses most of its budget');
    }
  });

  it('trims the suffix at a line boundary', () => {
    const offset = endOfLine(text, 1000) - 5;
    const p = buildFimPrompt(doc(text, offset), { budget: { ...DEFAULT_FIM_BUDGET, suffixTokens: 100 } });
    assert.ok(p.suffix.endsWith('\n'), 'ends with a whole line');
    assert.ok(text.startsWith(p.suffix, offset));
    assert.ok(estimateTokens(p.suffix) <= 100);
    const nextLine = text.slice(offset + p.suffix.length, text.indexOf('\n', offset + p.suffix.length) + 1);
    assert.ok(estimateTokens(p.suffix + nextLine) > 100, 'as many whole lines as fit');
    assert.equal(buildFimPrompt(doc(text, text.length)).suffix, '');
  });

  it('writes a header in the file\'s comment syntax, and the whole file when it fits', () => {
    const py = buildFimPrompt({ path: 'app/main.py', languageId: 'python', text: 'def main():\n    pass\n', offset: 12 }, { header: ['def helper(x: int) -> int: ...'] });
    assert.equal(py.prefix, '# Path: app/main.py\n# Language: python\n# Related definitions:\n# def helper(x: int) -> int: ...\ndef main():\n');
    assert.equal(py.suffix, '    pass\n');
    assert.equal(py.windowStartLine, 0);
    assert.equal(py.stableChars, py.prefix.length);
    const md = buildFimPrompt({ path: 'README.md', languageId: 'markdown', text: '# Title\n', offset: 8 }, { header: ['a --> b'] });
    assert.equal(md.prefix, '<!--\nPath: README.md\nLanguage: markdown\nRelated definitions:\na - - > b\n-->\n# Title\n');
  });

  it('is deterministic: same input, same bytes', () => {
    const offset = endOfLine(text, 1234) - 10;
    const a = buildFimPrompt(doc(text, offset), { header: ['type A = 1;', 'type B = 2;'] });
    const b = buildFimPrompt(doc(`${text}`, offset), { header: ['type A = 1;', 'type B = 2;'] });
    assert.deepEqual(a, b);
  });

  it('the naive baseline slides with every keystroke', () => {
    const at = endOfLine(text, 2000);
    const a = buildNaiveFimPrompt(doc(text, at));
    const typed = text.slice(0, at) + 'x' + text.slice(at);
    const b = buildNaiveFimPrompt(doc(typed, at + 1));
    assert.equal(a.stableChars, 0);
    assert.notEqual(a.prefix.slice(0, 50), b.prefix.slice(0, 50));
    assert.ok(estimateTokens(a.prefix) <= DEFAULT_FIM_BUDGET.prefixTokens && estimateTokens(a.prefix) >= DEFAULT_FIM_BUDGET.prefixTokens - 1);
    assert.ok(estimateTokens(a.suffix) <= DEFAULT_FIM_BUDGET.suffixTokens);
  });
});

describe('FIM prompt edge cases', () => {
  it('keeps only the tail of a cursor line longer than the whole window (minified code)', () => {
    const line = 'a=1;'.repeat(5_000);
    const p = buildFimPrompt({ path: 'x.min.js', languageId: 'javascript', text: `first\n${line}`, offset: 6 + line.length });
    const header = buildFimPrompt({ path: 'x.min.js', languageId: 'javascript', text: '', offset: 0 }).prefix;
    assert.ok(estimateTokens(p.prefix.slice(header.length)) <= DEFAULT_FIM_BUDGET.prefixTokens);
    assert.ok(line.endsWith(p.prefix.slice(header.length)));
    assert.equal(p.windowStartLine, 1);
    assert.equal(p.stableChars, header.length);
  });

  it('falls back to a finer snap when 32 lines would not leave half the budget', () => {
    const long = Array.from({ length: 100 }, (_, i) => `const value${i} = [${'1, '.repeat(60)}${i}];`).join('\n');
    const p = buildFimPrompt({ path: 'a.ts', languageId: 'typescript', text: long, offset: long.length }, { budget: { prefixTokens: 1000, suffixTokens: 100, headerTokens: 100 } });
    const header = buildFimPrompt({ path: 'a.ts', languageId: 'typescript', text: '', offset: 0 }).prefix;
    const window = estimateTokens(p.prefix.slice(header.length));
    assert.ok(window <= 1000 && window >= 500, `window ${window} tokens`);
    assert.equal(p.windowStartLine % 8, 0);
  });

  it('clamps an offset outside the text', () => {
    assert.equal(buildFimPrompt({ path: 'a.ts', languageId: 'typescript', text: 'abc', offset: 99 }).suffix, '');
    assert.ok(buildFimPrompt({ path: 'a.ts', languageId: 'typescript', text: 'abc', offset: -5 }).prefix.endsWith('\n'));
  });
});
