import * as assert from 'assert/strict';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { Frame, Locator } from 'playwright-core';
import { SLASH_COMMANDS } from '../../src/webview/protocol';
import type { LoggedRequest } from '../fake-deepseek/types';
import { contrastRatio, measuredContrast, parseColor, THEMES } from './contrast';
import { chatView, Workbench } from './workbench';

/**
 * The chat page's shell: the composer (model and effort picker, Up/Down recall, Esc stops, the `/` and `@`
 * comboboxes), the empty state, History (dates, search, rename, delete) and the untrusted-folder banner, in Light
 * Modern and Dark Modern (each its own workbench), with the contrast of every control measured as rendered, in
 * High Contrast too.
 *
 * Tests whose title ends in "(host: chathost)" or "(host: slash)" need the host side of their messages (history
 * rename, delete and search, Trust Folder, the title bar's History action; slash commands), built on those
 * branches: they state the protocol's contract and pass once it is merged.
 */

/** Workspace Trust on and the folder left untrusted, without VS Code's own startup prompt or banner. */
const UNTRUSTED = {
  'security.workspace.trust.enabled': true,
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.banner': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
};

const AA_TEXT = 4.5;

interface Measured {
  readonly theme: string;
  readonly element: string;
  readonly state: string;
  readonly ratio: number;
  readonly fg: string;
  readonly bg: string;
}

/** Contrast checks of one theme: each is asserted at once and kept for the artifact (contrast.json). */
class ContrastLog {
  readonly entries: Measured[] = [];

  constructor(
    private readonly wb: Workbench,
    private readonly theme: string,
  ) {}

  /** The contrast of `selector` (at rest, or hovered first), at least `min`. */
  async check(frame: Frame, element: string, selector: string, options: { hover?: boolean; min?: number } = {}): Promise<void> {
    const target = frame.locator(selector).first();
    await target.waitFor();
    if (options.hover) await target.hover();
    else await this.wb.page.mouse.move(1, 1); // nothing of the page hovered
    const m = await measuredContrast(frame, selector);
    const state = options.hover ? 'hover' : 'rest';
    this.entries.push({ theme: this.theme, element, state, ratio: Math.round(m.ratio * 100) / 100, fg: m.fg, bg: m.bg });
    const min = options.min ?? AA_TEXT;
    assert.ok(m.ratio >= min, `${element} (${state}) in ${this.theme}: ${m.ratio.toFixed(2)}:1 (${m.fg} on ${m.bg}), needs ${min}:1`);
  }

  /**
   * A component's border against the page behind it (WCAG 1.4.11, 3:1), recorded; asserted when `min` is given
   * (the themes' own resting input borders are fainter than 3:1, and the page keeps the theme's colours).
   */
  async checkBorder(frame: Frame, element: string, selector: string, state: string, min?: number): Promise<void> {
    const colors = await frame.locator(selector).first().evaluate((n) => ({
      border: getComputedStyle(n).borderTopColor,
      behind: getComputedStyle(document.body).backgroundColor,
    }));
    const border = parseColor(colors.border);
    const behind = parseColor(colors.behind);
    assert.ok(border && behind, `colours of ${element}: ${JSON.stringify(colors)}`);
    const ratio = contrastRatio(border, behind);
    this.entries.push({ theme: this.theme, element, state, ratio: Math.round(ratio * 100) / 100, fg: colors.border, bg: colors.behind });
    if (min !== undefined) assert.ok(ratio >= min, `${element} (${state}) in ${this.theme}: ${ratio.toFixed(2)}:1, needs ${min}:1`);
  }

  save(): void {
    const dir = path.join(this.wb.env.dir, 'screenshots');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'contrast.json'), JSON.stringify(this.entries, null, 2));
    for (const e of this.entries) console.log(`      contrast ${e.theme} · ${e.element} (${e.state}): ${e.ratio}:1`);
  }
}

const slug = (theme: string) => theme.replace(/^Default /, '').replace(/\W+/g, '-').toLowerCase();

