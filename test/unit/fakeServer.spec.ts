import * as assert from 'assert/strict';
import { FakeDeepSeekControl } from '../fake-deepseek/control';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import { countTokens } from '../fake-deepseek/tokenizer';
import { json, jsonChunks, readSse } from './sse';

describe('fake DeepSeek server', () => {
  let server: FakeDeepSeekServer;
  let url: string;

  beforeEach(async () => {
    server = new FakeDeepSeekServer();
    url = await server.start();
  });

  afterEach(async () => {
    await server.stop();
  });

  const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
    fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', ...headers },
      body: JSON.stringify(body),
    });

  it('streams reasoning_content before content for the reasoner, usage on the last chunk, then [DONE]', async () => {
    server.configure({ replies: [{ reasoning: 'Think about it carefully.', content: 'The answer is 42.' }], chunkChars: 5 });
    const res = await chat({ model: 'deepseek-reasoner', stream: true, messages: [{ role: 'user', content: 'Why?' }] });
    assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
    const events = await readSse(res);
    assert.equal(events.data.at(-1), '[DONE]');
    const chunks = jsonChunks(events);
    const reasoning = chunks.map((c) => c.choices[0]?.delta?.reasoning_content ?? '').join('');
    const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.equal(reasoning, 'Think about it carefully.');
    assert.equal(content, 'The answer is 42.');
    const firstContent = chunks.findIndex((c) => c.choices[0]?.delta?.content);
    const lastReasoning = chunks.map((c) => Boolean(c.choices[0]?.delta?.reasoning_content)).lastIndexOf(true);
    assert.ok(lastReasoning < firstContent, 'all reasoning arrives before the answer');
    const last = chunks.at(-1)!;
    assert.equal(last.choices[0].finish_reason, 'stop');
    assert.equal(last.usage.completion_tokens_details.reasoning_tokens, countTokens('Think about it carefully.'));
    assert.equal(last.usage.prompt_tokens, last.usage.prompt_cache_hit_tokens + last.usage.prompt_cache_miss_tokens);
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === undefined), 'only the last chunk carries usage');
  });

  it('sends no reasoning_content for the chat model', async () => {
    const res = await chat({ model: 'deepseek-chat', stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const chunks = jsonChunks(await readSse(res));
    assert.ok(chunks.every((c) => !c.choices[0]?.delta?.reasoning_content));
    assert.match(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), /You asked: \*\*Hi\*\*/);
  });

  it('sends usage in a separate chunk with empty choices in the older mode when include_usage is asked', async () => {
    server.configure({ usageMode: 'separateChunk' });
    const res = await chat({ model: 'deepseek-chat', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] });
    const chunks = jsonChunks(await readSse(res));
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage.total_tokens > 0);
    assert.equal(chunks.at(-2)!.choices[0].finish_reason, 'stop');
    assert.equal(chunks.at(-2)!.usage, undefined);
  });

  it('sends keep-alive comments before the first token', async () => {
    server.injectFault({ kind: 'keepAlive', count: 3, intervalMs: 1 });
    const events = await readSse(await chat({ model: 'deepseek-chat', stream: true, messages: [{ role: 'user', content: 'Hi' }] }));
    assert.deepEqual(events.comments, ['keep-alive', 'keep-alive', 'keep-alive']);
  });

  it('answers non-streamed requests, after blank keep-alive lines when asked', async () => {
    server.configure({ replies: [{ reasoning: 'hmm', content: 'done' }] });
    server.injectFault({ kind: 'keepAlive', count: 2, intervalMs: 1 });
    const res = await chat({ model: 'deepseek-reasoner', messages: [{ role: 'user', content: 'Go' }] });
    const raw = await res.text();
    assert.ok(raw.startsWith('\n\n'));
    const body = JSON.parse(raw);
    assert.equal(body.choices[0].message.content, 'done');
    assert.equal(body.choices[0].message.reasoning_content, 'hmm');
  });

  it('simulates the prefix cache in whole units from the first token', async () => {
    const system = { role: 'system', content: 'You are a careful assistant. '.repeat(60) };
    const first = await json(chat({ model: 'deepseek-chat', messages: [system, { role: 'user', content: 'one' }] }));
    assert.equal(first.usage.prompt_cache_hit_tokens, 0);
    const second = await json(chat({ model: 'deepseek-chat', messages: [system, { role: 'user', content: 'two' }] }));
    assert.ok(second.usage.prompt_cache_hit_tokens > 0);
    assert.equal(second.usage.prompt_cache_hit_tokens % 64, 0);
    assert.equal(second.usage.prompt_tokens, second.usage.prompt_cache_hit_tokens + second.usage.prompt_cache_miss_tokens);
    const changedStart = await json(chat({ model: 'deepseek-chat', messages: [{ role: 'system', content: 'X' }, system, { role: 'user', content: 'two' }] }));
    assert.equal(changedStart.usage.prompt_cache_hit_tokens, 0, 'a change in the first bytes misses the cache');
  });

  it('truncates at max_tokens with finish_reason length, and can report insufficient_system_resource', async () => {
    server.configure({ replies: [{ content: 'word '.repeat(50) }, { content: 'partial', finishReason: 'insufficient_system_resource' }] });
    const cut = await json(chat({ model: 'deepseek-chat', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(cut.choices[0].finish_reason, 'length');
    assert.equal(cut.usage.completion_tokens, 5);
    const res = await json(chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(res.choices[0].finish_reason, 'insufficient_system_resource');
  });

  it('rejects an unknown model with the API\'s message', async () => {
    const res = await chat({ model: 'deepseek-v9', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(res.status, 400);
    assert.equal((await json(res)).error.message, 'Model Not Exist');
  });

  it('checks the key when configured with one, without echoing it', async () => {
    server.configure({ apiKey: 'sk-right-key' });
    const bad = await chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }] }, { authorization: 'Bearer sk-wrong-key-1234' });
    assert.equal(bad.status, 401);
    const text = await bad.text();
    assert.match(text, /Authentication Fails/);
    assert.doesNotMatch(text, /sk-wrong-key/);
    const good = await chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }] }, { authorization: 'Bearer sk-right-key' });
    assert.equal(good.status, 200);
  });

  it('serves FIM on /beta/completions, honouring stop and refusing the reasoner', async () => {
    server.configure({ fimReply: 'return a + b;\n}\n\nfunction next() {' });
    const fim = (body: object) => fetch(`${url}/beta/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res = await json(fim({ model: 'deepseek-chat', prompt: 'function add(a, b) {\n  ', suffix: '\n}', stop: ['\n\n'], max_tokens: 64 }));
    assert.equal(res.object, 'text_completion');
    assert.equal(res.choices[0].text, 'return a + b;\n}');
    assert.ok(res.usage.prompt_tokens > 0);
    const refused = await fim({ model: 'deepseek-reasoner', prompt: 'x' });
    assert.equal(refused.status, 400);
    const streamed = jsonChunks(await readSse(await fim({ model: 'deepseek-chat', prompt: 'x', stream: true })));
    assert.equal(streamed.map((c) => c.choices[0].text).join(''), 'return a + b;\n}\n\nfunction next() {');
    assert.ok(streamed.at(-1)!.usage);
  });

  it('lists models and the balance, also under /v1', async () => {
    const models = await json(fetch(`${url}/v1/models`));
    assert.deepEqual(models.data.map((m: { id: string }) => m.id), ['deepseek-chat', 'deepseek-reasoner']);
    const balance = await json(fetch(`${url}/user/balance`));
    assert.equal(balance.is_available, true);
    assert.equal(balance.balance_infos[0].currency, 'USD');
    assert.equal(typeof balance.balance_infos[0].total_balance, 'string');
  });

  it('logs every request with headers, body and cache result', async () => {
    await chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'logged' }] });
    await fetch(`${url}/models`);
    const [first, second] = server.requests;
    assert.equal(first.route, '/chat/completions');
    assert.equal(first.headers.authorization, 'Bearer sk-test');
    assert.deepEqual((first.body as { messages: unknown[] }).messages, [{ role: 'user', content: 'logged' }]);
    assert.ok(first.cache);
    assert.equal(first.outcome, 'ok');
    assert.equal(second.route, '/models');
  });

  describe('fault injection', () => {
    it('answers with an injected status and retry-after, once unless told otherwise', async () => {
      server.injectFault({ kind: 'status', status: 429, retryAfter: 2 });
      const limited = await chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '2');
      assert.match((await json(limited)).error.message, /Rate Limit/);
      const next = await chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }] });
      assert.equal(next.status, 200);
    });

    it('repeats a fault `times` times and can target one path', async () => {
      server.injectFault({ kind: 'status', status: 503, times: 2, path: '/chat/completions' });
      assert.equal((await fetch(`${url}/models`)).status, 200);
      for (const expected of [503, 503, 200]) {
        assert.equal((await chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }] })).status, expected);
      }
    });

    it('delays the response', async () => {
      server.injectFault({ kind: 'delay', ms: 150 });
      const started = Date.now();
      await json(chat({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'x' }] }));
      assert.ok(Date.now() - started >= 140);
    });

    it('stalls a stream mid-way with the connection open', async () => {
      server.configure({ replies: [{ reasoning: 'a'.repeat(60), content: 'b' }], chunkChars: 10 });
      server.injectFault({ kind: 'stall', afterChunks: 3 });
      const res = await chat({ model: 'deepseek-reasoner', stream: true, messages: [{ role: 'user', content: 'x' }] });
      const reader = res.body!.getReader();
      let received = '';
      const decoder = new TextDecoder();
      const silence = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(true), 300);
        const pump = async (): Promise<void> => {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) {
              clearTimeout(timer);
              resolve(false);
              return;
            }
            received += decoder.decode(value);
          }
        };
        void pump().catch(() => undefined);
      });
      assert.equal(silence, true, 'the stream went silent instead of ending');
      assert.equal(received.split('data: ').length - 1, 3);
      assert.ok(!received.includes('[DONE]'));
      await reader.cancel();
      assert.equal(server.requests[0].outcome, 'fault:stall');
    });

    it('drops the connection after some chunks', async () => {
      server.configure({ replies: [{ content: 'c'.repeat(100) }], chunkChars: 10 });
      server.injectFault({ kind: 'drop', afterChunks: 4 });
      const res = await chat({ model: 'deepseek-chat', stream: true, messages: [{ role: 'user', content: 'x' }] });
      await assert.rejects(res.text());
      assert.equal(server.requests[0].outcome, 'fault:drop');
    });

    it('sends a malformed chunk, then finishes the stream', async () => {
      server.injectFault({ kind: 'malformed', afterChunks: 2 });
      const events = await readSse(await chat({ model: 'deepseek-chat', stream: true, messages: [{ role: 'user', content: 'x' }] }));
      assert.throws(() => events.data.map((d) => (d === '[DONE]' ? null : JSON.parse(d))));
      assert.equal(events.data.at(-1), '[DONE]');
    });
  });

  describe('control API for other processes', () => {
    it('configures, injects faults, reads the log and resets', async () => {
      const control = new FakeDeepSeekControl(url);
      await control.configure({ models: ['deepseek-v4-flash'] });
      await control.injectFault({ kind: 'status', status: 402 });
      assert.equal((await fetch(`${url}/models`)).status, 402);
      const models = await json(fetch(`${url}/models`));
      assert.deepEqual(models.data.map((m: { id: string }) => m.id), ['deepseek-v4-flash']);
      assert.equal((await control.requests()).length, 2);
      await control.reset();
      assert.equal((await control.requests()).length, 0);
      const after = await json(fetch(`${url}/models`));
      assert.equal(after.data.length, 2);
    });
  });
});
