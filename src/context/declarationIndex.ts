import { Slicer } from './cooperative';
import { parentOf, type ContextReader, type ListedFile } from './exclusion';
import { generatedByContent, type GeneratedSignal } from './generated';
import { extractImports, type ImportRef, type ModuleLayout } from './imports';
import { languageForPath, sameFamily } from './languages';
import { importanceTier } from './repoMap';
import type { SyntaxService } from './syntaxService';
import { compareStrings, type Declaration, type LanguageId, type RelatedDefinition } from './types';

/**
 * Where symbols are declared in the workspace, and what each file imports:
 *  - every listed source file is read once (and again only when it changes), in batches that yield to the
 *    event loop: files whose content looks generated (`generatedByContent`) are set aside and stay out of
 *    lookups and the repo map; the others give a candidate index (`name → files that appear to declare it`)
 *    from a lexical scan per language (`function x`, `class X`, `def x`, `fn x`, `func (r) X`, …) and their
 *    imports, resolved to workspace files through the `ModuleLayout` (the reference graph the repo map ranks);
 *  - declarations per file (top level plus one level of members), extracted from a syntax tree (off the
 *    extension host's thread, see SyntaxService) when a file is first needed and kept as plain data.
 * Related definitions are looked up through the current file's imports first (re-exports followed), then in
 * its package, and by name anywhere only as the last resort; never the code being asked about.
 * Which files a lookup examines depends only on the workspace and the request, never on what is cached,
 * so results are deterministic and the caches only make them faster. Every read goes through the
 * `ContextReader`; the work per request is proportional to what changed, not to the workspace.
 */

const READ_CONCURRENCY = 32;

