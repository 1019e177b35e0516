import * as assert from 'assert/strict';
import { unifiedDiff } from '../../src/core/prompt';
import { applyUnifiedDiff } from './promptWorkspace';

/** Deterministic pseudo-random edits of a text. */
function mutate(text: string, seed: number, edits: number): string {
  const lines = text.split('\n');
  let s = seed >>> 0;
  const next = (n: number) => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s % n;
  };
  for (let e = 0; e < edits; e++) {
    const at = next(lines.length + 1);
    switch (next(3)) {
      case 0:
        lines.splice(at, 0, `inserted ${seed}-${e}`);
        break;
      case 1:
        if (lines.length > 1) lines.splice(Math.min(at, lines.length - 1), 1);
        break;
      default:
        lines[Math.min(at, lines.length - 1)] = `changed ${seed}-${e}`;
    }
  }
  return lines.join('\n');
}

const BASE = Array.from({ length: 120 }, (_, i) => `line ${i % 17 === 0 ? 'repeat' : i}`).join('\n');

describe('prompt line diff', () => {
  it('produces a unified diff that turns the old text into the new one', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const after = mutate(BASE, seed, 1 + (seed % 7));
      const diff = unifiedDiff(BASE, after)!;
      assert.equal(applyUnifiedDiff(BASE, diff), after, `seed ${seed}`);
    }
  });

  it('handles empty texts, edges and identical texts', () => {
    assert.equal(unifiedDiff('a\nb', 'a\nb'), '');
    for (const [a, b] of [['', 'x'], ['x', ''], ['a\nb', 'z\na\nb'], ['a\nb', 'a\nb\nz'], ['a', 'b'], ['a\nb\nc', 'c\nb\na']]) {
      assert.equal(applyUnifiedDiff(a, unifiedDiff(a, b)!), b, `${JSON.stringify(a)} → ${JSON.stringify(b)}`);
    }
  });

  it('shows three lines of context and merges nearby changes into one hunk', () => {
    const before = Array.from({ length: 20 }, (_, i) => `l${i}`).join('\n');
    const after = before.replace('l5', 'L5').replace('l9', 'L9');
    assert.equal(
      unifiedDiff(before, after),
      ['@@ -3,11 +3,11 @@', ' l2', ' l3', ' l4', '-l5', '+L5', ' l6', ' l7', ' l8', '-l9', '+L9', ' l10', ' l11', ' l12'].join('\n'),
    );
    const far = before.replace('l1\n', 'L1\n').replace('l18', 'L18');
    assert.equal(unifiedDiff(far, before)!.split('\n').filter((l) => l.startsWith('@@')).length, 2);
  });

  it('gives up above the edit limit so the caller sends the whole text', () => {
    const after = mutate(BASE, 99, 40);
    assert.equal(unifiedDiff(BASE, after, { maxEdits: 5 }), undefined);
    assert.notEqual(unifiedDiff(BASE, after), undefined);
  });
});
