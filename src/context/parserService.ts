import { promises as fsp } from 'fs';
import { createRequire } from 'module';
import { performance } from 'perf_hooks';
import type * as TreeSitter from 'web-tree-sitter';
import type { TreeSitterAssets } from './assets';
import { languageForPath } from './languages';
import { collectIdentifiers, extractDeclarations, findEnclosingSymbol } from './symbols';
import { isRange, type Declaration, type EnclosingSymbol, type LanguageId, type Position, type Range } from './types';

/**
 * Tree-sitter parsing for the context engine: the runtime is loaded on first use (never at activation), one
 * grammar and one parser per language on first use of that language, and syntax trees are cached per
 * document (key: path) in an LRU and updated incrementally on edits.
 *
 * Loading: web-tree-sitter's CommonJS build is `require`d by path from the assets folder and initialised
 * with the runtime `.wasm` read from disk; grammars are read from disk and passed as bytes. Nothing is
 * fetched. (A dynamic `import()` of the package would make esbuild bundle its ES-module build,
 * whose `import.meta.url` is empty in the CommonJS extension bundle and crashes at init; requiring the
 * copied `tree-sitter.cjs` keeps the runtime out of the bundle and lazy.)
 *
 * Time limit: every parse passes web-tree-sitter 0.25's `progressCallback` (called periodically during the
 * parse; returning `true` cancels it — the replacement for the deprecated `setTimeoutMicros`). A parse
 * that runs past `parseTimeoutMs` is cancelled and the file is treated as having no tree.
 *
 * Trees hold wasm memory: every tree this service drops (eviction, replacement, `forget`, `dispose`) is
 * `delete()`d. Trees never leave the service; callers get plain data.
 */

type Runtime = typeof TreeSitter;

/** A text change in the form tree-sitter wants: character offsets and positions before and after. */
export interface TreeEdit {
  readonly startIndex: number;
  readonly oldEndIndex: number;
  readonly newEndIndex: number;
  readonly startPosition: Position;
  readonly oldEndPosition: Position;
  readonly newEndPosition: Position;
}

export interface ParserServiceOptions {
  /** Trees kept (LRU); default 200. */
  readonly maxTrees?: number;
  /** A single parse is cancelled after this long; default 1,000 ms. */
  readonly parseTimeoutMs?: number;
}

interface CachedTree {
  readonly language: LanguageId;
  text: string;
  tree: TreeSitter.Tree;
}

/** One runtime per `tree-sitter.cjs`: `Parser.init` replaces the module's global wasm instance, so only once. */
const runtimes = new Map<string, Promise<Runtime>>();

function loadRuntime(assets: TreeSitterAssets): Promise<Runtime> {
  let runtime = runtimes.get(assets.runtimeScript);
  if (!runtime) {
    runtime = (async () => {
      const requireFromAssets = createRequire(assets.runtimeScript);
      const module = requireFromAssets(assets.runtimeScript) as Runtime;
      const wasmBinary = await fsp.readFile(assets.runtimeWasm);
      await module.Parser.init({ locateFile: () => assets.runtimeWasm, wasmBinary });
      return module;
    })();
    runtime.catch(() => runtimes.delete(assets.runtimeScript));
    runtimes.set(assets.runtimeScript, runtime);
  }
  return runtime;
}

function toPoint(position: Position): TreeSitter.Point {
  return { row: position.line, column: position.character };
}

/** The position just after `inserted` when it is inserted at `start`. */
function positionAfter(start: Position, inserted: string): Position {
  const lastBreak = inserted.lastIndexOf('\n');
  if (lastBreak < 0) {
    return { line: start.line, character: start.character + inserted.length };
  }
  let lines = 0;
  for (let i = inserted.indexOf('\n'); i >= 0; i = inserted.indexOf('\n', i + 1)) {
    lines++;
  }
  return { line: start.line + lines, character: inserted.length - lastBreak - 1 };
}

/** One change as VS Code reports it (`TextDocumentContentChangeEvent`): the replaced range, its offset and length, the new text. */
export interface ContentChange {
  readonly range: Range;
  readonly rangeOffset: number;
  readonly rangeLength: number;
  readonly text: string;
}

/** The `TreeEdit` for one change (see `ParserService.applyChanges` for a whole change event). */
export function editForChange(change: ContentChange): TreeEdit {
  return {
    startIndex: change.rangeOffset,
    oldEndIndex: change.rangeOffset + change.rangeLength,
    newEndIndex: change.rangeOffset + change.text.length,
    startPosition: change.range.start,
    oldEndPosition: change.range.end,
    newEndPosition: positionAfter(change.range.start, change.text),
  };
}

/** Tells a tree about an edit, so the next parse can reuse it. */
function editTree(tree: TreeSitter.Tree, edit: TreeEdit): void {
  tree.edit({
    startIndex: edit.startIndex,
    oldEndIndex: edit.oldEndIndex,
    newEndIndex: edit.newEndIndex,
    startPosition: toPoint(edit.startPosition),
    oldEndPosition: toPoint(edit.oldEndPosition),
    newEndPosition: toPoint(edit.newEndPosition),
  });
}

