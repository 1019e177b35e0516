/**
 * What Explain, Refactor, Fix, Tests and Document ask the reasoner, and how the chat labels each request.
 * Pure text: the same target always gives the same instruction. The instruction is the user's turn (never
 * the cached prefix), so wording changes here cost no cache.
 */

/** The code a command works on, as the instruction names it. */
export interface InstructionTarget {
  /** `src/math.ts:5-10`. */
  readonly location: string;
  /** VS Code's language id of the file (`typescript`, `python`, …). */
  readonly languageId: string;
}

const LANGUAGE_NAMES: Readonly<Record<string, string>> = {
  typescript: 'TypeScript',
  typescriptreact: 'TypeScript (React)',
  javascript: 'JavaScript',
  javascriptreact: 'JavaScript (React)',
  python: 'Python',
  go: 'Go',
  rust: 'Rust',
  java: 'Java',
  csharp: 'C#',
  cpp: 'C++',
  c: 'C',
  ruby: 'Ruby',
  php: 'PHP',
  kotlin: 'Kotlin',
  swift: 'Swift',
  scala: 'Scala',
  shellscript: 'shell script',
  lua: 'Lua',
  dart: 'Dart',
};

/** "TypeScript" for `typescript`; the id itself for a language this table does not know. */
export function languageName(languageId: string): string {
  return LANGUAGE_NAMES[languageId] ?? languageId;
}

const DOC_CONVENTIONS: Readonly<Record<string, string>> = {
  typescript: 'JSDoc `/** … */` comments',
  typescriptreact: 'JSDoc `/** … */` comments',
  javascript: 'JSDoc `/** … */` comments',
  javascriptreact: 'JSDoc `/** … */` comments',
  python: 'docstrings (PEP 257), inside each function and class',
  go: 'Go doc comments: `//` lines right above the declaration, starting with its name',
  rust: '`///` doc comments (`//!` for a module)',
  java: 'Javadoc `/** … */` comments',
  csharp: 'XML documentation comments (`///` with <summary>, <param>, <returns>)',
  cpp: 'Doxygen comments (`/** … */` or `///`)',
  c: 'Doxygen comments (`/** … */`)',
  ruby: 'YARD comments (`#` with @param and @return)',
  php: 'PHPDoc `/** … */` comments',
  kotlin: 'KDoc `/** … */` comments',
  swift: '`///` documentation comments (Swift Markup)',
  scala: 'Scaladoc `/** … */` comments',
  dart: '`///` doc comments',
};

/** The language's documentation-comment convention, in a few words. */
export function docConvention(languageId: string): string {
  return DOC_CONVENTIONS[languageId] ?? 'the documentation comments usual for the language';
}

/** A label with what the user added: "Refactor `mean` · src/math.ts:5–10 — make it pure" (long notes shortened). */
export function withNote(label: string, note: string): string {
  const text = note.replace(/\s+/g, ' ').trim();
  if (!text) return label;
  return `${label} — ${text.length > 60 ? `${text.slice(0, 59)}…` : text}`;
}

export function explainInstruction(target: InstructionTarget, question = ''): string {
  const base = `Explain the selected code (${target.location}): what it does, how, and anything surprising.`;
  return question.trim() ? `${base}\nIn particular: ${question.trim()}` : base;
}

export function refactorInstruction(target: InstructionTarget, goal: string): string {
  return (
    `Refactor the selected code (${target.location}). Goal: ${goal}\n` +
    'Reply with the complete replacement for exactly the selected code in one fenced code block, then explain the change briefly.'
  );
}

/** A problem in the selected code, as the Fix instruction lists it. */
export interface InstructionProblem {
  /** `Error`, `Warning`, `Information` or `Hint`. */
  readonly severity: string;
  /** 1-based line in the file. */
  readonly line: number;
  readonly message: string;
  /** Who reported it, e.g. `ts`, and its code, e.g. `2551`. */
  readonly source?: string;
  readonly code?: string;
}

/** One line per problem: "- Error at line 9: Property 'quantiy' does not exist … (ts 2551)". */
export function problemList(problems: readonly InstructionProblem[]): string {
  return problems
    .map((p) => `- ${p.severity} at line ${p.line}: ${p.message}${p.source ? ` (${p.source}${p.code !== undefined ? ` ${p.code}` : ''})` : ''}`)
    .join('\n');
}

/** `problems`: one line per diagnostic, as `problemList` writes them. */
export function fixInstruction(target: InstructionTarget, problems: string, note = ''): string {
  return (
    `Fix these problems in the selected code (${target.location}):\n${problems}\n` +
    (note.trim() ? `Note: ${note.trim()}\n` : '') +
    'Reply with the complete corrected replacement for exactly the selected code in one fenced code block, then explain the fix briefly.'
  );
}

export function testsInstruction(target: InstructionTarget, notes = ''): string {
  const language = languageName(target.languageId);
  return (
    `Write unit tests for the selected code (${target.location}) in ${language}, with the test framework, file layout and style ` +
    `this project already uses (see its manifests and existing tests; if none is evident, the usual one for ${language}). ` +
    'Cover the normal cases, the edge cases and the errors it can raise.\n' +
    (notes.trim() ? `Also: ${notes.trim()}\n` : '') +
    'Reply with the complete test code in fenced code blocks, each preceded by the workspace-relative path of the file it belongs in; ' +
    'do not change the code under test. Then say in a sentence or two what the tests cover.'
  );
}

export function docInstruction(target: InstructionTarget, note = ''): string {
  return (
    `Add documentation comments to the selected code (${target.location}) in the convention of ${languageName(target.languageId)}: ` +
    `${docConvention(target.languageId)}. Document each function, method, class and type it declares: what it does, its parameters, ` +
    'what it returns and what it throws, where that is not obvious from the name. Do not change the code itself: every line of code ' +
    'stays exactly as it is; only add comments, or improve the ones there are.\n' +
    (note.trim() ? `Also: ${note.trim()}\n` : '') +
    'Reply with the complete replacement for exactly the selected code in one fenced code block, then list briefly what you documented.'
  );
}
