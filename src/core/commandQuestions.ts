/**
 * The requests Explain, Refactor and Fix put in the "## Question" part of their prompt. One place, so the
 * commands and anything that reads them back (the offline simulator's tests) agree on the wording.
 * `label` names the code as `path:start-end` (1-based lines).
 */

/** A problem in the selected code, as the Fix request lists it. */
export interface QuestionProblem {
  /** `Error`, `Warning`, `Information` or `Hint`. */
  readonly severity: string;
  /** 1-based line in the file. */
  readonly line: number;
  readonly message: string;
  /** Who reported it, e.g. `ts`, and its code, e.g. `2551`. */
  readonly source?: string;
  readonly code?: string;
}

export function explainQuestion(label: string): string {
  return `Explain the selected code (${label}): what it does, how, and anything surprising.`;
}

export function refactorQuestion(label: string, goal: string): string {
  return (
    `Refactor the selected code (${label}). Goal: ${goal}\n` +
    'Reply with the complete replacement for exactly the selected code in one fenced code block, then explain the change briefly.'
  );
}

export function fixQuestion(label: string, problems: readonly QuestionProblem[]): string {
  const list = problems
    .map((p) => `- ${p.severity} at line ${p.line}: ${p.message}${p.source ? ` (${p.source}${p.code !== undefined ? ` ${p.code}` : ''})` : ''}`)
    .join('\n');
  return (
    `Fix these problems in the selected code (${label}):\n${list}\n` +
    'Reply with the complete corrected replacement for exactly the selected code in one fenced code block, then explain the fix briefly.'
  );
}
