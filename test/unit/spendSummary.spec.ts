import * as assert from 'assert/strict';
import { SpendLedger } from '../../src/core/spendLedger';
import { DEEPSEEK_PRICES_2025, resolvePrice } from '../../src/core/pricing';
import { spendReport, statusLine, statusTooltip, type SpendView } from '../../src/core/spendSummary';

function ledgerWith(...usages: { hit: number; miss: number; out: number; model?: string; surface?: 'chat' | 'command' | 'completion' }[]): SpendLedger {
  let now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const ledger = new SpendLedger({ now: () => (now += 1000) });
  for (const u of usages) {
    const model = u.model ?? 'deepseek-chat';
    ledger.record({
      model,
      provider: 'DeepSeek',
      surface: u.surface ?? 'chat',
      price: resolvePrice(DEEPSEEK_PRICES_2025, model, new Date(now)),
      usage: { kind: 'reported', hitTokens: u.hit, missTokens: u.miss, outputTokens: u.out },
    });
  }
  return ledger;
}

const viewOf = (ledger: SpendLedger, extra: Partial<SpendView> = {}): SpendView => ({
  session: ledger.session,
  today: ledger.today,
  allTime: ledger.allTime,
  budgetUsd: 0,
  priceLabel: ledger.lastRecord?.priceLabel,
  ...extra,
});

describe('spend summary wording', () => {
  it('shows session spend and cache-hit rate in the status text', () => {
    const ledger = ledgerWith({ hit: 8000, miss: 2000, out: 500 });
    const line = statusLine(viewOf(ledger), { streaming: false, simulated: false });
    // 8000×0.07 + 2000×0.27 + 500×1.10 = 560 + 540 + 550 = 1650 µ$ = $0.00165
    assert.equal(line.text, '$(sparkle) $0.0017 · 80%');
    assert.equal(line.accessibilityLabel, 'DeepSeek: session spend $0.0017, cache-hit rate 80%');
    assert.equal(line.level, 'normal');
  });

  it('spins while streaming, says simulator, and has no rate before any request', () => {
    const empty = new SpendLedger();
    assert.equal(statusLine(viewOf(empty), { streaming: true, simulated: false }).text, '$(loading~spin) $0.00');
    const sim = statusLine(viewOf(empty), { streaming: false, simulated: true });
    assert.equal(sim.text, '$(beaker) $0.00');
    assert.match(sim.accessibilityLabel, /^DeepSeek \(offline simulator\)/);
  });

  it('warns at 80% of the budget and errors past it', () => {
    const ledger = ledgerWith({ hit: 0, miss: 1_000_000, out: 0 }); // $0.27
    assert.equal(statusLine(viewOf(ledger, { budgetUsd: 0.3 }), { streaming: false, simulated: false }).level, 'warning');
    assert.equal(statusLine(viewOf(ledger, { budgetUsd: 0.25 }), { streaming: false, simulated: false }).level, 'error');
    assert.equal(statusLine(viewOf(ledger, { budgetUsd: 1 }), { streaming: false, simulated: false }).level, 'normal');
  });

  it('names a fallback provider in use', () => {
    const ledger = ledgerWith({ hit: 0, miss: 10, out: 10 });
    const line = statusLine(viewOf(ledger, { fallbackProvider: 'Backup' }), { streaming: false, simulated: false });
    assert.match(line.text, / via Backup$/);
  });

  it('tooltip: totals, saving versus no cache, balance and price table', () => {
    const ledger = ledgerWith({ hit: 8000, miss: 2000, out: 500 });
    const tooltip = statusTooltip(viewOf(ledger, { balance: { amounts: [{ currency: 'USD', total: 9.5 }], fetchedAt: Date.UTC(2026, 0, 1, 8, 30) } }), { endpoint: 'DeepSeek API', key: 'API key stored' });
    assert.ok(tooltip.includes('| Session | 1 | 8,000 | 2,000 | 500 | 80% | $0.0017 |'));
    // without cache: 10000×0.27 + 500×1.10 = 2700 + 550 = 3250 µ$; saved 1600 µ$
    assert.ok(tooltip.includes('Saved by the cache this session: **$0.0016** ($0.0033 without it).'));
    assert.ok(tooltip.includes('Account balance: 9.50 USD (as of 08:30 UTC).'));
    assert.ok(tooltip.includes('Prices: deepseek-chat standard'));
  });

  it('tooltip: names the price table and which rate applies now, and until when', () => {
    const ledger = ledgerWith({ hit: 8000, miss: 2000, out: 500 });
    const prices = { table: 'DeepSeek prices as of 2026-11', model: 'deepseek-flash', schedule: 'off-peak until 01:00 UTC' };
    const tooltip = statusTooltip(viewOf(ledger, { prices, priceLabel: 'deepseek-flash off-peak' }), { endpoint: 'DeepSeek API', key: 'API key stored' });
    assert.ok(
      tooltip.includes('Prices: DeepSeek prices as of 2026-11, USD per 1M tokens (`deepseek.pricing`): deepseek-flash off-peak until 01:00 UTC. Last request priced at deepseek-flash off-peak.'),
      tooltip,
    );
  });

  it('report: per model, per surface and recent requests', () => {
    const ledger = ledgerWith({ hit: 100, miss: 100, out: 10 }, { hit: 0, miss: 50, out: 5, model: 'deepseek-reasoner', surface: 'command' });
    const report = spendReport({
      view: viewOf(ledger),
      sessionByModel: ledger.breakdown('session', 'model'),
      sessionBySurface: ledger.breakdown('session', 'surface'),
      allTimeByModel: ledger.breakdown('allTime', 'model'),
      records: ledger.records,
      sessionStartedAt: ledger.sessionStartedAt,
      generatedAt: Date.UTC(2026, 10, 25, 13, 0, 0),
    });
    assert.match(report, /^# DeepSeek spend\n/);
    assert.match(report, /## Session by model\n\n.*\n.*\n\| deepseek-chat \| 1 \|.*\n\| deepseek-reasoner \| 1 \|/);
    assert.match(report, /## Session by surface.*\n\n.*\n.*\n\| chat \| 1 \|.*\n\| command \| 1 \|/);
    const recent = report.slice(report.indexOf('## Recent requests'));
    assert.ok(recent.indexOf('deepseek-reasoner') < recent.indexOf('deepseek-chat'), 'newest first');
  });
});
