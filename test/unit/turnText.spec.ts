import * as assert from 'assert/strict';
import type { TurnView } from '../../src/webview/protocol';
import { answeredBy, finishedAnnouncement, firstSentence, reasoningSummary, stoppedLine } from '../../src/webview/turnText';

const turn = (extra: Partial<TurnView> = {}): TurnView => ({
  id: 't1', question: 'Q', role: 'reasoner', model: 'deepseek-flash', reasoning: 'hmm', answer: '', status: 'streaming', context: [], ...extra,
});

describe('chat turn wording', () => {
  it('the reasoning summary: thinking, then the host\'s time, else the page\'s own, else no time at all (never a made-up 0.0 s)', () => {
    assert.equal(reasoningSummary(turn()), 'Thinking…');
    assert.equal(reasoningSummary(turn({ answer: 'A' })), 'Thought', 'the answer started, no time known yet');
    assert.equal(reasoningSummary(turn({ answer: 'A' }), 2340), 'Thought for 2.3 s', 'measured on the page');
    assert.equal(reasoningSummary(turn({ answer: 'A', status: 'done', thoughtMs: 2500, reasoningTokens: 1234 }), 2340), 'Thought for 2.5 s · 1,234 tokens', 'the host\'s figure wins');
    assert.equal(reasoningSummary(turn({ answer: 'A', status: 'done', thoughtMs: 0 })), 'Thought for 0.0 s', 'unless it really was');
    assert.equal(reasoningSummary(turn({ status: 'done', thoughtMs: 12_400 })), 'Thought for 12 s');
    assert.equal(reasoningSummary(turn({ status: 'stopped' })), 'Thought');
  });

  it('Stop says whether any of the answer arrived', () => {
    assert.equal(stoppedLine(''), 'Stopped before an answer arrived.');
    assert.equal(stoppedLine('  \n'), 'Stopped before an answer arrived.');
    assert.equal(stoppedLine('Part of it'), 'Stopped — the answer above is incomplete.');
  });

  it('the first sentence of an answer, as words: Markdown marks, code and link targets dropped, at most 150 characters', () => {
    assert.equal(firstSentence('It returns the **average**. Then more.'), 'It returns the average.');
    assert.equal(firstSentence('# Title\n\nBody. More'), 'Title.');
    assert.equal(firstSentence('```ts\nconst a = 1;\n```\n\nThat sets **a**. Then.'), '(code block) That sets a.');
    assert.equal(firstSentence('Use [the docs](https://x.y) and `npm test` — it works! Yes.'), 'Use the docs and npm test — it works!');
    assert.equal(firstSentence('- one item\n- two'), 'one item two');
    assert.equal(firstSentence('Version 1.5 is out. Next.'), 'Version 1.5 is out.', 'a dot inside a number ends nothing');
    const long = firstSentence('word '.repeat(100));
    assert.ok(long.length <= 150 && long.endsWith('word…'), long);
    assert.equal(firstSentence(''), '');
  });

  it('one announcement per finished turn: who answered and the first sentence, Stopped, or the error', () => {
    assert.equal(finishedAnnouncement(turn({ status: 'done', answer: 'Yes. It is pure.' })), 'DeepSeek answered: Yes.');
    assert.equal(
      finishedAnnouncement(turn({ status: 'done', answer: 'Fine.', footer: { provider: 'Backup', model: 'm', hitTokens: 0, missTokens: 0, outputTokens: 0, cost: 'unpriced', estimated: false } })),
      'Backup answered: Fine.',
    );
    assert.equal(finishedAnnouncement(turn({ status: 'done', answer: '' })), 'DeepSeek answered.');
    assert.equal(finishedAnnouncement(turn({ status: 'stopped', answer: '' })), 'Stopped before an answer arrived.');
    assert.equal(finishedAnnouncement(turn({ status: 'stopped', answer: 'Half' })), 'Stopped — the answer above is incomplete.');
    assert.equal(finishedAnnouncement(turn({ status: 'error', error: { message: 'DeepSeek rejected the API key (401).' } })), 'DeepSeek rejected the API key (401).');
    assert.equal(answeredBy(turn()), 'DeepSeek');
  });
});
