import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import type { LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, fakeServer, waitFor, waitForNotice } from './helpers';
import { scratchRepo, type ScratchRepo } from './gitRepo';

type Body = { model: string; thinking?: { type: string }; messages: { role: string; content: string }[] };

/** A fake AWS access key id and secret key (test values in the detectors' shapes; not real credentials). */
const KEY_ID = 'AKIAZ7Q4MBT2XKLP9WDE';
const SECRET_KEY = 'Zq3vR8tLm2Xw9Yb4Nc7Kd1Fh6Jp0Gs5Ta8Ue2Vi3';

describe('Generate Commit Message (commit message in the Source Control view)', function () {
  const fake = fakeServer();
  let repo: ScratchRepo;

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-commit-message-tests-0001');
    repo = await scratchRepo('commit-repo', [
      { subject: 'Add the greeting module', files: { 'src/greet.ts': 'export const greeting = "hi";\n', 'README.md': '# Greeter\n' } },
      { subject: 'Fix a typo in the README', files: { 'README.md': '# Greeter\n\nSays hello.\n' } },
    ]);
  });

  beforeEach(async () => {
    await fake.reset();
    repo.repository.inputBox.value = '';
  });

  after(async () => {
    await repo?.remove();
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
  });

  async function chats(): Promise<LoggedRequest[]> {
    return (await fake.requests()).filter((r) => r.route === '/chat/completions');
  }

  it('writes the staged changes\' commit message into the input box; secrets and secret files are not sent', async () => {
    const api = await activateExtension();
    repo.write('src/greet.ts', `export const greeting = "hello";\nexport const awsKeyId = "${KEY_ID}";\nexport const aws_secret_access_key = "${SECRET_KEY}";\n`);
    repo.write('.env', 'DATABASE_PASSWORD=correct-horse-battery-staple\n');
    repo.git('add', 'src/greet.ts', '.env');
    await fake.configure({ replies: [{ content: 'Commit message:\n```\nSay hello instead of hi.\n\nThe greeting reads better.\n```' }] });
    const since = Date.now();
    await vscode.commands.executeCommand(CommandIds.generateCommitMessage, { rootUri: repo.uri });
    assert.equal(repo.repository.inputBox.value, 'Say hello instead of hi\n\nThe greeting reads better.', 'the answer cleaned up, in the input box');
    const sent = await chats();
    assert.equal(sent.length, 1);
    const body = sent[0].body as Body;
    assert.deepEqual(body.thinking, { type: 'disabled' }, 'the chat role: no thinking');
    const text = body.messages.map((m) => m.content).join('\n');
    assert.match(text, /\+export const greeting = "hello";/, 'the staged diff is sent');
    assert.match(text, /- Fix a typo in the README\n- Add the greeting module/, 'recent subjects as style examples');
    assert.doesNotMatch(text, new RegExp(`${KEY_ID}|${SECRET_KEY}`), 'the secrets are redacted');
    assert.match(text, /⟦AWS_KEY_[0-9a-f]{8}⟧/);
    assert.match(text, /changes in \.env not shown/, 'the secret file is named only');
    assert.doesNotMatch(text, /correct-horse/, 'nothing of the secret file is sent');
    assert.equal(api.lastRequest()?.surface, 'commit');
    await waitForNotice(api, /staged diff contains 2 secrets or personal data; they were not sent and are not in the message/, since);
    await vscode.commands.executeCommand(CommandIds.showSpend);
    await waitFor('a commit record in the spend ledger', () => {
      const report = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'deepseek-spend')?.getText();
      return report && /## Session by surface[\s\S]*\| commit \| 1 \|/.test(report) ? true : undefined;
    }, 20_000);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('keeps the placeholders in the message when the diff held secrets (fail closed)', async () => {
    const api = await activateExtension();
    // Still staged from the test before: the same diff, so the same placeholders.
    await fake.configure({ replies: [{ content: 'x' }] });
    await vscode.commands.executeCommand(CommandIds.generateCommitMessage, { rootUri: repo.uri });
    const placeholder = api.lastRequest()?.findings.find((f) => f.kind === 'AWS_KEY')?.placeholder;
    assert.ok(placeholder, 'the request carried an AWS_KEY placeholder');
    await fake.reset();
    await fake.configure({ replies: [{ content: `Rotate the AWS key ${placeholder}` }] });
    await vscode.commands.executeCommand(CommandIds.generateCommitMessage, { rootUri: repo.uri });
    const message = repo.repository.inputBox.value;
    assert.equal(message, `Rotate the AWS key ${placeholder}`);
    assert.doesNotMatch(message, new RegExp(`${KEY_ID}|${SECRET_KEY}`), 'no secret lands in the commit message');
    repo.git('commit', '-q', '-m', 'Say hello');
  });

  it('describes the unstaged changes when nothing is staged, and says so', async () => {
    const api = await activateExtension();
    repo.write('README.md', '# Greeter\n\nSays hello, politely.\n');
    await fake.configure({ replies: [{ content: 'Describe the greeting in the README' }] });
    const since = Date.now();
    await vscode.commands.executeCommand(CommandIds.generateCommitMessage, { rootUri: repo.uri });
    assert.equal(repo.repository.inputBox.value, 'Describe the greeting in the README');
    const text = ((await chats())[0].body as Body).messages.map((m) => m.content).join('\n');
    assert.match(text, /nothing is staged/);
    assert.match(text, /\+Says hello, politely\./);
    await waitForNotice(api, /nothing was staged, so the commit message describes the unstaged changes/, since);
  });

  it('a second press while one is writing is refused: one request', async () => {
    const api = await activateExtension();
    // README.md is still changed (unstaged) from the test before.
    await fake.configure({ replies: [{ content: 'Describe the greeting politely in the README' }], chunkChars: 4, chunkDelayMs: 40 });
    const since = Date.now();
    const first = vscode.commands.executeCommand(CommandIds.generateCommitMessage, { rootUri: repo.uri });
    await waitFor('the first request to go out', async () => ((await chats()).length > 0 ? true : undefined));
    await vscode.commands.executeCommand(CommandIds.generateCommitMessage, { rootUri: repo.uri });
    await waitForNotice(api, /already writing a commit message for this repository/, since);
    await first;
    assert.equal((await chats()).length, 1);
    assert.equal(repo.repository.inputBox.value, 'Describe the greeting politely in the README');
  });

  it('with no changes at all says there is nothing to describe, and sends nothing', async () => {
    const api = await activateExtension();
    repo.git('checkout', '--', '.');
    const since = Date.now();
    await vscode.commands.executeCommand(CommandIds.generateCommitMessage, { rootUri: repo.uri });
    await waitForNotice(api, /^DeepSeek: Nothing to describe/, since);
    assert.deepEqual(await chats(), [], 'no request');
  });
});