/** The folder is trusted (VS Code's Workspace Trust editor, as a user would), and its modal editor closed. */
async function trustFolderFromPalette(wb: Workbench): Promise<void> {
  const restricted = wb.page.locator('.part.statusbar').getByText('Restricted Mode');
  if ((await restricted.count()) > 0) {
    await wb.runCommand('Workspaces: Manage Workspace Trust');
    await wb.page.locator('.workspace-trust-editor').getByRole('button', { name: 'Trust', exact: true }).first().click();
    await restricted.waitFor({ state: 'detached' });
  }
  await closeModalEditor(wb);
}

async function closeModalEditor(wb: Workbench): Promise<void> {
  const modal = wb.page.locator('.monaco-modal-editor-block');
  if ((await modal.count()) === 0) return;
  await modal.getByRole('button', { name: /^Close Modal Editor/ }).first().click();
  await modal.waitFor({ state: 'detached' });
}

/**
 * New Chat from the view's title bar, done once the host has answered: it shows the empty state and puts the
 * focus in the question box (its `focusInput`), so that a late focus move cannot land in a later step.
 */
async function startNewChat(wb: Workbench, chat: Frame): Promise<void> {
  await chat.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
  await wb.viewTitleAction('New Chat').click();
  await chat.getByRole('region', { name: 'New chat' }).waitFor();
  await chat.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Ask DeepSeek');
}

/** Everything of the page that shows text or a control, measured in this theme (hover states too). */
async function measureEverything(wb: Workbench, frame: () => Frame, log: ContrastLog): Promise<void> {
  const chat = frame();
  const { box, modelButton } = chatView(frame);
  await startNewChat(wb, chat);
  // The empty state.
  await log.check(chat, 'empty-state title', '.empty-title');
  await log.check(chat, 'empty-state text', '.empty-intro');
  await log.check(chat, 'suggestion button', '.suggestion');
  await log.check(chat, 'suggestion button', '.suggestion', { hover: true });
  await log.check(chat, 'shortcut key', '.shortcuts kbd');
  await log.check(chat, 'shortcut description', '.shortcuts dd');
  // The notice line shows for the bundled simulator (it says so in a header) or a missing key; the test's fake is neither.
  if (await chat.locator('.notice-line').first().isVisible()) await log.check(chat, 'endpoint / key notice', '.notice-line');
  // The composer.
  await box().fill('A question');
  await log.check(chat, 'question box text', '.composer textarea');
  await log.checkBorder(chat, 'composer border (focused)', '.composer', 'focus', 3);
  await box().blur();
  await log.checkBorder(chat, 'composer border', '.composer', 'rest');
  await log.check(chat, 'Send button', '.composer .send');
  await log.check(chat, 'Send button', '.composer .send', { hover: true });
  await log.check(chat, '"+ Current file"', '.chip-add');
  await log.check(chat, '"+ Current file"', '.chip-add', { hover: true });
  await log.check(chat, 'context chip', '.chip .chip-label');
  await log.check(chat, 'chip remove ×', '.chip-remove', { hover: true });
  await log.check(chat, 'model picker', '.model-button');
  await log.check(chat, 'model picker', '.model-button', { hover: true });
  await box().fill('');
  // The model menu: the checked item has the focus when it opens.
  await modelButton().click();
  await log.check(chat, 'menu heading', '.menu-heading');
  await log.check(chat, 'menu item (focused)', '.menu-item:focus');
  await log.check(chat, 'menu item', '.menu-item[aria-checked="false"]');
  await log.check(chat, 'menu item', '.menu-item[aria-checked="false"]', { hover: true });
  await chat.locator('.menu-item:focus').press('Escape');
  // The slash list.
  await box().pressSequentially('/');
  await chat.getByRole('listbox', { name: 'Commands' }).waitFor();
  await log.check(chat, 'slash list: active command', '.slash-list [aria-selected="true"] .combo-label');
  await log.check(chat, 'slash list: active description', '.slash-list [aria-selected="true"] .combo-detail');
  await log.check(chat, 'slash list: command', '.slash-list [aria-selected="false"] .combo-label');
  await log.check(chat, 'slash list: description', '.slash-list [aria-selected="false"] .combo-detail');
  await box().press('Escape');
  await box().fill('');
  // History.
  const historyButton = chat.locator('.empty-history');
  if (await historyButton.isVisible()) {
    await log.check(chat, 'empty-state History link', '.empty-history');
    await log.check(chat, 'empty-state History link', '.empty-history', { hover: true });
    await historyButton.click();
    await chat.getByRole('region', { name: 'History' }).waitFor();
    await log.check(chat, 'History title', '.history-item-title');
    await log.check(chat, 'History date and turns', '.history-meta');
    await log.check(chat, 'History row', '.history-item .history-item-title', { hover: true });
    await log.check(chat, 'History Rename', '.history-rename');
    await log.check(chat, 'History Rename', '.history-rename', { hover: true });
    await log.check(chat, 'History search text', '.history-search');
    await chat.getByRole('button', { name: 'Close History' }).click();
  }
}

