import * as assert from 'assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import { CommandIds } from '../../src/core/commandIds';
import { formatUsd } from '../../src/core/money';
import type { LoggedRequest } from '../fake-deepseek/types';
import { EXTENSION_ID } from '../harness/paths';
import { activateExtension, fakeServer, waitFor, waitForNotice } from './helpers';

/** The shared ledger's folder: `<server data>/…/globalStorage/<extension id>/spend`, next to this test's workspace. */
function ledgerDir(): string | undefined {
  const workspace = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  if (!workspace) return undefined;
  const search = (dir: string, depth: number): string | undefined => {
    const candidate = path.join(dir, 'globalStorage', EXTENSION_ID, 'spend');
    if (existsSync(candidate)) return candidate;
    if (depth === 0) return undefined;
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      if (entry.isDirectory() && entry.name !== 'extensions' && entry.name !== 'logs') {
        const found = search(path.join(dir, entry.name), depth - 1);
        if (found) return found;
      }
    }
    return undefined;
  };
  return search(path.join(workspace, '..', 'vscode'), 4);
}

const segmentsText = (dir: string) =>
  readdirSync(dir).filter((f) => f.startsWith('seg-') && f.endsWith('.jsonl')).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('');

/** The default price table (README, "Settings"), USD per 1M tokens, written out independently of the code. */
const DEFAULT_PRICES = {
  'deepseek-chat': { hit: 0.07, miss: 0.27, output: 1.1 },
  'deepseek-reasoner': { hit: 0.14, miss: 0.55, output: 2.19 },
} as const;

function expectedCost(model: keyof typeof DEFAULT_PRICES, hit: number, miss: number, output: number): number {
  const p = DEFAULT_PRICES[model];
  return (hit * p.hit + miss * p.miss + output * p.output) / 1_000_000;
}

