/** Line numbers of a selection as people read them. Pure: positions are zero-based, like VS Code's. */

export interface LinePosition {
  readonly line: number;
  readonly character: number;
}

/** The first and last line (one-based) that hold selected text. */
export interface LineSpan {
  readonly first: number;
  readonly last: number;
}

/**
 * The lines a range covers: a range that ends at the start of a line (column 1, as a selection of whole
 * lines made by dragging or Shift+Down does) does not count that line, so 5:1–11:1 is lines 5–10. An empty
 * range, or one inside a single line, is that one line.
 */
export function selectedLines(start: LinePosition, end: LinePosition): LineSpan {
  const last = end.line > start.line && end.character === 0 ? end.line - 1 : end.line;
  return { first: start.line + 1, last: Math.max(start.line, last) + 1 };
}

/** "5-10" as an instruction names lines; `separator` "–" for what the chat shows ("5–10"). */
export function formatLineSpan(span: LineSpan, separator = '-'): string {
  return `${span.first}${separator}${span.last}`;
}
