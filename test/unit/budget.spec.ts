import * as assert from 'assert/strict';
import { BudgetGate, checkBudget, DECLINE_OVER_BUDGET, estimateRequestCostUsd, type BudgetCheck, type BudgetPolicy } from '../../src/core/budget';
import { DEEPSEEK_PRICES_2025 } from '../../src/core/pricing';

describe('session budget', () => {
  it('has no level when no budget is set', () => {
    assert.deepEqual(checkBudget({ budgetUsd: 0, sessionSpentUsd: 50, nextEstimateUsd: 10 }), { level: 'none' });
    assert.deepEqual(checkBudget({ budgetUsd: -1, sessionSpentUsd: 0, nextEstimateUsd: 0 }), { level: 'none' });
    assert.deepEqual(checkBudget({ budgetUsd: Number.NaN, sessionSpentUsd: 0, nextEstimateUsd: 0 }), { level: 'none' });
  });

  it('is ok below 80%', () => {
    assert.deepEqual(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0.79, nextEstimateUsd: 0.01 }), { level: 'ok' });
    assert.deepEqual(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0, nextEstimateUsd: 0 }), { level: 'ok' });
  });

  it('warns from 80% of the budget', () => {
    assert.deepEqual(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0.8, nextEstimateUsd: 0 }), {
      level: 'warn', message: 'DeepSeek session spend $0.80 of $1.00 budget (80%)',
    });
    assert.deepEqual(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0.82, nextEstimateUsd: 0.01 }), {
      level: 'warn', message: 'DeepSeek session spend $0.82 of $1.00 budget (82%)',
    });
    assert.equal(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0.29 * 3, nextEstimateUsd: 0 }).message,
      'DeepSeek session spend $0.87 of $1.00 budget (87%)');
    assert.equal(checkBudget({ budgetUsd: 2500, sessionSpentUsd: 2049.99, nextEstimateUsd: 0 }).message,
      'DeepSeek session spend $2,049.99 of $2,500.00 budget (81%)');
  });

  it('reaching the budget exactly is not going past it', () => {
    assert.deepEqual(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0.97, nextEstimateUsd: 0.03 }), {
      level: 'warn', message: 'DeepSeek session spend $0.97 of $1.00 budget (97%)',
    });
  });

  it('asks before a request that may take the session past its budget', () => {
    assert.deepEqual(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0.97, nextEstimateUsd: 0.05 }), {
      level: 'exceeds',
      message: 'This request may take the session past its $1.00 budget (spent $0.97, this request ≈ $0.05). Send anyway?',
    });
    assert.equal(checkBudget({ budgetUsd: 0.5, sessionSpentUsd: 0.1, nextEstimateUsd: 0.0042 + 0.4 }).level, 'exceeds');
    assert.equal(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0.5, nextEstimateUsd: 0.0031 }).level, 'ok');
  });

  it('says so when the session is already past its budget', () => {
    assert.deepEqual(checkBudget({ budgetUsd: 1, sessionSpentUsd: 1.02, nextEstimateUsd: 0.0031 }), {
      level: 'exceeds',
      message: 'The session has already spent $1.02 of its $1.00 budget (this request ≈ $0.0031). Send anyway?',
    });
  });

  it('counts requests still running against the budget, and says so', () => {
    assert.deepEqual(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0.5, reservedUsd: 0.4, nextEstimateUsd: 0.2 }), {
      level: 'exceeds',
      message: 'This request may take the session past its $1.00 budget (spent $0.50, ≈ $0.40 in requests still running, this request ≈ $0.20). Send anyway?',
    });
    assert.equal(checkBudget({ budgetUsd: 1, sessionSpentUsd: 0.5, reservedUsd: 0.3, nextEstimateUsd: 0.2 }).level, 'ok');
  });
});

/** A policy that records what it was asked and answers as told. */
function policy(answer: boolean | (() => Promise<boolean>)) {
  const asked: BudgetCheck[] = [];
  const warnings: string[] = [];
  const p: BudgetPolicy = {
    confirmOverBudget: (check) => {
      asked.push(check);
      return typeof answer === 'function' ? answer() : Promise.resolve(answer);
    },
    warnNearBudget: (message) => warnings.push(message),
  };
  return { policy: p, asked, warnings };
}

