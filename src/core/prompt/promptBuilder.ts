/**
 * The deterministic, cache-friendly prompt builder.
 *
 * Message layout (what DeepSeek's prefix cache sees, in order):
 *
 *   system     instructions → project facts → repo map → pinned files        (stable; frozen per conversation)
 *   user       turn 1: its volatile context + question                        ┐
 *   assistant  turn 1: the answer exactly as received (no reasoning)          │ frozen history, append-only
 *   …                                                                         ┘
 *   user       this turn: updates of stable blocks, recent files, current file, selection, diagnostics, question
 *
 * Why: only a prefix identical from the first token is billed at the cache-hit price. The most stable content
 * comes first, so editing a file invalidates only what follows it. Per-turn context (current file, selection,
 * diagnostics) lives in *that* turn's user message, which is then never rewritten: the next turn's prompt is the
 * previous prompt plus the answer plus the new user message, so everything before the new turn hits the cache.
 * A stable block that changes mid-conversation is attached to the new turn (as a diff when that is smaller)
 * rather than rewriting the system message. A file the model has already seen unchanged is referenced in one
 * line ("unchanged since shown earlier") instead of being repeated. One-shot commands (no conversation) get the
 * same system message as a fresh chat on the same workspace state, so they share its cached prefix too.
 *
 * Budget: the prompt must fit `contextTokens − reserveOutputTokens`. When it does not, the builder cuts, least
 * valuable first and from the volatile end: recently viewed files, then updates of stable blocks in the turn,
 * then the current file, then — only in a fresh system message — pinned files, the repo map and project facts,
 * then diagnostics, then the selection. A block is cut from its end with a `[… truncated]` marker when at least
 * MIN_TRUNCATED_TOKENS of it still fit, otherwise dropped whole. The instructions and the question are never
 * dropped. If the frozen system message, the history and the question alone do not fit, the oldest whole turns
 * are dropped from the front — enough to bring them under three quarters of the limit, so that it does not
 * happen again on the very next turn — which breaks the cache once (reported as `breaksCache`, counted by the
 * conversation). If even that is not enough, the system message is rebuilt from the current blocks and trimmed.
 *
 * `buildPrompt` is pure: the same blocks, question, conversation and budget give byte-identical messages, in any
 * input order of the blocks and with any line endings. It changes nothing; `conversation.commit(built, answer)`
 * appends the turn once the answer is in.
 */
import { estimateTokens } from '../tokenEstimate';
import { blockKey, compareBlocks, isStableKind, sortBlocks, type BlockKind, type ContextBlock } from './blocks';
import type { ImageRef } from './contentParts';
import { imagesTokens, userMessage, type Conversation, type KnownContent, type PendingTurn, type SystemPrefix, type TurnAttachment } from './conversation';
import {
  MESSAGE_OVERHEAD_TOKENS,
  planTrim,
  promptTokenLimit,
  resolveBudget,
  truncateToTokens,
  type PromptBudget,
} from './fitBudget';
import { unifiedDiff } from './lineDiff';
import {
  BLOCK_SEPARATOR,
  normalizeBlock,
  normalizeText,
  QUESTION_HEADING,
  renderBlock,
  type PromptMessage,
  type RenderMode,
} from './serialize';

export interface BuildPromptInput {
  /** All context blocks for this request, in any order. */
  readonly blocks: readonly ContextBlock[];
  /** The user's question or the command's request, e.g. "Explain the selected code." */
  readonly question: string;
  /** The chat so far; omit for a one-shot request (a command). */
  readonly conversation?: Conversation;
  /** Defaults: 128K context, 8K reserved for output. */
  readonly budget?: Partial<PromptBudget>;
  /**
   * Images this turn's user message carries, after its text (by reference; never cut to fit: they count like the
   * question). They are sent as parts: its text, then one image part each, in this order.
   */
  readonly images?: readonly ImageRef[];
}

/** A block that made it into the prompt, and how. */
export interface IncludedBlock {
  readonly kind: BlockKind;
  readonly id: string;
  readonly title: string;
  /**
   * `system`: in the system message; `turn`: in this turn's user message; `history`: a stable block that changed
   * earlier in the conversation and is unchanged since, so its latest version is in an earlier turn.
   */
  readonly placement: Placement;
  readonly mode: RenderMode;
  /** Estimated tokens of its rendered text. */
  readonly tokens: number;
  readonly truncated: boolean;
}

/** A block left out, and why. */
export interface DroppedBlock {
  readonly kind: BlockKind;
  readonly id: string;
  readonly title: string;
  readonly tokens: number;
  /** `budget`: did not fit; `duplicate`: same kind and id given twice; `superseded`: a recent file that is also pinned or current. */
  readonly reason: 'budget' | 'duplicate' | 'superseded';
}

