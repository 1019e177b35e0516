import * as path from 'path';
import * as vscode from 'vscode';
import { assetsInDirectory } from '../context/assets';
import { ContextGatherer, type ContextPieces } from '../context/contextGatherer';
import { fileDeclarationSpans, snippetDeclarationSpans } from '../context/declarationSpans';
import { NodeWorkspaceFs } from '../context/nodeFs';
import { createSyntaxService, workerScriptIn, WorkerSyntax, type SyntaxService } from '../context/syntaxService';
import type { Logger } from '../core/logger';
import type { DeclarationSpan } from '../core/snippetPlacement';
import type { ConfigurationService } from '../config/settings';
import type { ReadPolicy } from './readPolicy';

/** What the context engine is doing (for the test API and diagnostics). */
export interface ContextStatus {
  /** `worker` when parsing runs in the parser worker; `in-process` after a fallback; `idle` before the first request. */
  readonly parsing: 'worker' | 'in-process' | 'idle';
  readonly folders: readonly { readonly name: string; readonly listed: number; readonly leftOut: number; readonly indexed: number; readonly generated: number }[];
}

/** One workspace folder on disk, with its own gatherer (its own `.gitignore`s and `files.exclude`). */
interface Root {
  readonly folder: vscode.WorkspaceFolder;
  gatherer: ContextGatherer | undefined;
}

/**
 * VS Code glue for the context engine: one gatherer per workspace folder on disk and per folder state
 * (trust, files.exclude, deepseek.context.exclude), fed with file-system changes and with editor edits
 * (incremental reparse, off the host's thread in the parser worker). In a multi-root workspace paths are
 * `<folder name>/<path>` (as `asRelativePath` shows them), the repo map covers every folder, and lookups
 * stay in the current file's folder. At activation it only subscribes: trust, folder, configuration and
 * document events, and one file-system watcher. The parser worker and the gatherers are created on the
 * first request or read-policy check, and nothing is read in an untrusted workspace.
 */
