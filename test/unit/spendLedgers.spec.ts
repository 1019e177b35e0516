import * as assert from 'assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { EndpointIdentity } from '../../src/core/endpointIdentity';
import { MemoryLogger } from '../../src/core/logger';
import { DEEPSEEK_PRICES_2025, resolvePrice } from '../../src/core/pricing';
import type { RecordInput } from '../../src/core/spendLedger';
import { SpendLedgers } from '../../src/spend/spendLedgers';
import v1Fixture from './spendLedgerV1.fixture.json';

const price = resolvePrice(DEEPSEEK_PRICES_2025, 'deepseek-chat', new Date())!;
/** $0.27: 1M prompt tokens, all missed. */
const DOLLAR_27: RecordInput = { model: 'deepseek-chat', provider: 'DeepSeek', surface: 'chat', price, usage: { kind: 'reported', hitTokens: 0, missTokens: 1_000_000, outputTokens: 0 } };
/** $0.54. */
const DOLLAR_54: RecordInput = { ...DOLLAR_27, usage: { kind: 'reported', hitTokens: 0, missTokens: 2_000_000, outputTokens: 0 } };

const SIMULATOR = 'http://127.0.0.1:8130';
const DEEPSEEK = 'https://api.deepseek.com';

describe('spend ledgers: the offline simulator\'s spend kept apart from DeepSeek\'s', function () {
  this.timeout(20_000);
  let root = '';
  const open: SpendLedgers[] = [];

  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'deepseek-ledgers-'));
  });

  afterEach(() => {
    for (const l of open.splice(0)) l.dispose();
    rmSync(root, { recursive: true, force: true });
  });

  const dirs = () => ({ deepseek: path.join(root, 'spend'), simulator: path.join(root, 'spend-simulator') });

  async function window(endpoints: EndpointIdentity, legacyV1?: () => unknown): Promise<SpendLedgers> {
    const ledgers = new SpendLedgers({ dirs: dirs(), endpoints, logger: new MemoryLogger(), watch: false, pollMs: 0, ...(legacyV1 ? { legacyV1 } : {}) });
    open.push(ledgers);
    await ledgers.open();
    return ledgers;
  }

  it('records what the simulator answered in its own ledger, and nothing of it in DeepSeek\'s totals', async () => {
    const endpoints = new EndpointIdentity();
    const ledgers = await window(endpoints);
    ledgers.record(DOLLAR_27, DEEPSEEK);
    assert.equal(ledgers.record(DOLLAR_54, SIMULATOR).ledger, 'deepseek', 'a loopback URL alone is not the simulator');
    endpoints.observe(`${SIMULATOR}/chat/completions`, 'simulator');
    assert.equal(ledgers.record(DOLLAR_54, SIMULATOR).ledger, 'simulator');
    assert.equal(ledgers.record(DOLLAR_54, `${SIMULATOR}/v1`).ledger, 'simulator', 'the endpoint, whatever its path');
    const deepseek = ledgers.get('deepseek').ledger;
    const simulator = ledgers.get('simulator').ledger;
    assert.equal(deepseek.allTime.requests, 2);
    assert.equal(deepseek.session.costUsd, 0.81, 'DeepSeek: $0.27 and the $0.54 recorded before the simulator said what it is');
    assert.equal(deepseek.today.costUsd, 0.81);
    assert.equal(simulator.allTime.requests, 2);
    assert.equal(simulator.session.costUsd, 1.08);
    assert.equal(ledgers.nameFor(SIMULATOR), 'simulator');
    assert.equal(ledgers.nameFor(DEEPSEEK), 'deepseek');
  });

  it('keeps each ledger in its own directory, read back apart by the next window', async () => {
    const endpoints = new EndpointIdentity();
    endpoints.observe(SIMULATOR, 'simulator');
    const a = await window(endpoints);
    a.record(DOLLAR_27, DEEPSEEK);
    a.record(DOLLAR_54, SIMULATOR);
    await a.flush();
    assert.ok(readdirSync(dirs().deepseek).some((f) => f.startsWith('seg-')));
    assert.ok(readdirSync(dirs().simulator).some((f) => f.startsWith('seg-')));
    const b = await window(new EndpointIdentity());
    assert.equal(b.get('deepseek').ledger.allTime.costUsd, 0.27);
    assert.equal(b.get('simulator').ledger.allTime.costUsd, 0.54);
  });

  it('reads the version-1 history as DeepSeek\'s, never the simulator\'s', async () => {
    const ledgers = await window(new EndpointIdentity(), () => v1Fixture);
    assert.equal(ledgers.get('deepseek').ledger.allTime.requests, v1Fixture.allTime.totals.requests);
    assert.equal(ledgers.get('deepseek').ledger.allTime.costUsd, v1Fixture.allTime.totals.costUsd);
    assert.equal(ledgers.get('simulator').ledger.allTime.requests, 0);
  });

  it('resets the session of both', async () => {
    const endpoints = new EndpointIdentity();
    endpoints.observe(SIMULATOR, 'simulator');
    const ledgers = await window(endpoints);
    ledgers.record(DOLLAR_27, DEEPSEEK);
    ledgers.record(DOLLAR_27, SIMULATOR);
    ledgers.resetSession();
    assert.equal(ledgers.get('deepseek').ledger.session.requests, 0);
    assert.equal(ledgers.get('simulator').ledger.session.requests, 0);
    assert.equal(ledgers.get('deepseek').ledger.allTime.requests, 1, 'all time is kept');
  });
});
