/**
 * Where a code block from the chat belongs in a file, when the user presses Apply without selecting the code
 * it replaces. Pure: the glue passes the file's text, the snippet and both their declarations (from
 * tree-sitter; none for a language without a grammar), and gets back one edit to review, or a refusal.
 *
 * The rules, in order:
 * - the snippet is the whole file (or most of it: every top-level declaration and most other lines) → the
 *   whole file;
 * - its declarations are found in the file by name (a method given alone, inside its class) → exactly
 *   those are replaced; a class shown with only some of its members is merged member by member; new
 *   declarations beside them go next to them; new imports go after the file's imports;
 * - it declares nothing, but its first lines match a block of the file (whitespace-insensitive) → that block,
 *   which ends where its braces close or its indentation does;
 * - it only declares things the file does not have → they are inserted after the last declaration (or into
 *   the one class, for a method), and the title says so;
 * - otherwise it refuses, and says what to do.
 * Nothing the snippet leaves out is deleted: a declaration containing an elision (`// ...existing code...`)
 * is refused, code the snippet does not show is kept, and lines it repeats from elsewhere are not duplicated.
 */

import { blockEnd, braceDelta, changedRegion, indentOf, isBlank, isElision, isImport, isLeadingTrivia, isPackageLine, isPathComment, normalizeLine, reindent } from './codeLines';

/** One declaration, by lines (zero-based, first and last line of the declaration itself). */
export interface DeclarationSpan {
  readonly name: string;
  /** `function`, `method`, `constructor`, `class`, `interface`, `struct`, `enum`, `type`, `trait`, `impl`, … */
  readonly kind: string;
  readonly startLine: number;
  readonly endLine: number;
  /** The class, impl or receiver type it belongs to. */
  readonly container?: string;
  /** Members of a class-like declaration (one level). */
  readonly members?: readonly DeclarationSpan[];
  /** A snippet's declaration that is a member of a class the snippet does not show (a method given alone). */
  readonly member?: boolean;
}

export interface SnippetPlacementInput {
  /** The file's name as the user knows it ("math.ts"), for messages; its extension also tells Python apart. */
  readonly fileName: string;
  readonly fileText: string;
  readonly snippet: string;
  /** The file's top-level declarations; undefined when its language has no grammar. */
  readonly fileDeclarations?: readonly DeclarationSpan[];
  /** The snippet's top-level declarations (lines of `snippet`); undefined when not parsed. */
  readonly snippetDeclarations?: readonly DeclarationSpan[];
}

export type SnippetPlacement =
  /** Replace the whole file with `text`. */
  | { readonly kind: 'wholeFile'; readonly text: string }
  /**
   * Replace `fileText.slice(start, end)` (whole lines) with `text`. `insertOnly`: nothing is replaced, the
   * snippet's declarations are added (`summary` says where: "adds `mul` after `add`").
   */
  | { readonly kind: 'edit'; readonly start: number; readonly end: number; readonly text: string; readonly insertOnly: boolean; readonly summary: string }
  | { readonly kind: 'refused'; readonly reason: string };

/** The refusal when no rule places the snippet. */
export function cannotPlaceMessage(fileName: string): string {
  return `Could not tell where this code belongs in ${fileName} — select the code it replaces and press Apply again.`;
}

export function elisionMessage(fileName: string): string {
  return `This code block leaves parts out (like "// ...existing code..."), so applying it to ${fileName} would delete them. Ask for the complete code, or select what it replaces and press Apply again.`;
}

export function unchangedMessage(fileName: string): string {
  return `${fileName} already has this code; there is nothing to apply.`;
}

const CALLABLE = new Set(['function', 'method', 'constructor']);

/** Kinds that can stand for one another: a function may be given for a method, a struct's impl for the struct's. */
function group(kind: string): 'callable' | 'type' {
  return CALLABLE.has(kind) ? 'callable' : 'type';
}

