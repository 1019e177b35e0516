import * as assert from 'assert/strict';
import {
  buildCommitPrompt,
  cleanCommitMessage,
  COMMIT_INSTRUCTIONS,
  MAX_SUBJECT_CHARS,
  splitDiff,
  summarisedKind,
  usesConventionalCommits,
} from '../../src/core/commitMessage';

function fileDiff(path: string, added: string[], removed: string[] = []): string {
  return [
    `diff --git a/${path} b/${path}`,
    'index 1111111..2222222 100644',
    `--- a/${path}`,
    `+++ b/${path}`,
    `@@ -1,${removed.length} +1,${added.length} @@`,
    ...removed.map((l) => `-${l}`),
    ...added.map((l) => `+${l}`),
    '',
  ].join('\n');
}

const NEW_FILE = [
  'diff --git a/src/new.ts b/src/new.ts',
  'new file mode 100644',
  'index 0000000..3333333',
  '--- /dev/null',
  '+++ b/src/new.ts',
  '@@ -0,0 +1,2 @@',
  '+export const a = 1;',
  '+export const b = 2;',
  '',
].join('\n');

const DELETED = [
  'diff --git a/old.txt b/old.txt',
  'deleted file mode 100644',
  'index 4444444..0000000',
  '--- a/old.txt',
  '+++ /dev/null',
  '@@ -1 +0,0 @@',
  '-gone',
  '',
].join('\n');

describe('commit message: the diff', () => {
  it('splits a diff into file sections with their paths and +/- counts', () => {
    const sections = splitDiff(fileDiff('src/a.ts', ['one', 'two'], ['zero']) + NEW_FILE + DELETED);
    assert.deepEqual(sections.map((s) => [s.path, s.added, s.removed]), [['src/a.ts', 2, 1], ['src/new.ts', 2, 0], ['old.txt', 0, 1]]);
  });

  it('a "---"/"+++" line inside a hunk counts as a change, not as a header', () => {
    const [s] = splitDiff(fileDiff('a.md', ['++ plus', '-- minus'], ['-- old']));
    assert.equal(s.path, 'a.md');
    assert.equal(s.added, 2);
    assert.equal(s.removed, 1);
  });

  it('knows lockfiles and generated or minified files', () => {
    assert.equal(summarisedKind('package-lock.json'), 'lockfile');
    assert.equal(summarisedKind('web/yarn.lock'), 'lockfile');
    assert.equal(summarisedKind('assets/app.min.js'), 'generated');
    assert.equal(summarisedKind('dist/extension.js'), 'generated');
    assert.equal(summarisedKind('src/app.ts'), undefined);
  });
});

