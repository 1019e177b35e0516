import * as assert from 'assert/strict';
import { StreamWatchdog, type StallReason } from '../../src/api/streamWatchdog';

describe('stream watchdog (fake clock)', () => {
  const timeouts = { firstTokenMs: 1000, idleMs: 500, maxQueueWaitMs: 5000 };

  function make() {
    let now = 0;
    const fired: StallReason[] = [];
    const dog = new StreamWatchdog(timeouts, (r) => fired.push(r), () => now);
    return { dog, fired, advance: (ms: number) => { now += ms; dog.check(); } };
  }

  it('fires firstToken after silence before any token', () => {
    const { dog, fired, advance } = make();
    advance(999);
    assert.deepEqual(fired, []);
    advance(2);
    assert.deepEqual(fired, ['firstToken']);
    dog.stop();
  });

  it('keeps a request alive through keep-alives, up to the queue limit', () => {
    const { dog, fired, advance } = make();
    for (let t = 0; t < 4900; t += 700) {
      advance(700);
      dog.bytes();
    }
    assert.deepEqual(fired, []);
    advance(200);
    assert.deepEqual(fired, ['queue']);
  });

  it('fires idle after silence between tokens, once', () => {
    const { dog, fired, advance } = make();
    advance(100);
    dog.token();
    advance(400);
    dog.token();
    advance(501);
    advance(1000);
    assert.deepEqual(fired, ['idle']);
    assert.equal(dog.timeToFirstToken, 100);
  });

  it('does not count the SDK backing off after an error response as silence', () => {
    const { dog, fired, advance } = make();
    dog.errorResponse();
    advance(3000);
    assert.deepEqual(fired, []);
    dog.attempt();
    advance(1001);
    assert.deepEqual(fired, ['firstToken']);
  });
});