interface Edit {
  /** Lines [start, end) of the file are replaced by `lines` (start === end: an insertion before `start`). */
  readonly start: number;
  readonly end: number;
  readonly lines: readonly string[];
}

class Refusal extends Error {}

/** A snippet declaration with what comes with it: its leading comments and the new lines just before it. */
interface Piece {
  readonly unit: DeclarationSpan;
  /** The first line of its leading comments/decorators (or `unit.startLine`). */
  readonly triviaStart: number;
  /** Lines of the snippet before it that the file does not have (a new constant, a new comment block). */
  readonly newBefore: readonly string[];
  /** For the last piece: new lines after it. */
  newAfter: readonly string[];
}

interface Scope {
  /** Declarations of the file in this scope (top level, or one class's members). */
  readonly decls: readonly DeclarationSpan[];
  /** The file's class-likes whose members a member snippet may name (top level: all of them). */
  readonly classes: readonly DeclarationSpan[];
  readonly topLevel: boolean;
}

class Placer {
  readonly python: boolean;
  readonly file: string[];
  readonly snip: string[];
  private readonly fileLines: Set<string>;
  readonly edits: Edit[] = [];
  readonly replaced: string[] = [];
  readonly added: string[] = [];
  anchor: string | undefined;

  constructor(private readonly input: SnippetPlacementInput) {
    this.python = /\.pyi?$/i.test(input.fileName);
    this.file = input.fileText.split(/\r?\n/);
    this.snip = input.snippet.split(/\r?\n/);
    // A first line that only names the file (`// src/math.ts`) is the answer's caption, not code: blanked,
    // so the declarations' line numbers still hold.
    const first = this.snip.findIndex((l) => !isBlank(l));
    if (first >= 0 && isPathComment(this.snip[first]) && !this.file.some((l) => normalizeLine(l) === normalizeLine(this.snip[first]))) this.snip[first] = '';
    this.fileLines = new Set(this.file.map(normalizeLine).filter((l) => l !== ''));
  }

