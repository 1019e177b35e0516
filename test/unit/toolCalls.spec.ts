import * as assert from 'assert/strict';
import { DeepSeekClient } from '../../src/api/deepseekClient';
import { ToolCallAccumulator } from '../../src/api/toolCallStream';
import type { ChatMessage, ToolSpec } from '../../src/api/types';
import { readChunk } from '../../src/api/wireFormat';
import { Redactor } from '../../src/core/redaction/redactor';
import { renderLastRequest } from '../../src/engine/lastRequest';
import { redactMessage, restoreToolCalls } from '../../src/engine/redactedStream';
import { toolChoiceFor } from '../../src/engine/toolChoice';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import { MISSING_REASONING_MESSAGE, THINKING_TOOL_CHOICE_MESSAGE } from '../fake-deepseek/toolCalls';

const KEY = 'sk-unit-test-key-0002';
const THINKING = { model: 'deepseek-flash', thinking: 'enabled' as const };
const NO_THINKING = { model: 'deepseek-flash', thinking: 'disabled' as const };
const WEATHER: ToolSpec = { name: 'get_weather', description: 'Weather in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
const ARGS = '{"city":"Hangzhou","unit":"celsius"}';

describe('tool calls: client, fake server and the thinking-mode rule', function () {
  this.timeout(20_000);
  let server: FakeDeepSeekServer;
  let client: DeepSeekClient;

  beforeEach(async () => {
    server = new FakeDeepSeekServer({ apiKey: KEY, chunkChars: 5 });
    client = new DeepSeekClient({ baseUrl: await server.start(), apiKey: KEY, timeouts: { firstTokenMs: 2000, idleMs: 2000, maxQueueWaitMs: 5000 } });
  });
  afterEach(() => server.stop());

  const question: ChatMessage = { role: 'user', content: 'Weather in Hangzhou?' };

  it('puts a call streamed in pieces back together: whole arguments, finish reason tool_calls, tools sent as functions', async () => {
    server.configure({ replies: [{ reasoning: 'I should look the weather up.', content: '', toolCalls: [{ id: 'call_w1', name: 'get_weather', arguments: ARGS }] }] });
    const result = await client.streamChat({ ...THINKING, messages: [question], tools: [WEATHER], toolChoice: 'auto' });
    assert.equal(result.failure, undefined);
    assert.equal(result.finishReason, 'tool_calls');
    assert.deepEqual(result.toolCalls, [{ id: 'call_w1', name: 'get_weather', arguments: ARGS }]);
    assert.equal(result.reasoning, 'I should look the weather up.');
    const body = server.requests.at(-1)!.body as Record<string, unknown>;
    assert.deepEqual(body.tools, [{ type: 'function', function: { name: 'get_weather', description: 'Weather in a city', parameters: WEATHER.parameters } }]);
    assert.equal(body.tool_choice, 'auto');
  });

  it('sends the reasoning of a tool-calling turn back: accepted with it, refused with DeepSeek\'s 400 without it', async () => {
    server.configure({ replies: [{ reasoning: 'Look it up first.', content: '', toolCalls: [{ id: 'call_w2', name: 'get_weather', arguments: ARGS }] }, { content: 'It is 21 °C.' }] });
    const first = await client.streamChat({ ...THINKING, messages: [question], tools: [WEATHER] });
    const toolResult: ChatMessage = { role: 'tool', toolCallId: 'call_w2', content: '{"temperature":21}' };
    const without = await client.streamChat({ ...THINKING, tools: [WEATHER], messages: [question, { role: 'assistant', content: '', toolCalls: first.toolCalls! }, toolResult] });
    assert.equal(without.failure?.status, 400);
    assert.match(without.failure!.message, /reasoning_content/);
    const other = await client.streamChat({ ...THINKING, tools: [WEATHER], messages: [question, { role: 'assistant', content: '', toolCalls: first.toolCalls!, reasoningContent: 'something else' }, toolResult] });
    assert.equal(other.failure?.status, 400, 'a reasoning other than the one sent with the call is refused too');
    const withIt = await client.streamChat({ ...THINKING, tools: [WEATHER], messages: [question, { role: 'assistant', content: '', toolCalls: first.toolCalls!, reasoningContent: first.reasoning }, toolResult] });
    assert.equal(withIt.failure, undefined);
    assert.equal(withIt.content, 'It is 21 °C.');
    const sent = (server.requests.at(-1)!.body as { messages: Record<string, unknown>[] }).messages;
    assert.deepEqual(sent[1], { role: 'assistant', content: null, reasoning_content: 'Look it up first.', tool_calls: [{ id: 'call_w2', type: 'function', function: { name: 'get_weather', arguments: ARGS } }] });
    assert.deepEqual(sent[2], { role: 'tool', content: '{"temperature":21}', tool_call_id: 'call_w2' });
  });

  it('the fake refuses required and named tool_choice in thinking mode, as DeepSeek does, and takes them without thinking', async () => {
    for (const toolChoice of ['required', { name: 'get_weather' }] as const) {
      const refused = await client.streamChat({ ...THINKING, messages: [question], tools: [WEATHER], toolChoice });
      assert.equal(refused.failure?.status, 400);
      assert.match(refused.failure!.message, new RegExp(THINKING_TOOL_CHOICE_MESSAGE));
      const taken = await client.streamChat({ ...NO_THINKING, messages: [question], tools: [WEATHER], toolChoice });
      assert.equal(taken.failure, undefined);
    }
    assert.match(MISSING_REASONING_MESSAGE, /must be passed back/);
  });

  it('a stream that breaks mid-call gives no call at all, never half its arguments', async () => {
    server.configure({ replies: [{ content: '', toolCalls: [{ id: 'call_w3', name: 'get_weather', arguments: ARGS }] }] });
    server.injectFault({ kind: 'drop', afterChunks: 4 });
    const result = await client.streamChat({ ...NO_THINKING, messages: [question], tools: [WEATHER] });
    assert.ok(result.failure, 'the broken stream is a failure');
    assert.equal(result.toolCalls, undefined);
  });

  it('arguments that are not JSON fail the answer with a clear message', async () => {
    server.configure({ replies: [{ content: '', toolCalls: [{ id: 'call_w4', name: 'get_weather', arguments: '{"city": "Hang' }] }] });
    const result = await client.streamChat({ ...NO_THINKING, messages: [question], tools: [WEATHER] });
    assert.equal(result.toolCalls, undefined);
    assert.match(result.failure!.message, /call to get_weather has arguments that are not valid JSON/);
  });

  it('no tools declared: scripted calls are not made, and no tools field is sent', async () => {
    server.configure({ replies: [{ content: 'Plain.', toolCalls: [{ name: 'get_weather', arguments: ARGS }] }] });
    const result = await client.streamChat({ ...NO_THINKING, messages: [question], tools: [], toolChoice: 'required' });
    assert.equal(result.toolCalls, undefined);
    assert.equal(result.finishReason, 'stop');
    const body = server.requests.at(-1)!.body as Record<string, unknown>;
    assert.equal('tools' in body || 'tool_choice' in body, false);
  });
});

describe('tool calls: pieces, choices, redaction', () => {
  it('reads delta.tool_calls and joins pieces by index, in index order', () => {
    const acc = new ToolCallAccumulator();
    const chunk = (tool_calls: unknown) => readChunk({ choices: [{ delta: { tool_calls } }] }).toolCalls!;
    acc.push(chunk([{ index: 1, id: 'b', type: 'function', function: { name: 'two', arguments: '' } }]));
    acc.push(chunk([{ index: 0, id: 'a', type: 'function', function: { name: 'one', arguments: '{"x":' } }]));
    acc.push(chunk([{ index: 0, function: { arguments: '1}' } }, { index: 1, function: { arguments: '' } }]));
    assert.deepEqual(acc.finish(), { calls: [{ id: 'a', name: 'one', arguments: '{"x":1}' }, { id: 'b', name: 'two', arguments: '{}' }] });
    const noName = new ToolCallAccumulator();
    noName.push([{ index: 0, id: 'c', arguments: '{}' }]);
    assert.deepEqual(noName.finish(), { error: 'tool call 1 arrived without its function name' });
  });

  it('a thinking request asking for required or a named function gets auto; auto and none pass', () => {
    assert.deepEqual(toolChoiceFor('required', true), { choice: 'auto', downgraded: true });
    assert.deepEqual(toolChoiceFor({ name: 'f' }, true), { choice: 'auto', downgraded: true });
    assert.deepEqual(toolChoiceFor('required', false), { choice: 'required', downgraded: false });
    assert.deepEqual(toolChoiceFor('none', true), { choice: 'none', downgraded: false });
    assert.deepEqual(toolChoiceFor(undefined, true), { choice: undefined, downgraded: false });
  });

  it('redacts tool arguments, tool results and reasoning sent back; placeholders from the model go back unchanged; restored for this machine', () => {
    const redactor = new Redactor({ salt: 'tool-calls-salt' });
    const email = 'jane.doe@acme-corp.io';
    const result = redactMessage(redactor, { role: 'tool', toolCallId: 'call_1', content: `owner: ${email}` });
    assert.equal(result.message.toolCallId, 'call_1');
    assert.doesNotMatch(String(result.message.content), /jane\.doe/);
    const placeholder = result.findings[0]!.placeholder;
    // The model answered with the placeholder in its reasoning and arguments: sent back byte for byte.
    const args = JSON.stringify({ to: placeholder, cc: `${email}` });
    const assistant = redactMessage(redactor, { role: 'assistant', content: '', reasoningContent: `Mail ${placeholder}.`, toolCalls: [{ id: 'call_2', name: 'send', arguments: args }] });
    assert.equal(assistant.message.reasoningContent, `Mail ${placeholder}.`);
    assert.equal(assistant.message.toolCalls![0]!.arguments, JSON.stringify({ to: placeholder, cc: placeholder }), 'a secret in the arguments is redacted');
    const restored = restoreToolCalls(redactor, [{ id: 'call_2', name: 'send', arguments: JSON.stringify({ to: placeholder, list: [placeholder] }) }]);
    assert.deepEqual(JSON.parse(restored[0]!.arguments), { to: email, list: [email] });
    const untouched = { id: 'call_3', name: 'send', arguments: '{ "to" : "nobody" }' };
    assert.equal(restoreToolCalls(redactor, [untouched])[0], untouched);
  });

  it('Show Last Request shows the tools offered, the calls, the reasoning sent back and what each tool message answers', () => {
    const text = renderLastRequest({
      at: Date.UTC(2026, 11, 3), surface: 'lm', model: 'deepseek-flash', provider: 'DeepSeek', endpoint: 'api.deepseek.com', redacted: true, findings: [],
      caller: 'acme.agent', tools: ['get_weather'], toolChoice: 'auto',
      messages: [
        { role: 'user', content: 'Weather?' },
        { role: 'assistant', content: '', reasoningContent: 'Look it up.', toolCalls: [{ id: 'call_9', name: 'get_weather', arguments: ARGS }] },
        { role: 'tool', toolCallId: 'call_9', content: '{"temperature":21}' },
      ],
    });
    assert.match(text, /from lm \(asked by acme\.agent\)/);
    assert.match(text, /Tools offered: `get_weather`; tool_choice `auto`/);
    assert.match(text, /Tool call `call_9`: `get_weather`\n\n```json\n\{"city":"Hangzhou","unit":"celsius"\}/);
    assert.match(text, /Reasoning sent back[^\n]*\n\n```text\nLook it up\./);
    assert.match(text, /### 3\. tool \(answers tool call `call_9`\)/);
  });
});
