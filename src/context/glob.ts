/**
 * Glob patterns compiled to regular expressions over workspace-relative paths with forward slashes.
 *
 * Syntax (VS Code's `files.exclude` / `deepseek.context.exclude`, and the body of `.gitignore` patterns):
 * `*` any run of characters except `/`; `?` one character except `/`; `[abc]`, `[a-z]`, `[!abc]`/`[^abc]`
 * a character class; `**` as a whole segment any number of segments (`**\/x`, `a/**`, `a/**\/b`); `{a,b}`
 * alternatives (VS Code globs only); `\x` a literal `x`.
 */

const REGEX_SPECIALS = /[.+^${}()|[\]\\*?]/;

function escapeChar(ch: string): string {
  return REGEX_SPECIALS.test(ch) ? `\\${ch}` : ch;
}

/** Index just past the `]` closing the class that starts at `start` (a `[`), or -1 if it is not closed. */
function classEnd(glob: string, start: number): number {
  let i = start + 1;
  if (glob[i] === '!' || glob[i] === '^') {
    i++;
  }
  if (glob[i] === ']') {
    i++;
  }
  for (; i < glob.length; i++) {
    if (glob[i] === '\\') {
      i++;
    } else if (glob[i] === ']') {
      return i + 1;
    }
  }
  return -1;
}

function classSource(body: string): string {
  let negate = false;
  let i = 0;
  if (body[0] === '!' || body[0] === '^') {
    negate = true;
    i = 1;
  }
  let out = '';
  for (; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && i + 1 < body.length) {
      out += `\\${body[++i]}`;
    } else if (ch === ']' || ch === '[' || ch === '\\' || ch === '^') {
      out += `\\${ch}`;
    } else {
      out += ch;
    }
  }
  // A class never matches the separator.
  return negate ? `[^/${out}]` : `(?!/)[${out}]`;
}

/** Splits `a,b,{c,d}` on top-level commas. */
function splitAlternatives(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '\\' && i + 1 < body.length) {
      current += ch + body[++i];
      continue;
    }
    if (ch === '{') {
      depth++;
    } else if (ch === '}') {
      depth--;
    } else if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts;
}

/** Index of the `}` matching the `{` at `start`, or -1. */
function braceEnd(glob: string, start: number): number {
  let depth = 0;
  for (let i = start; i < glob.length; i++) {
    if (glob[i] === '\\') {
      i++;
    } else if (glob[i] === '{') {
      depth++;
    } else if (glob[i] === '}' && --depth === 0) {
      return i;
    }
  }
  return -1;
}

export interface GlobOptions {
  /** `{a,b}` alternatives (VS Code globs); `.gitignore` has none. */
  readonly braces: boolean;
  /** `.gitignore`: a trailing `/**` matches what is inside the folder but not the folder itself. */
  readonly insideOnly?: boolean;
}

/** The regular-expression source (no anchors) for a glob. */
export function globSource(glob: string, options: GlobOptions = { braces: true }): string {
  let out = '';
  let i = 0;
  while (i < glob.length) {
    const ch = glob[i];
    if (ch === '*' && glob[i + 1] === '*') {
      const atSegmentStart = i === 0 || glob[i - 1] === '/';
      const end = i + 2;
      const atSegmentEnd = end === glob.length || glob[end] === '/';
      if (atSegmentStart && atSegmentEnd) {
        if (end === glob.length) {
          // `a/**` → everything below a; a lone `**` → anything.
          if (out.endsWith('/')) {
            out = options.insideOnly ? `${out}.*` : `${out.slice(0, -1)}(?:/.*)?`;
          } else {
            out += '.*';
          }
          i = end;
        } else {
          // `**/` → zero or more whole segments.
          out += '(?:[^/]*/)*';
          i = end + 1;
        }
        continue;
      }
      out += '[^/]*';
      i = end;
      while (glob[i] === '*') {
        i++;
      }
      continue;
    }
    if (ch === '*') {
      out += '[^/]*';
      i++;
    } else if (ch === '?') {
      out += '[^/]';
      i++;
    } else if (ch === '[') {
      const end = classEnd(glob, i);
      if (end < 0) {
        out += '\\[';
        i++;
      } else {
        out += classSource(glob.slice(i + 1, end - 1));
        i = end;
      }
    } else if (ch === '{' && options.braces) {
      const end = braceEnd(glob, i);
      if (end < 0) {
        out += '\\{';
        i++;
      } else {
        const alternatives = splitAlternatives(glob.slice(i + 1, end)).map((alt) => globSource(alt, options));
        out += `(?:${alternatives.join('|')})`;
        i = end + 1;
      }
    } else if (ch === '\\' && i + 1 < glob.length) {
      out += escapeChar(glob[i + 1]);
      i += 2;
    } else {
      out += escapeChar(ch);
      i++;
    }
  }
  return out;
}

/**
 * A VS Code glob (relative to the workspace root; a leading `/` or `./` is ignored) as a matcher of paths.
 * As in `files.exclude`, a pattern that matches a folder matches everything inside it.
 */
export function compileGlob(glob: string): (path: string) => boolean {
  let pattern = glob.trim();
  while (pattern.startsWith('./')) {
    pattern = pattern.slice(2);
  }
  pattern = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
  if (pattern === '') {
    return () => false;
  }
  const re = new RegExp(`^${globSource(pattern)}(?:/.*)?$`);
  return (path) => re.test(path);
}
