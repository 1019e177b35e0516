import * as assert from 'assert/strict';
import { rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CommandIds } from '../../../src/core/commandIds';
import { makePng } from '../../fake-deepseek/documentFixtures';
import { activateExtension, attackerServer, fakeServer, waitForNotice } from '../helpers';

/** In the untrusted folder nothing is uploaded for text extraction, whichever way the file comes. */
describe('images and documents in an untrusted workspace', () => {
  const fake = fakeServer();
  const attacker = attackerServer();
  let file: string;

  before(async () => {
    file = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'screenshot.png');
    writeFileSync(file, makePng({ width: 64, height: 32, text: 'UNTRUSTED-OCR-5150' }));
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-untrusted-documents-0001');
  });

  after(async () => {
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    rmSync(file, { force: true });
  });

  it('refuses Extract Text, Add to Chat, a drop and a paste, telling the user to trust the folder first; nothing leaves', async () => {
    const api = await activateExtension();
    await fake.reset();
    await attacker.reset();
    const since = Date.now();
    const uri = vscode.Uri.file(file);
    assert.deepEqual(await vscode.commands.executeCommand(CommandIds.extractText, uri), []);
    await waitForNotice(api, /screenshot\.png was not read: the workspace is not trusted — trust the folder first/, since);
    const dropped = await api.sendFromChatView({ type: 'attachUris', uris: [uri.toString()] });
    const pasted = await api.sendFromChatView({ type: 'attachData', name: 'image.png', mime: 'image/png', data: makePng({ width: 8, height: 8, text: 'PASTED-UNTRUSTED' }).toString('base64') });
    for (const posted of [dropped, pasted]) {
      assert.ok(posted.some((m) => m.type === 'attachmentNotice' && /not trusted — trust the folder first/.test(m.message)), JSON.stringify(posted));
    }
    assert.equal(await vscode.commands.executeCommand(CommandIds.addToChat, uri), 1);
    assert.deepEqual((await api.chatState()).chips.filter((c) => c.kind === 'attachment'), [], 'nothing attached');
    const sent = [...(await fake.requests()), ...(await attacker.requests())];
    assert.deepEqual(sent.filter((r) => r.route === '/tools/ocr'), []);
    assert.doesNotMatch(JSON.stringify(sent), /UNTRUSTED-OCR-5150|PASTED-UNTRUSTED/);
  });
});
