import * as assert from 'assert/strict';
import { estimateTokens, estimateTokensFromLength } from '../../src/core/tokenEstimate';

describe('token estimates', () => {
  it('counts 0.3 tokens per ASCII character, rounded up, and 0 for empty text', () => {
    assert.equal(estimateTokens(''), 0);
    assert.equal(estimateTokens('a'), 1);
    assert.equal(estimateTokens('0123456789'), 3);
    assert.equal(estimateTokens('hello world'), 4, '3.3 rounds up');
    assert.equal(estimateTokens('x'.repeat(100)), 30, 'exact, not 30.000000000000004 rounded up');
    assert.equal(estimateTokens('function add(a, b) {\n  return a + b;\n}\n'), 12);
  });

  it('counts 0.6 tokens per CJK character (Han, kana, Hangul, CJK punctuation)', () => {
    assert.equal(estimateTokens('你好世界'), 3, '2.4 rounds up');
    assert.equal(estimateTokens('中'.repeat(10)), 6);
    assert.equal(estimateTokens('こんにちは'), 3);
    assert.equal(estimateTokens('カタカナ'), 3);
    assert.equal(estimateTokens('한국어'), 2);
    assert.equal(estimateTokens('。，'), 2);
  });

  it('mixes the two rates, counting by code point', () => {
    assert.equal(estimateTokens('Hello 世界'), 3, '6 × 0.3 + 2 × 0.6 = 3');
    assert.equal(estimateTokens('解释 this code'), 5, '2 × 0.6 + 10 × 0.3 = 4.2');
    assert.equal(estimateTokens('😀'), 1, 'one code point, not two UTF-16 units');
    assert.equal(estimateTokens('é'.repeat(10)), 3);
  });

  it('estimates from a character count alone at the English rate', () => {
    assert.equal(estimateTokensFromLength(1000), 300);
    assert.equal(estimateTokensFromLength(1), 1);
    assert.equal(estimateTokensFromLength(0), 0);
    assert.equal(estimateTokensFromLength(-5), 0);
    assert.equal(estimateTokensFromLength(Number.NaN), 0);
  });
});
