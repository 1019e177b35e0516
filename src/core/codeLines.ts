/**
 * What lines of code are, without a parser: blank, a comment that stands for left-out code, an import, where
 * a block ends (braces, or indentation). Pure; used by snippet placement for every language, with a grammar
 * or without.
 */

export function normalizeLine(line: string): string {
  return line.replace(/\s+/g, ' ').trim();
}

export function indentOf(line: string): string {
  return /^[ \t]*/.exec(line)?.[0] ?? '';
}

export const isBlank = (line: string): boolean => line.trim() === '';

/** A comment or decorator line directly above a declaration belongs to it (JSDoc, docstring-less `#`, `@x`, `#[x]`). */
export function isLeadingTrivia(line: string): boolean {
  return /^\s*(\/\/|\/\*|\*|#(?!include|define|if|endif|else|pragma)|@|\[[A-Za-z])/.test(line);
}

/**
 * `// ...existing code...`, `# ... rest unchanged`, `/* … *\/`, or a line of just `...` (not in Python, where
 * `...` is code): a place where the snippet leaves code out.
 */
export function isElision(line: string, python: boolean): boolean {
  const t = line.trim();
  if (t === '…' || (!python && /^\.{3,}$/.test(t))) return true;
  const comment = /^(?:\/\/+|#+|--|\/\*+|<!--|\*)\s*(.*?)\s*(?:\*+\/|-->)?$/.exec(t);
  if (!comment) return false;
  const body = comment[1];
  if (/^(\.{3,}|…)/.test(body) || /^[.…\s]+$/.test(body) && body.trim() !== '') return true;
  return /\b(existing code|rest of (the )?(code|file|class|function|module|implementation)|remains? (the same|unchanged)|unchanged|same as before|omitted for brevity|other (methods|functions|code))\b/i.test(body);
}

/** `// src/math.ts`, `# file: stats.py`: a comment that is only a file's path. */
export function isPathComment(line: string): boolean {
  return /^\s*(\/\/+|#+|--|\/\*+)\s*(file(name)?:\s*)?[\w@./\\-]*\.[A-Za-z0-9]+\s*(\*+\/)?\s*$/i.test(line);
}

/** Lines that import something: they go after the file's own imports, never beside a function. */
export function isImport(line: string): boolean {
  return /^\s*(import\b|from\s+\S+\s+import\b|use\s+[\w:{]|#include\b|using\s+[\w.]+;|(const|let|var)\s+.*=\s*require\()/.test(line);
}

export const isPackageLine = (line: string): boolean => /^\s*(package\s+[\w.]+;?|module\s+[\w.]+;?)\s*$/.test(line);

/** Whether a line opens a block that closes with `}`: counts braces outside strings and line comments. */
export function braceDelta(line: string): number {
  const code = line
    .replace(/"(?:\\.|[^"\\])*"/g, '""')
    .replace(/'(?:\\.|[^'\\])*'/g, "''")
    .replace(/`(?:\\.|[^`\\])*`/g, '``')
    .replace(/\/\/.*$/, '');
  let delta = 0;
  for (const ch of code) {
    if (ch === '{') delta++;
    else if (ch === '}') delta--;
  }
  return delta;
}

/**
 * The last line of the block starting at `start`: where its braces close (the `{` may be on the next line),
 * else the last line indented deeper than it (Python, YAML), else the line itself.
 */
export function blockEnd(lines: readonly string[], start: number): number {
  let depth = braceDelta(lines[start]);
  let next = start + 1;
  while (next < lines.length && isBlank(lines[next])) next++;
  if (depth === 0 && next < lines.length && /^\s*\{/.test(lines[next]) && !/[;,]\s*$/.test(lines[start])) {
    depth = braceDelta(lines[next]);
    if (depth <= 0) return next;
    start = next;
  }
  if (depth > 0) {
    for (let i = start + 1; i < lines.length; i++) {
      depth += braceDelta(lines[i]);
      if (depth <= 0) return i;
    }
    return lines.length - 1;
  }
  const base = indentOf(lines[start]).length;
  let end = start;
  for (let i = start + 1; i < lines.length; i++) {
    if (isBlank(lines[i])) continue;
    if (indentOf(lines[i]).length > base) {
      end = i;
      continue;
    }
    // Ruby's, Lua's or the shell's closing keyword at the block's own indentation ends it.
    if (end > start && indentOf(lines[i]).length === base && /^\s*(end|fi|done|esac|endif|endfunction|endwhile|endfor)\b/.test(lines[i])) end = i;
    break;
  }
  return end;
}

/** Moves `lines` from the indentation `from` to `to` (lines indented less than `from` keep theirs). */
export function reindent(lines: readonly string[], from: string, to: string): string[] {
  if (from === to) return [...lines];
  return lines.map((line) => {
    if (isBlank(line)) return '';
    return line.startsWith(from) ? to + line.slice(from.length) : line;
  });
}

/** The snippet with its common indentation removed (line for line), and that indentation. */
export function dedent(text: string): { readonly text: string; readonly indent: string } {
  const lines = text.split(/\r?\n/);
  const indents = lines.filter((l) => !isBlank(l)).map(indentOf);
  if (indents.length === 0) return { text, indent: '' };
  let common = indents[0];
  for (const indent of indents) {
    while (!indent.startsWith(common)) common = common.slice(0, -1);
  }
  return { text: lines.map((l) => (isBlank(l) ? '' : l.slice(common.length))).join('\n'), indent: common };
}

/** The smallest whole-line region of `before` that differs from `after`, and its new text. */
export function changedRegion(before: string, after: string): { start: number; end: number; text: string } {
  const max = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < max && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (suffix < max - prefix && before[before.length - 1 - suffix] === after[after.length - 1 - suffix]) suffix++;
  // Whole lines: back to the start of the first changed line, on to the end of the last one (both shared text).
  const start = before.lastIndexOf('\n', prefix - 1) + 1;
  let end = before.length - suffix;
  let grow = 0;
  if (end > 0 && before[end - 1] !== '\n') {
    const newline = before.indexOf('\n', end);
    grow = newline < 0 ? before.length - end : newline + 1 - end;
  }
  end += grow;
  return { start, end, text: after.slice(start, after.length - suffix + grow) };
}
