import * as assert from 'assert/strict';
import { checkBudget, estimateRequestCostUsd } from '../../src/core/budget';
import { DEFAULT_PRICING } from '../../src/core/settingsSchema';

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
});

describe('request cost estimate', () => {
  it('is an upper bound: every prompt token at the miss price, plus the expected output', () => {
    assert.equal(estimateRequestCostUsd(DEFAULT_PRICING['deepseek-chat'], 10_000, 1_000), 0.0038);
    assert.equal(estimateRequestCostUsd(DEFAULT_PRICING['deepseek-reasoner'], 1_000_000, 1_000_000), 2.74);
    assert.equal(estimateRequestCostUsd(DEFAULT_PRICING['deepseek-chat'], 0, 0), 0);
  });

  it('is zero when there is no price for the model', () => {
    assert.equal(estimateRequestCostUsd(undefined, 10_000, 1_000), 0);
  });
});