export interface BuiltPrompt {
  /** Send these, in order. */
  readonly messages: readonly PromptMessage[];
  readonly includedBlocks: readonly IncludedBlock[];
  readonly droppedBlocks: readonly DroppedBlock[];
  /** Estimated prompt tokens (message overheads included). */
  readonly estimatedPromptTokens: number;
  /** contextTokens − reserveOutputTokens. */
  readonly promptTokenLimit: number;
  /** Turns dropped from the front of the conversation by this build. */
  readonly droppedTurns: number;
  /** True when this prompt does not extend the previous one (turns dropped or system message rebuilt). */
  readonly breaksCache: boolean;
  /** True when even the instructions and the question exceed the limit (sent anyway; the API may refuse it). */
  readonly overBudget: boolean;
  /** For `conversation.commit(built, answer)`. */
  readonly pending: PendingTurn;
}

export type Placement = 'system' | 'turn' | 'history';

/** After this many diffs in a row against one file, the next change is sent in full again. */
export const MAX_DIFF_CHAIN = 4;

/** A diff is sent instead of the whole text only when it is smaller than this share of it. */
const DIFF_SHARE = 0.5;

/** Trim order, least valuable first. Stable kinds differ by placement (an update in the turn is cheap to lose). */
function trimValue(kind: BlockKind, placement: Placement): number {
  if (placement === 'turn' && isStableKind(kind)) {
    return kind === 'instructions' ? Infinity : 1;
  }
  switch (kind) {
    case 'recentFile': return 0;
    case 'currentFile': return 2;
    case 'pinnedFile': return 3;
    case 'document': return 3;
    case 'repoMap': return 4;
    case 'projectFacts': return 5;
    case 'diagnostics': return 6;
    case 'selection': return 7;
    case 'instructions': return Infinity;
  }
}

interface Item {
  readonly block: ContextBlock;
  readonly key: string | undefined;
  readonly placement: Placement;
  mode: RenderMode;
  body: string;
  text: string;
  tokens: number;
  truncated: boolean;
  dropped: boolean;
}

function contentTokens(block: ContextBlock): number {
  return block.tokens !== undefined && Number.isFinite(block.tokens) && block.tokens >= 0 ? Math.ceil(block.tokens) : estimateTokens(block.content);
}

function makeItem(block: ContextBlock, placement: Placement, mode: RenderMode, body: string): Item {
  const text = renderBlock(block, mode, body);
  // Tokens are summed from parts (estimates are subadditive, so the sum never undercounts the whole).
  const tokens = mode === 'unchanged'
    ? estimateTokens(text)
    : estimateTokens(renderBlock(block, mode, '')) + (body === block.content ? contentTokens(block) : estimateTokens(body));
  return { block, key: blockKey(block), placement, mode, body, text, tokens: tokens + 1, truncated: false, dropped: false };
}

/** How to show a block the model has seen before in `prev`. */
function showAgain(block: ContextBlock, prev: KnownContent, placement: Placement, unchangedMode: RenderMode | undefined): Item | undefined {
  if (prev.content === block.content) {
    return unchangedMode ? makeItem(block, placement, unchangedMode, '') : undefined;
  }
  if (prev.diffChain < MAX_DIFF_CHAIN) {
    const diff = unifiedDiff(prev.content, block.content);
    if (diff !== undefined && estimateTokens(diff) < DIFF_SHARE * contentTokens(block)) {
      return makeItem(block, placement, 'changes', diff);
    }
  }
  return makeItem(block, placement, 'updated', block.content);
}

/** Normalised, sorted, de-duplicated blocks; recent files that are also pinned or current are left out. */
function prepareBlocks(input: readonly ContextBlock[]): { blocks: ContextBlock[]; dropped: DroppedBlock[] } {
  const sorted = sortBlocks(input.map(normalizeBlock));
  const dropped: DroppedBlock[] = [];
  const drop = (b: ContextBlock, reason: DroppedBlock['reason']) =>
    dropped.push({ kind: b.kind, id: b.id, title: b.title, tokens: contentTokens(b), reason });
  const seen = new Set<string>();
  const unique: ContextBlock[] = [];
  for (const b of sorted) {
    const k = `${b.kind}\u0000${b.id}`;
    if (seen.has(k)) {
      drop(b, 'duplicate');
    } else {
      seen.add(k);
      unique.push(b);
    }
  }
  const stronger = new Set(unique.filter((b) => b.kind === 'pinnedFile' || b.kind === 'currentFile').map((b) => b.id));
  const blocks: ContextBlock[] = [];
  for (const b of unique) {
    if (b.kind === 'recentFile' && stronger.has(b.id)) {
      drop(b, 'superseded');
    } else {
      blocks.push(b);
    }
  }
  return { blocks, dropped };
}