describe('spend readout in the status bar', () => {
  const fake = fakeServer();
  const config = () => vscode.workspace.getConfiguration('deepseek');

  before(async () => {
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, 'sk-spend-tests-0001');
  });

  beforeEach(async () => {
    await fake.reset();
    await vscode.commands.executeCommand(CommandIds.resetSessionSpend);
  });

  after(async () => {
    await config().update('budget.session', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await fake.reset();
  });

  async function lastChat(): Promise<LoggedRequest & { usage: { hit: number; miss: number } }> {
    const chats = (await fake.requests()).filter((r) => r.route === '/chat/completions');
    const last = chats.at(-1);
    assert.ok(last?.cache, 'the fake server logged the request with its cache result');
    return { ...last, usage: last.cache };
  }

  it('prices a request by the default table and shows it in the status bar and tooltip', async () => {
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
      expectedCost('deepseek-chat', first.usage.hitTokens, first.usage.missTokens, first.usage.outputTokens) +
      expectedCost('deepseek-chat', second.usage.hitTokens, second.usage.missTokens, second.usage.outputTokens);
    const hit = first.usage.hitTokens + second.usage.hitTokens;
    const miss = first.usage.missTokens + second.usage.missTokens;
    const output = first.usage.outputTokens + second.usage.outputTokens;
    const rate = Math.round((hit / (hit + miss)) * 100);

    const status = await waitFor('the status bar to show two requests', () => {
      const s = api.statusBar();
      return s.tooltip.includes('| Session | 2 |') ? s : undefined;
    });
    assert.equal(status.text, `$(beaker) ${formatUsd(cost)} · ${rate}%`);
    assert.match(status.accessibilityLabel, new RegExp(`^DeepSeek \\(offline simulator\\): session spend \\${formatUsd(cost)}, cache-hit rate ${rate}%`));
    assert.ok(status.tooltip.includes(`| Session | 2 | ${hit.toLocaleString('en-US')} | ${miss.toLocaleString('en-US')} | ${output.toLocaleString('en-US')} | ${rate}% | ${formatUsd(cost)} |`), status.tooltip);
    const noCache = expectedCost('deepseek-chat', 0, hit + miss, output);
    assert.ok(status.tooltip.includes(`Saved by the cache this session: **${formatUsd(noCache - cost)}**`), status.tooltip);
    assert.ok(status.tooltip.includes('Prices: deepseek-chat standard'), status.tooltip);
    assert.equal(status.command, CommandIds.showSpend);
    assert.ok(cost > 0 && formatUsd(cost) !== '$0.00', 'small amounts show non-zero digits');
  });

  it('prices the reasoner by its own row, reasoning billed as output', async () => {
    const api = await activateExtension();
    await fake.configure({ replies: [{ reasoning: 'Let me think this through in detail.', content: 'Done.' }] });
    const result = await api.ask('Why?', { role: 'reasoner' });
    assert.ok(result?.usage && result.usage.reasoningTokens > 0);
    const cost = expectedCost('deepseek-reasoner', result.usage.hitTokens, result.usage.missTokens, result.usage.outputTokens);
    await waitFor('the reasoner cost', () => (Math.abs(api.spend().session.costUsd - cost) < 1e-12 ? true : undefined));
    await waitFor('the reasoner price table in the tooltip', () => (api.statusBar().tooltip.includes('Prices: deepseek-reasoner standard') ? true : undefined));
  });

  it('spins while a request streams', async () => {
    const api = await activateExtension();
    await fake.configure({ replies: [{ content: 'slow '.repeat(60) }], chunkDelayMs: 15 });
    const pending = api.ask('slowly please');
    await waitFor('a spinner', () => (api.statusBar().text.startsWith('$(loading~spin)') ? true : undefined));
    await pending;
    await waitFor('the spinner to stop', () => (api.statusBar().text.startsWith('$(beaker)') ? true : undefined));
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
    await waitFor('the status bar to show $0.00', () => (api.statusBar().text === '$(beaker) $0.00' ? true : undefined));
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
    const doc = await waitFor('the spend document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'deepseek-spend'));
    const text = doc.getText();
    assert.match(text, /^# DeepSeek spend/);
    assert.match(text, /## Session by model[\s\S]*\| deepseek-chat \| 1 \|/);
    assert.match(text, /## Session by surface[\s\S]*\| chat \| 1 \|/);
    assert.match(text, /## Recent requests[\s\S]*\| deepseek-chat \| DeepSeek \| chat \|/);
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
      type: 'record', id, at: now, model: 'deepseek-chat', provider: 'DeepSeek', surface: 'command',
      hitTokens: 0, missTokens, outputTokens: 0, reasoningTokens: 0, costUsd: (missTokens * 0.27) / 1e6, noCacheUsd: (missTokens * 0.27) / 1e6,
      estimated: false, priceLabel: 'deepseek-chat standard',
    });
    writeFileSync(path.join(dir, `seg-${now.toString(36)}-0123456789abcdef.jsonl`), `${record(`other-${now}-1`, 1_000_000)}\n`);
    writeFileSync(path.join(dir, `seg-${(now + 1).toString(36)}-fedcba9876543210.jsonl`), `${record(`other-${now}-1`, 1_000_000)}\n${record(`other-${now}-2`, 100_000)}\n`);

    const after = await waitFor("the other window's spend", () => (api.spend().session.requests >= 3 ? api.spend() : undefined));
    assert.equal(after.session.requests, 3, 'the record written twice counts once');
    assert.ok(Math.abs(after.session.costUsd - (before.session.costUsd + 0.297)) < 1e-12, `${after.session.costUsd}`);
    assert.equal(after.allTime.requests, before.allTime.requests + 2);
    await waitFor('the status bar to show the union', () => (api.statusBar().text.includes(formatUsd(after.session.costUsd)) ? true : undefined));
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

  it('names the available models when the configured one does not exist', async () => {
    const api = await activateExtension();
    await config().update('models.chat', 'deepseek-v2-retired', vscode.ConfigurationTarget.Global);
    try {
      const since = Date.now();
      const result = await api.ask('which model?');
      assert.equal(result?.failure?.kind, 'model');
      const notice = await waitForNotice(api, /deepseek-v2-retired/, since);
      assert.match(notice.message, /deepseek-chat, deepseek-reasoner/);
      assert.deepEqual(notice.actions, ['Open Settings']);
    } finally {
      await config().update('models.chat', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