  /** A method given without its class: flagged by the glue, or a Python `def` whose first parameter is `self`/`cls`. */
  isMember(unit: DeclarationSpan): boolean {
    return unit.member === true || (this.python && /^\s*(async\s+)?def\s+\w+\s*\(\s*(self|cls)\b/.test(this.snip[unit.startLine] ?? ''));
  }

  has(line: string): boolean {
    return this.fileLines.has(normalizeLine(line));
  }

  elision(line: string): boolean {
    return isElision(line, this.python);
  }

  hasElisionIn(start: number, end: number): boolean {
    for (let i = start; i <= end; i++) if (this.elision(this.snip[i])) return true;
    return false;
  }

  /** Extends a declaration upward over the comment and decorator lines directly above it (not past `floor`). */
  triviaStart(lines: readonly string[], unit: DeclarationSpan, floor: number): number {
    let start = unit.startLine;
    while (start - 1 >= floor && !isBlank(lines[start - 1]) && isLeadingTrivia(lines[start - 1]) && !this.elision(lines[start - 1])) start--;
    return start;
  }

  /** Splits snippet lines [from, to] into pieces around `units`; returns the pieces and the preamble's import lines. */
  pieces(units: readonly DeclarationSpan[], from: number, to: number, topLevel: boolean): { pieces: Piece[]; imports: string[] } {
    const sorted = [...units].sort((a, b) => a.startLine - b.startLine);
    const pieces: Piece[] = [];
    const imports: string[] = [];
    let cursor = from;
    let inImportGroup = false;
    // The snippet's lines between declarations, in chunks (runs of non-blank lines): a chunk the file already
    // has all of is context and is left out; any other is new code and kept whole (never cut into pieces
    // that would not parse). In the preamble, imports are taken out first (they go after the file's own).
    const gap = (start: number, end: number, preamble: boolean): string[] => {
      const kept: string[] = [];
      let chunk: string[] = [];
      const flush = () => {
        if (chunk.some((l) => !this.has(l))) kept.push(...(kept.length ? [''] : []), ...chunk);
        chunk = [];
      };
      for (let i = start; i <= end; i++) {
        const line = this.snip[i];
        if (preamble && topLevel) {
          if (/^\s*import\s*\($/.test(line)) {
            inImportGroup = true;
            continue;
          }
          if (inImportGroup) {
            if (/^\s*\)\s*$/.test(line)) inImportGroup = false;
            else if (!isBlank(line) && !this.has(line)) imports.push(line.trim());
            continue;
          }
          if (isImport(line)) {
            if (!this.has(line)) imports.push(line.trim());
            continue;
          }
        }
        if (isBlank(line)) flush();
        else if (!this.elision(line) && !isPackageLine(line)) chunk.push(line);
      }
      flush();
      return kept;
    };
    for (const unit of sorted) {
      if (unit.startLine < cursor) throw new Refusal(); // overlapping declarations: not a shape we know
      const triviaStart = this.triviaStart(this.snip, unit, cursor);
      const newBefore = gap(cursor, triviaStart - 1, pieces.length === 0);
      pieces.push({ unit, triviaStart, newBefore, newAfter: [] });
      cursor = unit.endLine + 1;
    }
    if (pieces.length > 0) pieces[pieces.length - 1].newAfter = gap(cursor, to, false);
    return { pieces, imports };
  }

  /** The snippet lines a piece brings: its new lines before, its trivia and declaration, its new lines after. */
  pieceLines(piece: Piece): string[] {
    const own = this.snip.slice(piece.triviaStart, piece.unit.endLine + 1);
    return [
      ...(piece.newBefore.length ? [...piece.newBefore, ''] : []),
      ...own,
      ...(piece.newAfter.length ? ['', ...piece.newAfter] : []),
    ];
  }

  /** The file declaration a snippet declaration stands for, undefined when none; refuses when several could. */
  match(unit: DeclarationSpan, scope: Scope): DeclarationSpan | undefined {
    const same = (d: DeclarationSpan) => d.name === unit.name && group(d.kind) === group(unit.kind);
    const narrow = (found: DeclarationSpan[]): DeclarationSpan | undefined => {
      if (found.length <= 1) return found[0];
      const byKind = found.filter((d) => d.kind === unit.kind);
      if (byKind.length === 1) return byKind[0];
      const byContainer = unit.container ? found.filter((d) => d.container === unit.container) : [];
      if (byContainer.length === 1) return byContainer[0];
      throw new Refusal();
    };
    const members = scope.classes.flatMap((c) => (c.members ?? []).map((m) => ({ ...m, container: m.container ?? c.name })));
    const wantsMember = this.isMember(unit) || (unit.container !== undefined && scope.topLevel);
    if (wantsMember) {
      let found = [...members, ...scope.decls.filter((d) => d.container !== undefined)].filter(same);
      if (unit.container) {
        const inContainer = found.filter((d) => d.container === unit.container);
        if (inContainer.length > 0) found = inContainer;
      }
      // Indented but not a method after all (a top-level function the model indented): the top level's.
      if (found.length > 0) return narrow(found);
    }
    const here = scope.decls.filter(same);
    if (here.length > 0) return narrow(here);
    if (!scope.topLevel) return undefined;
    // A method given without its class and without indentation (Python `def add(self, …)`): the same
    // keyword starts both, so the text fits where the member is.
    const keyword = (line: string | undefined) => /^\s*([A-Za-z_]+)/.exec(line ?? '')?.[1];
    const inClasses = members.filter(same).filter((d) => keyword(this.file[d.startLine]) === keyword(this.snip[unit.startLine]));
    return narrow(inClasses);
  }

  /** Replaces file declaration `target` with a piece. */
  replace(piece: Piece, target: DeclarationSpan): void {
    const unit = piece.unit;
    if (this.hasElisionIn(unit.startLine, unit.endLine)) throw new Refusal(elisionMessage(this.input.fileName));
    // Bring the file's comments along only when the snippet brings its own: otherwise they are kept.
    const start = piece.triviaStart < unit.startLine ? this.triviaStart(this.file, target, 0) : target.startLine;
    const lines = reindent(this.pieceLines(piece), indentOf(this.snip[unit.startLine]), indentOf(this.file[target.startLine]));
    this.edits.push({ start, end: target.endLine + 1, lines });
    this.replaced.push(unit.name);
  }

  /** A class shown with only some members (or with elisions): each member is placed inside the file's class. */
  merge(piece: Piece, target: DeclarationSpan): void {
    const unit = piece.unit;
    const members = unit.members ?? [];
    if (members.length === 0) throw new Refusal(this.hasElisionIn(unit.startLine, unit.endLine) ? elisionMessage(this.input.fileName) : undefined);
    // New lines before the class (a comment, a constant) go before it; the class header and its closing
    // line are the file's.
    if (piece.newBefore.length > 0) {
      const indent = indentOf(this.file[target.startLine]);
      this.edits.push({ start: target.startLine, end: target.startLine, lines: [...reindent(piece.newBefore, indentOf(this.snip[unit.startLine]), indent), ''] });
    }
    const inner = this.pieces(members, unit.startLine + 1, unit.endLine - 1, false);
    this.placePieces(inner.pieces, { decls: target.members ?? [], classes: [], topLevel: false }, target);
  }

  /** Places pieces in a scope: matched ones replace their declaration, new ones go next to a matched neighbour. */
  placePieces(pieces: readonly Piece[], scope: Scope, owner: DeclarationSpan | undefined): void {
    const targets = pieces.map((p) => this.match(p.unit, scope));
    if (targets.every((t) => t === undefined)) {
      this.insertNew(pieces, scope, owner);
      return;
    }
    pieces.forEach((piece, i) => {
      const target = targets[i];
      if (target) {
        const complete = !this.hasElisionIn(piece.unit.startLine, piece.unit.endLine) &&
          (target.members ?? []).every((m) => (piece.unit.members ?? []).some((s) => s.name === m.name));
        if (group(target.kind) === 'type' && (target.members?.length ?? 0) > 0 && !complete) this.merge(piece, target);
        else this.replace(piece, target);
      }
    });
    // New declarations go after the matched one before them in the snippet, or before the first matched one.
    let i = 0;
    while (i < pieces.length) {
      if (targets[i]) {
        i++;
        continue;
      }
      let j = i;
      while (j < pieces.length && !targets[j]) j++;
      const run = pieces.slice(i, j);
      const before = i > 0 ? targets[i - 1] : undefined;
      const after = targets[j];
      const anchor = (before ?? after) as DeclarationSpan;
      const indent = indentOf(this.file[anchor.startLine]);
      const blanks = this.separator(anchor);
      const lines = run.flatMap((p, k) => [...(k > 0 ? blanks : []), ...reindent(this.pieceLines(p), indentOf(this.snip[p.unit.startLine]), indent)]);
      if (before) this.edits.push({ start: before.endLine + 1, end: before.endLine + 1, lines: [...blanks, ...lines] });
      else this.edits.push({ start: this.triviaStart(this.file, anchor, 0), end: this.triviaStart(this.file, anchor, 0), lines: [...lines, ...blanks] });
      for (const p of run) this.added.push(p.unit.name);
      i = j;
    }
  }

  /** Blank lines between declarations where `decl` is: as many as before it in the file (1 or 2). */
  separator(decl: DeclarationSpan): string[] {
    let n = 0;
    for (let i = this.triviaStart(this.file, decl, 0) - 1; i >= 0 && isBlank(this.file[i]); i--) n++;
    return new Array<string>(Math.min(2, Math.max(1, n))).fill('');
  }

  /** Nothing the snippet declares is in the file: add it after the last declaration, or into the one class. */
  insertNew(pieces: readonly Piece[], scope: Scope, owner: DeclarationSpan | undefined): void {
    const members = pieces.every((p) => this.isMember(p.unit));
    let host = owner;
    if (!host && members && scope.topLevel) {
      const container = pieces[0].unit.container;
      const classes = scope.classes.filter((c) => group(c.kind) === 'type' && (!container || c.name === container));
      if (classes.length !== 1) throw new Refusal();
      host = classes[0];
    }
    const names = pieces.map((p) => `\`${p.unit.name}\``).join(', ');
    let at: number;
    let indent: string;
    let blanks: string[];
    if (host) {
      const last = [...(host.members ?? [])].sort((a, b) => a.endLine - b.endLine).at(-1);
      if (last) {
        at = last.endLine + 1;
        indent = indentOf(this.file[last.startLine]);
        blanks = this.separator(last);
        this.anchor = `adds ${names} to \`${host.name}\` after \`${last.name}\``;
      } else {
        const bodyLine = this.file.slice(host.startLine + 1, host.endLine).find((l) => !isBlank(l));
        if (host.endLine === host.startLine) throw new Refusal();
        at = braceDelta(this.file[host.endLine]) < 0 ? host.endLine : host.endLine + 1;
        indent = bodyLine ? indentOf(bodyLine) : indentOf(this.file[host.startLine]) + this.indentUnit();
        blanks = [];
        this.anchor = `adds ${names} to \`${host.name}\``;
      }
    } else {
      const last = [...scope.decls].sort((a, b) => a.endLine - b.endLine).at(-1);
      indent = '';
      if (last) {
        at = last.endLine + 1;
        blanks = this.separator(last);
        this.anchor = `adds ${names} after \`${last.name}\``;
      } else {
        at = this.file.length;
        while (at > 0 && isBlank(this.file[at - 1])) at--;
        blanks = at > 0 ? [''] : [];
        this.anchor = `adds ${names} at the end of ${this.input.fileName}`;
      }
    }
    const lines = pieces.flatMap((p, k) => [...(k > 0 ? blanks : []), ...reindent(this.pieceLines(p), indentOf(this.snip[p.unit.startLine]), indent)]);
    this.edits.push({ start: at, end: at, lines: host && !host.members?.length ? lines : [...blanks, ...lines] });
    for (const p of pieces) this.added.push(p.unit.name);
  }

  indentUnit(): string {
    const steps = this.file.map(indentOf).filter((s) => s !== '');
    if (steps.some((s) => s.startsWith('\t'))) return '\t';
    const smallest = steps.reduce((min, s) => Math.min(min, s.length), Number.POSITIVE_INFINITY);
    return ' '.repeat(Number.isFinite(smallest) ? smallest : 4);
  }

  /** New imports after the file's last import (inside Go's `import (…)` group when it has one). */
  addImports(imports: readonly string[]): void {
    if (imports.length === 0) return;
    const group = this.file.findIndex((l) => /^\s*import\s*\($/.test(l));
    if (group >= 0) {
      const close = this.file.findIndex((l, i) => i > group && /^\s*\)\s*$/.test(l));
      if (close > group) {
        const indent = indentOf(this.file[group + 1] ?? '\t') || '\t';
        this.edits.push({ start: close, end: close, lines: imports.map((l) => indent + l.replace(/^import\s+/, '')) });
        return;
      }
    }
    let last = -1;
    for (let i = 0; i < this.file.length; i++) if (isImport(this.file[i])) last = i;
    const goLike = imports.every((l) => /^"[^"]+"$/.test(l));
    const lines = goLike ? imports.map((l) => `import ${l}`) : [...imports];
    if (last >= 0) {
      this.edits.push({ start: last + 1, end: last + 1, lines });
      return;
    }
    const pkg = this.file.findIndex(isPackageLine);
    const at = pkg >= 0 ? pkg + 1 : 0;
    this.edits.push({ start: at, end: at, lines: pkg >= 0 ? ['', ...lines] : [...lines, ''] });
  }

  /** The file's lines with every edit applied; refuses overlapping edits (the same code placed twice). */
  apply(): string[] {
    const sorted = [...this.edits].sort((a, b) => a.start - b.start || a.end - b.end);
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1];
      const cur = sorted[i];
      if (cur.start < prev.end) throw new Refusal();
    }
    const out: string[] = [];
    let line = 0;
    for (const edit of sorted) {
      out.push(...this.file.slice(line, edit.start), ...edit.lines);
      line = Math.max(line, edit.end);
    }
    out.push(...this.file.slice(line));
    return out;
  }
}

