import type * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { parseFromWebview, type HostMessage, type ViewState, type WebviewMessage } from '../webview/protocol';
import { renderWebviewHtml, webviewRoots } from './webviewHtml';

export interface ChatViewHost {
  currentState(): Promise<ViewState>;
  runAction(action: Extract<WebviewMessage, { type: 'action' }>['action']): Promise<void>;
}

/** The chat sidebar view. It posts state after the webview's `ready` handshake and validates every message. */
export class ChatViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly host: ChatViewHost,
    private readonly logger: Logger,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    view.webview.options = { enableScripts: true, localResourceRoots: webviewRoots(this.extensionUri) };
    view.webview.html = renderWebviewHtml(view.webview, this.extensionUri, 'DeepSeek Chat');
    this.disposables.push(
      view.webview.onDidReceiveMessage((raw: unknown) => void this.onMessage(raw)),
      view.onDidDispose(() => {
        this.view = undefined;
        this.ready = false;
      }),
    );
  }

  /** Sends the current state if the webview is up; otherwise it is sent on the next `ready`. */
  async refresh(): Promise<void> {
    if (this.view && this.ready) {
      await this.post({ type: 'state', state: await this.host.currentState() });
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
      await this.refresh();
    } else {
      await this.host.runAction(message.action);
    }
  }

  private async post(message: HostMessage): Promise<void> {
    await this.view?.webview.postMessage(message);
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) {
      d.dispose();
    }
  }
}
