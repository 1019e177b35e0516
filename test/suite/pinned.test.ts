import * as assert from 'assert/strict';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { ChatContext } from '../../src/chat/chatContext';
import { ConfigurationService } from '../../src/config/settings';
import { MemoryLogger } from '../../src/core/logger';
import { collectContext } from '../../src/workspace/contextBlocks';
import { ContextService } from '../../src/workspace/contextService';
import { EXTENSION_ID } from '../harness/paths';

/**
 * The chat's pinned files in real VS Code: the same glue the extension wires (ContextService's read policy,
 * ChatContext, collectContext), on files made for the test in the workspace folder.
 */
describe('pinned files go through the read policy of the workspace walk', () => {
  const config = () => vscode.workspace.getConfiguration('deepseek');
  let dir: string;
  let outside: string;
  let settings: ConfigurationService;
  let service: ContextService;
  let chat: ChatContext;
  const uri = (name: string) => vscode.Uri.file(path.join(dir, name));
  const collect = (pinned: vscode.Uri[]) => collectContext(service, undefined, { includeCurrentFile: false, includeSelection: false, pinned });

  before(async () => {
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    dir = path.join(root, 'pinned');
    outside = path.join(path.dirname(root), 'outside-the-workspace.txt');
    mkdirSync(dir, { recursive: true });
    writeFileSync(outside, 'OUTSIDE-SECRET-4242\n');
    symlinkSync(outside, path.join(dir, 'notes.txt'));
    writeFileSync(path.join(dir, 'blob.txt'), Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x00, 0x08]));
    writeFileSync(path.join(dir, 'big.ts'), '// padding\n'.repeat(100_000)); // 1.1 MB
    writeFileSync(path.join(dir, 'generated.ts'), 'export const generated = 1;\n');
    writeFileSync(path.join(dir, 'ok.ts'), 'export const pinnedOk = 1;\n');
    await config().update('context.exclude', ['**/generated.ts'], vscode.ConfigurationTarget.Workspace);
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    const logger = new MemoryLogger();
    settings = new ConfigurationService(logger);
    service = new ContextService(extension.extensionUri, settings, logger);
    chat = new ChatContext(service.readPolicy(), () => vscode.workspace.isTrusted);
  });

  after(async () => {
    chat.dispose();
    service.dispose();
    settings.dispose();
    await config().update('context.exclude', undefined, vscode.ConfigurationTarget.Workspace);
    rmSync(dir, { recursive: true, force: true });
    rmSync(outside, { force: true });
  });

  const pinnedChips = () => chat.chips().filter((c) => c.kind === 'pinned').map((c) => c.label);

  it('refuses a pinned symbolic link that leads outside the workspace', async () => {
    assert.equal(await chat.pin(uri('notes.txt')), 'pinned/notes.txt is a symbolic link that leads outside the workspace');
    assert.deepEqual(pinnedChips(), []);
  });

  it('refuses a pinned binary file with a message instead of throwing', async () => {
    assert.equal(await chat.pin(uri('blob.txt')), 'pinned/blob.txt looks binary (NUL bytes)');
    assert.deepEqual(pinnedChips(), []);
  });

  it('refuses a pinned file over 1 MB', async () => {
    assert.equal(await chat.pin(uri('big.ts')), 'pinned/big.ts is larger than 1 MB');
  });

  it('refuses a pinned file excluded by deepseek.context.exclude', async () => {
    assert.equal(await chat.pin(uri('generated.ts')), 'pinned/generated.ts matches files.exclude or deepseek.context.exclude');
  });

  it('sends an allowed pinned file; one that cannot be read any more is left out with the reason, never thrown', async () => {
    assert.equal(await chat.pin(uri('ok.ts')), undefined);
    assert.deepEqual(pinnedChips(), ['pinned/ok.ts']);
    const sent = await collect(chat.pinnedUris());
    assert.equal(sent.blocks.find((b) => b.kind === 'pinnedFile' && b.id === 'pinned/ok.ts')?.content, 'export const pinnedOk = 1;\n');
    assert.ok(sent.labels.includes('pinned/ok.ts'), sent.labels.join(', '));

    // Pinned before, refused now: the file turned binary, and the link and the big file never passed.
    writeFileSync(path.join(dir, 'ok.ts'), Buffer.from([0x00, 0x01, 0x02]));
    const later = await collect([...chat.pinnedUris(), uri('notes.txt'), uri('big.ts')]);
    assert.deepEqual(later.blocks.filter((b) => b.kind === 'pinnedFile'), []);
    assert.deepEqual(later.labels.filter((l) => l.startsWith('not sent: ')), [
      'not sent: pinned/ok.ts looks binary (NUL bytes)',
      'not sent: pinned/notes.txt is a symbolic link that leads outside the workspace',
      'not sent: pinned/big.ts is larger than 1 MB',
    ]);
    assert.doesNotMatch(JSON.stringify(later.blocks), /OUTSIDE-SECRET-4242/);
  });
});
