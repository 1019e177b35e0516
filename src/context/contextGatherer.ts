import { Slicer } from './cooperative';
import { DeclarationIndex } from './declarationIndex';
import { ContextReader, normalizePath, parentOf, type ExclusionReason, type ListedFile } from './exclusion';
import { extractImports, isManifestPath, ModuleLayout, parseManifest } from './imports';
import { languageForPath } from './languages';
import { buildRepoMap, importanceTier } from './repoMap';
import { rankFilesAsync } from './repoRank';
import type { SyntaxService } from './syntaxService';
import {
  comparePositions,
  isRange,
  type EnclosingSymbol,
  type LanguageId,
  type Position,
  type Range,
  type RelatedDefinition,
} from './types';
import type { WorkspaceFs } from './workspaceFs';
import { WorkspaceListing, type ListingChange } from './workspaceListing';
import { within } from '../core/within';

/**
 * Context for one request, as data for the prompt builder: the repo map, the current file, the symbol
 * around the cursor or selection, and where the symbols the selection uses are declared.
 *
 * The first request walks the workspace (`WorkspaceListing`), reads every source file once for the
 * declaration index and the import graph (`DeclarationIndex`), ranks files by that graph (`rankFilesAsync`)
 * and renders the repo map — all in slices that yield to the event loop, parsing off the host's thread
 * (`SyntaxService`). Warm requests reuse all of it; `fileChanged` / `fileDeleted` queue watcher events, and
 * the next request applies them at a cost proportional to what changed. Nothing is read in an untrusted
 * workspace, and every read goes through the `ContextReader`.
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
  /** Files indexed at most (default 200,000); beyond it the files nearest the open ones are kept, and the log says so. */
  readonly maxIndexedFiles?: number;
  /** How long a request waits for the index to take in new files (default 2,500 ms); the rest is read in the background. */
  readonly indexWaitMs?: number;
  /** How long a request waits for a changed repo map (default 250 ms) before it takes the previous one. */
  readonly mapWaitMs?: number;
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
  readonly syntax: SyntaxService;
  readonly settings: ContextSettings;
  /** Where the engine says what it left out (the output channel in the extension). */
  readonly log?: (line: string) => void;
}

const EMPTY: ContextPieces = Object.freeze({ repoMap: '', relatedDefinitions: Object.freeze([]) as readonly RelatedDefinition[], refused: Object.freeze([]) as ContextPieces['refused'] });
const MAX_NAMES = 48;
/** From this many listed files a repo-map rebuild runs in the background (see `buildRepoMap`). */
const LARGE_WORKSPACE_FILES = 20_000;

function contains(outer: Range, inner: Range): boolean {
  return comparePositions(outer.start, inner.start) <= 0 && comparePositions(inner.end, outer.end) <= 0;
}

function overlaps(a: Range, b: Range): boolean {
  return comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;
}

export class ContextGatherer {
  private readonly settings: ContextSettings;
  private readonly reader: ContextReader;
  private readonly syntax: SyntaxService;
  private readonly listing: WorkspaceListing;
  private readonly layout = new ModuleLayout([], []);
  private readonly index: DeclarationIndex;
  private readonly log: (line: string) => void;
  private readonly slicer = new Slicer();
  private initialised: Promise<void> | undefined;
  private repoMap: string | undefined;
  /** Files whose signatures the current map shows: only an edit to one of them changes the map. */
  private mapFiles = new Set<string>();
  private rank: ReadonlyMap<string, number> = new Map();
  private rankedGraph = -1;
  private indexing: Promise<void> | undefined;
  private mapStale = false;
  private askedOnce = false;
  private rendering: Promise<string> = Promise.resolve('');
  private indexedOnce = false;
  private readonly lookup = (path: string): ListedFile | undefined => this.listing.get(path);

  constructor(options: ContextGathererOptions) {
    this.settings = options.settings;
    this.syntax = options.syntax;
    this.log = options.log ?? (() => undefined);
    this.reader = new ContextReader(options.fs, {
      trusted: options.settings.trusted,
      excludeGlobs: options.settings.excludeGlobs,
      maxFileBytes: options.settings.maxFileBytes,
    });
    this.listing = new WorkspaceListing(this.reader, { maxFiles: options.settings.maxIndexedFiles, log: this.log });
    this.index = new DeclarationIndex(this.reader, this.syntax, this.layout);
    this.index.useListing(this.lookup);
  }

  /** The reader this gatherer uses (for the glue's own checked reads, e.g. pinned files). */
  get contextReader(): ContextReader {
    return this.reader;
  }

  /** A file was created or its content changed on disk (events for excluded paths cost nothing). */
  fileChanged(path: string): void {
    this.listing.noteChanged(path);
  }

  /** A file or folder was deleted. */
  fileDeleted(path: string): void {
    this.listing.noteDeleted(path);
  }

  /** The listing, with pending change events applied. */
  async listFiles(): Promise<readonly ListedFile[]> {
    await this.sync();
    return this.listing.files();
  }

