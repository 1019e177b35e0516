import * as assert from 'assert/strict';
import type { Frame, Locator } from 'playwright-core';
import { chatView, Workbench } from './workbench';

/** Explain from the keyboard, and a proposed change reviewed from the diff's title bar. */
describe('UI: the editor keys and the review of a proposed change (real VS Code in Chromium)', function () {
  let wb: Workbench;
  let chat: Frame;

  before(async () => {
    wb = await Workbench.openWithKey('ui-editor-review', 'sk-ui-editor-review-0001');
    await wb.openFile('src/math.ts');
  });

  afterEach(async function () {
    await wb.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await wb?.close();
  });

  const mathTab = () => wb.page.locator('.tabs-container .tab').filter({ hasText: /^math\.ts/ }).first();
  /** A line of the math.ts editor (VS Code in the browser saves by itself after a delay, so "dirty" tells nothing). */
  const mathLine = (text: string) => wb.page.locator('.editor-instance .view-line').filter({ hasText: text }).first();
  const reviewTab = () => wb.page.locator('.tabs-container .tab').filter({ hasText: /\(review\)/ }).first();

  /** The Apply/Discard notification rows in the notification centre (opened to look). */
  async function reviewNotifications(): Promise<Locator> {
    const center = wb.page.locator('.notifications-center.visible');
    if (!(await center.isVisible())) {
      await wb.page.locator('.part.statusbar [aria-label^="Notifications"]').first().click();
      await center.waitFor({ state: 'visible' });
    }
    return center.locator('.monaco-list-row').filter({ hasText: /apply this change to math\.ts\?/ });
  }

  /** Asks the chat for a whole-file answer and opens it for review with Apply to File. */
  async function proposeFromChat(): Promise<void> {
    chat = await wb.openChat();
    const { lastTurn, ask } = chatView(() => chat);
    wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ content: 'Whole file:\n\n```ts\nexport const add = (a: number, b: number): number => a + b;\n```' }] });
    // A question asked while the previous answer still streams stays in the box (by design): on a loaded machine
    // the previous test's answer can still be finishing, so wait until the composer offers Send again.
    await chat.locator('button.send').waitFor({ state: 'visible' });
    await ask('Rewrite add as an arrow function');
    const apply = lastTurn().getByRole('button', { name: 'Apply code to file' });
    await apply.waitFor();
    await apply.click();
    await reviewTab().waitFor();
  }

  it('Ctrl+Alt+E with the cursor inside a function and nothing selected explains the enclosing function in the chat', async () => {
    wb.env.fake.configure({ chunkDelayMs: 15, chunkChars: 6, replies: [{ reasoning: 'mean() sums the values and divides by their count. '.repeat(2), content: 'It returns the **average**.' }] });
    await wb.page.locator('.editor-instance .view-line').filter({ hasText: 'return values.reduce' }).first().click();
    await wb.page.keyboard.press('End');
    const position = wb.page.locator('.part.statusbar').getByText(/^Ln 9, Col \d+$/);
    await position.waitFor(); // the cursor is in mean(), and nothing is selected ("(n selected)" would follow)
    await wb.page.keyboard.press('Control+Alt+E');
    chat = await wb.webviewFrame('article.turn');
    const turn = chat.locator('article.turn').last();
    // The label's `mean` shows as code (the chat renders a command's label so).
    await turn.locator('.question-text', { hasText: /^Explain mean · src\/math\.ts:5–10$/ }).waitFor();
    await turn.getByRole('region', { name: 'Answer' }).locator('strong', { hasText: 'average' }).waitFor();
    const sent = wb.env.fake.requests.filter((r) => r.route === '/chat/completions').at(-1)?.body as { messages: { content: string }[] };
    assert.match(sent.messages.at(-1)!.content, /Explain the selected code \(src\/math\.ts:5-10\)/, 'the enclosing function went out');
    // The status bar says whose spend it shows, and that the rate is the cache-hit rate.
    const status = wb.statusBarItem();
    await status.filter({ hasText: /^DeepSeek \$\d+\.\d+ · \d+% cached$/ }).waitFor();
    assert.match((await status.getAttribute('aria-label')) ?? '', /^DeepSeek: session spend \$\d+\.\d+, cache-hit rate \d+%/);
    await wb.screenshot('editor-01-explain-by-key');
  });

  it('Apply in the diff\'s title bar applies the change, and no Apply/Discard notification is left behind', async () => {
    await proposeFromChat();
    assert.equal(await (await reviewNotifications()).count(), 1, 'the review asks once, in a notification too');
    await wb.screenshot('editor-02-review-notification');
    await wb.page.keyboard.press('Escape'); // close the centre: the title bar is what the user clicks
    await wb.page.locator('.editor-actions [aria-label^="Apply Proposed Change"]').first().click();
    await reviewTab().waitFor({ state: 'detached' });
    await mathTab().waitFor();
    await mathLine('export const add = (a: number').waitFor(); // applied
    const left = await reviewNotifications();
    await left.first().waitFor({ state: 'detached' });
    assert.equal(await left.count(), 0, 'the notification closed itself once the change was applied');
    await wb.screenshot('editor-03-applied-no-notification');
    await wb.page.keyboard.press('Escape');
    await mathLine('export const add = (a: number').click();
    await wb.page.keyboard.press('Control+Z'); // one undo step takes it back
    await mathLine('export function mean').waitFor();
  });

  it('the notification\'s own Discard discards the change and closes it', async () => {
    await proposeFromChat();
    const row = (await reviewNotifications()).first();
    await row.locator('a', { hasText: /^Discard$/ }).click();
    await reviewTab().waitFor({ state: 'detached' });
    await mathLine('export function mean').waitFor();
    assert.equal(await mathLine('export const add = (a: number').count(), 0, 'nothing written');
    const left = await reviewNotifications();
    await left.first().waitFor({ state: 'detached' });
    assert.equal(await left.count(), 0);
    await wb.page.keyboard.press('Escape');
  });
});
