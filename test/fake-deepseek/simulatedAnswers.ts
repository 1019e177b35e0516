/**
 * What the offline simulator (`npm run demo` without DEEPSEEK_API_KEY) answers when no reply was scripted: an
 * answer shaped like a model's for each surface, built by rules from the request itself — an explanation of the
 * selected function for Explain, the selected code refactored without changing behaviour for Refactor, the
 * corrected code for Fix, a short answer for chat — with chain-of-thought for the reasoner role. The same
 * request always gets the same answer. It never claims more than the rules did: what they cannot do, the
 * answer says, and every answer ends by saying that it came from the simulator.
 */
import {
  bodyFacts,
  fixProblems,
  readFunction,
  refactor,
  type CodeChange,
  type FunctionReading,
  type Problem,
  type RefactorKind,
} from './codeReading';
import type { ScriptedReply } from './types';
import { describeImage, readImagePart, type ImagePart } from './visionParts';

/** The one key the simulator refuses, with DeepSeek's own 401 body, so the error path can be tried. */
export const SIMULATOR_BAD_KEY = 'sk-simulator-bad-key';

/** The last line of every simulated answer. */
export const SIMULATOR_NOTE = '_Offline simulator: worked out by rules on this machine, not by DeepSeek. Set `DEEPSEEK_API_KEY` to ask DeepSeek._';

interface Message {
  readonly role: string;
  readonly content: unknown;
}

/** A block of context the extension sent (`## Kind: title` and its fenced body). */
interface Section {
  readonly kind: string;
  readonly title: string;
  readonly body: string;
  readonly language: string;
}

/** The code a command acts on, as the request carries it. */
interface CodeTarget {
  readonly path: string;
  readonly startLine: number;
  readonly endLine: number;
  readonly code: string;
  readonly language: string;
  /** The text of the file before the target, when the request carries the current file. */
  readonly fileBefore: string;
}

/** What the extension asked, read back from its request. */
export interface ReadRequest {
  readonly question: string;
  readonly sections: readonly Section[];
  /** The images of the last user message (image_url parts), in order. */
  readonly images: readonly ImagePart[];
  readonly surface:
    | { kind: 'explain'; label: string }
    | { kind: 'refactor'; label: string; goal: string }
    | { kind: 'fix'; label: string; problems: Problem[] }
    | { kind: 'chat' };
}

const QUESTION_HEADING = '## Question\n';

/** Splits the last user message into its context sections and its question, and names the surface it came from. */
export function readRequest(messages: readonly Message[]): ReadRequest {
  const last = [...messages].reverse().find((m) => m.role === 'user');
  const content = typeof last?.content === 'string' ? last.content : Array.isArray(last?.content) ? textParts(last.content) : '';
  let question = content;
  let context = '';
  if (content.startsWith(QUESTION_HEADING)) {
    question = content.slice(QUESTION_HEADING.length);
  } else {
    const at = content.lastIndexOf(`\n\n${QUESTION_HEADING}`);
    if (at >= 0) {
      context = content.slice(0, at);
      question = content.slice(at + 2 + QUESTION_HEADING.length);
    }
  }
  question = question.trim();
  const sections = readSections(context);
  const images = Array.isArray(last?.content) ? imagesOf(last.content) : [];
  const explain = /^Explain the selected code \(([^)]*)\)/.exec(question);
  const refactorAsk = /^Refactor the selected code \(([^)]*)\)\. Goal: (.*)$/m.exec(question);
  const fixAsk = /^Fix these problems in the selected code \(([^)]*)\):\n((?:- .*(?:\n|$))*)/.exec(question);
  if (explain) return { question, sections, images, surface: { kind: 'explain', label: explain[1] } };
  if (refactorAsk) return { question, sections, images, surface: { kind: 'refactor', label: refactorAsk[1], goal: refactorAsk[2].trim() } };
  if (fixAsk) return { question, sections, images, surface: { kind: 'fix', label: fixAsk[1], problems: readProblems(fixAsk[2]) } };
  return { question, sections, images, surface: { kind: 'chat' } };
}

