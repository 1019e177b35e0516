import * as assert from 'assert/strict';
import type { Frame, Locator } from 'playwright-core';
import { chatView, Workbench } from './workbench';

const BOX = 'textarea[aria-label="Ask DeepSeek"]';

/**
 * Ctrl+Alt+D opens the chat and puts the keyboard in its composer, from the editor, whether the view's page
 * is still loading (first open) or already shown; and the chat works where a Copilot user keeps theirs, in the
 * secondary side bar, moved there the way a user does (View: Move View).
 */
describe('UI: Ctrl+Alt+D focuses the chat composer; the chat in the secondary side bar', function () {
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.openWithKey('ui-chat-focus', 'sk-ui-chat-focus-0001');
    await wb.openFile('src/math.ts');
  });

  afterEach(async function () {
    await wb.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await wb?.close();
  });

  /** Puts the keyboard in the editor of src/math.ts, as a click there does; resolves once it has it. */
  async function focusEditor(): Promise<void> {
    await wb.page.locator('.editor-instance .monaco-editor .view-lines').first().click();
    await wb.page.waitForFunction(() => Boolean(document.activeElement?.closest('.monaco-editor')));
  }

  /** Waits until the composer of the chat in `frame` has the keyboard (its page has focus and the box is active). */
  async function composerFocused(frame: Frame): Promise<void> {
    await frame.waitForFunction(() => document.hasFocus() && document.activeElement?.getAttribute('aria-label') === 'Ask DeepSeek');
  }

  /** The editor's tab is not dirty: nothing typed went into the file. */
  async function editorUntouched(): Promise<void> {
    assert.equal(await wb.page.locator('.tabs-container .tab.dirty').count(), 0, 'nothing was typed into the editor');
  }

  it('first open: from the editor, Ctrl+Alt+D opens the view and what is typed lands in the composer', async () => {
    await focusEditor();
    const loaded = await Promise.all(wb.page.frames().map((f) => f.$(BOX).catch(() => null)));
    assert.ok(loaded.every((box) => box === null), 'the chat view\'s page was not loaded yet');
    await wb.page.keyboard.press('Control+Alt+D');
    const frame = await wb.webviewFrame(BOX);
    await composerFocused(frame);
    await wb.page.keyboard.type('first open');
    assert.equal(await frame.locator(BOX).inputValue(), 'first open');
    await editorUntouched();
    await wb.screenshot('chat-focus-01-first-open');
  });

  it('second press: with the keyboard back in the editor, Ctrl+Alt+D puts it in the composer again', async () => {
    const frame = await wb.webviewFrame(BOX);
    await frame.locator(BOX).fill('');
    await focusEditor();
    await frame.waitForFunction(() => !document.hasFocus());
    await wb.page.keyboard.press('Control+Alt+D');
    await composerFocused(frame);
    await wb.page.keyboard.type('second press');
    assert.equal(await frame.locator(BOX).inputValue(), 'second press');
    await editorUntouched();
    await frame.locator(BOX).fill('');
  });

  /** The chat's frame once its webview sits inside the secondary side bar (the view's page may have been loaded again). */
  async function chatInSecondarySideBar(): Promise<Frame> {
    const aux = wb.page.locator('.part.auxiliarybar');
    await aux.waitFor({ state: 'visible' });
    for (;;) {
      const auxBox = await aux.boundingBox();
      for (const frame of wb.page.frames()) {
        if (frame === wb.page.mainFrame() || !(await frame.$(BOX).catch(() => null))) continue;
        const outer = await (await frame.frameElement().catch(() => undefined))?.boundingBox();
        if (auxBox && outer && outer.width > 0 && outer.x >= auxBox.x - 1 && outer.x + outer.width <= auxBox.x + auxBox.width + 1) return frame;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  /** Types `filter` into the open quick pick and clicks the row labelled exactly `label` (Enter would take the first row). */
  async function pick(label: string, filter = label): Promise<void> {
    const input = wb.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(filter);
    const name = wb.page.locator('.label-name').filter({ hasText: new RegExp(`^${label}$`) });
    const row: Locator = wb.page.locator('.quick-input-list .monaco-list-row').filter({ has: name }).first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  it('moved to the secondary side bar with View: Move View, the chat answers there and Ctrl+Alt+D still focuses it', async () => {
    await wb.page.keyboard.press('Control+Shift+P');
    await pick('View: Move View', '>View: Move View');
    await pick('Chat');
    await pick('New Secondary Side Bar Entry');
    const frame = await chatInSecondarySideBar();
    await wb.page.locator('.part.auxiliarybar').getByText(/DeepSeek|Chat/).first().waitFor();

    wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ content: 'Answered from the **secondary side bar**.' }] });
    const { ask, lastTurn } = chatView(() => frame);
    await ask('Where are you?');
    await lastTurn().getByRole('region', { name: 'Answer' }).locator('strong', { hasText: 'secondary side bar' }).waitFor();
    await wb.screenshot('chat-focus-02-secondary-side-bar');

    await focusEditor();
    await wb.page.keyboard.press('Control+Alt+D');
    const focused = await chatInSecondarySideBar();
    await composerFocused(focused);
    await wb.page.keyboard.type('on the right');
    assert.equal(await focused.locator(BOX).inputValue(), 'on the right');
    await editorUntouched();
  });
});
