import * as assert from 'assert/strict';
import { planSlashCommand, typedSlashCommand } from '../../src/chat/slashPlan';
import {
  docConvention,
  docInstruction,
  explainInstruction,
  fixInstruction,
  refactorInstruction,
  testsInstruction,
  withNote,
} from '../../src/core/commandInstructions';
import { parseSlashCommand } from '../../src/webview/protocol';

const target = { location: 'src/math.ts:5-10', languageId: 'typescript' };

describe('slash commands: what each one runs', () => {
  it('/new starts a new chat, and asks the question when there is one', () => {
    assert.deepEqual(planSlashCommand('new', ''), { kind: 'newChat' });
    assert.deepEqual(planSlashCommand('new', '  hi  '), { kind: 'newChat', question: 'hi' });
  });

  it('the others run the command of the same name with the words after it', () => {
    assert.deepEqual(planSlashCommand('refactor', 'make it pure'), { kind: 'command', command: 'refactor', text: 'make it pure' });
    assert.deepEqual(planSlashCommand('refactor', '   '), { kind: 'command', command: 'refactor', text: '' }, 'no goal: the quick pick');
    for (const name of ['explain', 'fix', 'tests', 'doc'] as const) {
      assert.deepEqual(planSlashCommand(name, ''), { kind: 'command', command: name, text: '' });
    }
  });

  it('gives back the text as typed, the way the composer parses it', () => {
    assert.equal(typedSlashCommand('explain', ''), '/explain');
    assert.equal(typedSlashCommand('refactor', ' make it pure '), '/refactor make it pure');
    const typed = typedSlashCommand('fix', 'keep the API');
    assert.deepEqual(parseSlashCommand(typed), { name: 'fix', rest: 'keep the API' });
  });
});

describe('command instructions', () => {
  it('Explain, Refactor and Fix say what they always said; the extra words are added', () => {
    assert.equal(explainInstruction(target), 'Explain the selected code (src/math.ts:5-10): what it does, how, and anything surprising.');
    assert.equal(explainInstruction(target, 'why reduce?'), 'Explain the selected code (src/math.ts:5-10): what it does, how, and anything surprising.\nIn particular: why reduce?');
    assert.match(refactorInstruction(target, 'make it pure'), /^Refactor the selected code \(src\/math\.ts:5-10\)\. Goal: make it pure\nReply with the complete replacement/);
    const fix = fixInstruction(target, '- Error at line 9: bad', 'keep the signature');
    assert.match(fix, /^Fix these problems in the selected code \(src\/math\.ts:5-10\):\n- Error at line 9: bad\nNote: keep the signature\nReply with/);
    assert.doesNotMatch(fixInstruction(target, '- Error at line 9: bad'), /Note:/);
  });

  it('Tests asks for tests in the language and the project\'s own style, as code blocks (no diff)', () => {
    const text = testsInstruction({ location: 'stats.py:3-4', languageId: 'python' }, 'use pytest fixtures');
    assert.match(text, /^Write unit tests for the selected code \(stats\.py:3-4\) in Python/);
    assert.match(text, /test framework, file layout and style this project already uses/);
    assert.match(text, /Also: use pytest fixtures/);
    assert.match(text, /fenced code blocks/);
    assert.doesNotMatch(text, /replacement for exactly the selected code/);
  });

  it('Document asks for the language\'s doc comments without changing code, as a replacement to review', () => {
    assert.match(docInstruction(target), /JSDoc/);
    assert.match(docInstruction(target), /Do not change the code itself/);
    assert.match(docInstruction(target), /complete replacement for exactly the selected code in one fenced code block/);
    assert.match(docConvention('python'), /docstrings/);
    assert.match(docConvention('go'), /starting with its name/);
    assert.match(docConvention('rust'), /\/\/\//);
    assert.match(docConvention('cobol'), /usual for the language/);
  });

  it('labels carry the user\'s words, shortened', () => {
    assert.equal(withNote('Refactor `mean` · src/math.ts:5–10', ''), 'Refactor `mean` · src/math.ts:5–10');
    assert.equal(withNote('Refactor `mean` · src/math.ts:5–10', 'make  it\npure'), 'Refactor `mean` · src/math.ts:5–10 — make it pure');
    assert.equal(withNote('X', 'a'.repeat(80)), `X — ${'a'.repeat(59)}…`);
  });
});
