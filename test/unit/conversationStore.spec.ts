import * as assert from 'assert/strict';
import type * as vscode from 'vscode';
import { ConversationStore, MAX_TITLE_LENGTH, type StoredConversation, type StoredTurn } from '../../src/chat/conversationStore';

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

function turn(id: string, question: string, answer: string): StoredTurn {
  return { id, question, answer, reasoning: '', role: 'chat', model: 'deepseek-flash', status: 'done', context: [], at: 1 };
}

/** A store holding three conversations, updated at 1000 (oldest), 2000 and 3000 (newest, shown). */
function storeWithThree(memento = new MemoryMemento()): { store: ConversationStore; memento: MemoryMemento; ids: string[] } {
  const store = new ConversationStore(memento as unknown as vscode.Memento);
  const specs: [string, StoredTurn[]][] = [
    ['Sorting a list', [turn('t1', 'How do I sort numbers?', 'Use `Array.prototype.sort` with a comparator.')]],
    ['Regex help', [turn('t2', 'Match an e-mail address', 'Use a library; the RFC grammar is large.')]],
    ['Debugging', [turn('t3', 'Why is my Promise never resolved?', 'You never call resolve().'), turn('t4', 'And with await?', 'Same thing.')]],
  ];
  const ids = specs.map(([title, turns], i) => {
    const created: StoredConversation = store.create(title);
    store.put({ ...created, turns, updatedAt: 1000 * (i + 1) });
    return created.id;
  });
  return { store, memento, ids };
}

const reload = (memento: MemoryMemento) => new ConversationStore(memento as unknown as vscode.Memento);

describe('chat history: rename, delete, search', () => {
  it('search matches titles, questions and answers, case-insensitively, newest first', () => {
    const { store, ids } = storeWithThree();
    const [sorting, regex, debugging] = ids;
    assert.deepEqual(store.search('REGEX'), [regex], 'a title');
    assert.deepEqual(store.search('promise never'), [debugging], 'a question');
    assert.deepEqual(store.search('comparator'), [sorting], 'an answer');
    assert.deepEqual(store.search('same THING'), [debugging], 'a later turn\'s answer');
    assert.deepEqual(store.search('use'), [regex, sorting], 'several, newest first');
    assert.deepEqual(store.search('nothing like this'), []);
  });

  it('an empty query lists every conversation with a turn, newest first', () => {
    const { store, ids } = storeWithThree();
    store.startNew(); // an empty new chat is not history
    assert.deepEqual(store.search(''), [...ids].reverse());
    assert.deepEqual(store.search('   '), [...ids].reverse());
  });

  it('rename trims and caps the title, keeps the conversation\'s place, and persists', () => {
    const { store, memento, ids } = storeWithThree();
    const renamed = store.rename(ids[0], `  Sorting   numbers\n${'x'.repeat(400)}  `);
    assert.equal(renamed?.title.length, MAX_TITLE_LENGTH);
    assert.match(renamed!.title, /^Sorting numbers x+$/);
    assert.equal(store.rename(ids[1], '   '), undefined, 'an empty title is refused');
    assert.equal(store.get(ids[1])?.title, 'Regex help');
    assert.equal(store.rename('c-unknown', 'Title'), undefined);
    assert.deepEqual(store.list().map((c) => c.id), [...ids].reverse(), 'the order (last update) is unchanged');
    assert.equal(store.rename(ids[2], ' Promise bug ')?.title, 'Promise bug');
    assert.equal(reload(memento).get(ids[2])?.title, 'Promise bug');
    assert.deepEqual(store.search('promise bug'), [ids[2]]);
  });

  it('deleting the conversation shown shows the most recent other one; deleting the last leaves a new chat', () => {
    const { store, memento, ids } = storeWithThree();
    const [sorting, regex, debugging] = ids;
    assert.equal(store.active().id, debugging);
    assert.equal(store.delete(debugging), true);
    assert.equal(store.active().id, regex, 'the next most recent is shown');
    assert.equal(reload(memento).get(debugging), undefined, 'persisted');
    assert.equal(reload(memento).active().id, regex);

    assert.equal(store.delete(sorting), true, 'one not shown');
    assert.equal(store.active().id, regex, 'the shown one stays');
    assert.equal(store.delete(regex), true);
    const fresh = store.active();
    assert.ok(![sorting, regex, debugging].includes(fresh.id));
    assert.equal(fresh.turns.length, 0, 'a new chat');
    assert.deepEqual(store.list(), []);
    assert.deepEqual(reload(memento).list(), []);
    assert.equal(store.delete('c-unknown'), false);
  });
});
