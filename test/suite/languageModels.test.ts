import * as assert from 'assert/strict';
import { readFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import type { DeepSeekAssistantTestApi } from '../../src/app/publicApi';
import { MISSING_REASONING_MESSAGE } from '../fake-deepseek/toolCalls';
import type { LoggedRequest } from '../fake-deepseek/types';
import { EXTENSION_ID } from '../harness/paths';
import { activateExtension, fakeServer, ledgerDir, segmentsText, waitFor } from './helpers';

interface WireMessage {
  role: string;
  content: unknown;
  reasoning_content?: string;
  tool_calls?: { id: string; type: string; function: { name: string; arguments: string } }[];
  tool_call_id?: string;
}
interface Body {
  model: string;
  messages: WireMessage[];
  tools?: { type: string; function: { name: string } }[];
  tool_choice?: unknown;
  thinking?: { type: string };
}

const READ_FILE: vscode.LanguageModelChatTool = {
  name: 'read_file',
  description: 'Reads a file of the workspace',
  inputSchema: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'] },
};

/** Everything a response streamed: its text, and its tool calls. */
async function drain(response: vscode.LanguageModelChatResponse): Promise<{ text: string; calls: vscode.LanguageModelToolCallPart[] }> {
  let text = '';
  const calls: vscode.LanguageModelToolCallPart[] = [];
  for await (const part of response.stream) {
    if (part instanceof vscode.LanguageModelTextPart) text += part.value;
    else if (part instanceof vscode.LanguageModelToolCallPart) calls.push(part);
  }
  return { text, calls };
}

describe('VS Code language models: DeepSeek through vscode.lm', () => {
  const fake = fakeServer();
  let api: DeepSeekAssistantTestApi;

  const chats = async (): Promise<LoggedRequest[]> => (await fake.requests()).filter((r) => r.route === '/chat/completions');
  const body = (r: LoggedRequest) => r.body as Body;

  async function models(): Promise<vscode.LanguageModelChat[]> {
    return waitFor('DeepSeek models in vscode.lm', async () => {
      const found = await vscode.lm.selectChatModels({ vendor: 'deepseek' });
      return found.length >= 3 ? found : undefined;
    }, 20_000);
  }
  async function model(id: string): Promise<vscode.LanguageModelChat> {
    const found = (await models()).find((m) => m.id === id);
    assert.ok(found, `a model with id ${id}; found ${(await models()).map((m) => m.id).join(', ')}`);
    return found;
  }

  before(async () => {
    api = await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-lm-tests-0001');
  });

  beforeEach(async () => {
    await fake.reset();
    api.resetProviderHealth();
  });

  it('selectChatModels({vendor: "deepseek"}) finds Flash, Flash thinking and Pro thinking, with their limits and capabilities', async () => {
    const found = await models();
    const byName = new Map(found.map((m) => [m.name, m]));
    assert.deepEqual([...byName.keys()].sort(), ['DeepSeek Flash', 'DeepSeek Flash (thinking)', 'DeepSeek Pro (thinking)']);
    const flash = byName.get('DeepSeek Flash')!;
    assert.equal(flash.vendor, 'deepseek');
    assert.equal(flash.family, 'deepseek-flash');
    assert.equal(flash.id, 'deepseek-flash');
    // V4: 1M-token window, up to 384K out; the prompt may use what the longest answer leaves.
    assert.equal(flash.maxInputTokens, 616_000);
    assert.equal(byName.get('DeepSeek Pro (thinking)')!.family, 'deepseek-v4-pro');
    const tokens = await flash.countTokens('Hello, DeepSeek!');
    assert.ok(tokens > 0 && tokens < 16, `a short text counts a few tokens (${tokens})`);
  });

  it('sendRequest on Flash streams the answer through the fake, thinking disabled, with spend recorded as surface lm', async () => {
    await fake.configure({ chunkDelayMs: 5, replies: [{ content: 'Hello from Flash, streamed in pieces.' }] });
    const before = api.spend().session.requests;
    const flash = await model('deepseek-flash');
    // Copilot-style cache breakpoints are hints for other providers: DeepSeek caches by itself, nothing is added.
    const DataPart = (vscode as unknown as { LanguageModelDataPart: new (data: Uint8Array, mime: string) => vscode.LanguageModelTextPart }).LanguageModelDataPart;
    const hint = new DataPart(new TextEncoder().encode('ephemeral'), 'cache_control');
    const response = await flash.sendRequest([vscode.LanguageModelChatMessage.User([new vscode.LanguageModelTextPart('Say hello.'), hint])], {}, new vscode.CancellationTokenSource().token);
    const pieces: string[] = [];
    for await (const piece of response.text) pieces.push(piece);
    assert.equal(pieces.join(''), 'Hello from Flash, streamed in pieces.');
    assert.ok(pieces.length > 1, `streamed, not given whole (${pieces.length} piece(s))`);
    const [sent] = await chats();
    assert.equal(body(sent!).model, 'deepseek-flash');
    assert.deepEqual(body(sent!).thinking, { type: 'disabled' });
    assert.deepEqual(body(sent!).messages.map((m) => [m.role, m.content]), [['user', 'Say hello.']], 'the caller\'s messages go as they are');
    assert.equal(api.lastRequest()?.surface, 'lm');
    // VS Code names the calling extension (here the tests run inside ours): kept with the request and its spend.
    assert.equal(api.lastRequest()?.caller, EXTENSION_ID.toLowerCase());
    await waitFor('the session spend to count the request', () => (api.spend().session.requests === before + 1 ? true : undefined));
    const dir = ledgerDir();
    assert.ok(dir, 'the shared ledger exists');
    await waitFor('an lm record with its caller in the ledger', () =>
      (segmentsText(dir).split('\n').some((line) => line.includes('"surface":"lm"') && line.includes(`"caller":"${EXTENSION_ID.toLowerCase()}"`)) ? true : undefined));
  });

  it('a secret in the caller\'s messages never reaches DeepSeek; the answer quoting it comes back restored', async () => {
    await fake.configure({ chunkDelayMs: 0 }); // unscripted: the fake echoes the question
    const question = 'Is AKIAZ7QX4PLM2WERT6YU an AWS key?';
    const answer = await drain(await (await model('deepseek-flash')).sendRequest([vscode.LanguageModelChatMessage.User(question)], {}, new vscode.CancellationTokenSource().token));
    const raw = JSON.stringify((await chats())[0]!.body);
    assert.doesNotMatch(raw, /AKIAZ7QX4PLM2WERT6YU/, 'redacted before it left');
    assert.match(answer.text, /AKIAZ7QX4PLM2WERT6YU/, 'restored in what the caller reads');
    assert.ok((api.lastRequest()?.findings.length ?? 0) > 0, 'Show Last Request lists what was redacted');
  });

  it('a tool-calling round trip on Flash thinking sends the reasoning back as received; the fake refuses the same request without it', async () => {
    await fake.configure({
      chunkDelayMs: 0,
      cacheUnitTokens: 8, // DeepSeek caches in 64-token units; this short exchange needs smaller ones to show it
      replies: [
        { reasoning: 'I should read src/app.ts first.', content: '', toolCalls: [{ id: 'call_read_1', name: 'read_file', arguments: '{"path":"src/app.ts"}' }] },
        { reasoning: 'The file exports one constant.', content: 'src/app.ts exports `app`.' },
      ],
    });
    const thinking = await model('deepseek-flash#thinking');
    const question = vscode.LanguageModelChatMessage.User('What does src/app.ts export?');
    const first = await drain(await thinking.sendRequest([question], { tools: [READ_FILE] }, new vscode.CancellationTokenSource().token));
    assert.equal(first.calls.length, 1, 'one tool call, whole');
    assert.equal(first.calls[0]!.callId, 'call_read_1');
    assert.equal(first.calls[0]!.name, 'read_file');
    assert.deepEqual(first.calls[0]!.input, { path: 'src/app.ts' });

    const history = [
      question,
      vscode.LanguageModelChatMessage.Assistant([new vscode.LanguageModelToolCallPart('call_read_1', 'read_file', { path: 'src/app.ts' })]),
      vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart('call_read_1', [new vscode.LanguageModelTextPart('export const app = 1;')])]),
    ];
    const second = await drain(await thinking.sendRequest(history, { tools: [READ_FILE] }, new vscode.CancellationTokenSource().token));
    assert.equal(second.text, 'src/app.ts exports `app`.');

    const [firstSent, followUp] = await chats();
    const sent = body(followUp!);
    // The caller's history goes as it came, so the follow-up repeats the first request's prompt as its prefix.
    assert.ok(followUp!.cache && firstSent!.cache && followUp!.cache.hit > 0 && followUp!.cache.hit >= firstSent!.cache.hit + firstSent!.cache.miss - 16,
      `the follow-up hits the cache on the first request's prompt (${JSON.stringify(firstSent!.cache)} then ${JSON.stringify(followUp!.cache)})`);
    console.log(`      prefix cache across the tool round trip: first ${JSON.stringify(firstSent!.cache)}, follow-up ${JSON.stringify(followUp!.cache)}`);
    assert.deepEqual(sent.thinking, { type: 'enabled' });
    const assistant = sent.messages.find((m) => m.role === 'assistant')!;
    assert.equal(assistant.reasoning_content, 'I should read src/app.ts first.', 'the reasoning of the tool-calling turn, byte for byte');
    assert.deepEqual(assistant.tool_calls?.map((c) => [c.id, c.function.name, c.function.arguments]), [['call_read_1', 'read_file', '{"path":"src/app.ts"}']]);
    const tool = sent.messages.find((m) => m.role === 'tool')!;
    assert.equal(tool.tool_call_id, 'call_read_1');
    assert.equal(tool.content, 'export const app = 1;');

    // The rule is real: the same request without reasoning_content is refused, as DeepSeek refuses it.
    const without = { ...sent, stream: false, messages: sent.messages.map(({ reasoning_content: _r, ...m }) => m) };
    const refused = await fetch(`${fake.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer sk-lm-tests-0001' },
      body: JSON.stringify(without),
    });
    assert.equal(refused.status, 400);
    assert.match(await refused.text(), new RegExp(MISSING_REASONING_MESSAGE.replace(/[`.]/g, '.')));
  });

  it('a tool exchange whose reasoning is not known (another model made the call) goes as text, and is answered, not refused', async () => {
    await fake.configure({ chunkDelayMs: 0, replies: [{ reasoning: 'Reading the result.', content: 'It is 42.' }] });
    const thinking = await model('deepseek-flash#thinking');
    const history = [
      vscode.LanguageModelChatMessage.User('What is the answer?'),
      vscode.LanguageModelChatMessage.Assistant([new vscode.LanguageModelToolCallPart('call_elsewhere', 'read_file', { path: 'answer.txt' })]),
      vscode.LanguageModelChatMessage.User([new vscode.LanguageModelToolResultPart('call_elsewhere', [new vscode.LanguageModelTextPart('42')])]),
    ];
    const answer = await drain(await thinking.sendRequest(history, { tools: [READ_FILE] }, new vscode.CancellationTokenSource().token));
    assert.equal(answer.text, 'It is 42.');
    const sent = body((await chats())[0]!);
    assert.ok(!sent.messages.some((m) => m.role === 'tool' || m.tool_calls), 'no tool messages without their reasoning');
    assert.match(JSON.stringify(sent.messages), /Called the tool `read_file`/);
    assert.match(JSON.stringify(sent.messages), /Result of the tool `read_file`:\\n42/);
  });

  it('an image part goes to Flash as an image_url part after the question', async () => {
    const DataPart = (vscode as unknown as { LanguageModelDataPart?: { image(data: Uint8Array, mime: string): unknown } }).LanguageModelDataPart;
    assert.ok(DataPart, 'this VS Code has LanguageModelDataPart (1.105+)');
    const extension = vscode.extensions.getExtension(EXTENSION_ID)!;
    const png = new Uint8Array(readFileSync(path.join(extension.extensionUri.fsPath, 'test', 'fixtures', 'documents', 'error-screenshot.png')));
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'A TypeError on line 3.' }] });
    const message = vscode.LanguageModelChatMessage.User([new vscode.LanguageModelTextPart('What does this show?'), DataPart.image(png, 'image/png') as vscode.LanguageModelTextPart]);
    const answer = await drain(await (await model('deepseek-flash')).sendRequest([message], {}, new vscode.CancellationTokenSource().token));
    assert.equal(answer.text, 'A TypeError on line 3.');
    const [sent] = await chats();
    assert.equal(sent!.images?.length, 1, 'the fake received one image');
    const parts = body(sent!).messages[0]!.content as { type: string }[];
    assert.deepEqual(parts.map((p) => p.type), ['text', 'image_url']);
  });

  it('toolMode Required: Flash gets tool_choice "required"; a thinking model gets "auto" (thinking mode refuses required)', async () => {
    await fake.configure({ chunkDelayMs: 0, replies: [{ content: 'ok' }, { reasoning: 'Hm.', content: 'ok' }] });
    const required = { tools: [READ_FILE], toolMode: vscode.LanguageModelChatToolMode.Required };
    await drain(await (await model('deepseek-flash')).sendRequest([vscode.LanguageModelChatMessage.User('Read it.')], required, new vscode.CancellationTokenSource().token));
    await drain(await (await model('deepseek-v4-pro#thinking')).sendRequest([vscode.LanguageModelChatMessage.User('Read it.')], required, new vscode.CancellationTokenSource().token));
    const [flash, pro] = await chats();
    assert.equal(body(flash!).tool_choice, 'required');
    assert.equal(body(pro!).model, 'deepseek-v4-pro');
    assert.equal(body(pro!).tool_choice, 'auto');
    assert.equal(api.lastRequest()?.toolChoice, 'auto');
  });

  it('cancelling a request stops the stream: the rest of the answer never arrives', async () => {
    const long = Array.from({ length: 200 }, (_, i) => `word${i}`).join(' ');
    await fake.configure({ chunkDelayMs: 40, replies: [{ content: long }] });
    const cancel = new vscode.CancellationTokenSource();
    const response = await (await model('deepseek-flash')).sendRequest([vscode.LanguageModelChatMessage.User('Talk a lot.')], {}, cancel.token);
    let text = '';
    let threw: unknown;
    try {
      for await (const piece of response.text) {
        text += piece;
        if (text.length > 20) cancel.cancel();
      }
    } catch (err) {
      threw = err;
    }
    assert.ok(text.length > 20 && text.length < long.length, `partial text only (${text.length} of ${long.length} characters)`);
    assert.ok(threw === undefined || threw instanceof vscode.CancellationError || /cancel/i.test(String(threw)), `ends as cancelled, not as a failure: ${String(threw)}`);
  });

  it('without an API key there are no DeepSeek models; setting one brings them back', async () => {
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await waitFor('no DeepSeek models', async () => ((await vscode.lm.selectChatModels({ vendor: 'deepseek' })).length === 0 ? true : undefined), 20_000);
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-lm-tests-0001');
    assert.equal((await models()).length, 3);
  });
});