export class ParserService {
  private readonly assets: TreeSitterAssets;
  private readonly maxTrees: number;
  private readonly parseTimeoutMs: number;
  private readonly languages = new Map<LanguageId, Promise<TreeSitter.Language>>();
  private readonly parsers = new Map<LanguageId, TreeSitter.Parser>();
  /** Insertion order = recency (oldest first). */
  private readonly trees = new Map<string, CachedTree>();
  private runtime: Runtime | undefined;
  private disposed = false;
  /** Parses cancelled by the time limit since creation (for diagnostics and tests). */
  timedOut = 0;

  constructor(assets: TreeSitterAssets, options: ParserServiceOptions = {}) {
    this.assets = assets;
    this.maxTrees = Math.max(1, options.maxTrees ?? 200);
    this.parseTimeoutMs = options.parseTimeoutMs ?? 1_000;
  }

  /** The grammar for a path (by extension; `.h` with C++ content is C++). */
  static languageFor(path: string, text?: string): LanguageId | undefined {
    return languageForPath(path, text);
  }

  /** Loads the runtime and the grammar of `language` (each once). Rejects once the service is disposed. */
  async load(language: LanguageId): Promise<TreeSitter.Parser> {
    const parser = await this.loadUnlessDisposed(language);
    if (!parser) {
      throw new Error('ParserService disposed');
    }
    return parser;
  }

  /** `load`, or `undefined` when the service is disposed before the parser exists (no parser is created then). */
  private async loadUnlessDisposed(language: LanguageId): Promise<TreeSitter.Parser | undefined> {
    const existing = this.parsers.get(language);
    if (existing) {
      return existing;
    }
    const runtime = await loadRuntime(this.assets);
    this.runtime = runtime;
    let pending = this.languages.get(language);
    if (!pending) {
      pending = fsp.readFile(this.assets.grammars[language]).then((bytes) => runtime.Language.load(bytes));
      pending.catch(() => this.languages.delete(language));
      this.languages.set(language, pending);
    }
    const grammar = await pending;
    let parser = this.parsers.get(language);
    if (!parser && this.disposed) {
      return undefined;
    }
    if (!parser) {
      parser = new runtime.Parser();
      parser.setLanguage(grammar);
      this.parsers.set(language, parser);
    }
    return parser;
  }

  /** The runtime's ABI range and each loaded grammar's ABI version (for diagnostics and tests). */
  abiInfo(): { runtime: { min: number; max: number } | undefined; grammars: Partial<Record<LanguageId, number>> } {
    const grammars: Partial<Record<LanguageId, number>> = {};
    for (const [id, parser] of this.parsers) {
      if (parser.language) {
        grammars[id] = parser.language.abiVersion;
      }
    }
    return { runtime: this.runtime ? { min: this.runtime.MIN_COMPATIBLE_VERSION, max: this.runtime.LANGUAGE_VERSION } : undefined, grammars };
  }

  private parseWith(parser: TreeSitter.Parser, text: string, oldTree?: TreeSitter.Tree): TreeSitter.Tree | null {
    const deadline = performance.now() + this.parseTimeoutMs;
    // Returning true cancels the parse (web-tree-sitter 0.25); the declared type says void, the runtime reads the value.
    const tree = parser.parse(text, oldTree ?? null, { progressCallback: () => performance.now() > deadline });
    if (!tree) {
      parser.reset();
      this.timedOut++;
    }
    return tree;
  }

  private remember(path: string, entry: CachedTree): void {
    const previous = this.trees.get(path);
    if (previous) {
      this.trees.delete(path);
      if (previous.tree !== entry.tree) {
        previous.tree.delete();
      }
    }
    this.trees.set(path, entry);
    while (this.trees.size > this.maxTrees) {
      const [oldestPath, oldest] = this.trees.entries().next().value as [string, CachedTree];
      this.trees.delete(oldestPath);
      oldest.tree.delete();
    }
  }

  private touch(path: string): CachedTree | undefined {
    const entry = this.trees.get(path);
    if (entry) {
      this.trees.delete(path);
      this.trees.set(path, entry);
    }
    return entry;
  }

  /**
   * Parses `text` as the document `path` and caches the tree. Reuses the cached tree when the text is the same.
   * Resolves `false` for a file without a grammar, or when the parse timed out.
   */
  async parse(path: string, text: string): Promise<boolean> {
    const cached = this.touch(path);
    if (cached && cached.text === text) {
      return true;
    }
    const language = languageForPath(path, text);
    if (!language || this.disposed) {
      return false;
    }
    const parser = await this.loadUnlessDisposed(language);
    if (!parser || this.disposed) {
      return false;
    }
    const current = this.trees.get(path);
    if (current && current.text === text) {
      return true;
    }
    const tree = this.parseWith(parser, text);
    if (!tree) {
      this.forget(path);
      return false;
    }
    this.remember(path, { language, text, tree });
    return true;
  }

