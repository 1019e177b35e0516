import { mkdirSync } from 'fs';
import { deflateSync } from 'zlib';
import * as path from 'path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { launchChromium } from '../harness/browser';
import { startTestEnvironment, type TestEnvironment, type TestEnvironmentOptions } from '../harness/testEnvironment';
import { workbenchUrl } from '../harness/workbenchUrl';

/**
 * How long any UI step may wait for the product's own signal (a label, a region, a request in the fake's log)
 * before the test fails. A ceiling for a wedged test, not a budget: every wait ends as soon as its signal shows,
 * and a busy 2-core CI machine can take tens of seconds for a first start or a first request.
 */
export const UI_WAIT_MS = 120_000;

/**
 * Playwright's view of a real VS Code workbench with the extension loaded in development mode, against the
 * fake DeepSeek server. Helpers act the way a user does: the command palette, notifications, the status bar
 * and the webview's own DOM.
 */
export class Workbench {
  private constructor(
    readonly env: TestEnvironment,
    private readonly browser: Browser,
    readonly page: Page,
  ) {}

  static async open(name: string, userSettings: Record<string, unknown> = {}, options: Pick<TestEnvironmentOptions, 'simulator' | 'workspace' | 'baseUserSettings'> = {}): Promise<Workbench> {
    const env = await startTestEnvironment(name, {}, { ...options, userSettings });
    const browser = await launchChromium();
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(UI_WAIT_MS);
    page.on('pageerror', (err) => {
      if (process.env.DEEPSEEK_TEST_VERBOSE) console.error(`[workbench] ${err.message}`);
    });
    await page.goto(workbenchUrl({ serverUrl: env.vscode.url, port: env.vscode.port, workspace: env.workspace, developExtension: true }));
    await page.locator('.monaco-workbench').waitFor();
    const wb = new Workbench(env, browser, page);
    await wb.statusBarItem().waitFor(); // the extension has activated
    return wb;
  }

  /** Opens a workbench and sets an API key, as a user would; resolves once the status bar says it is ready. */
  static async openWithKey(name: string, apiKey: string, userSettings: Record<string, unknown> = {}, options: Pick<TestEnvironmentOptions, 'simulator'> = {}): Promise<Workbench> {
    const wb = await Workbench.open(name, userSettings, options);
    await wb.runCommand('DeepSeek: Set API Key');
    await wb.enterApiKey(apiKey);
    await wb.page.locator(`.part.statusbar [aria-label^="${options.simulator ? 'DeepSeek (offline simulator)' : 'DeepSeek'}: session spend"]`).first().waitFor();
    return wb;
  }

  /** Opens the DeepSeek chat view from the palette; its frame once the composer shows. */
  async openChat(): Promise<Frame> {
    await this.runCommand('DeepSeek: Open Chat');
    return this.webviewFrame('textarea[aria-label="Ask DeepSeek"]');
  }

  /** For an afterEach hook: what the screen showed when a test failed. */
  async screenshotIfFailed(test: Mocha.Test | undefined): Promise<void> {
    if (test?.state === 'failed') await this.screenshot(`failed-${test.title.slice(0, 40).replace(/\W+/g, '-')}`);
  }

  async close(): Promise<void> {
    await this.browser.close();
    await this.env.stop();
  }

  /** An action in the sidebar view's title bar (New Chat, History, Show Spend), by its accessible name. */
  viewTitleAction(name: string): Locator {
    return this.page.locator('.part.sidebar .title-actions').getByRole('button', { name, exact: true });
  }

  /** The DeepSeek status-bar entry (its accessible label starts with "DeepSeek"). */
  statusBarItem(): Locator {
    return this.page.locator('.part.statusbar [aria-label^="DeepSeek"]').first();
  }