interface Plan {
  readonly system: SystemPrefix;
  readonly startTurn: number;
  readonly items: readonly Item[];
  readonly totalTokens: number;
  readonly fits: boolean;
}

/** Cuts `items` (only those in `trimmable` placements) until `fixedTokens` + kept items fit `limit`. */
function trim(items: Item[], fixedTokens: number, limit: number, trimmable: ReadonlySet<Placement>): number {
  const total = () => fixedTokens + items.reduce((n, it) => n + (it.dropped ? 0 : it.tokens), 0);
  const overflow = total() - limit;
  if (overflow <= 0) {
    return total();
  }
  const candidates = items
    .filter((it) => trimmable.has(it.placement) && trimValue(it.block.kind, it.placement) !== Infinity)
    .sort((a, b) => trimValue(a.block.kind, a.placement) - trimValue(b.block.kind, b.placement) || compareBlocks(b.block, a.block));
  const { decisions } = planTrim(
    candidates.map((it) => ({ tokens: it.tokens, truncatable: it.mode === 'full' || it.mode === 'updated' })),
    overflow,
  );
  decisions.forEach((d, i) => {
    const it = candidates[i];
    if (d.action === 'drop') {
      it.dropped = true;
    } else if (d.action === 'truncate') {
      const overhead = estimateTokens(renderBlock(it.block, it.mode, '')) + 1;
      const cut = truncateToTokens(it.body, d.maxTokens - overhead);
      if (cut === undefined) {
        it.dropped = true;
      } else {
        it.body = cut;
        it.text = renderBlock(it.block, it.mode, cut);
        it.tokens = overhead + estimateTokens(cut);
        it.truncated = true;
      }
    }
  });
  return total();
}

function systemFrom(items: readonly Item[]): SystemPrefix {
  const kept = items.filter((it) => it.placement === 'system' && !it.dropped);
  const shown = new Map<string, string>();
  for (const it of kept) {
    if (it.key !== undefined) {
      shown.set(it.key, it.block.content);
    }
  }
  return {
    text: kept.map((it) => it.text).join(BLOCK_SEPARATOR),
    tokens: kept.reduce((n, it) => n + it.tokens, 0),
    shown,
  };
}

/** Items for this turn's volatile blocks, given what the model already knows. */
function volatileItems(volatile: readonly ContextBlock[], known: ReadonlyMap<string, KnownContent>): Item[] {
  return volatile.map((b) => {
    const key = blockKey(b);
    const prev = key === undefined ? undefined : known.get(key);
    return (prev && showAgain(b, prev, 'turn', 'unchanged')) ?? makeItem(b, 'turn', 'full', b.content);
  });
}

