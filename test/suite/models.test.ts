import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import type { LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, fakeServer, waitFor, waitForNotice } from './helpers';

type Body = { model: string; thinking?: { type: string }; reasoning_effort?: string; messages: unknown[] };

const KEY = 'sk-models-tests-0001';
const ROLE_KEYS = ['models.chat', 'models.reasoner', 'models.reasoningEffort', 'models.thinking', 'models.limits'] as const;

/**
 * The two roles on today's DeepSeek, end to end: what leaves the machine for a user with default settings, for
 * a user whose settings still name a retired id, and for a user on an endpoint that still serves the old ids.
 */
describe("models: the two roles on today's DeepSeek, and ids that heal", function () {
  const fake = fakeServer();
  const config = () => vscode.workspace.getConfiguration('deepseek');

  /** Sets the key and waits until its check (GET /models) has been answered. */
  async function setKey(): Promise<void> {
    const api = await activateExtension();
    const since = Date.now();
    await vscode.commands.executeCommand(CommandIds.setApiKey, KEY);
    await waitForNotice(api, /saved and accepted/, since);
  }

  async function chats(): Promise<(LoggedRequest & { body: Body })[]> {
    return (await fake.requests()).filter((r) => r.route === '/chat/completions') as (LoggedRequest & { body: Body })[];
  }

  async function resetRoles(): Promise<void> {
    for (const key of ROLE_KEYS) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
  }

  before(async () => {
    await activateExtension();
    await fake.reset();
    await resetRoles();
    await setKey();
  });

  beforeEach(async () => {
    await fake.reset();
  });

  after(async () => {
    await resetRoles();
    await fake.reset();
    // Clearing the key forgets what this endpoint listed (the legacy mode's ids among them).
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
  });

  it('default settings: chat goes out as deepseek-flash with thinking disabled, the reasoner with thinking enabled at high effort', async () => {
    const api = await activateExtension();
    await fake.configure({ replies: [{ reasoning: 'Not for chat.', content: 'Quick answer.' }, { reasoning: 'Step by step.', content: 'Reasoned answer.' }] });

    const quick = await api.ask('quick question');
    assert.equal(quick?.failure, undefined, JSON.stringify(quick?.failure));
    assert.equal(quick?.model, 'deepseek-flash');
    assert.equal(quick?.reasoning, '', 'the chat role does not think');
    const reasoned = await api.ask('hard question', { role: 'reasoner' });
    assert.equal(reasoned?.failure, undefined, JSON.stringify(reasoned?.failure));
    assert.equal(reasoned?.reasoning, 'Step by step.');

    const [chat, reasoner] = await chats();
    assert.equal(chat.body.model, 'deepseek-flash');
    assert.deepEqual(chat.body.thinking, { type: 'disabled' }, 'the switch goes with every V4 request: omitted would mean thinking on');
    assert.equal(chat.body.reasoning_effort, undefined);
    assert.deepEqual(chat.thinking, { enabled: false });
    assert.equal(reasoner.body.model, 'deepseek-flash');
    assert.deepEqual(reasoner.body.thinking, { type: 'enabled' });
    assert.equal(reasoner.body.reasoning_effort, 'high');
    assert.deepEqual(reasoner.thinking, { enabled: true, effort: 'high' });
    assert.equal((await chats()).length, 2, 'one request each, nothing retried');

    const state = await api.chatState();
    assert.deepEqual(state.modelLabels, { chat: 'Chat · deepseek-flash', reasoner: 'Reasoner · deepseek-flash, thinking high' });
  });

  it('the reasoner on Pro at max effort, as the user chooses; the picker says so', async () => {
    const api = await activateExtension();
    await config().update('models.reasoner', 'deepseek-v4-pro', vscode.ConfigurationTarget.Global);
    await config().update('models.reasoningEffort', 'max', vscode.ConfigurationTarget.Global);
    try {
      const result = await api.ask('prove it', { role: 'reasoner' });
      assert.equal(result?.failure, undefined, JSON.stringify(result?.failure));
      const [sent] = await chats();
      assert.equal(sent.body.model, 'deepseek-v4-pro');
      assert.deepEqual(sent.body.thinking, { type: 'enabled' });
      assert.equal(sent.body.reasoning_effort, 'max');
      assert.equal((await api.chatState()).modelLabels.reasoner, 'Reasoner · deepseek-v4-pro, thinking max');
    } finally {
      await resetRoles();
    }
  });

  it("a user whose settings say deepseek-chat gets Flash without thinking, is told once, and the button updates the user's settings", async () => {
    const api = await activateExtension();
    await config().update('models.chat', 'deepseek-chat', vscode.ConfigurationTarget.Global);
    try {
      const since = Date.now();
      const first = await api.ask('still on the old id');
      assert.equal(first?.failure, undefined, JSON.stringify(first?.failure));
      assert.equal(first?.model, 'deepseek-flash');
      const notice = await waitForNotice(api, /deepseek-chat was retired by DeepSeek on 2026-07-24; Chat uses deepseek-flash instead/, since);
      assert.deepEqual(notice.actions, ['Update Settings']);
      assert.match(notice.message, /Update deepseek\.models\.chat to deepseek-flash\?$/);

      const second = await api.ask('and again');
      assert.equal(second?.model, 'deepseek-flash');
      const sent = await chats();
      const answered = sent.filter((r) => r.outcome === 'ok');
      assert.equal(answered.length, 2);
      for (const r of answered) {
        assert.equal(r.body.model, 'deepseek-flash');
        assert.deepEqual(r.body.thinking, { type: 'disabled' }, 'deepseek-chat meant Flash without thinking');
      }
      // The list from Set API Key already says deepseek-chat is not served: at most one refused request, ever.
      assert.ok(sent.filter((r) => r.body.model === 'deepseek-chat').length <= 1, JSON.stringify(sent.map((r) => r.body.model)));
      assert.equal(api.recentNotices().filter((n) => n.at >= since && /deepseek-chat was retired/.test(n.message)).length, 1, 'told once');
      assert.equal((await api.chatState()).modelLabels.chat, 'Chat · deepseek-flash');

      assert.equal(api.clickNotice(/deepseek-chat was retired/, 'Update Settings'), true);
      await waitFor('the user setting to be updated', () => (config().inspect('models.chat')?.globalValue === 'deepseek-flash' ? true : undefined));
      assert.equal(config().inspect('models.chat')?.workspaceValue, undefined, 'written to the user settings only');
    } finally {
      await resetRoles();
    }
  });

  it('a user on a legacy endpoint: the old ids it lists are used, with no thinking fields', async () => {
    const api = await activateExtension();
    await fake.configure({ legacyEndpoint: true, replies: [{ content: 'Old chat.' }, { reasoning: 'Old reasoning.', content: 'Old reasoner.' }] });
    await setKey(); // the key is checked against this endpoint: GET /models lists deepseek-chat and deepseek-reasoner
    try {
      const since = Date.now();
      const quick = await api.ask('legacy chat');
      assert.equal(quick?.failure, undefined, JSON.stringify(quick?.failure));
      assert.equal(quick?.content, 'Old chat.');
      const reasoned = await api.ask('legacy reasoning', { role: 'reasoner' });
      assert.equal(reasoned?.failure, undefined, JSON.stringify(reasoned?.failure));
      assert.equal(reasoned?.reasoning, 'Old reasoning.');

      const sent = await chats();
      assert.deepEqual(sent.map((r) => [r.body.model, r.outcome]), [['deepseek-chat', 'ok'], ['deepseek-reasoner', 'ok']]);
      for (const r of sent) {
        assert.equal(r.body.thinking, undefined, 'an id that does not take the switch never gets it');
        assert.equal(r.body.reasoning_effort, undefined);
      }
      const notice = await waitForNotice(api, /deepseek-flash is not in the models this endpoint lists \(deepseek-chat, deepseek-reasoner\); Chat uses deepseek-chat instead/, since);
      assert.deepEqual(notice.actions, ['Update Settings']);
      assert.deepEqual((await api.chatState()).modelLabels, { chat: 'Chat · deepseek-chat', reasoner: 'Reasoner · deepseek-reasoner' });
    } finally {
      await fake.reset();
      await setKey(); // back to today's API and its list for the tests that follow
    }
  });

  it('a refusal naming the ids the API serves: retried once with the equivalent, and the user told', async () => {
    const api = await activateExtension();
    // The list read with the key still has Pro; the API has stopped serving it since.
    await fake.configure({ models: ['deepseek-flash'] });
    await config().update('models.reasoner', 'deepseek-v4-pro', vscode.ConfigurationTarget.Global);
    try {
      const since = Date.now();
      const result = await api.ask('on Pro', { role: 'reasoner' });
      assert.equal(result?.failure, undefined, JSON.stringify(result?.failure));
      assert.equal(result?.model, 'deepseek-flash');
      const sent = await chats();
      assert.deepEqual(sent.map((r) => [r.body.model, r.outcome]), [['deepseek-v4-pro', 'error:400'], ['deepseek-flash', 'ok']]);
      assert.deepEqual(sent[1].body.thinking, { type: 'enabled' }, 'the reasoner still thinks on the equivalent');
      assert.equal(sent[1].body.reasoning_effort, 'high');
      const notice = await waitForNotice(api, /Reasoner uses deepseek-flash instead\. The request was sent again with deepseek-flash\./, since);
      assert.deepEqual(notice.actions, ['Update Settings']);

      // Healed for the next request: it goes out as Flash at once.
      await api.ask('on Pro again', { role: 'reasoner' });
      assert.deepEqual((await chats()).slice(2).map((r) => r.body.model), ['deepseek-flash']);
    } finally {
      await resetRoles();
      await fake.reset();
      await setKey(); // the list as today's API has it, for the tests that follow
    }
  });

  it('never loops: a second refusal is shown, not retried; a 400 about something else is never retried', async () => {
    const api = await activateExtension();
    await config().update('models.reasoner', 'deepseek-v4-pro', vscode.ConfigurationTarget.Global);
    assert.equal((await api.chatState()).modelLabels.reasoner, 'Reasoner · deepseek-v4-pro, thinking high', 'Pro is listed: sent as configured');
    try {
      const refusal = 'The supported API model names are deepseek-flash, but you passed deepseek-v4-pro.';
      await fake.injectFault({ kind: 'status', status: 400, message: refusal, path: '/chat/completions', times: 2 });
      await fake.configure({ models: ['deepseek-flash'] });
      const since = Date.now();
      const refused = await api.ask('refused twice', { role: 'reasoner' });
      assert.equal(refused?.failure?.kind, 'model');
      assert.equal((await chats()).length, 2, 'the request and one retry, no more');
      const shown = await waitForNotice(api, /does not serve the model "deepseek-flash"/, since);
      assert.match(shown.message, /The API lists: deepseek-flash\. Choose one in the DeepSeek model settings\./);
      assert.deepEqual(shown.actions, ['Open Settings']);

      await fake.reset();
      await fake.injectFault({ kind: 'status', status: 400, message: 'Invalid value for temperature: must be at most 2', path: '/chat/completions' });
      const other = await api.ask('something else wrong');
      assert.equal(other?.failure?.kind, 'invalid');
      assert.equal((await chats()).length, 1, 'not retried');
    } finally {
      await resetRoles();
      await fake.reset();
      await setKey();
    }
  });

  it("caps the prompt at the model's window from deepseek.models.limits, under the user's deepseek.context.maxTokens", async () => {
    const api = await activateExtension();
    const folder = vscode.workspace.workspaceFolders![0].uri;
    const big = vscode.Uri.joinPath(folder, 'src', 'generated-table.ts');
    const lines = Array.from({ length: 2500 }, (_, i) => `export const value${i} = ${i} * 31 + ${i % 7}; // entry ${i} of the generated table`);
    await vscode.workspace.fs.writeFile(big, new TextEncoder().encode(`${lines.join('\n')}\n`));
    const sentChars = async () => JSON.stringify((await chats()).at(-1)?.body.messages ?? []).length;
    try {
      await vscode.window.showTextDocument(big);
      await api.newChat();
      const whole = await api.askInChat('What is in this file?');
      assert.equal(whole?.status, 'done', JSON.stringify(whole));
      const full = await sentChars();
      assert.ok(full > 100_000, `the whole file fits the default budget on a 1M-token model (${full} chars sent)`);

      await config().update('models.limits', { 'deepseek-flash': { contextTokens: 8000 } }, vscode.ConfigurationTarget.Global);
      await fake.reset();
      await api.newChat();
      const capped = await api.askInChat('What is in this file?');
      assert.equal(capped?.status, 'done', JSON.stringify(capped));
      const small = await sentChars();
      // 8K window, 4K kept for output: about 4K tokens of prompt, i.e. well under 20K characters at 0.3 tokens each.
      assert.ok(small < 20_000, `the prompt was cut to the model's window (${small} chars sent)`);
    } finally {
      await resetRoles();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
      await vscode.workspace.fs.delete(big);
      await api.newChat();
    }
  });
});
