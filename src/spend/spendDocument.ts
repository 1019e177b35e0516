import * as vscode from 'vscode';
import type { SpendService } from './spendService';

export const SPEND_SCHEME = 'deepseek-spend';
const spendUri = () => vscode.Uri.from({ scheme: SPEND_SCHEME, path: '/DeepSeek Spend.md' });

/** A read-only Markdown document with the spend breakdown, kept current while it is open. */
export class SpendDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly spend: SpendService) {
    this.subscription = spend.onDidChange(() => this.emitter.fire(spendUri()));
  }

  provideTextDocumentContent(): string {
    return this.spend.report();
  }

  /** `DeepSeek: Show Spend`: the rendered Markdown preview, or the document itself if preview is unavailable. */
  async show(): Promise<vscode.Uri> {
    const uri = spendUri();
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc, { preview: true });
    }
    return uri;
  }

  dispose(): void {
    this.subscription.dispose();
    this.emitter.dispose();
  }
}