for (const theme of [THEMES.lightModern, THEMES.darkModern]) {
  describe(`UI: chat composer (${theme})`, function () {
    let wb: Workbench;
    let chat: Frame;
    let log: ContrastLog;
    const name = slug(theme);
    const { box, lastTurn, ask, modelButton, pickModel } = chatView(() => chat);
    const chatRequests = (): LoggedRequest[] => wb.env.fake.requests.filter((r) => r.route === '/chat/completions');
    const lastUserMessage = (): string => {
      const body = chatRequests().at(-1)?.body as { messages: { role: string; content: string }[] } | undefined;
      return body?.messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
    };
    const answered = () => lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
    const history = () => chat.getByRole('region', { name: 'History' });
    const historyRow = (title: RegExp) => history().locator('.history-item').filter({ has: chat.locator('.history-item-title', { hasText: title }) });
    const newChat = () => startNewChat(wb, chat);
    async function openHistory(): Promise<void> {
      if (!(await history().isVisible())) {
        await newChat();
        await chat.getByRole('button', { name: /^History/ }).click();
      }
      await history().waitFor();
      await chat.getByRole('searchbox', { name: 'Search conversations' }).waitFor();
    }
    /** Until the fake has finished (or dropped) every chat request it received. */
    async function requestsSettled(): Promise<void> {
      while (!chatRequests().every((r) => r.outcome !== undefined)) await new Promise((r) => setTimeout(r, 100));
    }

    before(async () => {
      wb = await Workbench.openWithKey(`ui-composer-${name}`, `sk-ui-composer-${name}-0001`, { 'workbench.colorTheme': theme, ...UNTRUSTED });
      log = new ContrastLog(wb, theme);
      await wb.openFile('src/math.ts');
      chat = await wb.openChat();
    });

    afterEach(async function () {
      await wb.screenshotIfFailed(this.currentTest);
    });

    after(async () => {
      log?.save();
      await wb?.close();
    });

    it('an untrusted folder shows the banner with a readable Trust Folder button', async () => {
      const banner = chat.getByRole('region', { name: 'Workspace trust' });
      await banner.waitFor();
      assert.equal(
        (await banner.locator('.trust-text').innerText()).trim(),
        'This folder is not trusted: DeepSeek reads none of its files. Trust it to use its code as context.',
      );
      await banner.getByRole('button', { name: 'Trust Folder' }).waitFor();
      await log.check(chat, 'trust banner text', '.trust-text');
      await log.check(chat, 'Trust Folder button', '.trust-button');
      await log.check(chat, 'Trust Folder button', '.trust-button', { hover: true });
      await wb.screenshot(`composer-${name}-01-untrusted`);
    });

    it('Trust Folder opens VS Code\'s trust prompt, and the banner goes once the folder is trusted (host: chathost)', async () => {
      await chat.getByRole('button', { name: 'Trust Folder' }).click();
      // VS Code's own trust UI, whichever the host opens: the Workspace Trust editor or the trust dialog.
      const trust = wb.page.locator('.workspace-trust-editor .monaco-button, .monaco-dialog-box .monaco-button').filter({ hasText: /^(Trust|Yes, I trust)/ }).first();
      await trust.click();
      await wb.page.locator('.part.statusbar').getByText('Restricted Mode').waitFor({ state: 'detached' });
      await closeModalEditor(wb);
      await chat.getByRole('region', { name: 'Workspace trust' }).waitFor({ state: 'hidden' });
    });

    describe('in the trusted folder', () => {
      before(async () => {
        await trustFolderFromPalette(wb);
        await newChat();
        await chat.getByRole('region', { name: 'Workspace trust' }).waitFor({ state: 'hidden' });
      });

      it('no page header and no body padding: the model picker sits in the composer, whole at sidebar width', async () => {
        const width = (await wb.page.locator('.part.sidebar').boundingBox())?.width ?? 0;
        assert.ok(width > 200 && width <= 360, `the sidebar is about 300 pixels wide (${width})`);
        assert.equal(await chat.evaluate(() => getComputedStyle(document.body).padding), '0px', 'VS Code\'s 20-pixel body padding is reset');
        for (const label of ['New Chat', 'History', 'Show Spend']) {
          assert.equal(await chat.getByRole('button', { name: label, exact: true }).count(), 0, `${label} is in the view's title bar, not the page`);
        }
        await wb.viewTitleAction('New Chat').waitFor();
        const picker = chat.locator('.composer').getByRole('button', { name: 'Model: Chat · deepseek-flash', exact: true });
        await picker.waitFor();
        assert.equal(await picker.getAttribute('aria-haspopup'), 'menu');
        const fits = (l: Locator) => l.evaluate((n) => n.scrollWidth <= n.clientWidth + 1 && n.getBoundingClientRect().right <= document.documentElement.clientWidth + 1);
        assert.ok(await fits(picker), 'the compact label is not cut off');
        await picker.click();
        const items = chat.getByRole('menuitemradio');
        assert.deepEqual(await items.allInnerTexts(), [
          'Chat · deepseek-flash',
          'Reasoner · deepseek-flash, thinking high',
          'High — thorough, at moderate cost',
          'Max — the deepest reasoning; slower, more output tokens',
        ]);
        for (const item of await items.all()) assert.ok(await fits(item), `menu item shown whole: ${await item.innerText()}`);
        assert.equal(await chat.getByRole('menuitemradio', { name: 'Chat · deepseek-flash', exact: true }).getAttribute('aria-checked'), 'true');
        await chat.locator('.menu-item:focus').press('Escape');
        await chat.getByRole('menu').waitFor({ state: 'hidden' });
        assert.equal(await picker.evaluate((n) => n === document.activeElement), true, 'Esc gives the focus back to the picker');
      });

      it('the effort picker sets the reasoner\'s effort (High / Max) and the reasoner\'s label follows', async () => {
        await pickModel('reasoner');
        assert.equal((await modelButton().innerText()).trim(), 'Reasoner · High');
        await modelButton().click();
        await chat.getByRole('menuitemradio', { name: /^Max/ }).click();
        await chat.getByRole('button', { name: 'Model: Reasoner · deepseek-flash, thinking max', exact: true }).waitFor();
        assert.equal((await modelButton().innerText()).trim(), 'Reasoner · Max');
        wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ reasoning: 'Thinking hard.', content: 'Deep answer.' }] });
        await ask('Think hard about add()');
        await lastTurn().getByRole('region', { name: 'Answer' }).getByText('Deep answer.').waitFor();
        assert.equal((chatRequests().at(-1)?.body as { reasoning_effort?: string }).reasoning_effort, 'max');
        await modelButton().click();
        await chat.getByRole('menuitemradio', { name: /^High/ }).click();
        await chat.getByRole('button', { name: 'Model: Reasoner · deepseek-flash, thinking high', exact: true }).waitFor();
        await pickModel('chat');
      });

      it('a new conversation shows a welcome, suggested questions and the keys; a suggestion is sent as typed', async () => {
        await newChat();
        const empty = chat.getByRole('region', { name: 'New chat' });
        await empty.getByRole('heading', { name: 'Ask DeepSeek about your code' }).waitFor();
        const suggestions = empty.getByRole('group', { name: 'Suggested questions' }).getByRole('button');
        assert.deepEqual(await suggestions.allInnerTexts(), [
          'Explain the current file',
          'Find bugs in the selection',
          '/tests — write unit tests for the selection',
          '/doc — document the selection',
        ]);
        const keys = (await empty.locator('.shortcuts dt').allInnerTexts()).map((k) => k.replace(/\s+/g, ''));
        assert.deepEqual(keys, ['Enter', 'Shift+Enter', '↑', '@', '/', 'Esc', 'Ctrl+Alt+D', 'Ctrl+Alt+E', 'Ctrl+Alt+R']);
        await wb.screenshot(`composer-${name}-02-empty-state`);
        wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ content: 'math.ts has **add** and **mean**.' }] });
        await empty.getByRole('button', { name: 'Explain the current file' }).click();
        await lastTurn().locator('.question-text', { hasText: /^Explain the current file$/ }).waitFor();
        await lastTurn().getByRole('region', { name: 'Answer' }).locator('strong', { hasText: 'mean' }).waitFor();
        assert.match(lastUserMessage(), /Explain the current file/);
        assert.match(lastUserMessage(), /export function mean/, 'the current file went along');
        assert.equal(await box().inputValue(), '', 'the box is empty again');
      });

      it('Up walks back through every earlier question, newest first, and Down comes back to the draft', async () => {
        await newChat();
        wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ content: 'One.' }, { content: 'Two.' }, { content: 'Three.' }] });
        for (const q of ['Recall: first question', 'Recall: second question', 'Recall: third question']) {
          await ask(q);
          await lastTurn().locator('.question-text', { hasText: q }).waitFor();
          await answered();
        }
        await box().fill('a half-typed draft');
        const seen: string[] = [];
        for (let i = 0; i < 3; i++) {
          await box().press('ArrowUp');
          seen.push(await box().inputValue());
        }
        assert.deepEqual(seen, ['Recall: third question', 'Recall: second question', 'Recall: first question']);
        const back: string[] = [];
        for (let i = 0; i < 3; i++) {
          await box().press('ArrowDown');
          back.push(await box().inputValue());
        }
        assert.deepEqual(back, ['Recall: second question', 'Recall: third question', 'a half-typed draft'], 'the draft is kept');
        await box().fill('');
      });

      it('Esc stops a streaming answer; with a list open, Esc closes the list first', async () => {
        await newChat();
        wb.env.fake.configure({ chunkDelayMs: 40, chunkChars: 4, replies: [{ content: 'word '.repeat(400) }] });
        await ask('Write a lot, then I press Esc');
        const answer = lastTurn().getByRole('region', { name: 'Answer' });
        await answer.getByText(/word word word/).waitFor();
        await chat.getByRole('button', { name: 'Stop' }).waitFor();
        await log.check(chat, 'Stop button', '.composer .stop');
        await log.check(chat, 'Stop button', '.composer .stop', { hover: true });
        await box().focus();
        await box().pressSequentially('/');
        const commands = chat.getByRole('listbox', { name: 'Commands' });
        await commands.waitFor();
        await box().press('Escape');
        await commands.waitFor({ state: 'hidden' });
        assert.equal(await lastTurn().getAttribute('data-status'), 'streaming', 'the first Esc only closed the list');
        await box().press('Escape');
        await lastTurn().getByText('Stopped — the answer above is incomplete.').waitFor();
        await requestsSettled();
        assert.equal(chatRequests().at(-1)?.outcome, 'aborted');
        await chat.getByRole('button', { name: 'Send' }).waitFor();
        await box().fill('');
      });

      it('/ at the start opens the command list as a combobox: filtered as typed, Up/Down and Tab or Enter pick, Esc closes', async () => {
        const combo = chat.getByRole('combobox', { name: 'Ask DeepSeek' });
        await combo.fill('');
        assert.equal(await combo.getAttribute('aria-expanded'), 'false');
        assert.equal(await combo.getAttribute('aria-autocomplete'), 'list');
        await combo.pressSequentially('/');
        const list = chat.getByRole('listbox', { name: 'Commands' });
        await list.waitFor();
        const options = list.getByRole('option');
        assert.deepEqual(
          (await options.allInnerTexts()).map((t) => t.replace(/\s+/g, ' ').trim()),
          SLASH_COMMANDS.map((c) => `/${c.name} ${c.description}`),
        );
        const activeIs = async (index: number) => {
          const ids = await options.evaluateAll((os) => os.map((o) => o.id));
          assert.ok(ids.every((id) => id !== ''), 'every option has an id');
          assert.equal(await combo.getAttribute('aria-expanded'), 'true');
          assert.equal(await combo.getAttribute('aria-controls'), await list.getAttribute('id'));
          assert.equal(await combo.getAttribute('aria-activedescendant'), ids[index]);
          assert.deepEqual(await options.evaluateAll((os) => os.map((o) => o.getAttribute('aria-selected'))), ids.map((_, i) => String(i === index)));
        };
        await activeIs(0);
        await combo.press('ArrowDown');
        await combo.press('ArrowDown');
        await activeIs(2);
        await combo.press('ArrowUp');
        await activeIs(1);
        await wb.screenshot(`composer-${name}-03-slash-list`);
        await combo.pressSequentially('te');
        await list.getByRole('option').filter({ hasText: '/tests' }).waitFor();
        assert.equal(await options.count(), 1, 'filtered as typed');
        await combo.press('Tab');
        await list.waitFor({ state: 'hidden' });
        assert.equal(await combo.inputValue(), '/tests ');
        assert.equal(await combo.getAttribute('aria-expanded'), 'false');
        assert.equal(await combo.getAttribute('aria-activedescendant'), null);
        await combo.fill('');
        await combo.pressSequentially('/re');
        await list.getByRole('option').filter({ hasText: '/refactor' }).waitFor();
        await combo.press('Enter');
        await list.waitFor({ state: 'hidden' });
        assert.equal(await combo.inputValue(), '/refactor ', 'Enter picks while the list is open; nothing is sent');
        await combo.fill('');
        await combo.pressSequentially('/');
        await list.waitFor();
        await combo.press('Escape');
        await list.waitFor({ state: 'hidden' });
        assert.equal(await combo.inputValue(), '/');
        await combo.pressSequentially('zz');
        assert.equal(await list.isVisible(), false, 'no command matches: no list');
        await combo.fill('');
      });

      it('the @ file list is a combobox too: options with ids, the active one pointed at, Enter adds the file', async () => {
        const combo = chat.getByRole('combobox', { name: 'Ask DeepSeek' });
        await combo.fill('');
        await combo.pressSequentially('Compare with @mat');
        const list = chat.getByRole('listbox', { name: 'Files' });
        const option = list.getByRole('option').filter({ hasText: /math\.ts/ }).first();
        await option.waitFor();
        assert.equal(await combo.getAttribute('aria-expanded'), 'true');
        assert.equal(await combo.getAttribute('aria-controls'), await list.getAttribute('id'));
        const active = list.locator('[role="option"][aria-selected="true"]');
        assert.equal(await active.count(), 1);
        assert.equal(await combo.getAttribute('aria-activedescendant'), await active.getAttribute('id'));
        await combo.press('Enter');
        await list.waitFor({ state: 'hidden' });
        assert.equal(await combo.inputValue(), 'Compare with ');
        const pinned = chat.locator('.chip-pinned', { hasText: /math\.ts/ });
        await pinned.waitFor();
        await pinned.getByRole('button', { name: /^Remove .* from context$/ }).click();
        await pinned.waitFor({ state: 'detached' });
        await combo.fill('');
      });

      it('an unknown /word is sent as an ordinary question', async () => {
        await newChat();
        wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ content: 'No such command; answering anyway.' }] });
        await ask('/frobnicate the widget');
        await lastTurn().locator('.question-text', { hasText: /^\/frobnicate the widget$/ }).waitFor();
        await answered();
        assert.match(lastUserMessage(), /\/frobnicate the widget/);
      });

      it('History lists the conversations with their local dates; the keyboard walks it; Esc closes it and gives the focus back', async () => {
        await newChat();
        await chat.getByRole('button', { name: /^History — \d+ past conversations?$/ }).click();
        const opener = chat.locator('.empty-history'); // hidden behind History while it is open
        await history().waitFor();
        const search = chat.getByRole('searchbox', { name: 'Search conversations' });
        assert.equal(await search.evaluate((n) => n === document.activeElement), true, 'the search box has the focus');
        assert.equal(await opener.getAttribute('aria-expanded'), 'true');
        const metas = await history().locator('.history-meta').allInnerTexts();
        assert.ok(metas.length >= 3, `the conversations so far are listed (${metas.length})`);
        for (const meta of metas) assert.match(meta, /^(Today|Yesterday) \d\d:\d\d · \d+ turns?$/);
        await historyRow(/^Recall: first question$/).locator('.history-meta', { hasText: /· 3 turns$/ }).waitFor();
        // The newest first: the conversation with the unknown command was the last one written to.
        await wb.screenshot(`composer-${name}-04-history`);
        await search.press('ArrowDown');
        const rows = history().locator('.history-open');
        assert.equal(await rows.nth(0).evaluate((n) => n === document.activeElement), true);
        await rows.nth(0).press('ArrowDown');
        assert.equal(await rows.nth(1).evaluate((n) => n === document.activeElement), true);
        await rows.nth(1).press('Tab');
        assert.equal(await history().locator('.history-rename').nth(1).evaluate((n) => n === document.activeElement), true, 'Rename is reachable with Tab');
        await chat.locator(':focus').press('Escape');
        await history().waitFor({ state: 'hidden' });
        assert.equal(await opener.evaluate((n) => n === document.activeElement), true, 'the focus is back on the History button');
        assert.equal(await opener.getAttribute('aria-expanded'), 'false');
        await chat.getByRole('region', { name: 'New chat' }).waitFor();
      });

      it('History search filters the titles as you type', async () => {
        await openHistory();
        const search = chat.getByRole('searchbox', { name: 'Search conversations' });
        await search.pressSequentially('recall');
        await historyRow(/^Recall: first question$/).waitFor();
        assert.deepEqual(await history().locator('.history-item-title').allInnerTexts(), ['Recall: first question']);
        await search.fill('no conversation is called this');
        await history().getByText('No conversation matches “no conversation is called this”.').waitFor();
        await search.fill('');
        assert.ok((await history().locator('.history-item').count()) >= 3, 'all again');
      });

      it('History search finds a conversation by what was said in it (host: chathost)', async () => {
        await openHistory();
        const search = chat.getByRole('searchbox', { name: 'Search conversations' });
        // "mean" is in an answer (bold, above) and not in that conversation's title.
        await search.fill('math.ts has');
        await historyRow(/^Explain the current file$/).waitFor();
        assert.deepEqual(await history().locator('.history-item-title').allInnerTexts(), ['Explain the current file']);
        await search.fill('');
      });

      it('Rename edits a title in place: Esc keeps the old one, Enter the new one', async () => {
        await openHistory();
        const row = historyRow(/^Recall: first question$/);
        await row.getByRole('button', { name: 'Rename' }).click();
        const input = chat.getByRole('textbox', { name: 'New name for “Recall: first question”' });
        await input.waitFor();
        assert.equal(await input.inputValue(), 'Recall: first question');
        assert.equal(await input.evaluate((n) => n === document.activeElement), true);
        await input.press('Escape');
        await input.waitFor({ state: 'detached' });
        assert.equal(await history().isVisible(), true, 'Esc in the name box does not close History');
        await row.locator('.history-item-title', { hasText: /^Recall: first question$/ }).waitFor();
        await row.locator('.history-open').press('F2');
        await input.fill('Recall drill');
        await input.press('Enter');
        await historyRow(/^Recall drill$/).waitFor();
        // The focus is back on the row (waited for: the host's confirming state re-renders the list meanwhile).
        await historyRow(/^Recall drill$/).locator('.history-open').and(chat.locator(':focus')).waitFor({ timeout: 10_000 });
      });

      it('a renamed conversation keeps its new name (host: chathost)', async () => {
        await openHistory();
        await chat.getByRole('button', { name: 'Close History' }).click();
        await openHistory();
        await historyRow(/^Recall drill$/).waitFor();
        assert.equal(await historyRow(/^Recall: first question$/).count(), 0);
      });

      it('Delete asks inside the page first: Cancel keeps the conversation, Delete removes it', async () => {
        await openHistory();
        const row = historyRow(/^\/frobnicate the widget$|^Think hard about add\(\)$/).first();
        const title = (await row.locator('.history-item-title').innerText()).trim();
        const before = await history().locator('.history-item').count();
        await row.getByRole('button', { name: 'Delete' }).click();
        const confirm = chat.getByRole('group', { name: `Delete “${title}”?` });
        await confirm.waitFor();
        const cancel = confirm.getByRole('button', { name: 'Cancel' });
        assert.equal(await cancel.evaluate((n) => n === document.activeElement), true, 'the safe choice has the focus');
        await cancel.press('Enter');
        await confirm.waitFor({ state: 'detached' });
        assert.equal(await history().locator('.history-item').count(), before, 'Cancel keeps it');
        await row.locator('.history-open').press('Delete');
        await confirm.waitFor();
        await confirm.getByRole('button', { name: 'Delete' }).click();
        await historyRow(new RegExp(`^${title.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}$`)).waitFor({ state: 'detached' });
        assert.equal(await history().locator('.history-item').count(), before - 1);
      });

      it('a deleted conversation stays deleted (host: chathost)', async () => {
        await openHistory();
        await chat.getByRole('button', { name: 'Close History' }).click();
        await openHistory();
        const titles = await history().locator('.history-item-title').allInnerTexts();
        assert.equal(titles.filter((t) => t === '/frobnicate the widget' || t === 'Think hard about add()').length, 1, `one of the two was deleted: ${JSON.stringify(titles)}`);
      });

      it('the view title bar\'s History action opens the panel with the focus in its search box (host: chathost)', async () => {
        if (await history().isVisible()) await chat.getByRole('button', { name: 'Close History' }).click();
        await wb.viewTitleAction('Show Chat History').click();
        await history().waitFor();
        const search = chat.getByRole('searchbox', { name: 'Search conversations' });
        await search.waitFor();
        assert.equal(await search.evaluate((n) => n === document.activeElement), true);
        await search.press('Escape');
        await history().waitFor({ state: 'hidden' });
      });

      it('every control reads at WCAG AA in this theme, hover states included', async () => {
        if (await history().isVisible()) await chat.getByRole('button', { name: 'Close History' }).click();
        await measureEverything(wb, () => chat, log);
      });

      it('a known /command goes to the host as that command, and a /command suggestion too (host: slash)', async () => {
        await newChat();
        wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ reasoning: 'Looking at mean.', content: 'mean() averages.' }, { reasoning: 'Tests.', content: 'Some tests.' }] });
        await wb.page.locator('.editor-instance .view-line').filter({ hasText: 'export function mean' }).first().click();
        const before = chatRequests().length;
        await ask('/explain');
        // A command's turn shows its label, never the typed command or its instruction.
        const turn = chat.locator('article.turn').last();
        await turn.locator('.question-text', { hasText: /^Explain\b/ }).waitFor();
        await turn.locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
        assert.equal(chatRequests().length - before, 1);
        await newChat();
        await chat.getByRole('button', { name: /^\/tests/ }).click();
        await chat.locator('article.turn').last().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
        assert.doesNotMatch(await chat.locator('article.turn .question-text').last().innerText(), /^\//, 'not sent as a plain question');
        assert.match(lastUserMessage(), /test/i);
        await ask('/new');
        await chat.getByRole('region', { name: 'New chat' }).waitFor();
      });
    });
  });
}

