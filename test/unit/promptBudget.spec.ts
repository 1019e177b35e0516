import * as assert from 'assert/strict';
import { modelLimits } from '../../src/core/models';
import {
  buildPrompt,
  budgetFor,
  Conversation,
  MIN_TRUNCATED_TOKENS,
  planTrim,
  renderPrefix,
  resolveBudget,
  TRUNCATION_MARKER,
  truncateToTokens,
  type BuiltPrompt,
  type ContextBlock,
} from '../../src/core/prompt';
import { estimateTokens } from '../../src/core/tokenEstimate';

/** `n` lines of code-like text of about `tokens` estimated tokens in total. */
function code(name: string, tokens: number): string {
  const line = `export const ${name}_value = compute("${name}", 42);`; // 0.3 tokens per char
  const perLine = estimateTokens(`${line}\n`);
  return Array.from({ length: Math.ceil(tokens / perLine) }, (_, i) => line.replace('_value', `_value${i}`)).join('\n');
}

const INSTRUCTIONS: ContextBlock = { kind: 'instructions', id: 'core', title: 'Instructions', content: 'You are a careful assistant.' };
const PINNED: ContextBlock = { kind: 'pinnedFile', id: 'src/pinned.ts', title: 'src/pinned.ts', content: code('pinned', 1000) };
const RECENT_A: ContextBlock = { kind: 'recentFile', id: 'src/a.ts', title: 'src/a.ts', content: code('a', 2000) };
const RECENT_B: ContextBlock = { kind: 'recentFile', id: 'src/b.ts', title: 'src/b.ts', content: code('b', 2000) };
const CURRENT: ContextBlock = { kind: 'currentFile', id: 'src/current.ts', title: 'src/current.ts', content: code('current', 3000) };
const SELECTION: ContextBlock = { kind: 'selection', id: 'src/current.ts', title: 'src/current.ts:10-20', content: code('selected', 300) };
const DIAGNOSTICS: ContextBlock = { kind: 'diagnostics', id: 'src/current.ts', title: 'src/current.ts', content: 'src/current.ts:12:3 error: x is not defined' };
const ALL = [INSTRUCTIONS, PINNED, RECENT_A, RECENT_B, CURRENT, SELECTION, DIAGNOSTICS];
const QUESTION = 'What is wrong with the selected code?';

const full = buildPrompt({ blocks: ALL, question: QUESTION });
const fits = (contextTokens: number) => buildPrompt({ blocks: ALL, question: QUESTION, budget: { contextTokens, reserveOutputTokens: 1000 } });
const ids = (b: BuiltPrompt, what: 'included' | 'dropped') =>
  (what === 'included' ? b.includedBlocks : b.droppedBlocks).map((x) => `${x.kind}:${x.id}`);

describe('prompt budget: defaults', () => {
  it('defaults to a 128K window with 8K reserved for the chat model and 32K for the reasoner', () => {
    assert.deepEqual(resolveBudget(), { contextTokens: 128_000, reserveOutputTokens: 8_192 });
    assert.deepEqual(budgetFor('reasoner'), { contextTokens: 128_000, reserveOutputTokens: 32_768 });
    assert.deepEqual(budgetFor('chat', 64_000), { contextTokens: 64_000, reserveOutputTokens: 8_192 });
    assert.deepEqual(resolveBudget({ contextTokens: Number.NaN, reserveOutputTokens: -1 }), { contextTokens: 128_000, reserveOutputTokens: 8_192 });
    assert.equal(full.promptTokenLimit, 128_000 - 8_192);
  });

  it("caps the user's budget by the model's window and the reserve by the model's output limit", () => {
    const v4 = modelLimits('deepseek-flash');
    assert.deepEqual(budgetFor('reasoner', 128_000, v4), { contextTokens: 128_000, reserveOutputTokens: 32_768 }, 'a 1M window leaves the 128K budget');
    assert.deepEqual(budgetFor('chat', 2_000_000, v4), { contextTokens: 1_000_000, reserveOutputTokens: 8_192 });
    const old = modelLimits('deepseek-chat');
    assert.deepEqual(budgetFor('reasoner', 1_000_000, old), { contextTokens: 128_000, reserveOutputTokens: 8_000 }, 'older models: 128K / 8K');
    const small = modelLimits('my-local-model', { 'my-local-model': { contextTokens: 16_000, maxOutputTokens: 12_000 } });
    assert.deepEqual(budgetFor('reasoner', 128_000, small), { contextTokens: 16_000, reserveOutputTokens: 8_000 }, 'never more than half the window');
    assert.equal(full.droppedBlocks.length, 0);
  });

  it('estimates no fewer tokens than the messages hold', () => {
    const sum = full.messages.reduce((n, m) => n + estimateTokens(m.content), 0);
    assert.ok(full.estimatedPromptTokens >= sum, `${full.estimatedPromptTokens} ≥ ${sum}`);
    assert.ok(full.estimatedPromptTokens <= sum + 60, 'and not many more');
  });
});

