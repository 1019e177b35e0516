import * as vscode from 'vscode';

/**
 * A read-only Markdown document rendered on demand (e.g. the spend breakdown, the last request), shown as a
 * preview and kept current while open.
 */
export class MarkdownDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly scheme: string,
    private readonly title: string,
    private readonly render: () => string,
    changed: vscode.Event<unknown>,
  ) {
    this.subscriptions = [
      vscode.workspace.registerTextDocumentContentProvider(scheme, this),
      changed(() => this.emitter.fire(this.uri())),
    ];
  }

  private uri(): vscode.Uri {
    return vscode.Uri.from({ scheme: this.scheme, path: `/${this.title}.md` });
  }

  provideTextDocumentContent(): string {
    return this.render();
  }

  /** Opens the rendered preview, or the document itself if Markdown preview is unavailable. */
  async show(): Promise<vscode.Uri> {
    const uri = this.uri();
    this.emitter.fire(uri); // a copy opened earlier is re-rendered now, not whenever its source next changes
    await showMarkdown(uri);
    return uri;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}

/** Opens a Markdown document's rendered preview, or the document itself if Markdown preview is unavailable. */
export async function showMarkdown(uri: vscode.Uri): Promise<void> {
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  }
}
