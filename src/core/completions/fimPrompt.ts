import { estimateTokens } from '../tokenEstimate';
import { buildFimHeader } from './fimHeader';

/**
 * FIM prompts for inline completions (DeepSeek's `/beta/completions`: `prompt` before the cursor, `suffix`
 * after it).
 *
 * DeepSeek bills a cache hit at 1/50 of a miss, and a hit needs the prompt to match an earlier one from the
 * first token. A completion fires on nearly every pause in typing, so the prompt is laid out for the cache:
 *  1. a header that depends only on the file's path, language and the caller's related definitions;
 *  2. a window of whole lines before the cursor whose start line snaps to a multiple of `snapLines`, chosen
 *     from the lines above the cursor line only — typing on a line never moves it, and a new line moves it
 *     only when the window outgrows its budget, i.e. about once every `snapLines` lines typed;
 *  3. the cursor line up to the cursor: the only part that changes while typing.
 * So successive requests share header + window up to the cursor line byte for byte (`stableChars`).
 */

export interface FimDocument {
  readonly path: string;
  readonly languageId: string;
  readonly text: string;
  /** The cursor, as a UTF-16 offset into `text`. */
  readonly offset: number;
}

export interface FimBudget {
  /** The window before the cursor, cursor line included (estimateTokens). */
  readonly prefixTokens: number;
  /** The text after the cursor. */
  readonly suffixTokens: number;
  /** The whole header: path, language and related definitions. */
  readonly headerTokens: number;
}

/**
 * Prefix-heavy on purpose: the suffix follows the cursor line in the prompt, so it is never a cache hit and
 * every suffix token is a full-price miss on every request, while window tokens are nearly all hits (1/50 of
 * the price). About 200 lines before the cursor and 25 after. On the bench's session (bench/completionsBench.ts)
 * this bills 82% of prompt tokens as hits; 1500/400 gave 70% at 1.3× the cost per completion.
 */
export const DEFAULT_FIM_BUDGET: FimBudget = { prefixTokens: 2000, suffixTokens: 250, headerTokens: 300 };

/** The window's start line is a multiple of this (when the lines allow; see `snapStart`). */
export const DEFAULT_SNAP_LINES = 32;

/**
 * Tokens set aside for the cursor line when placing the window, so typing on an ordinary line never pushes
 * the window start. Only a cursor line longer than this (about 420 characters) makes it depend on the line.
 */
const CURSOR_LINE_RESERVE = 128;

export interface FimPrompt {
  readonly prefix: string;
  readonly suffix: string;
  /** Characters at the start of `prefix` that do not change while the user types on the cursor line (header + window up to the cursor line). */
  readonly stableChars: number;
  /** 0-based line where the prefix window starts. */
  readonly windowStartLine: number;
}

export interface FimPromptOptions {
  readonly budget?: FimBudget;
  /** Related definitions for the header, most useful first. */
  readonly header?: readonly string[];
  readonly snapLines?: number;
}

export function buildFimPrompt(doc: FimDocument, options: FimPromptOptions = {}): FimPrompt {
  const budget = options.budget ?? DEFAULT_FIM_BUDGET;
  const snap = Math.max(1, Math.floor(options.snapLines ?? DEFAULT_SNAP_LINES));
  const { text } = doc;
  const offset = clampOffset(text, doc.offset);
  const header = buildFimHeader(doc.path, doc.languageId, options.header ?? [], budget.headerTokens);

  const cursorLine = lineIndexAt(text, offset);
  const cursorLineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const linePrefix = text.slice(cursorLineStart, offset);
  const linePrefixTokens = estimateTokens(linePrefix);

  let windowStart: number;
  let windowStartLine: number;
  let cursorPart: string;
  if (linePrefixTokens > budget.prefixTokens) {
    // A line longer than the whole window (minified code): its tail is all that fits.
    cursorPart = tailWithin(linePrefix, budget.prefixTokens);
    windowStart = offset - cursorPart.length;
    windowStartLine = cursorLine;
  } else {
    const linesBudget = budget.prefixTokens - Math.max(CURSOR_LINE_RESERVE, linePrefixTokens);
    const start = snapStart(text, cursorLine, cursorLineStart, linesBudget, snap);
    windowStart = start.offset;
    windowStartLine = start.line;
    cursorPart = linePrefix;
  }
  const above = text.slice(windowStart, Math.max(windowStart, cursorLineStart));
  return {
    prefix: header + above + cursorPart,
    suffix: suffixWithin(text, offset, budget.suffixTokens),
    stableChars: header.length + above.length,
    windowStartLine,
  };
}