/** Lexical hints of a declaration; group 1 is the declared name. Best effort: they only pick files to parse. */
const KEYWORD = /\b(?:function\*?|class|interface|type|enum|struct|union|trait|def|func|fn|namespace|module|mod|record|macro_rules!)[ \t]+([A-Za-z_$][\w$]*)/g;
const GO_METHOD = /\bfunc[ \t]*\([^)\n]*\)[ \t]*([A-Za-z_]\w*)/g;
const JS_FUNCTION_VALUE = /\b(?:const|let|var)[ \t]+([A-Za-z_$][\w$]*)[ \t]*=[ \t]*(?:async[ \t]+)?(?:function\b|class\b|\([^)\n]*\)[^=\n;]*=>|[A-Za-z_$][\w$]*[ \t]*=>)/g;
/** `long total(`, `public static Foo bar(`, `async method(`, `double Matrix::at(` at the start of a line. */
const TYPED_CALLABLE = /^[ \t]*(?:[\w$:<>,*&[\]?.]+[ \t]+){1,8}[*&]*(?:[A-Za-z_]\w*::)*([A-Za-z_$][\w$]*)[ \t]*\(/gm;
/** `name(…) … {` at the start of a line: methods, and C functions whose return type is on the line before. */
const BARE_CALLABLE = /^[ \t]*([A-Za-z_$][\w$]*)[ \t]*(?:<[^>\n]*>)?\([^)\n]*\)[^;\n]*\{/gm;
/** `Matrix::Matrix(` (C++ constructors and methods defined outside their class). */
const CPP_QUALIFIED = /^[ \t]*(?:[A-Za-z_]\w*::)+([A-Za-z_~]\w*)[ \t]*\(/gm;
/** Methods of a Go interface: `Name(args) results` alone on a line. */
const GO_INTERFACE_METHOD = /^[ \t]+([A-Za-z_]\w*)\([^)\n]*\)[^{}=\n]*$/gm;
const C_TYPEDEF_TAIL = /^\}[ \t]*([A-Za-z_]\w*)[ \t]*;/gm;
const C_TYPEDEF = /\btypedef\b[^;{]*?([A-Za-z_]\w*)[ \t]*;/g;
const CPP_ALIAS = /\busing[ \t]+([A-Za-z_]\w*)[ \t]*=/g;

const HINTS_BY_LANGUAGE: Readonly<Record<LanguageId, readonly RegExp[]>> = {
  typescript: [KEYWORD, JS_FUNCTION_VALUE, TYPED_CALLABLE, BARE_CALLABLE],
  tsx: [KEYWORD, JS_FUNCTION_VALUE, TYPED_CALLABLE, BARE_CALLABLE],
  javascript: [KEYWORD, JS_FUNCTION_VALUE, TYPED_CALLABLE, BARE_CALLABLE],
  python: [KEYWORD],
  go: [KEYWORD, GO_METHOD, GO_INTERFACE_METHOD],
  rust: [KEYWORD],
  java: [KEYWORD, TYPED_CALLABLE],
  csharp: [KEYWORD, TYPED_CALLABLE, BARE_CALLABLE],
  c: [KEYWORD, TYPED_CALLABLE, BARE_CALLABLE, C_TYPEDEF_TAIL, C_TYPEDEF],
  cpp: [KEYWORD, TYPED_CALLABLE, BARE_CALLABLE, CPP_QUALIFIED, C_TYPEDEF_TAIL, C_TYPEDEF, CPP_ALIAS],
};

/** `return foo(` and the like are calls, not declarations. */
const NOT_A_DECLARATION = /\b(?:return|new|else|throw|await|case|yield|delete|typeof|sizeof|in|of|not|and|or|goto|echo|print|do|then|co_return|co_yield)[ \t]+[*&]*[A-Za-z_$][\w$]*[ \t]*\($/;

/** Names `text` (in `language`) appears to declare, deduplicated. */
export function declarationHints(language: LanguageId, text: string): Set<string> {
  const names = new Set<string>();
  for (const re of HINTS_BY_LANGUAGE[language]) {
    re.lastIndex = 0;
    for (const match of text.matchAll(re)) {
      const name = match[1];
      if (name && name.length > 1 && !(match[0].endsWith('(') && NOT_A_DECLARATION.test(match[0]))) {
        names.add(name);
      }
    }
  }
  return names;
}

export interface LookupRequest {
  /** The current file and its language. */
  readonly path: string;
  readonly language: LanguageId;
  /** Names used where the user works, in order of appearance. */
  readonly names: readonly string[];
  /** Declarations of the current document (it may have unsaved edits). */
  readonly ownDeclarations: readonly Declaration[];
  /** Imports of the current document. */
  readonly imports: readonly ImportRef[];
  /** The code being asked about: a definition with the same text is not sent back as "related". */
  readonly scopeText?: string;
  /** Open files, most recent first: preferred among equals. */
  readonly prefer?: readonly string[];
  /** Definitions per name (default 3) and in all (default 16). */
  readonly maxPerName?: number;
  readonly maxTotal?: number;
  /** Files examined per name (default 8) and in all (default 64). */
  readonly maxFilesPerName?: number;
  readonly maxFiles?: number;
  /** A definition's text is included when it is at most this long (default 4,000 characters). */
  readonly maxTextChars?: number;
}

interface CachedDeclarations {
  readonly size: number;
  readonly mtimeMs: number;
  readonly declarations: readonly Declaration[];
}

interface FileEntry {
  readonly id: number;
  readonly generated?: GeneratedSignal;
  /** Workspace files this one imports (resolved, deduplicated, sorted). */
  readonly imports: readonly string[];
}

type Via = NonNullable<RelatedDefinition['via']>;

interface Found {
  readonly name: string;
  readonly path: string;
  readonly declaration: Declaration;
  readonly via: Via;
}

/** Top-level declarations and their members, in source order. */
export function flattenDeclarations(declarations: readonly Declaration[]): Declaration[] {
  const out: Declaration[] = [];
  for (const d of declarations) {
    out.push(d);
    if (d.members) {
      out.push(...d.members);
    }
  }
  return out;
}

const MAX_REEXPORT_HOPS = 3;
const normalizeCode = (text: string): string => text.replace(/\s+/g, ' ').trim();

export class DeclarationIndex {
  private readonly reader: ContextReader;
  private readonly syntax: SyntaxService;
  private readonly layout: ModuleLayout;
  private readonly slicer = new Slicer();
  private readonly declarations = new Map<string, CachedDeclarations>();
  private readonly entries = new Map<string, FileEntry>();
  /** Listed source files not read since they were listed or changed. */
  private readonly stale = new Set<string>();
  /** name → ids of files that appear to declare it; an id is live while `pathOfId` has it. */
  private readonly postings = new Map<string, number[]>();
  private readonly pathOfId = new Map<number, string>();
  private nextId = 1;
  private deadIds = 0;
  /** Text of recently used files (for definitions' text), keyed by path. */
  private readonly texts = new Map<string, { size: number; mtimeMs: number; text: string }>();
  private readonly maxTexts: number;
  /** Bumped when a file's resolved imports (the reference graph) change. */
  graphVersion = 0;

  constructor(reader: ContextReader, syntax: SyntaxService, layout: ModuleLayout, options: { maxCachedTexts?: number } = {}) {
    this.reader = reader;
    this.syntax = syntax;
    this.layout = layout;
    this.maxTexts = options.maxCachedTexts ?? 64;
  }

  /** A listed file is new or changed: forget what was known, read it again at the next `update`. */
  markStale(path: string): void {
    this.dropCaches(path);
    if (languageForPath(path) !== undefined) this.stale.add(path);
  }

  /** A file left the listing. */
  remove(path: string): void {
    this.dropCaches(path);
    this.stale.delete(path);
    const entry = this.entries.get(path);
    if (entry) {
      this.entries.delete(path);
      this.pathOfId.delete(entry.id);
      this.deadIds++;
      if (entry.imports.length > 0) this.graphVersion++;
    }
  }

  private dropCaches(path: string): void {
    this.declarations.delete(path);
    this.texts.delete(path);
  }

  /** Listed source files not read yet (or since they changed). */
  get pending(): number {
    return this.stale.size;
  }

  /** Source files read and indexed, and how many of them look generated. */
  get counts(): { indexed: number; generated: number; stale: number } {
    let generated = 0;
    for (const e of this.entries.values()) if (e.generated) generated++;
    return { indexed: this.entries.size, generated, stale: this.stale.size };
  }

  /** Why a file looks generated (it is then left out of lookups and the map), or undefined. */
  generated(path: string): GeneratedSignal | undefined {
    return this.entries.get(path)?.generated;
  }

  /** Workspace files `path` imports (after `update`). */
  importsOf(path: string): readonly string[] {
    return this.entries.get(path)?.imports ?? [];
  }

  /** The text of a listed file (kept in a small LRU keyed by size and mtime), or `undefined` if refused. */
  async textOf(file: ListedFile): Promise<string | undefined> {
    const cached = this.texts.get(file.path);
    if (cached && cached.size === file.size && cached.mtimeMs === file.mtimeMs) {
      this.texts.delete(file.path);
      this.texts.set(file.path, cached);
      return cached.text;
    }
    const result = await this.reader.readListed(file);
    if (!result.ok) {
      return undefined;
    }
    this.rememberText(file, result.text);
    return result.text;
  }

  private rememberText(file: ListedFile, text: string): void {
    this.texts.delete(file.path);
    this.texts.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, text });
    while (this.texts.size > this.maxTexts) {
      this.texts.delete(this.texts.keys().next().value as string);
    }
  }

  /** Cached declarations of a listed file, if it was parsed since it last changed. */
  peek(file: ListedFile): readonly Declaration[] | undefined {
    const cached = this.declarations.get(file.path);
    return cached && cached.size === file.size && cached.mtimeMs === file.mtimeMs ? cached.declarations : undefined;
  }

  /** Declarations of a listed file (parsed once per change, off the host's thread). Generated files have none. */
  async declarationsOf(file: ListedFile): Promise<readonly Declaration[]> {
    const known = this.peek(file);
    if (known) {
      return known;
    }
    let declarations: readonly Declaration[] = [];
    const entry = this.entries.get(file.path);
    if (languageForPath(file.path) && !entry?.generated) {
      const text = await this.textOf(file);
      // A file the index has not read yet is judged here, so minified code is never parsed for the map.
      if (text !== undefined && (entry || !generatedByContent(text))) {
        const parsed = await this.syntax.declarationsOnce(file.path, text);
        // A parse that timed out (e.g. on a loaded machine) is not remembered: the next use tries again.
        if (parsed === undefined) return [];
        declarations = parsed;
      }
    }
    this.declarations.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, declarations });
    return declarations;
  }

  /** Reads every stale source file once: generated or not, declaration hints, resolved imports. */
  async update(lookup: (path: string) => ListedFile | undefined): Promise<void> {
    if (this.stale.size === 0) return;
    const paths = [...this.stale]; // reading order does not matter: lookups sort what they find
    for (let i = 0; i < paths.length; i += READ_CONCURRENCY) {
      const batch = paths.slice(i, i + READ_CONCURRENCY);
      const files = batch.map((p) => lookup(p));
      const results = await Promise.all(files.map((f) => (f ? this.reader.readListed(f) : Promise.resolve(undefined))));
      for (let k = 0; k < batch.length; k++) {
        const path = batch[k];
        this.stale.delete(path);
        const result = results[k];
        const previous = this.entries.get(path);
        if (previous) {
          this.pathOfId.delete(previous.id);
          this.deadIds++;
          this.entries.delete(path);
        }
        if (!result?.ok) {
          if (previous?.imports.length) this.graphVersion++;
          continue;
        }
        const entry = this.indexText(path, result.text);
        this.rememberText(files[k] as ListedFile, result.text); // the repo map or a lookup may parse it next
        if (!sameList(previous?.imports ?? [], entry.imports)) this.graphVersion++;
        if (this.slicer.due) await this.slicer.pause();
      }
      await this.slicer.pause();
    }
    this.compact();
  }

  private indexText(path: string, text: string): FileEntry {
    const id = this.nextId++;
    const generated = generatedByContent(text);
    const language = languageForPath(path, text);
    let imports: string[] = [];
    if (!generated && language) {
      this.pathOfId.set(id, path);
      for (const word of declarationHints(language, text)) {
        const list = this.postings.get(word);
        if (list) list.push(id);
        else this.postings.set(word, [id]);
      }
      const targets = new Set<string>();
      for (const ref of extractImports(language, text)) {
        const resolved = this.layout.resolve(path, ref, language)[0];
        if (resolved !== undefined && resolved !== path) targets.add(resolved);
      }
      imports = [...targets].sort(compareStrings);
    }
    const entry: FileEntry = { id, ...(generated ? { generated } : {}), imports };
    this.entries.set(path, entry);
    return entry;
  }

  private compact(): void {
    if (this.deadIds < 1_000 || this.deadIds < this.pathOfId.size) {
      return;
    }
    for (const [word, ids] of this.postings) {
      const live = ids.filter((id) => this.pathOfId.has(id));
      if (live.length === 0) {
        this.postings.delete(word);
      } else {
        this.postings.set(word, live);
      }
    }
    this.deadIds = 0;
  }

  /** Paths of indexed files that appear to declare `name`. */
  filesDeclaring(name: string): string[] {
    const ids = this.postings.get(name) ?? [];
    const out: string[] = [];
    for (const id of ids) {
      const path = this.pathOfId.get(id);
      if (path !== undefined) {
        out.push(path);
      }
    }
    return out;
  }

  /**
   * Where the names used at the cursor are declared: through the current file's imports (following
   * re-exports), in the current file, then in its package, then by name anywhere (ordinary sources before
   * tests, examples and fixtures). A name bound by an import of a package outside the workspace is not looked
   * up by name (a same-named function elsewhere would be the wrong one). Deterministic.
   */
  async findDefinitions(request: LookupRequest, lookup: (path: string) => ListedFile | undefined): Promise<RelatedDefinition[]> {
    const maxPerName = request.maxPerName ?? 3;
    const maxTotal = request.maxTotal ?? 16;
    const maxFilesPerName = request.maxFilesPerName ?? 8;
    const maxFiles = request.maxFiles ?? 64;
    const wanted = [...new Set(request.names)].filter((n) => n.length > 1);
    if (wanted.length === 0) return [];
    const { path: current, language } = request;
    const preferRank = new Map<string, number>();
    (request.prefer ?? []).forEach((p, i) => {
      if (!preferRank.has(p)) preferRank.set(p, i);
    });
    // Ordinary sources before tests, examples and fixtures, then open files, then path (keys computed once).
    const ordered = (paths: readonly string[]): string[] =>
      paths
        .map((p) => ({ p, tier: importanceTier(p), rank: preferRank.get(p) ?? Number.MAX_SAFE_INTEGER }))
        .sort((a, b) => a.tier - b.tier || a.rank - b.rank || compareStrings(a.p, b.p))
        .map((e) => e.p);
    const usable = (path: string): boolean => {
      if (path === current || !lookup(path) || this.entries.get(path)?.generated) return false;
      const other = languageForPath(path);
      return other !== undefined && sameFamily(language, other);
    };
    const scopeText = request.scopeText !== undefined ? normalizeCode(request.scopeText) : undefined;
    let examined = 0;
    const declarationsIn = async (path: string): Promise<readonly Declaration[]> => {
      const file = lookup(path);
      if (!file || examined >= maxFiles) return [];
      examined++;
      return flattenDeclarations(await this.declarationsOf(file));
    };

    // What the current file's imports bind, and the files namespace imports stand for.
    const bound = new Map<string, { ref: ImportRef; imported: string }>();
    const namespaceFiles: string[] = [];
    for (const ref of request.imports) {
      for (const binding of ref.names) {
        if (!bound.has(binding.local)) bound.set(binding.local, { ref, imported: binding.imported });
        if (binding.imported === '*') namespaceFiles.push(...this.layout.resolve(current, ref, language).filter(usable));
      }
    }
    // A Go package is its folder; elsewhere the package is the nearest folder with a manifest.
    const packageRoot = language === 'go' ? parentOf(current) : this.layout.packageRootOf(current);
    const inPackage = (path: string): boolean =>
      language === 'go' ? parentOf(path) === packageRoot : packageRoot === '' || path.startsWith(`${packageRoot}/`);
    const own = flattenDeclarations(request.ownDeclarations);

    const found: Found[] = [];
    for (const name of wanted) {
      const forName: Found[] = [];
      const take = (path: string, declarations: readonly Declaration[], via: Via, wantedName = name): void => {
        for (const declaration of declarations) {
          if (forName.length < maxPerName && declaration.name === wantedName) forName.push({ name, path, declaration, via });
        }
      };
      take(current, own, 'local');
      const binding = bound.get(name);
      if (binding && forName.length === 0 && binding.imported !== '*') {
        const imported = binding.imported === 'default' ? name : binding.imported;
        const targets = this.layout.resolve(current, binding.ref, language).filter(usable);
        await this.throughImports(targets, imported, (path, decls) => take(path, decls, 'import', imported), declarationsIn, () => forName.length >= maxPerName, usable);
        if (targets.length === 0) continue; // a package outside the workspace: not looked up by name
      }
      if (forName.length === 0 && !binding) {
        for (const path of [...new Set(namespaceFiles)].sort(compareStrings)) take(path, await declarationsIn(path), 'import');
      }
      if (forName.length === 0 && !binding) {
        const candidates = ordered(this.filesDeclaring(name).filter(usable));
        const near = candidates.filter(inPackage).slice(0, maxFilesPerName);
        for (const path of near) take(path, await declarationsIn(path), 'package');
        if (forName.length === 0) {
          for (const path of candidates.filter((p) => !inPackage(p)).slice(0, maxFilesPerName)) take(path, await declarationsIn(path), 'name');
        }
      }
      found.push(...forName);
      if (found.length >= maxTotal + 8) break;
    }

    const maxChars = request.maxTextChars ?? 4_000;
    const out: RelatedDefinition[] = [];
    for (const f of found) {
      if (out.length >= maxTotal) break;
      const d = f.declaration;
      let text: string | undefined;
      const file = f.path === current ? undefined : lookup(f.path);
      if (file && d.endIndex - d.startIndex <= maxChars) {
        text = (await this.textOf(file))?.slice(d.startIndex, d.endIndex);
      }
      // A copy of the code being asked about (a fixture, a vendored duplicate) is not "related".
      if (text !== undefined && scopeText !== undefined && normalizeCode(text) === scopeText) continue;
      out.push({
        name: f.name,
        kind: d.kind,
        path: f.path,
        signature: d.signature,
        range: d.range,
        via: f.via,
        ...(d.container ? { container: d.container } : {}),
        ...(text !== undefined ? { text } : {}),
      });
    }
    return out;
  }

  /** Looks for `name` in `targets`, then through their re-exports (`export … from`), a few hops deep. */
  private async throughImports(
    targets: readonly string[],
    name: string,
    take: (path: string, declarations: readonly Declaration[]) => void,
    declarationsIn: (path: string) => Promise<readonly Declaration[]>,
    done: () => boolean,
    usable: (path: string) => boolean,
  ): Promise<void> {
    const seen = new Set<string>();
    let frontier = [...targets];
    for (let hop = 0; hop <= MAX_REEXPORT_HOPS && frontier.length > 0 && !done(); hop++) {
      const next: string[] = [];
      for (const path of frontier) {
        if (seen.has(path)) continue;
        seen.add(path);
        const declarations = await declarationsIn(path);
        if (declarations.some((d) => d.name === name)) {
          take(path, declarations);
          if (done()) return;
          continue;
        }
        const file = this.entries.has(path) ? path : undefined;
        const language = languageForPath(path);
        if (!file || !language) continue;
        const listed = await this.textFor(path);
        if (listed === undefined) continue;
        for (const ref of extractImports(language, listed)) {
          if (!ref.reexport || !ref.names.some((b) => b.local === name || b.imported === '*')) continue;
          next.push(...this.layout.resolve(path, ref, language).filter(usable));
        }
      }
      frontier = next.sort(compareStrings);
    }
  }

  private lookupForText: ((path: string) => ListedFile | undefined) | undefined;

  /** The text of an indexed file through the LRU (for following re-exports). */
  private async textFor(path: string): Promise<string | undefined> {
    const file = this.lookupForText?.(path);
    return file ? this.textOf(file) : undefined;
  }

  /** Where `textFor` finds listed files (the gatherer's listing). */
  useListing(lookup: (path: string) => ListedFile | undefined): void {
    this.lookupForText = lookup;
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
