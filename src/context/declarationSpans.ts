import { dedent } from '../core/codeLines';
import type { DeclarationSpan } from '../core/snippetPlacement';
import type { SyntaxService } from './syntaxService';
import type { Declaration } from './types';

/**
 * Declarations by lines, as snippet placement (src/core/snippetPlacement.ts) wants them: a file's, and a
 * code block's parsed as if it were in that file.
 */

export function toDeclarationSpans(declarations: readonly Declaration[], lineShift = 0, member = false): DeclarationSpan[] {
  return declarations.map((d) => ({
    name: d.name,
    kind: d.kind,
    startLine: d.range.start.line + lineShift,
    endLine: d.range.end.line + lineShift,
    ...(d.container !== undefined ? { container: d.container } : {}),
    ...(d.members?.length ? { members: toDeclarationSpans(d.members, lineShift) } : {}),
    ...(member ? { member: true } : {}),
  }));
}

/** A file's top-level declarations (with one level of members); undefined when its language has no grammar. */
export async function fileDeclarationSpans(syntax: SyntaxService, path: string, text: string): Promise<DeclarationSpan[] | undefined> {
  const declarations = await syntax.declarationsOnce(path, text);
  return declarations ? toDeclarationSpans(declarations) : undefined;
}

const STATEMENT_KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'catch', 'with', 'return', 'do', 'else', 'try', 'function', 'foreach', 'using', 'lock', 'synchronized']);

/**
 * A code block's declarations, parsed as the language of `path`. The block is parsed without its common
 * indentation (an indented block is a method given alone: its declarations are marked `member`); a block that
 * declares nothing at the top level is parsed again inside a class, for languages whose methods only parse
 * there (TypeScript `add(a, b) { … }`), and those members are marked `member` too. Line numbers are the
 * block's own.
 */
export async function snippetDeclarationSpans(syntax: SyntaxService, path: string, snippet: string): Promise<DeclarationSpan[] | undefined> {
  // A path of its own, so the parse never meets a tree kept for the real file.
  const snippetPath = path.replace(/([^/]*)$/, '.deepseek-snippet.$1');
  const { text, indent } = dedent(snippet);
  const declarations = await syntax.declarationsOnce(snippetPath, text);
  if (!declarations) return undefined;
  if (declarations.length > 0) return toDeclarationSpans(declarations, 0, indent !== '');
  const wrapper = memberWrapper(path);
  if (!wrapper) return [];
  const wrapped = await syntax.declarationsOnce(snippetPath, `${wrapper.before}\n${text}\n${wrapper.after}`);
  // Statements read as members by error recovery (`if (x) { … }` as a method named `if`) are not methods.
  const members = (wrapped?.length === 1 ? wrapped[0].members ?? [] : []).filter((m) => !STATEMENT_KEYWORDS.has(m.name));
  return toDeclarationSpans(members, -1, true).map(({ container: _container, ...span }) => span);
}

/**
 * How to parse a method given alone: wrapped in a class (TypeScript, JavaScript, Java, C#, C++), so the
 * grammar sees members; undefined for languages whose methods parse at the top level (Python, Go, Rust).
 * `before` is one line, so the snippet's lines move down by one.
 */
export function memberWrapper(fileName: string): { readonly before: string; readonly after: string } | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(fileName)?.[1]?.toLowerCase();
  switch (ext) {
    case 'ts':
    case 'tsx':
    case 'mts':
    case 'cts':
    case 'js':
    case 'jsx':
    case 'mjs':
    case 'cjs':
    case 'java':
    case 'cs':
      return { before: 'class DeepSeekSnippet {', after: '}' };
    case 'cpp':
    case 'cc':
    case 'cxx':
    case 'hpp':
    case 'hh':
    case 'h':
      return { before: 'class DeepSeekSnippet {', after: '};' };
    default:
      return undefined;
  }
}
