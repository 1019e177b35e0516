/**
 * How the offline simulator reads code: a small, deterministic reader for the function a selection holds
 * (TypeScript / JavaScript, and Python's `def`), the refactors it can make without changing behaviour, and the
 * fixes it knows for compiler messages that name their own fix. Plain text rules, no parser: what it cannot
 * read it says it cannot, and the answers in simulatedAnswers.ts say so too.
 */

export interface Param {
  readonly name: string;
  readonly type?: string;
  readonly optional: boolean;
  readonly rest: boolean;
}

export interface FunctionReading {
  readonly name: string;
  readonly kind: 'function' | 'arrow function' | 'method' | 'python function';
  readonly params: readonly Param[];
  readonly returnType?: string;
  readonly async: boolean;
  /** The body: what is between the braces, the expression of an arrow function, or a Python block. */
  readonly body: string;
  /** True for an arrow function whose body is one expression. */
  readonly expressionBody: boolean;
  /** The text of the parameter list, without its parentheses, and where it starts in the code. */
  readonly paramsText: string;
  readonly paramsStart: number;
  /** Where the declaration starts (its line's indentation included) and ends (after its `}`, `;` or block). */
  readonly start: number;
  readonly end: number;
}

const KEYWORDS = new Set([
  'if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'typeof', 'new', 'await', 'throw', 'super', 'import',
  'do', 'else', 'try', 'with', 'yield', 'delete', 'void', 'in', 'of', 'instanceof', 'constructor', 'print', 'len',
  'range', 'isinstance', 'def', 'class', 'elif', 'not', 'and', 'or', 'lambda', 'assert', 'raise', 'except',
]);

/**
 * The index just past the bracket that closes the one at `open` (`(`, `[`, `{` or `<`), skipping strings and
 * comments; -1 when it is not closed.
 */
export function closingBracket(text: string, open: number): number {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}', '<': '>' };
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i);
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 1;
      continue;
    }
    if (c === '=' && text[i + 1] === '>' && stack.at(-1) === '>') {
      i++; // an arrow inside a type argument is not its closing bracket
      continue;
    }
    if (c in pairs && (c !== '<' || stack.length === 0 || stack.at(-1) === '>')) {
      stack.push(pairs[c]);
    } else if (c === stack.at(-1)) {
      stack.pop();
      if (stack.length === 0) return i + 1;
    }
  }
  return -1;
}

function skipString(text: string, start: number): number {
  const quote = text[start];
  for (let i = start + 1; i < text.length; i++) {
    if (text[i] === '\\') {
      i++;
    } else if (text[i] === quote) {
      return i;
    } else if (text[i] === '\n' && quote !== '`') {
      return i;
    }
  }
  return text.length;
}

