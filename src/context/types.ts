/**
 * Plain data shared by the context modules. Positions are zero-based lines and UTF-16 code-unit columns, the
 * same as VS Code's `Position` (web-tree-sitter reports columns of a JavaScript string in UTF-16 units too),
 * so the glue converts with `{line, character}` one to one. Paths are workspace-relative with forward slashes.
 */

export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** The languages with a grammar in the bundle. */
export const LANGUAGE_IDS = ['typescript', 'tsx', 'javascript', 'python', 'go', 'rust', 'java', 'c', 'cpp', 'csharp'] as const;

export type LanguageId = (typeof LANGUAGE_IDS)[number];

export type SymbolKind =
  | 'function'
  | 'method'
  | 'constructor'
  | 'class'
  | 'interface'
  | 'struct'
  | 'enum'
  | 'type'
  | 'trait'
  | 'impl'
  | 'namespace'
  | 'record';

/** One declaration found in a syntax tree. */
export interface Declaration {
  readonly name: string;
  readonly kind: SymbolKind;
  /** The declaration line up to its body, on one line, whitespace collapsed, trimmed (deterministic). */
  readonly signature: string;
  /** The whole declaration, including `export`, `template <…>` and similar prefixes (not decorators). */
  readonly range: Range;
  /** Character offsets of `range` in the file's text. */
  readonly startIndex: number;
  readonly endIndex: number;
  /** Name of the class, impl or trait a member belongs to (also `Matrix` for C++ `Matrix::at`). */
  readonly container?: string;
  /** Members (methods and constructors, nested types) of a class-like declaration: one level only. */
  readonly members?: readonly Declaration[];
}

/** The innermost named function, method or class around a position or range. */
export interface EnclosingSymbol {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly signature: string;
  readonly range: Range;
  readonly text: string;
  readonly container?: string;
}

/** Where a symbol used by the selection is declared in the workspace. */
export interface RelatedDefinition {
  readonly name: string;
  readonly kind: SymbolKind;
  readonly path: string;
  readonly signature: string;
  readonly range: Range;
  readonly container?: string;
  /** The declaration's text; omitted for the current file (already in the context) and for very long ones. */
  readonly text?: string;
  /**
   * How it was found: `local` in the current file, `import` through the current file's imports (re-exports
   * followed), `package` by name in the current file's package, `name` by name anywhere (the last resort).
   */
  readonly via?: 'local' | 'import' | 'package' | 'name';
}

export function isRange(value: Position | Range): value is Range {
  return (value as Range).start !== undefined;
}

/** -1, 0 or 1 by line, then character. */
export function comparePositions(a: Position, b: Position): number {
  return a.line !== b.line ? (a.line < b.line ? -1 : 1) : a.character === b.character ? 0 : a.character < b.character ? -1 : 1;
}

/** Plain code-unit comparison (never locale-aware), so orderings are the same on every machine. */
export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
