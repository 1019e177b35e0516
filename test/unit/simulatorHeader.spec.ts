import * as assert from 'assert/strict';
import * as net from 'net';
import { checkConnection } from '../../src/api/connectionCheck';
import { DeepSeekClient } from '../../src/api/deepseekClient';
import { SIMULATOR_HEADER } from '../../src/core/endpoint';
import { EndpointIdentity } from '../../src/core/endpointIdentity';
import { FakeDeepSeekServer } from '../fake-deepseek/server';

const KEY = 'sk-unit-simulator-header-01';

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('the offline simulator identifies itself, and the client tells the endpoint identity', function () {
  this.timeout(20_000);
  let server: FakeDeepSeekServer;
  let baseUrl: string;

  beforeEach(async () => {
    server = new FakeDeepSeekServer({ apiKey: KEY, simulator: true });
    baseUrl = await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  it('every response of the simulator carries the header; the plain fake sends none', async () => {
    for (const path of ['/models', '/user/balance', '/nowhere']) {
      const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${KEY}` } });
      assert.equal(res.headers.get(SIMULATOR_HEADER), '1', path);
    }
    server.configure({ simulator: false });
    assert.equal((await fetch(`${baseUrl}/models`, { headers: { authorization: `Bearer ${KEY}` } })).headers.get(SIMULATOR_HEADER), null);
  });

  it('the key check (GET /models) is enough to know it is the simulator', async () => {
    const identity = new EndpointIdentity();
    assert.equal(identity.isSimulator(baseUrl), false, 'a loopback URL alone is not the simulator');
    const result = await checkConnection(baseUrl, KEY, undefined, identity);
    assert.equal(result.ok, true);
    assert.equal(identity.isSimulator(baseUrl), true);
    assert.match(identity.describe(baseUrl).label, /^Offline simulator at http:\/\/127\.0\.0\.1:\d+ — requests do not reach DeepSeek$/);
  });

  it('so are the balance call and a streamed answer; a response without the header undoes it', async () => {
    const identity = new EndpointIdentity();
    const client = new DeepSeekClient({ baseUrl, apiKey: KEY, observer: identity });
    await client.balance();
    assert.equal(identity.isSimulator(baseUrl), true, 'the balance call');
    server.configure({ simulator: false });
    const plain = await client.streamChat({ model: 'deepseek-flash', thinking: 'disabled', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(plain.failure, undefined);
    assert.equal(identity.isSimulator(baseUrl), false, 'the latest response had no header');
    server.configure({ simulator: true });
    await client.streamChat({ model: 'deepseek-flash', thinking: 'disabled', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(identity.isSimulator(baseUrl), true, 'a streamed answer');
  });

  it('an error answer from the simulator still says so (it is the simulator refusing)', async () => {
    const identity = new EndpointIdentity();
    const result = await checkConnection(baseUrl, 'sk-wrong-key-0000000000', undefined, identity);
    assert.equal(result.ok, false);
    assert.equal(identity.isSimulator(baseUrl), true);
  });

  it('a refused connection makes a loopback endpoint "not reachable", never the simulator', async () => {
    const identity = new EndpointIdentity();
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const result = await checkConnection(dead, KEY, AbortSignal.timeout(10_000), identity);
    assert.equal(result.ok, false);
    assert.equal(identity.sighting(dead), 'refused');
    assert.equal(identity.describe(dead).label, `Local endpoint at ${dead} — not reachable (connection refused)`);
    assert.equal(identity.isSimulator(dead), false);
  });
});
