/** Finds code blocks in a model's Markdown answer (for Refactor and Fix, which expect one replacement block). */

export interface FencedBlock {
  readonly language: string;
  readonly code: string;
}

/** All fenced code blocks, in order; an unterminated last block counts (a cut-off answer). */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const blocks: FencedBlock[] = [];
  const lines = markdown.split('\n');
  let open: { fence: string; language: string; body: string[] } | undefined;
  for (const line of lines) {
    if (!open) {
      const start = /^\s{0,3}(`{3,}|~{3,})\s*([^`\s]*)/.exec(line);
      if (start) open = { fence: start[1], language: start[2].toLowerCase(), body: [] };
    } else if (new RegExp(`^\\s{0,3}${open.fence[0] === '`' ? '`' : '~'}{${open.fence.length},}\\s*$`).test(line)) {
      blocks.push({ language: open.language, code: open.body.join('\n') });
      open = undefined;
    } else {
      open.body.push(line);
    }
  }
  if (open && open.body.length > 0) blocks.push({ language: open.language, code: open.body.join('\n') });
  return blocks;
}

/** The replacement a Refactor/Fix answer proposes: its longest code block that is not a diff or shell session. */
export function replacementBlock(markdown: string): FencedBlock | undefined {
  const candidates = fencedBlocks(markdown).filter((b) => !['diff', 'bash', 'sh', 'shell', 'console', 'text'].includes(b.language) && b.code.trim() !== '');
  return candidates.sort((a, b) => b.code.length - a.code.length)[0];
}

/** Keeps the selection's trailing newline convention, so a replacement does not glue lines together. */
export function matchTrailingNewline(original: string, replacement: string): string {
  const wants = original.endsWith('\n');
  const has = replacement.endsWith('\n');
  if (wants && !has) return `${replacement}\n`;
  if (!wants && has) return replacement.replace(/\n+$/, '');
  return replacement;
}