describe('prompt budget: trimming from the volatile end', () => {
  it('drops recent files first, then cuts the current file with a marker', () => {
    const b = fits(full.estimatedPromptTokens + 1000 - 5000);
    assert.deepEqual(ids(b, 'dropped'), ['recentFile:src/a.ts', 'recentFile:src/b.ts']);
    const current = b.includedBlocks.find((x) => x.kind === 'currentFile')!;
    assert.equal(current.truncated, true);
    const user = b.messages.at(-1)!.content;
    assert.match(user, new RegExp(`## Current file: src/current\\.ts\\n\`\`\`ts\\n[^]*\\n\\[… truncated\\]\\n\`\`\`\\n\\n## Selection`));
    assert.ok(user.includes(SELECTION.content) && user.includes(DIAGNOSTICS.content) && user.endsWith(QUESTION));
    assert.ok(b.messages[0].content.includes(PINNED.content), 'pinned file intact');
    assert.ok(b.estimatedPromptTokens <= b.promptTokenLimit);
  });

  it('then drops the current file and cuts pinned files, keeping diagnostics, selection and the question', () => {
    const b = fits(full.estimatedPromptTokens + 1000 - 7000 - 600);
    assert.deepEqual(ids(b, 'dropped'), ['recentFile:src/a.ts', 'recentFile:src/b.ts', 'currentFile:src/current.ts']);
    const pinned = b.includedBlocks.find((x) => x.kind === 'pinnedFile')!;
    assert.equal(pinned.truncated, true);
    assert.ok(b.messages[0].content.includes(TRUNCATION_MARKER));
    assert.ok(b.messages.at(-1)!.content.includes(SELECTION.content));
    assert.ok(b.estimatedPromptTokens <= b.promptTokenLimit);
  });

  it('in the end keeps only the instructions and the question, which are never dropped', () => {
    const b = fits(estimateTokens(INSTRUCTIONS.content) + estimateTokens(QUESTION) + 1000 + 40);
    assert.deepEqual(ids(b, 'included'), ['instructions:core']);
    assert.equal(b.overBudget, false);
    assert.ok(b.messages.at(-1)!.content.endsWith(QUESTION));
    const tooLong = buildPrompt({ blocks: ALL, question: code('question', 3000), budget: { contextTokens: 2000, reserveOutputTokens: 500 } });
    assert.equal(tooLong.overBudget, true);
    assert.ok(tooLong.messages.at(-1)!.content.includes(code('question', 3000)), 'the question is sent whole even then');
  });

  it('drops the later recent file first, and whole rather than as a useless stub', () => {
    // Overflow leaves fewer than MIN_TRUNCATED_TOKENS of recent file b: it is dropped, and a is kept whole.
    const b = fits(full.estimatedPromptTokens + 1000 - 2000 + MIN_TRUNCATED_TOKENS - 50);
    assert.deepEqual(ids(b, 'dropped'), ['recentFile:src/b.ts']);
    assert.ok(!b.includedBlocks.some((x) => x.truncated));
    // With a little more room, b is cut instead.
    const c = fits(full.estimatedPromptTokens + 1000 - 2000 + MIN_TRUNCATED_TOKENS + 200);
    assert.deepEqual(ids(c, 'dropped'), []);
    assert.equal(c.includedBlocks.find((x) => x.id === 'src/b.ts')?.truncated, true);
  });

  it('plans cuts least valuable first and reports what remains', () => {
    assert.deepEqual(planTrim([{ tokens: 100, truncatable: true }, { tokens: 1000, truncatable: true }], 600), {
      decisions: [{ action: 'drop' }, { action: 'truncate', maxTokens: 500 }],
      remaining: 0,
    });
    assert.deepEqual(planTrim([{ tokens: 300, truncatable: false }, { tokens: 200, truncatable: true }], 600), {
      decisions: [{ action: 'drop' }, { action: 'drop' }],
      remaining: 100,
    });
    assert.deepEqual(planTrim([{ tokens: 300, truncatable: true }], 0).decisions, [{ action: 'keep' }]);
  });

  it('cuts text at a line end within the token limit and marks it', () => {
    const text = code('t', 1000);
    const cut = truncateToTokens(text, 400)!;
    assert.ok(estimateTokens(cut) <= 400);
    assert.ok(cut.endsWith(`;\n${TRUNCATION_MARKER}`), 'cut after a whole line');
    assert.ok(text.startsWith(cut.slice(0, -TRUNCATION_MARKER.length - 1)));
    assert.equal(truncateToTokens('short', 100), 'short');
    assert.equal(truncateToTokens(text, 2), undefined);
  });
});

