import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { parseFromWebview, type HostMessage, type WebviewMessage } from '../webview/protocol';
import { renderWebviewHtml, webviewRoots } from './webviewHtml';

export interface ChatViewHandler {
  onMessage(message: WebviewMessage): Promise<void>;
}

/** Requests for the page that must not be lost while it loads: sent once it says `ready`. */
type OnReadyMessage = Extract<HostMessage, { type: 'focusInput' | 'showHistory' }>;

/**
 * The chat sidebar's webview view: strict CSP, `ready` handshake, and validation of every message from the
 * page before the handler sees it. A hidden view's page is discarded (retainContextWhenHidden is off), so
 * messages are dropped from hiding until the page that is loaded again says `ready`; the handler then sends
 * the whole state, so a view that was hidden and shown again resynchronises without asking the API.
 * Focusing the composer and opening the history are different: asked for while the page still loads (Open
 * Chat on a view not shown yet), they are kept and sent once the page says `ready`.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private handler: ChatViewHandler | undefined;
  /**
   * Sent when the next page says `ready`. Also kept after being posted to a page that is ready, until it is
   * hidden or another page loads: a page the view loads again right after (it was being replaced) still gets it.
   */
  private readonly onReady = new Map<OnReadyMessage['type'], OnReadyMessage>();
  private readonly posted = new vscode.EventEmitter<HostMessage>();
  /** Every message posted to the view, whether or not a page was ready to receive it (for tests). */
  readonly onDidPost = this.posted.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly logger: Logger,
  ) {}

  setHandler(handler: ChatViewHandler): void {
    this.handler = handler;
  }

  get visible(): boolean {
    return this.view?.visible === true;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) };
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, 'DeepSeek Chat');
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => void this.receive(raw)),
      view.onDidChangeVisibility(() => {
        this.ready = view.visible;
        if (!view.visible) this.onReady.clear();
        // A page that outlived being hidden gets the state now; one loaded again asks with `ready` (and a
        // delta it cannot place makes it ask with `resync`).
        if (view.visible) void this.handler?.onMessage({ type: 'resync' });
      }),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
        this.onReady.clear();
      }),
    );
  }

  post(message: HostMessage): void {
    this.posted.fire(message);
    if (this.view && this.ready) {
      void this.view.webview.postMessage(message);
    }
  }

  /** Puts the keyboard focus in the composer: now if the page is ready, else once it is (call after focusing the view). */
  focusInput(): void {
    this.postOnReady({ type: 'focusInput' });
  }

  /** Opens the page's history panel: now if the page is ready, else once it is. */
  showHistory(): void {
    this.postOnReady({ type: 'showHistory' });
  }

  private postOnReady(message: OnReadyMessage): void {
    this.onReady.set(message.type, message);
    if (this.ready) this.post(message);
  }

  /** A message from the page, or from a test acting as the page: validated like every message from the page. */
  async receive(raw: unknown): Promise<void> {
    const message = parseFromWebview(raw);
    if (!message) {
      this.logger.warn('chat view: ignored a malformed message from the webview');
      return;
    }
    if (message.type === 'ready') {
      this.ready = true;
    }
    try {
      await this.handler?.onMessage(message);
    } catch (err) {
      this.logger.error(`chat view: handling ${message.type} failed`, err);
    }
    if (message.type === 'ready') {
      // After the state (the handler sent it): a focus or history request made while the page loaded.
      const pending = [...this.onReady.values()];
      this.onReady.clear();
      for (const m of pending) this.post(m);
    }
  }

  dispose(): void {
    this.posted.dispose();
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }
}