/** The naive baseline for the bench: the last N tokens before the cursor, sliding with every keystroke, no header. */
export function buildNaiveFimPrompt(doc: FimDocument, budget: FimBudget = DEFAULT_FIM_BUDGET): FimPrompt {
  const offset = clampOffset(doc.text, doc.offset);
  const prefix = tailWithin(doc.text.slice(0, offset), budget.prefixTokens);
  const after = doc.text.slice(offset, offset + maxCharsFor(budget.suffixTokens));
  const suffix = after.slice(0, headLength(after, budget.suffixTokens));
  return { prefix, suffix, stableChars: 0, windowStartLine: lineIndexAt(doc.text, offset - prefix.length) };
}

function clampOffset(text: string, offset: number): number {
  return Math.max(0, Math.min(text.length, Number.isFinite(offset) ? Math.floor(offset) : text.length));
}

/** 0-based line of `offset`. */
function lineIndexAt(text: string, offset: number): number {
  let line = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
  }
  return line;
}

/**
 * The window's first line. Walks up from the cursor line over whole lines while they fit `budget`, then
 * rounds the first line that fits up to a multiple of `snap`. Where lines are so long that rounding up would
 * leave less than half the budget, it tries half the snap, and so on down to single lines.
 */
function snapStart(text: string, cursorLine: number, cursorLineStart: number, budget: number, snap: number): { line: number; offset: number } {
  // starts[i] / tokensFrom[i]: start offset of line (cursorLine - i) and tokens of the lines from it to the cursor line.
  const starts = [cursorLineStart];
  const tokensFrom = [0];
  let start = cursorLineStart;
  while (start > 0) {
    const prev = text.lastIndexOf('\n', start - 2) + 1;
    const tokens = tokensFrom[tokensFrom.length - 1] + estimateTokens(text.slice(prev, start));
    if (tokens > budget) {
      break;
    }
    starts.push(prev);
    tokensFrom.push(tokens);
    start = prev;
  }
  const firstFitting = cursorLine - (starts.length - 1);
  if (firstFitting === 0) {
    return { line: 0, offset: 0 };
  }
  for (let g = snap; ; g = Math.max(1, Math.floor(g / 2))) {
    const line = Math.ceil(firstFitting / g) * g;
    const i = cursorLine - line;
    if (g === 1 || (i >= 0 && tokensFrom[i] * 2 >= budget)) {
      return { line, offset: starts[i] };
    }
  }
}

/** No text of more characters than this can fit `tokens` (every character is at least 0.3 tokens). */
function maxCharsFor(tokens: number): number {
  return Math.ceil((Math.max(0, tokens) * 10) / 3) + 1;
}

/** The longest tail of `text` within `tokens`, not splitting a surrogate pair. */
function tailWithin(whole: string, tokens: number): string {
  const text = whole.length > maxCharsFor(tokens) ? whole.slice(whole.length - maxCharsFor(tokens)) : whole;
  if (estimateTokens(text) <= tokens) {
    return isLowSurrogate(text.charCodeAt(0)) ? text.slice(1) : text;
  }
  let lo = 0; // the smallest start whose tail fits
  let hi = text.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (estimateTokens(text.slice(mid)) <= tokens) hi = mid;
    else lo = mid + 1;
  }
  return text.slice(isLowSurrogate(text.charCodeAt(lo)) ? lo + 1 : lo);
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}

/** The length of the longest head of `text` within `tokens`, not splitting a surrogate pair. */
function headLength(text: string, tokens: number): number {
  let lo = 0;
  let hi = Math.min(text.length, maxCharsFor(tokens));
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (estimateTokens(text.slice(0, mid)) <= tokens) lo = mid;
    else hi = mid - 1;
  }
  const code = text.charCodeAt(lo - 1);
  return code >= 0xd800 && code <= 0xdbff ? lo - 1 : lo;
}

/** Text after the cursor in whole lines (each with its newline) within `tokens`; the rest of the cursor line is cut only if it alone is too long. */
function suffixWithin(text: string, offset: number, tokens: number): string {
  let end = offset;
  let used = 0;
  while (end < text.length) {
    const nl = text.indexOf('\n', end);
    const next = nl < 0 ? text.length : nl + 1;
    const lineTokens = estimateTokens(text.slice(end, next));
    if (used + lineTokens > tokens) {
      if (end === offset) {
        end = offset + headLength(text.slice(offset, next), tokens);
      }
      break;
    }
    used += lineTokens;
    end = next;
  }
  return text.slice(offset, end);
}
