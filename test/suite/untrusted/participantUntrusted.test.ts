import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../../src/core/commandIds';
import { activateExtension, attackerServer, fakeServer } from '../helpers';

type Body = { messages: { role: string; content: string }[] };

/** @deepseek in the untrusted folder: no file is read; a command on a file is refused, a question goes without files. */
describe('the @deepseek participant in an untrusted workspace', () => {
  const fake = fakeServer();
  const attacker = attackerServer();
  const math = () => vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'src', 'math.ts');

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-untrusted-participant-0001');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
  });

  it('participant refuses /explain on a file, and sends a question without the files', async () => {
    const api = await activateExtension();
    await fake.reset();
    await attacker.reset();
    await vscode.window.showTextDocument(math());
    const refused = await api.participant.run('', 'explain', [{ uri: math() }]);
    assert.match(refused.markdown, /not trusted/);
    assert.ok(refused.result.errorDetails);
    assert.deepEqual([...(await fake.requests()), ...(await attacker.requests())].filter((r) => r.route === '/chat/completions'), [], 'nothing sent');
    await fake.configure({ replies: [{ content: 'Without the file I can only guess.' }] });
    const run = await api.participant.run('What does add do?');
    assert.match(run.markdown, /not trusted: no files were read/);
    assert.match(run.markdown, /Without the file I can only guess\./);
    assert.deepEqual(run.references, []);
    const sent = (await fake.requests()).filter((r) => r.route === '/chat/completions');
    assert.equal(sent.length, 1, 'the question went to the user\'s endpoint');
    assert.deepEqual((await attacker.requests()).filter((r) => r.route === '/chat/completions'), [], 'never to the workspace\'s endpoint');
    assert.doesNotMatch(JSON.stringify((sent[0].body as Body).messages), /return a \+ b/, 'the file was not read');
  });
});