export class ContextService implements vscode.Disposable {
  private syntax: SyntaxService | undefined;
  private roots: Root[] | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly settings: ConfigurationService,
    private readonly logger: Logger,
  ) {
    const reset = () => {
      this.roots = undefined;
    };
    this.subscriptions.push(
      vscode.workspace.onDidGrantWorkspaceTrust(reset),
      vscode.workspace.onDidChangeWorkspaceFolders(reset),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('files.exclude') || e.affectsConfiguration('deepseek.context.exclude')) reset();
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const at = this.locate(e.document.uri);
        if (!at || !this.syntax?.has(at.rel) || e.contentChanges.length === 0) return;
        // The worker verifies the edit by the document's length (no copy of the text per keystroke).
        const last = e.document.lineAt(e.document.lineCount - 1);
        this.syntax.applyChanges(at.rel, e.contentChanges, e.document.offsetAt(last.range.end));
      }),
    );
    const watcher = vscode.workspace.createFileSystemWatcher('**/*');
    this.subscriptions.push(
      watcher,
      watcher.onDidChange((uri) => this.changed(uri)),
      watcher.onDidCreate((uri) => this.changed(uri)),
      watcher.onDidDelete((uri) => {
        const at = this.locate(uri);
        at?.root.gatherer?.fileDeleted(at.rel);
      }),
    );
  }

  /** The first workspace folder on disk (its manifests describe the project). */
  get root(): vscode.Uri | undefined {
    return this.folders()[0]?.uri;
  }

  private folders(): vscode.WorkspaceFolder[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file');
  }

  private allRoots(): Root[] {
    this.roots ??= this.folders().map((folder) => ({ folder, gatherer: undefined }));
    return this.roots;
  }

  /** The folder holding `uri` and the path inside it, with forward slashes; undefined outside every folder. */
  private locate(uri: vscode.Uri): { root: Root; rel: string } | undefined {
    if (uri.scheme !== 'file') return undefined;
    for (const root of this.allRoots()) {
      const rel = path.relative(root.folder.uri.fsPath, uri.fsPath);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel)) return { root, rel: rel.split(path.sep).join('/') };
    }
    return undefined;
  }

  /** `<folder name>/` in a multi-root workspace, else nothing. */
  private prefix(root: Root): string {
    return this.allRoots().length > 1 ? `${root.folder.name}/` : '';
  }

  /** The path as the prompt names it: workspace-relative (prefixed by the folder's name in a multi-root workspace). */
  relative(uri: vscode.Uri): string | undefined {
    const at = this.locate(uri);
    return at ? this.prefix(at.root) + at.rel : undefined;
  }

  private changed(uri: vscode.Uri): void {
    const at = this.locate(uri);
    at?.root.gatherer?.fileChanged(at.rel);
  }

  private excludeGlobs(folder: vscode.WorkspaceFolder): string[] {
    const filesExclude = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {};
    return [...Object.keys(filesExclude).filter((glob) => filesExclude[glob] === true), ...this.settings.get('context.exclude')];
  }

  /** The parser worker (or its in-process fallback), started on first use. */
  private syntaxService(): SyntaxService {
    if (!this.syntax) {
      const dist = vscode.Uri.joinPath(this.extensionUri, 'dist').fsPath;
      this.syntax = createSyntaxService(assetsInDirectory(dist), workerScriptIn(dist), {
        onError: (err) => this.logger.warn(`context: the parser worker failed; parsing on the extension host instead (${err instanceof Error ? err.message : String(err)})`),
      });
    }
    return this.syntax;
  }

  private gathererOf(root: Root): ContextGatherer {
    if (!root.gatherer) {
      root.gatherer = new ContextGatherer({
        fs: new NodeWorkspaceFs(root.folder.uri.fsPath),
        syntax: this.syntaxService(),
        settings: { trusted: vscode.workspace.isTrusted, excludeGlobs: this.excludeGlobs(root.folder) },
        log: (line) => this.logger.info(this.allRoots().length > 1 ? `${line} [${root.folder.name}]` : line),
      });
    }
    return root.gatherer;
  }

  /** Context for the active editor: repo map, current file, enclosing symbol, related definitions. */
  async gather(editor: vscode.TextEditor | undefined): Promise<ContextPieces | undefined> {
    if (!vscode.workspace.isTrusted) return undefined;
    const roots = this.allRoots();
    if (roots.length === 0) return undefined;
    const at = editor ? this.locate(editor.document.uri) : undefined;
    const home = at?.root ?? roots[0];
    const started = performance.now();
    try {
      const sel = editor?.selection;
      const openFiles = vscode.window.visibleTextEditors
        .map((e) => this.locate(e.document.uri))
        .filter((o): o is { root: Root; rel: string } => o !== undefined && o.root === home)
        .map((o) => o.rel);
      const pieces = await this.gathererOf(home).gather({
        ...(at ? { currentFile: at.rel, currentText: editor?.document.getText() } : {}),
        ...(sel ? { selection: { start: { line: sel.start.line, character: sel.start.character }, end: { line: sel.end.line, character: sel.end.character } } } : {}),
        openFiles,
      });
      const result = roots.length > 1 ? await this.acrossRoots(home, pieces) : pieces;
      this.logger.debug(`context gathered in ${(performance.now() - started).toFixed(1)} ms`);
      return result;
    } catch (err) {
      this.logger.error('gathering context failed', err);
      return undefined;
    }
  }

  /** Multi-root: the home folder's pieces with prefixed paths, and a repo map of every folder in folder order. */
  private async acrossRoots(home: Root, pieces: ContextPieces): Promise<ContextPieces> {
    const prefixLines = (map: string, prefix: string) =>
      map.replace(/^(?! |\()(.+)$/gm, (line) => `${prefix}${line}`);
    const maps: string[] = [];
    for (const root of this.allRoots()) {
      const map = root === home ? pieces.repoMap : await this.gathererOf(root).buildRepoMap();
      if (map) maps.push(prefixLines(map, this.prefix(root)));
    }
    const prefix = this.prefix(home);
    return {
      ...pieces,
      repoMap: maps.join(''),
      ...(pieces.currentFile ? { currentFile: { ...pieces.currentFile, path: prefix + pieces.currentFile.path } } : {}),
      relatedDefinitions: pieces.relatedDefinitions.map((d) => ({ ...d, path: prefix + d.path })),
      refused: pieces.refused.map((r) => ({ ...r, path: prefix + r.path })),
    };
  }

  /**
   * The top-level declarations (with one level of members) of `text`, parsed as the language of `uri`'s file
   * name, by lines; undefined when that language has no grammar or the parse timed out. Parses text the
   * editor already holds (nothing is read from disk), off the host's thread like every parse.
   */
  async declarationSpans(uri: vscode.Uri, text: string): Promise<DeclarationSpan[] | undefined> {
    try {
      return await fileDeclarationSpans(this.syntaxService(), uri.path, text);
    } catch (err) {
      this.logger.warn(`context: parsing ${uri.path.split('/').pop() ?? ''} failed (${err instanceof Error ? err.message : String(err)})`);
      return undefined;
    }
  }

  /** The declarations of a code block as if it were in `uri`'s file (see `snippetDeclarationSpans`). */
  async snippetDeclarationSpans(uri: vscode.Uri, snippet: string): Promise<DeclarationSpan[] | undefined> {
    try {
      return await snippetDeclarationSpans(this.syntaxService(), uri.path, snippet);
    } catch (err) {
      this.logger.warn(`context: parsing a code block failed (${err instanceof Error ? err.message : String(err)})`);
      return undefined;
    }
  }

  /**
   * The read policy every surface uses: the same `ContextReader` as the workspace walk (exclusion rules,
   * links, size, binary) of the folder holding the file, behind Workspace Trust.
   */
  readPolicy(): ReadPolicy {
    const locate = (uri: vscode.Uri) => {
      if (!vscode.workspace.isTrusted) return { refused: 'the workspace is not trusted' };
      const at = this.locate(uri);
      if (!at) return { refused: `${uri.scheme === 'file' ? uri.fsPath : uri.toString()} is outside the workspace folder` };
      return { rel: at.rel, reader: this.gathererOf(at.root).contextReader };
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

  status(): ContextStatus {
    const parsing = !this.syntax ? 'idle' : this.syntax instanceof WorkerSyntax && this.syntax.inWorker ? 'worker' : 'in-process';
    return {
      parsing,
      folders: (this.roots ?? []).filter((r) => r.gatherer).map((r) => ({ name: r.folder.name, ...(r.gatherer as ContextGatherer).stats })),
    };
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.syntax?.dispose();
  }
}
