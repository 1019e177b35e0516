import * as assert from 'assert/strict';
import type { ChatMessage } from '../../src/api/types';
import { DeepSeekClient } from '../../src/api/deepseekClient';
import { displayName, lmCatalogue } from '../../src/core/lm/modelCatalogue';
import { ReasoningMemory } from '../../src/core/lm/reasoningMemory';
import { prepareExchange } from '../../src/core/lm/toolExchange';
import { FakeDeepSeekServer } from '../fake-deepseek/server';

const CALL = { id: 'call_1', name: 'read_file', arguments: '{"path":"a.ts"}' };
/** VS Code gives the arguments back as its object re-serialised: spacing and order may differ from the model's. */
const CALL_AS_VSCODE_SENDS = { ...CALL, arguments: '{"path": "a.ts"}' };

function exchange(callArgs = CALL_AS_VSCODE_SENDS): ChatMessage[] {
  return [
    { role: 'system', content: 'You are helpful.' },
    { role: 'user', content: 'What is in a.ts?' },
    { role: 'assistant', content: '', toolCalls: [callArgs] },
    { role: 'tool', toolCallId: 'call_1', content: 'export const a = 1;' },
  ];
}

describe('VS Code language models: reasoning kept for tool calls, exchanges DeepSeek accepts, our models', () => {
  describe('ReasoningMemory', () => {
    it('keeps a turn\'s reasoning under each call id and under its text, and forgets the least recently used first', () => {
      const memory = new ReasoningMemory(3);
      memory.remember({ reasoning: 'R1', content: '', calls: [{ id: 'a', arguments: '{}' }, { id: 'b', arguments: '{"x":1}' }] });
      memory.remember({ reasoning: 'R2', content: 'Answer two.', calls: [] });
      assert.deepEqual(memory.forCall('b'), { reasoning: 'R1', arguments: '{"x":1}' });
      assert.equal(memory.forText('Answer two.'), 'R2');
      assert.equal(memory.forCall('a')?.reasoning, 'R1'); // used: now the most recent
      memory.remember({ reasoning: 'R3', content: 'Answer three.', calls: [] });
      assert.equal(memory.size, 3);
      assert.equal(memory.forCall('b'), undefined, 'b was the least recently used');
      assert.equal(memory.forCall('a')?.reasoning, 'R1');
      assert.equal(memory.forText('nothing like it'), undefined);
    });

    it('keeps no text entry for an answer without reasoning (nothing is owed back)', () => {
      const memory = new ReasoningMemory();
      memory.remember({ reasoning: '', content: 'Plain answer.', calls: [] });
      assert.equal(memory.size, 0);
    });
  });

  describe('ReasoningMemory across reloads', () => {
    it('what toStorage keeps, fromStorage gives back; answers are kept under a hash of their text, never the text', () => {
      const memory = new ReasoningMemory();
      memory.remember({ reasoning: 'R1', content: '', calls: [{ id: 'call_a', arguments: '{"p":"<SECRET_1>"}' }] });
      memory.remember({ reasoning: 'R2', content: 'The key is AKIAZ7QX4PLM2WERT6YU.', calls: [] });
      const stored = JSON.parse(JSON.stringify(memory.toStorage())) as unknown;
      assert.doesNotMatch(JSON.stringify(stored), /AKIAZ7QX4PLM2WERT6YU/, 'the answer text (with restored values) is not stored');
      const again = ReasoningMemory.fromStorage(stored);
      assert.deepEqual(again.forCall('call_a'), { reasoning: 'R1', arguments: '{"p":"<SECRET_1>"}' });
      assert.equal(again.forText('The key is AKIAZ7QX4PLM2WERT6YU.'), 'R2');
    });

    it('keeps the newest entries within its size, and leaves out what is malformed', () => {
      const memory = new ReasoningMemory();
      for (let i = 0; i < 10; i++) memory.remember({ reasoning: 'x'.repeat(100), content: '', calls: [{ id: `c${i}`, arguments: '{}' }] });
      const kept = ReasoningMemory.fromStorage(memory.toStorage(350));
      assert.equal(kept.size, 3);
      assert.ok(kept.forCall('c9') && kept.forCall('c7') && !kept.forCall('c6'), 'the three newest');
      const odd = ReasoningMemory.fromStorage([['call:x', { reasoning: 1, arguments: '{}' }], ['text:y', 5], 'junk', ['call:ok', { reasoning: 'R', arguments: '{}' }]]);
      assert.equal(odd.size, 1);
      assert.equal(ReasoningMemory.fromStorage({ not: 'a list' }).size, 0);
    });
  });

  describe('prepareExchange', () => {
    it('thinking: the tool-calling turn gets its reasoning back and its arguments as the model wrote them', () => {
      const memory = new ReasoningMemory();
      memory.remember({ reasoning: 'Read a.ts first.', content: '', calls: [{ id: 'call_1', arguments: CALL.arguments }] });
      const prepared = prepareExchange(exchange(), memory, true);
      assert.equal(prepared.asText, 0);
      assert.equal(prepared.reasoningAttached, 1);
      const assistant = prepared.messages[2]!;
      assert.equal(assistant.reasoningContent, 'Read a.ts first.');
      assert.deepEqual(assistant.toolCalls, [CALL]);
      assert.equal(prepared.messages[3]!.role, 'tool');
    });

    it('thinking: the final answer after a call gets its reasoning too, found by its text', () => {
      const memory = new ReasoningMemory();
      memory.remember({ reasoning: 'R-call', content: '', calls: [{ id: 'call_1', arguments: CALL.arguments }] });
      memory.remember({ reasoning: 'R-answer', content: 'It exports a.', calls: [] });
      const history: ChatMessage[] = [...exchange(), { role: 'assistant', content: 'It exports a.' }, { role: 'user', content: 'Thanks. And b.ts?' }];
      const prepared = prepareExchange(history, memory, true);
      assert.deepEqual(prepared.messages.map((m) => m.reasoningContent), [undefined, undefined, 'R-call', undefined, 'R-answer', undefined]);
    });

    it('thinking, reasoning not known: that exchange goes as text (calls in words, results as user text) and later ones as they are', () => {
      const memory = new ReasoningMemory();
      memory.remember({ reasoning: 'R2', content: '', calls: [{ id: 'call_2', arguments: '{"path":"b.ts"}' }] });
      const history: ChatMessage[] = [
        ...exchange(),
        { role: 'assistant', content: 'a.ts exports a.' },
        { role: 'user', content: 'And b.ts?' },
        { role: 'assistant', content: '', toolCalls: [{ id: 'call_2', name: 'read_file', arguments: '{"path": "b.ts"}' }] },
        { role: 'tool', toolCallId: 'call_2', content: 'export const b = 2;' },
      ];
      const prepared = prepareExchange(history, memory, true);
      assert.equal(prepared.asText, 1);
      assert.deepEqual(prepared.messages.map((m) => m.role), ['system', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'tool']);
      assert.equal(prepared.messages[2]!.content, '(Called the tool `read_file` with {"path": "a.ts"}.)');
      assert.equal(prepared.messages[2]!.toolCalls, undefined);
      assert.equal(prepared.messages[3]!.content, 'Result of the tool `read_file`:\nexport const a = 1;');
      assert.equal(prepared.messages[6]!.reasoningContent, 'R2');
    });

    it('without thinking: calls go as they are, no reasoning attached, nothing sent as text', () => {
      const prepared = prepareExchange(exchange(), new ReasoningMemory(), false);
      assert.equal(prepared.asText, 0);
      assert.deepEqual(prepared.messages, exchange());
    });

    it('a tool result whose call is not in the exchange goes as user text, joined with the user text beside it', () => {
      const history: ChatMessage[] = [
        { role: 'user', content: 'Go on.' },
        { role: 'tool', toolCallId: 'lost', content: 'result' },
        { role: 'user', content: 'What now?' },
      ];
      const prepared = prepareExchange(history, new ReasoningMemory(), false);
      assert.deepEqual(prepared.messages, [{ role: 'user', content: 'Go on.\n\nResult of the tool:\nresult\n\nWhat now?' }]);
    });

    it('the same history and memory give the same bytes (the prefix cache hits on every request of an exchange)', () => {
      const memory = new ReasoningMemory();
      memory.remember({ reasoning: 'R', content: '', calls: [{ id: 'call_1', arguments: CALL.arguments }] });
      assert.equal(JSON.stringify(prepareExchange(exchange(), memory, true).messages), JSON.stringify(prepareExchange(exchange(), memory, true).messages));
    });

    it('what it sends is accepted by the fake DeepSeek in thinking mode, where the raw history is refused', async () => {
      const fake = new FakeDeepSeekServer();
      const url = await fake.start();
      try {
        const client = new DeepSeekClient({ baseUrl: url, apiKey: 'sk-unit-lm-0001' });
        const tools = [{ name: 'read_file', parameters: { type: 'object' } }];
        fake.configure({ chunkDelayMs: 0, replies: [{ reasoning: 'R-first', content: '', toolCalls: [{ id: 'call_1', name: 'read_file', arguments: CALL.arguments }] }, { content: 'Done.' }, { content: 'Done.' }] });
        const first = await client.streamChat({ model: 'deepseek-flash', thinking: 'enabled', messages: exchange().slice(0, 2), tools });
        const memory = new ReasoningMemory();
        memory.remember({ reasoning: first.reasoning, content: first.content, calls: (first.toolCalls ?? []).map((c) => ({ id: c.id, arguments: c.arguments })) });
        const raw = await client.streamChat({ model: 'deepseek-flash', thinking: 'enabled', messages: exchange(), tools });
        assert.equal(raw.failure?.status, 400, 'the raw history lacks reasoning_content');
        const prepared = await client.streamChat({ model: 'deepseek-flash', thinking: 'enabled', messages: prepareExchange(exchange(), memory, true).messages as ChatMessage[], tools });
        assert.equal(prepared.failure, undefined);
        assert.equal(prepared.content, 'Done.');
      } finally {
        await fake.stop();
      }
    });
  });

  describe('lmCatalogue', () => {
    it('DeepSeek today: Flash, Flash thinking and Pro thinking from what /models lists', () => {
      const entries = lmCatalogue({ chatModel: 'deepseek-flash', reasonerModel: 'deepseek-flash', listed: ['deepseek-flash', 'deepseek-v4-pro'], deepseekEndpoint: true });
      assert.deepEqual(entries.map((e) => [e.id, e.name, e.role, e.model]), [
        ['deepseek-flash', 'DeepSeek Flash', 'chat', 'deepseek-flash'],
        ['deepseek-flash#thinking', 'DeepSeek Flash (thinking)', 'reasoner', 'deepseek-flash'],
        ['deepseek-v4-pro#thinking', 'DeepSeek Pro (thinking)', 'reasoner', 'deepseek-v4-pro'],
      ]);
    });

    it('before /models was read: Pro on DeepSeek\'s endpoint only; a self-hosted reasoner is offered under its own id', () => {
      assert.equal(lmCatalogue({ chatModel: 'deepseek-flash', reasonerModel: 'deepseek-flash', deepseekEndpoint: true }).length, 3);
      assert.equal(lmCatalogue({ chatModel: 'deepseek-flash', reasonerModel: 'deepseek-flash', deepseekEndpoint: false }).length, 2);
      const selfHosted = lmCatalogue({ chatModel: 'qwen-coder', reasonerModel: 'deepseek-r1', listed: ['qwen-coder', 'deepseek-r1'], deepseekEndpoint: false });
      assert.deepEqual(selfHosted.map((e) => e.name), ['qwen-coder', 'qwen-coder (thinking)', 'deepseek-r1 (thinking)']);
    });

    it('names: an alias is named as what it stands for', () => {
      assert.equal(displayName('deepseek-v4-flash'), 'DeepSeek Flash');
      assert.equal(displayName('deepseek-v4-pro'), 'DeepSeek Pro');
    });
  });
});
