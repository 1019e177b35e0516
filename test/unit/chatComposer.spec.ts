import * as assert from 'assert/strict';
import { QuestionRecall } from '../../src/webview/recall';
import { matchSlashCommands, slashQuery } from '../../src/webview/slashCompletion';
import { formatWhen } from '../../src/webview/when';

describe('chat composer: recalling earlier questions (Up/Down)', () => {
  it('walks back through every earlier question, newest first, and stops at the oldest', () => {
    const recall = new QuestionRecall(['first', 'second', 'third']);
    assert.equal(recall.back(''), 'third');
    assert.equal(recall.back('third'), 'second');
    assert.equal(recall.back('second'), 'first');
    assert.equal(recall.back('first'), undefined, 'nothing older');
  });

  it('walks forward again and gives back the draft that was being typed', () => {
    const recall = new QuestionRecall(['first', 'second']);
    assert.equal(recall.back('half a thought'), 'second');
    assert.equal(recall.back('second'), 'first');
    assert.equal(recall.forward('first'), 'second');
    assert.equal(recall.forward('second'), 'half a thought');
    assert.equal(recall.forward('half a thought'), undefined, 'not browsing any more: Down is a plain caret move');
  });

  it('an edited recalled question becomes the draft: Up starts from the newest again', () => {
    const recall = new QuestionRecall(['first', 'second']);
    recall.back('');
    recall.back('second');
    assert.equal(recall.isBrowsing('first'), true);
    assert.equal(recall.isBrowsing('first, edited'), false);
    assert.equal(recall.back('first, edited'), 'second');
    assert.equal(recall.forward('second'), 'first, edited');
  });

  it('records sent questions once at the newest end, within the limit', () => {
    const recall = new QuestionRecall([], 3);
    for (const q of ['a', 'b', 'b', 'c', 'd']) recall.record(q);
    assert.deepEqual(recall.all, ['b', 'c', 'd']);
    assert.equal(recall.back(''), 'd');
    recall.record('e');
    assert.equal(recall.back(''), 'e', 'a send ends the walk');
  });

  it('with no questions yet, Up and Down recall nothing', () => {
    const recall = new QuestionRecall([]);
    assert.equal(recall.back('draft'), undefined);
    assert.equal(recall.forward('draft'), undefined);
  });
});

describe('chat composer: slash-command completion', () => {
  it('opens only for a slash at the start of the box, until a space is typed', () => {
    assert.equal(slashQuery('/', 1), '');
    assert.equal(slashQuery('/te', 3), 'te');
    assert.equal(slashQuery('/TE', 3), 'te');
    assert.equal(slashQuery('/tests ', 7), undefined);
    assert.equal(slashQuery('/tests make them short', 22), undefined);
    assert.equal(slashQuery('explain /fix', 12), undefined);
    assert.equal(slashQuery(' /fix', 5), undefined);
    assert.equal(slashQuery('/fix', 2), 'f', 'up to the caret');
    assert.equal(slashQuery('/usr/bin', 8), undefined, 'a path is not a command');
  });

  it('lists every command for a bare slash, then filters by prefix, then by substring', () => {
    assert.deepEqual(matchSlashCommands('').map((c) => c.name), ['explain', 'refactor', 'fix', 'tests', 'doc', 'new']);
    assert.deepEqual(matchSlashCommands('e').map((c) => c.name), ['explain', 'refactor', 'tests', 'new']);
    assert.deepEqual(matchSlashCommands('f').map((c) => c.name), ['fix', 'refactor']);
    assert.deepEqual(matchSlashCommands('zzz'), []);
  });
});

describe('chat history dates (local time)', () => {
  const now = new Date(2026, 11, 2, 15, 30).getTime(); // Wed 2 Dec 2026, 15:30 local

  it('today and yesterday by calendar day, with the time', () => {
    assert.equal(formatWhen(new Date(2026, 11, 2, 14, 5).getTime(), now), 'Today 14:05');
    assert.equal(formatWhen(new Date(2026, 11, 2, 0, 0).getTime(), now), 'Today 00:00');
    assert.equal(formatWhen(new Date(2026, 11, 1, 23, 59).getTime(), now), 'Yesterday 23:59');
    assert.equal(formatWhen(new Date(2026, 11, 1, 9, 3).getTime(), now), 'Yesterday 09:03');
  });

  it('older days this year by weekday and date; other years with the year', () => {
    assert.equal(formatWhen(new Date(2026, 10, 30, 10, 0).getTime(), now), 'Mon 30 Nov');
    assert.equal(formatWhen(new Date(2026, 0, 1, 10, 0).getTime(), now), 'Thu 1 Jan');
    assert.equal(formatWhen(new Date(2025, 10, 30, 10, 0).getTime(), now), 'Sun 30 Nov 2025');
  });

  it('yesterday across a month and a year boundary', () => {
    const newYear = new Date(2027, 0, 1, 8, 0).getTime();
    assert.equal(formatWhen(new Date(2026, 11, 31, 22, 15).getTime(), newYear), 'Yesterday 22:15');
    assert.equal(formatWhen(new Date(2026, 11, 30, 22, 15).getTime(), newYear), 'Wed 30 Dec 2026');
  });
});
