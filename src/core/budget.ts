/**
 * The session budget (`deepseek.budget.session`): warn at 80%, ask before a request that may go past it.
 * Pure; comparisons are made in whole pico-dollars so that $0.97 + $0.03 is exactly $1.00.
 */
import { formatUsd, fromPicoUsd, toPicoUsd } from './money';
import { priceUsagePico } from './pricing';
import type { PriceRates } from './settingsSchema';

/**
 * 'none': no budget set; 'ok': under 80%; 'warn': at or above 80%; 'exceeds': spent + this request's
 * estimate is more than the budget (also when the session is already past it).
 */
export type BudgetLevel = 'none' | 'ok' | 'warn' | 'exceeds';

export interface BudgetInput {
  /** The session budget in USD; 0 (or anything not a positive number) means no budget. */
  readonly budgetUsd: number;
  readonly sessionSpentUsd: number;
  /** Upper-bound estimate of the next request (see estimateRequestCostUsd); 0 when just checking. */
  readonly nextEstimateUsd: number;
}

export interface BudgetCheck {
  readonly level: BudgetLevel;
  /** For 'warn': a status line. For 'exceeds': a question for a modal confirmation. */
  readonly message?: string;
}

function nonNegative(usd: number): number {
  return Number.isFinite(usd) && usd > 0 ? usd : 0;
}

/** Whole percent spent, rounded down (82.9% → 82). */
function percentOf(spent: number, budget: number): number {
  return Math.floor(Number(((spent / budget) * 100).toPrecision(12)));
}

/** Where the session stands against its budget, given the next request's estimate. */
export function checkBudget(input: BudgetInput): BudgetCheck {
  const budget = nonNegative(input.budgetUsd);
  if (budget === 0) {
    return { level: 'none' };
  }
  const budgetPico = toPicoUsd(budget);
  const spentPico = toPicoUsd(nonNegative(input.sessionSpentUsd));
  const nextPico = toPicoUsd(nonNegative(input.nextEstimateUsd));
  const spent = fromPicoUsd(spentPico);
  if (spentPico + nextPico > budgetPico) {
    const next = formatUsd(fromPicoUsd(nextPico));
    const message = spentPico >= budgetPico
      ? `The session has already spent ${formatUsd(spent)} of its ${formatUsd(budget)} budget (this request ≈ ${next}). Send anyway?`
      : `This request may take the session past its ${formatUsd(budget)} budget (spent ${formatUsd(spent)}, this request ≈ ${next}). Send anyway?`;
    return { level: 'exceeds', message };
  }
  if (spentPico * 5 >= budgetPico * 4) {
    return {
      level: 'warn',
      message: `DeepSeek session spend ${formatUsd(spent)} of ${formatUsd(budget)} budget (${percentOf(spent, budget)}%)`,
    };
  }
  return { level: 'ok' };
}

/**
 * An upper-bound cost of a request before it is sent: every prompt token at the cache-miss price plus the
 * expected output. No price known → 0.
 */
export function estimateRequestCostUsd(price: PriceRates | undefined, promptTokens: number, expectedOutputTokens: number): number {
  if (!price) {
    return 0;
  }
  const pico = priceUsagePico(price, { hitTokens: 0, missTokens: promptTokens, outputTokens: expectedOutputTokens });
  return fromPicoUsd(pico.total);
}
