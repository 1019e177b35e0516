import * as assert from 'assert/strict';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import type { LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, discardAndCloseAllEditors, fakeServer, waitFor, waitForNotice } from './helpers';

type Body = { model: string; thinking?: { type: string }; reasoning_effort?: string; messages: { role: string; content: string }[] };

describe('Explain, Refactor, Fix and code actions on the reasoner', function () {
  const fake = fakeServer();
  let doc: vscode.TextDocument;
  let editor: vscode.TextEditor;
  const original = [
    'export function add(a: number, b: number): number {',
    '  return a + b;',
    '}',
    '',
    'export function mean(values: number[]): number {',
    '  if (values.length === 0) {',
    "    throw new Error('mean of an empty list');",
    '  }',
    '  return values.reduce(add, 0) / values.length;',
    '}',
    '',
  ].join('\n');

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-commands-tests-0001');
  });

  beforeEach(async () => {
    await fake.reset();
    // An on-disk file is needed for the context engine: reuse the fixture's math.ts, reset to the original text.
    doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0].uri, 'src', 'math.ts'));
    editor = await vscode.window.showTextDocument(doc);
    await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), original));
  });

  after(async () => {
    await vscode.commands.executeCommand(CommandIds.discardProposal);
    await discardAndCloseAllEditors();
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
  });

  async function chats(): Promise<LoggedRequest[]> {
    return (await fake.requests()).filter((r) => r.route === '/chat/completions');
  }

  it('Explain sends the selection to the reasoner', async () => {
    editor.selection = new vscode.Selection(4, 0, 9, 1);
    await fake.configure({ replies: [{ reasoning: 'Reading mean().', content: 'It averages the values.' }] });
    await vscode.commands.executeCommand(CommandIds.explainSelection);
    const body = (await chats()).at(-1)?.body as Body;
    assert.equal(body.model, 'deepseek-flash');
    assert.deepEqual(body.thinking, { type: 'enabled' }, 'the reasoner role: Flash with thinking');
    assert.equal(body.reasoning_effort, 'high');
    const last = body.messages.at(-1)!.content;
    assert.match(last, /Explain the selected code \(src\/math\.ts:5-10\)/);
    assert.match(last, /values\.reduce\(add, 0\)/);
  });

  it('Explain with no selection takes the enclosing function from tree-sitter', async () => {
    editor.selection = new vscode.Selection(6, 8, 6, 8);
    await vscode.commands.executeCommand(CommandIds.explainSelection);
    const last = ((await chats()).at(-1)?.body as Body).messages.at(-1)!.content;
    assert.match(last, /src\/math\.ts:5-10/);
    assert.equal(editor.selection.start.line, 4, 'the explained function is selected for the user to see');
  });

  it('Refactor lands as a reviewed edit: nothing changes until Apply, and one undo reverts it', async () => {
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await fake.configure({ replies: [{ reasoning: 'Arrow form.', content: 'Here:\n\n```ts\nexport const add = (a: number, b: number): number => a + b;\n```\n\nShorter.' }] });
    const pending = vscode.commands.executeCommand<string>(CommandIds.refactorSelection, { goal: 'Simplify it.' });
    await waitFor('the review diff', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes('DeepSeek: Refactor (review)')));
    assert.equal(doc.getText(), original, 'not written before acceptance');
    const body = (await chats()).at(-1)?.body as Body;
    assert.equal(body.model, 'deepseek-flash');
    assert.deepEqual(body.thinking, { type: 'enabled' });
    assert.match(body.messages.at(-1)!.content, /Goal: Simplify it\./);
    await vscode.commands.executeCommand(CommandIds.applyProposal);
    assert.equal(await pending, 'applied');
    assert.ok(doc.getText().startsWith('export const add = (a: number, b: number): number => a + b;\n\nexport function mean'));
    await vscode.window.showTextDocument(doc);
    await vscode.commands.executeCommand('undo');
    assert.equal(doc.getText(), original, 'one undo step');
  });

  it('Discard leaves the file untouched', async () => {
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await fake.configure({ replies: [{ content: '```ts\nexport const add = 1;\n```' }] });
    const pending = vscode.commands.executeCommand<string>(CommandIds.refactorSelection, { goal: 'x' });
    await waitFor('the review diff', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes('(review)')));
    await vscode.commands.executeCommand(CommandIds.discardProposal);
    assert.equal(await pending, 'discarded');
    assert.equal(doc.getText(), original);
  });

  it('detects a concurrent change: says so and re-diffs against the current text instead of clobbering', async () => {
    const api = await activateExtension();
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await fake.configure({ chunkDelayMs: 30, replies: [{ reasoning: 'thinking '.repeat(20), content: '```ts\nexport const add = (a: number, b: number) => a + b;\n```' }] });
    const since = Date.now();
    const pending = vscode.commands.executeCommand<string>(CommandIds.refactorSelection, { goal: 'Simplify it.' });
    await waitFor('the request to start', async () => ((await chats()).length > 0 ? true : undefined));
    await editor.edit((b) => b.insert(new vscode.Position(0, 0), '// edited meanwhile\n'));
    await waitForNotice(api, /changed while DeepSeek was working; the proposal is shown against the current text/, since);
    await vscode.commands.executeCommand(CommandIds.applyProposal);
    assert.equal(await pending, 'applied');
    assert.ok(doc.getText().startsWith('// edited meanwhile\nexport const add = (a: number, b: number) => a + b;\n'), doc.getText());
  });

  it('Fix sends the diagnostics in range with the code, and proposes the fix the same way', async () => {
    const diagnostics = vscode.languages.createDiagnosticCollection('deepseek-test');
    try {
      diagnostics.set(doc.uri, [new vscode.Diagnostic(new vscode.Range(8, 9, 8, 15), "Property 'reduce' is suspicious here", vscode.DiagnosticSeverity.Error)]);
      editor.selection = new vscode.Selection(8, 0, 8, 10);
      await fake.configure({ replies: [{ content: '```ts\n  return values.reduce((s, v) => s + v, 0) / values.length;\n```' }] });
      const pending = vscode.commands.executeCommand<string>(CommandIds.fixDiagnostics);
      await waitFor('the review diff', () => vscode.window.tabGroups.all.flatMap((g) => g.tabs).find((t) => t.label.includes('DeepSeek: Fix (review)')));
      const last = ((await chats()).at(-1)?.body as Body).messages.at(-1)!.content;
      assert.match(last, /Error at line 9: Property 'reduce' is suspicious here/);
      assert.match(last, /return values\.reduce\(add, 0\)/);
      await vscode.commands.executeCommand(CommandIds.applyProposal);
      assert.equal(await pending, 'applied');
      assert.match(doc.getText(), /return values\.reduce\(\(s, v\) => s \+ v, 0\) \/ values\.length;\n\}/);
    } finally {
      diagnostics.dispose();
    }
  });

  it('offers code actions on a selection and on a diagnostic without making a request', async () => {
    const diagnostics = vscode.languages.createDiagnosticCollection('deepseek-test');
    try {
      diagnostics.set(doc.uri, [new vscode.Diagnostic(new vscode.Range(1, 2, 1, 8), 'Unexpected return', vscode.DiagnosticSeverity.Warning)]);
      const onSelection = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(0, 0, 2, 1));
      const titles = onSelection.map((a) => a.title);
      assert.ok(titles.includes('Explain with DeepSeek'), titles.join());
      assert.ok(titles.includes('Refactor with DeepSeek…'), titles.join());
      const onDiagnostic = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', doc.uri, new vscode.Range(1, 3, 1, 3));
      const fix = onDiagnostic.find((a) => a.title.startsWith('Fix with DeepSeek'));
      assert.ok(fix, onDiagnostic.map((a) => a.title).join());
      assert.equal(fix.kind?.value, 'quickfix.deepseek');
      assert.equal((await fake.requests()).length, 0, 'no request until an action is picked');
    } finally {
      diagnostics.dispose();
    }
  });

  it('refuses clearly: excluded file, empty selection outside any function, nothing to fix, huge selection', async () => {
    const api = await activateExtension();
    const root = vscode.workspace.workspaceFolders![0].uri;
    let since = Date.now();
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, '.env')));
    await vscode.commands.executeCommand(CommandIds.explainSelection);
    await waitForNotice(api, /\.env.*Nothing was sent\./, since);

    editor = await vscode.window.showTextDocument(doc);
    editor.selection = new vscode.Selection(3, 0, 3, 0);
    since = Date.now();
    await vscode.commands.executeCommand(CommandIds.explainSelection);
    await waitForNotice(api, /no function or class around the cursor\)\. Nothing was sent\./, since);

    since = Date.now();
    editor.selection = new vscode.Selection(0, 0, 2, 1);
    await vscode.commands.executeCommand(CommandIds.fixDiagnostics);
    await waitForNotice(api, /no problems in the selection\. Nothing was sent\./, since);

    const config = vscode.workspace.getConfiguration('deepseek');
    await config.update('context.maxTokens', 41_000, vscode.ConfigurationTarget.Global);
    try {
      await editor.edit((b) => b.insert(new vscode.Position(10, 0), `// ${'filler text '.repeat(3000)}\n`));
      editor.selection = new vscode.Selection(0, 0, 11, 0);
      since = Date.now();
      await vscode.commands.executeCommand(CommandIds.explainSelection);
      await waitForNotice(api, /more than fits in one request.*Select less\. Nothing was sent\./, since);
    } finally {
      await config.update('context.maxTokens', undefined, vscode.ConfigurationTarget.Global);
      // VS Code for the web may auto-save the filler to disk (a file of one very long line looks generated
      // and leaves the repo map): take it out and save, whether or not it reached the disk.
      await editor.edit((b) => b.delete(new vscode.Range(10, 0, 11, 0)));
      await editor.document.save();
    }
    assert.equal((await chats()).length, 0);
  });
});
