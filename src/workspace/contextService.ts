import * as path from 'path';
import * as vscode from 'vscode';
import { assetsInDirectory } from '../context/assets';
import { ContextGatherer, type ContextPieces } from '../context/contextGatherer';
import { NodeWorkspaceFs } from '../context/nodeFs';
import { ParserService } from '../context/parserService';
import type { Logger } from '../core/logger';
import type { ConfigurationService } from '../config/settings';
import type { ReadPolicy } from './readPolicy';

/**
 * VS Code glue for the context engine: one gatherer per workspace folder state (trust, files.exclude,
 * deepseek.context.exclude), fed with file-system changes and with editor edits (incremental reparse).
 * At activation it only subscribes: trust, folder, configuration and document events, and one file-system
 * watcher. The parser and the gatherer are created on the first request or read-policy check, and nothing
 * is read in an untrusted workspace.
 */
export class ContextService implements vscode.Disposable {
  private parser: ParserService | undefined;
  private gatherer: ContextGatherer | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly settings: ConfigurationService,
    private readonly logger: Logger,
  ) {
    const reset = () => {
      this.gatherer = undefined;
    };
    this.subscriptions.push(
      vscode.workspace.onDidGrantWorkspaceTrust(reset),
      vscode.workspace.onDidChangeWorkspaceFolders(reset),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('deepseek.context.exclude')) reset();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const rel = this.relative(e.document.uri);
        if (!rel || !this.parser?.has(rel)) return;
        this.parser.applyChanges(rel, e.contentChanges, e.document.getText());
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.subscriptions.push(
      watcher,
      watcher.onDidChange((uri) => this.changed(uri)),
      watcher.onDidCreate((uri) => this.changed(uri)),
      watcher.onDidDelete((uri) => {
        const rel = this.relative(uri);
        if (rel) this.gatherer?.fileDeleted(rel);
      }),
    );
  }

  get root(): vscode.Uri | undefined {
    const folder = vscode.workspace.workspaceFolders?.[0];
    return folder?.uri.scheme === 'file' ? folder.uri : undefined;
  }

  /** Workspace-relative path with forward slashes, or undefined outside the (first, on-disk) folder. */
  relative(uri: vscode.Uri): string | undefined {
    const root = this.root;
    if (!root || uri.scheme !== 'file') return undefined;
    const rel = path.relative(root.fsPath, uri.fsPath);
    return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel.split(path.sep).join('/') : undefined;
  }

  private changed(uri: vscode.Uri): void {
    const rel = this.relative(uri);
    if (rel) this.gatherer?.fileChanged(rel);
  }

  private excludeGlobs(): string[] {
    const filesExclude = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {};
    return [...Object.keys(filesExclude).filter((glob) => filesExclude[glob] === true), ...this.settings.get('context.exclude')];
  }

  private current(): ContextGatherer | undefined {
    const root = this.root;
    if (!root) return undefined;
    if (!this.gatherer) {
      this.parser ??= new ParserService(assetsInDirectory(vscode.Uri.joinPath(this.extensionUri, 'dist').fsPath));
      this.gatherer = new ContextGatherer({
        fs: new NodeWorkspaceFs(root.fsPath),
        parser: this.parser,
        settings: { trusted: vscode.workspace.isTrusted, excludeGlobs: this.excludeGlobs() },
      });
    }
    return this.gatherer;
  }

  /** Context for the active editor: repo map, current file, enclosing symbol, related definitions. */
  async gather(editor: vscode.TextEditor | undefined): Promise<ContextPieces | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    const gatherer = this.current();
    if (!gatherer) return undefined;
    const rel = editor ? this.relative(editor.document.uri) : undefined;
    const started = performance.now();
    try {
      const sel = editor?.selection;
      const pieces = await gatherer.gather({
        ...(rel ? { currentFile: rel, currentText: editor?.document.getText() } : {}),
        ...(sel ? { selection: { start: { line: sel.start.line, character: sel.start.character }, end: { line: sel.end.line, character: sel.end.character } } } : {}),
        openFiles: vscode.window.visibleTextEditors.map((e) => this.relative(e.document.uri)).filter((p): p is string => p !== undefined),
      });
      this.logger.debug(`context gathered in ${(performance.now() - started).toFixed(1)} ms`);
      return pieces;
    } catch (err) {
      this.logger.error('gathering context failed', err);
      return undefined;
    }
  }

  /**
   * The read policy every surface uses: the same `ContextReader` as the workspace walk (exclusion rules,
   * links, size, binary), behind Workspace Trust and the workspace folder.
   */
  readPolicy(): ReadPolicy {
    const locate = (uri: vscode.Uri) => {
      if (!vscode.workspace.isTrusted) return { refused: 'the workspace is not trusted' };
      const rel = this.relative(uri);
      const gatherer = this.current();
      if (!rel || !gatherer) return { refused: `${uri.scheme === 'file' ? uri.fsPath : uri.toString()} is outside the workspace folder` };
      return { rel, reader: gatherer.contextReader };
    };
    return {
      check: async (uri) => {
        const at = locate(uri);
        if (!at.reader) return { allowed: false, reason: at.refused };
        const verdict = await at.reader.inspectNamed(at.rel);
        return verdict.ok ? { allowed: true } : { allowed: false, reason: verdict.detail };
      },
      read: async (uri) => {
        const at = locate(uri);
        if (!at.reader) return { ok: false, reason: at.refused };
        const result = await at.reader.readNamed(at.rel);
        return result.ok ? { ok: true, text: result.text } : { ok: false, reason: result.detail };
      },
    };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.parser?.dispose();
  }
}
