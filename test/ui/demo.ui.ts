import * as assert from 'assert/strict';
import { rmSync } from 'fs';
import * as path from 'path';
import { SIMULATOR_BAD_KEY } from '../fake-deepseek/simulatedAnswers';
import { DEMO_TYPE_ERROR, DEMO_USER_SETTINGS, demoTrustSettings, enclosingGitRepository, prepareDemoWorkspace } from '../harness/demoWorkspace';
import { TEST_USER_SETTINGS } from '../harness/testEnvironment';
import { chatView, Workbench } from './workbench';

/**
 * The folder and settings `npm run demo` uses, opened in a real VS Code against the fake in simulator mode: what
 * a user sees first is true (no clone in Source Control, a trusted folder, no second chat, a real type error
 * that VS Code diagnoses), and the simulator's Fix, Refactor and Explain work on that sample.
 */
describe('UI: the demo folder and its simulator (npm run demo)', function () {
  let wb: Workbench;
  let folder: string;

  before(async () => {
    folder = prepareDemoWorkspace({ name: 'ui-test' });
    // The tests' own settings minus what the demo must get right by itself: its settings decide those.
    const decidedByDemo = (key: string) => key in DEMO_USER_SETTINGS || key.startsWith('security.workspace.trust');
    const base = Object.fromEntries(Object.entries(TEST_USER_SETTINGS).filter(([key]) => !decidedByDemo(key)));
    wb = await Workbench.open('ui-demo', { ...DEMO_USER_SETTINGS, ...demoTrustSettings(false), 'workbench.startupEditor': 'none' }, { workspace: folder, baseUserSettings: base });
    wb.env.fake.configure({ simulator: true });
  });

  afterEach(async function () {
    await wb.screenshotIfFailed(this.currentTest);
  });

  /** Puts the cursor at `line`:`column` with Go to Line, as a user would. */
  const goTo = async (line: number, column: number) => {
    await wb.page.keyboard.press('Control+G');
    const input = wb.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`:${line}:${column}`);
    // On a loaded machine Enter can land before the picker has read what was typed, and then does nothing:
    // wait for it to offer that line, and press again if the picker is still open.
    await wb.page.locator('.quick-input-widget', { hasText: new RegExp(`line ${line}\\b`, 'i') }).first().waitFor();
    for (let attempt = 1; ; attempt++) {
      await wb.page.keyboard.press('Enter');
      try {
        await input.waitFor({ state: 'hidden', timeout: 10_000 });
        return;
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
  };

  after(async () => {
    await wb?.close();
    if (folder) rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('opens a folder outside any git repository, trusted, with VS Code\'s own chat not shown', async () => {
    assert.equal(enclosingGitRepository(folder), undefined, `${folder} is inside a git repository`);
    await wb.page.locator('.part.sidebar .pane-header', { hasText: /deepseek-demo/i }).first().waitFor();
    assert.doesNotMatch(await wb.page.locator('.part.statusbar').innerText(), /Restricted Mode/, 'trusted: no Restricted Mode');
    assert.equal(await wb.page.getByText(/Restricted Mode is intended for safe code browsing/).count(), 0, 'no Restricted Mode banner');
    assert.equal(await wb.page.locator('.part.auxiliarybar').isVisible(), false, 'the secondary side bar (where Chat opens) is closed');
    assert.equal(await wb.page.locator('[aria-label*="Copilot" i], [aria-label*="Chat (Ctrl+Alt+I)" i]').count(), 0, 'no Copilot or Chat entry anywhere');
    await wb.page.keyboard.press('Control+Shift+G');
    await wb.page.locator('.part.sidebar').getByText(/The folder currently open doesn't have a Git repository/).waitFor();
    await wb.screenshot('demo-01-no-repo-no-chat');
  });

  it('VS Code diagnoses the sample\'s type error: a squiggle and a Problems entry', async () => {
    await wb.page.keyboard.press('Control+Shift+E');
    await wb.openFile(DEMO_TYPE_ERROR.file);
    await wb.page.locator('.monaco-editor .squiggly-error').first().waitFor();
    await wb.runCommand('View: Focus Problems (Errors, Warnings, Infos)');
    const entry = wb.page.locator('.markers-panel .monaco-list-row', { hasText: DEMO_TYPE_ERROR.message });
    await entry.first().waitFor();
    assert.match(await entry.first().innerText(), new RegExp(`ts\\W*2551[\\s\\S]*Ln ${DEMO_TYPE_ERROR.line}`));
    await wb.screenshot('demo-02-type-error');
  });

  it(`refuses ${SIMULATOR_BAD_KEY} as DeepSeek refuses a wrong key, and accepts another`, async () => {
    await wb.runCommand('DeepSeek: Set API Key');
    await wb.enterApiKey(SIMULATOR_BAD_KEY);
    await wb.notification(/DeepSeek API key saved, but .* rejected the API key \(401\)/);
    await wb.screenshot('demo-03-bad-key');
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('DeepSeek: Set API Key');
    await wb.enterApiKey('sk-offline-simulator');
    await wb.notification(/saved and accepted/);
  });

  it('Fix with DeepSeek proposes the corrected line; applying it clears the problem', async () => {
    await wb.page.keyboard.press('Escape');
    await wb.openFile(DEMO_TYPE_ERROR.file);
    await goTo(DEMO_TYPE_ERROR.line, 36);
    await wb.runCommand('DeepSeek: Fix Problems in Selection');
    const diff = wb.page.locator('.monaco-diff-editor .editor.modified .view-lines');
    await diff.getByText('const cost = item.price * item.quantity;').waitFor();
    const request = wb.env.fake.requests.filter((r) => r.route === '/chat/completions').at(-1);
    const asked = (request?.body as { messages: { content: string }[] }).messages.at(-1)!.content;
    assert.match(asked, new RegExp(`Error at line ${DEMO_TYPE_ERROR.line}: Property 'quantiy' does not exist`), 'the diagnostic VS Code reported went along');
    await wb.screenshot('demo-04-fix-diff');
    await wb.runCommand('DeepSeek: Apply Proposed Change');
    await wb.page.locator('.monaco-editor .squiggly-error').first().waitFor({ state: 'detached' });
    await wb.page.locator('.markers-panel').getByText(/No problems have been detected in the workspace/).waitFor();
  });

  it('Refactor › Simplify turns subtotal\'s loop into a reduce, as a diff of that function only', async () => {
    await wb.openFile('src/cart.ts');
    await goTo(9, 5);
    await wb.runCommand('DeepSeek: Refactor Selection');
    await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: 'Simplify' }).first().click();
    const diff = wb.page.locator('.monaco-diff-editor .editor.modified .view-lines');
    await diff.getByText('return items.reduce((sum, item) => sum + item.price * item.quantity, 0);').waitFor();
    assert.match(await diff.innerText(), /receiptLine/, 'the rest of the file is unchanged in the diff');
    await wb.screenshot('demo-05-refactor-diff');
    await wb.runCommand('DeepSeek: Discard Proposed Change');
    await wb.page.locator('.tabs-container .tab', { hasText: '(review)' }).first().waitFor({ state: 'detached' });
  });

  it('Explain streams reasoning, then an explanation of the function under the cursor', async () => {
    await wb.page.locator('.part.editor .monaco-editor .view-lines').first().click(); // focus out of the chat view
    await wb.openFile('src/stats.ts');
    await goTo(5, 5);
    await wb.runCommand('DeepSeek: Explain Selection');
    const chat = await wb.webviewFrame('textarea[aria-label="Ask DeepSeek"]');
    const { lastTurn } = chatView(() => chat);
    const answer = lastTurn().getByRole('region', { name: 'Answer' });
    await answer.getByText(/mean is a function that takes one parameter, values \(number\[\]\), and returns number\./).waitFor();
    assert.match(await answer.innerText(), /If values\.length === 0, it throws an Error \("mean of an empty list"\)/);
    assert.match(await answer.innerText(), /Offline simulator: worked out by rules on this machine, not by DeepSeek/);
    assert.match((await lastTurn().getByRole('region', { name: 'Reasoning' }).textContent()) ?? '', /Signature: `mean\(values: number\[\]\): number`/);
    await wb.screenshot('demo-06-explain');
  });
});
