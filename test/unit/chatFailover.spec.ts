import * as assert from 'assert/strict';
import type * as vscode from 'vscode';
import { ConversationStore, type StoredTurn } from '../../src/chat/conversationStore';
import {
  footerLine,
  interruptedSummary,
  parseFromHost,
  providerSwitchNotice,
  skippedNotice,
  withProviderSwitch,
  type ProviderSwitch,
  type TurnFooter,
  type TurnView,
} from '../../src/webview/protocol';

const streaming: TurnView = {
  id: 't1',
  question: 'Why?',
  role: 'reasoner',
  model: 'deepseek-flash',
  reasoning: 'Thinking about it.',
  answer: 'The first half of',
  status: 'streaming',
  context: ['src/math.ts'],
};

const dropped: ProviderSwitch = { from: 'DeepSeek', to: 'Backup', midAnswer: true, why: 'the stream broke mid-answer' };
const balance: ProviderSwitch = { from: 'DeepSeek', to: 'Backup', midAnswer: false, why: 'its balance is empty, 402' };

describe('chat failover: the notice says who answered and why', () => {
  it('names both providers, mid-answer or not', () => {
    assert.equal(providerSwitchNotice([dropped]), 'DeepSeek stopped mid-answer — answered by Backup');
    assert.equal(providerSwitchNotice([balance]), 'DeepSeek failed (its balance is empty, 402) — answered by Backup');
    assert.equal(providerSwitchNotice([{ ...dropped, from: 'Backup', to: 'Other' }]), 'Backup stopped mid-answer — answered by Other');
  });

  it('chains several switches and ends with the last provider; "switched to" when that one did not answer', () => {
    const chain = [balance, { from: 'Backup', to: 'Other', midAnswer: true, why: 'the stream broke mid-answer' }];
    assert.equal(providerSwitchNotice(chain), 'DeepSeek failed (its balance is empty, 402), then Backup stopped mid-answer — answered by Other');
    assert.equal(providerSwitchNotice([dropped], false), 'DeepSeek stopped mid-answer — switched to Backup');
    assert.equal(providerSwitchNotice([]), undefined);
  });
});

describe('chat failover: DeepSeek skipped while its breaker is open', () => {
  it('says DeepSeek was skipped and who answered; nothing when nothing was skipped', () => {
    assert.equal(skippedNotice(['DeepSeek'], 'Backup'), 'DeepSeek skipped for now (failing; see Show Provider Status) — answered by Backup');
    assert.equal(skippedNotice([], 'DeepSeek'), undefined);
  });
});

describe('chat failover: a switch mid-answer keeps what arrived and restarts the answer', () => {
  it('moves the reasoning and answer into an interrupted segment and empties them', () => {
    const after = withProviderSwitch(streaming, [dropped]);
    assert.deepEqual(after.interrupted, [{ provider: 'DeepSeek', reasoning: 'Thinking about it.', answer: 'The first half of', why: 'the stream broke mid-answer' }]);
    assert.equal(after.reasoning, '');
    assert.equal(after.answer, '');
    assert.equal(after.notice, 'DeepSeek stopped mid-answer — answered by Backup');
    assert.equal(after.status, 'streaming');
    assert.deepEqual(after.context, streaming.context, 'everything else stays');
  });

  it('a second mid-answer switch appends a segment, oldest first', () => {
    const first = withProviderSwitch(streaming, [dropped]);
    const second = { from: 'Backup', to: 'Other', midAnswer: true, why: 'the provider did not answer in time (timeout)' };
    const after = withProviderSwitch({ ...first, answer: 'Backup began' }, [dropped, second]);
    assert.deepEqual(after.interrupted?.map((s) => [s.provider, s.answer]), [['DeepSeek', 'The first half of'], ['Backup', 'Backup began']]);
    assert.equal(after.notice, 'DeepSeek stopped mid-answer, then Backup stopped mid-answer — answered by Other');
  });

  it('a switch before anything was shown only sets the notice', () => {
    const empty = { ...streaming, reasoning: '', answer: '' };
    const after = withProviderSwitch(empty, [balance]);
    assert.equal(after.interrupted, undefined);
    assert.equal(after.notice, 'DeepSeek failed (its balance is empty, 402) — answered by Backup');
    // midAnswer with nothing arrived (e.g. only a placeholder still held back): no empty segment.
    assert.deepEqual(withProviderSwitch(empty, [dropped]).interrupted, []);
  });

  it('keeps the stored turn\'s own fields (the generic keeps its type)', () => {
    const stored: StoredTurn = { ...streaming, at: 42, prompt: 'Explain it' };
    const after: StoredTurn = withProviderSwitch(stored, [dropped]);
    assert.equal(after.at, 42);
    assert.equal(after.prompt, 'Explain it');
  });
});