/** Non-blank, normalised lines. */
function meaningful(lines: readonly string[]): string[] {
  return lines.map(normalizeLine).filter((l) => l !== '');
}

function isWholeFile(placer: Placer, input: SnippetPlacementInput): boolean {
  const fileMeaningful = meaningful(placer.file);
  if (fileMeaningful.length === 0) return true;
  if (placer.snip.some((l) => placer.elision(l))) return false;
  const snippetLines = new Set(meaningful(placer.snip));
  const fileDecls = input.fileDeclarations;
  const snipDecls = input.snippetDeclarations;
  if (fileDecls && fileDecls.length > 0 && snipDecls && snipDecls.length > 0) {
    const all = fileDecls.every((f) => snipDecls.some((s) => s.name === f.name && group(s.kind) === group(f.kind) && !placer.isMember(s)));
    if (!all) return false;
    const inside = (i: number) => fileDecls.some((d) => i >= d.startLine && i <= d.endLine);
    const outside = placer.file.filter((l, i) => !inside(i) && !isBlank(l)).map(normalizeLine);
    return outside.length === 0 || outside.filter((l) => snippetLines.has(l)).length >= 0.8 * outside.length;
  }
  const kept = fileMeaningful.filter((l) => snippetLines.has(l)).length;
  return kept >= 0.6 * fileMeaningful.length && snippetLines.size >= 0.6 * new Set(fileMeaningful).size;
}

