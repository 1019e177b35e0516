import * as assert from 'assert/strict';
import { mkdirSync } from 'fs';
import * as path from 'path';
import type { Frame } from 'playwright-core';
import type { LoggedRequest } from '../fake-deepseek/types';
import { measuredContrast, THEMES } from './contrast';
import { chatView, Workbench } from './workbench';

/**
 * The conversation's turns, answers and code blocks, in Light Modern and Dark Modern (each with a workbench of its
 * own) and the contrast checks in High Contrast. Every wait is for the page's own signal (a region, a label, the
 * status announcement, a request in the fake's log).
 */

type Messages = { role: string; content: string }[];
const AA = 4.5;

const CODE_REPLY = [
  'The function **adds** two numbers. Here is a version that checks its inputs:',
  '',
  '```ts',
  'export function add(a: number, b: number): number {',
  '  if (!Number.isFinite(a) || !Number.isFinite(b)) {',
  "    throw new RangeError('add: finite numbers only');",
  '  }',
  '  return a + b; // the sum',
  '}',
  '```',
  '',
  'Call it as `add(1, 2)`.',
].join('\n');

/** The selectors whose text contrast is measured in a finished turn with a code block (what a reader reads). */
const READ_TEXT = [
  '.code-block pre code',
  '.code-block .hljs-keyword',
  '.code-block .hljs-string',
  '.code-block .hljs-comment',
  '.code-block .hljs-title',
  '.code-block .hljs-number',
  '.code-lang',
  '.question-text',
  '.response-head .who',
  '.response-head .model',
  '.answer p',
  '.answer :not(pre) > code',
  '.turn-footer',
];

function setup(theme: string, slug: string, key: string): {
  wb: () => Workbench;
  chat: () => Frame;
  setChat: (frame: Frame) => void;
} {
  let wb: Workbench;
  let chat: Frame;
  before(async () => {
    wb = await Workbench.openWithKey(`ui-turns-${slug}`, key, { 'workbench.colorTheme': theme });
    await wb.openFile('src/math.ts');
    chat = await wb.openChat();
  });
  afterEach(async function () {
    await wb?.screenshotIfFailed(this.currentTest);
  });
  after(async () => {
    await wb?.close();
  });
  return { wb: () => wb, chat: () => chat, setChat: (frame) => (chat = frame) };
}

/** A screenshot of the chat view alone (the webview's frame), beside the workbench's screenshots. */
async function viewShot(wb: Workbench, chat: Frame, name: string): Promise<void> {
  const dir = path.join(wb.env.dir, 'screenshots');
  mkdirSync(dir, { recursive: true });
  await (await chat.frameElement()).screenshot({ path: path.join(dir, `${name}.png`) });
}

/** What a code line inside a block paints behind itself, and how its text and the header's contrast. */
async function assertCodeBlockReadable(chat: Frame, theme: string): Promise<void> {
  const code = chat.locator('article.turn').last().locator('.code-block pre code').first();
  await code.waitFor();
  const backgrounds = await code.evaluate((node) => [node, ...Array.from(node.querySelectorAll('span'))].map((n) => getComputedStyle(n).backgroundColor));
  assert.deepEqual([...new Set(backgrounds)], ['rgba(0, 0, 0, 0)'], `${theme}: a code line has no background of its own (no grey band)`);
  assert.deepEqual(await lowContrast(chat, READ_TEXT), [], `${theme}: text meets WCAG AA (${AA}:1)`);
}

/** The selectors (in the last turn, those present) whose text falls below WCAG AA, with what was measured. */
async function lowContrast(chat: Frame, selectors: readonly string[]): Promise<string[]> {
  const low: string[] = [];
  for (const selector of selectors) {
    const scoped = `article.turn:last-of-type ${selector}`;
    if ((await chat.locator(scoped).count()) === 0) continue;
    const { ratio, fg, bg } = await measuredContrast(chat, scoped);
    if (ratio < AA) low.push(`${selector}: ${ratio.toFixed(2)}:1 (${fg} on ${bg})`);
  }
  return low;
}

