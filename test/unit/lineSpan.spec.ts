import * as assert from 'assert/strict';
import { formatLineSpan, selectedLines } from '../../src/core/lineSpan';

describe('line span of a selection', () => {
  it('a selection ending at column 1 of a line does not count that line', () => {
    assert.deepEqual(selectedLines({ line: 4, character: 0 }, { line: 10, character: 0 }), { first: 5, last: 10 });
  });

  it('a selection ending inside a line counts it', () => {
    assert.deepEqual(selectedLines({ line: 4, character: 0 }, { line: 9, character: 1 }), { first: 5, last: 10 });
    assert.deepEqual(selectedLines({ line: 4, character: 3 }, { line: 10, character: 2 }), { first: 5, last: 11 });
  });

  it('an empty selection, or one within a line, is that line', () => {
    assert.deepEqual(selectedLines({ line: 6, character: 8 }, { line: 6, character: 8 }), { first: 7, last: 7 });
    assert.deepEqual(selectedLines({ line: 6, character: 0 }, { line: 6, character: 0 }), { first: 7, last: 7 });
    assert.deepEqual(selectedLines({ line: 6, character: 2 }, { line: 6, character: 9 }), { first: 7, last: 7 });
  });

  it('a selection of one whole line (to the start of the next) is that line', () => {
    assert.deepEqual(selectedLines({ line: 6, character: 0 }, { line: 7, character: 0 }), { first: 7, last: 7 });
  });

  it('formats for the instruction and for the chat', () => {
    assert.equal(formatLineSpan({ first: 5, last: 10 }), '5-10');
    assert.equal(formatLineSpan({ first: 5, last: 10 }, '–'), '5–10');
  });
});
