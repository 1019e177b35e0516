import * as assert from 'assert/strict';
import { DeepSeekClient, betaBaseUrl } from '../../src/api/deepseekClient';
import type { StreamEvent } from '../../src/api/types';
import { FakeDeepSeekServer } from '../fake-deepseek/server';

const KEY = 'sk-unit-test-key-0001';
const ask = (content: string) => [{ role: 'user' as const, content }];
/** The two roles as the engine sends them to today's API. */
const CHAT = { model: 'deepseek-flash', thinking: 'disabled' as const };
const REASONER = { model: 'deepseek-flash', thinking: 'enabled' as const };

describe('DeepSeek client against the fake server', function () {
  this.timeout(20_000);
  let server: FakeDeepSeekServer;
  let client: DeepSeekClient;

  beforeEach(async () => {
    server = new FakeDeepSeekServer({ apiKey: KEY, chunkChars: 4 });
    const baseUrl = await server.start();
    client = new DeepSeekClient({ baseUrl, apiKey: KEY, timeouts: { firstTokenMs: 400, idleMs: 300, maxQueueWaitMs: 5000 } });
  });

  afterEach(async () => {
    await server.stop();
  });

  describe('streaming', () => {
    it('yields reasoning then content deltas in order, with usage from the last chunk', async () => {
      server.configure({ replies: [{ reasoning: 'First I think. Then I decide.', content: 'Use a Map here.' }] });
      const events: StreamEvent[] = [];
      const result = await client.streamChat({ ...REASONER, messages: ask('Which structure?') }, { onEvent: (e) => events.push(e) });
      assert.equal(result.failure, undefined);
      assert.equal(result.reasoning, 'First I think. Then I decide.');
      assert.equal(result.content, 'Use a Map here.');
      assert.equal(events.filter((e) => e.type === 'reasoning').map((e) => e.text).join(''), result.reasoning);
      const firstContent = events.findIndex((e) => e.type === 'content');
      assert.ok(events.slice(firstContent).every((e) => e.type === 'content'), 'no reasoning after the answer started');
      assert.ok(events.length > 5, 'arrives in many deltas');
      assert.equal(result.finishReason, 'stop');
      assert.equal(result.partial, false);
      const logged = server.requests[0];
      assert.ok(result.usage);
      assert.equal(result.usage.hitTokens, logged.cache?.hit);
      assert.equal(result.usage.missTokens, logged.cache?.miss);
      assert.ok(result.usage.reasoningTokens > 0 && result.usage.outputTokens > result.usage.reasoningTokens);
      assert.ok(result.firstTokenMs !== undefined && result.firstTokenMs >= 0);
      const body = logged.body as Record<string, any>;
      assert.deepEqual(body.stream_options, { include_usage: true });
      assert.equal(logged.headers.authorization, `Bearer ${KEY}`);
    });

    it('reads usage from a separate final chunk (older API behaviour)', async () => {
      server.configure({ usageMode: 'separateChunk' });
      const result = await client.streamChat({ ...CHAT, messages: ask('hi') });
      assert.ok(result.usage && result.usage.outputTokens > 0);
      assert.equal(result.failure, undefined);
    });

    it('sends the thinking parameter and max_tokens only when asked', async () => {
      await client.streamChat({ model: 'deepseek-flash', messages: ask('a') });
      await client.streamChat({ model: 'deepseek-flash', messages: ask('b'), thinking: 'enabled', maxTokens: 50 });
      const [plain, thinking] = server.requests.map((r) => r.body as Record<string, any>);
      assert.equal(plain.thinking, undefined);
      assert.equal(plain.max_tokens, undefined);
      assert.deepEqual(thinking.thinking, { type: 'enabled' });
      assert.equal(thinking.max_tokens, 50);
      assert.equal(plain.reasoning_effort, undefined);
    });

    it('sends reasoning_effort as an extra body field when asked', async () => {
      server.configure({ replies: [{ reasoning: 'Deep.', content: 'Max.' }] });
      const result = await client.streamChat({ ...REASONER, reasoningEffort: 'max', messages: ask('hard one') });
      assert.equal(result.failure, undefined);
      assert.equal(result.reasoning, 'Deep.');
      const logged = server.requests[0];
      assert.equal((logged.body as Record<string, unknown>).reasoning_effort, 'max');
      assert.deepEqual(logged.thinking, { enabled: true, effort: 'max' }, 'the server thought at max');
    });

    it('treats keep-alive waiting as life, longer than the first-token timeout', async () => {
      server.injectFault({ kind: 'keepAlive', count: 8, intervalMs: 100 });
      const started = Date.now();
      const result = await client.streamChat({ ...CHAT, messages: ask('queued') });
      assert.ok(Date.now() - started >= 700, 'waited through ~800 ms of keep-alives with a 400 ms first-token timeout');
      assert.equal(result.failure, undefined);
      assert.match(result.content, /queued/);
    });

    it('gives up when keep-alives alone hold the request past the queue limit', async () => {
      const short = new DeepSeekClient({ baseUrl: server.url, apiKey: KEY, timeouts: { firstTokenMs: 400, idleMs: 300, maxQueueWaitMs: 500 } });
      server.injectFault({ kind: 'keepAlive', count: 30, intervalMs: 100 });
      const result = await short.streamChat({ ...CHAT, messages: ask('x') });
      assert.equal(result.failure?.kind, 'timeout');
      assert.match(result.failure?.message ?? '', /queued/);
    });

    it('stops a stalled stream at the idle timeout and keeps what arrived, marked partial', async () => {
      server.configure({ replies: [{ reasoning: 'thinking '.repeat(10), content: 'never sent' }] });
      server.injectFault({ kind: 'stall', afterChunks: 6 });
      const started = Date.now();
      const result = await client.streamChat({ ...REASONER, messages: ask('stall') });
      assert.ok(Date.now() - started < 3000, 'the stall is detected within seconds');
      assert.equal(result.failure?.kind, 'timeout');
      assert.match(result.failure?.message ?? '', /stalled.*kept and marked incomplete/);
      assert.equal(result.partial, true);
      assert.equal(result.reasoning, 'thinking thinking th', 'the five reasoning chunks before the stall');
      assert.equal(result.usage, undefined, 'no usage: the ledger must estimate');
    });

    it('times out when nothing at all arrives before the first token', async () => {
      server.injectFault({ kind: 'stall', afterChunks: 0 });
      const result = await client.streamChat({ ...CHAT, messages: ask('silent') });
      assert.equal(result.failure?.kind, 'timeout');
      assert.match(result.failure?.message ?? '', /sent nothing/);
    });

    it('keeps partial output when the connection drops', async () => {
      server.configure({ replies: [{ content: 'abcdefghijklmnopqrstuvwxyz' }], chunkDelayMs: 20 });
      server.injectFault({ kind: 'drop', afterChunks: 4 });
      const result = await client.streamChat({ ...CHAT, messages: ask('drop') });
      assert.equal(result.failure?.kind, 'stream');
      assert.match(result.failure?.message ?? '', /dropped mid-answer/);
      assert.equal(result.content, 'abcdefghijkl');
      assert.equal(result.partial, true);
    });

    it('keeps partial output when a chunk is malformed', async () => {
      server.configure({ replies: [{ content: 'abcdefghijklmnop' }], chunkDelayMs: 20 });
      server.injectFault({ kind: 'malformed', afterChunks: 3 });
      const result = await client.streamChat({ ...CHAT, messages: ask('bad') });
      assert.equal(result.failure?.kind, 'stream');
      assert.match(result.failure?.message ?? '', /malformed/);
      assert.equal(result.content, 'abcdefgh');
    });

    it('cancels at once: the connection closes, the partial answer is kept', async () => {
      server.configure({ replies: [{ content: 'x'.repeat(400) }], chunkDelayMs: 10 });
      const controller = new AbortController();
      let seen = 0;
      const started = Date.now();
      const result = await client.streamChat({ ...CHAT, messages: ask('long') }, {
        signal: controller.signal,
        onEvent: () => {
          if (++seen === 3) controller.abort();
        },
      });
      assert.ok(Date.now() - started < 1000);
      assert.equal(result.failure?.kind, 'cancelled');
      assert.equal(result.partial, true);
      assert.equal(result.content, 'xxxxxxxxxxxx');
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(server.requests[0].outcome, 'aborted', 'the server saw the connection close');
    });

    it('does not send at all when already cancelled', async () => {
      const controller = new AbortController();
      controller.abort();
      const result = await client.streamChat({ ...CHAT, messages: ask('x') }, { signal: controller.signal });
      assert.equal(result.failure?.kind, 'cancelled');
      assert.equal(server.requests.length, 0);
    });

    it('surfaces finish_reason length and insufficient_system_resource as partial answers', async () => {
      server.configure({ replies: [{ content: 'many words here '.repeat(20) }, { content: 'half', finishReason: 'insufficient_system_resource' }] });
      const cut = await client.streamChat({ ...CHAT, messages: ask('x'), maxTokens: 6 });
      assert.equal(cut.finishReason, 'length');
      assert.equal(cut.partial, true);
      assert.equal(cut.failure, undefined);
      const starved = await client.streamChat({ ...CHAT, messages: ask('y') });
      assert.equal(starved.finishReason, 'insufficient_system_resource');
      assert.equal(starved.partial, true);
    });
  });

  describe('content parts', () => {
    it('sends text and image_url parts exactly as given, and counts an image by its size in promptChars', async () => {
      const png = Buffer.alloc(4000, 7);
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]).copy(png, 0);
      png.writeUInt32BE(640, 16);
      png.writeUInt32BE(480, 20);
      const url = `data:image/png;base64,${png.toString('base64')}`;
      const content = [{ type: 'text' as const, text: 'What does this show?' }, { type: 'image_url' as const, image_url: { url } }];
      const result = await client.streamChat({ ...CHAT, messages: [{ role: 'system', content: 'rules' }, { role: 'user', content }] });
      const sent = (server.requests[0].body as { messages: unknown[] }).messages;
      assert.deepEqual(sent, [{ role: 'system', content: 'rules' }, { role: 'user', content }]);
      // 640×480 → 20×15 patches + 2; text by its length (not the ~5,400 characters of base64).
      assert.equal(result.promptChars, 'rules'.length + 'What does this show?'.length + Math.ceil(((20 * 15 + 2) * 10) / 3));
    });
  });

  describe('errors', () => {
    const run = () => client.streamChat({ ...CHAT, messages: ask('e') });

    it('400: shows the API message, no retry', async () => {
      server.injectFault({ kind: 'status', status: 400, message: 'messages[0].role is invalid' });
      const result = await run();
      assert.equal(result.failure?.kind, 'invalid');
      assert.match(result.failure?.message ?? '', /messages\[0\]\.role is invalid/);
      assert.equal(server.requests.length, 1);
    });

    it('401: asks for a key, no retry, never echoes the key', async () => {
      const wrong = new DeepSeekClient({ baseUrl: server.url, apiKey: 'sk-wrong-key-abcdef123456' });
      const result = await wrong.streamChat({ ...CHAT, messages: ask('x') });
      assert.equal(result.failure?.kind, 'auth');
      assert.match(result.failure?.message ?? '', /Set API Key/);
      assert.doesNotMatch(result.failure?.message ?? '', /sk-wrong-key-abcdef123456/);
      assert.equal(server.requests.length, 1);
    });

    it('402: says the balance is insufficient and shows it', async () => {
      server.configure({ balance: { is_available: false, balance_infos: [{ currency: 'USD', total_balance: '0.00', granted_balance: '0.00', topped_up_balance: '0.00' }] } });
      server.injectFault({ kind: 'status', status: 402, path: '/chat/completions' });
      const result = await run();
      assert.equal(result.failure?.kind, 'balance');
      assert.match(result.failure?.message ?? '', /Insufficient balance.*0\.00 USD.*Top up/);
      assert.equal(server.requests.filter((r) => r.route === '/chat/completions').length, 1);
    });

    it('422: shows the API message, no retry', async () => {
      server.injectFault({ kind: 'status', status: 422, message: 'max_tokens must be ≤ 8192' });
      const result = await run();
      assert.equal(result.failure?.kind, 'invalid');
      assert.match(result.failure?.message ?? '', /max_tokens must be ≤ 8192/);
      assert.equal(server.requests.length, 1);
    });

    it('429: backs off honouring retry-after, then succeeds', async () => {
      server.injectFault({ kind: 'status', status: 429, retryAfter: 1 });
      const started = Date.now();
      const result = await run();
      assert.equal(result.failure, undefined);
      assert.ok(Date.now() - started >= 950, 'waited for retry-after');
      assert.equal(server.requests.length, 2);
    });

    it('500: retried, then succeeds', async () => {
      server.injectFault({ kind: 'status', status: 500 });
      const result = await run();
      assert.equal(result.failure, undefined);
      assert.equal(server.requests.length, 2);
    });

    it('503 that persists: retried twice, then a retryable server failure', async () => {
      server.injectFault({ kind: 'status', status: 503, times: 3 });
      const result = await run();
      assert.equal(result.failure?.kind, 'server');
      assert.equal(result.failure?.retryable, true);
      assert.match(result.failure?.message ?? '', /503/);
      assert.equal(server.requests.length, 3);
    });

    it('an unknown model on an endpoint that says "Model Not Exist" names the ids GET /models returns', async () => {
      server.configure({ legacyEndpoint: true });
      const result = await client.streamChat({ model: 'deepseek-v3-retired', messages: ask('x') });
      assert.equal(result.failure?.kind, 'model');
      assert.match(result.failure?.message ?? '', /"deepseek-v3-retired" does not exist.*deepseek-chat, deepseek-reasoner/);
    });

    it('a retired id on today\'s API: a model failure naming the supported and the listed ids, no retry', async () => {
      const result = await client.streamChat({ model: 'deepseek-chat', messages: ask('x') });
      assert.equal(result.failure?.status, 400);
      assert.equal(result.failure?.kind, 'model');
      assert.match(result.failure?.message ?? '', /does not serve the model "deepseek-chat" \(400\): The supported API model names are deepseek-v4-pro or deepseek-flash/);
      assert.match(result.failure?.message ?? '', /The API lists: deepseek-flash, deepseek-v4-pro\. Choose one in the DeepSeek model settings\.$/);
      assert.deepEqual(result.failure?.modelError, {
        apiMessage: 'The supported API model names are deepseek-v4-pro or deepseek-flash, but you passed deepseek-chat.',
        supported: ['deepseek-v4-pro', 'deepseek-flash'],
        listed: ['deepseek-flash', 'deepseek-v4-pro'],
      });
      assert.equal(server.requests.filter((r) => r.route === '/chat/completions').length, 1);
    });

    it('a 400 about something else stays an invalid request, not a model failure', async () => {
      server.injectFault({ kind: 'status', status: 400, message: 'Invalid value for temperature: must be at most 2', path: '/chat/completions' });
      const result = await client.streamChat({ ...CHAT, messages: ask('x') });
      assert.equal(result.failure?.kind, 'invalid');
      assert.equal(result.failure?.modelError, undefined);
      assert.match(result.failure?.message ?? '', /temperature/);
      assert.equal(server.requests.filter((r) => r.route === '/models').length, 0, 'no model list fetched for it');
    });

    it('an unreachable endpoint says so', async () => {
      const nowhere = new DeepSeekClient({ baseUrl: 'http://127.0.0.1:9', apiKey: KEY, maxRetries: 0 });
      const result = await nowhere.streamChat({ ...CHAT, messages: ask('x') });
      assert.equal(result.failure?.kind, 'network');
      assert.match(result.failure?.message ?? '', /Could not reach 127\.0\.0\.1:9/);
    });
  });

  describe('FIM, models and balance', () => {
    it('completes the middle on /beta/completions', async () => {
      server.configure({ fimReply: 'return a + b;' });
      const result = await client.fim({ model: 'deepseek-flash', prompt: 'function add(a, b) {\n  ', suffix: '\n}', maxTokens: 64, stop: ['\n\n'] });
      assert.equal(result.failure, undefined);
      assert.equal(result.text, 'return a + b;');
      assert.ok(result.usage && result.usage.outputTokens > 0);
      const logged = server.requests[0];
      assert.equal(logged.route, '/beta/completions');
      assert.deepEqual((logged.body as Record<string, unknown>).stop, ['\n\n']);
    });

    it('refuses FIM on a model that does not serve it (Pro), without sending anything', async () => {
      const result = await client.fim({ model: 'deepseek-v4-pro', prompt: 'x' });
      assert.equal(result.failure?.kind, 'model');
      assert.match(result.failure?.message ?? '', /deepseek-v4-pro does not serve fill-in-the-middle completions; nothing was sent/);
      assert.equal(server.requests.length, 0);
    });

    it('reports an endpoint refusing FIM for a model it does not serve it on', async () => {
      server.configure({ fimModels: [] });
      const result = await client.fim({ model: 'deepseek-flash', prompt: 'x' });
      assert.equal(result.failure?.kind, 'invalid');
      assert.match(result.failure?.message ?? '', /not supported/);
    });

    it('derives the beta base URL from either base URL form', () => {
      assert.equal(betaBaseUrl('https://api.deepseek.com'), 'https://api.deepseek.com/beta');
      assert.equal(betaBaseUrl('https://api.deepseek.com/v1/'), 'https://api.deepseek.com/beta');
    });

    it('lists models and reads the balance', async () => {
      assert.deepEqual(await client.listModels(), ['deepseek-flash', 'deepseek-v4-pro']);
      const balance = await client.balance();
      assert.equal(balance.isAvailable, true);
      assert.deepEqual(balance.balances, [{ currency: 'USD', total: 10, granted: 0, toppedUp: 10 }]);
    });
  });
});
