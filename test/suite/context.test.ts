import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import { activateExtension, discardAndCloseAllEditors, fakeServer, waitFor } from './helpers';

interface SentBody {
  messages: { role: string; content: string }[];
}

describe('context engine, redaction and Show Last Request (through the chat pipeline)', () => {
  const fake = fakeServer();
  const root = () => vscode.workspace.workspaceFolders![0].uri;

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-context-tests-0001');
  });

  beforeEach(async () => {
    await fake.reset();
    // Each case starts from the files on disk, whatever an earlier suite left open or edited.
    await discardAndCloseAllEditors();
    const api = await activateExtension();
    await api.newChat();
  });

  after(async () => {
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  async function lastBody(): Promise<SentBody> {
    const chats = (await fake.requests()).filter((r) => r.route === '/chat/completions');
    assert.ok(chats.length > 0, 'a chat request was sent');
    return chats.at(-1)!.body as SentBody;
  }

  it('sends the current file, the selection and a repo map from tree-sitter', async () => {
    const api = await activateExtension();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), 'src', 'math.ts'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(5, 0, 9, 1);
    const turn = await api.askInChat('What does this do?');
    assert.equal(turn?.status, 'done');
    const body = await lastBody();
    const all = body.messages.map((m) => m.content).join('\n');
    const sent = `context: ${turn.context.join(' | ')}\nlast message:\n${body.messages.at(-1)!.content.slice(0, 2000)}`;
    assert.equal(body.messages[0].role, 'system');
    assert.match(body.messages[0].content, /export function mean\(values: number\[\]\): number/, 'the repo map lists declarations');
    assert.match(body.messages.at(-1)!.content, /src\/math\.ts/);
    assert.match(all, /values\.reduce\(add, 0\)/, `the selection went along\n${sent}`);
    assert.ok(turn.context.some((c) => c.startsWith('selection src/math.ts:6-10')), turn.context.join());
  });

  it('never reads .env, even when it is the open editor', async () => {
    const api = await activateExtension();
    const env = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), '.env'));
    await vscode.window.showTextDocument(env);
    await api.askInChat('Anything odd here?');
    const raw = JSON.stringify(await lastBody());
    assert.doesNotMatch(raw, /correct-horse-battery-staple/);
    assert.doesNotMatch(raw, /DATABASE_PASSWORD/);
  });

  it('redacts secrets before sending, restores them in the answer, and Show Last Request lists them', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const question = 'Mail jane.doe@example.org the key AKIAZ7QX4PLM2WERT6YU';
    const turn = await api.askInChat(question);
    const raw = JSON.stringify(await lastBody());
    assert.doesNotMatch(raw, /jane\.doe@example\.org/);
    assert.doesNotMatch(raw, /AKIAZ7QX4PLM2WERT6YU/);
    assert.match(raw, /⟦EMAIL_[0-9a-f]{8}⟧/);
    assert.match(turn?.answer ?? '', /jane\.doe@example\.org/, 'the echoed placeholder is restored locally');
    assert.doesNotMatch(turn?.answer ?? '', /⟦EMAIL_/);

    await vscode.commands.executeCommand(CommandIds.showLastRequest);
    const doc = await waitFor('the last-request document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'deepseek-request'));
    const text = doc.getText();
    assert.match(text, /## Redactions[\s\S]*\| EMAIL \| 1 \|/);
    assert.match(text, /\| AWS_KEY \| 1 \|/);
    assert.doesNotMatch(text, /jane\.doe@example\.org|AKIAZ7QX4PLM2WERT6YU/);
    assert.match(text, /## Messages \(\d+\), exactly as sent/);
  });

  it('gives the same workspace state the same bytes: a new chat repeats the system prefix exactly', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await api.askInChat('first');
    const first = (await lastBody()).messages[0].content;
    await api.newChat();
    await api.askInChat('second');
    const second = await lastBody();
    assert.equal(second.messages[0].content, first);
    const chats = (await fake.requests()).filter((r) => r.route === '/chat/completions');
    assert.ok((chats.at(-1)!.cache?.hit ?? 0) > 0, 'the fake server saw a cache hit on the shared prefix');
  });
});

describe('context engine at scale: imports, generated files, build output, the parser worker', () => {
  const fake = fakeServer();
  const root = () => vscode.workspace.workspaceFolders![0].uri;
  const write = (rel: string, text: string) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root(), ...rel.split('/')), new TextEncoder().encode(text));

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-context-tests-0002');
    await write('packages/geometry/package.json', '{ "name": "@fx/geometry", "main": "dist/index.js" }\n');
    await write('packages/geometry/src/index.ts', "export * from './perimeter';\n");
    await write('packages/geometry/src/perimeter.ts', 'export function perimeterOf(side: number): number {\n  return side * 4 + PERIMETER_MARK;\n}\nconst PERIMETER_MARK = 0;\n');
    await write('packages/geometry/dist/index.js', 'export function perimeterOf(side) { return BUILD_OUTPUT_COPY; }\n');
    await write('fixtures/copies/perimeter.ts', 'export function perimeterOf(side: number): number {\n  return FIXTURE_COPY;\n}\n');
    await write('vendor/chart.js', `!function(){${'var q=1;'.repeat(3000)}function minifiedChartThing(){}}();\n`);
    await write('src/usesGeometry.ts', "import { perimeterOf } from '@fx/geometry';\n\nexport function fence(side: number): number {\n  return perimeterOf(side) * 2;\n}\n");
  });

  beforeEach(async () => {
    await fake.reset();
    await discardAndCloseAllEditors();
    await (await activateExtension()).newChat();
  });

  after(async () => {
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await discardAndCloseAllEditors();
  });

  it('sends the definition the import names (through a package re-export), never the build output or a fixture copy, parsed in a worker thread', async () => {
    const api = await activateExtension();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root(), 'src', 'usesGeometry.ts'));
    const editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(3, 2, 3, 30);
    // The watcher reports the files written above in its own time: ask until the engine has seen them.
    const body = await waitFor('a request with the related definition', async () => {
      await api.newChat();
      await api.askInChat('What does fence return?');
      const chats = (await fake.requests()).filter((r) => r.route === '/chat/completions');
      const sent = chats.at(-1)?.body as SentBody | undefined;
      return sent && JSON.stringify(sent).includes('PERIMETER_MARK') ? sent : undefined;
    });
    const all = JSON.stringify(body);
    assert.match(all, /packages\/geometry\/src\/perimeter\.ts/, 'named by its path');
    assert.doesNotMatch(all, /BUILD_OUTPUT_COPY/, 'packages/geometry/dist/ is build output (beside its package.json)');
    assert.doesNotMatch(all, /FIXTURE_COPY/, 'the import decides, not the name');
    assert.doesNotMatch(body.messages[0].content, /chart\.js|minifiedChartThing/, 'minified code (by its shape, not its name) stays out of the repo map');
    const status = api.contextStatus();
    assert.equal(status.parsing, 'worker', 'tree-sitter runs in the parser worker, off the extension host thread');
    assert.equal(status.folders.length, 1);
    assert.ok(status.folders[0].listed > 5 && status.folders[0].leftOut === 0, JSON.stringify(status));
  });
});
