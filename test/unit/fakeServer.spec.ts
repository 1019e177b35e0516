import * as assert from 'assert/strict';
import { FakeDeepSeekControl } from '../fake-deepseek/control';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import { countTokens } from '../fake-deepseek/tokenizer';
import { json, jsonChunks, readSse } from './sse';

/** The two roles as the extension sends them to today's API. */
const CHAT = { model: 'deepseek-flash', thinking: { type: 'disabled' } };
const REASONER = { model: 'deepseek-flash', thinking: { type: 'enabled' }, reasoning_effort: 'high' };
const REFUSAL = 'The supported API model names are deepseek-v4-pro or deepseek-flash, but you passed deepseek-chat.';

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
    const res = await chat({ ...REASONER, stream: true, messages: [{ role: 'user', content: 'Why?' }] });
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

  it('sends no reasoning_content for the chat role (thinking disabled)', async () => {
    const res = await chat({ ...CHAT, stream: true, messages: [{ role: 'user', content: 'Hi' }] });
    const chunks = jsonChunks(await readSse(res));
    assert.ok(chunks.every((c) => !c.choices[0]?.delta?.reasoning_content));
    assert.match(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join(''), /You asked: \*\*Hi\*\*/);
  });

  it('sends usage in a separate chunk with empty choices in the older mode when include_usage is asked', async () => {
    server.configure({ usageMode: 'separateChunk' });
    const res = await chat({ ...CHAT, stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Hi' }] });
    const chunks = jsonChunks(await readSse(res));
    const last = chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.ok(last.usage.total_tokens > 0);
    assert.equal(chunks.at(-2)!.choices[0].finish_reason, 'stop');
    assert.equal(chunks.at(-2)!.usage, undefined);
  });

  it('sends keep-alive comments before the first token', async () => {
    server.injectFault({ kind: 'keepAlive', count: 3, intervalMs: 1 });
    const events = await readSse(await chat({ ...CHAT, stream: true, messages: [{ role: 'user', content: 'Hi' }] }));
    assert.deepEqual(events.comments, ['keep-alive', 'keep-alive', 'keep-alive']);
  });

  it('answers non-streamed requests, after blank keep-alive lines when asked', async () => {
    server.configure({ replies: [{ reasoning: 'hmm', content: 'done' }] });
    server.injectFault({ kind: 'keepAlive', count: 2, intervalMs: 1 });
    const res = await chat({ ...REASONER, messages: [{ role: 'user', content: 'Go' }] });
    const raw = await res.text();
    assert.ok(raw.startsWith('\n\n'));
    const body = JSON.parse(raw);
    assert.equal(body.choices[0].message.content, 'done');
    assert.equal(body.choices[0].message.reasoning_content, 'hmm');
  });

  it('simulates the prefix cache in whole units from the first token', async () => {
    const system = { role: 'system', content: 'You are a careful assistant. '.repeat(60) };
    const first = await json(chat({ ...CHAT, messages: [system, { role: 'user', content: 'one' }] }));
    assert.equal(first.usage.prompt_cache_hit_tokens, 0);
    const second = await json(chat({ ...CHAT, messages: [system, { role: 'user', content: 'two' }] }));
    assert.ok(second.usage.prompt_cache_hit_tokens > 0);
    assert.equal(second.usage.prompt_cache_hit_tokens % 64, 0);
    assert.equal(second.usage.prompt_tokens, second.usage.prompt_cache_hit_tokens + second.usage.prompt_cache_miss_tokens);
    const changedStart = await json(chat({ ...CHAT, messages: [{ role: 'system', content: 'X' }, system, { role: 'user', content: 'two' }] }));
    assert.equal(changedStart.usage.prompt_cache_hit_tokens, 0, 'a change in the first bytes misses the cache');
  });

  it('truncates at max_tokens with finish_reason length, and can report insufficient_system_resource', async () => {
    server.configure({ replies: [{ content: 'word '.repeat(50) }, { content: 'partial', finishReason: 'insufficient_system_resource' }] });
    const cut = await json(chat({ ...CHAT, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(cut.choices[0].finish_reason, 'length');
    assert.equal(cut.usage.completion_tokens, 5);
    const res = await json(chat({ ...CHAT, messages: [{ role: 'user', content: 'x' }] }));
    assert.equal(res.choices[0].finish_reason, 'insufficient_system_resource');
  });

  it('rejects an unknown model with the API\'s message naming the supported ids', async () => {
    const res = await chat({ model: 'deepseek-v9', messages: [{ role: 'user', content: 'x' }] });
    assert.equal(res.status, 400);
    assert.deepEqual((await json(res)).error, {
      message: 'The supported API model names are deepseek-v4-pro or deepseek-flash, but you passed deepseek-v9.',
      type: 'invalid_request_error', param: null, code: 'invalid_request_error',
    });
  });

  it('checks the key when configured with one, without echoing it', async () => {
    server.configure({ apiKey: 'sk-right-key' });
    const bad = await chat({ ...CHAT, messages: [{ role: 'user', content: 'x' }] }, { authorization: 'Bearer sk-wrong-key-1234' });
    assert.equal(bad.status, 401);
    const text = await bad.text();
    assert.match(text, /Authentication Fails/);
    assert.doesNotMatch(text, /sk-wrong-key/);
    const good = await chat({ ...CHAT, messages: [{ role: 'user', content: 'x' }] }, { authorization: 'Bearer sk-right-key' });
    assert.equal(good.status, 200);
  });

  it('serves FIM on /beta/completions, honouring stop and refusing Pro', async () => {
    server.configure({ fimReply: 'return a + b;\n}\n\nfunction next() {' });
    const fim = (body: object) => fetch(`${url}/beta/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res = await json(fim({ model: 'deepseek-flash', prompt: 'function add(a, b) {\n  ', suffix: '\n}', stop: ['\n\n'], max_tokens: 64 }));
    assert.equal(res.object, 'text_completion');
    assert.equal(res.choices[0].text, 'return a + b;\n}');
    assert.ok(res.usage.prompt_tokens > 0);
    const refused = await fim({ model: 'deepseek-v4-pro', prompt: 'x' });
    assert.equal(refused.status, 400);
    assert.match((await json(refused)).error.message, /not supported by deepseek-v4-pro/);
    const streamed = jsonChunks(await readSse(await fim({ model: 'deepseek-flash', prompt: 'x', stream: true })));
    assert.equal(streamed.map((c) => c.choices[0].text).join(''), 'return a + b;\n}\n\nfunction next() {');
    assert.ok(streamed.at(-1)!.usage);
  });

  it('lists models and the balance, also under /v1', async () => {
    const models = await json(fetch(`${url}/v1/models`));
    assert.deepEqual(models.data.map((m: { id: string }) => m.id), ['deepseek-flash', 'deepseek-v4-pro']);
    const balance = await json(fetch(`${url}/user/balance`));
    assert.equal(balance.is_available, true);
    assert.equal(balance.balance_infos[0].currency, 'USD');
    assert.equal(typeof balance.balance_infos[0].total_balance, 'string');
  });

  it('logs every request with headers, body and cache result', async () => {
    await chat({ ...CHAT, messages: [{ role: 'user', content: 'logged' }] });
    await fetch(`${url}/models`);
    const [first, second] = server.requests;
    assert.equal(first.route, '/chat/completions');
    assert.equal(first.headers.authorization, 'Bearer sk-test');
    assert.deepEqual((first.body as { messages: unknown[] }).messages, [{ role: 'user', content: 'logged' }]);
    assert.ok(first.cache);
    assert.equal(first.outcome, 'ok');
    assert.equal(second.route, '/models');
  });

  describe('today\'s API (2026-11)', () => {
    const ask = [{ role: 'user', content: 'x' }];
    const fim = (body: object) => fetch(`${url}/beta/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    it('refuses the retired ids with DeepSeek\'s 400 naming the supported ids', async () => {
      for (const model of ['deepseek-chat', 'deepseek-reasoner']) {
        const res = await chat({ model, messages: ask });
        assert.equal(res.status, 400, model);
        const { error } = await json(res);
        assert.equal(error.type, 'invalid_request_error');
        assert.equal(error.code, 'invalid_request_error');
        assert.equal(error.message, REFUSAL.replace('deepseek-chat.', `${model}.`));
      }
      assert.equal(server.requests.at(-1)?.outcome, 'error:400');
    });

    it('thinks by default on a V4 id: omitting the switch means thinking on', async () => {
      server.configure({ replies: [{ reasoning: 'I thought.', content: 'Answer.' }] });
      const body = await json(chat({ model: 'deepseek-flash', messages: ask }));
      assert.equal(body.choices[0].message.reasoning_content, 'I thought.');
      assert.deepEqual(server.requests[0].thinking, { enabled: true, effort: 'high' });
    });

    it('does not think when thinking.type is disabled, even when the reply has reasoning', async () => {
      server.configure({ replies: [{ reasoning: 'Never shown.', content: 'Quick.' }] });
      const body = await json(chat({ ...CHAT, messages: ask }));
      assert.equal(body.choices[0].message.reasoning_content, undefined);
      assert.equal(body.usage.completion_tokens_details, undefined);
      assert.deepEqual(server.requests[0].thinking, { enabled: false });
    });

    it('accepts the Flash alias and Pro, thinking on both', async () => {
      server.configure({ replies: [{ reasoning: 'a', content: 'b' }, { reasoning: 'c', content: 'd' }] });
      const alias = await json(chat({ model: 'deepseek-v4-flash', thinking: { type: 'enabled' }, messages: ask }));
      assert.equal(alias.choices[0].message.reasoning_content, 'a');
      const pro = await json(chat({ model: 'deepseek-v4-pro', thinking: { type: 'enabled' }, reasoning_effort: 'max', messages: ask }));
      assert.equal(pro.choices[0].message.reasoning_content, 'c');
      assert.deepEqual(server.requests[1].thinking, { enabled: true, effort: 'max' });
      const models = await json(fetch(`${url}/models`));
      assert.ok(!models.data.some((m: { id: string }) => m.id === 'deepseek-v4-flash'), 'the alias is not listed');
    });

    it('takes reasoning_effort high or max, maps low/medium to high and xhigh to max, refuses anything else', async () => {
      const effort = async (value: unknown) => {
        const res = await chat({ ...REASONER, reasoning_effort: value, messages: ask });
        return res.status === 200 ? server.requests.at(-1)?.thinking?.effort : `${res.status} ${(await json(res)).error.message}`;
      };
      assert.equal(await effort('high'), 'high');
      assert.equal(await effort('max'), 'max');
      assert.equal(await effort('low'), 'high');
      assert.equal(await effort('medium'), 'high');
      assert.equal(await effort('xhigh'), 'max');
      assert.match(String(await effort('extreme')), /^400 Invalid value for reasoning_effort: "extreme"/);
      assert.match(String(await effort(3)), /^400 /);
    });

    it('refuses a malformed thinking switch, and logprobs in thinking mode', async () => {
      for (const thinking of [true, 'disabled', { type: 'auto' }]) {
        const res = await chat({ model: 'deepseek-flash', thinking, messages: ask });
        assert.equal(res.status, 400, JSON.stringify(thinking));
        assert.match((await json(res)).error.message, /thinking\.type/);
      }
      const logprobs = await chat({ ...REASONER, logprobs: true, messages: ask });
      assert.equal(logprobs.status, 400);
      assert.equal((await chat({ ...CHAT, logprobs: true, messages: ask })).status, 200, 'fine without thinking');
    });

    it('serves FIM on Flash and its alias, without thinking only', async () => {
      assert.equal((await fim({ model: 'deepseek-flash', prompt: 'x' })).status, 200);
      assert.equal((await fim({ model: 'deepseek-v4-flash', prompt: 'x', thinking: { type: 'disabled' } })).status, 200);
      const thinking = await fim({ model: 'deepseek-flash', prompt: 'x', thinking: { type: 'enabled' } });
      assert.equal(thinking.status, 400);
      assert.match((await json(thinking)).error.message, /non-thinking mode/);
      const retired = await fim({ model: 'deepseek-chat', prompt: 'x' });
      assert.equal(retired.status, 400);
      assert.equal((await json(retired)).error.message, REFUSAL);
    });
  });

  describe('legacy endpoint mode', () => {
    const ask = [{ role: 'user', content: 'x' }];

    it('serves the pre-V4 ids: deepseek-chat without reasoning, deepseek-reasoner with', async () => {
      server.configure({ legacyEndpoint: true, replies: [{ reasoning: 'hidden', content: 'chat' }, { reasoning: 'shown', content: 'reasoned' }] });
      const models = await json(fetch(`${url}/models`));
      assert.deepEqual(models.data.map((m: { id: string }) => m.id), ['deepseek-chat', 'deepseek-reasoner']);
      const plain = await json(chat({ model: 'deepseek-chat', messages: ask }));
      assert.equal(plain.choices[0].message.reasoning_content, undefined);
      assert.equal(plain.choices[0].message.content, 'chat');
      const reasoned = await json(chat({ model: 'deepseek-reasoner', messages: ask }));
      assert.equal(reasoned.choices[0].message.reasoning_content, 'shown');
      assert.deepEqual(server.requests.slice(-2).map((r) => r.thinking), [{ enabled: false }, { enabled: true }]);
    });

    it('refuses the V4 fields as unrecognized arguments, and V4 ids as not existing', async () => {
      server.configure({ legacyEndpoint: true });
      const thinking = await chat({ model: 'deepseek-chat', thinking: { type: 'disabled' }, messages: ask });
      assert.equal(thinking.status, 400);
      assert.equal((await json(thinking)).error.message, 'Unrecognized request argument supplied: thinking');
      const effort = await chat({ model: 'deepseek-reasoner', reasoning_effort: 'high', messages: ask });
      assert.equal((await json(effort)).error.message, 'Unrecognized request argument supplied: reasoning_effort');
      const v4 = await chat({ model: 'deepseek-flash', messages: ask });
      assert.equal(v4.status, 400);
      assert.equal((await json(v4)).error.message, 'Model Not Exist');
    });

    it('serves FIM on deepseek-chat only', async () => {
      server.configure({ legacyEndpoint: true });
      const fim = (model: string) => fetch(`${url}/beta/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, prompt: 'x' }) });
      assert.equal((await fim('deepseek-chat')).status, 200);
      assert.equal((await fim('deepseek-reasoner')).status, 400);
    });

    it('is chosen at construction or through the control API, and switching back restores today\'s ids', async () => {
      const legacy = new FakeDeepSeekServer({ legacyEndpoint: true });
      const legacyUrl = await legacy.start();
      try {
        const models = await json(fetch(`${legacyUrl}/models`));
        assert.deepEqual(models.data.map((m: { id: string }) => m.id), ['deepseek-chat', 'deepseek-reasoner']);
        legacy.reset();
        assert.equal(legacy.currentConfig.legacyEndpoint, true, 'reset keeps the construction config');
      } finally {
        await legacy.stop();
      }
      const control = new FakeDeepSeekControl(url);
      await control.configure({ legacyEndpoint: true });
      assert.deepEqual(server.currentConfig.models, ['deepseek-chat', 'deepseek-reasoner']);
      await control.configure({ legacyEndpoint: false });
      assert.deepEqual(server.currentConfig.models, ['deepseek-flash', 'deepseek-v4-pro']);
      assert.deepEqual(server.currentConfig.aliases, { 'deepseek-v4-flash': 'deepseek-flash' });
      await control.configure({ legacyEndpoint: true, models: ['my-model'] });
      assert.deepEqual(server.currentConfig.models, ['my-model'], 'a patch\'s own ids win over the preset');
    });
  });

  describe('fault injection', () => {
    it('answers with an injected status and retry-after, once unless told otherwise', async () => {
      server.injectFault({ kind: 'status', status: 429, retryAfter: 2 });
      const limited = await chat({ ...CHAT, messages: [{ role: 'user', content: 'x' }] });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '2');
      assert.match((await json(limited)).error.message, /Rate Limit/);
      const next = await chat({ ...CHAT, messages: [{ role: 'user', content: 'x' }] });
      assert.equal(next.status, 200);
    });

    it('repeats a fault `times` times and can target one path', async () => {
      server.injectFault({ kind: 'status', status: 503, times: 2, path: '/chat/completions' });
      assert.equal((await fetch(`${url}/models`)).status, 200);
      for (const expected of [503, 503, 200]) {
        assert.equal((await chat({ ...CHAT, messages: [{ role: 'user', content: 'x' }] })).status, expected);
      }
    });

    it('delays the response', async () => {
      server.injectFault({ kind: 'delay', ms: 150 });
      const started = Date.now();
      await json(chat({ ...CHAT, messages: [{ role: 'user', content: 'x' }] }));
      assert.ok(Date.now() - started >= 140);
    });

    it('stalls a stream mid-way with the connection open', async () => {
      server.configure({ replies: [{ reasoning: 'a'.repeat(60), content: 'b' }], chunkChars: 10 });
      server.injectFault({ kind: 'stall', afterChunks: 3 });
      const res = await chat({ ...REASONER, stream: true, messages: [{ role: 'user', content: 'x' }] });
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
      const res = await chat({ ...CHAT, stream: true, messages: [{ role: 'user', content: 'x' }] });
      await assert.rejects(res.text());
      assert.equal(server.requests[0].outcome, 'fault:drop');
    });

    it('sends a malformed chunk, then finishes the stream', async () => {
      server.injectFault({ kind: 'malformed', afterChunks: 2 });
      const events = await readSse(await chat({ ...CHAT, stream: true, messages: [{ role: 'user', content: 'x' }] }));
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
