import { couldBePlaceholderPrefix, PLACEHOLDER_OPEN, placeholderPattern } from '../redaction/placeholder';
import { BLOCK_OPENER, type CompletionMode } from './completionMode';

/**
 * What a FIM answer becomes before it is shown as ghost text. The model sees the document on both sides of
 * the cursor but still often re-types what is already there (the closing `)` the editor inserted, the next
 * line, the function's `}`) or runs past the block it was asked for; accepting that would duplicate code.
 */

export { completionMode, maxTokensFor, stopSequences, type CompletionMode, type CompletionModeContext } from './completionMode';

export interface PostProcessInput {
  readonly text: string;
  readonly mode: CompletionMode;
  readonly linePrefix: string;
  readonly lineSuffix: string;
  /** Lines after the cursor line. */
  readonly followingLines: readonly string[];
}

/** The text to insert, or undefined to drop (empty, whitespace-only, only repeats what follows, contains a redaction placeholder). */
export function postProcessCompletion(input: PostProcessInput): string | undefined {
  const raw = input.text.replace(/\r\n?/g, '\n');
  if (containsPlaceholder(raw)) {
    return undefined;
  }
  const text = input.mode === 'singleLine' ? singleLine(raw, input.lineSuffix) : multiLine(raw, input);
  return text === undefined || text.trim() === '' ? undefined : text;
}

/**
 * The engine restores placeholders before post-processing, so one still here could not be restored; a
 * completion must never insert one. A trailing fragment (`⟦API_KEY_3f`, cut by max_tokens) counts too.
 */
function containsPlaceholder(text: string): boolean {
  if (placeholderPattern().test(text)) {
    return true;
  }
  const open = text.lastIndexOf(PLACEHOLDER_OPEN);
  return open >= 0 && couldBePlaceholderPrefix(text.slice(open));
}

function singleLine(text: string, lineSuffix: string): string {
  const newline = text.indexOf('\n');
  return removeSuffixOverlap((newline < 0 ? text : text.slice(0, newline)).trimEnd(), lineSuffix);
}

function multiLine(text: string, input: PostProcessInput): string | undefined {
  let lines = text.split('\n').map((l) => l.trimEnd());
  lines = cutAtBlockEnd(lines, input.linePrefix);
  lines = dropRepeatedTail(lines, input.linePrefix, input.followingLines);
  while (lines.length > 1 && lines[lines.length - 1] === '') {
    lines.pop();
  }
  return lines.length === 0 ? undefined : removeSuffixOverlap(lines.join('\n'), input.lineSuffix);
}

const LEADING_SPACE = /^[ \t]*/;
/** Tabs count as one column each: only comparisons between lines of one file matter, and files rarely mix. */
const indentOf = (line: string) => LEADING_SPACE.exec(line)?.[0].length ?? 0;
/** A line that closes a block (`}`, `)`, `]`, `end`, `fi`, `done`, `esac`). */
const CLOSER = /^\s*(?:[}\])]|(?:end|fi|done|esac)\b)/;

/**
 * Keeps the block the cursor is in (or opens). The cursor line's indentation is the base: a later line
 * indented less has left the block, so it and everything after are cut. If the cursor line opens a block
 * (`{`, `:` …), a line back at the base indentation ends it — kept if it is the block's closer (`}`), cut
 * if it is the next statement (Python has no closer).
 */
function cutAtBlockEnd(lines: readonly string[], linePrefix: string): string[] {
  const cursorLine = linePrefix + lines[0];
  const base = indentOf(cursorLine);
  const opens = BLOCK_OPENER.test(cursorLine);
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') {
      continue;
    }
    const indent = indentOf(line);
    if (indent < base) {
      return lines.slice(0, i);
    }
    if (opens && indent === base) {
      return CLOSER.test(line) ? lines.slice(0, i + 1) : lines.slice(0, i);
    }
  }
  return [...lines];
}

/**
 * Drops the completion's tail when it only re-types the document's next lines (blank lines ignored): the
 * smallest cut whose remaining lines all equal the following lines, in order, indentation included (so an
 * inner block's `}` does not match the outer one below it). The first line counts only when the cursor line
 * is empty up to the cursor, since otherwise it continues that line.
 */
function dropRepeatedTail(lines: readonly string[], linePrefix: string, followingLines: readonly string[]): string[] {
  const following = followingLines.map((l) => l.trimEnd()).filter((l) => l.trim() !== '');
  const fromCursor = linePrefix.trim() === '';
  const shown = lines.map((l, i) => (i === 0 ? linePrefix + l : l));
  for (let i = fromCursor ? 0 : 1; i < lines.length; i++) {
    const tail = shown.slice(i).filter((l) => l.trim() !== '');
    if (tail.length > 0 && tail.length <= following.length && tail.every((l, k) => l === following[k])) {
      return lines.slice(0, i);
    }
  }
  return [...lines];
}

/**
 * When the completion ends with what the text after the cursor starts with — the `)`, `"` or `);` the
 * editor already inserted — that part is dropped, so accepting it does not double it. Only punctuation
 * overlaps count (an identifier overlap is a coincidence), unless the completion ends with the whole rest
 * of the line.
 */
function removeSuffixOverlap(text: string, lineSuffix: string): string {
  const rest = lineSuffix.trimEnd();
  if (rest.length > 1 && text.endsWith(rest) && text.length > rest.length) {
    return text.slice(0, text.length - rest.length);
  }
  for (let k = Math.min(rest.length, text.length); k > 0; k--) {
    const overlap = rest.slice(0, k);
    if (!/[\p{L}\p{N}_$]/u.test(overlap) && text.endsWith(overlap)) {
      return text.slice(0, text.length - k);
    }
  }
  return text;
}
