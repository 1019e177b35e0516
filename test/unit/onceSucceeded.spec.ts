import * as assert from 'assert/strict';
import { onceSucceeded } from '../../src/core/onceSucceeded';

describe('onceSucceeded (the redactor is made once, but retried after a failure)', () => {
  it('makes the value once and shares it, also between concurrent calls', async () => {
    let made = 0;
    const get = onceSucceeded(async () => ({ n: ++made }));
    const [a, b] = await Promise.all([get(), get()]);
    assert.equal(a, b);
    assert.equal(await get(), a);
    assert.equal(made, 1);
  });

  it('tries again after a failure instead of keeping it until reload', async () => {
    let calls = 0;
    const get = onceSucceeded(async () => {
      calls += 1;
      if (calls === 1) throw new Error('SecretStorage is locked');
      return 'redactor';
    });
    await assert.rejects(get(), /SecretStorage is locked/);
    assert.equal(await get(), 'redactor');
    assert.equal(await get(), 'redactor');
    assert.equal(calls, 2);
  });

  it('lets callers that shared a failed attempt all see the failure', async () => {
    let calls = 0;
    const get = onceSucceeded(async () => {
      calls += 1;
      throw new Error(`attempt ${calls}`);
    });
    const results = await Promise.allSettled([get(), get()]);
    assert.deepEqual(results.map((r) => r.status), ['rejected', 'rejected']);
    assert.equal(calls, 1);
    await assert.rejects(get(), /attempt 2/);
  });
});