/** Splits at commas that are not inside brackets or strings. */
export function splitTopLevel(text: string, separator = ','): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === '`') {
      i = skipString(text, i);
    } else if ('([{<'.includes(c)) {
      depth++;
    } else if (')]}>'.includes(c) && !(c === '>' && text[i - 1] === '=')) {
      depth--;
    } else if (c === separator && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

function parseParams(text: string, python: boolean): Param[] {
  return splitTopLevel(text)
    .map((raw) => raw.replace(/^(?:public|private|protected|readonly)\s+/, ''))
    .filter((raw) => !(python && (raw === 'self' || raw === 'cls' || raw === '*' || raw === '/')))
    .map((raw) => {
      const rest = raw.startsWith('...') || (python && raw.startsWith('*'));
      const withoutRest = raw.replace(/^\.\.\.|^\*{1,2}/, '');
      const [declaration, defaultValue] = splitTopLevel(withoutRest, '=');
      const colon = declaration.indexOf(':');
      const namePart = (colon < 0 ? declaration : declaration.slice(0, colon)).trim();
      const type = colon < 0 ? undefined : declaration.slice(colon + 1).trim();
      const optional = namePart.endsWith('?') || defaultValue !== undefined;
      return { name: namePart.replace(/\?$/, ''), ...(type ? { type } : {}), optional, rest };
    });
}

interface Header {
  readonly at: number;
  readonly name: string;
  readonly kind: FunctionReading['kind'];
  readonly async: boolean;
  /** Index of the parameter list's `(`. */
  readonly paren: number;
}

const HEADERS: readonly { re: RegExp; kind: FunctionReading['kind']; name: number; async: number }[] = [
  { re: /^[ \t]*(?:export\s+)?(?:default\s+)?(async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)\s*(?:<[^>(]*>)?\s*\(/gm, kind: 'function', name: 2, async: 1 },
  { re: /^[ \t]*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n]+)?=\s*(async\s+)?(?:<[^>(]*>)?\s*\(/gm, kind: 'arrow function', name: 1, async: 2 },
  { re: /^[ \t]*(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*=\s*(async\s+)?function\s*\*?\s*[\w$]*\s*\(/gm, kind: 'function', name: 1, async: 2 },
  { re: /^[ \t]*(async\s+)?def\s+([A-Za-z_]\w*)\s*\(/gm, kind: 'python function', name: 2, async: 1 },
  { re: /^[ \t]*(?:(?:public|private|protected|static|override|readonly)\s+)*(async\s+)?([A-Za-z_$][\w$]*)\s*(?:<[^>(]*>)?\s*\(/gm, kind: 'method', name: 2, async: 1 },
];

/** The first function the code declares (earliest header wins), read into its parts; undefined if none. */
export function readFunction(code: string): FunctionReading | undefined {
  const headers: Header[] = [];
  for (const h of HEADERS) {
    h.re.lastIndex = 0;
    for (let m = h.re.exec(code); m; m = h.re.exec(code)) {
      const name = m[h.name];
      if (h.kind === 'method' && KEYWORDS.has(name)) continue;
      headers.push({ at: m.index, name, kind: h.kind, async: Boolean(m[h.async]), paren: m.index + m[0].length - 1 });
    }
  }
  headers.sort((a, b) => a.at - b.at || HEADERS.findIndex((h) => h.kind === a.kind) - HEADERS.findIndex((h) => h.kind === b.kind));
  for (const header of headers) {
    const reading = readAt(code, header);
    if (reading) return reading;
  }
  return undefined;
}

function readAt(code: string, header: Header): FunctionReading | undefined {
  const close = closingBracket(code, header.paren);
  if (close < 0) return undefined;
  const paramsText = code.slice(header.paren + 1, close - 1);
  const python = header.kind === 'python function';
  let rest = code.slice(close);
  let returnType: string | undefined;
  if (python) {
    const m = /^\s*(?:->\s*([^:]+?))?\s*:/.exec(rest);
    if (!m) return undefined;
    returnType = m[1]?.trim();
    const lines = rest.slice(m[0].length).split('\n');
    const first = lines.find((l, i) => i > 0 && l.trim() !== '');
    const indent = /^\s*/.exec(first ?? '')?.[0] ?? '';
    const body: string[] = [];
    for (const line of lines.slice(1)) {
      if (line.trim() !== '' && !line.startsWith(indent)) break;
      body.push(line);
    }
    const inline = lines[0].trim();
    const blockText = inline ? lines[0] : ['', ...body].join('\n');
    const end = close + m[0].length + blockText.length;
    return { name: header.name, kind: header.kind, params: parseParams(paramsText, true), ...(returnType ? { returnType } : {}), async: header.async, body: inline || body.join('\n'), expressionBody: false, paramsText, paramsStart: header.paren + 1, start: header.at, end };
  }
  const typed = /^\s*:\s*/.exec(rest);
  if (typed) {
    // The return type runs to the body's `{` or the arrow, at bracket depth 0.
    let depth = 0;
    let end = -1;
    const text = rest.slice(typed[0].length);
    for (let i = 0; i < text.length; i++) {
      const c = text[i];
      if (depth === 0 && (c === '{' && /\s$/.test(text.slice(0, i)) || text.startsWith('=>', i))) {
        end = i;
        break;
      }
      if ('([<'.includes(c)) depth++;
      else if (')]'.includes(c) || (c === '>' && text[i - 1] !== '=')) depth--;
      else if (c === '{') depth++;
      else if (c === '}') depth--;
    }
    if (end < 0) return undefined;
    returnType = text.slice(0, end).trim();
    rest = text.slice(end);
  }
  const arrow = /^\s*=>\s*/.exec(rest);
  if (header.kind === 'arrow function' && !arrow) return undefined;
  if (header.kind !== 'arrow function' && arrow) return undefined;
  const afterArrow = arrow ? rest.slice(arrow[0].length) : rest;
  const offset = code.length - afterArrow.length;
  const brace = /^\s*\{/.exec(afterArrow);
  let body: string;
  let end: number;
  let expressionBody = false;
  if (brace) {
    const open = brace[0].length - 1;
    const close = closingBracket(afterArrow, open);
    if (close < 0) return undefined;
    body = afterArrow.slice(open + 1, close - 1);
    end = offset + close + (/^;/.test(afterArrow.slice(close)) ? 1 : 0);
  } else if (arrow) {
    expressionBody = true;
    const statement = /^[^;\n]*(?:;|$)/m.exec(afterArrow)?.[0] ?? afterArrow;
    body = statement.replace(/;\s*$/, '').trim();
    end = offset + statement.length;
  } else {
    return undefined;
  }
  return { name: header.name, kind: header.kind, params: parseParams(paramsText, false), ...(returnType ? { returnType } : {}), async: header.async, body, expressionBody, paramsText, paramsStart: header.paren + 1, start: header.at, end };
}

export interface Guard {
  readonly condition: string;
  readonly action: 'throw' | 'return' | 'other';
  /** throw: the error's class; return: the returned expression. */
  readonly value?: string;
  /** throw: the error's message, when it is a literal. */
  readonly message?: string;
}

/** What a function body does, as the explanation names it. */
export interface BodyFacts {
  /** `if` statements: what they test and what they do first (throw: the error's class and message). */
  readonly guards: readonly Guard[];
  readonly loops: readonly string[];
  readonly accumulations: readonly { target: string; op: string; value: string; start?: string }[];
  /** Local variables and what they are set to (accumulators not included). */
  readonly locals: readonly { name: string; value: string }[];
  readonly arrayMethods: readonly string[];
  readonly returns: readonly string[];
  readonly calls: readonly string[];
  readonly awaits: boolean;
  readonly recursive: boolean;
  readonly ternary: boolean;
  readonly switchOn?: string;
  readonly looseEquality: boolean;
}

/** Reads the statements of a function body that an explanation names (first of each kind, in order). */
export function bodyFacts(reading: FunctionReading): BodyFacts {
  const body = stripComments(reading.body);
  const guards: Guard[] = [];
  const ifs = reading.kind === 'python function' ? /\b(?:if|elif)\s+([^\n:]+):\s*\n?\s*(.*)/g : /\bif\s*\(/g;
  for (let m = ifs.exec(body); m; m = ifs.exec(body)) {
    let condition: string;
    let next: string;
    if (reading.kind === 'python function') {
      condition = m[1].trim();
      next = m[2].trim();
    } else {
      const open = m.index + m[0].length - 1;
      const close = closingBracket(body, open);
      if (close < 0) break;
      condition = body.slice(open + 1, close - 1).trim();
      next = body.slice(close).replace(/^\s*\{?\s*/, '');
    }
    const thrown = /^(?:throw\s+new|raise)\s+([A-Za-z_$][\w$]*)\s*\(\s*(?:(['"`])(.*?)\2)?/.exec(next);
    const returned = /^return\b\s*([^;\n]*)/.exec(next);
    if (thrown) guards.push({ condition, action: 'throw', value: thrown[1], ...(thrown[3] !== undefined ? { message: thrown[3] } : {}) });
    else if (returned) guards.push({ condition, action: 'return', value: returned[1].trim() });
    else guards.push({ condition, action: 'other' });
  }
  const loops: string[] = [];
  const forRe = reading.kind === 'python function' ? /\bfor\s+(\w+)\s+in\s+([^\n:]+):/g : /\bfor\s*\(/g;
  for (let m = forRe.exec(body); m; m = forRe.exec(body)) {
    if (reading.kind === 'python function') {
      loops.push(`loops over each \`${m[1]}\` in \`${m[2].trim()}\``);
      continue;
    }
    const open = m.index + m[0].length - 1;
    const close = closingBracket(body, open);
    if (close < 0) break;
    const head = body.slice(open + 1, close - 1).trim();
    const forOf = /^(?:const|let|var)\s+(.+?)\s+of\s+(.+)$/.exec(head);
    const forIn = /^(?:const|let|var)\s+(.+?)\s+in\s+(.+)$/.exec(head);
    const counted = /^(?:let|var)\s+(\w+)\s*=\s*([^;]+);\s*\1\s*(<=?|>=?)\s*([^;]+);/.exec(head);
    if (forOf) loops.push(`loops over each \`${forOf[1]}\` of \`${forOf[2]}\` (\`for … of\`)`);
    else if (forIn) loops.push(`loops over the keys \`${forIn[1]}\` of \`${forIn[2]}\``);
    else if (counted) loops.push(`counts \`${counted[1]}\` from \`${counted[2].trim()}\` while \`${counted[1]} ${counted[3]} ${counted[4].trim()}\``);
    else loops.push(`runs a \`for (${head})\` loop`);
  }
  const whileRe = reading.kind === 'python function' ? /\bwhile\s+([^\n:]+):/g : /\bwhile\s*\(/g;
  for (let m = whileRe.exec(body); m; m = whileRe.exec(body)) {
    if (reading.kind === 'python function') {
      loops.push(`repeats while \`${m[1].trim()}\``);
      continue;
    }
    const open = m.index + m[0].length - 1;
    const close = closingBracket(body, open);
    if (close < 0) break;
    loops.push(`repeats while \`${body.slice(open + 1, close - 1).trim()}\``);
  }
  const declared = new Map<string, string>();
  for (const m of body.matchAll(/^[ \t]*(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=\n]+)?=\s*([^;\n]+)/gm)) {
    if (!declared.has(m[1])) declared.set(m[1], m[2].trim());
  }
  if (reading.kind === 'python function') {
    for (const m of body.matchAll(/^[ \t]*([A-Za-z_]\w*)\s*(?::[^=\n]+)?=(?!=)\s*([^\n]+)/gm)) {
      if (!declared.has(m[1])) declared.set(m[1], m[2].trim());
    }
  }
  const accumulations: { target: string; op: string; value: string; start?: string }[] = [];
  for (const m of body.matchAll(/([A-Za-z_$][\w$.]*)\s*(\+=|-=|\*=|\/=)\s*([^;\n]+)/g)) {
    const start = declared.get(m[1]);
    accumulations.push({ target: m[1], op: m[2], value: m[3].trim(), ...(start !== undefined ? { start } : {}) });
  }
  const locals = [...declared].filter(([name]) => !accumulations.some((a) => a.target === name)).map(([name, value]) => ({ name, value }));
  const arrayMethods = unique([...body.matchAll(/\.(map|filter|reduce|forEach|some|every|find|findIndex|flatMap|sort|join|includes)\s*\(/g)].map((m) => m[1]));
  const returns = [...body.matchAll(reading.kind === 'python function' ? /\breturn\b[ \t]*([^\n]*)/g : /\breturn\b\s*([^;\n]*)/g)].map((m) => m[1].trim());
  if (reading.expressionBody) returns.push(body.trim());
  const params = new Set(reading.params.map((p) => p.name));
  const calls = unique([...body.matchAll(/(?<![.\w$])(?<!new\s+)([A-Za-z_$][\w$]*)\s*\(/g)]
    .map((m) => m[1])
    .filter((name) => !KEYWORDS.has(name) && !params.has(name) && name !== reading.name && !/^[A-Z]/.test(name)));
  const recursive = new RegExp(`(?<![.\\w$])${escapeRegExp(reading.name)}\\s*\\(`).test(body);
  const switchOn = /\bswitch\s*\(([^)]*)\)/.exec(body)?.[1]?.trim();
  return {
    guards,
    loops,
    accumulations,
    locals,
    arrayMethods,
    returns,
    calls,
    awaits: /\bawait\b/.test(body),
    recursive,
    ternary: /\?[^.?:][^:\n]*:/.test(body.replace(/\?\./g, '')) && reading.kind !== 'python function',
    ...(switchOn ? { switchOn } : {}),
    looseEquality: /[^=!<>]==[^=]|!=[^=]/.test(body) && reading.kind !== 'python function',
  };
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/[^\n]*/g, '$1');
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A change the simulator made: the new code, and what to say about it. */
export interface CodeChange {
  readonly code: string;
  /** One line for the answer's opening, e.g. "with the accumulating loop written as a `reduce`". */
  readonly summary: string;
  /** Bullet points that say why behaviour is kept. */
  readonly notes: readonly string[];
}

export type RefactorKind = 'loopToReduce' | 'functionToArrow' | 'readonlyParams';

/** Tries one refactor on `code` (the selection as sent); `fileBefore` is the file's text before the selection. */
export function refactor(kind: RefactorKind, code: string, fileBefore = ''): CodeChange | undefined {
  const reading = readFunction(code);
  switch (kind) {
    case 'loopToReduce': return loopToReduce(code, reading);
    case 'functionToArrow': return reading ? functionToArrow(code, reading, fileBefore) : undefined;
    case 'readonlyParams': return reading ? readonlyParams(code, reading) : undefined;
  }
}

const ARRAY_TYPE = /^(?:readonly\s+)?(?:[\w$.]+(?:<[^>]*>)?|\([^)]*\))\[\]$|^(?:Readonly)?Array<.+>$/;

/** Whether `expr` can follow `acc + ` / `acc * ` without parentheses changing what it means. */
function safeOperand(expr: string, op: string): boolean {
  return op === '+' ? /^[\w$.[\]'"\s*]+$/.test(expr) : /^[\w$.[\]'"\s]+$/.test(expr);
}

function singular(name: string): string {
  const last = name.split('.').pop() ?? name;
  if (/ies$/.test(last)) return last.replace(/ies$/, 'y');
  if (/(?:ss|x|ch|sh)es$/.test(last)) return last.replace(/es$/, '');
  if (/[^s]s$/.test(last)) return last.slice(0, -1);
  return 'element';
}

/**
 * `let acc = init; for (const x of xs) { acc += expr; }` (or a counted loop over `xs[i]`), over an array
 * parameter, becomes `const acc = xs.reduce((acc, x) => acc + expr, init)` — `return xs.reduce(…)` when the
 * next statement returns `acc`. Only when `acc` is not changed again afterwards and `xs` is known to be an array.
 */
function loopToReduce(code: string, reading: FunctionReading | undefined): CodeChange | undefined {
  const id = '[A-Za-z_$][\\w$]*';
  const forOf = new RegExp(
    `^([ \\t]*)let\\s+(${id})(\\s*:\\s*[^=\\n]+?)?\\s*=\\s*([^;\\n]+);[ \\t]*\\n` +
    `\\1for\\s*\\(\\s*(?:const|let)\\s+(${id})\\s+of\\s+([\\w$.]+)\\s*\\)\\s*\\{[ \\t]*\\n` +
    `[ \\t]+\\2\\s*(\\+|\\*)=\\s*([^;\\n]+);[ \\t]*\\n` +
    `\\1\\}[ \\t]*(?:\\n|$)`, 'm');
  const counted = new RegExp(
    `^([ \\t]*)let\\s+(${id})(\\s*:\\s*[^=\\n]+?)?\\s*=\\s*([^;\\n]+);[ \\t]*\\n` +
    `\\1for\\s*\\(\\s*let\\s+(${id})\\s*=\\s*0\\s*;\\s*\\5\\s*<\\s*([\\w$.]+)\\.length\\s*;\\s*(?:\\5\\+\\+|\\+\\+\\5|\\5\\s*\\+=\\s*1)\\s*\\)\\s*\\{[ \\t]*\\n` +
    `[ \\t]+\\2\\s*(\\+|\\*)=\\s*([^;\\n]+);[ \\t]*\\n` +
    `\\1\\}[ \\t]*(?:\\n|$)`, 'm');
  let m = forOf.exec(code);
  let element: string;
  let expr: string;
  let loopText: string;
  if (m) {
    element = m[5];
    expr = m[8].trim();
    loopText = '`for … of` loop';
  } else {
    m = counted.exec(code);
    if (!m) return undefined;
    const index = m[5];
    const array = m[6];
    element = singular(array);
    const at = new RegExp(`${escapeRegExp(array)}\\s*\\[\\s*${escapeRegExp(index)}\\s*\\]`, 'g');
    expr = m[8].trim().replace(at, element);
    if (new RegExp(`\\b${escapeRegExp(index)}\\b`).test(expr) || new RegExp(`\\b${escapeRegExp(element)}\\b`).test(m[8])) return undefined;
    loopText = 'counted `for` loop';
  }
  const [whole, indent, acc, annotation, init, , array, op] = m;
  if (acc === element) return undefined;
  // The array must be a parameter typed as an array: a Set or a generator has no reduce.
  const param = reading?.params.find((p) => p.name === array);
  if (!param?.type || !ARRAY_TYPE.test(param.type)) return undefined;
  const after = code.slice(m.index + whole.length);
  const returnsNext = new RegExp(`^[ \\t]*return\\s+${escapeRegExp(acc)}\\s*;[ \\t]*(?:\\n|$)`).exec(after);
  const rest = returnsNext ? after.slice(returnsNext[0].length) : after;
  if (new RegExp(`(?<![\\w$.])${escapeRegExp(acc)}\\s*(?:[-+*/%]?=(?!=)|\\+\\+|--)|(?:\\+\\+|--)${escapeRegExp(acc)}\\b`).test(rest)) return undefined;
  const operand = safeOperand(expr, op) ? expr : `(${expr})`;
  const type = annotation?.replace(/^\s*:\s*/, '').trim();
  const generic = type && !(type === 'number' && /^-?\d/.test(init.trim())) && !(type === 'string' && /^['"`]/.test(init.trim())) ? `<${type}>` : '';
  const call = `${array}.reduce${generic}((${acc}, ${element}) => ${acc} ${op} ${operand}, ${init.trim()})`;
  const replacement = returnsNext ? `${indent}return ${call};\n` : `${indent}const ${acc} = ${call};\n`;
  const end = m.index + whole.length + (returnsNext ? returnsNext[0].length : 0);
  const newCode = code.slice(0, m.index) + replacement + code.slice(end);
  const verb = op === '+' ? 'adds' : 'multiplies by';
  return {
    code: newCode.replace(/\n$/, code.endsWith('\n') ? '\n' : ''),
    summary: `with the ${loopText} that ${op === '+' ? 'adds to' : 'multiplies'} \`${acc}\` written as one \`reduce\``,
    notes: [
      `\`reduce\` starts from \`${init.trim()}\` and ${verb} \`${expr}\` for each \`${element}\` of \`${array}\`, in the same order as the loop, so the result is the same${op === '+' ? ' (also for an empty array: the start value)' : ''}.`,
      returnsNext ? `The mutable \`${acc}\` is gone: the function returns the \`reduce\` directly.` : `\`${acc}\` is now a \`const\`: nothing changes it after the loop.`,
    ],
  };
}

/**
 * `function name(params): T { return expr; }` becomes `const name = (params): T => expr;` — only for a body that
 * is a single return, with no `this` or `arguments`, and when the file does not call it before its definition
 * (a `const` is not hoisted).
 */
function functionToArrow(code: string, reading: FunctionReading, fileBefore: string): CodeChange | undefined {
  if (reading.kind !== 'function' || code.slice(reading.end).trim() !== '') return undefined;
  const header = code.slice(reading.start, reading.paramsStart);
  const m = /^([ \t]*)(export\s+)?(async\s+)?function\s+([A-Za-z_$][\w$]*)\s*(<[^>(]*>)?\s*\($/.exec(header);
  if (!m || m[4] !== reading.name) return undefined;
  const statements = reading.body.trim();
  const single = /^return\s+([\s\S]+?);?$/.exec(statements);
  if (!single || /\breturn\b/.test(single[1]) || /;\s*\S/.test(single[1]) || /\b(?:this|arguments)\b/.test(statements)) return undefined;
  if (new RegExp(`(?<![\\w$.])${escapeRegExp(reading.name)}\\s*\\(`).test(fileBefore)) return undefined;
  const [, indent, exported = '', asyncKw = '', name, generics = ''] = m;
  const expr = single[1].trim();
  const body = expr.startsWith('{') ? `(${expr})` : expr;
  const returnType = reading.returnType ? `: ${reading.returnType}` : '';
  // `<T>(…) =>` would read as JSX in a .tsx file; `<T,>` works in both.
  const typeParams = generics ? generics.replace(/>$/, generics.includes(',') ? '>' : ',>') : '';
  const arrow = `${indent}${exported}const ${name} = ${asyncKw}${typeParams}(${reading.paramsText})${returnType} => ${body};`;
  return {
    code: code.slice(0, reading.start) + arrow + code.slice(reading.end),
    summary: 'as an arrow function',
    notes: [
      'Same parameters, same return type, same expression: callers see no difference.',
      `The body is a single \`return\` and uses neither \`this\` nor \`arguments\`, and nothing earlier in the file calls \`${name}\` (a \`const\` is not hoisted), so the arrow form behaves the same.`,
    ],
  };
}

const MUTATORS = ['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin'];

/**
 * Array parameters the function only reads become `readonly T[]` (`ReadonlyArray<T>`), so the signature says
 * that it does not change them. Only when every use reads: no mutating method, no assignment to an element, and
 * never handed on whole to another function (whose parameter might not be readonly).
 */
function readonlyParams(code: string, reading: FunctionReading): CodeChange | undefined {
  if (reading.kind === 'python function') return undefined;
  const body = stripComments(reading.body);
  const changed: string[] = [];
  let paramsText = reading.paramsText;
  for (const param of reading.params) {
    if (!param.type || !ARRAY_TYPE.test(param.type) || /^readonly\b|^ReadonlyArray</.test(param.type) || param.rest) continue;
    const name = escapeRegExp(param.name);
    const uses = [...body.matchAll(new RegExp(`(?<![\\w$.])${name}(?![\\w$])`, 'g'))];
    const onlyReads = uses.every((use) => {
      const after = body.slice(use.index + use[0].length);
      const before = body.slice(0, use.index);
      if (new RegExp(`^\\s*\\.\\s*(?:${MUTATORS.join('|')})\\s*\\(`).test(after)) return false;
      if (/^\s*\[[^\]]*\]\s*(?:[-+*/%]?=(?!=)|\+\+|--)/.test(after)) return false;
      if (/^\s*=(?!=)/.test(after)) return false;
      if (/^\s*\.\s*length\s*=(?!=)/.test(after)) return false;
      if (/^\s*[.[]/.test(after)) return true;
      if (/\bof\s*$/.test(before) || /\.\.\.\s*$/.test(before)) return true;
      return false; // handed on whole, compared, returned: its type may matter elsewhere
    });
    if (uses.length === 0 || !onlyReads) continue;
    const type = param.type;
    const readonlyType = type.startsWith('Array<') ? `ReadonlyArray<${type.slice(6, -1)}>` : `readonly ${type}`;
    const declaration = new RegExp(`(${name}\\??\\s*:\\s*)${escapeRegExp(type)}`);
    if (!declaration.test(paramsText)) continue;
    paramsText = paramsText.replace(declaration, `$1${readonlyType}`);
    changed.push(`\`${param.name}: ${readonlyType}\``);
  }
  if (changed.length === 0) return undefined;
  const at = reading.paramsStart;
  const newCode = code.slice(0, at) + paramsText + code.slice(at + reading.paramsText.length);
  return {
    code: newCode,
    summary: `with ${changed.length === 1 ? 'its array parameter' : 'its array parameters'} typed as read-only (${changed.join(', ')})`,
    notes: [
      `\`${reading.name}\` only reads ${changed.length === 1 ? 'it' : 'them'}: no \`push\`, \`sort\` or assignment to an element, so the stricter type compiles and says so to callers.`,
      'Types only: the compiled JavaScript is identical.',
    ],
  };
}

/** A problem as the Fix instruction lists it. */
export interface Problem {
  readonly severity: string;
  /** 1-based line in the file. */
  readonly line: number;
  readonly message: string;
  readonly source?: string;
  readonly code?: string;
}

/** What fixing one problem changed. */
export interface ProblemFix {
  readonly problem: Problem;
  readonly description: string;
}

/**
 * Fixes the problems whose message names the fix: "… Did you mean 'x'?" (a misspelt name or property) and
 * "Type 'A' is not assignable to type 'B'." on a line that annotates `B`. `firstLine` is the selection's first
 * line in the file. Returns the new code and what was fixed, or undefined when no problem could be fixed.
 */
export function fixProblems(code: string, firstLine: number, problems: readonly Problem[]): { code: string; fixed: ProblemFix[]; unfixed: Problem[] } | undefined {
  const lines = code.split('\n');
  const fixed: ProblemFix[] = [];
  const unfixed: Problem[] = [];
  for (const problem of problems) {
    const index = problem.line - firstLine;
    const line = lines[index];
    const suggestion = /'([^']+)'[^']*?(?:'[^']*'[^']*?)?Did you mean '([^']+)'\?/.exec(problem.message);
    const assignable = /^Type '([^']+)' is not assignable to type '([^']+)'\.?$/.exec(problem.message);
    if (line !== undefined && suggestion) {
      const [, wrong, right] = suggestion;
      const re = new RegExp(`(?<![\\w$])${escapeRegExp(wrong)}(?![\\w$])`, 'g');
      if (re.test(line)) {
        lines[index] = line.replace(re, right);
        fixed.push({ problem, description: `line ${problem.line}: \`${wrong}\` → \`${right}\`, the name TypeScript suggests` });
        continue;
      }
    }
    if (line !== undefined && assignable && /^[\w$.<>[\] ]+$/.test(assignable[1])) {
      const [, actual, declared] = assignable;
      const re = new RegExp(`(:\\s*)${escapeRegExp(declared)}(\\s*[=,);])`);
      if (re.test(line)) {
        lines[index] = line.replace(re, `$1${actual}$2`);
        fixed.push({ problem, description: `line ${problem.line}: the annotation \`${declared}\` → \`${actual}\`, the type the value really has` });
        continue;
      }
    }
    unfixed.push(problem);
  }
  return fixed.length === 0 ? undefined : { code: lines.join('\n'), fixed, unfixed };
}
