import { compareStrings, type LanguageId } from './types';

/**
 * Imports, and the workspace files they refer to, for the languages where that is cheap: TypeScript /
 * TSX / JavaScript (relative and workspace-package imports), Python (modules), Go (packages) and Rust
 * (`use`, `mod`, `extern crate`). Pure: no `vscode`, no file system. The caller lists the files and the
 * manifests (`isManifestPath` / `parseManifest`) into a `ModuleLayout` and asks it to `resolve` the refs of
 * one file (`extractImports`).
 *
 * Extraction is lexical: one left-to-right scan per file that skips comments and strings (so an import in
 * a comment or a string is not one), with a small anchored pattern at each import keyword. It is linear in
 * the text and does not build a tree (the scanners are shared module-level regular expressions: extraction
 * is synchronous and resets them). Paths are workspace-relative with forward slashes ('' is the root).
 *
 * Bindings (`ImportBinding`): `imported` is a name, `'default'`, or `'*'` for the whole module; `local` is
 * the name it gets in the importing file, or `'*'` for a wildcard (`export * from`, `from x import *`, Rust
 * `use x::*`, Go `import . "x"`). Side-effect imports (`import './x'`, bare `require('x')`, Go `_`) have no
 * bindings. Per language:
 *  - TS/JS: `import x` → default/x; `import * as ns` → `*`/ns; `const x = require('x')` and
 *    `const x = await import('x')` → `*`/x; `const {a, b: c} = require('x')` → a/a, b/c;
 *    `import x = require('x')` → `*`/x. `export … from` refs have `reexport: true`.
 *  - Python: `import a.b.c` → `*`/a (Python binds the top-level name); `import a.b as c` → `*`/c; one ref
 *    per module of `import a, b`; `from a.b import c as d` → c/d; relative specifiers keep their dots.
 *  - Go: `*` and the alias, or a guess at the package name from the path (`…/go-yaml/v3` → `yaml`).
 *  - Rust: one ref per leaf of a use tree, with the whole path as specifier: `use crate::a::{B, c::D as E}`
 *    → `crate::a::B` B/B and `crate::a::c::D` D/E; `use a::{self}` → `a` a/a; globs `use a::b::*` → `a::b`
 *    `*`/`*`; `mod foo;` → `self::foo` `*`/foo; `extern crate foo as bar;` → `foo` `*`/bar. `pub use` refs
 *    have `reexport: true`. Inside an inline `mod m { … }` block, leading `self`/`super` are rewritten
 *    relative to the file's module (`mod tests { use super::*; }` → `self`), because that is where the
 *    resolver looks for modules.
 */

export interface ImportBinding {
  readonly imported: string;
  readonly local: string;
}

export interface ImportRef {
  /** As written: './util', '@babel/types', 'a.b.c', '.x', 'github.com/x/y/pkg', 'crate::a::b', 'super::x'. */
  readonly specifier: string;
  readonly names: readonly ImportBinding[];
  /** `export … from` (TS/JS) and `pub use` (Rust). */
  readonly reexport?: boolean;
}

// ---------------------------------------------------------------------------------------------------------
// Extraction
// ---------------------------------------------------------------------------------------------------------

/** Imports of one file, in source order. Languages other than TS/TSX/JS, Python, Go and Rust have none. */
export function extractImports(language: LanguageId, text: string): ImportRef[] {
  switch (language) {
    case 'typescript':
    case 'tsx':
    case 'javascript':
      return extractJs(text);
    case 'python':
      return extractPython(text);
    case 'go':
      return extractGo(text);
    case 'rust':
      return extractRust(text);
    default:
      return [];
  }
}

// --- TypeScript / JavaScript ---

/**
 * Comments, strings, template literal heads (group 1: what ends the head, '`' or '${'), regular expression
 * literals (group 2; dropped when the `/` is a division), or an import keyword (group 3). Strings end at a
 * line break, so an unterminated quote costs at most a line.
 */
