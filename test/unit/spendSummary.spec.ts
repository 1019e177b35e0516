import * as assert from 'assert/strict';
import { formatLocalTime, formatUtcOffset, localOffsetMinutes } from '../../src/core/localTime';
import { parseSpendRecord, SpendLedger } from '../../src/core/spendLedger';
import { DEEPSEEK_PRICES_2025, resolvePrice } from '../../src/core/pricing';
import { ocrPriceLabel } from '../../src/core/documents/ocrPrice';
import { formatRecordCost, formatSpend, spendReport, statusLine, statusTooltip, type SpendView } from '../../src/core/spendSummary';

interface Usage {
  readonly hit: number;
  readonly miss: number;
  readonly out: number;
  readonly model?: string;
  readonly surface?: 'chat' | 'command' | 'completion';
  /** A fallback's name: its requests are unpriced (it has no table here). */
  readonly provider?: string;
  readonly estimated?: boolean;
}

function ledgerWith(...usages: Usage[]): SpendLedger {
  let now = Date.UTC(2026, 10, 25, 12, 0, 0);
  const ledger = new SpendLedger({ now: () => (now += 1000) });
  for (const u of usages) {
    const model = u.model ?? 'deepseek-chat';
    ledger.record({
      model,
      provider: u.provider ?? 'DeepSeek',
      surface: u.surface ?? 'chat',
      price: u.provider ? undefined : resolvePrice(DEEPSEEK_PRICES_2025, model, new Date(now)),
      usage: u.estimated
        ? { kind: 'estimate', sent: u.miss * 4, received: u.out * 4 }
        : { kind: 'reported', hitTokens: u.hit, missTokens: u.miss, outputTokens: u.out },
    });
  }
  return ledger;
}

/** The view SpendService makes: with this session's unpriced requests per provider. */
function serviceView(ledger: SpendLedger, extra: Partial<SpendView> = {}): SpendView {
  const unpriced = Object.entries(ledger.breakdown('session', 'provider')).filter(([, t]) => t.unpricedRequests > 0);
  return { ...viewOf(ledger, extra), ...(unpriced.length > 0 ? { unpricedByProvider: Object.fromEntries(unpriced.map(([n, t]) => [n, t.unpricedRequests])) } : {}) };
}

