import * as assert from 'assert/strict';
import { Workbench } from './workbench';

describe('UI: first run, API key and chat view (real VS Code in Chromium)', function () {
  let wb: Workbench;

  before(async () => {
    // The first run as `npm run demo` shows it: against the bundled offline simulator.
    wb = await Workbench.open('ui-first-run', {}, { simulator: true });
  });

  after(async () => {
    await wb?.close();
  });

  it('greets a user without a key with a prompt that can fix it, and a status-bar entry', async () => {
    const toast = await wb.notification(/needs an API key/, 60_000);
    await toast.getByRole('button', { name: 'Set API Key' }).waitFor();
    await toast.getByRole('button', { name: 'Get a Key' }).waitFor();
    const status = wb.statusBarItem();
    await status.waitFor();
    assert.match((await status.getAttribute('aria-label')) ?? '', /^DeepSeek: no API key/);
    assert.match(await status.innerText(), /DeepSeek: set key/);
    await wb.screenshot('01-first-run');
  });

  it('sets the key from the prompt in a password box, checks it, and the status bar turns ready', async () => {
    await (await wb.notification(/needs an API key/)).getByRole('button', { name: 'Set API Key' }).click();
    await wb.page.locator('.quick-input-widget input[type="password"]').waitFor({ state: 'visible' });
    await wb.screenshot('02-password-box');
    await wb.enterApiKey('sk-typed-in-the-ui-0042');
    await wb.notification(/saved and accepted/);
    // The key check's response said it is the simulator: the status bar names it, with its own (empty) spend.
    const ready = wb.page.locator('.part.statusbar [aria-label^="DeepSeek (offline simulator): session spend $0.00"]').first();
    await ready.waitFor();
    assert.match(await ready.innerText(), /Simulator \$0\.00/);
    const models = wb.env.fake.requests.filter((r) => r.route === '/models');
    assert.equal(models.at(-1)?.headers.authorization, 'Bearer sk-typed-in-the-ui-0042');
    const page = await wb.page.content();
    assert.doesNotMatch(page, /sk-typed-in-the-ui/, 'the key is nowhere in the workbench DOM');
  });

  it('refuses a key with spaces in the input box itself', async () => {
    await wb.runCommand('DeepSeek: Set API Key');
    const input = wb.page.locator('.quick-input-widget input[type="password"]');
    await input.waitFor({ state: 'visible' });
    await input.fill('sk-oops with space');
    await wb.page.locator('.quick-input-widget').getByText(/no spaces or line breaks/).waitFor();
    await wb.page.keyboard.press('Escape');
  });

  it('opens the chat view: a webview under a strict CSP that says it talks to the simulator', async () => {
    await wb.runCommand('DeepSeek: Open Chat');
    const frame = await wb.webviewFrame('textarea[aria-label="Ask DeepSeek"]');
    await frame.getByText(/Offline simulator at http:\/\/127\.0\.0\.1:\d+/).waitFor();
    assert.equal(await frame.getByText('No API key is set.').count(), 0, 'the key set above is seen by the chat');
    const csp = await frame.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute('content');
    assert.match(csp ?? '', /default-src 'none'/);
    assert.match(csp ?? '', /script-src 'nonce-[A-Za-z0-9+/=]+'/);
    assert.doesNotMatch(await frame.content(), /sk-typed-in-the-ui/);
    await wb.screenshot('03-chat-view');
  });

  it('clicking the status bar opens the spend breakdown', async () => {
    await wb.page.keyboard.press('Escape');
    await wb.statusBarItem().click();
    await wb.page.locator('.tabs-container .tab').filter({ hasText: /DeepSeek Spend/ }).first().waitFor();
    const frame = await wb.webviewFrame('h1');
    // The simulator's own ledger, named as the simulator's (DeepSeek's is kept apart).
    assert.match(await frame.locator('h1').first().innerText(), /^Offline simulator spend \(simulated, not DeepSeek\)$/);
    await frame.getByText('Recent requests').waitFor();
    await wb.screenshot('05-spend-breakdown');
  });

  it('Explain Selection with no editor open says what to do', async () => {
    await wb.page.keyboard.press('Escape');
    await wb.runCommand('View: Close All Editors');
    await wb.runCommand('DeepSeek: Explain Selection');
    await wb.notification(/open a file and select the code to explain\. Nothing was sent\./);
    await wb.screenshot('04-explain-without-editor');
  });
});
