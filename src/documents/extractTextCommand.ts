import * as nodePath from 'path';
import * as vscode from 'vscode';
import { isDocumentPath } from '../core/documents/documentInfo';
import { showMarkdown } from '../platform/markdownDocument';
import type { Notifier } from '../platform/notifier';
import { commandTargets } from './activeFile';
import type { ExtractionService } from './extractionService';

const SCHEME = 'deepseek-extracted';

/** What the command says when it has nothing to act on. */
export const NO_FILE_MESSAGE = 'DeepSeek: Extract Text needs a file: open an image, PDF, DOCX or PPTX (or pick one in the explorer), then run it again.';

/** Why a file is not one Extract Text takes, by its name (its bytes are checked once read). */
export function unsupportedMessage(name: string): string {
  return `${name} is not an image or a PDF, DOCX or PPTX document, so DeepSeek: Extract Text cannot read it.`;
}

/** The document shown for one extraction: headed with the file, who read it, its pages and cost ("from cache"). */
export function extractedDocument(label: string, provider: string, pages: number, cost: string, markdown: string): string {
  return [
    `# Text of ${label}`,
    '',
    `*${provider} · ${pages} ${pages === 1 ? 'page' : 'pages'} · ${cost}*`,
    '',
    '---',
    '',
    markdown.trim(),
    '',
  ].join('\n');
}

/**
 * "DeepSeek: Extract Text": the file in the active tab (text editor, image preview, document viewer) or the
 * explorer's selection, extracted under a cancellable progress notification and opened as a read-only Markdown
 * document. Refusals and failures are notices naming the file; nothing is opened for them.
 */
export class ExtractTextCommand implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly documents = new Map<string, string>();
  private readonly registration: vscode.Disposable;
  private count = 0;

  constructor(private readonly extraction: ExtractionService, private readonly notifier: Notifier) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.toString()) ?? '';
  }

  /** Runs the command; resolves with the documents it opened (one per file that was extracted). */
  async run(uri?: unknown, uris?: unknown): Promise<vscode.Uri[]> {
    const targets = commandTargets(uri, uris);
    if (targets.length === 0) {
      void this.notifier.warn(NO_FILE_MESSAGE);
      return [];
    }
    const opened: vscode.Uri[] = [];
    for (const target of targets) {
      const shown = await this.extractOne(target);
      if (shown) opened.push(shown);
    }
    return opened;
  }

  private async extractOne(target: vscode.Uri): Promise<vscode.Uri | undefined> {
    const name = nodePath.basename(target.path);
    if (!isDocumentPath(target.path)) {
      void this.notifier.warn(unsupportedMessage(target.scheme === 'file' ? vscode.workspace.asRelativePath(target) : name));
      return undefined;
    }
    const loaded = await this.extraction.load({ kind: 'picked', uri: target });
    if (!loaded.ok) {
      void this.notifier.warn(loaded.message);
      return undefined;
    }
    const { label } = loaded.document;
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Extracting text from ${label}`, cancellable: true },
      (progress, token) => this.extraction.extract(loaded.document, { token, onProgress: (text) => progress.report({ message: text }) }),
    );
    if (!outcome.ok) {
      void (outcome.cancelled ? this.notifier.info(`Text extraction from ${label} cancelled; nothing was kept.`) : this.notifier.warn(outcome.message));
      return undefined;
    }
    const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}.md`, query: `${++this.count}` });
    this.documents.set(uri.toString(), extractedDocument(label, outcome.text.provider, outcome.text.pages, outcome.cost, outcome.text.markdown));
    await showMarkdown(uri);
    return uri;
  }

  dispose(): void {
    this.registration.dispose();
    this.documents.clear();
  }
}
