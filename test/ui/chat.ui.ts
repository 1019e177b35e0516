import * as assert from 'assert/strict';
import type { Frame } from 'playwright-core';
import { chatView, Workbench } from './workbench';

describe('UI: chat sidebar (real VS Code in Chromium)', function () {
  let wb: Workbench;
  let chat: Frame;

  before(async () => {
    wb = await Workbench.openWithKey('ui-chat', 'sk-ui-chat-tests-0001');
    await wb.openFile('src/math.ts');
    chat = await wb.openChat();
  });

  afterEach(async function () {
    await wb.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await wb?.close();
  });

  const { lastTurn, ask, modelButton, pickModel } = chatView(() => chat);

  it('the model picker shows each role and what it resolves to', async () => {
    await modelButton().click();
    await chat.getByRole('menuitemradio', { name: 'Chat · deepseek-flash', exact: true }).waitFor();
    await chat.getByRole('menuitemradio', { name: 'Reasoner · deepseek-flash, thinking high', exact: true }).waitFor();
    await modelButton().press('Escape');
    await chat.getByRole('menu').waitFor({ state: 'hidden' });
  });

  it('streams the reasoning, then the answer, with a footer of tokens and cost', async () => {
    await pickModel('reasoner');
    wb.env.fake.configure({
      chunkDelayMs: 25,
      chunkChars: 6,
      replies: [{ reasoning: 'The user wants the mean. mean() divides the sum by the length; an empty list throws. '.repeat(3), content: 'It returns the **average**.\n\n```ts\nmean([1, 2, 3]); // 2\n```' }],
    });
    await ask('What does mean() do?');
    const reasoning = lastTurn().getByRole('region', { name: 'Reasoning' });
    const answer = lastTurn().getByRole('region', { name: 'Answer' });
    await reasoning.getByText(/The user wants the mean/).waitFor();
    assert.equal((await answer.innerText()).trim(), '', 'the answer has not started while reasoning streams');
    await answer.locator('strong', { hasText: 'average' }).waitFor();
    await lastTurn().locator('.turn-footer', { hasText: /deepseek-flash · .* cached \/ .* uncached \/ .* output tokens · \$/ }).waitFor();
    assert.match(await reasoning.locator('summary').innerText(), /^Thought for \d+(\.\d)? s · \d+ tokens$/);
    assert.equal(await reasoning.evaluate((d) => (d as unknown as { open: boolean }).open), false, 'reasoning collapses when done');
    assert.match(await lastTurn().locator('.context-used').innerText(), /src\/math\.ts/);
    const sent = wb.env.fake.requests.filter((r) => r.route === '/chat/completions').at(-1);
    const body = sent?.body as { model: string; thinking?: { type: string }; reasoning_effort?: string; messages: { role: string; content: string }[] };
    assert.equal(body.model, 'deepseek-flash');
    assert.deepEqual(body.thinking, { type: 'enabled' }, 'the reasoner: Flash with thinking');
    assert.equal(body.reasoning_effort, 'high');
    assert.match(body.messages.at(-1)!.content, /export function mean/, 'the current file went along as context');
    await wb.screenshot('chat-01-answer');
  });

  it('sends history append-only and without earlier reasoning', async () => {
    wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ reasoning: 'Short thought.', content: 'Yes.' }] });
    await ask('Is it pure?');
    await lastTurn().getByRole('region', { name: 'Answer' }).getByText('Yes.').waitFor();
    const [first, second] = wb.env.fake.requests.filter((r) => r.route === '/chat/completions').slice(-2)
      .map((r) => (r.body as { messages: { role: string; content: string; reasoning_content?: string }[] }).messages);
    assert.deepEqual(second.slice(0, first.length), first, 'the earlier request is an exact prefix of the next');
    assert.ok(second.every((m) => m.reasoning_content === undefined));
    assert.doesNotMatch(JSON.stringify(second), /The user wants the mean/, 'earlier chain-of-thought is not sent back');
  });

  it('Stop cancels at once and keeps the partial answer', async () => {
    await pickModel('chat');
    wb.env.fake.configure({ chunkDelayMs: 40, chunkChars: 4, replies: [{ content: 'word '.repeat(400) }] });
    await ask('Write a lot');
    const answer = lastTurn().getByRole('region', { name: 'Answer' });
    await answer.getByText(/word word word/).waitFor();
    await chat.getByRole('button', { name: 'Stop' }).click();
    await lastTurn().getByText('Stopped — the answer above is incomplete.').waitFor();
    const kept = (await answer.innerText()).trim();
    assert.ok(kept.length > 10 && kept.length < 'word '.repeat(400).length - 10, `kept a partial answer (${kept.length} chars)`);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await answer.innerText()).trim(), kept, 'nothing more arrives after Stop');
    assert.equal(wb.env.fake.requests.filter((r) => r.route === '/chat/completions').at(-1)?.outcome, 'aborted');
  });

  it('renders hostile model output inert', async () => {
    wb.env.fake.configure({
      chunkDelayMs: 0,
      chunkChars: 7,
      replies: [{
        content: [
          'Here: <img src=x onerror="window.__pwned=1"> and <script>window.__pwned=2</script>',
          '',
          '[click me](javascript:window.__pwned=3) [ok link](https://example.com/docs)',
          '',
          '<iframe src="https://example.com"></iframe>',
          '',
          '![tracker](https://evil.example/pixel.png)',
          '',
          '<a href="javascript:alert(1)" onclick="window.__pwned=4">raw</a>',
        ].join('\n'),
      }],
    });
    await ask('Show me something dangerous');
    const answer = lastTurn().getByRole('region', { name: 'Answer' });
    await answer.getByText('[image: tracker]').waitFor();
    assert.equal(await answer.locator('img, script, iframe, object, embed').count(), 0);
    const hrefs = await answer.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(hrefs.filter((h) => h !== null && !/^https:\/\//.test(h)), []);
    assert.equal(await answer.locator('[onerror], [onclick]').count(), 0);
    assert.match(await answer.innerText(), /<script>window.__pwned=2<\/script>/, 'HTML is shown as text');
    await answer.getByText('click me').click();
    assert.equal(await chat.evaluate(() => (globalThis as unknown as { __pwned?: number }).__pwned), undefined);
    await wb.screenshot('chat-02-hostile');
  });

  it('Apply to File opens a diff for review and writes nothing until accepted', async () => {
    wb.env.fake.configure({ replies: [{ content: 'Whole file:\n\n```ts\nexport const add = (a: number, b: number): number => a + b;\n```' }] });
    await ask('Rewrite add as an arrow function');
    const apply = lastTurn().getByRole('button', { name: 'Apply code to file' });
    await apply.waitFor();
    await apply.click();
    await wb.page.locator('.tabs-container .tab').filter({ hasText: /DeepSeek: Apply code block \(review\)/ }).first().waitFor();
    await wb.screenshot('chat-03-apply-diff');
    const prompt = await wb.notification(/apply this change to math\.ts\?/);
    await prompt.locator('a', { hasText: /^Discard$/ }).click(); // a link in the notification that closes itself once decided
    await wb.page.locator('.tabs-container .tab').filter({ hasText: /\(review\)/ }).first().waitFor({ state: 'detached' });
    const tab = wb.page.locator('.tabs-container .tab').filter({ hasText: /^math\.ts/ }).first();
    await tab.waitFor();
    assert.doesNotMatch((await tab.getAttribute('class')) ?? '', /\bdirty\b/, 'discarding leaves the file untouched');
  });

  it('keeps the conversation across a window reload, without asking the API again', async () => {
    const before = wb.env.fake.requests.length;
    await wb.page.reload();
    await wb.page.locator('.monaco-workbench').waitFor();
    await wb.statusBarItem().waitFor();
    await wb.runCommand('DeepSeek: Open Chat');
    chat = await wb.webviewFrame('article.turn');
    await chat.locator('.question-text', { hasText: 'What does mean() do?' }).waitFor();
    await chat.locator('strong', { hasText: 'average' }).first().waitFor();
    assert.ok(await chat.getByText('Stopped — the answer above is incomplete.').count() >= 1);
    const chatCalls = wb.env.fake.requests.slice(before).filter((r) => r.route === '/chat/completions');
    assert.equal(chatCalls.length, 0);
  });

  it('New Chat starts empty and the past conversation can be reopened', async () => {
    await wb.viewTitleAction('New Chat').click();
    await chat.locator('article.turn').first().waitFor({ state: 'detached' });
    await chat.getByRole('button', { name: 'History' }).click();
    await chat.getByRole('button', { name: /^What does mean\(\) do\?/ }).click();
    await chat.locator('.question-text', { hasText: 'What does mean() do?' }).waitFor();
  });

  it('Explain Selection from the command palette streams the reasoning into the chat view', async () => {
    wb.env.fake.configure({ chunkDelayMs: 20, chunkChars: 6, replies: [{ reasoning: 'Looking at add(): it returns the sum of its two arguments. '.repeat(3), content: 'It **adds** two numbers.' }] });
    await wb.page.keyboard.press('Escape');
    // The browser test profile keeps no secrets across the reload above: set the key again if it is gone.
    if (/no API key/.test((await wb.statusBarItem().getAttribute('aria-label')) ?? '')) {
      await wb.runCommand('DeepSeek: Set API Key');
      await wb.enterApiKey('sk-ui-chat-tests-0001');
    }
    await wb.openFile('src/math.ts');
    await wb.page.locator('.editor-instance .view-line').filter({ hasText: 'export function add' }).first().click();
    await wb.page.keyboard.press('Home');
    // Three lines selected: the selection ends at column 1 of line 4, which holds none of it (labelled 1–3).
    for (let i = 0; i < 3; i++) await wb.page.keyboard.press('Shift+ArrowDown');
    await wb.page.locator('.part.statusbar').getByText(/Ln 4, Col 1 \(\d+ selected\)/).waitFor();
    await wb.runCommand('DeepSeek: Explain Selection');
    chat = await wb.webviewFrame('article.turn');
    const turn = chat.locator('article.turn').last();
    await turn.locator('.question-text', { hasText: /^Explain .*src\/math\.ts:1–3$/ }).waitFor().catch(async (e: unknown) => {
      await wb.screenshot('chat-04-explain-failed');
      throw new Error(`${(e as Error).message}\nturns: ${JSON.stringify(await chat.locator('.question-text').allInnerTexts())}`);
    });
    assert.equal(await chat.locator('article.turn').count(), 1, 'Explain opened a conversation of its own');
    await turn.getByRole('region', { name: 'Reasoning' }).getByText(/Looking at add\(\)/).waitFor();
    await turn.getByRole('region', { name: 'Answer' }).locator('strong', { hasText: 'adds' }).waitFor();
    const sent = wb.env.fake.requests.filter((r) => r.route === '/chat/completions').at(-1)?.body as { model: string; thinking?: { type: string }; messages: { role: string; content: string }[] };
    assert.equal(sent.model, 'deepseek-flash');
    assert.deepEqual(sent.thinking, { type: 'enabled' });
    assert.match(sent.messages.at(-1)!.content, /Explain the selected code \(src\/math\.ts:1-3\)/, 'the instruction went out; the label is what the chat shows');
    await wb.screenshot('chat-04-explain');
  });
});