const JS_SCAN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"|`(?:[^`\\$]|\\[\s\S]|\$(?!\{))*(`|\$\{)|(\/)(?:[^/\\\n[]|\\.|\[(?:[^\]\\\n]|\\.)*\])+\/|\b(import|export|require)\b/g;
/** The same inside a template's `${ … }`, plus braces (group 4) to find the `}` that ends the expression. */
const JS_SCAN_IN_TEMPLATE = new RegExp(`${JS_SCAN.source}|([{}])`, 'g');
/** The rest of a template after an embedded expression's `}`: up to '`' or the next '${' (group 1). */
const JS_TEMPLATE_REST = /(?:[^`\\$]|\\[\s\S]|\$(?!\{))*(`|\$\{)/y;
/** A `/` after a value (a name, a number, `)` or `]`) is a division; after these keywords it starts a regular expression. */
const VALUE_BEFORE = /(?:[\w$]+|[)\]])\s*$/;
const KEYWORD_BEFORE_REGEX = /^(?:return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/;
const JS_IMPORT_FROM = /import\s*(?:type\s+|typeof\s+)?((?:[\w$]+\s*,\s*)?(?:\*\s*as\s+[\w$]+|\{[^}]*\})|[\w$]+)\s*from\s*(['"])([^'"\n]*)\2/y;
const JS_IMPORT_BARE = /import\s*(['"])([^'"\n]*)\1/y;
const JS_IMPORT_CALL = /import\s*\(\s*(['"`])([^'"`\n$]*)\1\s*[,)]/y;
const JS_IMPORT_EQUALS = /import\s+(?:type\s+)?([\w$]+)\s*=\s*require\s*\(\s*(['"])([^'"\n]*)\2\s*\)/y;
const JS_EXPORT_FROM = /export\s*(?:type\s+)?(\*(?:\s*as\s+[\w$]+)?|\{[^}]*\})\s*from\s*(['"])([^'"\n]*)\2/y;
const JS_REQUIRE = /require\s*\(\s*(['"`])([^'"`\n$]*)\1\s*\)/y;
/** `const x =` / `const {a, b: c} = await` just before a `require(` or `import(`. */
const JS_ASSIGNED = /\b(?:const|let|var)\s+([\w$]+|\{[^{}]*\})\s*=\s*(?:await\s+)?$/;
const JS_COMMENTS = /\/\*[\s\S]*?\*\/|\/\/[^\n]*/g;
const CHAR_DOT = 46;
const CHAR_DOLLAR = 36;

function extractJs(text: string): ImportRef[] {
  const out: ImportRef[] = [];
  /** Open `${ … }` expressions of (nested) template literals: the braces open inside each. */
  const templates: number[] = [];
  let pos = 0;
  while (pos < text.length) {
    const scan = templates.length > 0 ? JS_SCAN_IN_TEMPLATE : JS_SCAN;
    scan.lastIndex = pos;
    const m = scan.exec(text);
    if (!m) {
      break;
    }
    const at = m.index;
    pos = at + m[0].length;
    if (m[1] !== undefined) {
      if (m[1] === '${') {
        templates.push(0);
      }
    } else if (m[2] !== undefined) {
      const value = VALUE_BEFORE.exec(text.slice(Math.max(0, at - 16), at));
      if (value && !KEYWORD_BEFORE_REGEX.test(value[0].trimEnd())) {
        pos = at + 1; // a division: scan on from the next character
      }
    } else if (m[4] !== undefined) {
      const top = templates.length - 1;
      if (m[4] === '{') {
        templates[top]++;
      } else if (templates[top] > 0) {
        templates[top]--;
      } else {
        templates.pop();
        const rest = sticky(JS_TEMPLATE_REST, text, pos);
        if (rest) {
          pos += rest[0].length;
          if (rest[1] === '${') {
            templates.push(0);
          }
        }
      }
    } else if (m[3] !== undefined) {
      const keyword = m[3];
      // `x.import(`, `$require`, `require$`: not the keyword.
      if ((at > 0 && (text.charCodeAt(at - 1) === CHAR_DOT || text.charCodeAt(at - 1) === CHAR_DOLLAR)) || text.charCodeAt(at + keyword.length) === CHAR_DOLLAR) {
        continue;
      }
      const end = keyword === 'import' ? jsImport(text, at, out) : keyword === 'export' ? jsExport(text, at, out) : jsRequire(text, at, out);
      if (end > at) {
        pos = end;
      }
    }
  }
  return out;
}

function sticky(re: RegExp, text: string, at: number): RegExpExecArray | null {
  re.lastIndex = at;
  return re.exec(text);
}

function jsImport(text: string, at: number, out: ImportRef[]): number {
  let m = sticky(JS_IMPORT_FROM, text, at);
  if (m) {
    out.push({ specifier: m[3], names: jsClause(m[1]) });
    return at + m[0].length;
  }
  m = sticky(JS_IMPORT_BARE, text, at);
  if (m) {
    out.push({ specifier: m[2], names: [] });
    return at + m[0].length;
  }
  m = sticky(JS_IMPORT_CALL, text, at);
  if (m) {
    out.push({ specifier: m[2], names: jsAssignedBefore(text, at) });
    return at + m[0].length;
  }
  m = sticky(JS_IMPORT_EQUALS, text, at);
  if (m) {
    out.push({ specifier: m[3], names: [{ imported: '*', local: m[1] }] });
    return at + m[0].length;
  }
  return -1;
}

function jsExport(text: string, at: number, out: ImportRef[]): number {
  const m = sticky(JS_EXPORT_FROM, text, at);
  if (!m) {
    return -1;
  }
  const clause = m[1];
  let names: ImportBinding[];
  if (clause.startsWith('*')) {
    const ns = /as\s+([\w$]+)/.exec(clause);
    names = [{ imported: '*', local: ns ? ns[1] : '*' }];
  } else {
    names = jsNamed(clause.slice(1, -1));
  }
  out.push({ specifier: m[3], names, reexport: true });
  return at + m[0].length;
}

function jsRequire(text: string, at: number, out: ImportRef[]): number {
  const m = sticky(JS_REQUIRE, text, at);
  if (!m) {
    return -1;
  }
  out.push({ specifier: m[2], names: jsAssignedBefore(text, at) });
  return at + m[0].length;
}

/** Bindings of `const x = ` / `const {a, b: c} = ` right before `at` (a `require(` or `import(`). */
function jsAssignedBefore(text: string, at: number): ImportBinding[] {
  const m = JS_ASSIGNED.exec(text.slice(Math.max(0, at - 256), at));
  if (!m) {
    return [];
  }
  const target = m[1];
  if (!target.startsWith('{')) {
    return [{ imported: '*', local: target }];
  }
  const out: ImportBinding[] = [];
  for (const raw of target.slice(1, -1).replace(JS_COMMENTS, ' ').split(',')) {
    const item = raw.replace(/=[\s\S]*$/, '').trim();
    if (!item || item.startsWith('...')) {
      continue;
    }
    const renamed = /^([\w$]+)\s*:\s*([\w$]+)$/.exec(item);
    if (renamed) {
      out.push({ imported: renamed[1], local: renamed[2] });
    } else if (/^[\w$]+$/.test(item)) {
      out.push({ imported: item, local: item });
    }
  }
  return out;
}

/** `x`, `x, {a}`, `x, * as ns`, `* as ns`, `{a as b, type C}`. */
function jsClause(clause: string): ImportBinding[] {
  const out: ImportBinding[] = [];
  let rest = clause.trim();
  const def = /^([\w$]+)\s*(?:,\s*|$)/.exec(rest);
  if (def) {
    out.push({ imported: 'default', local: def[1] });
    rest = rest.slice(def[0].length);
  }
  const ns = /^\*\s*as\s+([\w$]+)/.exec(rest);
  if (ns) {
    out.push({ imported: '*', local: ns[1] });
  } else if (rest.startsWith('{')) {
    out.push(...jsNamed(rest.slice(1, rest.lastIndexOf('}'))));
  }
  return out;
}

function unquote(name: string): string {
  return /^(['"]).*\1$/.test(name) ? name.slice(1, -1) : name;
}

/** The inside of `{ … }` in an import or export: `a`, `a as b`, `type A`, `default as x`, `"a-b" as c`. */
function jsNamed(inner: string): ImportBinding[] {
  const out: ImportBinding[] = [];
  for (const raw of inner.replace(JS_COMMENTS, ' ').split(',')) {
    let item = raw.trim();
    if (!item) {
      continue;
    }
    // `type A` is a type-only import of A; `type as x` imports a binding named `type`.
    if (/^type\s+/.test(item) && !/^type\s+as(?:\s+[\w$]+)?$/.test(item)) {
      item = item.replace(/^type\s+/, '');
    }
    const renamed = /^(\S+)\s+as\s+(\S+)$/.exec(item);
    if (renamed) {
      out.push({ imported: unquote(renamed[1]), local: renamed[2] });
    } else if (!/\s/.test(item)) {
      out.push({ imported: unquote(item), local: unquote(item) });
    }
  }
  return out;
}

// --- Python ---

/**
 * Comments and strings (skipped; triple-quoted first), or `import` / `from` at the start of a statement
 * (line start, or after `;` or `:` as in `try: import x`), group 1.
 */
const PY_SCAN = /#[^\n]*|'''[\s\S]*?'''|"""[\s\S]*?"""|'(?:[^'\\\n]|\\[\s\S])*'|"(?:[^"\\\n]|\\[\s\S])*"|(?:^|[;:])[ \t]*(from|import)\b/gm;
const PY_FROM = /from[ \t]+(\.+[\w.]*|[A-Za-z_][\w.]*)[ \t]+import\b[ \t]*(\([^)]*\)|(?:[^\n\\#;]|\\\r?\n)*)/y;
const PY_IMPORT = /import\b[ \t]*((?:[^\n\\#;]|\\\r?\n)*)/y;
const PY_NAME = /^([A-Za-z_][\w.]*|\*)(?:\s+as\s+([A-Za-z_]\w*))?$/;

function pyItems(list: string): string[] {
  let cleaned = list;
  if (cleaned.includes('#')) {
    cleaned = cleaned.replace(/#[^\n]*/g, ' ');
  }
  if (cleaned.includes('\\')) {
    cleaned = cleaned.replace(/\\\r?\n/g, ' ');
  }
  if (cleaned.includes('(')) {
    cleaned = cleaned.replace(/[()]/g, ' ');
  }
  return cleaned
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0);
}

function extractPython(text: string): ImportRef[] {
  const out: ImportRef[] = [];
  const scan = PY_SCAN;
  scan.lastIndex = 0;
  for (let m = scan.exec(text); m !== null; m = scan.exec(text)) {
    const keyword = m[1];
    if (keyword === undefined) {
      continue;
    }
    const at = m.index + m[0].length - keyword.length;
    if (keyword === 'from') {
      const s = sticky(PY_FROM, text, at);
      if (!s) {
        continue;
      }
      const names: ImportBinding[] = [];
      for (const item of pyItems(s[2])) {
        const n = PY_NAME.exec(item);
        if (n && !n[1].includes('.')) {
          names.push({ imported: n[1], local: n[1] === '*' ? '*' : n[2] ?? n[1] });
        }
      }
      out.push({ specifier: s[1], names });
      scan.lastIndex = at + s[0].length;
    } else {
      const s = sticky(PY_IMPORT, text, at);
      if (!s) {
        continue;
      }
      for (const item of pyItems(s[1])) {
        const n = PY_NAME.exec(item);
        if (n && n[1] !== '*') {
          out.push({ specifier: n[1], names: [{ imported: '*', local: n[2] ?? n[1].split('.')[0] }] });
        }
      }
      scan.lastIndex = at + s[0].length;
    }
  }
  return out;
}

// --- Go ---

/**
 * Comments, strings, raw strings and runes (skipped); `import` at the start of a line (group 1); or the
 * first top-level declaration (group 2), after which Go allows no imports, so the scan stops there.
 */
const GO_SCAN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|"(?:[^"\\\n]|\\[\s\S])*"|`[^`]*`|'(?:[^'\\\n]|\\[^\n][^'\n]{0,9})'|^(import)\b|^(func|type|var|const)\b/gm;
const GO_IMPORT_ONE = /import[ \t]+(?:([\w.]+)[ \t]+)?("[^"\n]*"|`[^`\n]*`)/y;
const GO_IMPORT_GROUP = /import[ \t]*\(/y;
/** One item of an `import ( … )` group: a comment, a spec (alias in group 1, path in group 2), `;`, or `)`. */
const GO_GROUP_ITEM = /\s*(?:\/\/[^\n]*|\/\*[\s\S]*?\*\/|(?:([\w.]+)[ \t]+)?("[^"\n]*"|`[^`\n]*`)|;|(\)))/y;

/** The usual package name of an import path: its last element, without a major version or `go-`/`-go`. */
function goPackageName(path: string): string {
  const segments = path.split('/');
  let last = segments.pop() ?? path;
  if (/^v\d+$/.test(last) && segments.length > 0) {
    last = segments.pop() as string;
  }
  return last.replace(/\.v\d+$/, '').replace(/^go-|-go$/g, '').replace(/[^\w]/g, '_');
}

function goRef(alias: string | undefined, quoted: string): ImportRef {
  const specifier = quoted.slice(1, -1);
  if (alias === '_') {
    return { specifier, names: [] };
  }
  return { specifier, names: [{ imported: '*', local: alias === '.' ? '*' : alias ?? goPackageName(specifier) }] };
}

function extractGo(text: string): ImportRef[] {
  const out: ImportRef[] = [];
  const scan = GO_SCAN;
  scan.lastIndex = 0;
  for (let m = scan.exec(text); m !== null; m = scan.exec(text)) {
    if (m[2] !== undefined) {
      break;
    }
    if (m[1] === undefined) {
      continue;
    }
    const at = m.index;
    const one = sticky(GO_IMPORT_ONE, text, at);
    if (one) {
      out.push(goRef(one[1], one[2]));
      scan.lastIndex = at + one[0].length;
      continue;
    }
    const group = sticky(GO_IMPORT_GROUP, text, at);
    if (!group) {
      continue;
    }
    let pos = at + group[0].length;
    for (;;) {
      const item = sticky(GO_GROUP_ITEM, text, pos);
      if (!item) {
        break;
      }
      pos += item[0].length;
      if (item[3] !== undefined) {
        break;
      }
      if (item[2] !== undefined) {
        out.push(goRef(item[1], item[2]));
      }
    }
    scan.lastIndex = pos;
  }
  return out;
}

// --- Rust ---

/**
 * Comments, raw and plain strings, char literals (not lifetimes: `'a` has no closing quote) are skipped;
 * group 2 is `use`, `mod` or `extern`. Braces are only counted (to know where an inline `mod m { … }` ends)
 * from the first inline module on, counting from 0 there; most files have at most `mod tests { … }`.
 */
const RS_SCAN = /\/\/[^\n]*|\/\*[\s\S]*?\*\/|\bb?r(#*)"[\s\S]*?"\1|"(?:[^"\\]|\\[\s\S])*"|'(?:[^'\\\n]|\\[^\n][^'\n]{0,9})'|\b(use|mod|extern)\b/g;
/** The same plus braces (group 3), used once an inline module is open. */
const RS_SCAN_WITH_BRACES = new RegExp(`${RS_SCAN.source}|([{}])`, 'g');
const RS_USE = /use\s+([^;]{1,10000});/y;
const RS_MOD = /mod\s+(?:r#)?([A-Za-z_]\w*)\s*([;{])/y;
const RS_EXTERN_CRATE = /extern\s+crate\s+(?:r#)?([A-Za-z_]\w*)(?:\s+as\s+([A-Za-z_]\w*))?\s*;/y;
const RS_PUB_BEFORE = /\bpub(?:\s*\([^)]*\))?\s*$/;
const RS_TOKEN = /\s*(::|[{},*]|\$?(?:r#)?[A-Za-z_]\w*)/y;

interface UseLeaf {
  readonly path: readonly string[];
  /** The imported item (last segment, or the module for `self`), or undefined for a glob. */
  readonly name?: string;
  readonly alias?: string;
}

/** Leaves of a use tree (`a::{b, c::{self, D as E}, f::*}`), or undefined when it does not parse. */
function parseUseTree(body: string): UseLeaf[] | undefined {
  const tokens: string[] = [];
  const cleaned = body.replace(JS_COMMENTS, ' ');
  let pos = 0;
  while (pos < cleaned.length) {
    const m = sticky(RS_TOKEN, cleaned, pos);
    if (!m) {
      if (/^\s*$/.test(cleaned.slice(pos))) {
        break;
      }
      return undefined;
    }
    tokens.push(m[1].replace(/^r#/, ''));
    pos += m[0].length;
  }
  const leaves: UseLeaf[] = [];
  let i = 0;
  const tree = (prefix: readonly string[]): boolean => {
    const path = [...prefix];
    if (tokens[i] === '::') {
      path.push('');
      i++;
    }
    for (;;) {
      const t = tokens[i];
      if (t === '*') {
        i++;
        leaves.push({ path });
        return true;
      }
      if (t === '{') {
        i++;
        while (tokens[i] !== '}') {
          if (tokens[i] === undefined || !tree(path)) {
            return false;
          }
          if (tokens[i] === ',') {
            i++;
          } else if (tokens[i] !== '}') {
            return false;
          }
        }
        i++;
        return true;
      }
      if (t === undefined || !/^[$A-Za-z_]/.test(t) || t === 'as') {
        return false;
      }
      i++;
      if (tokens[i] === '::') {
        path.push(t);
        i++;
        continue;
      }
      let alias: string | undefined;
      if (tokens[i] === 'as') {
        alias = tokens[i + 1];
        if (alias === undefined || !/^[A-Za-z_]/.test(alias)) {
          return false;
        }
        i += 2;
      }
      if (t === 'self') {
        const name = path[path.length - 1];
        if (name === undefined || name === '') {
          return false;
        }
        leaves.push({ path, name, ...(alias ? { alias } : {}) });
      } else {
        leaves.push({ path: [...path, t], name: t, ...(alias ? { alias } : {}) });
      }
      return true;
    }
  };
  if (!tree([]) || i !== tokens.length) {
    return undefined;
  }
  return leaves;
}

/** A path written inside inline modules `inline` (outermost first), relative to the file's module. */
function rustRelativeToFile(path: readonly string[], inline: readonly string[]): string[] {
  if (inline.length === 0 || (path[0] !== 'self' && path[0] !== 'super')) {
    return [...path];
  }
  if (path[0] === 'self') {
    return ['self', ...inline, ...path.slice(1)];
  }
  let supers = 0;
  while (path[supers] === 'super') {
    supers++;
  }
  if (supers > inline.length) {
    return [...path.slice(0, supers - inline.length), ...path.slice(supers)];
  }
  return ['self', ...inline.slice(0, inline.length - supers), ...path.slice(supers)];
}

function rustSpecifier(path: readonly string[]): string {
  return path[0] === '' ? `::${path.slice(1).join('::')}` : path.join('::');
}

function extractRust(text: string): ImportRef[] {
  const out: ImportRef[] = [];
  let scan = RS_SCAN;
  scan.lastIndex = 0;
  let depth = 0;
  /** Inline modules open at this point: their names and the brace depth inside each. */
  const inline: { name: string; depth: number }[] = [];
  for (let m = scan.exec(text); m !== null; m = scan.exec(text)) {
    const brace = m[3];
    if (brace !== undefined) {
      if (brace === '{') {
        depth++;
      } else {
        if (inline.length > 0 && inline[inline.length - 1].depth === depth) {
          inline.pop();
        }
        depth = Math.max(0, depth - 1);
      }
      continue;
    }
    const keyword = m[2];
    if (keyword === undefined) {
      continue;
    }
    const at = m.index;
    const names = inline.map((x) => x.name);
    if (keyword === 'use') {
      const s = sticky(RS_USE, text, at);
      const leaves = s ? parseUseTree(s[1]) : undefined;
      if (!s || !leaves) {
        continue;
      }
      const reexport = RS_PUB_BEFORE.test(text.slice(Math.max(0, at - 40), at));
      for (const leaf of leaves) {
        if (leaf.path.some((segment) => segment.startsWith('$') && segment !== '$crate')) {
          continue;
        }
        const path = rustRelativeToFile(leaf.path.map((segment) => (segment === '$crate' ? 'crate' : segment)), names);
        const bindings: ImportBinding[] = leaf.name === undefined ? [{ imported: '*', local: '*' }] : [{ imported: leaf.name, local: leaf.alias ?? leaf.name }];
        if (path.length > 0) {
          out.push({ specifier: rustSpecifier(path), names: bindings, ...(reexport ? { reexport: true } : {}) });
        }
      }
      scan.lastIndex = at + s[0].length;
    } else if (keyword === 'mod') {
      const s = sticky(RS_MOD, text, at);
      if (!s) {
        continue;
      }
      if (s[2] === ';') {
        out.push({ specifier: ['self', ...names, s[1]].join('::'), names: [{ imported: '*', local: s[1] }] });
      } else {
        scan = RS_SCAN_WITH_BRACES;
        depth++;
        inline.push({ name: s[1], depth });
      }
      scan.lastIndex = at + s[0].length;
    } else {
      const s = sticky(RS_EXTERN_CRATE, text, at);
      if (!s) {
        continue;
      }
      out.push({ specifier: s[1], names: [{ imported: '*', local: s[2] ?? s[1] }] });
      scan.lastIndex = at + s[0].length;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------
// Manifests
// ---------------------------------------------------------------------------------------------------------

export type ManifestKind = 'npm' | 'cargo' | 'go' | 'python';

export interface Manifest {
  readonly kind: ManifestKind;
  /** The folder holding the manifest ('' for the workspace root). */
  readonly dir: string;
  /** package.json `name`; Cargo.toml `[package] name`; pyproject / setup.py / setup.cfg project name. */
  readonly name?: string;
  /** go.mod module path */
  readonly module?: string;
  /**
   * package.json source entry candidates: 'source','types','typings','module','main', 'exports["."]' …
   * relative to dir (no leading './'); Cargo.toml `[lib] path`.
   */
  readonly entries?: readonly string[];
}

const MANIFEST_KINDS: Readonly<Record<string, ManifestKind>> = {
  'package.json': 'npm',
  'Cargo.toml': 'cargo',
  'go.mod': 'go',
  'pyproject.toml': 'python',
  'setup.py': 'python',
  'setup.cfg': 'python',
};

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

function dirname(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/** Which file names are manifests: package.json, Cargo.toml, go.mod, pyproject.toml, setup.py, setup.cfg. */
export function isManifestPath(path: string): boolean {
  return Object.prototype.hasOwnProperty.call(MANIFEST_KINDS, basename(path));
}

function relativeEntry(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.includes('*')) {
    return undefined;
  }
  const entry = value.replace(/^(?:\.\/)+/, '');
  return entry === '' || entry.startsWith('/') || entry.startsWith('../') ? undefined : entry;
}

/** String leaves of a package.json `exports["."]` value, depth first in key order (conditions). */
function exportLeaves(value: unknown, out: string[], depth = 0): void {
  if (depth > 8 || value === null || value === undefined) {
    return;
  }
  if (typeof value === 'string') {
    out.push(value);
  } else if (Array.isArray(value)) {
    for (const v of value) {
      exportLeaves(v, out, depth + 1);
    }
  } else if (typeof value === 'object') {
    for (const v of Object.values(value as Record<string, unknown>)) {
      exportLeaves(v, out, depth + 1);
    }
  }
}

function parsePackageJson(dir: string, text: string): Manifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'npm', dir };
  }
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    return { kind: 'npm', dir };
  }
  const pkg = json as Record<string, unknown>;
  const raw: unknown[] = [pkg.source, pkg.types, pkg.typings, pkg.module, pkg.main];
  const exported = pkg.exports;
  const leaves: string[] = [];
  if (typeof exported === 'string' || Array.isArray(exported)) {
    exportLeaves(exported, leaves);
  } else if (exported !== null && typeof exported === 'object') {
    const map = exported as Record<string, unknown>;
    const keys = Object.keys(map);
    exportLeaves(keys.some((k) => k.startsWith('.')) ? map['.'] : map, leaves);
  }
  raw.push(...leaves);
  const entries: string[] = [];
  for (const value of raw) {
    const entry = relativeEntry(value);
    if (entry !== undefined && !entries.includes(entry)) {
      entries.push(entry);
    }
  }
  return {
    kind: 'npm',
    dir,
    ...(typeof pkg.name === 'string' && pkg.name !== '' ? { name: pkg.name } : {}),
    ...(entries.length > 0 ? { entries } : {}),
  };
}

/** `key = "value"` pairs of the named tables of a TOML (or INI, unquoted values allowed) text. */
function tomlValues(text: string, wanted: ReadonlySet<string>, unquoted = false): Map<string, string> {
  const values = new Map<string, string>();
  let table = '';
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[\s*([^\]\s]+)\s*\]\s*(?:[#;].*)?$/.exec(line);
    if (header) {
      table = header[1];
      continue;
    }
    if (!wanted.has(table)) {
      continue;
    }
    const pair = unquoted
      ? /^\s*([\w.-]+)\s*[=:]\s*(\S[^#;]*?)\s*(?:[#;].*)?$/.exec(line)
      : /^\s*([\w.-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')/.exec(line);
    if (pair) {
      const key = `${table}.${pair[1]}`;
      if (!values.has(key)) {
        values.set(key, pair[2] ?? pair[3]);
      }
    }
  }
  return values;
}

/**
 * Parses a manifest's text (package.json: name + entry fields; Cargo.toml: [package] name and [lib] path;
 * go.mod: module line; pyproject: [project] or [tool.poetry] name; setup.cfg: [metadata] name; setup.py:
 * `name=` in `setup(…)`). `undefined` for a path that is not a manifest. Never throws (bad JSON → name
 * undefined).
 */
export function parseManifest(path: string, text: string): Manifest | undefined {
  if (!isManifestPath(path)) {
    return undefined;
  }
  const kind = MANIFEST_KINDS[basename(path)];
  const dir = dirname(path);
  try {
    switch (basename(path)) {
      case 'package.json':
        return parsePackageJson(dir, text);
      case 'Cargo.toml': {
        const values = tomlValues(text, new Set(['package', 'lib']));
        const name = values.get('package.name');
        const lib = relativeEntry(values.get('lib.path'));
        return { kind, dir, ...(name ? { name } : {}), ...(lib ? { entries: [lib] } : {}) };
      }
      case 'go.mod': {
        const module = /^\s*module\s+("?)([^\s"]+)\1/m.exec(text.replace(/\/\/[^\n]*/g, ''))?.[2];
        return { kind, dir, ...(module ? { module } : {}) };
      }
      case 'pyproject.toml': {
        const values = tomlValues(text, new Set(['project', 'tool.poetry']));
        const name = values.get('project.name') ?? values.get('tool.poetry.name');
        return { kind, dir, ...(name ? { name } : {}) };
      }
      case 'setup.cfg': {
        const name = tomlValues(text, new Set(['metadata']), true).get('metadata.name');
        return { kind, dir, ...(name ? { name } : {}) };
      }
      default: {
        const call = text.indexOf('setup(');
        const name = call < 0 ? undefined : /\bname\s*=\s*(['"])([^'"\n]+)\1/.exec(text.slice(call))?.[2];
        return { kind, dir, ...(name ? { name } : {}) };
      }
    }
  } catch {
    return { kind, dir };
  }
}

// ---------------------------------------------------------------------------------------------------------
// Resolution
// ---------------------------------------------------------------------------------------------------------

/** `dir` joined with the relative `rest` ('.' and '..' applied); undefined when it leaves the workspace. */
function joinPath(dir: string, rest: string): string | undefined {
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of rest.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      if (parts.length === 0) {
        return undefined;
      }
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join('/');
}

function join(dir: string, rest: string): string {
  return dir === '' ? rest : rest === '' ? dir : `${dir}/${rest}`;
}

/** `path` itself, then its ancestors, then '' (the root). */
function selfAndAncestors(path: string): string[] {
  const out: string[] = [];
  let current = path;
  while (current !== '') {
    out.push(current);
    current = dirname(current);
  }
  out.push('');
  return out;
}

function byDepthThenPath(a: string, b: string): number {
  const da = a === '' ? 0 : a.split('/').length;
  const db = b === '' ? 0 : b.split('/').length;
  return da - db || compareStrings(a, b);
}

const JS_EXTENSIONS = ['.ts', '.tsx', '.d.ts', '.js', '.jsx', '.mjs', '.cjs', '.mts', '.cts'];
/** A JavaScript file name in a specifier, and the TypeScript sources it stands for (TS ESM style). */
const JS_TO_TS: readonly (readonly [string, readonly string[]])[] = [
  ['.mjs', ['.mts', '.d.mts']],
  ['.cjs', ['.cts', '.d.cts']],
  ['.jsx', ['.tsx']],
  ['.js', ['.ts', '.tsx', '.d.ts']],
];
const TS_SUFFIX = /\.(?:d\.)?[mc]?tsx?$/;
/** Build-output folders whose files usually come from `src/` in a monorepo (babel: `lib/x.js` ← `src/x.ts`). */
const BUILD_FOLDER = /^(?:lib|dist|build|out|es|esm|cjs)\//;
const RUST_EXTERNAL = new Set(['std', 'core', 'alloc', 'proc_macro', 'test']);

interface RustCrate {
  /** Folder of the crate root file: its child modules live there. */
  readonly folder: string;
  /** The crate root file (lib.rs, main.rs, a bin/test/example file), if known. */
  readonly root?: string;
}

/** The workspace as the resolver sees it: listed file paths (workspace-relative, '/'-separated) and the manifests. */
export class ModuleLayout {
  private readonly files = new Set<string>();
  private readonly filesByDir = new Map<string, Set<string>>();
  /** dir → kind → manifest. */
  private readonly manifests = new Map<string, Map<ManifestKind, Manifest>>();
  private readonly npmByName = new Map<string, Set<string>>();
  private readonly cargoByName = new Map<string, Set<string>>();
  private readonly goByModule = new Map<string, Set<string>>();
  private sortedManifestDirs: string[] | undefined;

  constructor(files: Iterable<string>, manifests: Iterable<Manifest>) {
    for (const f of files) {
      this.addFile(f);
    }
    for (const m of manifests) {
      this.setManifest(m);
    }
  }

  addFile(path: string): void {
    if (this.files.has(path)) {
      return;
    }
    this.files.add(path);
    const dir = dirname(path);
    const inDir = this.filesByDir.get(dir);
    if (inDir) {
      inDir.add(path);
    } else {
      this.filesByDir.set(dir, new Set([path]));
    }
  }

  removeFile(path: string): void {
    if (!this.files.delete(path)) {
      return;
    }
    const dir = dirname(path);
    const inDir = this.filesByDir.get(dir);
    inDir?.delete(path);
    if (inDir && inDir.size === 0) {
      this.filesByDir.delete(dir);
    }
  }

  /** Adds a manifest, replacing the one of the same folder and kind. */
  setManifest(m: Manifest): void {
    this.removeManifest(m.dir, m.kind);
    let byKind = this.manifests.get(m.dir);
    if (!byKind) {
      byKind = new Map();
      this.manifests.set(m.dir, byKind);
      this.sortedManifestDirs = undefined;
    }
    byKind.set(m.kind, m);
    const key = this.indexKey(m);
    if (key) {
      addTo(key[0], key[1], m.dir);
    }
  }

  /** Forgets the manifests of folder `dir` (only the one of `kind` when given). */
  removeManifest(dir: string, kind?: ManifestKind): void {
    const byKind = this.manifests.get(dir);
    if (!byKind) {
      return;
    }
    for (const m of [...byKind.values()]) {
      if (kind !== undefined && m.kind !== kind) {
        continue;
      }
      byKind.delete(m.kind);
      const key = this.indexKey(m);
      if (key) {
        removeFrom(key[0], key[1], dir);
      }
    }
    if (byKind.size === 0) {
      this.manifests.delete(dir);
      this.sortedManifestDirs = undefined;
    }
  }

  private indexKey(m: Manifest): [Map<string, Set<string>>, string] | undefined {
    if (m.kind === 'npm' && m.name) {
      return [this.npmByName, m.name];
    }
    if (m.kind === 'cargo' && m.name) {
      return [this.cargoByName, m.name.replace(/-/g, '_')];
    }
    if (m.kind === 'go' && m.module) {
      return [this.goByModule, m.module];
    }
    return undefined;
  }

  /** Nearest folder (itself or an ancestor) holding a manifest; '' for the workspace root when none. */
  packageRootOf(path: string): string {
    for (const dir of selfAndAncestors(path)) {
      if (this.manifests.has(dir)) {
        return dir;
      }
    }
    return '';
  }

  /** The nearest manifest of `kind` at or above `path` for which `accept` holds. */
  private nearestManifest(path: string, kind: ManifestKind, accept: (m: Manifest) => boolean = () => true): Manifest | undefined {
    for (const dir of selfAndAncestors(path)) {
      const m = this.manifests.get(dir)?.get(kind);
      if (m && accept(m)) {
        return m;
      }
    }
    return undefined;
  }

  private manifestDirs(): string[] {
    if (!this.sortedManifestDirs) {
      this.sortedManifestDirs = [...this.manifests.keys()].sort(compareStrings);
    }
    return this.sortedManifestDirs;
  }

  private existing(candidates: Iterable<string | undefined>, out: string[] = []): string[] {
    for (const c of candidates) {
      if (c !== undefined && this.files.has(c) && !out.includes(c)) {
        out.push(c);
      }
    }
    return out;
  }

  /**
   * Candidate files `ref` (in a file at `from`) may refer to, best first, only files that exist in the
   * layout. Package imports resolve to workspace packages by name (npm name incl. scopes and subpaths
   * `@s/p/sub`; cargo crate name with '-'→'_'; go module prefix; python top-level package folders found at
   * the root, under `src/`, or under a package root: see `pythonRoots`). External packages (not in the
   * workspace) → [].
   *  - TS/JS relative: the exact path, then `.ts .tsx .d.ts .js .jsx .mjs .cjs .mts .cts`, then a folder's
   *    package.json entries and `index.*`; `./x.js` → `x.ts` first from TypeScript, `x.js` first from
   *    JavaScript. Package subpaths: `<pkg>/sub`, `<pkg>/src/sub`, `<pkg>/lib/sub` (`lib/`, `dist/`, …
   *    first as `src/`); a bare package: its entries (each first as its source), `src/index.*`, `index.*`.
   *  - Python: `a.b` → `a/b.py`, `a/b/__init__.py` (and `.pyi`), submodules named by `from a import c`
   *    first; relative imports from the file's package.
   *  - Go: the non-test `.go` files of the package folder, sorted (then `vendor/` of the module).
   *  - Rust: `crate::`, `self::`, `super::`, a child module of the current one, or a workspace crate; the
   *    module files (`x.rs`, `x/mod.rs`) of the longest prefixes of the path first, since its last segments
   *    may be items; the module it is in when none is a file.
   */
  resolve(from: string, ref: ImportRef, language: LanguageId): string[] {
    switch (language) {
      case 'typescript':
      case 'tsx':
      case 'javascript':
        return this.resolveJs(from, ref.specifier, language !== 'javascript');
      case 'python':
        return this.resolvePython(from, ref);
      case 'go':
        return this.resolveGo(from, ref.specifier);
      case 'rust':
        return this.resolveRust(from, ref);
      default:
        return [];
    }
  }

  /**
   * Other files of the package `from` belongs to, when the language makes that a folder: for Go, the
   * `.go` files next to `from` (tests only when `from` is a test), sorted, without `from` itself. [] for
   * other languages (the files under `packageRootOf(from)` are the caller's to enumerate).
   */
  samePackageFiles(from: string, language: LanguageId): string[] {
    if (language !== 'go') {
      return [];
    }
    const withTests = from.endsWith('_test.go');
    return this.goFilesIn(dirname(from), withTests).filter((p) => p !== from);
  }

  // --- TS/JS ---

  /**
   * Files a path written without (or with a JavaScript) extension stands for: the exact path, then the
   * extensions, then `index.*`; `x.js` stands for `x.ts` first when importing from TypeScript.
   */
  private jsFileCandidates(base: string, preferTs: boolean, out: string[], folderOnly = false): void {
    for (const [js, ts] of folderOnly ? [] : JS_TO_TS) {
      if (base.endsWith(js)) {
        const stem = base.slice(0, -js.length);
        const mapped = ts.map((ext) => stem + ext);
        this.existing(preferTs ? [...mapped, base] : [base, ...mapped], out);
        return;
      }
    }
    if (TS_SUFFIX.test(base) && !folderOnly) {
      this.existing([base], out);
      return;
    }
    // Candidates are only built for folders that hold files (most specifiers name one, and building and
    // hashing ~20 strings per import was the resolver's main cost on a 100,000-file workspace).
    if (!folderOnly && this.filesByDir.has(dirname(base))) {
      this.existing([base, ...JS_EXTENSIONS.map((ext) => base + ext)], out);
    }
    const dirPackage = this.manifests.get(base)?.get('npm');
    if (dirPackage) {
      this.jsEntries(dirPackage, preferTs, out);
    }
    if (this.filesByDir.has(base)) {
      this.existing(JS_EXTENSIONS.map((ext) => `${join(base, 'index')}${ext}`), out);
    }
  }

  /** A package's entry files, each first as its source (`lib/x.js` → `src/x.ts`, `x.d.ts` → `x.ts`). */
  private jsEntries(m: Manifest, preferTs: boolean, out: string[]): void {
    for (const entry of m.entries ?? []) {
      const declaration = /\.d\.[mc]?ts$/.exec(entry);
      const stemmed = declaration ? entry.slice(0, declaration.index) : entry;
      if (BUILD_FOLDER.test(stemmed)) {
        const source = join(m.dir, `src/${stemmed.replace(BUILD_FOLDER, '')}`);
        this.jsFileCandidates(declaration ? source : source.replace(/\.[mc]?jsx?$/, ''), true, out);
      }
      if (declaration) {
        this.jsFileCandidates(join(m.dir, stemmed), true, out);
      }
      this.jsFileCandidates(join(m.dir, entry), preferTs, out);
    }
  }

  private resolveJs(from: string, specifier: string, preferTs: boolean): string[] {
    const out: string[] = [];
    if (specifier.startsWith('./') || specifier.startsWith('../') || specifier === '.' || specifier === '..') {
      const base = joinPath(dirname(from), specifier);
      if (base !== undefined) {
        // `./dir/`, `.` and `..` name folders: only their package.json entries and index files.
        this.jsFileCandidates(base, preferTs, out, specifier.endsWith('/') || /(?:^|\/)\.\.?$/.test(specifier));
      }
      return out;
    }
    if (specifier.startsWith('/') || /^[a-z]+:/i.test(specifier)) {
      return out; // absolute paths, `node:fs`, URLs
    }
    const segments = specifier.split('/');
    const shortest = specifier.startsWith('@') ? 2 : 1;
    for (let k = segments.length; k >= shortest; k--) {
      const dirs = this.npmByName.get(segments.slice(0, k).join('/'));
      if (!dirs) {
        continue;
      }
      const subpath = segments.slice(k).join('/');
      for (const dir of [...dirs].sort(byDepthThenPath)) {
        if (subpath === '') {
          this.jsEntries(this.manifests.get(dir)?.get('npm') as Manifest, preferTs, out);
          this.existing(JS_EXTENSIONS.map((ext) => `${join(dir, 'src/index')}${ext}`), out);
          this.existing(JS_EXTENSIONS.map((ext) => `${join(dir, 'index')}${ext}`), out);
        } else {
          const bases = BUILD_FOLDER.test(subpath) ? [`src/${subpath.replace(BUILD_FOLDER, '')}`.replace(/\.[mc]?jsx?$/, '')] : [];
          bases.push(subpath, `src/${subpath}`, `lib/${subpath}`);
          for (const base of bases) {
            const joined = joinPath(dir, base);
            if (joined !== undefined) {
              this.jsFileCandidates(joined, preferTs, out);
            }
          }
        }
      }
      return out;
    }
    return out;
  }

  // --- Python ---

  /**
   * Folders a top-level Python package may sit in, best first, for a file at `from`: the package roots
   * (manifest folders of any kind) above it and the workspace root, each itself then its `src/`; the
   * file's own folder (a script's `sys.path[0]`); then the other Python projects (pyproject.toml, setup.py,
   * setup.cfg) and their `src/`, by path.
   */
  private pythonRoots(from: string): string[] {
    const roots: string[] = [];
    const add = (dir: string, withSrc: boolean): void => {
      for (const root of withSrc ? [dir, join(dir, 'src')] : [dir]) {
        if (!roots.includes(root)) {
          roots.push(root);
        }
      }
    };
    for (const dir of selfAndAncestors(dirname(from))) {
      if (dir === '' || this.manifests.has(dir)) {
        add(dir, true);
      }
    }
    add(dirname(from), false);
    for (const dir of this.manifestDirs()) {
      if (this.manifests.get(dir)?.has('python')) {
        add(dir, true);
      }
    }
    return roots;
  }

  private pythonModule(root: string, modulePath: string): string[] {
    const base = join(root, modulePath);
    return [`${base}.py`, `${base}/__init__.py`, `${base}.pyi`, `${base}/__init__.pyi`];
  }

  private resolvePython(from: string, ref: ImportRef): string[] {
    const out: string[] = [];
    const spec = ref.specifier;
    const dots = /^\.*/.exec(spec)?.[0].length ?? 0;
    const modulePath = spec.slice(dots).split('.').filter((s) => s !== '').join('/');
    const submodules = ref.names.filter((n) => n.imported !== '*').map((n) => n.imported);
    let roots: string[];
    if (dots > 0) {
      let dir: string | undefined = dirname(from);
      for (let i = 1; i < dots && dir !== undefined; i++) {
        dir = dir === '' ? undefined : dirname(dir);
      }
      if (dir === undefined) {
        return out;
      }
      roots = [dir];
    } else {
      roots = this.pythonRoots(from);
    }
    // The first root that has the module wins: a same-named module in another project is not a candidate.
    for (const root of roots) {
      // `from a import c` where c is a submodule: a/c.py is the better answer when it exists.
      for (const name of submodules) {
        this.existing(this.pythonModule(root, join(modulePath, name)), out);
      }
      if (modulePath !== '') {
        this.existing(this.pythonModule(root, modulePath), out);
      } else {
        this.existing([`${join(root, '__init__')}.py`, `${join(root, '__init__')}.pyi`], out);
      }
      if (out.length > 0) {
        break;
      }
    }
    return out;
  }

  // --- Go ---

  private goFilesIn(dir: string, withTests: boolean): string[] {
    const inDir = this.filesByDir.get(dir);
    if (!inDir) {
      return [];
    }
    return [...inDir].filter((p) => p.endsWith('.go') && (withTests || !p.endsWith('_test.go'))).sort(compareStrings);
  }

  private resolveGo(from: string, specifier: string): string[] {
    if (specifier.startsWith('./') || specifier.startsWith('../')) {
      const dir = joinPath(dirname(from), specifier);
      return dir === undefined ? [] : this.goFilesIn(dir, false);
    }
    const segments = specifier.split('/');
    for (let k = segments.length; k >= 1; k--) {
      const dirs = this.goByModule.get(segments.slice(0, k).join('/'));
      if (dirs) {
        const rest = segments.slice(k).join('/');
        return [...dirs].sort(byDepthThenPath).flatMap((dir) => this.goFilesIn(join(dir, rest), false));
      }
    }
    const module = this.nearestManifest(from, 'go');
    return module ? this.goFilesIn(join(join(module.dir, 'vendor'), specifier), false) : [];
  }

  // --- Rust ---

  private rustCrateOfManifest(m: Manifest): RustCrate {
    const lib = m.entries?.[0];
    if (lib !== undefined) {
      const root = join(m.dir, lib);
      return { folder: dirname(root), root };
    }
    const folder = join(m.dir, 'src');
    const root = [join(folder, 'lib.rs'), join(folder, 'main.rs')].find((p) => this.files.has(p));
    return { folder, ...(root ? { root } : {}) };
  }

  /** The crate `from` is compiled in and `from`'s module path in it. */
  private rustCrateOf(from: string): { crate: RustCrate; module: string[] } {
    const standalone = { crate: { folder: dirname(from), root: from }, module: [] };
    const m = this.nearestManifest(from, 'cargo', (x) => x.name !== undefined || x.entries !== undefined);
    if (!m) {
      return standalone;
    }
    const rel = m.dir === '' ? from : from.slice(m.dir.length + 1);
    let crate: RustCrate;
    const targets = /^(src\/bin|tests|examples|benches)\/(.*)$/.exec(rel);
    if (rel === 'build.rs') {
      return standalone;
    } else if (targets) {
      const [, folder, rest] = targets;
      const first = rest.split('/')[0];
      if (!rest.includes('/')) {
        return standalone;
      }
      const nested = join(m.dir, `${folder}/${first}/main.rs`);
      crate = this.files.has(nested) ? { folder: dirname(nested), root: nested } : { folder: join(m.dir, folder) };
    } else {
      crate = this.rustCrateOfManifest(m);
      const main = join(crate.folder, 'main.rs');
      if (from === main) {
        crate = { folder: crate.folder, root: main };
      }
    }
    if (from === crate.root) {
      return { crate, module: [] };
    }
    if (!from.startsWith(`${crate.folder}/`) && crate.folder !== '') {
      return standalone;
    }
    const module = from.slice(crate.folder === '' ? 0 : crate.folder.length + 1).replace(/\.rs$/, '').split('/');
    if (module[module.length - 1] === 'mod') {
      module.pop();
    }
    if (module.length === 1 && (module[0] === 'lib' || module[0] === 'main')) {
      module.pop();
    }
    return { crate, module };
  }

  private rustModuleFiles(crate: RustCrate, module: readonly string[]): string[] {
    if (module.length === 0) {
      return crate.root !== undefined ? this.existing([crate.root]) : [];
    }
    const base = join(crate.folder, module.join('/'));
    return this.existing([`${base}.rs`, `${base}/mod.rs`]);
  }

  /**
   * Files of `base::rest…`: the module files of the longest prefixes first (the last segments may be items,
   * not modules), falling back to `base`'s own file; only the full path when `rest` is known to be a module.
   */
  private rustPath(crate: RustCrate, base: readonly string[], rest: readonly string[], wholeModule: boolean, out: string[]): void {
    if (rest.length === 0) {
      this.existing(this.rustModuleFiles(crate, base), out);
      return;
    }
    const before = out.length;
    for (let k = rest.length; k >= (wholeModule ? rest.length : 1); k--) {
      this.existing(this.rustModuleFiles(crate, [...base, ...rest.slice(0, k)]), out);
    }
    if (out.length === before && !wholeModule) {
      this.existing(this.rustModuleFiles(crate, base), out);
    }
  }

  private resolveRust(from: string, ref: ImportRef): string[] {
    const out: string[] = [];
    let segments = ref.specifier.split('::');
    const absolute = segments[0] === '';
    if (absolute) {
      segments = segments.slice(1);
    }
    // `mod foo;` and `extern crate foo`: the last segment is a module (or crate), not an item.
    const wholeModule = ref.names.length > 0 && ref.names.every((n) => n.imported === '*' && n.local !== '*');
    const { crate, module } = this.rustCrateOf(from);
    const head = segments[0];
    if (head === undefined || head === '') {
      return out;
    }
    if (!absolute && (head === 'crate' || head === '$crate')) {
      this.rustPath(crate, [], segments.slice(1), wholeModule, out);
      return out;
    }
    if (!absolute && head === 'self') {
      this.rustPath(crate, module, segments.slice(1), wholeModule, out);
      return out;
    }
    if (!absolute && head === 'super') {
      let supers = 0;
      while (segments[supers] === 'super') {
        supers++;
      }
      if (supers <= module.length) {
        this.rustPath(crate, module.slice(0, module.length - supers), segments.slice(supers), wholeModule, out);
      }
      return out;
    }
    if (!absolute && this.rustModuleFiles(crate, [...module, head]).length > 0) {
      // Rust 2018 uniform paths: `use foo::Bar` where `foo` is a child module of the current one.
      this.rustPath(crate, module, segments, wholeModule, out);
    }
    if (RUST_EXTERNAL.has(head)) {
      return out;
    }
    const dirs = this.cargoByName.get(head.replace(/-/g, '_'));
    for (const dir of dirs ? [...dirs].sort(byDepthThenPath) : []) {
      const m = this.manifests.get(dir)?.get('cargo');
      if (m) {
        this.rustPath(this.rustCrateOfManifest(m), [], segments.slice(1), wholeModule, out);
      }
    }
    return out;
  }
}

function addTo(index: Map<string, Set<string>>, key: string, dir: string): void {
  const dirs = index.get(key);
  if (dirs) {
    dirs.add(dir);
  } else {
    index.set(key, new Set([dir]));
  }
}

function removeFrom(index: Map<string, Set<string>>, key: string, dir: string): void {
  const dirs = index.get(key);
  dirs?.delete(dir);
  if (dirs && dirs.size === 0) {
    index.delete(key);
  }
}
