import * as assert from 'assert/strict';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { Workbench } from './workbench';

/**
 * Generate Commit Message from the Source Control view's title bar, as a user presses it: a Git repository
 * with a staged change, the button, the message in the input box.
 */
describe('UI: Generate Commit Message in the Source Control view (real VS Code in Chromium)', function () {
  let wb: Workbench;
  let folder: string;

  before(async () => {
    folder = path.join(mkdtempSync(path.join(tmpdir(), 'ui-commit-')), 'greeter');
    mkdirSync(path.join(folder, 'src'), { recursive: true });
    const git = (...args: string[]) => execFileSync('git', args, { cwd: folder, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'Test User');
    git('config', 'user.email', 'test@example.invalid');
    git('config', 'commit.gpgsign', 'false');
    writeFileSync(path.join(folder, 'src', 'greet.ts'), 'export function greet(): string {\n  return "Hello, world";\n}\n');
    git('add', '-A');
    git('commit', '-q', '-m', 'Add greet');
    writeFileSync(path.join(folder, 'src', 'greet.ts'), 'export function greet(name: string): string {\n  return `Hello, ${name}`;\n}\n');
    git('add', 'src/greet.ts');
    wb = await Workbench.open('ui-commit', {}, { workspace: folder });
    await wb.runCommand('DeepSeek: Set API Key');
    await wb.enterApiKey('sk-ui-commit-message-0001');
    await wb.page.locator('.part.statusbar [aria-label^="DeepSeek: session spend"]').first().waitFor();
  });

  afterEach(async function () {
    await wb.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await wb?.close();
    if (folder) rmSync(path.dirname(folder), { recursive: true, force: true });
  });

  it('the title bar\'s Generate Commit Message fills the input box from the staged change', async () => {
    wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ content: 'Commit message:\n```\nGreet by name.\n\nSay hello to the given name instead of the world.\n```' }] });
    await wb.page.locator('.part.activitybar [aria-label^="Source Control"]').first().click();
    const view = wb.page.locator('.part.sidebar');
    await view.locator('.scm-editor').first().waitFor();
    await view.getByText('greet.ts').first().waitFor(); // the staged change is listed
    await wb.screenshot('commit-01-staged');
    const before = wb.env.fake.requests.length;
    await view.getByRole('button', { name: 'Generate Commit Message' }).first().click();
    const input = view.locator('.scm-editor .view-lines');
    await input.filter({ hasText: 'Greet by name' }).waitFor();
    // Cleaned up: no preamble, no fence, no period after the subject; the body after a blank line.
    // (The narrow box wraps the body: its view lines are joined back.)
    const lines = (await view.locator('.scm-editor .view-line').allInnerTexts()).map((l) => l.replace(/\u00a0/g, ' ').trim());
    assert.deepEqual([lines[0], lines[1], lines.slice(2).join(' ')], ['Greet by name', '', 'Say hello to the given name instead of the world.']);
    // The same button in the input box: VS Code shows our scm/inputBox entry too.
    assert.ok((await view.getByRole('button', { name: 'Generate Commit Message' }).count()) >= 2, 'in the title bar and in the input box');
    const sent = wb.env.fake.requests.slice(before).filter((r) => r.route === '/chat/completions');
    assert.equal(sent.length, 1, 'one request');
    assert.match(JSON.stringify(sent[0]!.body), /Hello, \$\{name\}/, 'the staged diff was sent');
    await wb.screenshot('commit-02-generated');
  });
});