function turnsSuite(theme: string, slug: string): void {
  describe(`UI: chat turns (${theme})`, function () {
    const { wb, chat, setChat } = setup(theme, slug, `sk-ui-turns-${slug}-0001`);
    const { lastTurn, ask, pickModel } = chatView(chat);
    const chatRequests = (): LoggedRequest[] => wb().env.fake.requests.filter((r) => r.route === '/chat/completions');
    const answerOf = () => lastTurn().getByRole('region', { name: 'Answer', exact: true });
    const status = () => chat().locator('.turn-status[role="status"]');

    it('reads as a conversation: "You" and the question, then DeepSeek and the model; a code block has no grey band and meets AA', async () => {
      await pickModel('chat');
      wb().env.fake.configure({ chunkDelayMs: 0, chunkChars: 40, replies: [{ content: CODE_REPLY }] });
      await ask('What does add() do?');
      await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
      assert.equal(await lastTurn().locator('.question .who').innerText(), 'You');
      assert.equal(await lastTurn().locator('.question-text').innerText(), 'What does add() do?');
      assert.equal(await lastTurn().locator('.response-head .who').innerText(), 'DeepSeek');
      assert.equal(await lastTurn().locator('.response-head .model').innerText(), 'deepseek-flash');
      assert.equal(await lastTurn().locator('.code-block .code-lang').innerText(), 'ts');
      await assertCodeBlockReadable(chat(), theme);
      await lastTurn().locator('.code-block').hover();
      await wb().screenshot(`turns-01-code-block-${slug}`);
      await viewShot(wb(), chat(), `turns-01-view-${slug}`);
    });

    it('in a narrow sidebar the code-block header and the answer\'s footer still fit their width', async () => {
      const sidebar = await wb().page.locator('.part.sidebar').boundingBox();
      assert.ok(sidebar);
      const width = () => chat().evaluate(() => document.body.clientWidth);
      const before = await width();
      // Drag the sash between the side bar and the editor to the left, as a user narrows the view.
      const y = sidebar.y + sidebar.height / 2;
      await wb().page.mouse.move(sidebar.x + sidebar.width, y);
      await wb().page.mouse.down();
      await wb().page.mouse.move(sidebar.x + 150, y, { steps: 8 });
      await wb().page.mouse.up();
      await chat().waitForFunction((w) => document.body.clientWidth < w - 60, before);
      const overflowing = await chat().locator('article.turn').last().evaluate((turn) =>
        Array.from(turn.querySelectorAll('.code-header, .turn-bottom, .response-head, .question'))
          .filter((n) => n.scrollWidth > n.clientWidth + 1)
          .map((n) => `${n.className}: ${n.scrollWidth} > ${n.clientWidth}`));
      await lastTurn().locator('.code-block').hover();
      await viewShot(wb(), chat(), `turns-01-view-narrow-${slug}`);
      assert.deepEqual(overflowing, [], `at ${await width()} px nothing in the turn overflows`);
      const now = await wb().page.locator('.part.sidebar').boundingBox();
      await wb().page.mouse.move(now!.x + now!.width, y);
      await wb().page.mouse.down();
      await wb().page.mouse.move(sidebar.x + sidebar.width, y, { steps: 8 });
      await wb().page.mouse.up();
      await chat().waitForFunction((w) => document.body.clientWidth >= w - 2, before);
    });

    it('a command\'s turn shows its badge and short label, never its instruction', async () => {
      wb().env.fake.configure({ chunkDelayMs: 0, replies: [{ reasoning: 'Reading add().', content: 'It **adds** its two arguments.' }] });
      // From the palette, on the function at the cursor: a conversation of its own, shown in the chat view.
      await wb().page.locator('.editor-instance .view-line').filter({ hasText: 'export function add' }).first().click();
      await wb().runCommand('DeepSeek: Explain Selection');
      setChat(await wb().webviewFrame('article.turn .command-badge'));
      const badge = lastTurn().locator('.question .command-badge');
      await badge.waitFor();
      assert.equal(await badge.innerText(), '/explain');
      assert.match(await lastTurn().locator('.question-text').innerText(), /^Explain add · src\/math\.ts:\d+–\d+$/);
      assert.equal(await lastTurn().locator('.question-text code').innerText(), 'add');
      assert.deepEqual(await lowContrast(chat(), ['.command-badge', '.question-text code', '.question-text']), [], `${theme}: the badge and label meet AA`);
      assert.doesNotMatch(await lastTurn().locator('.question').innerText(), /Explain the selected code/, 'the instruction is not shown');
      await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
      assert.equal(await lastTurn().getByRole('button', { name: 'Edit question' }).isHidden(), true, 'a command is asked again, not edited');
      await viewShot(wb(), chat(), `turns-06-command-${slug}`);
      // Back to a chat of its own for what follows.
      await wb().viewTitleAction('New Chat').click();
      await chat().locator('article.turn').first().waitFor({ state: 'detached' });
    });

    it('the code-block header buttons are reachable by keyboard, and Copy confirms in place', async () => {
      await pickModel('chat');
      wb().env.fake.configure({ chunkDelayMs: 0, chunkChars: 40, replies: [{ content: CODE_REPLY }] });
      await ask('What does add() do?');
      await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
      const block = lastTurn().locator('.code-block').last();
      // Start keyboard navigation from the paragraph before the block, as a reader would after reading it.
      await answerOf().locator('p').first().click();
      await chat().locator('body').press('Tab');
      const copy = block.getByRole('button', { name: 'Copy code' });
      assert.equal(await copy.evaluate((b) => b === document.activeElement), true, 'Tab reaches Copy from the text before it');
      assert.equal(await block.locator('.code-actions').evaluate((n) => getComputedStyle(n).opacity), '1', 'the buttons show while one has focus');
      await chat().locator('body').press('Tab');
      assert.equal(await block.getByRole('button', { name: 'Insert code at cursor' }).evaluate((b) => b === document.activeElement), true);
      await chat().locator('body').press('Tab');
      assert.equal(await block.getByRole('button', { name: 'Apply code to file' }).evaluate((b) => b === document.activeElement), true);
      await chat().locator('body').press('Shift+Tab');
      await chat().locator('body').press('Shift+Tab');
      await chat().locator('body').press('Enter');
      const copied = block.getByRole('button', { name: 'Copied' });
      await copied.waitFor();
      assert.match(await copied.innerText(), /Copied/);
      assert.equal(await copied.locator('svg.icon-check').count(), 1, 'a check shows in place of the copy icon');
      await status().getByText('Code copied to the clipboard.').waitFor();
      await wb().screenshot(`turns-02-copied-${slug}`);
      await block.getByRole('button', { name: 'Copy code' }).waitFor(); // and back after a moment
    });

    it('"Thought for" shows the thinking time measured on the page while the answer streams, never 0.0 s', async () => {
      await pickModel('reasoner');
      wb().env.fake.configure({
        chunkDelayMs: 30,
        chunkChars: 6,
        replies: [{ reasoning: 'Weighing whether add() can overflow: numbers are doubles, so no. '.repeat(4), content: 'No overflow: the sum of two doubles is a double. '.repeat(8) }],
      });
      // Every summary the page shows, as it shows it.
      await chat().evaluate(() => {
        const seen: string[] = [];
        (globalThis as unknown as { __summaries: string[] }).__summaries = seen;
        new MutationObserver(() => {
          const text = document.querySelector('article.turn:last-of-type .reasoning summary')?.textContent ?? '';
          if (seen.at(-1) !== text) seen.push(text);
        }).observe(document.body, { subtree: true, childList: true, characterData: true });
      });
      await ask('Can add() overflow?');
      const summary = lastTurn().getByRole('region', { name: 'Reasoning' }).locator('summary');
      await answerOf().getByText(/No overflow/).waitFor();
      const midAnswer = await summary.innerText();
      assert.equal(await lastTurn().locator('.turn-footer').innerText(), '', 'the answer is still streaming');
      assert.match(midAnswer, /^Thought for \d+(\.\d)? s$/, 'mid-answer, the summary says how long it thought');
      const seconds = Number(/(\d+(?:\.\d)?) s/.exec(midAnswer)?.[1]);
      assert.ok(seconds >= 0.5, `the reasoning streamed for over a second; the page measured ${seconds} s`);
      await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
      assert.match(await summary.innerText(), /^Thought for \d+(\.\d)? s · \d+ tokens$/);
      const seen = await chat().evaluate(() => (globalThis as unknown as { __summaries: string[] }).__summaries);
      assert.deepEqual(seen.filter((s) => /0\.0 s/.test(s)), [], `no "0.0 s" ever showed: ${JSON.stringify(seen)}`);
    });

    it('Stop before any answer says so ("Stopped before an answer arrived."), and is announced once', async () => {
      wb().env.fake.configure({ chunkDelayMs: 40, chunkChars: 4, replies: [{ reasoning: 'Thinking about it at length. '.repeat(60), content: 'Too late.' }] });
      await ask('Think for a long time');
      await lastTurn().getByRole('region', { name: 'Reasoning' }).getByText(/Thinking about it/).waitFor();
      await chat().getByRole('button', { name: 'Stop' }).click();
      await lastTurn().locator('.error', { hasText: 'Stopped before an answer arrived.' }).waitFor();
      assert.equal(await lastTurn().getByText('Stopped — the answer above is incomplete.').count(), 0);
      await status().getByText('Stopped before an answer arrived.').waitFor();
      assert.equal(await status().locator(':scope > *').count(), 1);
      assert.match(await lastTurn().getByRole('region', { name: 'Reasoning' }).locator('summary').innerText(), /^Thought( for \d+(\.\d)? s)?( · \d+ tokens)?$/);
      await wb().screenshot(`turns-03-stopped-${slug}`);
    });

    it('screen readers: nothing around streamed text is live; one polite announcement when the answer finishes', async () => {
      await pickModel('chat');
      wb().env.fake.configure({ chunkDelayMs: 25, chunkChars: 5, replies: [{ content: 'Yes, add() is pure: it reads only its arguments and changes nothing. It has no side effects at all, so it is safe to memoise.' }] });
      // Count what is put into the status region from here on.
      await chat().evaluate(() => {
        const region = document.querySelector('.turn-status[role="status"]') as HTMLElement;
        const log: string[] = [];
        (globalThis as unknown as { __announced: string[] }).__announced = log;
        new MutationObserver((records) => {
          for (const r of records) for (const n of Array.from(r.addedNodes)) log.push(n.textContent ?? '');
        }).observe(region, { childList: true, subtree: true, characterData: true });
      });
      await ask('Is add() pure?');
      await answerOf().getByText(/Yes, add\(\) is pure/).waitFor();
      const live = await answerOf().evaluate((answer) => {
        const out: string[] = [];
        for (let n: Element | null = answer; n; n = n.parentElement) {
          const value = n.getAttribute('aria-live');
          const role = n.getAttribute('role');
          if ((value !== null && value !== 'off') || role === 'status' || role === 'alert' || role === 'log') out.push(`${n.tagName}.${n.className} aria-live=${value} role=${role}`);
        }
        return out;
      });
      assert.deepEqual(live, [], 'no live region around the streamed answer');
      await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
      await status().getByText(/^DeepSeek answered: /).waitFor();
      assert.equal(await status().locator(':scope > *').count(), 1, 'the status region holds one announcement');
      assert.equal(await status().innerText(), 'DeepSeek answered: Yes, add() is pure: it reads only its arguments and changes nothing.');
      const announced = await chat().evaluate(() => (globalThis as unknown as { __announced: string[] }).__announced);
      assert.deepEqual(announced, ['DeepSeek answered: Yes, add() is pure: it reads only its arguments and changes nothing.'], 'announced once, and nothing while it streamed');
      assert.equal(await chat().locator('#root').getAttribute('aria-live'), null, 'the page root is not a live region');
    });

    it('Regenerate, Edit and resend, and Copy answer on the last turn; the fake receives the same history, then the edited question', async () => {
      await wb().viewTitleAction('New Chat').click();
      await chat().locator('article.turn').first().waitFor({ state: 'detached' });
      await pickModel('chat');
      wb().env.fake.configure({ chunkDelayMs: 0, replies: [{ content: 'First answer.' }, { content: 'Regenerated answer.' }, { content: 'Answer to the edited question.' }] });
      await ask('Is mean() safe on an empty list?');
      await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
      const first = chatRequests().at(-1)!;
      assert.equal(await lastTurn().getByRole('button', { name: 'Regenerate' }).isVisible(), true);

      // Regenerate: the same prompt again, byte for byte; the last turn is replaced, not added to.
      await lastTurn().getByRole('button', { name: 'Regenerate' }).click();
      await answerOf().getByText('Regenerated answer.').waitFor();
      await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
      const again = chatRequests().at(-1)!;
      assert.notEqual(again, first);
      assert.deepEqual((again.body as { messages: Messages }).messages, (first.body as { messages: Messages }).messages, 'regenerate sends the same history and question');
      assert.equal(await chat().locator('article.turn').count(), 1, 'the regenerated answer replaced the last turn');

      // Edit, then Escape: nothing sent, the question as it was.
      const sentBefore = chatRequests().length;
      await lastTurn().getByRole('button', { name: 'Edit question' }).click();
      const editor = lastTurn().locator('textarea.question-editor');
      await editor.waitFor();
      assert.equal(await editor.inputValue(), 'Is mean() safe on an empty list?');
      await editor.press('Escape');
      await editor.waitFor({ state: 'detached' });
      assert.equal(await lastTurn().locator('.question-text').innerText(), 'Is mean() safe on an empty list?');

      // Edit and resend with the reasoner chosen in the picker.
      await pickModel('reasoner');
      await lastTurn().getByRole('button', { name: 'Edit question' }).click();
      await editor.fill('Is mean() safe on a list of NaN?');
      await wb().screenshot(`turns-04-editing-${slug}`);
      await editor.press('Enter');
      await answerOf().getByText('Answer to the edited question.').waitFor();
      await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
      assert.equal(chatRequests().length, sentBefore + 1, 'Escape sent nothing; Enter sent once');
      const edited = chatRequests().at(-1)!.body as { messages: Messages; thinking?: { type: string } };
      assert.match(edited.messages.at(-1)!.content, /Is mean\(\) safe on a list of NaN\?/);
      assert.doesNotMatch(JSON.stringify(edited.messages), /safe on an empty list\?/, 'the replaced question is not in the history');
      assert.deepEqual(edited.messages.slice(0, -1), (first.body as { messages: Messages }).messages.slice(0, -1), 'the history before the question is the same');
      assert.deepEqual(edited.thinking, { type: 'enabled' }, 'sent with the model chosen in the picker (the reasoner)');
      assert.equal(await chat().locator('article.turn').count(), 1);
      assert.equal(await lastTurn().locator('.question-text').innerText(), 'Is mean() safe on a list of NaN?');

      // Copy answer: confirmed in place.
      await lastTurn().getByRole('button', { name: 'Copy answer' }).click();
      await lastTurn().getByRole('button', { name: 'Copied' }).waitFor();
      await status().getByText('Answer copied to the clipboard.').waitFor();
      await wb().screenshot(`turns-05-copied-answer-${slug}`);
    });
  });
}

turnsSuite(THEMES.lightModern, 'light');
turnsSuite(THEMES.darkModern, 'dark');

describe(`UI: chat turns (${THEMES.highContrast})`, function () {
  const { wb, chat } = setup(THEMES.highContrast, 'hc', 'sk-ui-turns-hc-0001');
  const { lastTurn, ask, pickModel } = chatView(chat);

  it('a code block has no grey band on its lines and its text meets AA', async () => {
    await pickModel('chat');
    wb().env.fake.configure({ chunkDelayMs: 0, chunkChars: 40, replies: [{ content: CODE_REPLY }] });
    await ask('What does add() do?');
    await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
    await assertCodeBlockReadable(chat(), THEMES.highContrast);
    await wb().screenshot('turns-01-code-block-hc');
  });
});
