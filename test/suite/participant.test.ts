import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import type { LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, discardAndCloseAllEditors, fakeServer } from './helpers';
import { scratchRepo, type ScratchRepo } from './gitRepo';

type Body = { model: string; thinking?: { type: string }; messages: { role: string; content: string }[] };

describe('the @deepseek chat participant', function () {
  const fake = fakeServer();
  const math = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'src', 'math.ts');
  let repo: ScratchRepo | undefined;

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-participant-tests-0001');
  });

  beforeEach(async () => {
    await fake.reset();
  });

  after(async () => {
    await repo?.remove();
    await discardAndCloseAllEditors();
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
  });

  async function chats(): Promise<LoggedRequest[]> {
    return (await fake.requests()).filter((r) => r.route === '/chat/completions');
  }

  it('participant /explain with a reference answers in markdown on the reasoner, references the file and offers follow-ups', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fake.configure({ replies: [{ reasoning: 'Reading add().', content: '`add` returns the **sum** of its two arguments.' }] });
    const run = await api.participant.run('', 'explain', [{ uri: math(), range: new vscode.Range(0, 0, 2, 1) }]);
    assert.equal(run.result.errorDetails, undefined, JSON.stringify(run.result.errorDetails));
    assert.match(run.markdown, /`add` returns the \*\*sum\*\* of its two arguments\./, 'the answer streamed as markdown');
    assert.doesNotMatch(run.markdown, /Reading add\(\)/, 'the reasoning is not shown as the answer');
    assert.ok(run.references.includes(`${math().toString()}#1-3`), `references the selection: ${JSON.stringify(run.references)}`);
    assert.deepEqual(run.followups, ['/tests the same code', '/doc the same code']);
    const body = (await chats()).at(-1)!.body as Body;
    assert.deepEqual(body.thinking, { type: 'enabled' }, 'the reasoner, as the palette\'s Explain');
    const last = body.messages.at(-1)!.content;
    assert.match(last, /Explain the selected code \(src\/math\.ts:1-3\)/, 'the same instruction as Explain Selection');
    assert.match(last, /return a \+ b;/, 'the target\'s code is sent');
    assert.equal(body.messages[0].role, 'system');
    assert.match(body.messages[0].content, /You are DeepSeek Assistant/, 'the chat\'s cache-friendly system message');
    assert.equal(api.lastRequest()?.surface, 'participant');
  });

  it('participant follow-up "/tests the same code" works on the previous answer\'s target, after the earlier exchange as it was sent', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await fake.configure({ replies: [{ reasoning: 'r', content: 'It adds.' }, { reasoning: 'r', content: '```ts\ntest("add", () => {});\n```' }] });
    const first = await api.participant.run('', 'explain', [{ uri: math(), range: new vscode.Range(0, 0, 2, 1) }]);
    const firstBody = (await chats()).at(-1)!.body as Body;
    // The user has moved on to another file: the follow-up still means the code explained.
    await vscode.window.showTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'README.md'));
    const second = await api.participant.run('the same code', 'tests', undefined, undefined, [{ prompt: '', command: 'explain', run: first }]);
    assert.equal(second.result.errorDetails, undefined, JSON.stringify(second.result.errorDetails));
    assert.ok(second.references.includes(`${math().toString()}#1-3`), JSON.stringify(second.references));
    assert.deepEqual(second.followups, ['/explain the same code']);
    const body = (await chats()).at(-1)!.body as Body;
    assert.deepEqual(body.messages.slice(0, firstBody.messages.length), firstBody.messages, 'the earlier request is a prefix of this one (append-only: the cache hits)');
    assert.deepEqual(body.messages[firstBody.messages.length], { role: 'assistant', content: 'It adds.' });
    assert.match(body.messages.at(-1)!.content, /Write unit tests for the selected code \(src\/math\.ts:1-3\)/);
  });

  it('participant /fix with no problems and no note says so, and sends nothing', async () => {
    const api = await activateExtension();
    const run = await api.participant.run('', 'fix', [{ uri: math() }]);
    assert.match(run.markdown, /There are no problems in src\/math\.ts:1-\d+ to fix/);
    assert.ok(run.result.errorDetails);
    assert.deepEqual(await chats(), []);
  });

  it('participant answers a question without a command on the chat role, with the active file', async () => {
    const api = await activateExtension();
    await vscode.window.showTextDocument(math());
    await fake.configure({ replies: [{ content: 'It divides the sum by the count.' }] });
    const run = await api.participant.run('What does mean do?');
    assert.match(run.markdown, /It divides the sum by the count\./);
    assert.ok(run.references.includes(math().toString()), `references the active file: ${JSON.stringify(run.references)}`);
    const body = (await chats()).at(-1)!.body as Body;
    assert.deepEqual(body.thinking, { type: 'disabled' }, 'the chat role');
    const last = body.messages.at(-1)!.content;
    assert.match(last, /values\.reduce\(add, 0\)/, 'the active file is the context');
    assert.match(last, /What does mean do\?/);
    assert.deepEqual(run.followups, []);
  });

  it('participant /commit returns the commit message with a button that puts it in the input box', async () => {
    const api = await activateExtension();
    repo = await scratchRepo('participant-repo', [{ subject: 'Add notes', files: { 'notes.md': '# Notes\n' } }]);
    repo.write('notes.md', '# Notes\n\nRemember the milk.\n');
    repo.git('add', 'notes.md');
    await vscode.window.showTextDocument(vscode.Uri.joinPath(repo.uri, 'notes.md'));
    await fake.configure({ replies: [{ content: '"Add a reminder to the notes."' }] });
    const run = await api.participant.run('', 'commit');
    assert.equal(run.result.errorDetails, undefined, JSON.stringify(run.result.errorDetails));
    assert.match(run.markdown, /```text\nAdd a reminder to the notes\n```/, 'the cleaned-up message as a code block');
    assert.equal((run.result.metadata as { message?: string }).message, 'Add a reminder to the notes');
    const sent = ((await chats()).at(-1)!.body as Body).messages.map((m) => m.content).join('\n');
    assert.match(sent, /\+Remember the milk\./, 'the staged diff was sent');
    assert.equal(api.lastRequest()?.surface, 'commit');
    const button = run.buttons.find((b) => b.title === 'Use as Commit Message');
    assert.ok(button, `a button: ${JSON.stringify(run.buttons)}`);
    repo.repository.inputBox.value = '';
    await vscode.commands.executeCommand(button.command, ...(button.arguments ?? []));
    assert.equal(repo.repository.inputBox.value, 'Add a reminder to the notes');
  });

  it('participant without an API key says how to set one, and sends nothing', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    try {
      const run = await api.participant.run('What does add do?');
      assert.match(run.markdown, /API key/);
      assert.match(run.markdown, /deepseek\.setApiKey/);
      assert.ok(run.buttons.some((b) => b.command === CommandIds.setApiKey), 'a Set API Key button');
      assert.ok(run.result.errorDetails, 'the result carries the error');
      assert.deepEqual(run.references, [], 'no file is listed as used for a request that was not sent');
      assert.deepEqual(run.followups, []);
      assert.deepEqual(await chats(), [], 'no request');
    } finally {
      await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-participant-tests-0001');
    }
  });
});