/** The readable image parts (the server has refused the others before the simulator sees them). */
function imagesOf(parts: readonly unknown[]): ImagePart[] {
  const images: ImagePart[] = [];
  for (const part of parts) {
    if (typeof part !== 'object' || part === null || (part as { type?: unknown }).type !== 'image_url') continue;
    try {
      images.push(readImagePart(part));
    } catch {
      // Not an image the simulator can see.
    }
  }
  return images;
}

function textParts(parts: readonly unknown[]): string {
  return parts
    .map((p) => (typeof p === 'object' && p !== null && (p as { type?: unknown }).type === 'text' ? String((p as { text?: unknown }).text ?? '') : ''))
    .join('\n');
}

function readSections(text: string): Section[] {
  const sections: Section[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; ) {
    const heading = /^## ([^:\n]+?)(?:: (.*))?$/.exec(lines[i]);
    i++;
    if (!heading) continue;
    const fence = /^(`{3,})(\S*)\s*$/.exec(lines[i] ?? '');
    if (!fence) {
      const start = i;
      while (i < lines.length && !/^## /.test(lines[i])) i++;
      sections.push({ kind: heading[1], title: heading[2] ?? '', body: lines.slice(start, i).join('\n').trim(), language: '' });
      continue;
    }
    const start = ++i;
    while (i < lines.length && lines[i] !== fence[1]) i++;
    sections.push({ kind: heading[1], title: heading[2] ?? '', body: lines.slice(start, i).join('\n'), language: fence[2] });
    i++;
  }
  return sections;
}

function readProblems(list: string): Problem[] {
  const problems: Problem[] = [];
  for (const line of list.split('\n')) {
    const m = /^- (\w+) at line (\d+): (.*)$/.exec(line);
    if (!m) continue;
    const origin = /^(.*) \(([^()\s]+)(?: ([^()\s]+))?\)$/.exec(m[3]);
    problems.push({
      severity: m[1],
      line: Number(m[2]),
      message: origin ? origin[1] : m[3],
      ...(origin ? { source: origin[2] } : {}),
      ...(origin?.[3] !== undefined ? { code: origin[3] } : {}),
    });
  }
  return problems;
}

/** The selected code of a command: its Selection block, else those lines of the current file. */
function codeTarget(request: ReadRequest, label: string): CodeTarget | undefined {
  const where = /^(.*):(\d+)-(\d+)$/.exec(label);
  const path = where?.[1] ?? '';
  const startLine = Number(where?.[2] ?? 1);
  const endLine = Number(where?.[3] ?? 1);
  const current = request.sections.find((s) => s.kind === 'Current file' && s.title.startsWith(`${path} `));
  const fileLines = current?.body.split('\n');
  const fileBefore = fileLines ? fileLines.slice(0, startLine - 1).join('\n') : '';
  const selection = request.sections.find((s) => s.kind === 'Selection' && s.title.startsWith(`Selection ${path}:`) && s.body.trim() !== '');
  if (selection) {
    return { path, startLine, endLine, code: selection.body, language: selection.language, fileBefore };
  }
  if (fileLines && endLine <= fileLines.length) {
    return { path, startLine, endLine, code: fileLines.slice(startLine - 1, endLine).join('\n'), language: current?.language ?? '', fileBefore };
  }
  return undefined;
}

/** The simulated reply to a chat request (the last user message decides), with reasoning when the request thinks. */
export function simulatedReply(messages: readonly Message[], thinking: boolean): ScriptedReply {
  const request = readRequest(messages);
  let answer: { reasoning: string; content: string };
  switch (request.surface.kind) {
    case 'explain':
      answer = explainAnswer(request, request.surface.label);
      break;
    case 'refactor':
      answer = refactorAnswer(request, request.surface.label, request.surface.goal);
      break;
    case 'fix':
      answer = fixAnswer(request, request.surface.label, request.surface.problems);
      break;
    default:
      answer = chatAnswer(request);
  }
  return {
    ...(thinking ? { reasoning: answer.reasoning } : {}),
    content: `${answer.content}\n\n${SIMULATOR_NOTE}`,
  };
}

/** Inline code: a run of backticks longer than any inside the text (a template literal stays readable). */
function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  const pad = longest > 0 ? ' ' : '';
  return `${ticks}${pad}${text}${pad}${ticks}`;
}

/** "src/cart.ts, line 18" / "src/cart.ts, lines 8–14", from a `path:start-end` label. */
function place(label: string): string {
  const m = /^(.*):(\d+)-(\d+)$/.exec(label);
  if (!m) return label;
  return m[2] === m[3] ? `${m[1]}, line ${m[2]}` : `${m[1]}, lines ${m[2]}–${m[3]}`;
}

/** A message as the end of a sentence: no second full stop after its own "?" or ".". */
function sentenceEnd(text: string): string {
  return /[.?!]$/.test(text) ? text : `${text}.`;
}

const COUNT_WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six'];

function count(n: number, noun: string): string {
  return `${COUNT_WORDS[n] ?? String(n)} ${noun}${n === 1 ? '' : 's'}`;
}

function list(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

function signature(fn: FunctionReading): string {
  const params = fn.params.map((p) => `${p.rest ? '...' : ''}${p.name}${p.type ? `: ${p.type}` : ''}`).join(', ');
  return `${fn.name}(${params})${fn.returnType ? (fn.kind === 'python function' ? ` -> ${fn.returnType}` : `: ${fn.returnType}`) : ''}`;
}

/** "takes one parameter, `values` (`number[]`), and returns `number`" */
function shape(fn: FunctionReading): string {
  const params = fn.params.map((p) => `\`${p.name}\`${p.type ? ` (\`${p.type}\`${p.optional ? ', optional' : ''}${p.rest ? ', any number of them' : ''})` : p.optional ? ' (optional)' : ''}`);
  const takes = fn.params.length === 0 ? 'takes no parameters' : `takes ${count(fn.params.length, 'parameter')}, ${list(params)},`;
  const type = fn.returnType;
  let returns: string;
  if (!type) returns = 'its return type is left to inference';
  else if (/^(?:void|None)$/.test(type)) returns = 'returns nothing';
  else if (/^Promise<(.+)>$/.test(type)) returns = `returns a promise of \`${/^Promise<(.+)>$/.exec(type)?.[1] ?? type}\``;
  else returns = `returns \`${type}\``;
  return `${takes} and ${returns}`;
}

/** A few sentences on what a function does, from its code. */
function describeFunction(fn: FunctionReading): { sentences: string[]; thoughts: string[] } {
  const facts = bodyFacts(fn);
  const what = fn.kind === 'method' ? 'method' : fn.kind === 'arrow function' ? 'arrow function' : 'function';
  const article = fn.async ? 'an async' : /^[aeiou]/.test(what) ? 'an' : 'a';
  const sentences: string[] = [`**\`${fn.name}\`** is ${article} ${what} that ${shape(fn)}.`];
  const thoughts: string[] = [`Signature: \`${signature(fn)}\`.`];
  let otherwise = false;
  for (const guard of facts.guards.slice(0, 3)) {
    if (guard.action === 'throw') {
      const error = guard.value ? `${/^[AEIOU]/.test(guard.value) ? 'an' : 'a'} \`${guard.value}\`` : 'an error';
      sentences.push(`If ${code(guard.condition)}, it throws ${error}${guard.message !== undefined ? ` ("${guard.message}")` : ''}.`);
      thoughts.push(`A guard: ${code(guard.condition)} throws.`);
      otherwise = true;
    } else if (guard.action === 'return') {
      sentences.push(guard.value ? `If ${code(guard.condition)}, it returns ${code(guard.value)} straight away.` : `If ${code(guard.condition)}, it returns at once.`);
      thoughts.push(`An early return when ${code(guard.condition)}.`);
      otherwise = true;
    } else {
      sentences.push(`It branches on ${code(guard.condition)}.`);
      thoughts.push(`A branch on ${code(guard.condition)}.`);
    }
  }
  if (facts.switchOn) {
    sentences.push(`It switches on \`${facts.switchOn}\`.`);
  }
  const locals = facts.locals.slice(0, 2).map((l) => `${code(l.name)} as ${code(l.value.length > 60 ? `${l.value.slice(0, 59)}…` : l.value)}`);
  if (locals.length) {
    sentences.push(`${otherwise ? 'Otherwise it' : 'It'} computes ${list(locals)}.`);
    thoughts.push(`Locals: ${list(locals)}.`);
    otherwise = false;
  }
  const loopSentences: string[] = [];
  for (const [i, loop] of facts.loops.slice(0, 2).entries()) {
    const acc = i === 0 ? facts.accumulations[0] : undefined;
    const verb = acc ? { '+=': 'adding', '-=': 'subtracting', '*=': 'multiplying', '/=': 'dividing' }[acc.op] : undefined;
    const startText = acc?.start !== undefined ? ` (which starts at ${code(acc.start)})` : '';
    const accText = acc && verb ? `, ${verb} ${code(acc.value)} ${acc.op === '+=' ? 'to' : acc.op === '-=' ? 'from' : 'into'} ${code(acc.target)}${startText} on each pass` : '';
    loopSentences.push(`${loop}${accText}`);
    thoughts.push(`A loop: it ${loop}${accText}.`);
  }
  if (loopSentences.length) {
    sentences.push(`${otherwise ? 'Otherwise it' : 'It'} ${list(loopSentences)}.`);
    otherwise = false;
  }
  const methods = facts.arrayMethods.filter((m) => m !== 'join' && m !== 'includes');
  if (methods.length) {
    sentences.push(`It works on the array with ${list(methods.map((m) => `\`${m}\``))}.`);
    thoughts.push(`Array methods: ${methods.join(', ')}.`);
  }
  const finalReturn = facts.returns.filter((r) => r !== '').at(-1);
  if (finalReturn) {
    const several = facts.returns.length > 1 + facts.guards.filter((g) => g.action === 'return').length;
    sentences.push(`${otherwise ? 'Otherwise it' : locals.length || loopSentences.length ? 'Then it' : 'It'} ${several ? 'ends by returning' : 'returns'} ${code(finalReturn.length > 80 ? `${finalReturn.slice(0, 77)}…` : finalReturn)}.`);
    thoughts.push(`It returns ${code(finalReturn)}.`);
  }
  if (facts.recursive) sentences.push('It calls itself recursively.');
  const calls = facts.calls.filter((c) => c !== 'require').slice(0, 4);
  if (calls.length) {
    sentences.push(`Along the way it calls ${list(calls.map((c) => `\`${c}\``))}.`);
    thoughts.push(`Calls: ${calls.join(', ')}.`);
  }
  if (facts.awaits) sentences.push('It `await`s, so callers get a promise and must await it too.');
  // Anything surprising: what a careful reader would point out.
  const divides = /\/\s*([\w$.]+)\.length\b/.exec(finalReturn ?? '');
  if (divides) {
    const guarded = facts.guards.some((g) => new RegExp(`${divides[1].replace(/[.$]/g, '\\$&')}\\.length\\s*===?\\s*0|!${divides[1].replace(/[.$]/g, '\\$&')}\\.length`).test(g.condition));
    sentences.push(guarded
      ? `The guard matters: without it an empty \`${divides[1]}\` would make the division return \`NaN\` (0 / 0) instead of failing loudly.`
      : `Watch out: for an empty \`${divides[1]}\` this divides by zero and returns \`NaN\`.`);
    thoughts.push(guarded ? 'The empty case is guarded.' : 'The empty case is not guarded: NaN.');
  } else if (facts.looseEquality) {
    sentences.push('Note that it compares with loose equality (`==`), which converts types before comparing.');
  } else {
    sentences.push('Nothing in it is surprising.');
  }
  return { sentences, thoughts };
}

