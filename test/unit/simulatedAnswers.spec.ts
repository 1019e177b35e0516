import * as assert from 'assert/strict';
import { readFileSync } from 'fs';
import * as path from 'path';
import * as ts from 'typescript';
import { replacementBlock } from '../../src/core/codeBlocks';
import { explainInstruction, fixInstruction, problemList, refactorInstruction, type InstructionProblem } from '../../src/core/commandInstructions';
import { buildPrompt } from '../../src/core/prompt';
import { instructionsBlock } from '../../src/core/prompt/instructions';
import type { PromptMessage } from '../../src/core/prompt/serialize';
import { refactor } from '../fake-deepseek/codeReading';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import { SIMULATOR_BAD_KEY, SIMULATOR_NOTE, simulatedReply } from '../fake-deepseek/simulatedAnswers';
import { DEMO_FIXTURE, DEMO_TYPE_ERROR } from '../harness/demoWorkspace';
import { jsonChunks, readSse } from './sse';

// The commands' own wording (src/core/commandInstructions.ts), for a TypeScript selection at `location`.
const at = (location: string) => ({ location, languageId: 'typescript' });
const explainQuestion = (location: string) => explainInstruction(at(location));
const refactorQuestion = (location: string, goal: string) => refactorInstruction(at(location), goal);
const fixQuestion = (location: string, problems: readonly InstructionProblem[]) => fixInstruction(at(location), problemList(problems));

const fixture = (file: string) => readFileSync(path.join(DEMO_FIXTURE, file), 'utf8');

/** Lines `start`–`end` (1-based, inclusive) of a fixture file, as the editor's selection would hold them. */
const lines = (text: string, start: number, end: number) => text.split('\n').slice(start - 1, end).join('\n');

/** The messages a command sends, built as the extension builds them: current file, selection, question. */
function commandPrompt(file: string, start: number, end: number, question: (label: string) => string, withSelection = true): readonly PromptMessage[] {
  const text = fixture(file);
  const label = `${file}:${start}-${end}`;
  return buildPrompt({
    blocks: [
      instructionsBlock(),
      { kind: 'currentFile', id: file, title: `${file} (current file)`, content: text },
      ...(withSelection ? [{ kind: 'selection' as const, id: label, title: `Selection ${label}`, content: lines(text, start, end) }] : []),
    ],
    question: question(label),
  }).messages;
}

/** Where a function starts and ends in a fixture file (1-based lines), found by its header. */
function functionLines(file: string, name: string): [number, number] {
  const all = fixture(file).split('\n');
  const start = all.findIndex((l) => new RegExp(`function ${name}\\(`).test(l)) + 1;
  const end = all.findIndex((l, i) => i >= start && l === '}') + 1;
  assert.ok(start > 0 && end > start, `${name} in ${file}`);
  return [start, end];
}

/** Compiles TypeScript source to a CommonJS module and returns its exports. */
function load(source: string): Record<string, (...args: unknown[]) => unknown> {
  const js = ts.transpileModule(source, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const module = { exports: {} as Record<string, (...args: unknown[]) => unknown> };
  new Function('module', 'exports', js)(module, module.exports);
  return module.exports;
}

/** The standard library's declarations, parsed once for every program below. */
const libFiles = new Map<string, ts.SourceFile | undefined>();

/** The type errors TypeScript reports for the demo folder with `file` replaced by `text` (strict, as its tsconfig). */
function typeErrors(file: string, text: string): string[] {
  const root = path.join(DEMO_FIXTURE, file);
  const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, lib: ['lib.es2022.d.ts'], types: [] };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, version) => {
    if (path.resolve(name) === root) return ts.createSourceFile(name, text, version);
    if (!libFiles.has(name)) libFiles.set(name, getSourceFile(name, version));
    return libFiles.get(name);
  };
  const program = ts.createProgram([root], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.start !== undefined && d.file ? d.file.getLineAndCharacterOfPosition(d.start).line + 1 : '?'}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