  /** Resolves once the index has read everything listed and the repo map has settled (benches, tests). */
  async settled(): Promise<void> {
    await this.sync();
    while (this.indexing || this.index.pending > 0) {
      await (this.indexing ?? this.waitForIndex());
    }
    await this.buildRepoMap();
    await this.rendering;
  }

  /** Indexing figures (for the log, benches and tests). */
  get stats(): { listed: number; leftOut: number; indexed: number; generated: number } {
    const { indexed, generated } = this.index.counts;
    return { listed: this.listing.size, leftOut: this.listing.leftOutCount, indexed, generated };
  }

  private async init(): Promise<void> {
    await this.listing.ready();
    const files = this.listing.files();
    const manifests: ListedFile[] = [];
    for (let i = 0; i < files.length; i++) {
      const file = files[i];
      this.layout.addFile(file.path);
      this.index.markStale(file.path);
      if (isManifestPath(file.path)) manifests.push(file);
      if ((i & 1023) === 0) await this.slicer.pause();
    }
    for (const file of manifests) await this.readManifest(file.path);
    this.preloadGrammars(files);
  }

  /** Grammars of the workspace's main languages (at least 3 files and 2% of its sources), loaded in the background. */
  private preloadGrammars(files: readonly ListedFile[]): void {
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
    void this.syntax.preload(main).catch(() => undefined);
  }

  private async readManifest(path: string): Promise<void> {
    const file = this.listing.get(path);
    const result = file ? await this.reader.readListed(file) : undefined;
    const manifest = result?.ok ? parseManifest(path, result.text) : undefined;
    if (manifest) this.layout.setManifest(manifest);
    else this.layout.removeManifest(parentOf(path));
  }

  /**
   * The first walk, then queued events; then the index reads what is new or changed, in the background: a
   * request waits for it at most `indexWaitMs` (a warm request's few changed files take far less). Until
   * the first index is complete the repo map is ranked without the import graph, and lookups by name see the
   * files read so far; imports resolve from the listing alone. Conversations keep the map they started with.
   */
  private async sync(): Promise<void> {
    this.initialised ??= this.init().catch((err: unknown) => {
      this.initialised = undefined;
      throw err;
    });
    await this.initialised;
    if (this.listing.hasPending) this.apply(await this.listing.applyPending());
    await this.waitForIndex();
  }