describe('chat failover: footer and summary wording', () => {
  const footer: TurnFooter = { model: 'deepseek-flash', hitTokens: 1200, missTokens: 30, outputTokens: 45, cost: '$0.0004', estimated: false };

  it('DeepSeek\'s footer is unchanged; a fallback\'s names it first', () => {
    assert.equal(footerLine(footer), 'deepseek-flash · 1,200 cached / 30 uncached / 45 output tokens · $0.0004');
    assert.equal(footerLine({ ...footer, estimated: true }), 'deepseek-flash · 1,200 cached / 30 uncached / 45 output tokens · $0.0004 (estimated)');
    assert.equal(footerLine({ ...footer, provider: 'Backup', model: 'backup-chat' }), 'Backup · backup-chat · 1,200 cached / 30 uncached / 45 output tokens · $0.0004');
  });

  it('an unpriced record says unpriced, never a dollar amount', () => {
    const unpriced: TurnFooter = { ...footer, provider: 'Backup', model: 'backup-chat', cost: '$0.00', unpriced: true };
    assert.equal(footerLine(unpriced), 'Backup · backup-chat · 1,200 cached / 30 uncached / 45 output tokens · unpriced');
    assert.doesNotMatch(footerLine({ ...unpriced, estimated: true }), /\$/);
    assert.match(footerLine({ ...unpriced, estimated: true }), /unpriced \(tokens estimated\)$/);
  });

  it('the interrupted summary says how much arrived', () => {
    assert.equal(interruptedSummary({ provider: 'DeepSeek', reasoning: '', answer: 'one\ntwo', why: 'x' }), 'What arrived — answer: 7 characters, 2 lines');
    assert.equal(
      interruptedSummary({ provider: 'DeepSeek', reasoning: 'hmm', answer: 'a', why: 'x' }),
      'What arrived — answer: 1 character, 1 line; reasoning: 3 characters, 1 line',
    );
    assert.equal(interruptedSummary({ provider: 'DeepSeek', reasoning: '', answer: '', why: 'x' }), 'Nothing arrived');
  });

  it('the host\'s turn message carries the new fields through the webview\'s check', () => {
    const turn = withProviderSwitch(streaming, [dropped]);
    const message = { type: 'turn', conversationId: 'c1', turn };
    assert.deepEqual(parseFromHost(message), message);
  });
});

class MemoryMemento {
  private readonly data = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.data.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return this.data.has(key) ? (structuredClone(this.data.get(key)) as T) : fallback;
  }
  update(key: string, value: unknown): Promise<void> {
    this.data.set(key, structuredClone(value));
    return Promise.resolve();
  }
}

describe('chat failover: interrupted segments are stored with the turn', () => {
  it('a turn with segments and a notice survives a reload; older turns without them stay valid', async () => {
    const memento = new MemoryMemento();
    const store = new ConversationStore(memento as unknown as vscode.Memento);
    const conversation = store.active();
    const old: StoredTurn = { ...streaming, id: 'old', status: 'done', at: 1, footer: { model: 'deepseek-flash', hitTokens: 0, missTokens: 10, outputTokens: 5, cost: '$0.0001', estimated: false } };
    const failedOver: StoredTurn = {
      ...withProviderSwitch({ ...streaming, id: 'new', at: 2 }, [dropped]),
      answer: 'The whole answer from Backup.',
      status: 'done',
      footer: { provider: 'Backup', model: 'backup-chat', hitTokens: 0, missTokens: 10, outputTokens: 5, cost: 'unpriced', estimated: false, unpriced: true },
    };
    store.put({ ...conversation, turns: [old, failedOver] }, false);
    await store.save();

    const reloaded = new ConversationStore(memento as unknown as vscode.Memento);
    assert.equal(reloaded.warning, undefined, 'the stored history is valid');
    const [oldAgain, newAgain] = reloaded.active().turns;
    assert.equal(oldAgain.interrupted, undefined);
    assert.equal(oldAgain.notice, undefined);
    assert.deepEqual(newAgain.interrupted, failedOver.interrupted);
    assert.equal(newAgain.notice, 'DeepSeek stopped mid-answer — answered by Backup');
    assert.equal(newAgain.footer?.provider, 'Backup');
    assert.equal(newAgain.footer?.unpriced, true);
  });
});
