import * as assert from 'assert/strict';
import { fencedBlocks, matchTrailingNewline, replacementBlock } from '../../src/core/codeBlocks';

describe('code blocks in answers', () => {
  it('finds fenced blocks with their languages, including a cut-off last one', () => {
    const md = 'Intro\n\n```ts\nconst a = 1;\n```\n\ntext\n\n~~~python\nx = 2\n~~~\n\n```js\nlet cut';
    assert.deepEqual(fencedBlocks(md), [
      { language: 'ts', code: 'const a = 1;' },
      { language: 'python', code: 'x = 2' },
      { language: 'js', code: 'let cut' },
    ]);
  });

  it('handles longer fences containing shorter ones', () => {
    const md = '````md\n```ts\ninner\n```\n````';
    assert.deepEqual(fencedBlocks(md), [{ language: 'md', code: '```ts\ninner\n```' }]);
  });

  it('picks the longest non-diff, non-shell block as the replacement', () => {
    const md = '```bash\nnpm test && npm run build && echo long long long\n```\n\n```ts\nexport const add = (a: number, b: number) => a + b;\n```\n\n```ts\nadd(1, 2);\n```';
    assert.equal(replacementBlock(md)?.code, 'export const add = (a: number, b: number) => a + b;');
    assert.equal(replacementBlock('no code here'), undefined);
  });

  it('keeps the selection\'s trailing newline convention', () => {
    assert.equal(matchTrailingNewline('a\n', 'b'), 'b\n');
    assert.equal(matchTrailingNewline('a', 'b\n\n'), 'b');
    assert.equal(matchTrailingNewline('a\n', 'b\n'), 'b\n');
  });
});
