/**
 * Context blocks and their stability ranks.
 *
 * DeepSeek bills a prompt prefix it has seen recently at about a quarter of the price, and only a prefix that is
 * identical from the first token counts (DeepSeek's "Context Caching" guide, api-docs.deepseek.com/guides/kv_cache).
 * So blocks are ordered by how rarely they change, most stable first: a change to one block can only invalidate
 * the cache from that block onward.
 *
 * Kinds in stability order (rank 0 first):
 *  - `instructions`  fixed rules of the assistant; the same for every task, so chat and commands share them
 *  - `projectFacts`  manifest, language, conventions
 *  - `repoMap`       outline of the repository (built by src/context)
 *  - `pinnedFile`    files the user pinned
 *  - `document`      text extracted from a document or image the user attached (OCR), e.g. "spec.pdf"
 *  - `recentFile`    recently viewed files
 *  - `currentFile`   the file in the active editor
 *  - `selection`     the selected text
 *  - `diagnostics`   problems reported for the current file / selection
 *
 * The first five are *stable* (they go into the system message, see promptBuilder.ts); the rest are *volatile*
 * (they go into the user message of the turn they belong to).
 */

export const BLOCK_KINDS = [
  'instructions',
  'projectFacts',
  'repoMap',
  'pinnedFile',
  'document',
  'recentFile',
  'currentFile',
  'selection',
  'diagnostics',
] as const;

export type BlockKind = (typeof BLOCK_KINDS)[number];

/** Stability rank of each kind: lower is more stable and comes earlier in the prompt. */
export const STABILITY_RANK: Readonly<Record<BlockKind, number>> = Object.freeze({
  instructions: 0,
  projectFacts: 1,
  repoMap: 2,
  pinnedFile: 3,
  document: 4,
  recentFile: 5,
  currentFile: 6,
  selection: 7,
  diagnostics: 8,
});

/** One piece of context. Everything the builder renders comes from these fields and nothing else. */
export interface ContextBlock {
  readonly kind: BlockKind;
  /**
   * Stable identity, e.g. the workspace-relative path with forward slashes (`src/store.ts`), or a fixed name
   * (`core` for the built-in instructions). Blocks of one kind are ordered by id; never put a timestamp,
   * counter or random value in it.
   */
  readonly id: string;
  /** Shown in the block's heading, e.g. the path or `src/store.ts:10-24` for a selection. Keep it stable too. */
  readonly title: string;
  readonly content: string;
  /**
   * Token count of `content` if the caller already knows it (e.g. from a real tokenizer); otherwise the builder
   * estimates it. Used for budgeting only; it never appears in the prompt.
   */
  readonly tokens?: number;
}

/** Kinds that belong to the stable prefix (the system message). */
export function isStableKind(kind: BlockKind): boolean {
  return STABILITY_RANK[kind] <= STABILITY_RANK.document;
}

/** Kinds whose content is a workspace file (one identity across pinned, recent and current). */
export function isFileKind(kind: BlockKind): boolean {
  return kind === 'pinnedFile' || kind === 'recentFile' || kind === 'currentFile';
}

/**
 * What the conversation tracks a block's last shown content under, or undefined for blocks that are always sent
 * in full (selection, diagnostics). A file has one key whatever kind it is given as, so a current file that was
 * shown before (pinned, recent or current) is recognised.
 */
export function blockKey(block: Pick<ContextBlock, 'kind' | 'id'>): string | undefined {
  if (isFileKind(block.kind)) {
    return `file:${block.id}`;
  }
  if (block.kind === 'selection' || block.kind === 'diagnostics') {
    return undefined;
  }
  return `${block.kind}:${block.id}`;
}

/** Plain UTF-16 code-unit order: the same on every machine and locale (never `localeCompare`). */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Total order of blocks: stability rank, then id, then title, then content (the last two only break ties
 * between blocks that should not exist twice anyway), so any input order gives the same output order.
 */
export function compareBlocks(a: ContextBlock, b: ContextBlock): number {
  return (
    STABILITY_RANK[a.kind] - STABILITY_RANK[b.kind] ||
    compareCodeUnits(a.id, b.id) ||
    compareCodeUnits(a.title, b.title) ||
    compareCodeUnits(a.content, b.content)
  );
}

/** A sorted copy of `blocks` (see compareBlocks). */
export function sortBlocks(blocks: readonly ContextBlock[]): ContextBlock[] {
  return [...blocks].sort(compareBlocks);
}
