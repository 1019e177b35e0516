/**
 * Deterministic rendering of blocks and messages.
 *
 * Rules that keep the same workspace state at the same bytes:
 *  - Line endings become `\n` (CRLF and lone CR alike); a leading byte-order mark is removed.
 *  - Trailing spaces and tabs are removed from every line, and blank lines at the start and end of a block are
 *    removed, so an editor that adds or strips trailing whitespace on save does not invalidate the cache.
 *    Everything else (indentation, tabs, Unicode) is kept byte for byte.
 *  - No timestamps, counters, random ids or map iteration orders appear anywhere: the output is a pure function
 *    of the blocks' kind, id, title and content.
 *  - Code goes in a Markdown fence one backtick longer than the longest backtick run inside it, with a language
 *    tag taken from the file extension, so a file that contains ``` cannot end its fence early.
 */
import { isFileKind, type BlockKind, type ContextBlock } from './blocks';
import type { ImageRef } from './contentParts';

/**
 * A built message, structurally a text ChatMessage of the API (src/core must not import src/api). A user message
 * may carry images after its text, by reference (contentParts.ts `ImageRef`): the chat session sends it as
 * parts, `[{type: 'text', text: content}, {type: 'image_url', …}, …]` (contentParts.ts `resolveImageParts`).
 */
export interface PromptMessage {
  readonly role: 'system' | 'user' | 'assistant';
  readonly content: string;
  /** Images after the text, in order; absent when there are none. */
  readonly images?: readonly ImageRef[];
}

/** Normalises text as described above. Idempotent. */
export function normalizeText(text: string): string {
  let out = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (out.includes('\r')) {
    out = out.replace(/\r\n?/g, '\n');
  }
  out = out.replace(/[ \t]+$/gm, '');
  return out.replace(/^\n+/, '').replace(/\n+$/, '');
}

/** A title on one line: whitespace runs (newlines included) become one space. */
export function normalizeTitle(title: string): string {
  return title.replace(/\s+/g, ' ').trim();
}

/** The block with normalised title and content (the same object when already normal). */
export function normalizeBlock(block: ContextBlock): ContextBlock {
  const title = normalizeTitle(block.title) || block.id;
  const content = normalizeText(block.content);
  return title === block.title && content === block.content ? block : { ...block, title, content };
}

const LANGUAGES: Readonly<Record<string, string>> = {
  c: 'c', cc: 'cpp', cpp: 'cpp', cs: 'csharp', css: 'css', go: 'go', h: 'c', hpp: 'cpp', html: 'html',
  java: 'java', js: 'js', cjs: 'js', mjs: 'js', json: 'json', jsx: 'jsx', kt: 'kotlin', md: 'markdown',
  php: 'php', py: 'python', rb: 'ruby', rs: 'rust', scss: 'scss', sh: 'sh', sql: 'sql', swift: 'swift',
  toml: 'toml', ts: 'ts', tsx: 'tsx', cts: 'ts', mts: 'ts', vue: 'vue', xml: 'xml', yaml: 'yaml', yml: 'yaml',
};

/** Fence language for an id like `src/a.ts` or `src/a.ts:10-24`; empty when unknown. */
export function languageOf(id: string): string {
  const path = id.replace(/:\d+(?:-\d+)?$/, '');
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot > 0 ? LANGUAGES[base.slice(dot + 1).toLowerCase()] ?? '' : '';
}

/** Wraps `body` in a backtick fence longer than any backtick run inside it. */
export function fence(body: string, language: string): string {
  let longest = 0;
  for (const run of body.match(/`+/g) ?? []) {
    longest = Math.max(longest, run.length);
  }
  const ticks = '`'.repeat(Math.max(3, longest + 1));
  return `${ticks}${language}\n${body}\n${ticks}`;
}

const LABELS: Readonly<Record<BlockKind, string>> = {
  instructions: 'Instructions',
  projectFacts: 'Project facts',
  repoMap: 'Repository map',
  pinnedFile: 'Pinned file',
  document: 'Document',
  recentFile: 'Recently viewed file',
  currentFile: 'Current file',
  selection: 'Selection',
  diagnostics: 'Diagnostics',
};

/**
 * How a block is shown:
 *  - `full`      its content (the normal case)
 *  - `updated`   its content, marked as replacing a version shown earlier in the conversation
 *  - `changes`   a unified diff against the version shown earlier
 *  - `unchanged` a one-line reference to the identical version shown earlier
 */
export type RenderMode = 'full' | 'updated' | 'changes' | 'unchanged';

const MODE_NOTES: Readonly<Record<RenderMode, string>> = {
  full: '',
  updated: ' (updated; replaces the version shown earlier)',
  changes: ' (changed since shown earlier; unified diff)',
  unchanged: ' (unchanged since shown earlier)',
};

/** Whether a kind's content is shown in a code fence. */
function isFenced(kind: BlockKind): boolean {
  return isFileKind(kind) || kind === 'selection' || kind === 'repoMap' || kind === 'document';
}

/** A fenced block's language tag: the file's, `text` for the repo map, `markdown` for a document's extracted text. */
function fenceLanguage(block: ContextBlock): string {
  return block.kind === 'repoMap' ? 'text' : block.kind === 'document' ? 'markdown' : languageOf(block.id);
}

/**
 * The text of one block. `body` is the content (full/updated), the diff (changes) or ignored (unchanged).
 * The built-in instructions in full mode have no heading: they read as the system prompt itself.
 */
export function renderBlock(block: ContextBlock, mode: RenderMode = 'full', body: string = block.content): string {
  if (block.kind === 'instructions' && mode === 'full') {
    return body;
  }
  const heading = `## ${LABELS[block.kind]}: ${block.title}${MODE_NOTES[mode]}`;
  if (mode === 'unchanged') {
    return heading;
  }
  if (mode === 'changes') {
    return `${heading}\n${fence(body, 'diff')}`;
  }
  if (!isFenced(block.kind)) {
    return `${heading}\n${body}`;
  }
  return `${heading}\n${fence(body, fenceLanguage(block))}`;
}

/** Separator between blocks inside one message. */
export const BLOCK_SEPARATOR = '\n\n';

/** Heading before the question when a turn carries context. */
export const QUESTION_HEADING = '## Question\n';

/** A message's content as one string for renderPrefix: each image as `<|image:sha256|>` (same image, same bytes). */
function renderContent(m: PromptMessage): string {
  return m.content + (m.images ?? []).map((i) => `<|image:${i.sha256}|>`).join('');
}

/**
 * The text a prefix cache compares: every message in order with its role, as DeepSeek's chat template (and the
 * fake server's cache simulation) lays it out. Two prompts share a cached prefix exactly as far as these strings
 * share a prefix. For tests and "Show Last Request".
 */
export function renderPrefix(messages: readonly PromptMessage[]): string {
  return messages.map((m) => `<|${m.role}|>${renderContent(m)}<|end|>`).join('');
}
