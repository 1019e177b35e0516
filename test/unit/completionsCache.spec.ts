import * as assert from 'assert/strict';
import { CompletionCache } from '../../src/core/completions/completionCache';
import { TypingDebounce } from '../../src/core/completions/typingDebounce';

describe('completion cache (core/completions/completionCache)', () => {
  it('hits on the exact prefix and suffix only', () => {
    const cache = new CompletionCache();
    cache.put('const x = ', ';\n', 'compute(1)');
    assert.equal(cache.get('const x = ', ';\n'), 'compute(1)');
    assert.equal(cache.get('const x = ', ');\n'), undefined, 'another suffix');
    assert.equal(cache.get('const y = ', ';\n'), undefined);
  });

  it('types through: a prefix grown by the start of the completion gets the rest', () => {
    const cache = new CompletionCache();
    cache.put('const x = ', ';\n', 'compute(1)');
    assert.equal(cache.get('const x = c', ';\n'), 'ompute(1)');
    assert.equal(cache.get('const x = compute(', ';\n'), '1)');
    assert.equal(cache.get('const x = compute(1)', ';\n'), undefined, 'nothing remains');
    assert.equal(cache.get('const x = cx', ';\n'), undefined, 'typed something else');
    assert.equal(cache.get('const x = c', 'other'), undefined, 'the suffix changed');
  });

  it('prefers the latest answer along the line (the longest cached prefix)', () => {
    const cache = new CompletionCache();
    cache.put('a = ', '', 'foo(bar)');
    cache.put('a = foo(', '', 'baz)');
    assert.equal(cache.get('a = foo(b', ''), 'az)');
    assert.equal(cache.get('a = f', ''), 'oo(bar)');
  });

  it('hits after a backspace to a prefix cached earlier', () => {
    const cache = new CompletionCache();
    cache.put('let n = ', '', 'items.length;');
    cache.put('let n = x', '', '.size;');
    assert.equal(cache.get('let n = ', ''), 'items.length;', 'backspaced over the x');
    assert.equal(cache.get('let n = items', ''), '.length;', 'then typed through again');
  });

  it('evicts the least recently used entry', () => {
    const cache = new CompletionCache(3);
    cache.put('a', '', '1');
    cache.put('b', '', '2');
    cache.put('c', '', '3');
    assert.equal(cache.get('a', ''), '1', 'a is now the most recent');
    cache.put('d', '', '4');
    assert.equal(cache.size, 3);
    assert.equal(cache.get('b', ''), undefined, 'b was the least recent');
    assert.equal(cache.get('a', ''), '1');
    assert.equal(cache.get('c', ''), '3');
    assert.equal(cache.get('d', ''), '4');
    assert.equal(new CompletionCache().size, 0);
  });

  it('keeps prefix and suffix apart in its keys', () => {
    const cache = new CompletionCache();
    cache.put('ab', 'c', 'one');
    assert.equal(cache.get('a', 'bc'), undefined);
    assert.equal(cache.get('abc', ''), undefined);
  });
});

describe('typing debounce (core/completions/typingDebounce)', () => {
  const typist = (gapMs: number, keys = 12) => {
    const d = new TypingDebounce();
    for (let i = 0; i < keys; i++) d.keystroke(1_000 + i * gapMs);
    return d.delayMs();
  };

  it('starts at the initial delay', () => {
    assert.equal(new TypingDebounce().delayMs(), 150);
    assert.equal(new TypingDebounce({ initialMs: 200 }).delayMs(), 200);
  });

  it('waits 1.5× the typical gap: shorter for a fast typist, longer for a slow one', () => {
    assert.equal(typist(60), 90);
    assert.equal(typist(150), 225);
    assert.ok(typist(60) < 150 && typist(150) > 150);
  });

  it('clamps to its range', () => {
    assert.equal(typist(20), 75, 'very fast: the minimum');
    assert.equal(typist(400), 350, 'very slow: the maximum');
    const custom = new TypingDebounce({ minMs: 100, maxMs: 200 });
    for (let i = 0; i < 5; i++) custom.keystroke(i * 10);
    assert.equal(custom.delayMs(), 100);
  });

  it('follows the median, not a stumble, and ignores pauses', () => {
    const d = new TypingDebounce();
    let t = 0;
    for (const gap of [80, 80, 900, 80, 80, 10_000, 80, 80]) {
      t += gap;
      d.keystroke(t);
    }
    assert.equal(d.delayMs(), 120);
  });

  it('adapts when the rhythm changes', () => {
    const d = new TypingDebounce();
    let t = 0;
    for (let i = 0; i < 10; i++) d.keystroke((t += 200));
    assert.equal(d.delayMs(), 300);
    for (let i = 0; i < 10; i++) d.keystroke((t += 50));
    assert.equal(d.delayMs(), 75);
  });
});