function reportOf(ledger: SpendLedger, view: SpendView = viewOf(ledger), extra: Partial<Parameters<typeof spendReport>[0]> = {}): string {
  return spendReport({
    ...extra,
    view,
    sessionByModel: ledger.breakdown('session', 'model'),
    sessionBySurface: ledger.breakdown('session', 'surface'),
    sessionByProvider: ledger.breakdown('session', 'provider'),
    allTimeByModel: ledger.breakdown('allTime', 'model'),
    records: ledger.records,
    sessionStartedAt: ledger.sessionStartedAt,
    generatedAt: Date.UTC(2026, 10, 25, 13, 0, 0),
  });
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
    assert.equal(line.text, 'DeepSeek $0.0017 · 80% cached');
    assert.equal(line.accessibilityLabel, 'DeepSeek: session spend $0.0017, cache-hit rate 80%');
    assert.equal(line.level, 'normal');
    const compact = statusLine(viewOf(ledger), { streaming: false, simulated: false, compact: true });
    assert.equal(compact.text, '$(sparkle) $0.0017 · 80%', 'the short form for a narrow status bar');
    assert.equal(compact.accessibilityLabel, line.accessibilityLabel, 'the accessible label keeps the full figures');
  });

  it('spins while streaming, says simulator, and has no rate before any request', () => {
    const empty = new SpendLedger();
    assert.equal(statusLine(viewOf(empty), { streaming: true, simulated: false }).text, '$(loading~spin) DeepSeek $0.00');
    assert.equal(statusLine(viewOf(empty), { streaming: true, simulated: false, compact: true }).text, '$(loading~spin) $0.00');
    const sim = statusLine(viewOf(empty), { streaming: false, simulated: true });
    assert.equal(sim.text, '$(beaker) Simulator $0.00');
    assert.equal(statusLine(viewOf(empty), { streaming: false, simulated: true, compact: true }).text, '$(beaker) $0.00');
    assert.match(sim.accessibilityLabel, /^DeepSeek \(offline simulator\): session spend \$0\.00, simulated, no money spent$/);
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
    const tooltip = statusTooltip(
      viewOf(ledger, { balance: { amounts: [{ currency: 'USD', total: 9.5 }], fetchedAt: Date.UTC(2026, 0, 1, 8, 30) } }),
      { endpoint: 'DeepSeek API', key: 'API key stored' },
      () => 60,
    );
    assert.ok(tooltip.includes('| Session | 1 | 8,000 | 2,000 | 500 | 80% | $0.0017 |'));
    // without cache: 10000×0.27 + 500×1.10 = 2700 + 550 = 3250 µ$; saved 1600 µ$
    assert.ok(tooltip.includes('Saved by the cache this session: **$0.0016** ($0.0033 without it).'));
    assert.ok(tooltip.includes('Account balance: 9.50 USD (as of 2026-01-01 09:30 (UTC+01:00)).'), tooltip);
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
    const report = reportOf(ledger);
    assert.match(report, /^# DeepSeek spend\n/);
    assert.match(report, /## Session by model\n\n.*\n.*\n\| deepseek-chat \| 1 \|.*\n\| deepseek-reasoner \| 1 \|/);
    assert.match(report, /## Session by surface.*\n\n.*\n.*\n\| chat \| 1 \|.*\n\| command \| 1 \|/);
    const recent = report.slice(report.indexOf('## Recent requests'));
    assert.ok(recent.indexOf('deepseek-reasoner') < recent.indexOf('deepseek-chat'), 'newest first');
  });
});

describe('spend summary: text extraction', () => {
  it('shows the OCR surface with its pages, the per-page price label, and counts it in the session figures', () => {
    const ledger = ledgerWith({ hit: 0, miss: 1_000_000, out: 0 });
    const label = ocrPriceLabel(0.00021);
    assert.equal(label, 'OCR $0.00021/page (estimate from 1.5 CNY per 1,000 pages)');
    ledger.record({ model: 'deepseek-ocr', provider: 'DeepSeek', surface: 'ocr', price: undefined, pages: 1204, perPage: { usd: 0.00021, label }, usage: { kind: 'reported', hitTokens: 0, missTokens: 0, outputTokens: 0 } });
    ledger.record({ model: 'deepseek-ocr', provider: 'DeepSeek', surface: 'ocr', price: undefined, pages: 1, perPage: { usd: 0.00021, label }, usage: { kind: 'reported', hitTokens: 0, missTokens: 0, outputTokens: 0 } });
    const report = reportOf(ledger);
    assert.match(report, /\| OCR \(documents\), 1,205 pages \| 2 \| 0 \| 0 \| 0 \| — \| \$0\.25 \|/);
    assert.match(report, /\| ocr \(1 page\) \|.*\| OCR \$0\.00021\/page \(estimate from 1\.5 CNY per 1,000 pages\) \|/);
    assert.match(report, /\| ocr \(1,204 pages\) \|/);
    assert.match(report, /\| Session \| 3 \|.*\| \$0\.52 \|/, 'in the session total with the chat request');
    assert.equal(ocrPriceLabel(0.0003), 'OCR $0.00030/page (deepseek.ocr.pricePerPage)');
  });
});

describe('spend summary: VS Code language-model requests', () => {
  it('a recent lm request names the extension that asked; a caller is kept through the ledger\'s own parse', () => {
    const ledger = ledgerWith({ hit: 0, miss: 100, out: 10 });
    const record = ledger.record({ model: 'deepseek-flash', provider: 'DeepSeek', surface: 'lm', caller: 'acme.agent|x', price: undefined, usage: { kind: 'reported', hitTokens: 0, missTokens: 10, outputTokens: 1 } });
    assert.equal(record.caller, 'acme.agent|x');
    assert.equal(parseSpendRecord(JSON.parse(JSON.stringify(record)))?.caller, 'acme.agent|x');
    assert.equal(parseSpendRecord({ ...record, caller: 42 }), undefined, 'a caller that is not text is not a record');
    const report = reportOf(ledger);
    assert.match(report, /\| lm \(acme\.agent x\) \|/, 'named, and no cell break from the name');
    assert.match(report, /\| chat \| 0 \|/);
  });
});

describe('spend summary wording: local times in Show Spend', () => {
  // The ledger's requests are at 12:00:01 and 12:00:02 UTC on 2026-11-25; the report is generated at 13:00 UTC.
  const ledger = () => ledgerWith({ hit: 100, miss: 100, out: 10 }, { hit: 0, miss: 50, out: 5 });

  it('shows every time as local time with its UTC offset (an offset east of UTC)', () => {
    const report = reportOf(ledger(), undefined, { offsetAt: () => 60 });
    assert.match(report, /^Generated 2026-11-25 14:00 \(UTC\+01:00\)\. Session started 2026-11-25 13:00 \(UTC\+01:00\)\.$/m);
    assert.match(report, /\| time \(local\) \|/);
    assert.match(report, /^\| 2026-11-25 13:00:02 \(UTC\+01:00\) \| deepseek-chat \|/m);
    assert.doesNotMatch(report, / UTC\)?\.| \(UTC\) /, 'no bare UTC time is left');
  });

  it('west of UTC, past midnight and with half-hour offsets', () => {
    const west = reportOf(ledger(), undefined, { offsetAt: () => -13 * 60 });
    assert.match(west, /^Generated 2026-11-25 00:00 \(UTC-13:00\)\. Session started 2026-11-24 23:00 \(UTC-13:00\)\.$/m, 'the day before, locally');
    const india = reportOf(ledger(), undefined, { offsetAt: () => 330 });
    assert.match(india, /^Generated 2026-11-25 18:30 \(UTC\+05:30\)\./m);
    const utc = reportOf(ledger(), undefined, { offsetAt: () => 0 });
    assert.match(utc, /^Generated 2026-11-25 13:00 \(UTC\+00:00\)\./m);
  });

  it('formats an instant at a given offset, east or west, with or without seconds', () => {
    const at = Date.UTC(2026, 11, 2, 15, 5, 7);
    assert.equal(formatLocalTime(at, () => 60), '2026-12-02 16:05 (UTC+01:00)');
    assert.equal(formatLocalTime(at, () => -210, { seconds: true }), '2026-12-02 11:35:07 (UTC-03:30)');
    assert.equal(formatLocalTime(at, () => 0), '2026-12-02 15:05 (UTC+00:00)');
    assert.equal(formatUtcOffset(-0), 'UTC+00:00');
    assert.equal(formatLocalTime(at), formatLocalTime(at, localOffsetMinutes), "the default is this machine's zone");
  });

  it('asks the offset for each moment (a daylight-saving change between two times)', () => {
    const asked: number[] = [];
    const report = reportOf(ledger(), undefined, { offsetAt: (ms) => (asked.push(ms), ms >= Date.UTC(2026, 10, 25, 12, 30) ? 60 : 120) });
    assert.match(report, /^Generated 2026-11-25 14:00 \(UTC\+01:00\)\. Session started 2026-11-25 14:00 \(UTC\+02:00\)\.$/m);
    assert.ok(asked.includes(Date.UTC(2026, 10, 25, 13, 0, 0)));
  });

  it('keeps the balance time local as well, in the report and the tooltip', () => {
    const balance = { amounts: [{ currency: 'USD', total: 9.5 }], fetchedAt: Date.UTC(2026, 11, 2, 15, 5) };
    const view = viewOf(ledger(), { balance });
    assert.match(reportOf(ledger(), view, { offsetAt: () => 60 }), /Account balance: 9\.50 USD \(fetched 2026-12-02 16:05 \(UTC\+01:00\)\)\./);
    assert.match(statusTooltip(view, { endpoint: 'x', key: 'y' }, () => 60), /as of 2026-12-02 16:05 \(UTC\+01:00\)/);
  });
});

