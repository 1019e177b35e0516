import * as assert from 'assert/strict';
import { buildPrompt, Conversation, type BuiltPrompt, type ContextBlock } from '../../src/core/prompt';
import { loadSampleRepo, workspaceBlocks, type EditorState } from './promptWorkspace';

const STATE: EditorState = {
  pinned: ['src/model/task.ts', 'src/store/store.ts'],
  recent: ['src/utils/dates.ts'],
  current: 'src/services/recurrence.ts',
  selection: { start: 95, end: 130 },
};

/**
 * Regenerate and Edit and Resend take back the last exchange. What is left must be exactly the prefix the
 * taken-back request sent, so the request sent again repeats it byte for byte and DeepSeek's prefix cache
 * keeps hitting; the frozen system message is never rebuilt by a rollback.
 */
describe('conversation rollback (Regenerate, Edit and Resend)', () => {
  const files = loadSampleRepo();
  const blocks = workspaceBlocks(files, STATE);
  const ask = (conversation: Conversation, question: string) => buildPrompt({ blocks, question, conversation });

  /** A conversation of `n` committed exchanges. */
  function chatOf(n: number): Conversation {
    const conversation = new Conversation();
    for (let i = 0; i < n; i++) {
      conversation.commit(ask(conversation, `Question ${i + 1}?`), `Answer ${i + 1}.`);
    }
    return conversation;
  }

  it('regenerate: the same question builds byte-identical messages, and the state is as before the exchange', () => {
    const conversation = chatOf(3);
    const before = JSON.stringify(conversation.toJSON());
    const system = conversation.system;
    const original = ask(conversation, 'Why does it skip a week?');
    conversation.commit(original, 'Because of the modulo.');

    const dropped = conversation.dropLast();
    assert.equal(dropped?.assistant, 'Because of the modulo.');
    assert.equal(dropped?.user, original.pending.user);
    assert.equal(conversation.turns.length, 3);
    assert.equal(conversation.system, system, 'the frozen system prefix is the same object, untouched');
    assert.equal(JSON.stringify(conversation.toJSON()), before, 'exactly the state the taken-back request was built on');

    const again = ask(conversation, 'Why does it skip a week?');
    assert.equal(JSON.stringify(again.messages), JSON.stringify(original.messages), 'the resent request repeats every byte');
    assert.equal(again.breaksCache, false);
    conversation.commit(again, 'Because of the week number.');
    assert.equal(conversation.turns.length, 4);
    assert.equal(conversation.cacheBreaks, 0);
  });

  it('edit and resend: only the last user message differs from the earlier request', () => {
    const conversation = chatOf(2);
    const original = ask(conversation, 'Explain recurrence.');
    conversation.commit(original, 'It repeats.');
    conversation.dropLast();
    const edited = ask(conversation, 'Explain recurrence in one sentence.');
    assert.deepEqual(edited.messages.slice(0, -1), original.messages.slice(0, -1));
    assert.equal(edited.messages.length, original.messages.length);
    assert.notEqual(edited.messages.at(-1)!.content, original.messages.at(-1)!.content);
    assert.match(edited.messages.at(-1)!.content, /in one sentence\.$/);
    // Its context is attached as it was the first time: the files are not "unchanged since shown earlier".
    assert.equal(edited.messages.at(-1)!.content.replace(/in one sentence\.$/, ''), original.messages.at(-1)!.content.replace(/\.$/, ' '));
  });

  it('taking back the first exchange keeps the frozen system message', () => {
    const conversation = new Conversation();
    const first = ask(conversation, 'First question?');
    conversation.commit(first, 'First answer.');
    const system = conversation.system;
    assert.ok(conversation.dropLast());
    assert.equal(conversation.turns.length, 0);
    assert.equal(conversation.system, system, 'still frozen: the next request starts with the same system message');
    const again = ask(conversation, 'First question?');
    assert.equal(JSON.stringify(again.messages), JSON.stringify(first.messages));
  });

  it('after a commit that dropped the oldest turns, the rollback keeps the new start and the request repeats', () => {
    const rules: ContextBlock[] = [{ kind: 'instructions', id: 'rules', title: 'Rules', content: 'Answer briefly.' }];
    const budget = { contextTokens: 3000, reserveOutputTokens: 500 };
    const conversation = new Conversation();
    const long = (i: number) => `Answer ${i}: ${'lorem ipsum dolor sit amet '.repeat(60)}`;
    let dropping: BuiltPrompt | undefined;
    let question = '';
    for (let i = 1; i < 40 && !dropping; i++) {
      question = `Question ${i}?`;
      const built = buildPrompt({ blocks: rules, question, conversation, budget });
      if (built.droppedTurns > 0) dropping = built;
      conversation.commit(built, long(i));
    }
    assert.ok(dropping, 'a build dropped the oldest turns');
    const start = conversation.startTurn;
    const breaks = conversation.cacheBreaks;
    assert.ok(start > 0 && breaks === 1);
    conversation.dropLast();
    assert.equal(conversation.startTurn, start, 'the start the taken-back request used');
    assert.equal(conversation.cacheBreaks, breaks, 'the break went out on the wire: it stays counted');
    const again = buildPrompt({ blocks: rules, question, conversation, budget });
    assert.equal(JSON.stringify(again.messages), JSON.stringify(dropping.messages));
    assert.equal(again.droppedTurns, 0);
    assert.equal(again.breaksCache, false);
  });

  it('takes back nothing from an empty conversation, and refuses prompts built before a rollback', () => {
    const empty = new Conversation();
    assert.equal(empty.dropLast(), undefined);
    assert.equal(empty.revision, 0);

    const conversation = chatOf(2);
    const stale = ask(conversation, 'Built before the rollback');
    conversation.dropLast();
    assert.throws(() => conversation.commit(stale, 'late'), /earlier state/);
    assert.equal(conversation.turns.length, 1);
  });

  it('a rolled-back conversation round-trips through JSON and builds the same next prompt', () => {
    const conversation = chatOf(3);
    conversation.dropLast();
    const restored = Conversation.fromJSON(JSON.parse(JSON.stringify(conversation.toJSON())));
    assert.equal(JSON.stringify(ask(restored, 'Next?').messages), JSON.stringify(ask(conversation, 'Next?').messages));
  });
});
