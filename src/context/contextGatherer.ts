import { DeclarationIndex } from './declarationIndex';
import { ContextReader, normalizePath, type ExclusionReason, type ListedFile } from './exclusion';
import { languageForPath } from './languages';
import type { ParserService } from './parserService';
import { buildRepoMap } from './repoMap';
import {
  comparePositions,
  compareStrings,
  isRange,
  type Declaration,
  type EnclosingSymbol,
  type LanguageId,
  type Position,
  type Range,
  type RelatedDefinition,
} from './types';
import type { WorkspaceFs } from './workspaceFs';

/**
 * Context for one request, as data for the prompt builder: the repo map, the current file, the symbol
 * around the cursor or selection, and where the symbols the selection uses are declared.
 *
 * Warm requests reuse the file listing, parsed trees (current and open documents, in the ParserService),
 * the declaration index and the rendered repo map; `fileChanged` / `fileDeleted` invalidate per file.
 * Nothing is read in an untrusted workspace, and every read goes through the `ContextReader`.
 */

export interface ContextSettings {
  /** Workspace Trust. When false, `gather` returns empty pieces without touching the file system. */
  readonly trusted: boolean;
  /** `files.exclude` (keys set to true) plus `deepseek.context.exclude`, as VS Code globs. */
  readonly excludeGlobs: readonly string[];
  /** Token budget of the repo map (default 4,096). */
  readonly repoMapTokens?: number;
  /** Files larger than this are never read (default 1 MiB). */
  readonly maxFileBytes?: number;
  /** Related definitions at most (default 12), and at most per name (default 3). */
  readonly maxRelatedDefinitions?: number;
  readonly maxDefinitionsPerName?: number;
  /** A related definition's text is included up to this many characters (default 4,000). */
  readonly maxDefinitionChars?: number;
}

export interface ContextRequest {
  /** Workspace-relative path of the active editor's file. */
  readonly currentFile?: string;
  /** The editor's text of that file (it may have unsaved edits); read from disk when absent. */
  readonly currentText?: string;
  /** The selection, or the cursor. */
  readonly selection?: Range | Position;
  /** Other open editors' files, most recently used first: their definitions are preferred. */
  readonly openFiles?: readonly string[];
}

export interface ContextPieces {
  readonly repoMap: string;
  readonly currentFile?: { readonly path: string; readonly text: string; readonly language?: LanguageId };
  readonly enclosingSymbol?: EnclosingSymbol;
  readonly relatedDefinitions: readonly RelatedDefinition[];
  /** Files asked for but not read, and why (e.g. the current file is `.env`). */
  readonly refused: readonly { readonly path: string; readonly reason: ExclusionReason; readonly detail: string }[];
}

export interface ContextGathererOptions {
  readonly fs: WorkspaceFs;
  readonly parser: ParserService;
  readonly settings: ContextSettings;
}

const EMPTY: ContextPieces = Object.freeze({ repoMap: '', relatedDefinitions: Object.freeze([]) as readonly RelatedDefinition[], refused: Object.freeze([]) as ContextPieces['refused'] });
const MAX_NAMES = 48;

function contains(outer: Range, inner: Range): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}

function overlaps(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}

export class ContextGatherer {
  private readonly settings: ContextSettings;
  private readonly reader: ContextReader;
  private readonly parser: ParserService;
  private readonly index: DeclarationIndex;
  private files: ListedFile[] | undefined;
  private filesByPath = new Map<string, ListedFile>();
  private listingStale = true;
  private readonly changed = new Set<string>();
  private readonly deleted = new Set<string>();
  private repoMap: string | undefined;

  constructor(options: ContextGathererOptions) {
    this.settings = options.settings;
    this.parser = options.parser;
    this.reader = new ContextReader(options.fs, {
      trusted: options.settings.trusted,
      excludeGlobs: options.settings.excludeGlobs,
      maxFileBytes: options.settings.maxFileBytes,
    });
    this.index = new DeclarationIndex(this.reader, this.parser);
  }

