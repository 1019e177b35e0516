/**
 * Generate Commit Message, the pure part: the prompt built from a diff (deterministic: the same diff, subjects
 * and withheld files give the same bytes; the fixed instructions come first, so DeepSeek's prefix cache holds
 * them across repositories), the diff cut to a budget by whole file sections, and the answer cleaned up into
 * a commit message. No `vscode` import: tested in plain Node.
 */
import { fence } from './prompt/serialize';
import { estimateTokens } from './tokenEstimate';

/** About this many tokens of diff are sent; the rest of the files are summarised by name and +/- counts. */
export const COMMIT_DIFF_BUDGET_TOKENS = 12_000;
/** At most this many recent commit subjects are sent as style examples. */
export const MAX_STYLE_SUBJECTS = 10;
/** The subject line's longest length. */
export const MAX_SUBJECT_CHARS = 72;

/** The fixed instructions: the system message of every commit-message request (never varies). */
export const COMMIT_INSTRUCTIONS = [
  'You write git commit messages for the changes the user shows you as a unified diff.',
  '',
  'Rules:',
  '- Reply with the commit message only: no preamble, no quotes, no code fences, no explanation.',
  `- First line: a subject of at most ${MAX_SUBJECT_CHARS} characters, in the imperative mood ("Add", "Fix", "Remove"), without a trailing period.`,
  '- Then, when the change needs it, a blank line and a body of short lines (wrapped at 72 characters) that says what changed and why.',
  '- Follow the style of the repository\'s recent commit subjects when they are given (for example Conventional Commits such as "fix(parser): …" only when they use it).',
  '- Files listed as summarised or not shown changed too: mention them only as far as their names and counts tell.',
  '- Text such as ⟦EMAIL_3fa2b19c⟧ or ⟦AWS_KEY_0b1c2d3e⟧ is a placeholder for redacted data: never try to guess it.',
].join('\n');

/** One file's part of a unified diff (`diff --git a/… b/…` up to the next one). */
export interface DiffSection {
  /** The file's path after the change (before it, for a deletion). */
  readonly path: string;
  /** The section's text, ending in a newline. */
  readonly text: string;
  readonly added: number;
  readonly removed: number;
  readonly binary: boolean;
}

/** Splits a unified diff (as `git diff` prints it) into file sections; text before the first header is dropped. */
export function splitDiff(diff: string): DiffSection[] {
  const text = diff.replace(/\r\n/g, '\n');
  const sections: DiffSection[] = [];
  const starts: number[] = [];
  const header = /^diff --git /gm;
  for (let m = header.exec(text); m; m = header.exec(text)) starts.push(m.index);
  for (let i = 0; i < starts.length; i++) {
    let body = text.slice(starts[i], i + 1 < starts.length ? starts[i + 1] : text.length);
    if (!body.endsWith('\n')) body += '\n';
    sections.push(sectionOf(body));
  }
  return sections;
}

function unquote(p: string): string {
  const t = p.trim();
  return t.startsWith('"') && t.endsWith('"') ? t.slice(1, -1).replace(/\\(.)/g, '$1') : t;
}