export function buildPrompt(input: BuildPromptInput): BuiltPrompt {
  const budget = resolveBudget(input.budget);
  const limit = promptTokenLimit(budget);
  const conv = input.conversation;
  const turnCount = conv?.turns.length ?? 0;
  const question = normalizeText(input.question);
  const { blocks, dropped } = prepareBlocks(input.blocks);
  const stable = blocks.filter((b) => isStableKind(b.kind));
  const volatile = blocks.filter((b) => !isStableKind(b.kind));
  const images = input.images ?? [];
  const questionPart = estimateTokens(QUESTION_HEADING) + estimateTokens(question) + 2 + imagesTokens(images) + MESSAGE_OVERHEAD_TOKENS;
  const historyTokens = (from: number) => conv?.historyTokens(from) ?? 0;
  const systemOverhead = (s: SystemPrefix) => (s.text === '' ? 0 : s.tokens + MESSAGE_OVERHEAD_TOKENS);

  /** Keep the frozen system message; only this turn's items may be cut. */
  const planFrozen = (system: SystemPrefix, startTurn: number): Plan => {
    const known = conv?.knownContents(system, startTurn) ?? new Map<string, KnownContent>();
    const items: Item[] = [];
    // A changed pinned file that is also this turn's current (or recent) file is shown once, by that block.
    const volatileKeys = new Set(volatile.map(blockKey));
    for (const b of stable) {
      const key = blockKey(b);
      const prev = key === undefined ? undefined : known.get(key);
      const item = volatileKeys.has(key)
        ? undefined
        : prev ? showAgain(b, prev, 'turn', undefined) : makeItem(b, 'turn', 'full', b.content);
      // An unchanged stable block is already in the frozen system message (or, if it changed earlier in the
      // conversation, in that earlier turn): nothing to add. The item only reports it in includedBlocks.
      items.push(item ?? makeItem(b, system.shown.get(key ?? '') === b.content ? 'system' : 'history', 'full', b.content));
    }
    items.push(...volatileItems(volatile, known));
    // Only this turn's items count: 'system' and 'history' items stand for text already sent.
    const turnItems = items.filter((it) => it.placement === 'turn');
    const fixed = systemOverhead(system) + historyTokens(startTurn) + questionPart;
    const totalTokens = trim(turnItems, fixed, limit, new Set(['turn']));
    return { system, startTurn, items, totalTokens, fits: totalTokens <= limit };
  };

  /** Build the system message from the current blocks; everything may be cut in trim order. */
  const planFresh = (startTurn: number): Plan => {
    const systemItems = stable.map((b) => makeItem(b, 'system', 'full', b.content));
    const provisional = systemFrom(systemItems);
    const known = conv
      ? conv.knownContents(provisional, startTurn)
      : new Map([...provisional.shown].map(([key, content]): [string, KnownContent] => [key, { content, diffChain: 0 }]));
    const items = [...systemItems, ...volatileItems(volatile, known)];
    const fixed = historyTokens(startTurn) + questionPart + (stable.length > 0 ? MESSAGE_OVERHEAD_TOKENS : 0);
    const totalTokens = trim(items, fixed, limit, new Set(['system', 'turn']));
    return { system: systemFrom(systemItems), startTurn, items, totalTokens, fits: totalTokens <= limit };
  };

  let plan: Plan;
  const frozen = conv?.system;
  if (conv && frozen) {
    let start = conv.startTurn;
    plan = planFrozen(frozen, start);
    if (!plan.fits && start < turnCount) {
      // Last resort: drop the oldest whole turns until system + history + question take ≤ 3/4 of the limit.
      const target = Math.floor(limit * 0.75);
      while (start < turnCount && systemOverhead(frozen) + historyTokens(start) + questionPart > target) {
        start++;
      }
      if (start === conv.startTurn) {
        start++;
      }
      plan = planFrozen(frozen, start);
      while (!plan.fits && start < turnCount) {
        start++;
        plan = planFrozen(frozen, start);
      }
    }
    if (!plan.fits) {
      plan = planFresh(turnCount);
    }
  } else {
    plan = planFresh(conv?.startTurn ?? 0);
  }
  return finish(plan);

  function finish(p: Plan): BuiltPrompt {
    const turnItems = p.items.filter((it) => it.placement === 'turn' && !it.dropped);
    const context = turnItems.map((it) => it.text).join(BLOCK_SEPARATOR);
    const user = context === '' ? question : question === '' ? context : `${context}${BLOCK_SEPARATOR}${QUESTION_HEADING}${question}`;
    const userTokens = turnItems.reduce((n, it) => n + it.tokens, 0) + estimateTokens(QUESTION_HEADING) + estimateTokens(question) + 2 + imagesTokens(images);
    const messages: PromptMessage[] = [];
    if (p.system.text !== '') {
      messages.push({ role: 'system', content: p.system.text });
    }
    messages.push(...(conv?.historyMessages(p.startTurn) ?? []));
    messages.push(userMessage(user, images));

    const attachments: TurnAttachment[] = [];
    for (const it of turnItems) {
      if (it.key !== undefined) {
        attachments.push({
          key: it.key,
          mode: it.mode === 'updated' ? 'full' : it.mode,
          content: it.truncated ? undefined : it.block.content,
        });
      }
    }
    const included: IncludedBlock[] = [];
    const droppedBlocks = [...dropped];
    for (const it of p.items) {
      const b = it.block;
      if (it.dropped) {
        droppedBlocks.push({ kind: b.kind, id: b.id, title: b.title, tokens: it.tokens, reason: 'budget' });
      } else {
        included.push({ kind: b.kind, id: b.id, title: b.title, placement: it.placement, mode: it.mode, tokens: it.tokens, truncated: it.truncated });
      }
    }
    const previousStart = conv?.startTurn ?? 0;
    const systemReplaced = frozen !== undefined && frozen.text !== p.system.text;
    const estimatedPromptTokens = systemOverhead(p.system) + historyTokens(p.startTurn) + userTokens + MESSAGE_OVERHEAD_TOKENS;
    const instructionsAndQuestion = p.items
      .filter((it) => it.block.kind === 'instructions' && !it.dropped)
      .reduce((n, it) => n + it.tokens, questionPart);
    return {
      messages,
      includedBlocks: included,
      droppedBlocks,
      estimatedPromptTokens,
      promptTokenLimit: limit,
      droppedTurns: Math.max(0, p.startTurn - previousStart),
      breaksCache: systemReplaced || p.startTurn > previousStart,
      overBudget: !p.fits && instructionsAndQuestion > limit,
      pending: {
        baseRevision: conv?.revision ?? 0,
        system: p.system,
        startTurn: p.startTurn,
        user,
        userTokens,
        attachments,
        ...(images.length > 0 ? { images } : {}),
      },
    };
  }
}