  /** The reader this gatherer uses (for the glue's own checked reads, e.g. pinned files). */
  get contextReader(): ContextReader {
    return this.reader;
  }

  /** A file was created or its content changed on disk. */
  fileChanged(path: string): void {
    const normalized = this.noteChange(path);
    if (normalized !== undefined) {
      this.deleted.delete(normalized);
      this.changed.add(normalized);
    }
  }

  /** A file or folder was deleted. */
  fileDeleted(path: string): void {
    const normalized = this.noteChange(path);
    if (normalized !== undefined) {
      this.changed.delete(normalized);
      this.deleted.add(normalized);
    }
  }

  /** What every change invalidates: a .gitignore's rules and the listing, and the repo map. */
  private noteChange(path: string): string | undefined {
    const normalized = normalizePath(path);
    if (normalized === undefined) {
      return undefined;
    }
    if (normalized === '.gitignore' || normalized.endsWith('/.gitignore')) {
      this.reader.invalidate(normalized);
      this.listingStale = true;
    }
    this.repoMap = undefined;
    return normalized;
  }

  /** Forget the listing (e.g. after many changes at once); caches per file stay valid by size and mtime. */
  refresh(): void {
    this.reader.invalidate();
    this.listingStale = true;
    this.repoMap = undefined;
  }

  private setFiles(files: readonly ListedFile[]): void {
    this.files = [...files];
    this.filesByPath = new Map(files.map((f) => [f.path, f]));
  }

  /** The listing, with pending change events applied. */
  async listFiles(): Promise<readonly ListedFile[]> {
    if (this.listingStale || !this.files) {
      this.changed.clear();
      this.deleted.clear();
      this.listingStale = false;
      this.setFiles(await this.reader.listFiles());
      return this.files as ListedFile[];
    }
    if (this.changed.size === 0 && this.deleted.size === 0) {
      return this.files;
    }
    const byPath = new Map(this.filesByPath);
    for (const path of this.deleted) {
      for (const key of [...byPath.keys()]) {
        if (key === path || key.startsWith(`${path}/`)) {
          byPath.delete(key);
          this.index.invalidate(key);
        }
      }
    }
    const changed = [...this.changed];
    this.changed.clear();
    this.deleted.clear();
    const described = await Promise.all(changed.map((p) => this.reader.describe(p)));
    changed.forEach((path, i) => {
      this.index.invalidate(path);
      const entry = described[i];
      if (entry) {
        byPath.set(path, entry);
      } else {
        byPath.delete(path);
      }
    });
    this.setFiles([...byPath.values()].sort((a, b) => compareStrings(a.path, b.path)));
    return this.files as ListedFile[];
  }

  /**
   * On the first request: the declaration index, and (in parallel) the grammars of the workspace's main
   * languages (at least 3 files and 2% of its source files), so a later request in another of those
   * languages does not pay for loading a grammar. Other grammars load when a file needs them.
   */
  private async prepare(files: readonly ListedFile[]): Promise<void> {
    const counts = new Map<LanguageId, number>();
    let sources = 0;
    for (const f of files) {
      const language = languageForPath(f.path);
      if (language) {
        sources++;
        counts.set(language, (counts.get(language) ?? 0) + 1);
      }
    }
    const main = [...counts].filter(([, n]) => n >= 3 && n >= sources * 0.02).map(([language]) => language);
    await Promise.all([this.index.ensureIndexed(files), ...main.map((language) => this.parser.load(language))]);
  }

  /** The repo map of the saved workspace state (cached until a file changes). */
  async buildRepoMap(): Promise<string> {
    const files = await this.listFiles();
    if (this.repoMap === undefined) {
      const map = await buildRepoMap(files, {
        tokenBudget: this.settings.repoMapTokens ?? 4_096,
        declarationsOf: (file) => this.index.declarationsOf(file),
      });
      this.repoMap = map.text;
    }
    return this.repoMap;
  }

