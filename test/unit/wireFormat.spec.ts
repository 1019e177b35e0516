import * as assert from 'assert/strict';
import { readChunk } from '../../src/api/wireFormat';

describe('streamed chunks from DeepSeek and other OpenAI-compatible hosts', () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ choices: [{ index: 0, delta, finish_reason: finish }] });

  it("reads DeepSeek's reasoning_content and the answer", () => {
    assert.deepEqual(readChunk(chunk({ reasoning_content: 'think' })), { reasoning: 'think', content: undefined, finishReason: undefined });
    assert.deepEqual(readChunk(chunk({ content: 'answer' }, 'stop')), { reasoning: undefined, content: 'answer', finishReason: 'stop' });
  });

  it('reads `reasoning`, as some fallback hosts stream it, and prefers reasoning_content when both come', () => {
    assert.equal(readChunk(chunk({ reasoning: 'host thinks' })).reasoning, 'host thinks');
    assert.equal(readChunk(chunk({ reasoning_content: 'ds', reasoning: 'other' })).reasoning, 'ds');
    assert.equal(readChunk(chunk({ reasoning_content: '', reasoning: 'other' })).reasoning, 'other');
  });

  it('ignores empty and non-text fields: a host without reasoning gives the answer alone', () => {
    assert.equal(readChunk(chunk({ reasoning: '' })).reasoning, undefined);
    assert.equal(readChunk(chunk({ reasoning: { text: 'x' } })).reasoning, undefined);
    assert.equal(readChunk(chunk({ content: 'a' })).reasoning, undefined);
    assert.deepEqual(readChunk({ choices: [] }), { reasoning: undefined, content: undefined, finishReason: undefined });
  });
});
