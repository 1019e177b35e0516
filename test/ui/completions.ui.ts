import * as assert from 'assert/strict';
import type { LoggedRequest } from '../fake-deepseek/types';
import { Workbench } from './workbench';

const KEY = 'sk-ui-completions-0001';
const fim = (requests: readonly LoggedRequest[]) => requests.filter((r) => r.route === '/beta/completions');

/**
 * Ghost text as a user meets it (real VS Code in Chromium, the fake server's FIM): it appears after typing, Tab
 * accepts it, typing through it keeps the rest without a request, Escape dismisses it.
 */
describe('UI: inline completions (ghost text)', function () {
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.openWithKey('ui-completions', KEY);
    await wb.openFile('src/math.ts');
  });

  afterEach(async function () {
    await wb?.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await wb?.close();
  });

  const ghost = () => wb.page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text').first();
  /** The editor renders spaces as no-break spaces. */
  const plain = (text: string) => text.replace(/\u00a0/g, ' ');
  const editorText = async () => plain(await wb.page.locator('.monaco-editor .view-lines').first().innerText());
  const ghostText = async () => plain((await wb.page.locator('.monaco-editor .ghost-text-decoration, .monaco-editor .ghost-text').allInnerTexts()).join(''));

  /** A fresh line at the end of the file, cursor on it. */
  async function newLine(): Promise<void> {
    await wb.page.locator('.monaco-editor .view-lines').first().click();
    await wb.page.keyboard.press('Control+End');
    await wb.page.keyboard.press('Enter');
  }

  it('shows ghost text after typing, and Tab accepts it', async () => {
    wb.env.fake.configure({ fimReply: 'ply(a: number, b: number): number {' });
    await newLine();
    const before = fim(wb.env.fake.requests).length;
    await wb.page.keyboard.type('export function multi', { delay: 40 });
    await ghost().waitFor();
    assert.ok(fim(wb.env.fake.requests).length - before <= 3, 'typing 21 characters sent at most 3 requests');
    await wb.screenshot('completions-01-ghost-text');
    await wb.page.keyboard.press('Tab');
    await wb.page.waitForFunction(() => (document.querySelector('.monaco-editor .view-lines')?.textContent ?? '').replace(/\u00a0/g, ' ').includes('export function multiply(a: number, b: number): number {'));
    assert.match(await editorText(), /export function multiply\(a: number, b: number\): number \{/);
    await wb.screenshot('completions-02-accepted');
  });

  it('typing through the suggestion keeps showing the rest without a request; Escape dismisses it', async () => {
    wb.env.fake.configure({ fimReply: 'value * factor;' });
    await newLine();
    await wb.page.keyboard.type('const scaled = ', { delay: 40 });
    await ghost().waitFor();
    const requests = fim(wb.env.fake.requests).length;
    await wb.page.keyboard.type('value', { delay: 60 });
    await ghost().waitFor();
    assert.match(await ghostText(), /\* factor;/, 'the rest of the suggestion is still shown');
    assert.equal(fim(wb.env.fake.requests).length, requests, 'typed through: no new request');
    await wb.screenshot('completions-03-typed-through');
    await wb.page.keyboard.press('Escape');
    await ghost().waitFor({ state: 'detached' });
    assert.doesNotMatch(await editorText(), /factor/, 'dismissed: nothing inserted');
  });
});
