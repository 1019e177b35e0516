import type { ContextReader, ListedFile } from './exclusion';
import { languageForPath, sameFamily } from './languages';
import type { ParserService } from './parserService';
import { compareStrings, type Declaration, type LanguageId, type RelatedDefinition } from './types';

/**
 * Where symbols are declared in the workspace, built lazily:
 *  - a word index (`name → files whose text contains it as a word`) from one read of every source file,
 *    so finding candidates for a name costs a map lookup, not a scan;
 *  - declarations per file (top level plus one level of members), extracted from a syntax tree when a
 *    file is first needed (repo map or a lookup) and kept as plain data (the tree is deleted).
 * Both are invalidated per file. Every read goes through the `ContextReader`.
 */

const WORD = /[A-Za-z_$][\w$]*/g;
const READ_CONCURRENCY = 32;

export interface FindDefinitionsOptions {
  /** Looked at first, in this order (the current file, then open files). */
  readonly prefer?: readonly string[];
  /** Declarations to use for a file instead of its saved text (the current document with unsaved edits). */
  readonly overrides?: ReadonlyMap<string, readonly Declaration[]>;
  /** Definitions per name (default 3) and in all (default 16). */
  readonly maxPerName?: number;
  readonly maxTotal?: number;
  /** Files parsed for this lookup at most (default 64; files already indexed are free). */
  readonly maxParses?: number;
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
  /** word → ids of files containing it; an id is live while `pathOfId` has it. */
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
        this.indexWords(file.path, text);
        declarations = (await this.parser.declarationsOnce(file.path, text)) ?? [];
      }
    }
    this.declarations.set(file.path, { size: file.size, mtimeMs: file.mtimeMs, declarations });
    return declarations;
  }

  private indexWords(path: string, text: string): void {
    if (this.idOfPath.has(path)) {
      return;
    }
    const id = this.nextId++;
    this.idOfPath.set(path, id);
    this.pathOfId.set(id, path);
    const words = new Set<string>();
    for (const match of text.matchAll(WORD)) {
      if (match[0].length > 1) {
        words.add(match[0]);
      }
    }
    for (const word of words) {
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

  /** Reads every not-yet-indexed source file once and adds its words to the index. */
  async ensureWordIndex(files: readonly ListedFile[]): Promise<void> {
    const missing = files.filter((f) => !this.idOfPath.has(f.path) && languageForPath(f.path) !== undefined);
    for (let i = 0; i < missing.length; i += READ_CONCURRENCY) {
      const batch = missing.slice(i, i + READ_CONCURRENCY);
      const results = await Promise.all(batch.map((f) => this.reader.readListed(f)));
      for (const result of results) {
        if (result.ok) {
          this.indexWords(result.path, result.text);
        }
      }
    }
    this.compact();
  }

  /** Paths of indexed files whose text contains `name` as a word. */
  filesContaining(name: string): string[] {
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
    let parsesLeft = options.maxParses ?? 64;
    const overrides = options.overrides ?? new Map<string, readonly Declaration[]>();
    const wanted = [...new Set(names)].filter((n) => n.length > 1);
    if (wanted.length === 0) {
      return [];
    }
    await this.ensureWordIndex(files);
    const byPath = new Map(files.map((f) => [f.path, f]));
    const preferRank = new Map<string, number>();
    (options.prefer ?? []).forEach((p, i) => {
      if (!preferRank.has(p)) {
        preferRank.set(p, i);
      }
    });
    const rank = (path: string): number => preferRank.get(path) ?? Number.MAX_SAFE_INTEGER;
    const order = (a: string, b: string): number => rank(a) - rank(b) || compareStrings(a, b);

    const candidates = new Set<string>();
    const from = options.language;
    for (const name of wanted) {
      for (const path of this.filesContaining(name)) {
        const language = from ? languageForPath(path) : undefined;
        if (!from || (language && sameFamily(from, language))) {
          candidates.add(path);
        }
      }
    }
    for (const path of overrides.keys()) {
      candidates.add(path);
    }
    const wantedSet = new Set(wanted);
    const found: Found[] = [];
    for (const path of [...candidates].sort(order)) {
      let declarations = overrides.get(path);
      if (!declarations) {
        const file = byPath.get(path);
        if (!file) {
          continue;
        }
        declarations = this.peek(file);
        if (!declarations) {
          if (parsesLeft <= 0) {
            continue;
          }
          parsesLeft--;
          declarations = await this.declarationsOf(file);
        }
      }
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
