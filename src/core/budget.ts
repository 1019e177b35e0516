/**
 * The session budget (`deepseek.budget.session`): warn at 80%, ask before a request that may go past it.
 * Pure; comparisons are made in whole pico-dollars so that $0.97 + $0.03 is exactly $1.00.
 *
 * `BudgetGate` admits requests: the estimate of every admitted request still running is reserved, so two
 * requests sent together cannot both slip past the budget, and the 80% warning is given once per crossing.
 * What "ask" means is the surface's `BudgetPolicy` (a modal dialog for chat and commands; completions can
 * decline silently), so the gate opens no dialog itself.
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
  /** Estimates of requests admitted and still running (not yet in sessionSpentUsd). */
  readonly reservedUsd?: number;
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
  const reservedPico = toPicoUsd(nonNegative(input.reservedUsd ?? 0));
  const spent = fromPicoUsd(spentPico);
  if (spentPico + reservedPico + nextPico > budgetPico) {
    const next = formatUsd(fromPicoUsd(nextPico));
    const running = reservedPico > 0 ? `, ≈ ${formatUsd(fromPicoUsd(reservedPico))} in requests still running` : '';
    const message = spentPico >= budgetPico
      ? `The session has already spent ${formatUsd(spent)} of its ${formatUsd(budget)} budget (this request ≈ ${next}${running}). Send anyway?`
      : `This request may take the session past its ${formatUsd(budget)} budget (spent ${formatUsd(spent)}${running}, this request ≈ ${next}). Send anyway?`;
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

/** Whether the session has spent at least 80% of a (positive) budget. */
function nearBudget(budgetUsd: number, spentUsd: number): boolean {
  const budget = nonNegative(budgetUsd);
  return budget > 0 && toPicoUsd(nonNegative(spentUsd)) * 5 >= toPicoUsd(budget) * 4;
}

/** How a surface handles the budget: the engine asks it, and never opens a dialog of its own. */
export interface BudgetPolicy {
  /** The request may take the session past its budget (`check.message` says so): resolve true to send it. */
  confirmOverBudget(check: BudgetCheck): Promise<boolean>;
  /** The session's spend crossed 80% of the budget; called once per crossing. */
  warnNearBudget(message: string): void;
}

/** A policy that never asks: over budget is declined, the warning is not shown (e.g. inline completions). */
export const DECLINE_OVER_BUDGET: BudgetPolicy = {
  confirmOverBudget: () => Promise.resolve(false),
  warnNearBudget: () => undefined,
};

/** An admitted request's share of the budget, until it has finished and its spend is recorded. */
export interface BudgetReservation {
  /** Releases the estimate (idempotent). Call after the request's real cost is in the ledger. */
  release(): void;
}

export interface AdmitInput {
  readonly budgetUsd: number;
  readonly sessionSpentUsd: number;
  readonly nextEstimateUsd: number;
}

export type Admission =
  | { readonly admitted: true; readonly reservation: BudgetReservation; readonly check: BudgetCheck; readonly confirmed?: boolean }
  | { readonly admitted: false; readonly check: BudgetCheck };

/**
 * Admits requests against the session budget. The check and the reservation happen in one synchronous step,
 * so a second request checked while the first is running sees the first one's estimate. One gate per window.
 */
export class BudgetGate {
  private reservedPico = 0;
  private running = 0;
  /** True from the moment the 80% warning was given until spend is seen below 80% again. */
  private warned = false;

  /** Estimates of admitted requests not yet released, in USD. */
  get reservedUsd(): number {
    return fromPicoUsd(this.reservedPico);
  }

  /** Requests admitted and not yet released. */
  get inFlight(): number {
    return this.running;
  }

  async admit(input: AdmitInput, policy: BudgetPolicy): Promise<Admission> {
    const check = checkBudget({ ...input, reservedUsd: this.reservedUsd });
    const near = nearBudget(input.budgetUsd, input.sessionSpentUsd);
    const crossed = near && !this.warned;
    this.warned = near;
    if (check.level !== 'exceeds') {
      if (crossed && check.level === 'warn' && check.message) {
        policy.warnNearBudget(check.message);
      }
      return { admitted: true, reservation: this.reserve(input.nextEstimateUsd), check };
    }
    // Over budget: the policy decides (a modal dialog states it; no separate 80% warning).
    const confirmed = await policy.confirmOverBudget(check);
    return confirmed
      ? { admitted: true, reservation: this.reserve(input.nextEstimateUsd), check, confirmed }
      : { admitted: false, check };
  }

  private reserve(estimateUsd: number): BudgetReservation {
    const pico = toPicoUsd(nonNegative(estimateUsd));
    this.reservedPico += pico;
    this.running += 1;
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.reservedPico -= pico;
        this.running -= 1;
      },
    };
  }
}
