import { readFileSync } from 'fs';
import * as path from 'path';
import type { Browser, Page } from 'playwright-core';
import { REPO_ROOT } from '../harness/paths';
import type { ChatState, HostMessage, TurnView, WebviewMessage } from '../../src/webview/protocol';

/**
 * The chat view's own page (the built dist/webview.js and media/chat.css) in Chromium without VS Code: a stub
 * webview API records what the page posts, and the test plays the host by posting its messages. For what the page
 * does with the protocol, quickly and whatever the host does; the suites against a real VS Code check the rest.
 */
export class ScriptedChatPage {
  private constructor(readonly page: Page) {}

  static async open(browser: Browser, width = 300): Promise<ScriptedChatPage> {
    const page = await browser.newPage({ viewport: { width, height: 700 } });
    const css = readFileSync(path.join(REPO_ROOT, 'media', 'chat.css'), 'utf8');
    const script = readFileSync(path.join(REPO_ROOT, 'dist', 'webview.js'), 'utf8');
    await page.setContent(`<!DOCTYPE html><html lang="en"><head><style>${css}</style></head><body><main id="root"></main></body></html>`);
    await page.addScriptTag({
      content: 'window.__posted = []; window.acquireVsCodeApi = () => ({ postMessage(m) { window.__posted.push(m); }, getState() { return undefined; }, setState() {} });',
    });
    await page.addScriptTag({ content: script });
    const chat = new ScriptedChatPage(page);
    await chat.nextPosted('ready');
    return chat;
  }

  /** Plays a host message. */
  async send(message: HostMessage): Promise<void> {
    await this.page.evaluate((m) => window.postMessage(m, '*'), message as unknown as Record<string, unknown>);
  }

  async posted(): Promise<WebviewMessage[]> {
    return this.page.evaluate(() => (globalThis as unknown as { __posted: WebviewMessage[] }).__posted);
  }

  /** Waits for the page to post a message of this type (after `after` messages); returns it. */
  async nextPosted<T extends WebviewMessage['type']>(type: T, after = 0): Promise<Extract<WebviewMessage, { type: T }>> {
    const handle = await this.page.waitForFunction(
      ([t, n]) => (globalThis as unknown as { __posted: { type: string }[] }).__posted.slice(n as number).find((m) => m.type === t),
      [type, after] as const,
    );
    return (await handle.jsonValue()) as Extract<WebviewMessage, { type: T }>;
  }

  async count(): Promise<number> {
    return (await this.posted()).length;
  }
}

export function chatState(turns: readonly TurnView[], conversationId = 'c1'): ChatState {
  return {
    conversationId,
    turns,
    model: 'chat',
    effort: 'high',
    modelLabels: { chat: 'Chat · deepseek-flash', reasoner: 'Reasoner · deepseek-flash, thinking high' },
    chips: [],
    keySource: 'secretStorage',
    endpointLabel: 'DeepSeek',
    simulated: false,
    conversations: [],
    trusted: true,
  };
}

export function turnView(id: string, question: string, answer: string, extra: Partial<TurnView> = {}): TurnView {
  return {
    id,
    question,
    role: 'chat',
    model: 'deepseek-flash',
    reasoning: '',
    answer,
    status: 'done',
    context: [],
    footer: { model: 'deepseek-flash', hitTokens: 0, missTokens: 100, outputTokens: 20, cost: '$0.0001', estimated: false },
    ...extra,
  };
}
