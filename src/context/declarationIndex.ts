import type { ContextReader, ListedFile } from './exclusion';
import { languageForPath, sameFamily } from './languages';
import type { ParserService } from './parserService';
import { compareStrings, type Declaration, type LanguageId, type RelatedDefinition } from './types';

/**
 * Where symbols are declared in the workspace, built lazily:
 *  - a candidate index (`name → files that appear to declare it`) from one read of every source file and a
 *    lexical scan per language (`function x`, `class X`, `def x`, `fn x`, `func (r) X`, `type x(` at the
 *    start of a line, `const x = (…) =>`, `} x_t;`, …), so a lookup parses only likely declaring files;
 *  - declarations per file (top level plus one level of members), extracted from a syntax tree when a
 *    file is first needed (repo map or a lookup) and kept as plain data (the tree is deleted).
 * The scan only chooses which files to parse; what counts as a definition is decided by the syntax tree.
 * Which files a lookup examines depends only on the workspace and the request, never on what is cached,
 * so results are deterministic and the caches only make them faster. Both are invalidated per file; every
 * read goes through the `ContextReader`.
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

export interface FindDefinitionsOptions {
  /** Looked at first, in this order (the current file, then open files). */
  readonly prefer?: readonly string[];
  /** Declarations to use for a file instead of its saved text (the current document with unsaved edits). */
  readonly overrides?: ReadonlyMap<string, readonly Declaration[]>;
  /** Definitions per name (default 3) and in all (default 16). */
  readonly maxPerName?: number;
  readonly maxTotal?: number;
  /** Candidate files examined per name (default 8) and in all (default 64), in preference then path order. */
  readonly maxFilesPerName?: number;
  readonly maxFiles?: number;
  /**
   * A definition's text is included when it is at most this long (default 4,000 characters); never for
   * files in `overrides` (the current document is in the context already).
   */
  readonly maxTextChars?: number;
  /** Only files whose language can be used from this one (`sameFamily`); any language when absent. */
  readonly language?: LanguageId;
}

interface CachedDeclarations {
  readonly size: number;
  readonly mtimeMs: number;
  readonly declarations: readonly Declaration[];
}

interface Found {
  readonly name: string;
  readonly path: string;
  readonly declaration: Declaration;
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

export class DeclarationIndex {
  private readonly reader: ContextReader;
  private readonly parser: ParserService;
  private readonly declarations = new Map<string, CachedDeclarations>();
  /** name → ids of files that appear to declare it; an id is live while `pathOfId` has it. */
  private readonly postings = new Map<string, number[]>();
  private readonly idOfPath = new Map<string, number>();
  private readonly pathOfId = new Map<number, string>();
  private nextId = 1;
  private deadIds = 0;
  /** Text of recently used files (for definitions' text), keyed by path. */
  private readonly texts = new Map<string, { size: number; mtimeMs: number; text: string }>();
  private readonly maxTexts: number;

  constructor(reader: ContextReader, parser: ParserService, options: { maxCachedTexts?: number } = {}) {
    this.reader = reader;
    this.parser = parser;
    this.maxTexts = options.maxCachedTexts ?? 64;
  }

  /** Forget everything known about `path` (changed or deleted). */
  invalidate(path: string): void {
    this.declarations.delete(path);
    this.texts.delete(path);
    const id = this.idOfPath.get(path);
    if (id !== undefined) {
      this.idOfPath.delete(path);
      this.pathOfId.delete(id);
      this.deadIds++;
    }
  }

  /** Files with declarations cached (for tests and diagnostics). */
  get cachedFiles(): number {
    return this.declarations.size;
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

  /** Declarations of a listed file (parsed once per change). Files without a grammar have none. */
  async declarationsOf(file: ListedFile): Promise<readonly Declaration[]> {
    const known = this.peek(file);
    if (known) {
      return known;
    }
    let declarations: readonly Declaration[] = [];
    if (languageForPath(file.path)) {
      const text = await this.textOf(file);
      if (text !== undefined) {
        this.indexHints(file.path, text);
        declarations = (await this.parser.declarationsOnce(file.path, text)) ?? [];
      }
    }
    this.declarations.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, declarations });
    return declarations;
  }

