import * as assert from 'assert/strict';
import { existsSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import { formatUsd } from '../../src/core/money';
import type { LoggedRequest } from '../fake-deepseek/types';
import { activateExtension, fakeServer, ledgerDir, segmentsText, waitFor, waitForNotice } from './helpers';

/**
 * DeepSeek's off-peak rates (README, "Models and prices"), USD per 1M tokens, written out independently of the
 * code and pinned in the user settings without time windows: these figures do not depend on the wall clock.
 */
const PINNED_PRICES = {
  'deepseek-flash': { hit: 0.003, miss: 0.15, output: 0.6 },
  'deepseek-v4-pro': { hit: 0.022, miss: 0.66, output: 1.98 },
} as const;

const PINNED_TABLE = Object.fromEntries(
  Object.entries(PINNED_PRICES).map(([model, p]) => [model, { cacheHit: p.hit, cacheMiss: p.miss, output: p.output }]),
);

function expectedCost(model: keyof typeof PINNED_PRICES, hit: number, miss: number, output: number): number {
  const p = PINNED_PRICES[model];
  return (hit * p.hit + miss * p.miss + output * p.output) / 1_000_000;
}

describe('spend readout in the status bar', () => {
  const fake = fakeServer();
  const config = () => vscode.workspace.getConfiguration('deepseek');

  before(async () => {
    await activateExtension();
    await config().update('pricing', PINNED_TABLE, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-spend-tests-0001');
  });

  beforeEach(async () => {
    await fake.reset();
    await vscode.commands.executeCommand(CommandIds.resetSessionSpend);
  });

  after(async () => {
    await config().update('budget.session', undefined, vscode.ConfigurationTarget.Global);
    await config().update('pricing', undefined, vscode.ConfigurationTarget.Global);
    await config().update('models.reasoner', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await fake.reset();
  });

  async function lastChat(): Promise<LoggedRequest & { usage: { hit: number; miss: number } }> {
    const chats = (await fake.requests()).filter((r) => r.route === '/chat/completions');
    const last = chats.at(-1);
    assert.ok(last?.cache, 'the fake server logged the request with its cache result');
    return { ...last, usage: last.cache };
  }

  it('prices a request by the table in the user settings and shows it in the status bar and tooltip', async () => {
    const api = await activateExtension();
    const system = 'You are a meticulous reviewer of TypeScript code. '.repeat(40);
    await fake.configure({ replies: [{ content: 'First answer.' }, { content: 'Second answer.' }] });

    const first = await api.ask(`${system}\nQuestion one`);
    assert.equal(first?.content, 'First answer.');
    assert.ok(first?.usage);
    const one = await lastChat();
    assert.equal(first.usage.hitTokens, one.usage.hit);
    assert.equal(first.usage.missTokens, one.usage.miss);

    const second = await api.ask(`${system}\nQuestion two`);
    assert.ok(second?.usage && second.usage.hitTokens > 0, 'the shared prefix hits the cache the second time');

    const cost =
      expectedCost('deepseek-flash', first.usage.hitTokens, first.usage.missTokens, first.usage.outputTokens) +
      expectedCost('deepseek-flash', second.usage.hitTokens, second.usage.missTokens, second.usage.outputTokens);
    const hit = first.usage.hitTokens + second.usage.hitTokens;
    const miss = first.usage.missTokens + second.usage.missTokens;
    const output = first.usage.outputTokens + second.usage.outputTokens;
    const rate = Math.round((hit / (hit + miss)) * 100);

    const status = await waitFor('the status bar to show two requests', () => {
      const s = api.statusBar();
      return s.tooltip.includes('| Session | 2 |') ? s : undefined;
    });
    // The fake is a local endpoint that is not the simulator (it sends no simulator header): DeepSeek's ledger.
    assert.equal(status.text, `DeepSeek ${formatUsd(cost)} · ${rate}% cached`);
    assert.match(status.accessibilityLabel, new RegExp(`^DeepSeek: session spend \\${formatUsd(cost)}, cache-hit rate ${rate}%`));
    assert.match(status.tooltip, /Endpoint: Local endpoint at http:\/\/127\.0\.0\.1:\d+\n/);
    assert.ok(status.tooltip.includes(`| Session | 2 | ${hit.toLocaleString('en-US')} | ${miss.toLocaleString('en-US')} | ${output.toLocaleString('en-US')} | ${rate}% | ${formatUsd(cost)} |`), status.tooltip);
    const noCache = expectedCost('deepseek-flash', 0, hit + miss, output);
    assert.ok(status.tooltip.includes(`Saved by the cache this session: **${formatUsd(noCache - cost)}**`), status.tooltip);
    assert.ok(
      status.tooltip.includes('Prices: prices from deepseek.pricing, USD per 1M tokens (`deepseek.pricing`): deepseek-flash standard at all times. Last request priced at deepseek-flash standard.'),
      status.tooltip,
    );
    assert.equal(status.command, CommandIds.showSpend);
    assert.ok(cost > 0 && formatUsd(cost) !== '$0.00', 'small amounts show non-zero digits');
  });

  it('prices the reasoner on Pro by its own row, reasoning billed as output', async () => {
    const api = await activateExtension();
    await config().update('models.reasoner', 'deepseek-v4-pro', vscode.ConfigurationTarget.Global);
    await fake.configure({ replies: [{ reasoning: 'Let me think this through in detail.', content: 'Done.' }] });
    const result = await api.ask('Why?', { role: 'reasoner' });
    assert.equal(result?.model, 'deepseek-v4-pro');
    assert.ok(result?.usage && result.usage.reasoningTokens > 0);
    const cost = expectedCost('deepseek-v4-pro', result.usage.hitTokens, result.usage.missTokens, result.usage.outputTokens);
    await waitFor('the reasoner cost', () => (Math.abs(api.spend().session.costUsd - cost) < 1e-12 ? true : undefined));
    await waitFor('the Pro price in the tooltip', () => (api.statusBar().tooltip.includes('Last request priced at deepseek-v4-pro standard.') ? true : undefined));
    await config().update('models.reasoner', undefined, vscode.ConfigurationTarget.Global);
  });

  it("names DeepSeek's table, the rate that applies now and when it changes (either window: the test does not pick the hour)", async () => {
    const api = await activateExtension();
    await config().update('pricing', undefined, vscode.ConfigurationTarget.Global);
    try {
      const result = await api.ask('priced at whichever rate applies now');
      assert.ok(result?.usage);
      const tooltip = await waitFor("the default table's name and this request's price in the tooltip", () => {
        const t = api.statusBar().tooltip;
        return t.includes('Prices: DeepSeek prices as of 2026-11') && t.includes('Last request priced at deepseek-flash') ? t : undefined;
      });
      assert.match(tooltip, /DeepSeek prices as of 2026-11, USD per 1M tokens \(`deepseek\.pricing`\): deepseek-flash (off-peak|peak) until ((Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day )?\d\d:\d\d UTC\. Last request priced at deepseek-flash (off-peak|peak \((01:00–04:00|06:00–10:00) UTC, Mon–Fri\))\./);
      const record = api.spend();
      const peak = /Last request priced at deepseek-flash peak/.test(tooltip);
      const rates = peak ? { hit: 0.006, miss: 0.3, output: 1.2 } : PINNED_PRICES['deepseek-flash'];
      const cost = (result.usage.hitTokens * rates.hit + result.usage.missTokens * rates.miss + result.usage.outputTokens * rates.output) / 1e6;
      assert.ok(Math.abs(record.session.costUsd - cost) < 1e-12, `${record.session.costUsd} vs ${cost} (${peak ? 'peak' : 'off-peak'})`);
    } finally {
      await config().update('pricing', PINNED_TABLE, vscode.ConfigurationTarget.Global);
    }
  });

  it('spins while a request streams', async () => {
    const api = await activateExtension();
    await fake.configure({ replies: [{ content: 'slow '.repeat(60) }], chunkDelayMs: 15 });
    const pending = api.ask('slowly please');
    await waitFor('a spinner', () => (api.statusBar().text.startsWith('$(loading~spin)') ? true : undefined));
    await pending;
    await waitFor('the spinner to stop', () => (api.statusBar().text.startsWith('DeepSeek $') ? true : undefined));
  });

  it('estimates a broken stream, marks it, and keeps today and all-time on Reset Session Spend', async () => {
    const api = await activateExtension();
    await fake.configure({ replies: [{ content: 'partial answer that breaks' }], chunkDelayMs: 10 });
    await fake.injectFault({ kind: 'drop', afterChunks: 2 });
    const result = await api.ask('break please');
    assert.equal(result?.partial, true);
    assert.equal(result?.usage, undefined);
    const view = await waitFor('an estimated request', () => (api.spend().session.estimatedRequests === 1 ? api.spend() : undefined));
    assert.ok(view.session.costUsd > 0);
    await waitFor('the estimate noted in the tooltip', () => (/1 request\(s\) priced from estimated tokens/.test(api.statusBar().tooltip) ? true : undefined));
    const todayBefore = view.today.costUsd;
    const allBefore = view.allTime.costUsd;
    await vscode.commands.executeCommand(CommandIds.resetSessionSpend);
    const after = api.spend();
    assert.equal(after.session.requests, 0);
    assert.equal(after.today.costUsd, todayBefore);
    assert.equal(after.allTime.costUsd, allBefore);
    await waitFor('the status bar to show $0.00', () => (api.statusBar().text === 'DeepSeek $0.00' ? true : undefined));
  });

  it('colours the status bar near and past the session budget', async () => {
    const api = await activateExtension();
    await api.ask('something to pay for');
    const spent = await waitFor('spend', () => (api.spend().session.costUsd > 0 ? api.spend().session.costUsd : undefined));
    await config().update('budget.session', spent * 1.1, vscode.ConfigurationTarget.Global);
    await waitFor('warning level', () => (api.statusBar().level === 'warning' ? true : undefined));
    assert.match(api.statusBar().accessibilityLabel, /budget/);
    await config().update('budget.session', spent / 2, vscode.ConfigurationTarget.Global);
    await waitFor('error level', () => (api.statusBar().level === 'error' ? true : undefined));
    await config().update('budget.session', undefined, vscode.ConfigurationTarget.Global);
    await waitFor('normal level', () => (api.statusBar().level === 'normal' ? true : undefined));
  });

  it('fetches the balance for the tooltip, not on every request', async () => {
    const api = await activateExtension();
    await api.ask('one');
    await api.ask('two');
    await waitFor('the balance in the tooltip', () => (api.statusBar().tooltip.includes('Account balance: 10.00 USD') ? true : undefined));
    const balanceCalls = (await fake.requests()).filter((r) => r.route === '/user/balance');
    assert.ok(balanceCalls.length <= 1, `balance fetched ${balanceCalls.length} times for two requests`);
  });

  it('Show Spend opens a readable breakdown per model and surface with recent requests', async () => {
    const api = await activateExtension();
    await api.ask('for the report');
    await vscode.commands.executeCommand(CommandIds.showSpend);
    // A copy opened by an earlier test may still show that test's session until it is re-rendered.
    const text = await waitFor('the spend document to show this session', () => {
      const current = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'deepseek-spend')?.getText();
      return current && /## Session by surface[\s\S]*\| chat \| 1 \|/.test(current) ? current : undefined;
    }, 20_000).catch((err: Error) => {
      throw new Error(`${err.message}: ${vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'deepseek-spend')?.getText() ?? '(no document)'}`);
    });
    assert.match(text, /^# DeepSeek spend/);
    assert.match(text, /## Session by model[\s\S]*\| deepseek-flash \| 1 \|/);
    assert.match(text, /## Session by surface[\s\S]*\| chat \| 1 \|/);
    assert.match(text, /## Recent requests[\s\S]*\| deepseek-flash \| DeepSeek \| chat \|[\s\S]*\| deepseek-flash standard \|/);
  });

  it("keeps this window's spend on disk and adds another window's to the status bar, once", async () => {
    const api = await activateExtension();
    const mine = await api.ask('for the shared ledger');
    assert.ok(mine?.usage);
    const dir = await waitFor('the shared ledger folder', ledgerDir);
    await waitFor("this window's record in its log", () => (segmentsText(dir).includes(`"missTokens":${mine.usage?.missTokens}`) ? true : undefined));
    const before = await waitFor('one request this session', () => (api.spend().session.requests === 1 ? api.spend() : undefined));

    // Another window's records, as it writes them; the first one twice (a write it retried), in two files.
    const now = Date.now();
    const record = (id: string, missTokens: number) => JSON.stringify({
      type: 'record', id, at: now, model: 'deepseek-flash', provider: 'DeepSeek', surface: 'command',
      hitTokens: 0, missTokens, outputTokens: 0, reasoningTokens: 0, costUsd: (missTokens * 0.15) / 1e6, noCacheUsd: (missTokens * 0.15) / 1e6,
      estimated: false, priceLabel: 'deepseek-flash off-peak',
    });
    writeFileSync(path.join(dir, `seg-${now.toString(36)}-0123456789abcdef.jsonl`), `${record(`other-${now}-1`, 1_000_000)}\n`);
    writeFileSync(path.join(dir, `seg-${(now + 1).toString(36)}-fedcba9876543210.jsonl`), `${record(`other-${now}-1`, 1_000_000)}\n${record(`other-${now}-2`, 100_000)}\n`);

    const after = await waitFor("the other window's spend", () => (api.spend().session.requests >= 3 ? api.spend() : undefined));
    assert.equal(after.session.requests, 3, 'the record written twice counts once');
    assert.ok(Math.abs(after.session.costUsd - (before.session.costUsd + 0.165)) < 1e-12, `${after.session.costUsd}`);
    assert.equal(after.allTime.requests, before.allTime.requests + 2);
    await waitFor('the status bar to show the union', () => (api.statusBar().text.includes(formatUsd(after.session.costUsd)) ? true : undefined));
  });

  it("keeps the offline simulator's spend in a ledger of its own: never in DeepSeek's totals, budget or Show Spend", async () => {
    const api = await activateExtension();
    /** Show Spend's text once it starts with `heading` (the open document follows the ledgers' changes). */
    const showSpend = async (heading: string) => {
      await vscode.commands.executeCommand(CommandIds.showSpend);
      return waitFor(`Show Spend headed ${heading}`, () => {
        const text = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'deepseek-spend')?.getText();
        return text?.startsWith(heading) ? text : undefined;
      });
    };
    const real = await api.ask('to DeepSeek (a local endpoint that is not the simulator)');
    assert.ok(real?.record);
    const deepseekBefore = await waitFor("DeepSeek's request", () => (api.spend().session.requests === 1 ? api.spend() : undefined));
    assert.equal(deepseekBefore.simulated, undefined);

    await fake.configure({ simulator: true });
    let simulatedCost = 0;
    try {
      const simulated = await api.ask('to the offline simulator');
      assert.ok(simulated?.record && simulated.record.costUsd > 0);
      simulatedCost = simulated.record.costUsd;
      // The figures shown are the simulator's own: only its request, named as the simulator's.
      const view = await waitFor("the simulator's ledger shown", () => (api.spend().simulated ? api.spend() : undefined));
      assert.equal(view.session.requests, 1, "the simulator's one request, nothing of DeepSeek's");
      assert.equal(view.session.costUsd, simulated.record.costUsd);
      const status = await waitFor('the status bar to say simulator', () => (api.statusBar().text.startsWith('$(beaker) Simulator $') ? api.statusBar() : undefined));
      assert.match(status.accessibilityLabel, /^DeepSeek \(offline simulator\): session spend .*simulated, no money spent/);
      assert.match(status.tooltip, /Endpoint: Offline simulator at http:\/\/127\.0\.0\.1:\d+ — requests do not reach DeepSeek/);
      const chat = await api.chatState();
      assert.equal(chat.simulated, true);
      assert.match(chat.endpointLabel, /^Offline simulator at /);
      const report = await showSpend('# Offline simulator spend (simulated, not DeepSeek)');
      assert.match(report, new RegExp(`## DeepSeek \\(kept apart\\)[\\s\\S]*\\| Session \\| 1 \\| [^\\n]*\\| ${formatUsd(deepseekBefore.session.costUsd).replace('$', '\\$')} \\|`));
      // On disk: a directory of its own beside DeepSeek's.
      const dir = await waitFor('the shared ledger folder', ledgerDir);
      const simulatorDir = path.join(dir, '..', 'spend-simulator');
      await waitFor("the simulator's record in its own log", () => (existsSync(simulatorDir) && segmentsText(simulatorDir).includes(simulated.record!.id) ? true : undefined));
      assert.doesNotMatch(segmentsText(dir), new RegExp(simulated.record.id), "not in DeepSeek's log");
    } finally {
      await fake.configure({ simulator: false });
    }

    // The next response has no header: DeepSeek's ledger again, with only DeepSeek's requests in it.
    const again = await api.ask('to DeepSeek again');
    assert.ok(again?.record);
    const after = await waitFor("DeepSeek's ledger shown again", () => (!api.spend().simulated && api.spend().session.requests === 2 ? api.spend() : undefined));
    assert.ok(Math.abs(after.session.costUsd - (deepseekBefore.session.costUsd + again.record.costUsd)) < 1e-12, "DeepSeek's two requests, not the simulator's");
    assert.ok(Math.abs(after.allTime.costUsd - (deepseekBefore.allTime.costUsd + again.record.costUsd)) < 1e-12);
    await waitFor('the status bar to say DeepSeek', () => (api.statusBar().text.startsWith('DeepSeek $') ? true : undefined));
    const report = await showSpend('# DeepSeek spend');
    assert.match(report, /## Offline simulator \(kept apart\)\n\nSpend recorded while requests went to the bundled offline simulator/);
    // The budget counts DeepSeek's session only: with the simulator's spend it would be past this one.
    await config().update('budget.session', after.session.costUsd + simulatedCost / 2, vscode.ConfigurationTarget.Global);
    try {
      await waitFor('the budget to apply', () => (api.statusBar().level !== 'normal' || api.statusBar().tooltip.includes('Session budget') ? true : undefined));
      assert.notEqual(api.statusBar().level, 'error', api.statusBar().accessibilityLabel);
    } finally {
      await config().update('budget.session', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('says what to do when the key is rejected, and bills nothing', async () => {
    const api = await activateExtension();
    await fake.configure({ apiKey: 'sk-only-this-one' });
    const before = api.spend().allTime.requests;
    const since = Date.now();
    const result = await api.ask('rejected?');
    assert.equal(result?.failure?.kind, 'auth');
    const notice = await waitForNotice(api, /rejected the API key/, since);
    assert.deepEqual(notice.actions, ['Set API Key']);
    assert.equal(api.spend().allTime.requests, before);
  });

  it('names the available models when the configured one does not exist and none of them can stand in, and bills nothing', async () => {
    const api = await activateExtension();
    // An endpoint serving only a model of another family: no equivalent to pick, so nothing is retried.
    await fake.configure({ models: ['other-vendor-model'] });
    await config().update('models.chat', 'my-custom-model', vscode.ConfigurationTarget.Global);
    const keySet = Date.now();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-spend-tests-0001'); // reads this endpoint's list
    await waitForNotice(api, /saved and accepted/, keySet);
    try {
      const before = api.spend().allTime.requests;
      const since = Date.now();
      const result = await api.ask('which model?');
      assert.equal(result?.failure?.kind, 'model');
      const notice = await waitForNotice(api, /my-custom-model/, since);
      assert.match(notice.message, /The supported API model names are other-vendor-model, but you passed my-custom-model\..* The API lists: other-vendor-model\. Choose one in the DeepSeek model settings\./);
      assert.deepEqual(notice.actions, ['Open Settings']);
      assert.equal((await fake.requests()).filter((r) => r.route === '/chat/completions').length, 1, 'not retried');
      assert.equal(api.spend().allTime.requests, before);
    } finally {
      await config().update('models.chat', undefined, vscode.ConfigurationTarget.Global);
      await fake.reset();
      await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-spend-tests-0001');
    }
  });
});