describe(`UI: chat composer contrast (${THEMES.highContrast})`, function () {
  let wb: Workbench;
  let chat: Frame;
  let log: ContrastLog;

  before(async () => {
    wb = await Workbench.openWithKey('ui-composer-high-contrast', 'sk-ui-composer-hc-0001', { 'workbench.colorTheme': THEMES.highContrast });
    log = new ContrastLog(wb, THEMES.highContrast);
    await wb.openFile('src/math.ts');
    chat = await wb.openChat();
  });

  afterEach(async function () {
    await wb.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    log?.save();
    await wb?.close();
  });

  it('every control reads at WCAG AA in High Contrast, hover states included', async () => {
    const { ask, lastTurn } = chatView(() => chat);
    wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ content: 'First answer.' }] });
    await ask('A first question, for History');
    await lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
    wb.env.fake.configure({ chunkDelayMs: 40, chunkChars: 4, replies: [{ content: 'word '.repeat(300) }] });
    await ask('Stream for the Stop button');
    await lastTurn().getByRole('region', { name: 'Answer' }).getByText(/word word/).waitFor();
    await log.check(chat, 'Stop button', '.composer .stop');
    await log.check(chat, 'Stop button', '.composer .stop', { hover: true });
    await chat.getByRole('button', { name: 'Stop' }).click();
    await lastTurn().getByText('Stopped — the answer above is incomplete.').waitFor();
    await measureEverything(wb, () => chat, log);
    await wb.screenshot('composer-high-contrast-empty-state');
  });
});