describe('budget gate', () => {
  it('lets two concurrent requests not both slip past the budget', async () => {
    const gate = new BudgetGate();
    const p = policy(false);
    const first = await gate.admit({ budgetUsd: 1, sessionSpentUsd: 0.3, nextEstimateUsd: 0.5 }, p.policy);
    assert.equal(first.admitted, true);
    assert.equal(gate.reservedUsd, 0.5);
    const second = await gate.admit({ budgetUsd: 1, sessionSpentUsd: 0.3, nextEstimateUsd: 0.5 }, p.policy);
    assert.equal(second.admitted, false, 'the first one still holds its estimate');
    assert.equal(p.asked.length, 1);
    assert.match(p.asked[0].message ?? '', /≈ \$0\.50 in requests still running/);
    if (first.admitted) first.reservation.release();
    assert.equal(gate.reservedUsd, 0);
    assert.equal((await gate.admit({ budgetUsd: 1, sessionSpentUsd: 0.3, nextEstimateUsd: 0.5 }, p.policy)).admitted, true);
  });

  it('reserves synchronously: requests admitted in the same tick see each other', async () => {
    const gate = new BudgetGate();
    const p = policy(false);
    const input = { budgetUsd: 1, sessionSpentUsd: 0, nextEstimateUsd: 0.4 };
    const results = await Promise.all([gate.admit(input, p.policy), gate.admit(input, p.policy), gate.admit(input, p.policy)]);
    assert.deepEqual(results.map((r) => r.admitted), [true, true, false]);
    assert.equal(gate.inFlight, 2);
  });

  it('sends past the budget when the policy says so, and releases once', async () => {
    const gate = new BudgetGate();
    const p = policy(true);
    const admission = await gate.admit({ budgetUsd: 1, sessionSpentUsd: 0.9, nextEstimateUsd: 0.5 }, p.policy);
    assert.equal(admission.admitted, true);
    assert.equal(p.asked[0].level, 'exceeds');
    assert.deepEqual(p.warnings, [], 'the question says it all: no 80% warning on top');
    if (admission.admitted) {
      admission.reservation.release();
      admission.reservation.release();
    }
    assert.equal(gate.reservedUsd, 0);
    assert.equal(gate.inFlight, 0);
  });

  it('declines silently with the non-modal policy', async () => {
    const gate = new BudgetGate();
    assert.equal((await gate.admit({ budgetUsd: 1, sessionSpentUsd: 2, nextEstimateUsd: 0 }, DECLINE_OVER_BUDGET)).admitted, false);
  });

  it('warns once per crossing of 80%, again only after spend drops below and crosses again', async () => {
    const gate = new BudgetGate();
    const p = policy(true);
    const at = async (spent: number) => {
      const a = await gate.admit({ budgetUsd: 1, sessionSpentUsd: spent, nextEstimateUsd: 0 }, p.policy);
      if (a.admitted) a.reservation.release();
    };
    await at(0.5);
    await at(0.8);
    await at(0.85);
    await at(0.9);
    assert.deepEqual(p.warnings, ['DeepSeek session spend $0.80 of $1.00 budget (80%)']);
    await at(0); // Session reset.
    await at(0.81);
    assert.equal(p.warnings.length, 2);
    assert.equal(p.warnings[1], 'DeepSeek session spend $0.81 of $1.00 budget (81%)');
  });

  it('re-arms the warning when the budget is raised or removed', async () => {
    const gate = new BudgetGate();
    const p = policy(true);
    await gate.admit({ budgetUsd: 1, sessionSpentUsd: 0.9, nextEstimateUsd: 0 }, p.policy);
    await gate.admit({ budgetUsd: 0, sessionSpentUsd: 0.9, nextEstimateUsd: 0 }, p.policy);
    await gate.admit({ budgetUsd: 1, sessionSpentUsd: 0.9, nextEstimateUsd: 0 }, p.policy);
    assert.equal(p.warnings.length, 2);
  });

  it('counts a request admitted while the question is open', async () => {
    const gate = new BudgetGate();
    let answer: (v: boolean) => void = () => undefined;
    const p = policy(() => new Promise<boolean>((r) => (answer = r)));
    const asking = gate.admit({ budgetUsd: 1, sessionSpentUsd: 0.9, nextEstimateUsd: 0.2 }, p.policy);
    const small = await gate.admit({ budgetUsd: 1, sessionSpentUsd: 0.9, nextEstimateUsd: 0.05 }, p.policy);
    assert.equal(small.admitted, true);
    answer(true);
    assert.equal((await asking).admitted, true);
    assert.ok(Math.abs(gate.reservedUsd - 0.25) < 1e-12);
  });
});

describe('request cost estimate', () => {
  it('is an upper bound: every prompt token at the miss price, plus the expected output', () => {
    assert.equal(estimateRequestCostUsd(DEEPSEEK_PRICES_2025['deepseek-chat'], 10_000, 1_000), 0.0038);
    assert.equal(estimateRequestCostUsd(DEEPSEEK_PRICES_2025['deepseek-reasoner'], 1_000_000, 1_000_000), 2.74);
    assert.equal(estimateRequestCostUsd(DEEPSEEK_PRICES_2025['deepseek-chat'], 0, 0), 0);
  });

  it('is zero when there is no price for the model', () => {
    assert.equal(estimateRequestCostUsd(undefined, 10_000, 1_000), 0);
  });
});