  /**
   * A notification whose message matches, found in the notification centre: with the smoke-test driver on
   * (needed to load the extension in development mode) VS Code shows no toasts, only the centre.
   */
  async notification(text: RegExp, timeoutMs = UI_WAIT_MS): Promise<Locator> {
    const center = this.page.locator('.notifications-center.visible');
    const row = center.locator('.monaco-list-row').filter({ hasText: text }).first();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!(await center.isVisible())) {
        await this.page.locator('.part.statusbar [aria-label^="Notifications"]').first().click();
        await center.waitFor({ state: 'visible' });
      }
      if (await row.isVisible()) {
        return row;
      }
      if (Date.now() > deadline) {
        throw new Error(`no notification matching ${text}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('Control+Shift+P');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: title }).first();
    await row.waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
  }

  /**
   * Types a key into the open "Set API Key" password box and accepts it. VS Code validates input
   * asynchronously and ignores Enter while the previous value's validation message stands, so wait for it.
   */
  async enterApiKey(key: string): Promise<void> {
    const box = this.page.locator('.quick-input-widget input[type="password"]');
    await box.waitFor({ state: 'visible' });
    await box.fill(key);
    await this.page.locator('.quick-input-widget').getByText(/Enter your DeepSeek API key/).waitFor({ state: 'detached' });
    await this.page.keyboard.press('Enter');
    try {
      await box.waitFor({ state: 'hidden', timeout: 3000 });
    } catch {
      await this.page.keyboard.press('Enter'); // validation was still pending on the first Enter
      await box.waitFor({ state: 'hidden' });
    }
  }

  /** Opens a workspace file with Quick Open, as a user would. */
  async openFile(relativePath: string): Promise<void> {
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    await input.fill(relativePath);
    await this.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: relativePath.split('/').pop() ?? relativePath }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await this.page.locator('.tabs-container .tab').filter({ hasText: relativePath.split('/').pop() ?? relativePath }).first().waitFor();
  }

  /** The frame of a webview whose document contains `selector` (webviews are nested iframes). */
  async webviewFrame(selector: string, timeoutMs = UI_WAIT_MS): Promise<Frame> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame === this.page.mainFrame()) continue;
        const found = await frame.$(selector).catch(() => null);
        if (found) return frame;
      }
      if (Date.now() > deadline) throw new Error(`no webview frame contains ${selector}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async screenshot(name: string): Promise<string> {
    const dir = path.join(this.env.dir, 'screenshots');
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

/** The chat view's composer and turns, in whichever frame shows the chat now (it changes when the view reloads). */
export function chatView(frame: () => Frame): {
  box(): Locator;
  lastTurn(): Locator;
  ask(text: string): Promise<void>;
  modelButton(): Locator;
  pickModel(role: 'chat' | 'reasoner'): Promise<void>;
} {
  const box = () => frame().locator('textarea[aria-label="Ask DeepSeek"]');
  const modelButton = () => frame().getByRole('button', { name: /^Model: / });
  return {
    box,
    lastTurn: () => frame().locator('article.turn').last(),
    ask: async (text: string) => {
      await box().fill(text);
      await box().press('Enter');
    },
    modelButton,
    /** Picks the chat's role in the composer's model menu, as a user does; resolves once the picker shows it. */
    pickModel: async (role: 'chat' | 'reasoner') => {
      const name = role === 'chat' ? /^Chat\b/ : /^Reasoner\b/;
      if (name.test((await modelButton().innerText()).trim())) return;
      await modelButton().click();
      await frame().getByRole('menuitemradio', { name }).click();
      await frame().getByRole('button', { name: role === 'chat' ? /^Model: Chat\b/ : /^Model: Reasoner\b/ }).waitFor();
    },
  };
}

/** A file as a UI test hands it to the page: its name, MIME type and bytes (base64). */
export interface TestFile {
  readonly name: string;
  readonly type: string;
  readonly base64: string;
}

/** What a synthetic paste or drag carries: files, and data by type ("text/plain", "application/vnd.code.uri-list"). */
export interface TestTransfer {
  readonly files?: readonly TestFile[];
  readonly data?: Readonly<Record<string, string>>;
  /** A file of this many zero bytes, for size limits (built in the page, never sent through Playwright). */
  readonly largeFile?: { readonly name: string; readonly type: string; readonly size: number };
}

/**
 * Pastes into `target` as the clipboard would: a `paste` ClipboardEvent whose DataTransfer holds the files and
 * data. Resolves to whether the page took the paste over (`defaultPrevented`); a text paste the page leaves to the
 * browser inserts nothing here (a synthetic event has no default action), so the test inserts the text itself.
 */
export async function pasteInto(target: Locator, transfer: TestTransfer): Promise<boolean> {
  return target.evaluate((node, t) => {
    const dt = new DataTransfer();
    for (const f of t.files ?? []) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    if (t.largeFile) dt.items.add(new File([new ArrayBuffer(t.largeFile.size)], t.largeFile.name, { type: t.largeFile.type }));
    for (const [type, value] of Object.entries(t.data ?? {})) dt.setData(type, value);
    (node as HTMLElement).focus();
    const event = new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true });
    node.dispatchEvent(event);
    return event.defaultPrevented;
  }, transfer as TestTransfer);
}

/**
 * Starts dragging the transfer over `target`: `dragenter` then `dragover`, as a drag from the OS or from VS Code's
 * explorer (with Shift held) arrives in a webview. `endDrag` finishes it with a drop or by leaving.
 */
export async function startDrag(target: Locator, transfer: TestTransfer): Promise<void> {
  await target.evaluate((node, t) => {
    const dt = new DataTransfer();
    for (const f of t.files ?? []) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      dt.items.add(new File([bytes], f.name, { type: f.type }));
    }
    for (const [type, value] of Object.entries(t.data ?? {})) dt.setData(type, value);
    (window as unknown as { __testDrag: DataTransfer }).__testDrag = dt;
    for (const type of ['dragenter', 'dragover']) node.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true, shiftKey: true }));
  }, transfer as TestTransfer);
}

/** Ends the drag `startDrag` began on `target`: dropped there, or the pointer left the view. */
export async function endDrag(target: Locator, how: 'drop' | 'dragleave'): Promise<void> {
  await target.evaluate((node, type) => {
    const dt = (window as unknown as { __testDrag: DataTransfer }).__testDrag;
    node.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true, shiftKey: true }));
  }, how);
}

/** A valid PNG of `width`×`height` pixels, one colour, as base64 (built here so a test needs no fixture file). */
export function pngBase64(width = 4, height = 3, rgb: readonly [number, number, number] = [200, 40, 40]): string {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc32 = (buf: Buffer) => {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const row = Buffer.concat([Buffer.from([0]), Buffer.from(Array.from({ length: width }, () => [...rgb]).flat())]);
  const pixels = deflateSync(Buffer.concat(Array.from({ length: height }, () => row)));
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]).toString('base64');
}

/** Plays a host message into the chat's webview, as if the extension had sent it (for states a test cannot cause). */
export async function playHostMessage(chat: Frame, message: unknown): Promise<void> {
  await chat.evaluate((m) => window.postMessage(m, '*'), message as Record<string, unknown>);
}

/** A small valid PDF with `pages` empty pages (for page counting; its text, if any, comes from the fake's OCR). */
export function pdfBytes(pages: number): Buffer {
  const objects: string[] = [];
  const kids = Array.from({ length: pages }, (_, i) => `${3 + i} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pages} >>`);
  for (let i = 0; i < pages; i++) objects.push('<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>');
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}
