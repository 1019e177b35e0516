import * as assert from 'assert/strict';
import { CommandIds } from '../../src/core/commandIds';
import { DEEPSEEK_PRICES_2025, resolvePrice } from '../../src/core/pricing';
import { degradedStatus } from '../../src/core/providers/servingStatus';
import { SpendLedger } from '../../src/core/spendLedger';
import type { SpendView } from '../../src/core/spendSummary';

function viewAfter(miss: number, extra: Partial<SpendView> = {}): SpendView {
  let now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const ledger = new SpendLedger({ now: () => (now += 1000) });
  ledger.record({
    model: 'deepseek-chat',
    provider: 'DeepSeek',
    surface: 'chat',
    price: resolvePrice(DEEPSEEK_PRICES_2025, 'deepseek-chat', new Date(now)),
    usage: { kind: 'reported', hitTokens: 8 * miss, missTokens: 2 * miss, outputTokens: miss / 2 },
  });
  return { session: ledger.session, today: ledger.today, allTime: ledger.allTime, budgetUsd: 0, ...extra };
}

const idle = { streaming: false, simulated: false };

describe('status bar while DeepSeek is failing', () => {
  it('is the usual line while DeepSeek serves (undefined here)', () => {
    assert.equal(degradedStatus(viewAfter(1000), { primaryDegraded: false }, idle), undefined);
    assert.equal(degradedStatus(viewAfter(1000), { primaryDegraded: false, fallbackServing: 'Backup', reason: 'x' }, idle), undefined);
  });

  it('names the provider that serves, with a warning icon, and explains in the label and tooltip', () => {
    // 8000×0.07 + 2000×0.27 + 500×1.10 µ$ = $0.00165 (as in spendSummary.spec.ts)
    const status = degradedStatus(viewAfter(1000), { primaryDegraded: true, fallbackServing: 'Backup', reason: 'api.deepseek.com is busy (503).' }, idle);
    assert.ok(status);
    assert.equal(status.text, '$(warning) Backup · $0.0017');
    assert.equal(status.level, 'warning');
    assert.equal(
      status.accessibilityLabel,
      'DeepSeek is failing (api.deepseek.com is busy (503).); requests go to Backup until it recovers. Session spend $0.0017, cache-hit rate 80%',
    );
    assert.match(status.accessibilityLabel, /^DeepSeek/, 'the accessible label starts with DeepSeek (public contract)');
    assert.equal(
      status.tooltipHeader,
      `**DeepSeek is failing** (api.deepseek.com is busy \\(503\\).); requests go to **Backup** until it recovers — [Show Provider Status](command:${CommandIds.showProviderStatus})`,
    );
  });

  it('says so when no fallback has answered yet, spins while streaming, and stays an error over budget', () => {
    const none = degradedStatus(viewAfter(1000), { primaryDegraded: true, reason: 'timed out' }, { streaming: true, simulated: false });
    assert.ok(none);
    assert.equal(none.text, '$(warning) $(loading~spin) DeepSeek failing · $0.0017');
    assert.match(none.accessibilityLabel, /^DeepSeek is failing \(timed out\); no fallback provider has answered in its place yet\. Session spend \$0\.0017, cache-hit rate 80%, request in progress$/);
    assert.match(none.tooltipHeader, /no fallback provider has answered in its place yet/);

    const over = degradedStatus(viewAfter(1000, { budgetUsd: 0.001 }), { primaryDegraded: true, fallbackServing: 'Backup' }, idle);
    assert.equal(over?.level, 'error');
    assert.match(over?.accessibilityLabel ?? '', /^DeepSeek is failing; requests go to Backup until it recovers\. .*budget/);
    const near = degradedStatus(viewAfter(1000, { budgetUsd: 0.002 }), { primaryDegraded: true, fallbackServing: 'Backup' }, idle);
    assert.equal(near?.level, 'warning');
  });

  it('says when inline completions are paused because no fallback serves FIM', () => {
    const status = degradedStatus(viewAfter(1000), { primaryDegraded: true, fallbackServing: 'Backup', completionsPaused: 'DeepSeek is failing and no fallback provider serves completions' }, idle);
    assert.ok(status);
    assert.match(status.accessibilityLabel, /inline completions paused until DeepSeek recovers/);
    assert.match(status.tooltipHeader, /Inline completions are paused until DeepSeek recovers: DeepSeek is failing and no fallback provider serves completions\.$/);
  });

  it('keeps a long or hostile reason short and inert in the tooltip', () => {
    const reason = `[open](command:workbench.action.terminal.new) ${'x'.repeat(400)}`;
    const status = degradedStatus(viewAfter(1000), { primaryDegraded: true, fallbackServing: 'Backup', reason }, idle);
    assert.ok(status);
    assert.doesNotMatch(status.tooltipHeader, /\]\(command:workbench/);
    assert.equal((status.tooltipHeader.match(/\]\(command:/g) ?? []).length, 1, 'one link: Show Provider Status');
    assert.ok(status.accessibilityLabel.length < 300);
    assert.match(status.accessibilityLabel, /…\)/);
  });
});