/** The replacement a Refactor/Fix answer proposes, put into the file where the selection was. */
function applied(file: string, start: number, end: number, answer: string): string {
  const block = replacementBlock(answer);
  assert.ok(block, `a code block in:\n${answer}`);
  const all = fixture(file).split('\n');
  return [...all.slice(0, start - 1), block.code, ...all.slice(end)].join('\n');
}

describe('offline simulator: answers per surface', () => {
  it('Explain names the selected function and says what it does from its code: parameters, guard, loop, return', () => {
    const [start, end] = functionLines('src/stats.ts', 'mean');
    const reply = simulatedReply(commandPrompt('src/stats.ts', start, end, explainQuestion), true);
    const text = reply.content;
    assert.match(text, /\*\*`mean`\*\* is a function that takes one parameter, `values` \(`number\[\]`\), and returns `number`\./);
    assert.match(text, /If `values\.length === 0`, it throws an `Error` \("mean of an empty list"\)\./);
    assert.match(text, /loops over each `value` of `values`.*adding `value` to `total` \(which starts at `0`\)/);
    assert.match(text, /returns `total \/ values\.length`/);
    assert.ok(text.endsWith(SIMULATOR_NOTE), 'says it came from the simulator');
    assert.doesNotMatch(text, /```/, 'an explanation, not code');
    const sentences = text.replace(SIMULATOR_NOTE, '').split(/(?<=\.)\s+/).filter((s) => s.trim());
    assert.ok(sentences.length >= 3 && sentences.length <= 8, `a few sentences, got ${sentences.length}`);
    assert.match(reply.reasoning ?? '', /`mean`.*Signature: `mean\(values: number\[\]\): number`/, 'the reasoner role thinks first');
  });

  it('Explain reads early returns, locals and template literals, and Python functions too', () => {
    const [start, end] = functionLines('src/stats.ts', 'clamp');
    const clamp = simulatedReply(commandPrompt('src/stats.ts', start, end, explainQuestion), false).content;
    assert.match(clamp, /three parameters, `value` \(`number`\), `min` \(`number`\) and `max` \(`number`\)/);
    assert.match(clamp, /If `value < min`, it returns `min` straight away\. If `value > max`, it returns `max` straight away\. Otherwise it returns `value`\./);
    const [rs, re] = functionLines('src/cart.ts', 'receiptLine');
    const receipt = simulatedReply(commandPrompt('src/cart.ts', rs, re, explainQuestion), false).content;
    assert.match(receipt, /computes `cost` as `item\.price \* item\.quantiy`/);
    assert.match(receipt, /returns `` `\$\{item\.quantity\} × \$\{item\.name\}: \$\$\{cost\.toFixed\(2\)\}` ``/, 'a template literal keeps its backticks');
    const python = 'def total(prices: list[float], tax: float = 0.2) -> float:\n    if not prices:\n        return 0.0\n    s = 0.0\n    for p in prices:\n        s += p\n    return s * (1 + tax)\n';
    const messages: PromptMessage[] = [{ role: 'user', content: `## Selection: Selection shop.py:1-7\n\`\`\`python\n${python}\`\`\`\n\n## Question\n${explainQuestion('shop.py:1-7')}` }];
    const py = simulatedReply(messages, false).content;
    assert.match(py, /\*\*`total`\*\* is a function that takes two parameters, `prices` \(`list\[float\]`\) and `tax` \(`float`, optional\), and returns `float`/);
    assert.match(py, /If `not prices`, it returns `0\.0` straight away/);
    assert.match(py, /loops over each `p` in `prices`, adding `p` to `s`/);
  });

  it('Refactor answers with the selected code changed, never the whole file, and the change keeps behaviour', () => {
    const [start, end] = functionLines('src/cart.ts', 'subtotal');
    const reply = simulatedReply(commandPrompt('src/cart.ts', start, end, (l) => refactorQuestion(l, 'Simplify it without changing its behaviour.')), true);
    const block = replacementBlock(reply.content);
    assert.ok(block);
    assert.equal(block.language, 'ts');
    assert.equal(block.code, 'export function subtotal(items: LineItem[]): number {\n  return items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n}');
    assert.doesNotMatch(block.code, /receiptLine|interface/, 'only the selection, not the file');
    assert.match(reply.content, /`reduce` starts from `0`/);
    assert.match(reply.reasoning ?? '', /Goal: Simplify/);
    const before = load(fixture('src/cart.ts')).subtotal;
    const after = load(applied('src/cart.ts', start, end, reply.content)).subtotal;
    const carts = [[], [{ name: 'a', price: 2.5, quantity: 4 }], [{ name: 'a', price: 1, quantity: 3 }, { name: 'b', price: 0.1, quantity: 7 }]];
    for (const cart of carts) assert.equal(after(cart), before(cart), JSON.stringify(cart));
  });

  it('Refactor: the loop inside mean becomes a const reduce, square becomes an arrow, Add types marks arrays readonly; all still compile', function () {
    this.timeout(60_000); // type-checks four programs
    const stats = fixture('src/stats.ts');
    const ask = (name: string, goal: string) => {
      const [start, end] = functionLines('src/stats.ts', name);
      const reply = simulatedReply(commandPrompt('src/stats.ts', start, end, (l) => refactorQuestion(l, goal)), false);
      const file = applied('src/stats.ts', start, end, reply.content);
      assert.deepEqual(typeErrors('src/stats.ts', file), [], `${name} (${goal}) still compiles`);
      return { code: replacementBlock(reply.content)!.code, file };
    };
    const mean = ask('mean', 'Simplify it without changing its behaviour.');
    assert.match(mean.code, /^ {2}const total = values\.reduce\(\(total, value\) => total \+ value, 0\);\n {2}return total \/ values\.length;$/m);
    assert.match(mean.code, /throw new Error\('mean of an empty list'\)/, 'the guard stays');
    for (const values of [[1, 2, 3], [0.1, 0.2], [-5]]) assert.equal(load(mean.file).mean(values), load(stats).mean(values));
    assert.throws(() => load(mean.file).mean([]), /mean of an empty list/);
    assert.equal(ask('square', 'Simplify it without changing its behaviour.').code, 'export const square = (x: number): number => x * x;');
    assert.match(ask('mean', 'Add precise type annotations.').code, /^export function mean\(values: readonly number\[\]\): number \{/);
  });

  it('Refactor says plainly when it has no safe change, or when the goal is one it cannot do', () => {
    const [start, end] = functionLines('src/stats.ts', 'clamp');
    const none = simulatedReply(commandPrompt('src/stats.ts', start, end, (l) => refactorQuestion(l, 'Simplify it without changing its behaviour.')), false).content;
    assert.equal(replacementBlock(none), undefined, 'no code block: nothing to apply');
    assert.match(none, /I found no change to `clamp` that I can make safely/);
    const [ss, se] = functionLines('src/cart.ts', 'subtotal');
    const faster = simulatedReply(commandPrompt('src/cart.ts', ss, se, (l) => refactorQuestion(l, 'Make it faster while keeping its behaviour.')), false).content;
    assert.match(faster, /The offline simulator cannot do "Make it faster while keeping its behaviour" itself/);
    assert.ok(replacementBlock(faster), 'the change it can make is still offered, under that heading');
  });

  it('Refactor keeps to what is safe: no reduce over a Set or a reassigned total, no arrow for a function called earlier, no readonly for an array handed on', () => {
    const loop = (type: string, after = '') => `function f(xs: ${type}): number {\n  let t = 0;\n  for (const x of xs) {\n    t += x;\n  }\n${after}  return t;\n}`;
    assert.ok(refactor('loopToReduce', loop('number[]')));
    assert.equal(refactor('loopToReduce', loop('Set<number>')), undefined, 'a Set has no reduce');
    assert.equal(refactor('loopToReduce', loop('number[]', '  t = Math.round(t);\n')), undefined, 'changed after the loop: not a const');
    assert.match(refactor('loopToReduce', 'function f(xs: number[]) {\n  let t = 1;\n  for (const x of xs) {\n    t *= x + 1;\n  }\n  return t;\n}')!.code, /xs\.reduce\(\(t, x\) => t \* \(x \+ 1\), 1\)/, 'parentheses kept');
    assert.match(refactor('loopToReduce', 'function f(xs: number[]) {\n  let t = 0;\n  for (let i = 0; i < xs.length; i++) {\n    t += xs[i] * 2;\n  }\n  return t;\n}')!.code, /return xs\.reduce\(\(t, x\) => t \+ x \* 2, 0\);/);
    const square = 'export function square(x: number): number {\n  return x * x;\n}';
    assert.ok(refactor('functionToArrow', square, 'const a = 1;\n'));
    assert.equal(refactor('functionToArrow', square, 'export const nine = square(3);\n'), undefined, 'a const is not hoisted');
    assert.equal(refactor('functionToArrow', 'function f() {\n  return this.x;\n}'), undefined, 'this differs in an arrow');
    assert.equal(refactor('readonlyParams', 'function f(xs: number[]): number {\n  return g(xs);\n}'), undefined, 'g may want a mutable array');
    assert.equal(refactor('readonlyParams', 'function f(xs: number[]): number[] {\n  return xs.sort();\n}'), undefined, 'sort mutates');
  });

  it('Fix corrects the demo\'s real type error, and the file then compiles', function () {
    this.timeout(60_000); // type-checks two programs
    const text = fixture(DEMO_TYPE_ERROR.file);
    assert.deepEqual(typeErrors(DEMO_TYPE_ERROR.file, text), [`${DEMO_TYPE_ERROR.line}: ${DEMO_TYPE_ERROR.message}`], 'the sample has exactly this error');
    const line = DEMO_TYPE_ERROR.line;
    const problems = [{ severity: 'Error', line, message: DEMO_TYPE_ERROR.message, source: 'ts', code: '2551' }];
    const reply = simulatedReply(commandPrompt(DEMO_TYPE_ERROR.file, line, line, (l) => fixQuestion(l, problems)), true);
    assert.equal(replacementBlock(reply.content)?.code, '  const cost = item.price * item.quantity;');
    assert.match(reply.content, /`quantiy` → `quantity`/);
    assert.match(reply.reasoning ?? '', /Did you mean 'quantity'\?/);
    assert.deepEqual(typeErrors(DEMO_TYPE_ERROR.file, applied(DEMO_TYPE_ERROR.file, line, line, reply.content)), []);
  });

  it('Fix corrects an annotation that contradicts its value, and says when it has no rule for a problem', () => {
    const messages = (code: string, problems: Parameters<typeof fixQuestion>[1]): PromptMessage[] => [{
      role: 'user',
      content: `## Selection: Selection src/a.ts:3-3\n\`\`\`ts\n${code}\n\`\`\`\n\n## Question\n${fixQuestion('src/a.ts:3-3', problems)}`,
    }];
    const annotation = simulatedReply(messages('  const label: number = total.toFixed(2);', [{ severity: 'Error', line: 3, message: "Type 'string' is not assignable to type 'number'.", source: 'ts', code: '2322' }]), false);
    assert.equal(replacementBlock(annotation.content)?.code, '  const label: string = total.toFixed(2);');
    const unknown = simulatedReply(messages('  run(1, 2);', [{ severity: 'Error', line: 3, message: 'Expected 1 arguments, but got 2.', source: 'ts', code: '2554' }]), false);
    assert.equal(replacementBlock(unknown.content), undefined);
    assert.match(unknown.content, /The offline simulator has no fix for this problem:\n\n- line 3: Expected 1 arguments, but got 2\./);
  });

  it('uses the current file\'s lines when the selection chip was removed', () => {
    const [start, end] = functionLines('src/stats.ts', 'mean');
    const text = simulatedReply(commandPrompt('src/stats.ts', start, end, explainQuestion, false), false).content;
    assert.match(text, /\*\*`mean`\*\*/);
  });

  it('chat: a short answer, about a function the question names, or what it can do', () => {
    const chat = (question: string) => buildPrompt({
      blocks: [instructionsBlock(), { kind: 'currentFile', id: 'src/stats.ts', title: 'src/stats.ts (current file)', content: fixture('src/stats.ts') }],
      question,
    }).messages;
    const clamp = simulatedReply(chat('what does clamp do?'), false);
    assert.equal(clamp.reasoning, undefined, 'no reasoning on the chat role');
    assert.match(clamp.content, /^In src\/stats\.ts: \*\*`clamp`\*\* is a function that takes three parameters/);
    const other = simulatedReply(chat('How do I deploy this?'), true).content;
    assert.match(other, /I am the offline simulator, so I cannot answer "How do I deploy this\?" the way DeepSeek would\. I can see `mean`, `clamp` and `square`/);
    assert.match(simulatedReply(chat('Hello!'), false).content, /^Hello! This is DeepSeek Assistant running against its offline simulator\./);
    for (const answer of [clamp.content, other]) assert.ok(answer.length < 700, `short: ${answer.length} characters`);
  });

  it('the same request always gets the same answer', () => {
    const [start, end] = functionLines('src/cart.ts', 'subtotal');
    const messages = commandPrompt('src/cart.ts', start, end, (l) => refactorQuestion(l, 'Simplify it without changing its behaviour.'));
    assert.deepEqual(simulatedReply(messages, true), simulatedReply(structuredClone(messages), true));
    const explain = commandPrompt('src/stats.ts', 3, 12, explainQuestion);
    assert.deepEqual(simulatedReply(explain, true), simulatedReply(explain, true));
  });
});

describe('offline simulator: the server', () => {
  let server: FakeDeepSeekServer;
  let url: string;

  afterEach(async () => {
    await server.stop();
  });

  const post = (route: string, key: string, body: unknown) =>
    fetch(`${url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` }, body: JSON.stringify(body) });

  it(`refuses ${SIMULATOR_BAD_KEY} with DeepSeek's 401 body on every route, and accepts any other key`, async () => {
    server = new FakeDeepSeekServer({ simulator: true });
    url = await server.start();
    const models = await fetch(`${url}/models`, { headers: { authorization: `Bearer ${SIMULATOR_BAD_KEY}` } });
    assert.equal(models.status, 401);
    assert.deepEqual(await models.json(), {
      error: { message: 'Authentication Fails, Your api key: ****-key is invalid', type: 'authentication_error', param: null, code: 'invalid_request_error' },
    });
    const chat = await post('/chat/completions', SIMULATOR_BAD_KEY, { model: 'deepseek-flash', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(chat.status, 401);
    assert.equal(server.requests.at(-1)?.outcome, 'error:401');
    assert.equal((await fetch(`${url}/models`, { headers: { authorization: 'Bearer sk-offline-simulator' } })).status, 200);
  });

  it('the plain fake (tests) does not single out that key', async () => {
    server = new FakeDeepSeekServer();
    url = await server.start();
    assert.equal((await fetch(`${url}/models`, { headers: { authorization: `Bearer ${SIMULATOR_BAD_KEY}` } })).status, 200);
  });

  it('streams the simulated reasoning, then the answer, for the reasoner; scripted replies still come first', async () => {
    server = new FakeDeepSeekServer({ simulator: true });
    url = await server.start();
    const messages = commandPrompt('src/stats.ts', 3, 12, explainQuestion);
    const body = { model: 'deepseek-flash', thinking: { type: 'enabled' }, reasoning_effort: 'high', stream: true, messages };
    const chunks = jsonChunks(await readSse(await post('/chat/completions', 'sk-x', body)));
    const reasoning = chunks.map((c) => c.choices[0]?.delta?.reasoning_content ?? '').join('');
    const content = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    const expected = simulatedReply(messages, true);
    assert.equal(reasoning, expected.reasoning);
    assert.equal(content, expected.content);
    server.configure({ replies: [{ reasoning: 'scripted', content: 'Scripted.' }] });
    const scripted = jsonChunks(await readSse(await post('/chat/completions', 'sk-x', body)));
    assert.equal(scripted.map((c) => c.choices[0]?.delta?.content ?? '').join(''), 'Scripted.');
  });
});
