/**
 * Token budget: the model's context window minus the room reserved for its output, and the trimming that makes
 * a prompt fit it. Trimming is deterministic and works from the least valuable, most volatile end.
 */
import { estimateTokens } from '../tokenEstimate';

export interface PromptBudget {
  /** The model's context window in tokens (default 128K, a setting). */
  readonly contextTokens: number;
  /** Tokens kept free for the answer (and the reasoner's chain of thought). */
  readonly reserveOutputTokens: number;
}

export const DEFAULT_CONTEXT_TOKENS = 128_000;

/** Output reserve per model role: the chat model's maximum output (8K) and the reasoner's default (32K). */
export const DEFAULT_RESERVE_OUTPUT_TOKENS: Readonly<{ chat: number; reasoner: number }> = Object.freeze({
  chat: 8_192,
  reasoner: 32_768,
});

export const DEFAULT_BUDGET: PromptBudget = Object.freeze({
  contextTokens: DEFAULT_CONTEXT_TOKENS,
  reserveOutputTokens: DEFAULT_RESERVE_OUTPUT_TOKENS.chat,
});

/**
 * The budget for a model role: `contextTokens` is what the user allows (`deepseek.context.maxTokens`), capped by
 * the model's context window when its limits are given (core/models.ts `modelLimits`); the output reserve is
 * the role's, capped by the model's maximum output and by half the window.
 */
export function budgetFor(
  role: 'chat' | 'reasoner',
  contextTokens: number = DEFAULT_CONTEXT_TOKENS,
  limits?: { readonly contextTokens: number; readonly maxOutputTokens: number },
): PromptBudget {
  const window = limits ? Math.min(contextTokens, limits.contextTokens) : contextTokens;
  const reserve = limits
    ? Math.min(DEFAULT_RESERVE_OUTPUT_TOKENS[role], limits.maxOutputTokens, Math.floor(window / 2))
    : DEFAULT_RESERVE_OUTPUT_TOKENS[role];
  return { contextTokens: window, reserveOutputTokens: reserve };
}

/** Fills in defaults; non-finite or negative figures fall back to them. */
export function resolveBudget(budget: Partial<PromptBudget> = {}): PromptBudget {
  const ok = (n: number | undefined): n is number => n !== undefined && Number.isFinite(n) && n >= 0;
  return {
    contextTokens: ok(budget.contextTokens) ? Math.floor(budget.contextTokens) : DEFAULT_BUDGET.contextTokens,
    reserveOutputTokens: ok(budget.reserveOutputTokens) ? Math.floor(budget.reserveOutputTokens) : DEFAULT_BUDGET.reserveOutputTokens,
  };
}

/** Tokens the prompt itself may use. */
export function promptTokenLimit(budget: PromptBudget): number {
  return Math.max(0, budget.contextTokens - budget.reserveOutputTokens);
}

/** Estimated tokens per message for the chat template's role markers. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

/** Appended to content cut short by the budget. */
export const TRUNCATION_MARKER = '[… truncated]';

/** A block is cut rather than dropped only if at least this many tokens of it remain. */
export const MIN_TRUNCATED_TOKENS = 256;

/**
 * `text` cut from the end so that it plus a `[… truncated]` line fits `maxTokens` (estimated). Cuts at a line
 * end when one is near (within the last fifth of what is kept), so code is not cut mid-line. Returns undefined
 * when not even the marker fits.
 */
export function truncateToTokens(text: string, maxTokens: number): string | undefined {
  const suffix = `\n${TRUNCATION_MARKER}`;
  const room = maxTokens - estimateTokens(suffix);
  if (room < 0) {
    return undefined;
  }
  if (estimateTokens(text) <= maxTokens) {
    return text;
  }
  // Largest prefix length whose estimate fits (estimates grow monotonically with length).
  let lo = 0;
  let hi = text.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (estimateTokens(text.slice(0, mid)) <= room) {
      lo = mid;
    } else {
      hi = mid - 1;
    }
  }
  let cut = lo;
  // Do not split a surrogate pair.
  if (cut > 0 && cut < text.length && /[\ud800-\udbff]/.test(text[cut - 1])) {
    cut--;
  }
  const lineEnd = text.lastIndexOf('\n', cut);
  if (lineEnd >= 0 && lineEnd >= cut * 0.8) {
    cut = lineEnd;
  }
  return `${text.slice(0, cut).replace(/[ \t\n]+$/, '')}${suffix}`;
}

/** One thing the trimmer may cut or drop. */
export interface TrimCandidate {
  /** Estimated tokens it takes now. */
  readonly tokens: number;
  /** Whether its text may be cut short (otherwise it is kept whole or dropped). */
  readonly truncatable: boolean;
}

export type TrimDecision =
  | { readonly action: 'keep' }
  | { readonly action: 'truncate'; readonly maxTokens: number }
  | { readonly action: 'drop' };

/**
 * Decides, for candidates given least valuable first, what to cut to remove `overflow` tokens: each candidate in
 * turn is cut to `tokens - overflow` when that leaves at least MIN_TRUNCATED_TOKENS of it (and it may be cut),
 * otherwise dropped whole; the rest are kept. Returns one decision per candidate, and the overflow that remains
 * (> 0 when even dropping every candidate is not enough).
 */
export function planTrim(candidates: readonly TrimCandidate[], overflow: number): { decisions: TrimDecision[]; remaining: number } {
  const decisions: TrimDecision[] = [];
  let remaining = overflow;
  for (const c of candidates) {
    if (remaining <= 0) {
      decisions.push({ action: 'keep' });
    } else if (c.truncatable && c.tokens - remaining >= MIN_TRUNCATED_TOKENS) {
      decisions.push({ action: 'truncate', maxTokens: c.tokens - remaining });
      remaining = 0;
    } else {
      decisions.push({ action: 'drop' });
      remaining -= c.tokens;
    }
  }
  return { decisions, remaining };
}