describe('prompt budget: history', () => {
  const answer = (i: number) => `Answer ${i}: ${code(`answer${i}`, 800)}`;
  const blocks = [INSTRUCTIONS, { ...PINNED, content: code('pinned', 300) }, { ...SELECTION, content: 'let x = y;' }];
  const budget = { contextTokens: 6000, reserveOutputTokens: 1000 };

  it('drops the oldest whole turns only when the history no longer fits, then is append-only again', () => {
    const conversation = new Conversation();
    const builds: BuiltPrompt[] = [];
    for (let i = 0; i < 12; i++) {
      const built = buildPrompt({ blocks, question: `Question ${i}?`, conversation, budget });
      builds.push(built);
      assert.ok(built.estimatedPromptTokens <= built.promptTokenLimit, `turn ${i} fits`);
      conversation.commit(built, answer(i));
    }
    const breaks = builds.map((b, i) => (b.breaksCache ? i : -1)).filter((i) => i >= 0);
    assert.ok(breaks.length >= 1 && breaks.length <= 3, `a few breaks, not one per turn: ${breaks.join(',')}`);
    assert.equal(conversation.cacheBreaks, breaks.length);
    assert.ok(conversation.startTurn > 0);
    const firstBreak = builds[breaks[0]];
    assert.ok(firstBreak.droppedTurns >= 2, 'drops enough at once to leave room');
    // Whole turns: the history after the system message starts with a user turn, alternates, and is verbatim.
    const msgs = firstBreak.messages;
    assert.equal(msgs[0].role, 'system');
    msgs.slice(1).forEach((m, i) => assert.equal(m.role, i % 2 === 0 ? 'user' : 'assistant'));
    assert.equal(msgs[2].content, answer(firstBreak.droppedTurns));
    // Every build that does not break the cache extends the previous prompt.
    for (let i = 1; i < builds.length; i++) {
      if (!builds[i].breaksCache) {
        assert.ok(renderPrefix(builds[i].messages).startsWith(renderPrefix(builds[i - 1].messages)), `turn ${i} is append-only`);
      }
    }
    // The system message never changed: only history was dropped.
    assert.ok(builds.every((b) => b.messages[0].content === builds[0].messages[0].content));
  });

  it('rebuilds and trims the system message as a last resort when even it no longer fits', () => {
    const conversation = new Conversation();
    const big = [INSTRUCTIONS, PINNED, { ...PINNED, id: 'src/second.ts', title: 'src/second.ts', content: code('second', 1000) }];
    const first = buildPrompt({ blocks: big, question: 'Q0', conversation });
    conversation.commit(first, 'short answer');
    const shrunk = { contextTokens: 1400, reserveOutputTokens: 500 };
    const second = buildPrompt({ blocks: big, question: 'Q1', conversation, budget: shrunk });
    assert.equal(second.breaksCache, true);
    assert.equal(second.droppedTurns, 1);
    assert.notEqual(second.messages[0].content, first.messages[0].content);
    assert.deepEqual(second.droppedBlocks.map((d) => `${d.kind}:${d.id}`), ['pinnedFile:src/second.ts']);
    assert.equal(second.includedBlocks.find((b) => b.id === 'src/pinned.ts')?.truncated, true);
    assert.ok(second.estimatedPromptTokens <= second.promptTokenLimit);
    assert.deepEqual(second.messages.map((m) => m.role), ['system', 'user']);
    conversation.commit(second, 'ok');
    assert.equal(conversation.cacheBreaks, 1);
    const third = buildPrompt({ blocks: big, question: 'Q2', conversation, budget: shrunk });
    assert.equal(third.messages[0].content, second.messages[0].content, 'the new system message is frozen in turn');
  });

  it('drops turn context before history', () => {
    const conversation = new Conversation();
    const first = buildPrompt({ blocks, question: 'Q0', conversation, budget });
    conversation.commit(first, answer(0));
    const withBig = [...blocks, { ...CURRENT, content: code('current', 4500) }];
    const second = buildPrompt({ blocks: withBig, question: 'Q1', conversation, budget });
    assert.equal(second.droppedTurns, 0);
    assert.equal(second.breaksCache, false);
    assert.ok(second.includedBlocks.find((x) => x.kind === 'currentFile')?.truncated || second.droppedBlocks.some((x) => x.kind === 'currentFile'));
  });
});