  private waitForIndex(): Promise<void> {
    if (this.index.pending === 0 && !this.indexing) return Promise.resolve();
    const started = performance.now();
    this.indexing ??= this.index.update(this.lookup).then(
      () => {
        this.indexing = undefined;
        if (!this.indexedOnce && this.index.pending === 0) {
          this.indexedOnce = true;
          const { indexed, generated } = this.index.counts;
          this.log(`context: indexed ${indexed.toLocaleString('en-US')} source files (${generated.toLocaleString('en-US')} look generated and stay out) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
        }
      },
      (err: unknown) => {
        this.indexing = undefined;
        this.log(`context: indexing failed (${err instanceof Error ? err.message : String(err)})`);
      },
    );
    // The first request waits for the first index up to the budget; later ones do not wait for it (they use
    // what is read so far); once it is complete, every request waits (briefly) for the few files that changed.
    const wait = !this.indexedOnce && this.askedOnce ? 0 : this.settings.indexWaitMs ?? 2_500;
    this.askedOnce = true;
    if (wait === 0) return Promise.resolve();
    return within(this.indexing, wait).then(() => undefined);
  }

  private apply(change: ListingChange): void {
    let mapChanged = false;
    const manifests: string[] = [];
    for (const path of change.removed) {
      this.layout.removeFile(path);
      this.index.remove(path);
      if (isManifestPath(path)) this.layout.removeManifest(parentOf(path));
      mapChanged ||= languageForPath(path) !== undefined;
    }
    for (const path of change.added) {
      this.layout.addFile(path);
      this.index.markStale(path);
      if (isManifestPath(path)) manifests.push(path);
      mapChanged ||= languageForPath(path) !== undefined;
    }
    for (const path of change.modified) {
      this.index.markStale(path);
      if (isManifestPath(path)) manifests.push(path);
      mapChanged ||= this.mapFiles.has(path);
    }
    if (mapChanged) this.mapStale = true;
    for (const path of manifests) void this.readManifest(path);
  }

  /**
   * The repo map of the saved workspace state, rebuilt only when what it shows may have changed. A rebuild
   * in a large workspace (on 100,000 files the ranking over the import graph and the fitting take seconds of
   * sliced work) runs in the background: a request waits for it at most `mapWaitMs` and otherwise gets the
   * previous map, so the map settles a few seconds after a change. Smaller workspaces always wait. The same workspace state always settles to the same bytes.
   */
  async buildRepoMap(): Promise<string> {
    await this.sync();
    const complete = this.index.pending === 0 && !this.indexing;
    if (complete && this.index.graphVersion !== this.rankedGraph) this.mapStale = true;
    if (this.repoMap !== undefined && !this.mapStale) return this.repoMap;
    this.mapStale = false;
    const build = this.renderMap(complete);
    // Below 20,000 files a rebuild takes well under a second: wait for it, so the map is always current.
    if (this.repoMap === undefined || this.listing.size < LARGE_WORKSPACE_FILES) return build;
    return (await within(build, this.settings.mapWaitMs ?? 250)) ?? this.repoMap;
  }

  /** One render at a time; a render asked for while one runs starts after it (and sees its ranking). */
  private renderMap(complete: boolean): Promise<string> {
    const run = async (): Promise<string> => {
      const sources: ListedFile[] = [];
      const files = this.listing.files();
      for (let i = 0; i < files.length; i++) {
        const f = files[i];
        if (languageForPath(f.path) !== undefined && !this.index.generated(f.path)) sources.push(f);
        if ((i & 4095) === 0) await this.slicer.pause();
      }
      if (complete && this.index.graphVersion !== this.rankedGraph) {
        const graph = this.index.graphVersion;
        this.rank = await rankFilesAsync(
          sources.map((f) => f.path),
          (path) => this.index.importsOf(path),
          { weightOf: (path) => (importanceTier(path) === 0 ? 1 : 0.25) },
          () => this.slicer.pause(),
        );
        this.rankedGraph = graph;
      }
      const shown = new Set<string>();
      const map = await buildRepoMap(sources, {
        tokenBudget: this.settings.repoMapTokens ?? 4_096,
        rank: (path) => this.rank.get(path) ?? 0,
        slicer: this.slicer,
        declarationsOf: async (file) => {
          const declarations = await this.index.declarationsOf(file);
          if (declarations.length > 0) shown.add(file.path);
          return declarations;
        },
      });
      this.mapFiles = shown;
      this.repoMap = map.text;
      return map.text;
    };
    const next = this.rendering.then(run, run);
    this.rendering = next.catch(() => '');
    return next;
  }

  async gather(request: ContextRequest): Promise<ContextPieces> {
    if (!this.settings.trusted) {
      return EMPTY;
    }
    const currentPath = request.currentFile !== undefined ? normalizePath(request.currentFile) : undefined;
    const openFiles = (request.openFiles ?? []).map((p) => normalizePath(p)).filter((p): p is string => p !== undefined);
    this.listing.setFocus([...(currentPath !== undefined ? [currentPath] : []), ...openFiles]);
    await this.sync();
    const refused: { path: string; reason: ExclusionReason; detail: string }[] = [];

    let currentFile: ContextPieces['currentFile'];
    let enclosingSymbol: EnclosingSymbol | undefined;
    let relatedDefinitions: RelatedDefinition[] = [];
    if (request.currentFile !== undefined) {
      const verdict = await this.reader.check(request.currentFile);
      if (!verdict.allowed) {
        refused.push({ path: request.currentFile, reason: verdict.reason, detail: verdict.detail });
      } else if (currentPath !== undefined) {
        if (!this.listing.has(currentPath) && this.listing.leftOutCount > 0) {
          // The cap had left its folder out: it is listed now, with its neighbours.
          const added = await this.listing.include(currentPath);
          if (added.length > 0) {
            this.apply({ added, removed: [], modified: [] });
            await this.waitForIndex();
          }
        }
        let text = request.currentText;
        if (text === undefined) {
          const listed = this.listing.get(currentPath);
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
          if (language) {
            ({ enclosingSymbol, relatedDefinitions } = await this.analyse(currentPath, language, text, request, openFiles));
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

  private async analyse(path: string, language: LanguageId, text: string, request: ContextRequest, openFiles: readonly string[]): Promise<{ enclosingSymbol?: EnclosingSymbol; relatedDefinitions: RelatedDefinition[] }> {
    const at = request.selection ?? { line: 0, character: 0 };
    const selection: Range = isRange(at) ? at : { start: at, end: at };
    const analysis = await this.syntax.analyse(path, text, selection, MAX_NAMES);
    if (!analysis) return { relatedDefinitions: [] };
    const { enclosingSymbol, scope } = analysis;
    const found = await this.index.findDefinitions(
      {
        path,
        language,
        names: analysis.identifiers,
        ownDeclarations: analysis.declarations,
        imports: extractImports(language, text),
        ...(enclosingSymbol ? { scopeText: enclosingSymbol.text } : {}),
        prefer: openFiles.filter((p) => p !== path),
        maxPerName: this.settings.maxDefinitionsPerName ?? 3,
        maxTotal: (this.settings.maxRelatedDefinitions ?? 12) + 8,
        maxTextChars: this.settings.maxDefinitionChars ?? 4_000,
      },
      this.lookup,
    );
    // Not the code being asked about: drop declarations in the current file that contain or lie in the scope.
    const relatedDefinitions = found
      .filter((d) => d.path !== path || !(contains(d.range, scope) || contains(scope, d.range) || (enclosingSymbol && overlaps(d.range, enclosingSymbol.range) && d.name === enclosingSymbol.name)))
      .slice(0, this.settings.maxRelatedDefinitions ?? 12);
    return { ...(enclosingSymbol ? { enclosingSymbol } : {}), relatedDefinitions };
  }
}