  async gather(request: ContextRequest): Promise<ContextPieces> {
    if (!this.settings.trusted) {
      return EMPTY;
    }
    const files = await this.listFiles();
    await this.prepare(files);
    const refused: { path: string; reason: ExclusionReason; detail: string }[] = [];

    let currentFile: ContextPieces['currentFile'];
    let enclosingSymbol: EnclosingSymbol | undefined;
    let relatedDefinitions: RelatedDefinition[] = [];
    const currentPath = request.currentFile !== undefined ? normalizePath(request.currentFile) : undefined;
    if (request.currentFile !== undefined) {
      const verdict = await this.reader.check(request.currentFile);
      if (!verdict.allowed) {
        refused.push({ path: request.currentFile, reason: verdict.reason, detail: verdict.detail });
      } else if (currentPath !== undefined) {
        let text = request.currentText;
        if (text === undefined) {
          const listed = this.filesByPath.get(currentPath);
          text = listed ? await this.index.textOf(listed) : undefined;
          if (text === undefined) {
            const result = await this.reader.read(currentPath);
            if (result.ok) {
              text = result.text;
            } else {
              refused.push({ path: request.currentFile, reason: result.reason, detail: result.detail });
            }
          }
        }
        if (text !== undefined) {
          const language = languageForPath(currentPath, text);
          currentFile = { path: currentPath, text, ...(language ? { language } : {}) };
          if (language && (await this.parser.parse(currentPath, text))) {
            ({ enclosingSymbol, relatedDefinitions } = await this.analyse(currentPath, language, request, files));
          }
        }
      }
    }

    const repoMap = await this.buildRepoMap();
    return {
      repoMap,
      ...(currentFile ? { currentFile } : {}),
      ...(enclosingSymbol ? { enclosingSymbol } : {}),
      relatedDefinitions,
      refused,
    };
  }

  private async analyse(path: string, language: LanguageId, request: ContextRequest, files: readonly ListedFile[]): Promise<{ enclosingSymbol?: EnclosingSymbol; relatedDefinitions: RelatedDefinition[] }> {
    const at = request.selection ?? { line: 0, character: 0 };
    const selection: Range = isRange(at) ? at : { start: at, end: at };
    // These calls use the cached tree synchronously (no await in between), so eviction cannot interleave.
    const enclosingSymbol = this.parser.enclosingSymbol(path, selection);
    const ownDeclarations: readonly Declaration[] = this.parser.declarations(path) ?? [];
    const empty = comparePositions(selection.start, selection.end) === 0;
    const scope: Range = !empty
      ? selection
      : enclosingSymbol?.range ?? { start: { line: selection.start.line, character: 0 }, end: { line: selection.start.line + 1, character: 0 } };
    const names = this.parser.identifiersIn(path, scope).slice(0, MAX_NAMES);

    const prefer = [path, ...(request.openFiles ?? []).map((p) => normalizePath(p)).filter((p): p is string => p !== undefined && p !== path)];
    const found = await this.index.findDefinitions(names, files, {
      prefer,
      language,
      overrides: new Map([[path, ownDeclarations]]),
      maxPerName: this.settings.maxDefinitionsPerName ?? 3,
      maxTotal: (this.settings.maxRelatedDefinitions ?? 12) + 8,
      maxTextChars: this.settings.maxDefinitionChars ?? 4_000,
    });
    // Not the code being asked about: drop declarations in the current file that contain or lie in the scope.
    const relatedDefinitions = found
      .filter((d) => d.path !== path || !(contains(d.range, scope) || contains(scope, d.range) || (enclosingSymbol && overlaps(d.range, enclosingSymbol.range) && d.name === enclosingSymbol.name)))
      .slice(0, this.settings.maxRelatedDefinitions ?? 12);
    return { ...(enclosingSymbol ? { enclosingSymbol } : {}), relatedDefinitions };
  }
}