/** Snippet blocks (no declarations): each starts at the snippet's base indentation. */
function snippetBlocks(placer: Placer): { start: number; end: number }[] {
  const lines = placer.snip;
  const base = Math.min(...lines.filter((l) => !isBlank(l) && !placer.elision(l)).map((l) => indentOf(l).length));
  const blocks: { start: number; end: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (isBlank(lines[i]) || placer.elision(lines[i])) continue;
    if (indentOf(lines[i]).length !== base) throw new Refusal();
    const end = blockEnd(lines, i);
    blocks.push({ start: i, end });
    i = end;
  }
  return blocks;
}

/** The one place in the file where the block's first lines are (adding lines until only one place is left). */
function findBlock(placer: Placer, start: number, end: number): number | undefined {
  const header: string[] = [];
  const fileNorm = placer.file.map(normalizeLine);
  for (let i = start; i <= end; i++) {
    const line = normalizeLine(placer.snip[i]);
    if (line === '') continue;
    header.push(line);
    if (header.join('').replace(/\s/g, '').length < 8 && i < end) continue;
    const matches: number[] = [];
    for (let f = 0; f < fileNorm.length; f++) {
      let k = 0;
      let g = f;
      while (k < header.length && g < fileNorm.length) {
        if (fileNorm[g] === '') {
          g++;
          continue;
        }
        if (fileNorm[g] !== header[k]) break;
        k++;
        g++;
      }
      if (k === header.length && fileNorm[f] !== '') matches.push(f);
    }
    if (matches.length === 0) return undefined;
    if (matches.length === 1) return matches[0];
  }
  return undefined;
}