  /**
   * Updates the cached tree of `path` after an edit: `tree.edit()`, then a reparse that reuses the old tree.
   * Returns false (and forgets the tree) if there is none cached, the edit does not fit the text lengths, or
   * the reparse timed out; the next `parse` then starts afresh.
   */
  applyEdit(path: string, edit: TreeEdit, newText: string): boolean {
    const entry = this.touch(path);
    if (!entry) {
      return false;
    }
    const parser = this.parsers.get(entry.language);
    const expectedLength = entry.text.length - (edit.oldEndIndex - edit.startIndex) + (edit.newEndIndex - edit.startIndex);
    if (!parser || expectedLength !== newText.length || edit.startIndex > edit.oldEndIndex || edit.startIndex > edit.newEndIndex) {
      this.forget(path);
      return false;
    }
    editTree(entry.tree, edit);
    return this.reparse(path, entry, parser, newText);
  }

  /**
   * Updates the cached tree of `path` for one `onDidChangeTextDocument` event: every change is applied to
   * the tree (`tree.edit`) and to the cached text in the order given (VS Code orders them so that this is
   * valid), then one incremental reparse. `newText` is the document's text afterwards, or only its length
   * (the parser worker is not sent the whole text on every keystroke; then only the length is verified);
   * if the changes do not produce it, the tree is forgotten and false returned (the next `parse` starts afresh).
   */
  applyChanges(path: string, changes: readonly ContentChange[], newText: string | number): boolean {
    const entry = this.touch(path);
    if (!entry) {
      return false;
    }
    const parser = this.parsers.get(entry.language);
    let text = entry.text;
    for (const change of changes) {
      if (change.rangeOffset < 0 || change.rangeLength < 0 || change.rangeOffset + change.rangeLength > text.length) {
        this.forget(path);
        return false;
      }
      editTree(entry.tree, editForChange(change));
      text = text.slice(0, change.rangeOffset) + change.text + text.slice(change.rangeOffset + change.rangeLength);
    }
    if (!parser || (typeof newText === 'number' ? text.length !== newText : text !== newText)) {
      this.forget(path);
      return false;
    }
    return this.reparse(path, entry, parser, text);
  }

  /** Reparses an edited tree, reusing it; forgets the tree when the parse is cancelled by the time limit. */
  private reparse(path: string, entry: CachedTree, parser: TreeSitter.Parser, newText: string): boolean {
    const tree = this.parseWith(parser, newText, entry.tree);
    if (!tree) {
      this.forget(path);
      return false;
    }
    entry.tree.delete();
    entry.tree = tree;
    entry.text = newText;
    return true;
  }

  /** Is there a cached tree for `path`? */
  has(path: string): boolean {
    return this.trees.has(path);
  }

  /** The text the cached tree of `path` was parsed from. */
  textOf(path: string): string | undefined {
    return this.trees.get(path)?.text;
  }

  /** Top-level declarations (with one level of members) of the cached document. */
  declarations(path: string): Declaration[] | undefined {
    const entry = this.touch(path);
    return entry ? extractDeclarations(entry.language, entry.tree.rootNode, entry.text) : undefined;
  }

  /** The innermost named function, method or class around a position or range of the cached document. */
  enclosingSymbol(path: string, at: Position | Range): EnclosingSymbol | undefined {
    const entry = this.touch(path);
    if (!entry) {
      return undefined;
    }
    const range = isRange(at) ? at : { start: at, end: at };
    return findEnclosingSymbol(entry.language, entry.tree.rootNode, entry.text, range);
  }

  /** The names a range of the cached document uses, in order of first appearance. */
  identifiersIn(path: string, range: Range): string[] {
    const entry = this.touch(path);
    return entry ? collectIdentifiers(entry.language, entry.tree.rootNode, entry.text, range) : [];
  }

  /**
   * Declarations of a file that is not being edited: parse, extract, delete the tree (nothing cached here;
   * callers cache the data). `undefined` for a file without a grammar or a parse that timed out.
   */
  async declarationsOnce(path: string, text: string): Promise<Declaration[] | undefined> {
    const cached = this.trees.get(path);
    if (cached && cached.text === text) {
      return extractDeclarations(cached.language, cached.tree.rootNode, text);
    }
    const language = languageForPath(path, text);
    if (!language || this.disposed) {
      return undefined;
    }
    const parser = await this.loadUnlessDisposed(language);
    if (!parser || this.disposed) {
      return undefined;
    }
    const tree = this.parseWith(parser, text);
    if (!tree) {
      return undefined;
    }
    try {
      return extractDeclarations(language, tree.rootNode, text);
    } finally {
      tree.delete();
    }
  }

  /** Drops the cached tree of `path`. */
  forget(path: string): void {
    const entry = this.trees.get(path);
    if (entry) {
      this.trees.delete(path);
      entry.tree.delete();
    }
  }

  /** Number of cached trees. */
  get size(): number {
    return this.trees.size;
  }

  dispose(): void {
    this.disposed = true;
    for (const entry of this.trees.values()) {
      entry.tree.delete();
    }
    this.trees.clear();
    for (const parser of this.parsers.values()) {
      parser.delete();
    }
    this.parsers.clear();
  }
}
