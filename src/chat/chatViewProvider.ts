import type * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { parseFromWebview, type HostMessage, type WebviewMessage } from '../webview/protocol';
import { renderWebviewHtml, webviewRoots } from './webviewHtml';

export interface ChatViewHandler {
  onMessage(message: WebviewMessage): Promise<void>;
}

/**
 * The chat sidebar's webview view: strict CSP, `ready` handshake, and validation of every message from the
 * page before the handler sees it. A hidden view's page is discarded (retainContextWhenHidden is off), so
 * messages are dropped from hiding until the page that is loaded again says `ready`; the handler then sends
 * the whole state, so a view that was hidden and shown again resynchronises without asking the API.
 */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];
  private handler: ChatViewHandler | undefined;

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
      view.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      view.onDidChangeVisibility(() => {
        this.ready = view.visible;
        // A page that outlived being hidden gets the state now; one loaded again asks with `ready` (and a
        // delta it cannot place makes it ask with `resync`).
        if (view.visible) void this.handler?.onMessage({ type: 'resync' });
      }),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
    );
  }

  post(message: HostMessage): void {
    if (this.view && this.ready) {
      void this.view.webview.postMessage(message);
    }
  }

  private async onMessage(raw: unknown): Promise<void> {
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
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }
}