/**
 * No declarations to go by: the snippet's blocks are found by their first lines. Every block found → each
 * replaces its own; else the first and last blocks found, in order, under the same parent → the span from one
 * to the other (the snippet is a contiguous fragment); else a refusal.
 */
function placeBlocks(placer: Placer, input: SnippetPlacementInput): void {
  const blocks = snippetBlocks(placer);
  if (blocks.length === 0) throw new Refusal();
  for (const block of blocks) {
    if (placer.hasElisionIn(block.start, block.end)) throw new Refusal(elisionMessage(input.fileName));
  }
  const found = blocks.map((b) => findBlock(placer, b.start, b.end));
  const replace = (from: number, to: number, fileStart: number, fileEnd: number) => {
    const lines = reindent(placer.snip.slice(from, to + 1), indentOf(placer.snip[from]), indentOf(placer.file[fileStart]));
    placer.edits.push({ start: fileStart, end: fileEnd + 1, lines });
  };
  if (found.every((f) => f !== undefined)) {
    blocks.forEach((b, i) => replace(b.start, b.end, found[i] as number, blockEnd(placer.file, found[i] as number)));
    return;
  }
  const first = found[0];
  const last = found[found.length - 1];
  if (blocks.length < 2 || first === undefined || last === undefined || last <= first) throw new Refusal();
  const indent = indentOf(placer.file[first]);
  if (indentOf(placer.file[last]) !== indent) throw new Refusal();
  // The same parent: nothing between them is indented less (no block closes in between).
  for (let i = first + 1; i < last; i++) {
    if (!isBlank(placer.file[i]) && indentOf(placer.file[i]).length < indent.length) throw new Refusal();
  }
  replace(blocks[0].start, blocks[blocks.length - 1].end, first, blockEnd(placer.file, last));
}

