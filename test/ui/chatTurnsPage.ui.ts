import * as assert from 'assert/strict';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { REPO_ROOT } from '../harness/paths';
import { chatState, ScriptedChatPage, turnView } from './scriptedChatPage';
import { UI_WAIT_MS } from './workbench';

/**
 * The chat page's turns against a scripted host (the built page in Chromium, no VS Code): what it posts for the
 * code-block and answer actions, and what it does with the host's answers, whichever way the host replaces a turn.
 */
describe('UI: chat turns against a scripted host (the page in Chromium, no VS Code)', function () {
  let browser: Browser;
  let chat: ScriptedChatPage;

  before(async () => {
    browser = await launchChromium();
  });

  beforeEach(async () => {
    chat = await ScriptedChatPage.open(browser);
    chat.page.setDefaultTimeout(UI_WAIT_MS);
  });

  afterEach(async () => {
    await chat?.page.close();
  });

  after(async () => {
    await browser?.close();
  });

  const CODE = 'Here:\n\n```ts\nexport const one = 1;\n```\n';
  const turn = () => chat.page.locator('article.turn').last();

  it('Copy code posts a codeAction with a request id; the host\'s result confirms in place, then it reads Copy again', async () => {
    await chat.send({ type: 'state', state: chatState([turnView('t1', 'Show one', CODE)]) });
    const before = await chat.count();
    await turn().getByRole('button', { name: 'Copy code' }).click();
    const sent = await chat.nextPosted('codeAction', before);
    assert.equal(sent.action, 'copy');
    assert.equal(sent.code, 'export const one = 1;\n');
    assert.equal(sent.language, 'ts');
    assert.equal(typeof sent.requestId, 'number');
    await chat.send({ type: 'actionResult', requestId: sent.requestId! + 1000, ok: true }); // not this one's: ignored
    await chat.send({ type: 'actionResult', requestId: sent.requestId!, ok: true });
    const copied = turn().getByRole('button', { name: 'Copied' });
    await copied.waitFor();
    assert.equal(await copied.locator('svg.icon-check').count(), 1);
    assert.equal(await chat.page.locator('.turn-status[role="status"]').innerText(), 'Code copied to the clipboard.');
    await turn().getByRole('button', { name: 'Copy code' }).waitFor();
    assert.equal(await turn().locator('svg.icon-copy').count(), 2, 'the copy icon is back (code and answer)');
  });

  it('a failed Insert or Apply shows the host\'s message beside the block; a later success clears it', async () => {
    await chat.send({ type: 'state', state: chatState([turnView('t1', 'Show one', CODE)]) });
    let before = await chat.count();
    await turn().getByRole('button', { name: 'Insert code at cursor' }).click();
    const insert = await chat.nextPosted('codeAction', before);
    assert.equal(insert.action, 'insert');
    await chat.send({ type: 'actionResult', requestId: insert.requestId!, ok: false, message: 'Open a file in an editor first.' });
    const message = turn().locator('.code-block .code-message');
    await message.getByText('Open a file in an editor first.').waitFor();
    assert.equal(await chat.page.locator('.turn-status[role="status"]').innerText(), 'Open a file in an editor first.');
    before = await chat.count();
    await turn().getByRole('button', { name: 'Apply code to file' }).click();
    const apply = await chat.nextPosted('codeAction', before);
    assert.equal(apply.action, 'apply');
    await chat.send({ type: 'actionResult', requestId: apply.requestId!, ok: true });
    await message.waitFor({ state: 'detached' });
  });

  it('Regenerate posts the last turn\'s id; the host\'s new turn takes its place, under a new id or the same one', async () => {
    await chat.send({ type: 'state', state: chatState([turnView('t1', 'First', 'One.'), turnView('t2', 'Second', 'Two.')]) });
    assert.equal(await chat.page.locator('article.turn').first().getByRole('button', { name: 'Regenerate' }).count(), 0, 'only on the last turn');
    let before = await chat.count();
    await turn().getByRole('button', { name: 'Regenerate' }).click();
    assert.deepEqual(await chat.nextPosted('regenerate', before), { type: 'regenerate', turnId: 't2' });
    // The host answers with a new turn for the same question: it replaces the last one.
    await chat.send({ type: 'turn', conversationId: 'c1', turn: turnView('t3', 'Second', '', { status: 'streaming', footer: undefined }) });
    await chat.page.locator('article.turn[data-turn="t3"]').waitFor();
    assert.deepEqual(await chat.page.locator('article.turn').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.turn)), ['t1', 't3']);
    assert.equal(await turn().getByRole('button', { name: 'Regenerate' }).isHidden(), true, 'hidden while it streams');
    assert.equal(await turn().getByRole('button', { name: 'Copy answer' }).isHidden(), true);
    await chat.send({ type: 'delta', conversationId: 'c1', turnId: 't3', reasoning: '', answer: 'Two, again.', reasoningAt: 0, answerAt: 0 });
    await chat.send({ type: 'turn', conversationId: 'c1', turn: turnView('t3', 'Second', 'Two, again.') });
    await turn().getByRole('button', { name: 'Regenerate' }).waitFor();
    // A host that replaces the turn under its own id: the answer restarts from empty.
    before = await chat.count();
    await turn().getByRole('button', { name: 'Regenerate' }).click();
    await chat.nextPosted('regenerate', before);
    await chat.send({ type: 'turn', conversationId: 'c1', turn: turnView('t3', 'Second', '', { status: 'streaming', footer: undefined }) });
    await chat.send({ type: 'delta', conversationId: 'c1', turnId: 't3', reasoning: '', answer: 'Third take.', reasoningAt: 0, answerAt: 0 });
    await turn().getByRole('region', { name: 'Answer' }).getByText('Third take.').waitFor();
    assert.equal(await chat.page.locator('article.turn').count(), 2);
    assert.equal(await chat.count(), before + 1, 'no resync was needed');
    // Or with its whole state.
    await chat.send({ type: 'state', state: chatState([turnView('t1', 'First', 'One.'), turnView('t4', 'Second', 'Fourth.')]) });
    await turn().getByText('Fourth.').waitFor();
    assert.equal(await chat.page.locator('article.turn').count(), 2);
  });

  it('a new question after the last turn is added, not taken for its replacement', async () => {
    await chat.send({ type: 'state', state: chatState([turnView('t1', 'First', 'One.')]) });
    await chat.send({ type: 'turn', conversationId: 'c1', turn: turnView('t2', 'First', '', { status: 'streaming', footer: undefined }) });
    await chat.page.locator('article.turn[data-turn="t2"]').waitFor();
    assert.equal(await chat.page.locator('article.turn').count(), 2, 'the same question asked again is a turn of its own');
  });

  it('Edit question: the question becomes a box; Enter sends editLast with the model in the picker, Escape cancels', async () => {
    await chat.send({ type: 'state', state: chatState([turnView('t1', 'First', 'One.'), turnView('t2', 'Second', 'Two.')]) });
    assert.equal(await chat.page.locator('article.turn').first().getByRole('button', { name: 'Edit question' }).count(), 0, 'only the last question');
    await turn().getByRole('button', { name: 'Edit question' }).click();
    const editor = turn().locator('textarea.question-editor');
    assert.equal(await editor.evaluate((e) => e === document.activeElement), true, 'the box has focus');
    assert.equal(await editor.inputValue(), 'Second');
    assert.equal(await turn().locator('.question-text').isHidden(), true);
    const before = await chat.count();
    await editor.press('Escape');
    await editor.waitFor({ state: 'detached' });
    assert.equal(await turn().locator('.question-text').innerText(), 'Second');
    assert.equal(await turn().getByRole('button', { name: 'Edit question' }).evaluate((b) => b === document.activeElement), true, 'focus goes back to Edit');
    assert.equal(await chat.count(), before, 'Escape sent nothing');
    // The composer's model menu, as a user picks the reasoner.
    await chat.page.getByRole('button', { name: /^Model: / }).click();
    await chat.page.getByRole('menuitemradio', { name: /^Reasoner\b/ }).click();
    await chat.page.getByRole('button', { name: /^Model: Reasoner\b/ }).waitFor();
    const picked = await chat.count();
    await turn().getByRole('button', { name: 'Edit question' }).click();
    await editor.fill('Second, better');
    await editor.press('Shift+Enter'); // a new line, not a send
    await editor.pressSequentially('worded');
    await editor.press('Enter');
    assert.deepEqual(await chat.nextPosted('editLast', picked), { type: 'editLast', turnId: 't2', text: 'Second, better\nworded', model: 'reasoner' });
    await editor.waitFor({ state: 'detached' });
    assert.equal(await turn().locator('.question-text').innerText(), 'Second', 'the question as it was until the host replaces the turn');
    await chat.send({ type: 'turn', conversationId: 'c1', turn: turnView('t3', 'Second, better\nworded', '', { status: 'streaming', role: 'reasoner', footer: undefined }) });
    await chat.page.locator('article.turn[data-turn="t3"]').waitFor();
    assert.deepEqual(await chat.page.locator('article.turn').evaluateAll((ns) => ns.map((n) => (n as HTMLElement).dataset.turn)), ['t1', 't3']);
  });

  it('Copy answer posts copyAnswer with a request id and confirms in place; a failure says why', async () => {
    await chat.send({ type: 'state', state: chatState([turnView('t1', 'First', 'One.'), turnView('t2', 'Second', 'Two.')]) });
    const first = chat.page.locator('article.turn').first();
    let before = await chat.count();
    await first.getByRole('button', { name: 'Copy answer' }).click();
    const sent = await chat.nextPosted('copyAnswer', before);
    assert.equal(sent.turnId, 't1');
    await chat.send({ type: 'actionResult', requestId: sent.requestId, ok: true });
    await first.getByRole('button', { name: 'Copied' }).waitFor();
    assert.equal(await chat.page.locator('.turn-status[role="status"]').innerText(), 'Answer copied to the clipboard.');
    before = await chat.count();
    await turn().getByRole('button', { name: 'Copy answer' }).click();
    const second = await chat.nextPosted('copyAnswer', before);
    await chat.send({ type: 'actionResult', requestId: second.requestId, ok: false, message: 'The clipboard is not available.' });
    await turn().locator('.turn-action-message', { hasText: 'The clipboard is not available.' }).waitFor();
  });

  it('a command\'s turn shows its badge and short label, and offers Regenerate but no editing', async () => {
    await chat.send({
      type: 'state',
      state: chatState([turnView('t1', 'Explain `mean` · src/math.ts:5–10', 'It averages.', { command: 'explain', role: 'reasoner' })]),
    });
    assert.equal(await turn().locator('.command-badge').innerText(), '/explain');
    assert.equal(await turn().locator('.question-text').innerText(), 'Explain mean · src/math.ts:5–10');
    assert.equal(await turn().locator('.question-text code').innerText(), 'mean', 'the name it acts on shows as code');
    assert.equal(await turn().getByRole('button', { name: 'Edit question' }).isHidden(), true);
    assert.equal(await turn().getByRole('button', { name: 'Regenerate' }).isVisible(), true);
  });

  it('streamed text keeps the conversation at its end, until the reader scrolls up to read', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Paragraph ${i + 1} of an earlier answer.`).join('\n\n');
    await chat.send({ type: 'state', state: chatState([turnView('t1', 'First', long)]) });
    const conversation = chat.page.locator('section.conversation');
    const distanceToEnd = () => conversation.evaluate((c) => c.scrollHeight - c.scrollTop - c.clientHeight);
    await chat.page.waitForFunction(() => {
      const c = document.querySelector('section.conversation') as HTMLElement;
      return c.scrollHeight > c.clientHeight && c.scrollHeight - c.scrollTop - c.clientHeight < 2;
    });
    await chat.send({ type: 'turn', conversationId: 'c1', turn: turnView('t2', 'Second', '', { status: 'streaming', footer: undefined }) });
    let streamed = '';
    for (let i = 0; i < 20; i++) {
      const text = `Line ${i + 1} of the streamed answer.\n\n`;
      await chat.send({ type: 'delta', conversationId: 'c1', turnId: 't2', reasoning: '', answer: text, reasoningAt: 0, answerAt: streamed.length });
      streamed += text;
    }
    await turn().getByText('Line 20 of the streamed answer.').waitFor();
    await chat.page.waitForFunction(() => {
      const c = document.querySelector('section.conversation') as HTMLElement;
      return c.scrollHeight - c.scrollTop - c.clientHeight < 2;
    });
    // The reader scrolls up: new text no longer pulls the view down.
    await conversation.evaluate((c) => c.scrollTo({ top: 0 }));
    await chat.page.waitForFunction(() => (document.querySelector('section.conversation') as HTMLElement).scrollTop === 0);
    const text = 'More text while the reader reads.\n\n';
    await chat.send({ type: 'delta', conversationId: 'c1', turnId: 't2', reasoning: '', answer: text, reasoningAt: 0, answerAt: streamed.length });
    streamed += text;
    await turn().getByText('More text while the reader reads.').waitFor();
    await chat.page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
    assert.equal(await conversation.evaluate((c) => c.scrollTop), 0, 'the view stays where the reader is');
    // The answer finishes: the footer is shown; the next question brings the view back to the end.
    await chat.send({ type: 'turn', conversationId: 'c1', turn: turnView('t2', 'Second', streamed) });
    await turn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
    assert.equal(await conversation.evaluate((c) => c.scrollTop), 0, 'still where the reader is');
    await chat.send({ type: 'turn', conversationId: 'c1', turn: turnView('t3', 'Third', '', { status: 'streaming', footer: undefined }) });
    await chat.page.waitForFunction(() => {
      const c = document.querySelector('section.conversation') as HTMLElement;
      return c.scrollHeight - c.scrollTop - c.clientHeight < 2;
    });
    assert.ok((await distanceToEnd()) < 2);
  });
});

/** Markdown that exercises every split point: paragraphs, fences at column 0 and inside lists, tildes, longer fences, tables. */
const SAMPLES = [
  'Intro paragraph.\n```ts\nconst a = 1;\n\nconst b = 2;\n```\nRight after the fence.\n\n- a list\n- tight\n\n| h | i |\n|---|---|\n| 1 | 2 |\n',
  '- item with code:\n  ```py\n  x = 1\n\n  y = 2\n  ```\n- next item\n\nDone.\n',
  '````md\n```ts\ninner\n```\n````\n\n~~~\ntilde ``` inside\n~~~\n\n## Heading\nText **bold** and `code`.\n',
  'Unclosed at the end:\n\n```js\nfunction f() {\n  return 1;\n',
  `${'A sentence that is long enough to wrap. '.repeat(30)}\n\n\`\`\`ts\n${'let x = "a long line of code";\n'.repeat(80)}\`\`\`\n\nAfter.\n`,
];