function sectionOf(body: string): DiffSection {
  const lines = body.split('\n');
  let path: string | undefined;
  let oldPath: string | undefined;
  let added = 0;
  let removed = 0;
  let binary = false;
  let inHunk = false;
  for (const line of lines) {
    if (!inHunk) {
      if (line.startsWith('+++ ')) {
        const p = unquote(line.slice(4));
        if (p !== '/dev/null') path = p.replace(/^b\//, '');
      } else if (line.startsWith('--- ')) {
        const p = unquote(line.slice(4));
        if (p !== '/dev/null') oldPath = p.replace(/^a\//, '');
      } else if (line.startsWith('rename to ')) {
        path = unquote(line.slice('rename to '.length));
      } else if (line.startsWith('Binary files ') || line === 'GIT binary patch') {
        binary = true;
      }
      if (line.startsWith('@@')) inHunk = true;
      continue;
    }
    if (line.startsWith('+')) added++;
    else if (line.startsWith('-')) removed++;
  }
  if (path === undefined && oldPath === undefined) {
    // No ---/+++ lines (a mode change, an empty file, a binary file): the header names it.
    const m = /^diff --git (?:"?a\/)(.+?)"? (?:"?b\/)(.+?)"?$/m.exec(body);
    path = m ? m[2] : 'unknown';
  }
  return { path: path ?? (oldPath as string), text: body, added, removed, binary };
}

const LOCKFILES = new Set([
  'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'bun.lockb', 'bun.lock', 'Cargo.lock',
  'poetry.lock', 'Pipfile.lock', 'uv.lock', 'composer.lock', 'Gemfile.lock', 'go.sum', 'flake.lock', 'packages.lock.json',
  'pubspec.lock', 'mix.lock', 'Podfile.lock', 'gradle.lockfile',
]);

/** Why a file's diff is summarised instead of sent: a lockfile, or generated / minified output; undefined otherwise. */
export function summarisedKind(path: string): 'lockfile' | 'generated' | undefined {
  const name = path.split('/').pop() ?? path;
  if (LOCKFILES.has(name) || name.endsWith('.lock')) return 'lockfile';
  if (/\.min\.(?:js|css|mjs)$/.test(name) || /\.(?:map|snap)$/.test(name) || /\.(?:pb|generated|g)\.[a-z]+$/.test(name) || /_pb2\.py$/.test(name)) return 'generated';
  if (/(?:^|\/)(?:dist|out|build|vendor|node_modules|__generated__|generated)\//.test(path)) return 'generated';
  return undefined;
}

/** "src/a.ts (+3 −1)". */
function counts(section: DiffSection): string {
  return section.binary ? `${section.path} (binary)` : `${section.path} (+${section.added} −${section.removed})`;
}

/** Whether recent subjects follow Conventional Commits (at least half of them, and at least two). */
export function usesConventionalCommits(subjects: readonly string[]): boolean {
  const cc = /^[a-z]+(?:\([^)]*\))?!?: \S/;
  const n = subjects.filter((s) => cc.test(s)).length;
  return n >= 2 && n * 2 >= subjects.length;
}

export interface CommitPromptInput {
  /** The unified diff (staged, or unstaged when nothing was staged). */
  readonly diff: string;
  /** Whether the diff is the staged changes. */
  readonly staged: boolean;
  /** Recent commit subjects, newest first (at most MAX_STYLE_SUBJECTS are used). */
  readonly recentSubjects: readonly string[];
  /** Paths whose content must not be sent (the read policy refused them): listed by name only. */
  readonly withheld: ReadonlySet<string>;
  /** Tokens of diff to send at most (default COMMIT_DIFF_BUDGET_TOKENS). */
  readonly budgetTokens?: number;
}

export interface CommitPrompt {
  readonly messages: readonly [{ readonly role: 'system'; readonly content: string }, { readonly role: 'user'; readonly content: string }];
  /** Files whose diff was sent whole. */
  readonly included: readonly string[];
  /** Files summarised by name and counts (lockfiles, generated, over the budget). */
  readonly summarised: readonly string[];
  /** Files not shown because the read policy refuses them. */
  readonly withheld: readonly string[];
}

/**
 * The request for a commit message: the fixed instructions as the system message; then in the user message
 * the style examples, every file's diff that fits the budget (whole sections, in the diff's order), and the
 * others by name and counts.
 */
export function buildCommitPrompt(input: CommitPromptInput): CommitPrompt {
  const sections = splitDiff(input.diff);
  const budget = input.budgetTokens ?? COMMIT_DIFF_BUDGET_TOKENS;
  const included: DiffSection[] = [];
  const summarised: { section: DiffSection; why: string }[] = [];
  const withheld: DiffSection[] = [];
  let used = 0;
  for (const section of sections) {
    if (input.withheld.has(section.path)) {
      withheld.push(section);
      continue;
    }
    const kind = summarisedKind(section.path);
    if (kind) {
      summarised.push({ section, why: kind });
      continue;
    }
    const tokens = estimateTokens(section.text);
    if (used + tokens > budget) {
      summarised.push({ section, why: 'too large to show' });
      continue;
    }
    used += tokens;
    included.push(section);
  }
  const subjects = input.recentSubjects.map((s) => s.trim()).filter((s) => s !== '').slice(0, MAX_STYLE_SUBJECTS);
  const parts: string[] = [];
  if (subjects.length > 0) {
    parts.push(`Recent commit subjects in this repository (newest first), for style:\n${subjects.map((s) => `- ${s}`).join('\n')}`);
  }
  parts.push(`The ${input.staged ? 'staged changes' : 'changes in the working tree (nothing is staged)'}:`);
  if (included.length > 0) {
    // Each section ends with its line break; the fence puts one before its closing ticks.
    parts.push(fence(included.map((s) => s.text).join('').replace(/\n$/, ''), 'diff'));
  }
  if (summarised.length > 0) {
    parts.push(`Also changed (summarised, diff not shown):\n${summarised.map(({ section, why }) => `- ${counts(section)}: ${why}`).join('\n')}`);
  }
  if (withheld.length > 0) {
    parts.push(`Also changed (content not shown: ignored or secret files):\n${withheld.map((s) => `- changes in ${s.path} not shown`).join('\n')}`);
  }
  parts.push(
    usesConventionalCommits(subjects)
      ? 'Write the commit message for these changes, in the Conventional Commits style the recent subjects use.'
      : 'Write the commit message for these changes.',
  );
  return {
    messages: [
      { role: 'system', content: COMMIT_INSTRUCTIONS },
      { role: 'user', content: parts.join('\n\n') },
    ],
    included: included.map((s) => s.path),
    summarised: summarised.map((s) => s.section.path),
    withheld: withheld.map((s) => s.path),
  };
}

/** Shortens a subject to `max` characters at a word boundary where there is one (no trailing punctuation). */
function shortenSubject(subject: string, max: number): string {
  if (subject.length <= max) return subject;
  const cut = subject.slice(0, max + 1);
  const space = cut.lastIndexOf(' ');
  const shortened = space > max / 2 ? cut.slice(0, space) : subject.slice(0, max);
  return shortened.replace(/[\s,;:.-]+$/, '');
}

/**
 * The model's answer as a commit message: code fences, surrounding quotes and a "Commit message:" preamble
 * taken off; the subject on the first line (at most MAX_SUBJECT_CHARS, no trailing period), a blank line,
 * then the body; trailing spaces and extra blank lines gone. Empty when nothing is left.
 */
export function cleanCommitMessage(answer: string): string {
  let text = answer.replace(/\r\n?/g, '\n').trim();
  // A fenced block anywhere: its content is the message.
  const fenced = /^(`{3,}|~{3,})[^\n]*\n([\s\S]*?)\n?\1\s*$/m.exec(text);
  if (fenced) text = fenced[2].trim();
  // "Here is a commit message:" / "Commit message:" preambles on a line of their own, or before the subject.
  text = text.replace(/^(?:here(?:'s| is)[^\n:]*:|(?:suggested |proposed )?commit message\s*:)[ \t]*\n?/i, '').trim();
  text = text.replace(/^\*\*(?:suggested |proposed )?commit message:?\*\*:?[ \t]*\n?/i, '').trim();
  // Quotes around the whole message.
  for (const [open, close] of [['"', '"'], ["'", "'"], ['`', '`'], ['“', '”']]) {
    if (text.length >= 2 && text.startsWith(open) && text.endsWith(close)) text = text.slice(open.length, -close.length).trim();
  }
  const lines = text.split('\n').map((l) => l.replace(/[ \t]+$/, ''));
  while (lines.length > 0 && lines[0].trim() === '') lines.shift();
  if (lines.length === 0) return '';
  const subject = shortenSubject(lines[0].trim().replace(/^#+\s+/, '').replace(/^\*\*(.*)\*\*$/, '$1').replace(/\.$/, ''), MAX_SUBJECT_CHARS);
  const body = lines.slice(1).join('\n').replace(/\n{3,}/g, '\n\n').trim();
  return body ? `${subject}\n\n${body}` : subject;
}