describe('commit message: the prompt', () => {
  const diff = fileDiff('src/a.ts', ['export const x = 1;']) + fileDiff('package-lock.json', Array.from({ length: 50 }, (_, i) => `"dep${i}": "1.0.${i}",`));

  it('is deterministic, with the fixed instructions first (the cached prefix)', () => {
    const input = { diff, staged: true, recentSubjects: ['Add parser', 'Fix lexer'], withheld: new Set<string>() };
    const a = buildCommitPrompt(input);
    const b = buildCommitPrompt({ ...input, withheld: new Set<string>() });
    assert.equal(JSON.stringify(a.messages), JSON.stringify(b.messages));
    assert.equal(a.messages[0].role, 'system');
    assert.equal(a.messages[0].content, COMMIT_INSTRUCTIONS, 'the system message never varies');
    assert.match(a.messages[1].content, /Recent commit subjects[^\n]*\n- Add parser\n- Fix lexer/);
  });

  it('sends the diff of source files and summarises lockfiles by name and counts', () => {
    const p = buildCommitPrompt({ diff, staged: true, recentSubjects: [], withheld: new Set() });
    assert.match(p.messages[1].content, /\+export const x = 1;/);
    assert.doesNotMatch(p.messages[1].content, /dep7/, 'the lockfile content is not sent');
    assert.match(p.messages[1].content, /- package-lock\.json \(\+50 −0\): lockfile/);
    assert.deepEqual(p.included, ['src/a.ts']);
    assert.deepEqual(p.summarised, ['package-lock.json']);
  });

  it('keeps whole file sections within the budget and summarises the rest', () => {
    const big = fileDiff('src/big.ts', Array.from({ length: 400 }, (_, i) => `export const value${i} = ${i} * 1000;`));
    const small = fileDiff('src/small.ts', ['export const s = 1;']);
    const p = buildCommitPrompt({ diff: big + small, staged: true, recentSubjects: [], withheld: new Set(), budgetTokens: 500 });
    assert.deepEqual(p.included, ['src/small.ts'], 'the small file after the big one still fits');
    assert.match(p.messages[1].content, /- src\/big\.ts \(\+400 −0\): too large to show/);
    assert.doesNotMatch(p.messages[1].content, /value7 = /, 'nothing of a section that does not fit is sent');
  });

  it('lists withheld files by name only', () => {
    const secret = fileDiff('.env', ['API_TOKEN=abcdefghijklmnopqrstuvwxyz0123456789']);
    const p = buildCommitPrompt({ diff: diff + secret, staged: true, recentSubjects: [], withheld: new Set(['.env']) });
    assert.match(p.messages[1].content, /changes in \.env not shown/);
    assert.doesNotMatch(p.messages[1].content, /abcdefghijklmnop/);
    assert.deepEqual(p.withheld, ['.env']);
  });

  it('says when the diff is the working tree because nothing was staged', () => {
    const p = buildCommitPrompt({ diff, staged: false, recentSubjects: [], withheld: new Set() });
    assert.match(p.messages[1].content, /nothing is staged/);
  });

  it('uses at most ten recent subjects, and asks for Conventional Commits only when they use it', () => {
    const cc = Array.from({ length: 12 }, (_, i) => `feat(core): change ${i}`);
    const p = buildCommitPrompt({ diff, staged: true, recentSubjects: cc, withheld: new Set() });
    assert.equal((p.messages[1].content.match(/^- feat\(core\)/gm) ?? []).length, 10);
    assert.match(p.messages[1].content, /Conventional Commits style/);
    const plain = buildCommitPrompt({ diff, staged: true, recentSubjects: ['Add parser', 'Fix lexer'], withheld: new Set() });
    assert.doesNotMatch(plain.messages[1].content, /Conventional Commits style/);
    assert.equal(usesConventionalCommits(['fix: a', 'feat(ui): b', 'Add c']), true);
    assert.equal(usesConventionalCommits(['fix: a', 'Add b', 'Add c']), false);
  });
});

describe('commit message: the answer cleaned up', () => {
  it('takes off code fences, quotes and preambles', () => {
    assert.equal(cleanCommitMessage('```\nAdd parser\n\nIt parses.\n```'), 'Add parser\n\nIt parses.');
    assert.equal(cleanCommitMessage('Commit message:\nAdd parser'), 'Add parser');
    assert.equal(cleanCommitMessage("Here's a commit message for your changes:\n\n```text\nFix lexer\n```"), 'Fix lexer');
    assert.equal(cleanCommitMessage('"Add parser"'), 'Add parser');
    assert.equal(cleanCommitMessage('**Commit message:**\nAdd parser'), 'Add parser');
  });

  it('puts a blank line between the subject and the body, and drops the subject\'s period', () => {
    assert.equal(cleanCommitMessage('Add parser.\nIt parses the input.\n\n\n\nAnd more.  '), 'Add parser\n\nIt parses the input.\n\nAnd more.');
  });

  it('keeps the subject within 72 characters, cut at a word', () => {
    const long = 'Add a parser for the configuration language that reads every section and reports errors with positions';
    const subject = cleanCommitMessage(long).split('\n')[0];
    assert.ok(subject.length <= MAX_SUBJECT_CHARS, subject);
    assert.ok(long.startsWith(subject));
    assert.doesNotMatch(subject, /\s$/);
  });

  it('an empty answer gives an empty message', () => {
    assert.equal(cleanCommitMessage('  \n```\n```\n'), '');
  });
});