  private indexHints(path: string, text: string): void {
    const language = languageForPath(path, text);
    if (this.idOfPath.has(path) || !language) {
      return;
    }
    const id = this.nextId++;
    this.idOfPath.set(path, id);
    this.pathOfId.set(id, path);
    for (const word of declarationHints(language, text)) {
      const list = this.postings.get(word);
      if (list) {
        list.push(id);
      } else {
        this.postings.set(word, [id]);
      }
    }
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

  /** Reads every not-yet-indexed source file once and adds its declaration hints to the index. */
  async ensureIndexed(files: readonly ListedFile[]): Promise<void> {
    const missing = files.filter((f) => !this.idOfPath.has(f.path) && languageForPath(f.path) !== undefined);
    for (let i = 0; i < missing.length; i += READ_CONCURRENCY) {
      const batch = missing.slice(i, i + READ_CONCURRENCY);
      const results = await Promise.all(batch.map((f) => this.reader.readListed(f)));
      results.forEach((result, k) => {
        if (result.ok) {
          this.indexHints(result.path, result.text);
          this.rememberText(batch[k], result.text);
        }
      });
    }
    this.compact();
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
   * Where `names` are declared among `files` (top-level declarations and class members). Ordered by the
   * order of `names`, then preferred files first, then path, then position; deterministic.
   */
  async findDefinitions(names: readonly string[], files: readonly ListedFile[], options: FindDefinitionsOptions = {}): Promise<RelatedDefinition[]> {
    const maxPerName = options.maxPerName ?? 3;
    const maxTotal = options.maxTotal ?? 16;
    const maxFilesPerName = options.maxFilesPerName ?? 8;
    const maxFiles = options.maxFiles ?? 64;
    const overrides = options.overrides ?? new Map<string, readonly Declaration[]>();
    const wanted = [...new Set(names)].filter((n) => n.length > 1);
    if (wanted.length === 0) {
      return [];
    }
    await this.ensureIndexed(files);
    const byPath = new Map(files.map((f) => [f.path, f]));
    const preferRank = new Map<string, number>();
    (options.prefer ?? []).forEach((p, i) => {
      if (!preferRank.has(p)) {
        preferRank.set(p, i);
      }
    });
    const rank = (path: string): number => preferRank.get(path) ?? Number.MAX_SAFE_INTEGER;
    const order = (a: string, b: string): number => rank(a) - rank(b) || compareStrings(a, b);
    const from = options.language;
    const usable = (path: string): boolean => {
      if (!byPath.has(path) || overrides.has(path)) {
        return false;
      }
      const language = from ? languageForPath(path) : undefined;
      return !from || (language !== undefined && sameFamily(from, language));
    };

    // Which files to examine depends only on the index (the workspace) and the request: the first few
    // likely declaring files per name, names in order of appearance, up to a total.
    const examine: string[] = [...overrides.keys()];
    const chosen = new Set<string>();
    for (const name of wanted) {
      const candidates = this.filesDeclaring(name).filter(usable).sort(order).slice(0, maxFilesPerName);
      for (const path of candidates) {
        if (chosen.size >= maxFiles) {
          break;
        }
        if (!chosen.has(path)) {
          chosen.add(path);
          examine.push(path);
        }
      }
    }
    const wantedSet = new Set(wanted);
    const found: Found[] = [];
    for (const path of examine) {
      const declarations = overrides.get(path) ?? (await this.declarationsOf(byPath.get(path) as ListedFile));
      for (const declaration of flattenDeclarations(declarations)) {
        if (wantedSet.has(declaration.name)) {
          found.push({ name: declaration.name, path, declaration });
        }
      }
    }

    const nameRank = new Map(wanted.map((n, i) => [n, i]));
    found.sort((a, b) =>
      (nameRank.get(a.name) as number) - (nameRank.get(b.name) as number)
      || order(a.path, b.path)
      || a.declaration.startIndex - b.declaration.startIndex);
    const perName = new Map<string, number>();
    const picked: Found[] = [];
    for (const f of found) {
      const count = perName.get(f.name) ?? 0;
      if (count >= maxPerName || picked.length >= maxTotal) {
        continue;
      }
      perName.set(f.name, count + 1);
      picked.push(f);
    }
    const maxChars = options.maxTextChars ?? 4_000;
    const out: RelatedDefinition[] = [];
    for (const f of picked) {
      const d = f.declaration;
      let text: string | undefined;
      const file = byPath.get(f.path);
      if (!overrides.has(f.path) && file && d.endIndex - d.startIndex <= maxChars) {
        text = (await this.textOf(file))?.slice(d.startIndex, d.endIndex);
      }
      out.push({
        name: f.name,
        kind: d.kind,
        path: f.path,
        signature: d.signature,
        range: d.range,
        ...(d.container ? { container: d.container } : {}),
        ...(text !== undefined ? { text } : {}),
      });
    }
    return out;
  }
}
