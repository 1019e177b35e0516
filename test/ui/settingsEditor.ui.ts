import * as assert from 'assert/strict';
import type { Locator } from 'playwright-core';
import { Workbench } from './workbench';

const EXTENSION_FILTER = '@ext:deepseek-assistant.deepseek-assistant';

/**
 * What VS Code's Settings editor shows for the extension's settings. It derives a setting's label from its key
 * ("deepseek.models.chat" → "Deepseek › Models: Chat") and drops the part its section's id repeats; the
 * sections' titles are what it shows as headings and in its table of contents.
 */
describe('UI: the Settings editor names DeepSeek (real VS Code in Chromium)', function () {
  let wb: Workbench;
  let editor: Locator;

  before(async () => {
    wb = await Workbench.openWithKey('ui-settings-editor', 'sk-ui-settings-editor-01');
    await wb.runCommand('Preferences: Open User Settings');
    editor = wb.page.locator('.settings-editor');
    await editor.waitFor();
  });

  afterEach(async function () {
    await wb.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await wb?.close();
  });

  const tocRow = (label: RegExp) => editor.locator('.settings-toc-container .monaco-list-row').filter({ hasText: label }).first();

  async function search(query: string): Promise<void> {
    await editor.locator('.settings-header .suggest-input-container .monaco-editor').first().click();
    await wb.page.keyboard.press('Control+A');
    if (query === '') {
      await wb.page.keyboard.press('Backspace');
    } else {
      await wb.page.keyboard.type(query);
    }
  }

  it('shows the settings under "DeepSeek Assistant" › "DeepSeek", "Models", …, with no "Deepseek" in their labels', async () => {
    await search('');
    await tocRow(/^Commonly Used/).waitFor();
    await tocRow(/^Extensions/).locator('.monaco-tl-twistie').click();
    await tocRow(/^DeepSeek Assistant/).click();
    await editor.locator('.settings-group-title-label', { hasText: /^Models$/ }).first().waitFor();
    const headings = await editor.locator('.settings-group-title-label').allInnerTexts();
    assert.deepEqual(headings.slice(headings.indexOf('DeepSeek Assistant'), headings.indexOf('DeepSeek Assistant') + 3), ['DeepSeek Assistant', 'DeepSeek', 'Models']);
    const labels = (await editor.locator('.setting-item-title .setting-item-label').allInnerTexts()).map((l) => l.trim());
    const categories = (await editor.locator('.setting-item-title .setting-item-category').allInnerTexts()).map((c) => c.trim()).filter((c) => c !== '');
    assert.ok(labels.includes('Base Url') && labels.includes('Chat'), JSON.stringify(labels));
    assert.deepEqual(categories.filter((c) => /deepseek/i.test(c)), [], `no category repeats the key's "deepseek": ${JSON.stringify(categories)}`);
    const toc = (await editor.locator('.settings-toc-container .monaco-list-row').allInnerTexts()).map((t) => t.trim());
    const ours = toc.slice(toc.indexOf('DeepSeek Assistant'), toc.indexOf('DeepSeek Assistant') + 9);
    assert.deepEqual(ours, ['DeepSeek Assistant', 'DeepSeek', 'Models', 'Prices and Budget', 'Inline Completions', 'Privacy and Context', 'Fallback Providers', 'Status Bar', 'Documents and Images']);
    await wb.screenshot('settings-01-grouped');
  });

  it(`filtered to ${EXTENSION_FILTER}: the table of contents reads "DeepSeek"`, async () => {
    await search(EXTENSION_FILTER);
    await editor.locator('.settings-count-widget', { hasText: /^\d+ Settings Found$/ }).waitFor();
    await tocRow(/^Emmet/).waitFor({ state: 'detached' }); // only this extension's entries are left
    const toc = (await editor.locator('.settings-toc-container .monaco-list-row').allInnerTexts()).map((t) => t.replace(/\s*\(\d+\)$/, '').trim());
    assert.deepEqual(toc, ['Extensions', 'DeepSeek Assistant', 'DeepSeek', 'Models', 'Prices and Budget', 'Inline Completions', 'Privacy and Context', 'Fallback Providers', 'Status Bar', 'Documents and Images']);
    // In a search (and a filter is one) VS Code builds each row's category from the key itself, capitalising
    // only the first letter ("Deepseek › Models: Chat"), and nothing in a manifest changes that without renaming
    // the keys (VS Code 1.139: settingKeyToDisplayFormat, trimmed only in the grouped view). Recorded, not asserted.
    const rows = (await editor.locator('.setting-item-title').allInnerTexts()).map((t) => t.split('\n')[0]);
    console.log(`      filtered rows, as VS Code labels them: ${rows.slice(0, 3).join(' | ')} …`);
    await wb.screenshot('settings-02-filtered');
  });

  it('Status Bar › Compact switches the status bar to its short form, the accessible label unchanged', async () => {
    const status = wb.statusBarItem();
    await status.filter({ hasText: /^DeepSeek \$0\.00$/ }).waitFor();
    await search('deepseek.statusBar.compact');
    const row = editor.locator('.setting-item-contents', { has: wb.page.locator('.setting-item-label', { hasText: /^Compact$/ }) }).first();
    await row.waitFor();
    await row.locator('.setting-value-checkbox').click();
    await status.filter({ hasText: /^\s*\$0\.00$/ }).waitFor(); // the icon, then the figures: no name
    assert.match((await status.getAttribute('aria-label')) ?? '', /^DeepSeek: session spend \$0\.00/);
    await wb.screenshot('settings-03-compact');
    await row.locator('.setting-value-checkbox').click();
    await status.filter({ hasText: /^DeepSeek \$0\.00$/ }).waitFor();
  });
});