function explainAnswer(request: ReadRequest, label: string): { reasoning: string; content: string } {
  const target = codeTarget(request, label);
  if (!target) {
    return {
      reasoning: `The user wants ${label} explained, but the request carries neither the selection nor the current file.`,
      content: `I cannot see the code of ${label} in this request (the selection and current-file context were not sent), so there is nothing I can explain.`,
    };
  }
  const fn = readFunction(target.code);
  const lines = target.code.split('\n').length;
  if (!fn) {
    const names = [...target.code.matchAll(/^\s*(?:export\s+)?(?:const|let|var|class|interface|type|enum)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => `\`${m[1]}\``);
    return {
      reasoning: `The user wants ${label} explained. It holds no function I can read; ${names.length ? `it declares ${list(names)}` : 'it is a fragment of code'}.`,
      content: `The selection (${label}, ${count(lines, 'line')}${target.language ? ` of ${target.language}` : ''}) holds no function${names.length ? `; it declares ${list(names)}` : ''}. The offline simulator explains functions: select one, or put the cursor inside one, and run Explain again.`,
    };
  }
  const { sentences, thoughts } = describeFunction(fn);
  const reasoning = [
    `The user wants \`${fn.name}\` (${label}) explained: what it does, how, and anything surprising.`,
    ...thoughts,
    'I will describe it in the order it runs, in a few sentences.',
  ].join(' ');
  return { reasoning, content: sentences.join(' ') };
}

/** Which refactors serve a goal, tried in this order; the others are tried after them. */
function refactorsFor(goal: string): RefactorKind[] {
  const g = goal.toLowerCase();
  if (/type/.test(g)) return ['readonlyParams'];
  if (/simplif|shorter|clear|cleaner|readab|reduce|arrow|modern|idiomatic/.test(g)) return ['loopToReduce', 'functionToArrow'];
  return [];
}

const ALL_REFACTORS: readonly RefactorKind[] = ['loopToReduce', 'functionToArrow', 'readonlyParams'];

const KNOWN_REFACTORS =
  'it knows three refactors that keep behaviour: an accumulating loop over an array as a `reduce`, a single-`return` function as an arrow function, and read-only types for array parameters the function only reads';

function refactorAnswer(request: ReadRequest, label: string, goal: string): { reasoning: string; content: string } {
  const target = codeTarget(request, label);
  if (!target) {
    return {
      reasoning: `The user wants ${label} refactored (${goal}), but the request carries neither the selection nor the current file.`,
      content: `I cannot see the code of ${label} in this request (the selection and current-file context were not sent), so I have nothing to refactor.`,
    };
  }
  const fn = readFunction(target.code);
  const name = fn ? `\`${fn.name}\`` : 'the selected code';
  const preferred = refactorsFor(goal);
  let change: CodeChange | undefined;
  let fitsGoal = false;
  for (const kind of preferred) {
    change = refactor(kind, target.code, target.fileBefore);
    if (change) {
      fitsGoal = true;
      break;
    }
  }
  for (const kind of ALL_REFACTORS.filter((k) => !preferred.includes(k))) {
    if (change) break;
    change = refactor(kind, target.code, target.fileBefore);
  }
  const goalText = goal.replace(/\.$/, '');
  if (!change) {
    return {
      reasoning: `Goal: ${goal} The selection is ${name} (${label}). None of the rewrites I know applies to it without risking a change in behaviour, so I will say so instead of guessing.`,
      content: `I found no change to ${name} that I can make safely for "${goalText}": the offline simulator is not a model; ${KNOWN_REFACTORS}, and none of them applies here. Set \`DEEPSEEK_API_KEY\` and DeepSeek will take on the goal itself.`,
    };
  }
  const lead = fitsGoal
    ? `Here is ${name} ${change.summary}:`
    : `The offline simulator cannot do "${goalText}" itself (${KNOWN_REFACTORS}); the one change it can make here is ${name} ${change.summary}:`;
  const fence = '`'.repeat(Math.max(3, ...[...change.code.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const content = [lead, '', `${fence}${target.language}`, change.code.replace(/\n+$/, ''), fence, '', ...change.notes.map((n) => `- ${n}`)].join('\n');
  const reasoning = [
    `Goal: ${goal}`,
    `The selection is ${name} (${label}, ${count(target.code.split('\n').length, 'line')}).`,
    `The change that fits: ${name} ${change.summary}.`,
    change.notes[0],
    'I will reply with the replacement for exactly the selected lines in one code block.',
  ].join(' ');
  return { reasoning, content };
}

function fixAnswer(request: ReadRequest, label: string, problems: readonly Problem[]): { reasoning: string; content: string } {
  const target = codeTarget(request, label);
  const listed = problems.map((p) => `line ${p.line}: ${p.message.replace(/[.]$/, '')}`).join('; ');
  if (!target) {
    return {
      reasoning: `The user wants the problems in ${label} fixed (${listed}), but the request carries neither the selection nor the current file.`,
      content: `I cannot see the code of ${label} in this request (the selection and current-file context were not sent), so I cannot fix it.`,
    };
  }
  const result = fixProblems(target.code, target.startLine, problems);
  if (!result) {
    return {
      reasoning: `The problems: ${sentenceEnd(listed)} None of them names its own fix, and the offline simulator does not guess.`,
      content: [
        `The offline simulator has no fix for ${problems.length === 1 ? 'this problem' : 'these problems'}:`,
        '',
        ...problems.map((p) => `- line ${p.line}: ${p.message}`),
        '',
        'It fixes the problems whose message names the fix — a misspelt name TypeScript suggests a correction for ("Did you mean …?") and a type annotation that contradicts the value. Set `DEEPSEEK_API_KEY` and DeepSeek will look at these.',
      ].join('\n'),
    };
  }
  const fence = '`'.repeat(Math.max(3, ...[...result.code.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  const content = [
    `The corrected code for ${place(label)}:`,
    '',
    `${fence}${target.language}`,
    result.code.replace(/\n+$/, ''),
    fence,
    '',
    ...result.fixed.map((f) => `- ${f.description.charAt(0).toUpperCase()}${f.description.slice(1)}.`),
    ...(result.unfixed.length ? [`- Not fixed: ${result.unfixed.map((p) => `line ${p.line} (${p.message})`).join('; ')} — the simulator has no rule for ${result.unfixed.length === 1 ? 'it' : 'them'}.`] : []),
    '',
    'Nothing else changed.',
  ].join('\n');
  const reasoning = [
    `The problems reported: ${sentenceEnd(listed)}`,
    ...result.fixed.map((f) => `The message names its own fix: ${f.description}.`),
    'The smallest change that removes the error is enough; I will reply with the corrected selection in one code block.',
  ].join(' ');
  return { reasoning, content };
}

function chatAnswer(request: ReadRequest): { reasoning: string; content: string } {
  const question = request.question;
  const short = question.length > 80 ? `${question.slice(0, 77)}…` : question;
  if (request.images.length) {
    const seen = request.images.map(describeImage);
    return {
      reasoning: `The user sent ${count(request.images.length, 'image')} and asks: "${short}". The offline simulator can only read the text an image carries.`,
      content: `${seen.join('\n\n')}\n\nThe offline simulator reads only the text an image carries, so it cannot answer "${short || '(an empty question)'}" about it the way DeepSeek would.`,
    };
  }
  const code = request.sections.filter((s) => s.kind === 'Selection' || s.kind === 'Current file' || s.kind === 'Pinned file');
  const functions: { fn: FunctionReading; where: string }[] = [];
  for (const section of code) {
    let rest = section.body;
    for (let fn = readFunction(rest); fn && functions.length < 20; fn = readFunction(rest)) {
      if (!functions.some((f) => f.fn.name === fn?.name)) functions.push({ fn, where: section.title.replace(/ \(current file\)$/, '') });
      rest = rest.slice(Math.max(fn.end, 1));
    }
  }
  const asked = functions.find(({ fn }) => new RegExp(`(?<![\\w$])${fn.name.replace(/\$/g, '\\$')}(?![\\w$])`).test(question));
  if (/^(?:hi|hello|hey|good (?:morning|afternoon|evening))\b/i.test(question)) {
    return {
      reasoning: 'A greeting. I will say hello and what I can do offline.',
      content: 'Hello! This is DeepSeek Assistant running against its offline simulator. Select a function and try **Explain**, **Refactor** or **Fix** (right-click, or the light bulb on a problem), or ask me about a function in the open file by its name.',
    };
  }
  if (asked) {
    const { sentences } = describeFunction(asked.fn);
    return {
      reasoning: `The question names \`${asked.fn.name}\`, which is in ${asked.where}. I will say what it does from its code.`,
      content: `In ${asked.where}: ${sentences.join(' ')}`,
    };
  }
  const names = functions.slice(0, 5).map(({ fn }) => `\`${fn.name}\``);
  const context = names.length
    ? ` I can see ${list(names)} in the code sent with your question: ask about one of them by name, or select code and run **Explain**, **Refactor** or **Fix**.`
    : ' Open a file or select code and I can explain, refactor or fix it (**Explain**, **Refactor**, **Fix** in the editor\'s context menu).';
  return {
    reasoning: `The user asks: "${short}". The offline simulator answers from the code in the request only, and this question names none of it.`,
    content: `I am the offline simulator, so I cannot answer "${short || '(an empty question)'}" the way DeepSeek would.${context}`,
  };
}