describe('UI: streamed Markdown renders as the whole answer does (the renderer in Chromium)', function () {
  let browser: Browser;
  let page: Awaited<ReturnType<Browser['newPage']>>;

  before(async () => {
    const esbuild = await import('esbuild');
    const built = await esbuild.build({
      stdin: {
        contents: "export { markdownFragment } from './src/webview/markdown'; export { StreamingMarkdown } from './src/webview/streamingMarkdown';",
        resolveDir: REPO_ROOT,
        loader: 'ts',
      },
      bundle: true, write: false, format: 'iife', globalName: 'md', platform: 'browser', target: 'es2022',
    });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.addScriptTag({ content: built.outputFiles[0].text });
  });

  after(async () => {
    await browser?.close();
  });

  for (const [i, sample] of SAMPLES.entries()) {
    it(`sample ${i + 1}: streamed in random pieces, then finished, it shows what rendering it whole shows`, async () => {
      const result = await page.evaluate(async (text) => {
        const lib = (globalThis as unknown as { md: any }).md;
        const blocks = (root: ParentNode) => Array.from(root.querySelectorAll('.md-group > *, .md-tail > *')).map((n) => n.outerHTML).join('\n');
        const whole = document.createElement('div');
        whole.append(lib.markdownFragment(text.endsWith('\n') ? text : `${text}\n`, []));
        const wholeHtml = Array.from(whole.children).map((n) => n.outerHTML).join('\n');
        let seed = 7;
        const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
        const container = document.createElement('div');
        const queue: (() => void)[] = [];
        const streamed = new lib.StreamingMarkdown(container, (cb: () => void) => queue.push(cb));
        for (let at = 0; at < text.length;) {
          const n = 1 + Math.floor(random() * 40);
          streamed.append(text.slice(at, at + n));
          at += n;
          if (random() < 0.3) queue.splice(0).forEach((cb) => cb());
        }
        streamed.finish();
        // What is left renders a frame's budget at a time, as on the page.
        for (let guard = 0; queue.length && guard < 1000; guard++) {
          await new Promise((resolve) => requestAnimationFrame(resolve));
          queue.splice(0).forEach((cb) => cb());
        }
        return { wholeHtml, streamedHtml: blocks(container), pending: container.querySelectorAll('.pending-text').length };
      }, sample);
      assert.equal(result.pending, 0);
      assert.equal(result.streamedHtml, result.wholeHtml);
    });
  }

  it('an open code block at the end grows line by line, highlighted, and keeps its header and buttons', async () => {
    const result = await page.evaluate(() => {
      const lib = (globalThis as unknown as { md: any }).md;
      const container = document.createElement('div');
      const streamed = new lib.StreamingMarkdown(container, () => undefined);
      streamed.append('Here:\n```ts\nconst a = 1;\n');
      streamed.flush();
      const block = container.querySelector('.md-tail .code-block');
      const button = block?.querySelector('button[data-code-action="copy"]');
      streamed.append('const b = "two";\nconst c');
      streamed.flush();
      const same = container.querySelector('.md-tail .code-block') === block && block?.querySelector('button[data-code-action="copy"]') === button;
      return {
        same,
        keywords: block?.querySelectorAll('.hljs-keyword').length,
        code: block?.querySelector('pre code')?.textContent,
        copies: streamed.block(Number((button as HTMLElement).dataset.block)),
        before: container.querySelector('.md-group p')?.textContent,
      };
    });
    assert.equal(result.same, true, 'the block and its buttons are the same elements as it grows (hover and focus stay)');
    assert.equal(result.keywords, 2, 'complete lines are highlighted');
    assert.equal(result.code, 'const a = 1;\nconst b = "two";\nconst c');
    assert.deepEqual(result.copies, { code: 'const a = 1;\nconst b = "two";\nconst c', language: 'ts' });
    assert.equal(result.before, 'Here:', 'the paragraph before the fence is committed');
  });
});