export function placeSnippet(input: SnippetPlacementInput): SnippetPlacement {
  const eol = input.fileText.includes('\r\n') ? '\r\n' : '\n';
  const placer = new Placer(input);
  const refused = (err: unknown): SnippetPlacement => {
    if (!(err instanceof Refusal)) throw err;
    return { kind: 'refused', reason: err.message || cannotPlaceMessage(input.fileName) };
  };
  if (meaningful(placer.snip).length === 0) return { kind: 'refused', reason: 'This code block is empty; there is nothing to apply.' };
  try {
    if (isWholeFile(placer, input)) {
      let text = placer.snip.join(eol).replace(/(\r?\n)+$/, '');
      if (/\r?\n$/.test(input.fileText) || input.fileText === '') text += eol;
      return text === input.fileText ? { kind: 'refused', reason: unchangedMessage(input.fileName) } : { kind: 'wholeFile', text };
    }
    const snippetDecls = input.snippetDeclarations ?? [];
    if (input.fileDeclarations && snippetDecls.length > 0) {
      const { pieces, imports } = placer.pieces(snippetDecls, 0, placer.snip.length - 1, true);
      const top = input.fileDeclarations;
      placer.placePieces(pieces, { decls: top, classes: top.filter((d) => (d.members?.length ?? 0) > 0 || group(d.kind) === 'type'), topLevel: true }, undefined);
      placer.addImports(imports);
    } else {
      placeBlocks(placer, input);
    }
    const after = placer.apply().join(eol);
    if (after === input.fileText) return { kind: 'refused', reason: unchangedMessage(input.fileName) };
    const region = changedRegion(input.fileText, after);
    const insertOnly = placer.replaced.length === 0 && placer.added.length > 0;
    const summary = insertOnly
      ? (placer.anchor ?? `adds ${placer.added.map((n) => `\`${n}\``).join(', ')}`)
      : [
          placer.replaced.length ? `replaces ${placer.replaced.map((n) => `\`${n}\``).join(', ')}` : '',
          placer.added.length ? `adds ${placer.added.map((n) => `\`${n}\``).join(', ')}` : '',
        ].filter((s) => s).join(', ') || 'replaces the matching block';
    return { kind: 'edit', ...region, insertOnly, summary };
  } catch (err) {
    return refused(err);
  }
}