describe('spend summary wording: the offline simulator\'s ledger', () => {
  it("names a simulated report as the simulator's and shows DeepSeek's totals apart", () => {
    const simulator = ledgerWith({ hit: 100, miss: 100, out: 10 });
    const deepseek = ledgerWith({ hit: 0, miss: 1_000_000, out: 0 });
    const report = reportOf(simulator, viewOf(simulator, { simulated: true }), {
      endpoint: 'http://127.0.0.1:8130',
      apart: { simulated: false, session: deepseek.session, today: deepseek.today, allTime: deepseek.allTime },
      offsetAt: () => 0,
    });
    assert.match(report, /^# Offline simulator spend \(simulated, not DeepSeek\)\n/);
    assert.match(report, /^Requests went to the bundled offline simulator at http:\/\/127\.0\.0\.1:8130, not to DeepSeek: .*no money was spent/m);
    assert.match(report, /## DeepSeek \(kept apart\)\n\n.*\n\n.*\n.*\n\| Session \| 1 \| 0 \| 1,000,000 \| 0 \| 0% \| \$0\.27 \|/);
    assert.doesNotMatch(report.slice(0, report.indexOf('## DeepSeek (kept apart)')), /\$0\.27/, "DeepSeek's spend is in no figure of the simulator's");
  });

  it("keeps the simulator's totals apart from DeepSeek's report, naming it as the simulator", () => {
    const deepseek = ledgerWith({ hit: 0, miss: 1_000_000, out: 0 });
    const simulator = ledgerWith({ hit: 100, miss: 100, out: 10 });
    const report = reportOf(deepseek, viewOf(deepseek), { apart: { simulated: true, session: simulator.session, today: simulator.today, allTime: simulator.allTime } });
    assert.match(report, /^# DeepSeek spend\n/);
    const totals = report.slice(report.indexOf('## Totals'), report.indexOf('## Offline simulator (kept apart)'));
    assert.match(totals, /\| Session \| 1 \| 0 \| 1,000,000 \| 0 \| 0% \| \$0\.27 \|/, 'only DeepSeek\'s request in DeepSeek\'s totals');
    assert.match(report, /## Offline simulator \(kept apart\)\n\nSpend recorded while requests went to the bundled offline simulator\..*not to DeepSeek.*none of it counts in DeepSeek's totals/);
  });

  it('the tooltip says the figures are simulated, and the balance is play money', () => {
    const simulator = ledgerWith({ hit: 100, miss: 100, out: 10 });
    const tooltip = statusTooltip(viewOf(simulator, { simulated: true, balance: { amounts: [{ currency: 'USD', total: 10 }], fetchedAt: 0 } }), { endpoint: 'Offline simulator at …', key: 'k' }, () => 0);
    assert.match(tooltip, /^\*\*DeepSeek Assistant — offline simulator spend \(simulated, not DeepSeek\)\*\*/);
    assert.match(tooltip, /Simulated balance \(play money\): 10\.00 USD/);
    assert.doesNotMatch(tooltip, /Account balance/);
  });
});

describe('spend summary wording: unpriced requests and providers', () => {
  const noUnpriced = { requests: 3, costUsd: 0.0031, unpricedRequests: 0 };

  it('says how many requests of a total were unpriced, never a bare $0', () => {
    assert.equal(formatSpend(noUnpriced), '$0.0031');
    assert.equal(formatSpend({ ...noUnpriced, unpricedRequests: 2 }), '$0.0031 + 2 unpriced requests');
    assert.equal(formatSpend({ requests: 1, costUsd: 0, unpricedRequests: 1 }), '1 unpriced request');
    assert.equal(formatSpend({ requests: 2, costUsd: 0, unpricedRequests: 2 }), '2 unpriced requests');
    assert.equal(formatSpend({ requests: 2, costUsd: 0, unpricedRequests: 1 }), '$0.00 + 1 unpriced request', 'a priced request may cost $0.00');
  });

  it("shows an unpriced record's cost as unpriced", () => {
    assert.equal(formatRecordCost({ costUsd: 0, estimated: false, unpriced: true }), 'unpriced');
    assert.equal(formatRecordCost({ costUsd: 0, estimated: true, unpriced: true }), 'unpriced (est.)');
    assert.equal(formatRecordCost({ costUsd: 0.0042, estimated: false }), '$0.0042');
    assert.equal(formatRecordCost({ costUsd: 0, estimated: false }), '$0.00', 'a priced record at zero is zero');
  });

  it('status line: adds the unpriced count, so a session of unpriced requests never reads $0.00 alone', () => {
    const only = ledgerWith({ hit: 0, miss: 10, out: 10, provider: 'Backup' });
    const line = statusLine(serviceView(only, { fallbackProvider: 'Backup' }), { streaming: false, simulated: false });
    assert.equal(line.text, 'DeepSeek $0.00 +1 unpriced · 0% cached · via Backup');
    assert.equal(statusLine(serviceView(only, { fallbackProvider: 'Backup' }), { streaming: false, simulated: false, compact: true }).text, '$(sparkle) $0.00 +1 unpriced · 0% via Backup');
    assert.match(line.accessibilityLabel, /session spend \$0\.00 plus 1 unpriced request,/);
    const mixed = ledgerWith({ hit: 8000, miss: 2000, out: 500 }, { hit: 0, miss: 10, out: 10, provider: 'Backup' }, { hit: 0, miss: 10, out: 10, provider: 'Backup' });
    assert.match(statusLine(serviceView(mixed), { streaming: false, simulated: false }).text, /^DeepSeek \$0\.0017 \+2 unpriced · /);
    assert.doesNotMatch(statusLine(viewOf(ledgerWith({ hit: 1, miss: 1, out: 1 })), { streaming: false, simulated: false }).text, /unpriced/);
  });

  it('tooltip: totals with their unpriced requests, how many and from which providers', () => {
    const ledger = ledgerWith(
      { hit: 8000, miss: 2000, out: 500 },
      { hit: 0, miss: 10, out: 10, provider: 'Backup' },
      { hit: 0, miss: 10, out: 10, provider: 'Backup' },
      { hit: 0, miss: 10, out: 10, provider: 'Other' },
    );
    const tooltip = statusTooltip(serviceView(ledger, { budgetUsd: 1 }), { endpoint: 'DeepSeek API', key: 'API key stored' });
    assert.ok(tooltip.includes('| Session | 4 | 8,000 | 2,030 | 530 | 80% | $0.0017 + 3 unpriced requests |'), tooltip);
    assert.ok(tooltip.includes('3 unpriced requests this session (Backup and Other) had no price: their cost is not in these figures or the session budget.'), tooltip);
    const priced = statusTooltip(viewOf(ledgerWith({ hit: 1, miss: 1, out: 1 })), { endpoint: 'DeepSeek API', key: 'API key stored' });
    assert.doesNotMatch(priced, /unpriced|no price/);
  });

  it("tooltip: a fallback's request is not described with DeepSeek's price setting", () => {
    const ledger = ledgerWith({ hit: 0, miss: 10, out: 10, provider: 'Backup', model: 'gpt-x' });
    const tooltip = statusTooltip(serviceView(ledger, { fallbackProvider: 'Backup' }), { endpoint: 'DeepSeek API', key: 'API key stored' });
    assert.ok(tooltip.includes("Prices: Backup's own, from its `pricing` in `deepseek.fallbackProviders` (USD per 1M tokens). Last request: no price for gpt-x."), tooltip);
    assert.doesNotMatch(tooltip, /deepseek\.pricing/);
  });

  it('report: a session section by provider (requests, tokens, cost or unpriced, estimated), and unpriced records', () => {
    const ledger = ledgerWith(
      { hit: 100, miss: 100, out: 10 },
      { hit: 0, miss: 50, out: 5, provider: 'Backup', model: 'gpt-x', estimated: true },
      { hit: 0, miss: 50, out: 5, provider: 'Backup', model: 'gpt-x' },
    );
    const report = reportOf(ledger, serviceView(ledger));
    const section = report.slice(report.indexOf('## Session by provider'), report.indexOf('## Session by model'));
    assert.deepEqual(section.trim().split('\n').slice(2), [
      '| | requests | cache hit | cache miss | output | hit rate | cost | estimated |',
      '|---|---:|---:|---:|---:|---:|---:|---:|',
      '| Backup | 2 | 0 | 110 | 11 | 0% | 2 unpriced requests | 1 |', // 200 characters sent → 60 tokens, estimated
      '| DeepSeek | 1 | 100 | 100 | 10 | 50% | $0.000045 | 0 |',
    ]);
    assert.ok(report.includes('| Session | 3 | 100 | 210 | 21 | 32% | $0.000045 + 2 unpriced requests |'));
    const recent = report.slice(report.indexOf('## Recent requests'));
    assert.match(recent, /\| gpt-x \| Backup \| chat \| 0 \| 50 \| 5 \(0\) \| unpriced \| no price for gpt-x \|/);
    assert.match(recent, /\| unpriced \(est\.\) \| no price for gpt-x \|/);
    assert.doesNotMatch(report.slice(report.indexOf('## Session by provider')), /Backup[^\n]*\$0\.00[^0-9]/, 'no $0 for the unpriced provider');
    assert.match(report, /Unpriced requests went to a model no price table covers/);
  });
});
