import * as assert from 'assert/strict';
import {
  buildPrompt,
  Conversation,
  normalizeBlock,
  normalizeText,
  renderBlock,
  renderPrefix,
  sortBlocks,
  type BuiltPrompt,
  type ContextBlock,
} from '../../src/core/prompt';
import { applyUnifiedDiff, buildRepoMap, loadSampleRepo, shuffled, workspaceBlocks, type EditorState, type Files } from './promptWorkspace';

const PINNED = ['src/model/task.ts', 'src/services/taskService.ts', 'src/store/store.ts'];
const STATE: EditorState = {
  pinned: PINNED,
  recent: ['src/store/query.ts', 'src/utils/dates.ts'],
  current: 'src/services/recurrence.ts',
  selection: { start: 95, end: 130 },
  diagnostics: ["src/services/recurrence.ts:101:11 error TS2345: Argument of type 'string' is not assignable to parameter of type 'Weekday'."],
};
const QUESTION = 'Why does `every 2 weeks on mon,thu` skip a week after Thursday?';

const toCrlf = (text: string) => text.replace(/\n/g, '\r\n');
const prefixOf = (built: BuiltPrompt) => renderPrefix(built.messages);

function commonPrefixLength(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

function edited(files: Files, file: string, from: string, to: string): Files {
  const text = files.get(file)!;
  assert.ok(text.includes(from), `${file} contains ${JSON.stringify(from)}`);
  return new Map(files).set(file, text.replace(from, to));
}

function appended(files: Files, file: string, text: string): Files {
  return new Map(files).set(file, `${files.get(file)!}${text}`);
}

describe('prompt builder: deterministic serialisation', () => {
  const files = loadSampleRepo();

  it('loads the sample repository (test data) with a realistic size', () => {
    const sizes = [...files.values()].reduce((n, t) => n + t.length, 0);
    assert.ok(files.size >= 40 && files.size <= 80, `${files.size} files`);
    assert.ok(sizes > 150_000 && sizes < 600_000, `${sizes} bytes`);
    assert.match(files.get('README.md')!, /Test data/);
  });

  it('builds byte-identical messages from the same workspace state', () => {
    const a = buildPrompt({ blocks: workspaceBlocks(files, STATE), question: QUESTION });
    const b = buildPrompt({ blocks: workspaceBlocks(loadSampleRepo(), STATE), question: QUESTION });
    assert.equal(JSON.stringify(a.messages), JSON.stringify(b.messages));
    assert.equal(prefixOf(a), prefixOf(b));
    assert.deepEqual(a.includedBlocks, b.includedBlocks);
    assert.equal(a.estimatedPromptTokens, b.estimatedPromptTokens);
  });

  it('gives the same bytes for blocks in any order, with CRLF line endings and trailing whitespace', () => {
    const reference = prefixOf(buildPrompt({ blocks: workspaceBlocks(files, STATE), question: QUESTION }));
    const messy = workspaceBlocks(files, STATE).map((b) => ({ ...b, content: toCrlf(b.content).replace(/;\r\n/g, ';  \r\n') }));
    for (const seed of [1, 2, 3, 42]) {
      const built = buildPrompt({ blocks: shuffled(messy, seed), question: `${toCrlf(QUESTION)}\r\n` });
      assert.equal(prefixOf(built), reference, `seed ${seed}`);
    }
    assert.ok(!reference.includes('\r'), 'no CR survives');
  });

  it('orders blocks most stable first: instructions, facts, repo map, pinned files (system); then the turn', () => {
    const built = buildPrompt({ blocks: shuffled(workspaceBlocks(files, STATE), 7), question: QUESTION });
    assert.deepEqual(
      built.includedBlocks.map((b) => `${b.placement}:${b.kind}:${b.id}`),
      [
        'system:instructions:core',
        'system:projectFacts:manifest',
        'system:repoMap:workspace',
        'system:pinnedFile:src/model/task.ts',
        'system:pinnedFile:src/services/taskService.ts',
        'system:pinnedFile:src/store/store.ts',
        'turn:recentFile:src/store/query.ts',
        'turn:recentFile:src/utils/dates.ts',
        'turn:currentFile:src/services/recurrence.ts',
        'turn:selection:src/services/recurrence.ts',
        'turn:diagnostics:src/services/recurrence.ts',
      ],
    );
    assert.deepEqual(built.messages.map((m) => m.role), ['system', 'user']);
    const user = built.messages[1].content;
    assert.ok(user.endsWith(`## Question\n${QUESTION}`), 'the question comes last');
    assert.ok(user.indexOf('## Current file: src/services/recurrence.ts') < user.indexOf('## Selection: src/services/recurrence.ts:95-130'));
  });

  it('sorts ids by UTF-16 code units, never by locale', () => {
    const ids = ['b.ts', 'B.ts', 'a.ts', '_x.ts', 'ä.ts', 'a/z.ts', 'A.ts', 'a-b.ts', 'a.tsx', '10.ts', '9.ts'];
    const blocks = ids.map((id): ContextBlock => ({ kind: 'pinnedFile', id, title: id, content: `// ${id}` }));
    const order = buildPrompt({ blocks: shuffled(blocks, 5), question: 'q' }).includedBlocks.map((b) => b.id);
    assert.deepEqual(order, ['10.ts', '9.ts', 'A.ts', 'B.ts', '_x.ts', 'a-b.ts', 'a.ts', 'a.tsx', 'a/z.ts', 'b.ts', 'ä.ts']);
    assert.notDeepEqual(order, [...ids].sort((x, y) => x.localeCompare(y)), 'differs from a locale sort');
  });

  it('normalises line endings, trailing whitespace, a BOM and blank edges, and nothing else', () => {
    assert.equal(normalizeText('\ufeff\r\n\nconst a = 1;  \r\n\tif (x) {\t\r\n\t\treturn;\r}\r\n\r\n'), 'const a = 1;\n\tif (x) {\n\t\treturn;\n}');
    assert.equal(normalizeText('  indented\n\n\nkept  gaps'), '  indented\n\n\nkept  gaps');
    const once = normalizeText('a \r\nb\t\r\n');
    assert.equal(normalizeText(once), once, 'idempotent');
  });

  it('contains no timestamps or random values: the same output whatever the clock and Math.random say', () => {
    const blocks = workspaceBlocks(files, STATE);
    const conversation = new Conversation();
    const first = buildPrompt({ blocks, question: QUESTION, conversation });
    conversation.commit(first, 'An answer.');
    const expected = prefixOf(buildPrompt({ blocks, question: 'And then?', conversation }));

    const RealDate = Date;
    const realRandom = Math.random;
    const realHr = performance.now;
    class FakeDate extends RealDate {
      constructor(...args: unknown[]) {
        if (args.length === 0) super(Date.UTC(2031, 6, 9, 3, 4, 5));
        else super(...(args as [number]));
      }
      static override now() {
        return Date.UTC(2031, 6, 9, 3, 4, 5);
      }
    }
    try {
      (globalThis as { Date: DateConstructor }).Date = FakeDate as DateConstructor;
      Math.random = () => 0.123456789;
      performance.now = () => 987654.321;
      const again = prefixOf(buildPrompt({ blocks: shuffled(blocks, 9), question: 'And then?', conversation }));
      assert.equal(again, expected);
    } finally {
      (globalThis as { Date: DateConstructor }).Date = RealDate;
      Math.random = realRandom;
      performance.now = realHr;
    }
    assert.doesNotMatch(expected, /\b20\d\d-\d\d-\d\dT\d\d:\d\d/, 'no ISO timestamp in the prompt');
  });

  it('fences code with more backticks than the code contains', () => {
    const md = { kind: 'pinnedFile' as const, id: 'docs/x.md', title: 'docs/x.md', content: 'Example:\n\n```ts\nconst a = 1;\n```\n' };
    const text = renderBlock(normalizeBlock(md));
    assert.equal(text, '## Pinned file: docs/x.md\n````markdown\nExample:\n\n```ts\nconst a = 1;\n```\n````');
  });
});

describe('prompt builder: a changed file invalidates only what follows it', () => {
  const files = loadSampleRepo();
  const blocksFor = (f: Files) => workspaceBlocks(f, STATE, buildRepoMap(files));

  it('editing one pinned file keeps every byte before that block; the common prefix ends inside it', () => {
    const target = 'src/services/taskService.ts';
    const after = edited(files, target, "message: 'a task cannot block itself'", "message: 'a task cannot wait for itself'");
    assert.equal(buildRepoMap(after), buildRepoMap(files), 'the edit does not change the repo map');
    const before = prefixOf(buildPrompt({ blocks: blocksFor(files), question: QUESTION }));
    const now = prefixOf(buildPrompt({ blocks: blocksFor(after), question: QUESTION }));

    const oldBlock = renderBlock(normalizeBlock({ kind: 'pinnedFile', id: target, title: target, content: files.get(target)! }));
    const start = before.indexOf(oldBlock);
    assert.ok(start > 0);
    assert.equal(now.indexOf(oldBlock), -1);
    assert.equal(now.slice(0, start), before.slice(0, start), 'everything before the edited block is byte-identical');
    const common = commonPrefixLength(before, now);
    assert.ok(common >= start && common < start + oldBlock.length, 'the first difference lies inside the edited block');
    // The heading and the unchanged head of the file still match: the first difference is the edited line.
    assert.equal(now.slice(start, common), oldBlock.slice(0, common - start));
    assert.ok(oldBlock.slice(common - start).startsWith('block itself'));
    // Blocks after it are unchanged in content (shifted only by the edit).
    const later = renderBlock(normalizeBlock({ kind: 'pinnedFile', id: 'src/store/store.ts', title: 'src/store/store.ts', content: files.get('src/store/store.ts')! }));
    assert.ok(before.includes(later) && now.includes(later));
  });

  it('the first difference is exactly the block start when the edit is at the start of its content', () => {
    const blocks: ContextBlock[] = [
      { kind: 'instructions', id: 'core', title: 'Instructions', content: 'Be helpful.' },
      { kind: 'pinnedFile', id: 'a.ts', title: 'a.ts', content: 'export const a = 1;' },
      { kind: 'pinnedFile', id: 'b.ts', title: 'b.ts', content: 'export const b = 2;' },
      { kind: 'pinnedFile', id: 'c.ts', title: 'c.ts', content: 'export const c = 3;' },
    ];
    const before = prefixOf(buildPrompt({ blocks, question: 'q' }));
    const changed = blocks.map((b) => (b.id === 'b.ts' ? { ...b, content: 'import x from "x";\nexport const b = 2;' } : b));
    const now = prefixOf(buildPrompt({ blocks: changed, question: 'q' }));
    const contentStart = before.indexOf('export const b = 2;');
    assert.equal(commonPrefixLength(before, now), contentStart);
    assert.ok(now.endsWith(before.slice(before.indexOf('```\n\n## Pinned file: c.ts'))), 'later blocks unchanged');
  });

  it('editing the current file leaves the system message (the stable prefix) untouched', () => {
    const after = edited(files, 'src/services/recurrence.ts', 'interval must be between 1 and 365', 'interval must be from 1 to 365');
    const a = buildPrompt({ blocks: blocksFor(files), question: QUESTION });
    const b = buildPrompt({ blocks: blocksFor(after), question: QUESTION });
    assert.equal(a.messages[0].content, b.messages[0].content);
    assert.notEqual(a.messages[1].content, b.messages[1].content);
  });

  it('a one-shot command and a fresh chat on the same state share the system message', () => {
    const oneShot = buildPrompt({ blocks: blocksFor(files), question: 'Explain the selected code.' });
    const chat = buildPrompt({ blocks: blocksFor(files), question: QUESTION, conversation: new Conversation() });
    assert.equal(oneShot.messages[0].content, chat.messages[0].content);
  });
});

describe('prompt builder: append-only conversation', () => {
  const files = loadSampleRepo();

  interface Step {
    readonly edit?: (f: Files) => Files;
    readonly state: EditorState;
    readonly question: string;
  }

  const steps: Step[] = [
    { state: STATE, question: QUESTION },
    { state: STATE, question: 'Show me a fix.' },
    {
      edit: (f) => edited(f, 'src/services/recurrence.ts', 'return addDays(base, 7 * rule.interval - today + first);', 'return addDays(base, 7 * (rule.interval - 1) + 7 - today + first);'),
      state: STATE,
      question: 'I applied it. Is the test still right?',
    },
    {
      edit: (f) => appended(f, 'src/model/task.ts', '\n/** Whether the task repeats. */\nexport function isRecurring(task: Task): boolean {\n  return task.recurrence !== undefined;\n}\n'),
      state: { ...STATE, current: 'src/model/task.ts', selection: { start: 1, end: 20 }, diagnostics: [], recent: ['src/services/recurrence.ts', 'src/store/query.ts'] },
      question: 'I added isRecurring to the task model. Where should the CLI use it?',
    },
    {
      state: { ...STATE, current: 'src/cli/commands/list.ts', selection: { start: 20, end: 40 }, recent: ['src/model/task.ts', 'src/services/recurrence.ts'] },
      question: 'Add a --recurring flag here.',
    },
    { state: { ...STATE, current: 'src/cli/commands/list.ts', selection: { start: 20, end: 40 }, recent: ['src/model/task.ts', 'src/services/recurrence.ts'] }, question: 'Thanks. Anything else?' },
  ];

  function replay(): { builds: BuiltPrompt[]; conversation: Conversation } {
    let f = files;
    const repoMap0 = buildRepoMap(files);
    const conversation = new Conversation();
    const builds: BuiltPrompt[] = [];
    steps.forEach((step, i) => {
      f = step.edit ? step.edit(f) : f;
      const repoMap = buildRepoMap(f);
      const built = buildPrompt({ blocks: workspaceBlocks(f, step.state, repoMap), question: step.question, conversation });
      builds.push(built);
      conversation.commit(built, `Answer ${i + 1}.\n\n\`\`\`ts\nconst step = ${i + 1};\n\`\`\``);
      assert.ok(i < 3 || repoMap !== repoMap0, 'the repo map changed after the task model edit');
    });
    return { builds, conversation };
  }

  it('each prompt starts with the previous prompt byte for byte, even across file edits', () => {
    const { builds } = replay();
    for (let i = 1; i < builds.length; i++) {
      const previous = prefixOf(builds[i - 1]);
      const current = prefixOf(builds[i]);
      assert.ok(current.startsWith(previous), `turn ${i + 1} extends turn ${i}`);
      assert.equal(builds[i].messages[0].content, builds[0].messages[0].content, 'the system message stays frozen');
      assert.equal(builds[i].messages.length, 2 * i + 2);
      assert.equal(builds[i].breaksCache, false);
    }
  });

  it('sends a changed file as a diff, an unchanged one as a reference, and a stable block change in the turn', () => {
    const { builds } = replay();
    const turn = (i: number) => builds[i].messages.at(-1)!.content;
    const mode = (i: number, kind: string, id: string) => builds[i].includedBlocks.find((b) => b.kind === kind && b.id === id)?.mode;
    assert.equal(mode(0, 'currentFile', 'src/services/recurrence.ts'), 'full');
    assert.equal(mode(1, 'currentFile', 'src/services/recurrence.ts'), 'unchanged');
    assert.match(turn(1), /## Current file: src\/services\/recurrence\.ts \(unchanged since shown earlier\)\n/);
    assert.equal(mode(2, 'currentFile', 'src/services/recurrence.ts'), 'changes');
    assert.match(turn(2), /```diff\n@@ -\d+,\d+ \+\d+,\d+ @@\n/);
    // Turn 4: the pinned task model changed; it is the current file too, so it is shown once, as a diff.
    assert.equal(mode(3, 'currentFile', 'src/model/task.ts'), 'changes');
    assert.ok(!builds[3].includedBlocks.some((b) => b.kind === 'pinnedFile' && b.placement === 'turn'));
    // The repo map changed (new export): attached to the turn as a diff, the system message untouched.
    assert.equal(mode(3, 'repoMap', 'workspace'), 'changes');
    assert.match(turn(3), /## Repository map: files and exported declarations \(changed since shown earlier; unified diff\)\n```diff\n[^]*\+ {2}export function isRecurring\(task: Task\): boolean\n/);
    // Turn 5: a file never shown before goes in full; the recent recurrence module is unchanged since turn 3
    // (the task model is pinned, so it is not repeated as a recent file).
    assert.equal(mode(4, 'currentFile', 'src/cli/commands/list.ts'), 'full');
    assert.equal(mode(4, 'recentFile', 'src/services/recurrence.ts'), 'unchanged');
    assert.equal(mode(4, 'recentFile', 'src/model/task.ts'), undefined);
    // Turn 6: nothing changed: references only, and no repeated repo map (its latest version is in turn 4).
    assert.equal(mode(5, 'currentFile', 'src/cli/commands/list.ts'), 'unchanged');
    assert.equal(builds[5].includedBlocks.find((b) => b.kind === 'repoMap')?.placement, 'history');
    assert.equal(builds[5].includedBlocks.find((b) => b.kind === 'projectFacts')?.placement, 'system');
    assert.ok(!turn(5).includes('## Repository map'));
  });

  it('the diffs it sends reconstruct the new file from the version shown before', () => {
    const { builds } = replay();
    const text = builds[2].messages.at(-1)!.content;
    const diff = /## Current file: src\/services\/recurrence\.ts \(changed since shown earlier; unified diff\)\n```diff\n([^]*?)\n```/.exec(text)![1];
    const before = normalizeText(files.get('src/services/recurrence.ts')!);
    const after = normalizeText(steps[2].edit!(files).get('src/services/recurrence.ts')!);
    assert.equal(applyUnifiedDiff(before, diff), after);
  });

  it('sends earlier answers back exactly as received, and never any reasoning', () => {
    const { builds } = replay();
    const last = builds.at(-1)!.messages;
    assert.equal(last[2].role, 'assistant');
    assert.equal(last[2].content, 'Answer 1.\n\n```ts\nconst step = 1;\n```');
    assert.ok(!renderPrefix(last).includes('<think>'));
  });

  it('round-trips through JSON: a restored conversation builds the same next prompt', () => {
    const { conversation } = replay();
    const restored = Conversation.fromJSON(JSON.parse(JSON.stringify(conversation.toJSON())));
    const blocks = workspaceBlocks(files, STATE);
    assert.equal(prefixOf(buildPrompt({ blocks, question: 'Next?', conversation: restored })), prefixOf(buildPrompt({ blocks, question: 'Next?', conversation })));
  });

  it('refuses to commit a prompt built for an earlier state of the conversation', () => {
    const conversation = new Conversation();
    const blocks = workspaceBlocks(files, STATE);
    const a = buildPrompt({ blocks, question: 'one', conversation });
    const b = buildPrompt({ blocks, question: 'two', conversation });
    conversation.commit(a, 'first');
    assert.throws(() => conversation.commit(b, 'second'), /earlier state/);
    assert.equal(conversation.turns.length, 1);
  });

  it('handles duplicates and superseded blocks deterministically', () => {
    const blocks = workspaceBlocks(files, { ...STATE, recent: ['src/store/query.ts', 'src/services/recurrence.ts', 'src/model/task.ts'] });
    const pinnedAgain = { kind: 'pinnedFile' as const, id: 'src/store/store.ts', title: 'src/store/store.ts', content: 'stale copy' };
    const built = buildPrompt({ blocks: [...blocks, pinnedAgain], question: 'q' });
    assert.deepEqual(
      built.droppedBlocks.map((d) => `${d.reason}:${d.kind}:${d.id}`),
      ['duplicate:pinnedFile:src/store/store.ts', 'superseded:recentFile:src/model/task.ts', 'superseded:recentFile:src/services/recurrence.ts'],
    );
    assert.ok(built.messages[0].content.includes(normalizeText(files.get('src/store/store.ts')!)), 'the first of a sorted duplicate pair is kept');
    const currentPinned = buildPrompt({ blocks: workspaceBlocks(files, { ...STATE, current: 'src/model/task.ts', selection: undefined }), question: 'q' });
    assert.equal(currentPinned.includedBlocks.find((b) => b.kind === 'currentFile')?.mode, 'unchanged', 'a pinned current file is referenced, not repeated');
  });

  it('sorts blocks with sortBlocks the same way the builder does', () => {
    const blocks = shuffled(workspaceBlocks(files, STATE), 3).map(normalizeBlock);
    const built = buildPrompt({ blocks, question: 'q' });
    assert.deepEqual(sortBlocks(blocks).map((b) => `${b.kind}:${b.id}`), built.includedBlocks.map((b) => `${b.kind}:${b.id}`));
  });
});
