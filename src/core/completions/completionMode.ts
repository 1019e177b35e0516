/**
 * Whether a completion may span lines, and what that means for the request (stop sequences, max_tokens).
 * A line-sized answer is what a typist can accept at a glance; a block is offered only where one is plainly
 * expected — on an empty line, or right after something that opens a block.
 */

export type CompletionMode = 'singleLine' | 'multiLine';

export interface CompletionModeContext {
  readonly linePrefix: string;
  readonly lineSuffix: string;
  readonly previousLine: string;
  readonly languageId: string;
}

/**
 * A line ending in an opener: a bracket, `:` (Python, case labels, YAML), an arrow, or a block keyword
 * (`do`, `then`, `else`, `begin` in Ruby, Lua, shell, Elixir …) that is not a property (`promise.then`).
 */
export const BLOCK_OPENER = /(?:[{([:]|=>|->|(?<![.\w$])(?:do|then|else|begin))\s*$/;

/** Text after the cursor made only of closers the editor auto-inserts; the cursor is then not "mid-line". */
const ONLY_CLOSERS = /^[\s)\]}>'"`;,]*$/;

export function completionMode(ctx: CompletionModeContext): CompletionMode {
  if (!ONLY_CLOSERS.test(ctx.lineSuffix)) {
    return 'singleLine';
  }
  if (ctx.linePrefix.trim() === '' || BLOCK_OPENER.test(ctx.linePrefix) || BLOCK_OPENER.test(ctx.previousLine)) {
    return 'multiLine';
  }
  return 'singleLine';
}

/**
 * Declarations that start a new top-level unit, per language: a block completion ends before the next one.
 * Each entry starts with a newline, so the first line of a completion (which may itself be such a
 * declaration, at the cursor) is never cut.
 */
const TOP_LEVEL: Readonly<Record<string, readonly string[]>> = {
  typescript: ['function ', 'class ', 'export ', 'interface ', 'type ', 'import ', 'describe(', 'it('],
  javascript: ['function ', 'class ', 'export ', 'import ', 'module.exports', 'describe(', 'it('],
  python: ['def ', 'class ', 'async def ', 'if __name__', '@', 'import ', 'from '],
  go: ['func ', 'type ', 'var ', 'const ', 'import '],
  rust: ['fn ', 'pub ', 'impl ', 'struct ', 'enum ', 'mod ', 'use ', 'trait ', '#['],
  java: ['public ', 'private ', 'protected ', 'class ', 'import ', '@'],
  csharp: ['public ', 'private ', 'internal ', 'class ', 'namespace ', 'using '],
  c: ['#include', '#define', 'static ', 'int ', 'void '],
  ruby: ['def ', 'class ', 'module ', 'require '],
};
const ALIASES: Readonly<Record<string, string>> = { typescriptreact: 'typescript', javascriptreact: 'javascript', cpp: 'c', kotlin: 'java', scala: 'java' };

/** DeepSeek accepts at most 16 stop sequences. */
const MAX_STOPS = 16;

export function stopSequences(mode: CompletionMode, languageId: string): string[] {
  if (mode === 'singleLine') {
    return ['\n'];
  }
  const declarations = TOP_LEVEL[ALIASES[languageId] ?? languageId] ?? [];
  return ['\n\n\n', ...declarations.map((d) => `\n${d}`)].slice(0, MAX_STOPS);
}

/** Small on purpose: ghost text longer than this is rarely accepted, and output tokens cost the most. */
export function maxTokensFor(mode: CompletionMode): number {
  return mode === 'singleLine' ? 64 : 256;
}
