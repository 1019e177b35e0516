import * as assert from 'assert/strict';
import * as http from 'http';
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

  const chat = (body: Record<string, unknown>, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(`${url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test', ...headers },
      body: JSON.stringify(body),
      ...(signal ? { signal } : {}),
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

  describe('the failover fault matrix, as a raw client sees it on the wire', () => {
    const ask = [{ role: 'user', content: 'x' }];

    /** Reads a streamed body until `enough` holds for the text so far or `timeoutMs` passes, then lets go of it. */
    async function readUntil(res: Response, enough: (text: string) => boolean, timeoutMs = 1000): Promise<{ text: string; ended: boolean; timedOut: boolean }> {
      const reader = res.body!.getReader();
      const decoder = new TextDecoder();
      let text = '';
      let ended = false;
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        void reader.cancel().catch(() => undefined);
      }, timeoutMs);
      try {
        while (!enough(text)) {
          const { value, done } = await reader.read();
          if (done) {
            ended = !timedOut;
            break;
          }
          text += decoder.decode(value, { stream: true });
        }
      } finally {
        clearTimeout(timer);
        await reader.cancel().catch(() => undefined);
      }
      return { text, ended, timedOut };
    }

    const dataLines = (text: string) => text.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6));
    const keepAliveCount = (text: string) => text.split('\n').filter((l) => l === ': keep-alive').length;

    /** A raw POST with `http.request`: what the socket gave, response or error. */
    function rawPost(path: string, body: object): Promise<{ error?: NodeJS.ErrnoException; status?: number }> {
      return new Promise((resolve) => {
        const req = http.request(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
          res.resume();
          res.on('end', () => resolve({ status: res.statusCode }));
        });
        req.on('error', (error: NodeJS.ErrnoException) => resolve({ error }));
        req.end(JSON.stringify(body));
      });
    }

    it('429 with retry-after (seconds) and retry-after-ms, DeepSeek\'s body, and `times` lets the next request through', async () => {
      server.injectFault({ kind: 'status', status: 429, retryAfter: 3, retryAfterMs: 2500, times: 1 });
      const limited = await chat({ ...CHAT, stream: true, messages: ask });
      assert.equal(limited.status, 429);
      assert.equal(limited.headers.get('retry-after'), '3');
      assert.equal(limited.headers.get('retry-after-ms'), '2500');
      assert.equal(limited.headers.get('content-type'), 'application/json', 'an error is JSON even for a streamed request');
      assert.deepEqual(await json(limited), { error: { message: 'Rate Limit Reached', type: 'rate_limit_error', param: null, code: 'rate_limit_error' } });
      const next = await chat({ ...CHAT, stream: true, messages: ask });
      assert.equal(next.status, 200);
      assert.equal((await readSse(next)).data.at(-1), '[DONE]');
      assert.deepEqual(server.requests.map((r) => r.outcome), ['fault:status:429', 'ok']);
    });

    it('500, 503 with retry-after (seconds or an HTTP date), 402 and 401 with DeepSeek-shaped bodies', async () => {
      const date = 'Wed, 21 Oct 2026 07:28:00 GMT';
      server.injectFault(
        { kind: 'status', status: 500 },
        { kind: 'status', status: 503, retryAfter: 2 },
        { kind: 'status', status: 503, retryAfter: date },
        { kind: 'status', status: 402 },
        { kind: 'status', status: 401 },
      );
      const answers = [];
      for (let i = 0; i < 5; i++) {
        const res = await chat({ ...CHAT, messages: ask });
        answers.push({ status: res.status, retryAfter: res.headers.get('retry-after'), body: await json(res) });
      }
      const body = (message: string, type: string, code: string) => ({ error: { message, type, param: null, code } });
      assert.deepEqual(answers, [
        { status: 500, retryAfter: null, body: body('Server Error', 'server_error', 'server_error') },
        { status: 503, retryAfter: '2', body: body('Server Overloaded', 'server_error', 'server_error') },
        { status: 503, retryAfter: date, body: body('Server Overloaded', 'server_error', 'server_error') },
        { status: 402, retryAfter: null, body: body('Insufficient Balance', 'unknown_error', 'invalid_request_error') },
        { status: 401, retryAfter: null, body: body('Authentication Fails, Your api key: ****test is invalid', 'authentication_error', 'invalid_request_error') },
      ]);
      assert.deepEqual(server.requests.map((r) => r.outcome), ['fault:status:500', 'fault:status:503', 'fault:status:503', 'fault:status:402', 'fault:status:401']);
    });

    it('reset: the connection is reset before any header (ECONNRESET), `times` and `path` respected', async () => {
      server.injectFault({ kind: 'reset', path: '/chat/completions', times: 2 });
      assert.equal((await fetch(`${url}/models`)).status, 200, 'another path is not reset');
      const first = await rawPost('/chat/completions', { ...CHAT, messages: ask });
      assert.equal(first.status, undefined, 'no response at all');
      assert.equal(first.error?.code, 'ECONNRESET');
      await assert.rejects(chat({ ...CHAT, messages: ask }), (err: Error & { cause?: { code?: string } }) => {
        assert.equal(err.message, 'fetch failed');
        assert.equal(err.cause?.code, 'ECONNRESET');
        return true;
      });
      assert.equal((await chat({ ...CHAT, messages: ask })).status, 200, 'the third request gets through');
      assert.deepEqual(server.requests.map((r) => r.outcome), ['ok', 'fault:reset', 'fault:reset', 'ok']);
    });

    it('reset after a wait: nothing at all, then the reset', async () => {
      server.injectFault({ kind: 'reset', afterMs: 120 });
      const started = Date.now();
      const result = await rawPost('/v1/chat/completions', { ...CHAT, messages: ask });
      assert.ok(Date.now() - started >= 110);
      assert.equal(result.error?.code, 'ECONNRESET');
    });

    it('stall before the first token: 200 and event-stream headers, then nothing but keep-alive comments', async () => {
      server.injectFault({ kind: 'stall', afterChunks: 0, keepAliveMs: 15 });
      const res = await chat({ ...REASONER, stream: true, messages: ask });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type'), 'text/event-stream; charset=utf-8');
      const seen = await readUntil(res, (text) => keepAliveCount(text) >= 4);
      assert.equal(seen.ended, false);
      assert.equal(seen.timedOut, false, 'keep-alives kept arriving');
      assert.deepEqual(dataLines(seen.text), [], 'not one data line');
      assert.match(seen.text, /^(: keep-alive\n\n)+$/);
      assert.equal(server.requests[0].outcome, 'fault:stall');
    });

    it('stall before the first token, silent: headers, then not a byte', async () => {
      server.injectFault({ kind: 'stall', afterChunks: 0 });
      const res = await chat({ ...CHAT, stream: true, messages: ask });
      assert.equal(res.status, 200);
      const seen = await readUntil(res, (text) => text.length > 0, 250);
      assert.equal(seen.timedOut, true);
      assert.equal(seen.text, '');
    });

    it('stall mid-reasoning: afterChunks counts the role and reasoning chunks, then keep-alives and no more tokens', async () => {
      server.configure({ replies: [{ reasoning: 'Let me think about this slowly.', content: 'Never sent.' }], chunkChars: 5 });
      server.injectFault({ kind: 'stall', afterChunks: 3, keepAliveMs: 15 });
      const res = await chat({ ...REASONER, stream: true, messages: ask });
      const seen = await readUntil(res, (text) => keepAliveCount(text) >= 4);
      assert.equal(seen.timedOut, false);
      const chunks = dataLines(seen.text).map((d) => JSON.parse(d) as { choices: { delta: { role?: string; content?: string | null; reasoning_content?: string | null } }[] });
      assert.equal(chunks.length, 3);
      assert.equal(chunks[0].choices[0].delta.role, 'assistant');
      assert.deepEqual(chunks.slice(1).map((c) => c.choices[0].delta.reasoning_content), ['Let m', 'e thi']);
      assert.ok(chunks.every((c) => !c.choices[0].delta.content), 'no answer token');
      const afterTokens = seen.text.slice(seen.text.lastIndexOf('data: '));
      assert.ok(keepAliveCount(afterTokens) >= 4, 'the keep-alives come after the reasoning tokens');
      assert.ok(!seen.text.includes('[DONE]'));
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(server.requests[0].outcome, 'fault:stall', 'the client giving up does not hide the fault');
    });

    it('a client giving up on a stall with keep-alives leaves the server answering', async () => {
      server.injectFault({ kind: 'stall', afterChunks: 1, keepAliveMs: 5 });
      const controller = new AbortController();
      const res = await chat({ ...CHAT, stream: true, messages: ask }, {}, controller.signal);
      await readUntil(res, (text) => keepAliveCount(text) >= 2);
      controller.abort();
      await new Promise((r) => setTimeout(r, 30));
      assert.equal((await chat({ ...CHAT, messages: ask })).status, 200, 'the server answers on');
    });

    it('malformed: one SSE data line that is not JSON, then the stream finishes', async () => {
      server.injectFault({ kind: 'malformed', afterChunks: 2 });
      const events = await readSse(await chat({ ...CHAT, stream: true, messages: ask }));
      const bad = events.data.filter((d) => {
        if (d === '[DONE]') return false;
        try {
          JSON.parse(d);
          return false;
        } catch {
          return true;
        }
      });
      assert.deepEqual(bad, ['{"id": "broken", "choices": [{"delta": {"content": ']);
      assert.equal(events.data.indexOf(bad[0]), 2, 'after two good chunks');
      assert.equal(events.data.at(-1), '[DONE]');
      assert.equal(server.requests[0].outcome, 'fault:malformed');
    });

    it('truncated: a data line cut inside the content string, no line end, no finish_reason, no [DONE]', async () => {
      server.configure({ replies: [{ content: 'partial answer' }], chunkChars: 8 });
      server.injectFault({ kind: 'truncated', afterChunks: 2 });
      const res = await chat({ ...CHAT, stream: true, messages: ask });
      const text = await res.text();
      assert.ok(!text.endsWith('\n'), 'the last line is cut');
      const lines = dataLines(text);
      assert.equal(lines.length, 3);
      assert.deepEqual(lines.slice(0, 2).map((d) => JSON.parse(d).choices[0].delta.content), [null, 'partial ']);
      assert.match(lines[2], /^\{"id":"fake-\d+",.*"choices":\[\{"index":0,"delta":\{"content":"ans$/);
      assert.throws(() => JSON.parse(lines[2]));
      assert.ok(!text.includes('[DONE]') && !text.includes('finish_reason":"stop'));
      assert.equal(server.requests[0].outcome, 'fault:truncated');
    });

    it('truncated abruptly: the same cut, then the connection is destroyed mid-body', async () => {
      server.configure({ replies: [{ content: 'partial answer' }], chunkChars: 8 });
      server.injectFault({ kind: 'truncated', afterChunks: 2, abrupt: true });
      const res = await chat({ ...CHAT, stream: true, messages: ask });
      let text = '';
      const reader = res.body!.getReader();
      await assert.rejects(async () => {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          text += new TextDecoder().decode(value);
        }
      });
      assert.match(text, /"delta":\{"content":"ans$/);
    });

    it('truncated past the end cuts the finish chunk, so no finish_reason arrives', async () => {
      server.configure({ replies: [{ reasoning: 'why', content: 'ok' }] });
      server.injectFault({ kind: 'truncated', afterChunks: 99 });
      const text = await (await chat({ ...REASONER, stream: true, messages: ask })).text();
      const lines = dataLines(text);
      assert.match(lines.at(-1)!, /"delta":\{"content":"$/);
      assert.ok(!text.includes('finish_reason":"stop') && !text.includes('[DONE]'));
      assert.equal(lines.slice(0, -1).map((d) => JSON.parse(d).choices[0].delta).map((d) => d.reasoning_content || d.content).join(''), 'whyok');
    });

    it('stall, drop and truncated play on non-streamed answers too (FIM), as headers then blank lines, a cut, or a cut JSON body', async () => {
      const fim = () => fetch(`${url}/beta/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'deepseek-flash', prompt: 'function f() {' }) });
      server.configure({ fimReply: 'return 42; }' });
      server.injectFault({ kind: 'truncated', afterChunks: 0, path: '/beta/completions' });
      const cut = await fim();
      assert.equal(cut.status, 200);
      const cutText = await cut.text();
      assert.match(cutText, /"choices":\[\{"index":0,"text":"return$/);
      assert.throws(() => JSON.parse(cutText), /JSON/);

      server.injectFault({ kind: 'stall', afterChunks: 0, keepAliveMs: 10 });
      const stalled = await fim();
      assert.equal(stalled.status, 200);
      assert.equal(stalled.headers.get('content-type'), 'application/json');
      const seen = await readUntil(stalled, (text) => text.length >= 3);
      assert.match(seen.text, /^\n{3,}$/, 'DeepSeek\'s blank keep-alive lines for a non-streamed request');

      server.injectFault({ kind: 'drop', afterChunks: 0 });
      const dropped = await fim();
      assert.equal(dropped.status, 200);
      await assert.rejects(dropped.text());
      assert.deepEqual(server.requests.map((r) => r.outcome), ['fault:truncated', 'fault:stall', 'fault:drop']);
    });

    it('body faults wait for a chat or FIM request: /models and /user/balance do not swallow them', async () => {
      server.injectFault({ kind: 'stall', afterChunks: 0 }, { kind: 'status', status: 503 });
      assert.equal((await fetch(`${url}/models`)).status, 503, 'the status fault is next in line for /models');
      assert.equal((await fetch(`${url}/user/balance`)).status, 200);
      const res = await chat({ ...CHAT, stream: true, messages: ask });
      assert.equal((await readUntil(res, (text) => text.length > 0, 150)).timedOut, true, 'the stall waited for the chat');
      assert.deepEqual(server.requests.map((r) => r.outcome), ['fault:status:503', 'ok', 'fault:stall']);
    });

    it('delay and keepAlive are logged as faults too', async () => {
      server.injectFault({ kind: 'delay', ms: 20 }, { kind: 'keepAlive', count: 1, intervalMs: 1 });
      await json(chat({ ...CHAT, messages: ask }));
      await readSse(await chat({ ...CHAT, stream: true, messages: ask }));
      assert.deepEqual(server.requests.map((r) => r.outcome), ['fault:delay', 'fault:keepAlive']);
    });

    it('two instances in one process share nothing: config, faults, log, cache', async () => {
      const backup = new FakeDeepSeekServer({ models: ['backup-model'], replies: [{ content: 'from the backup' }] });
      const backupUrl = await backup.start();
      try {
        assert.notEqual(backupUrl, url);
        server.injectFault({ kind: 'reset', times: 3 });
        const post = (base: string, model: string) => fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, messages: ask }) });
        await assert.rejects(post(url, 'deepseek-flash'));
        const answer = await json(post(backupUrl, 'backup-model'));
        assert.equal(answer.choices[0].message.content, 'from the backup');
        assert.equal(answer.usage.prompt_cache_hit_tokens, 0);
        assert.deepEqual(server.requests.map((r) => r.outcome), ['fault:reset']);
        assert.deepEqual(backup.requests.map((r) => r.outcome), ['ok']);
        assert.deepEqual(server.currentConfig.models, ['deepseek-flash', 'deepseek-v4-pro']);
        await new FakeDeepSeekControl(backupUrl).injectFault({ kind: 'status', status: 500 });
        assert.equal((await post(backupUrl, 'backup-model')).status, 500);
        await assert.rejects(post(url, 'deepseek-flash'), 'the primary still has its own two resets left');
      } finally {
        await backup.stop();
      }
    });

    it('carries every new kind through the control API', async () => {
      const control = new FakeDeepSeekControl(url);
      await control.injectFault(
        { kind: 'reset', path: '/models' },
        { kind: 'truncated', afterChunks: 1, path: '/chat/completions' },
        { kind: 'stall', afterChunks: 1, keepAliveMs: 10, path: '/chat/completions' },
      );
      await assert.rejects(fetch(`${url}/models`));
      const cut = await (await chat({ ...CHAT, stream: true, messages: ask })).text();
      assert.ok(!cut.endsWith('\n'));
      const stalled = await readUntil(await chat({ ...CHAT, stream: true, messages: ask }), (text) => keepAliveCount(text) >= 2);
      assert.equal(stalled.timedOut, false);
      assert.deepEqual((await control.requests()).map((r) => r.outcome), ['fault:reset', 'fault:truncated', 'fault:stall']);
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
