import { estimateTokens } from '../tokenEstimate';

/**
 * The stable header of a FIM prompt: a comment block naming the file's path and language, then related
 * definitions in the order given. It comes first in the prompt and depends only on its inputs, never on the
 * cursor, so it is the part of every request that DeepSeek's prefix cache serves from the first token.
 */

type CommentStyle = { readonly line: string } | { readonly open: string; readonly close: string };

const SLASHES: CommentStyle = { line: '//' };
const HASH: CommentStyle = { line: '#' };
const DASHES: CommentStyle = { line: '--' };
const SLASH_STAR: CommentStyle = { open: '/*', close: '*/' };
const ANGLE: CommentStyle = { open: '<!--', close: '-->' };

const STYLES: Readonly<Record<string, CommentStyle>> = {
  typescript: SLASHES, typescriptreact: SLASHES, javascript: SLASHES, javascriptreact: SLASHES, java: SLASHES,
  c: SLASHES, cpp: SLASHES, csharp: SLASHES, go: SLASHES, rust: SLASHES, swift: SLASHES, kotlin: SLASHES,
  scala: SLASHES, dart: SLASHES, php: SLASHES, jsonc: SLASHES, scss: SLASHES, less: SLASHES, groovy: SLASHES,
  'objective-c': SLASHES, zig: SLASHES, proto: SLASHES,
  python: HASH, shellscript: HASH, ruby: HASH, perl: HASH, r: HASH, yaml: HASH, toml: HASH, dockerfile: HASH,
  makefile: HASH, powershell: HASH, elixir: HASH, julia: HASH, nim: HASH, coffeescript: HASH, ini: HASH,
  sql: DASHES, lua: DASHES, haskell: DASHES, elm: DASHES, ada: DASHES,
  css: SLASH_STAR,
  html: ANGLE, xml: ANGLE, markdown: ANGLE, vue: ANGLE, svelte: ANGLE,
};

/** Languages we do not know get `//`, the most widespread line comment, rather than nothing or a guess per file. */
function styleFor(languageId: string): CommentStyle {
  return STYLES[languageId] ?? SLASHES;
}

/** One header line as a comment; a block comment's closing token inside the text is broken up so it cannot end the block early. */
function commentLines(style: CommentStyle, lines: readonly string[]): string {
  if ('line' in style) {
    return lines.map((l) => (l === '' ? style.line : `${style.line} ${l}`)).join('\n') + '\n';
  }
  const safe = (l: string) => l.split(style.close).join(style.close.split('').join(' '));
  return lines.map(safe).join('\n') + '\n';
}

/**
 * The header text (ending in a newline). Path and language always appear; related definitions follow in the
 * given order while the whole header fits `headerTokens`, stopping at the first that does not: the header is
 * then a function of a prefix of the list, so a definition appended by the caller never changes the bytes
 * before it.
 */
export function buildFimHeader(path: string, languageId: string, definitions: readonly string[], headerTokens: number): string {
  const style = styleFor(languageId);
  const wrap = (body: string) => ('line' in style ? body : `${style.open}\n${body}${style.close}\n`);
  const lines = [`Path: ${path}`, `Language: ${languageId}`];
  let body = commentLines(style, lines);
  let first = true;
  for (const definition of definitions) {
    const defLines = definition.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n');
    const next = body + commentLines(style, [first ? 'Related definitions:' : '', ...defLines]);
    if (estimateTokens(wrap(next)) > headerTokens) {
      break;
    }
    body = next;
    first = false;
  }
  return wrap(body);
}
