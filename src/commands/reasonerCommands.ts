import * as vscode from 'vscode';
import { matchTrailingNewline, replacementBlock } from '../core/codeBlocks';
import { docInstruction, explainInstruction, fixInstruction, problemList, refactorInstruction, testsInstruction, withNote, type InstructionTarget } from '../core/commandInstructions';
import { formatLineSpan, selectedLines } from '../core/lineSpan';
import { estimateTokens } from '../core/tokenEstimate';
import type { ConfigurationService } from '../config/settings';
import type { Notifier } from '../platform/notifier';
import type { ProposedEdits } from '../review/proposedEdit';
import type { ContextService } from '../workspace/contextService';
import { CHAT_VIEW_ID, CommandIds } from '../core/commandIds';

/** The reasoner's commands a chat turn can name (the chat's slash commands, without `/new`). */
export type ReasonerCommandName = 'explain' | 'refactor' | 'fix' | 'tests' | 'doc';

/** What the commands need of the chat surface (the wiring passes the chat controller; commands do not import it). */
export interface ReasonerChat {
  /**
   * Runs `prompt` on the reasoner as the first turn of a conversation of its own, shown in the chat view as
   * `label` (and marked as `command`'s turn); resolves with the finished turn, or undefined when nothing was asked.
   */
  runCommand(request: { label: string; prompt: string; token?: vscode.CancellationToken; command?: ReasonerCommandName }): Promise<{ readonly status: string; readonly answer: string } | undefined>;
}

export interface ReasonerCommandDeps {
  readonly chat: ReasonerChat;
  readonly context: ContextService;
  readonly edits: ProposedEdits;
  readonly notifier: Notifier;
  readonly settings: ConfigurationService;
}

/** Why a command did not run ("open a file and select the code to explain. Nothing was sent."). */
export interface Refused {
  readonly refused: string;
}

/** How a command went: refused with a reason, or run (`outcome`: the review's, for Refactor, Fix and Document). */
export type CommandResult = Refused | { readonly outcome?: string };

function isRefused(result: unknown): result is Refused {
  return typeof result === 'object' && result !== null && typeof (result as Refused).refused === 'string';
}

/** Room kept for the prompt around the code and for the reasoner's answer. */
const PROMPT_OVERHEAD_TOKENS = 8_000;
const REASONER_OUTPUT_TOKENS = 32_768;

export const REFACTOR_GOALS: readonly { label: string; detail: string; goal: string }[] = [
  { label: '$(wand) Simplify', detail: 'Make it shorter and clearer without changing behaviour', goal: 'Simplify it without changing its behaviour.' },
  { label: '$(symbol-method) Extract function', detail: 'Move a coherent part into a well-named function', goal: 'Extract a coherent part into a well-named function.' },
  { label: '$(symbol-variable) Improve names', detail: 'Rename variables and functions to say what they hold and do', goal: 'Improve the names of variables and functions.' },
  { label: '$(symbol-type-parameter) Add types', detail: 'Add precise type annotations', goal: 'Add precise type annotations.' },
  { label: '$(rocket) Make it faster', detail: 'Improve performance, keeping behaviour', goal: 'Make it faster while keeping its behaviour.' },
];

interface Target extends InstructionTarget {
  readonly editor: vscode.TextEditor;
  readonly range: vscode.Range;
  readonly text: string;
  /** What the chat shows: "`mean` · src/math.ts:5–10" (the symbol's name when the code lies in one). */
  readonly shortLabel: string;
}

/**
 * Explain, Refactor and Fix on the reasoner, from the palette, a keybinding or a code action; the same and
 * Tests and Document from the chat's slash commands (`runFromChat`). Each finds its target (the selection, or
 * the enclosing function from tree-sitter), refuses clearly what it cannot send (no editor, excluded or
 * binary file, too large) — in a notification from the palette, back in the chat's composer from the chat —
 * streams through the chat view, and — for Refactor, Fix and Document — turns the answer into a reviewed edit.
 */
export class ReasonerCommands {
  constructor(private readonly deps: ReasonerCommandDeps) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(CommandIds.explainSelection, (uri?: unknown, range?: unknown) => this.explain(uri, range)),
      vscode.commands.registerCommand(CommandIds.refactorSelection, (arg?: unknown, range?: unknown) => this.refactor(arg, range)),
      vscode.commands.registerCommand(CommandIds.fixDiagnostics, (uri?: unknown, range?: unknown) => this.fix(uri, range)),
    ];
  }

  async explain(uriArg?: unknown, rangeArg?: unknown): Promise<void> {
    this.notifyIfRefused(await this.runExplain(await this.editorFor(uriArg, rangeArg), ''));
  }

  async refactor(arg?: unknown, rangeArg?: unknown): Promise<string | undefined> {
    const options = typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? (arg as { goal?: unknown }) : {};
    const goal = typeof options.goal === 'string' ? options.goal : '';
    return this.notifyIfRefused(await this.runRefactor(await this.editorFor(arg, rangeArg), goal));
  }

  async fix(uriArg?: unknown, rangeArg?: unknown): Promise<string | undefined> {
    const editor = await this.editorFor(uriArg, undefined);
    return this.notifyIfRefused(await this.runFix(editor, rangeArg instanceof vscode.Range ? rangeArg : editor?.selection, ''));
  }

  /**
   * A command typed in the chat (`/refactor make it pure`): `text` is what follows the command, `editor` the
   * one the chat works with. Resolves once the command has run (for a proposal, once it was reviewed), with
   * the reason when it could not run (nothing was sent then).
   */
  async runFromChat(command: ReasonerCommandName, text: string, editor: vscode.TextEditor | undefined): Promise<CommandResult> {
    const result = await this.runNamed(command, text, editor);
    // The composer shows it as a sentence of its own: "Open a file and select the code to explain. Nothing was sent."
    return isRefused(result) ? { refused: sentence(result.refused) } : result;
  }

  private runNamed(command: ReasonerCommandName, text: string, editor: vscode.TextEditor | undefined): Promise<CommandResult> {
    switch (command) {
      case 'explain':
        return this.runExplain(editor, text);
      case 'refactor':
        return this.runRefactor(editor, text);
      case 'fix':
        return this.runFix(editor, editor?.selection, text);
      case 'tests':
        return this.runTests(editor, text);
      case 'doc':
        return this.runDoc(editor, text);
    }
  }

  private notifyIfRefused(result: CommandResult): string | undefined {
    if (isRefused(result)) {
      void this.deps.notifier.warn(`DeepSeek: ${result.refused}`);
      return undefined;
    }
    return result.outcome;
  }

  private refuse(message: string): Refused {
    return { refused: `${message} Nothing was sent.` };
  }

  /** The active editor, or the one showing `uriArg`, with `rangeArg` selected. */
  private async editorFor(uriArg: unknown, rangeArg: unknown): Promise<vscode.TextEditor | undefined> {
    let editor = vscode.window.activeTextEditor;
    if (uriArg instanceof vscode.Uri && editor?.document.uri.toString() !== uriArg.toString()) {
      editor = await vscode.window.showTextDocument(uriArg);
    }
    if (editor && rangeArg instanceof vscode.Range) editor.selection = new vscode.Selection(rangeArg.start, rangeArg.end);
    return editor;
  }

  /** The code to work on: the selection, else the function or class around the cursor; or a clear refusal. */
  private async target(editor: vscode.TextEditor | undefined, what: string): Promise<Target | Refused> {
    if (!editor) return this.refuse(`open a file and select the code to ${what}.`);
    const verdict = await this.deps.context.readPolicy().check(editor.document.uri);
    if (!verdict.allowed) return this.refuse(`${verdict.reason}.`);
    if (!editor.selection.isEmpty && editor.selection.end.character === 0 && editor.selection.end.line > editor.selection.start.line) {
      // Whole lines selected down to column 1 of the next line: the code ends on the line before (so the
      // function they make up is found, and the label names the lines that hold code).
      const end = editor.document.lineAt(editor.selection.end.line - 1).range.end;
      editor.selection = editor.selection.isReversed ? new vscode.Selection(end, editor.selection.start) : new vscode.Selection(editor.selection.start, end);
    }
    let range: vscode.Range = editor.selection;
    const symbol = (await this.deps.context.gather(editor))?.enclosingSymbol;
    if (range.isEmpty) {
      if (!symbol) return this.refuse(`select the code to ${what} (there is no function or class around the cursor).`);
      range = new vscode.Range(symbol.range.start.line, symbol.range.start.character, symbol.range.end.line, symbol.range.end.character);
      editor.selection = new vscode.Selection(range.start, range.end);
    }
    const text = editor.document.getText(range);
    if (text.includes('\u0000')) return this.refuse('this looks like a binary file.');
    const limit = this.deps.settings.get('context.maxTokens') - REASONER_OUTPUT_TOKENS - PROMPT_OVERHEAD_TOKENS;
    const tokens = estimateTokens(text);
    if (tokens > limit) {
      return this.refuse(`the selection is about ${tokens.toLocaleString('en-US')} tokens, more than fits in one request (about ${limit.toLocaleString('en-US')}). Select less.`);
    }
    const rel = this.deps.context.relative(editor.document.uri) ?? editor.document.uri.path.split('/').pop() ?? 'file';
    // The last line with selected text: a selection that ends at column 1 does not reach into that line.
    const lines = selectedLines(range.start, range.end);
    return {
      editor,
      range,
      text,
      location: `${rel}:${formatLineSpan(lines)}`,
      languageId: editor.document.languageId,
      shortLabel: `${symbol ? `\`${symbol.name}\` · ` : ''}${rel}:${formatLineSpan(lines, '–')}`,
    };
  }

  /**
   * Runs the instruction as a conversation of its own (no chat history is sent along), shown in the chat
   * view as `label`, with a cancellable progress notification.
   */
  private async ask(command: ReasonerCommandName, label: string, prompt: string, title: string) {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `DeepSeek: ${title}…`, cancellable: true },
      (_progress, token) => this.deps.chat.runCommand({ label, prompt, token, command }),
    );
  }

  private async runExplain(editor: vscode.TextEditor | undefined, question: string): Promise<CommandResult> {
    const target = await this.target(editor, 'explain');
    if (isRefused(target)) return target;
    await this.ask('explain', withNote(`Explain ${target.shortLabel}`, question), explainInstruction(target, question), 'Explaining');
    return {};
  }

  /** `goal` empty: the user picks one (or describes it). */
  private async runRefactor(editor: vscode.TextEditor | undefined, goalText: string): Promise<CommandResult> {
    const target = await this.target(editor, 'refactor');
    if (isRefused(target)) return target;
    let goal = goalText.trim() || undefined;
    if (!goal) {
      const custom = { label: '$(edit) Something else…', detail: 'Describe the change yourself', goal: '' };
      const picked = await vscode.window.showQuickPick([...REFACTOR_GOALS, custom], { title: `DeepSeek: Refactor ${target.location}`, placeHolder: 'What should change?', matchOnDetail: true });
      if (!picked) return {};
      goal = picked.goal || (await vscode.window.showInputBox({ title: 'DeepSeek: Refactor', prompt: 'Describe the change', ignoreFocusOut: true }))?.trim();
      if (!goal) return {};
    }
    return this.propose('refactor', target, withNote(`Refactor ${target.shortLabel}`, goal), refactorInstruction(target, goal), 'Refactoring', 'DeepSeek: Refactor');
  }

  /** Works on whole lines around the problems at `requested` (widened to it when it is a selection). */
  private async runFix(editor: vscode.TextEditor | undefined, requested: vscode.Range | undefined, note: string): Promise<CommandResult> {
    if (!editor) return this.refuse('open a file with problems first.');
    const doc = editor.document;
    const all = vscode.languages.getDiagnostics(doc.uri);
    const inRange = requested && !requested.isEmpty ? all.filter((d) => d.range.intersection(requested) !== undefined) : all.filter((d) => requested && d.range.contains(requested.start));
    if (inRange.length === 0) return this.refuse('there are no problems in the selection.');
    let range = inRange.map((d) => d.range).reduce((a, b) => a.union(b));
    if (requested && !requested.isEmpty) range = range.union(requested);
    range = new vscode.Range(range.start.line, 0, range.end.line, doc.lineAt(range.end.line).text.length);
    editor.selection = new vscode.Selection(range.start, range.end);
    const target = await this.target(editor, 'fix');
    if (isRefused(target)) return target;
    const problems = problemList(inRange.map((d) => ({
      severity: vscode.DiagnosticSeverity[d.severity],
      line: d.range.start.line + 1,
      message: d.message,
      ...(d.source ? { source: d.source } : {}),
      ...(d.code !== undefined ? { code: typeof d.code === 'object' ? String(d.code.value) : String(d.code) } : {}),
    })));
    const count = inRange.length === 1 ? '1 problem' : `${inRange.length} problems`;
    return this.propose('fix', target, withNote(`Fix ${count} in ${target.shortLabel}`, note), fixInstruction(target, problems, note), 'Fixing', 'DeepSeek: Fix');
  }

  /** Tests are an answer to read and copy (code blocks with their paths), not a diff. */
  private async runTests(editor: vscode.TextEditor | undefined, notes: string): Promise<CommandResult> {
    const target = await this.target(editor, 'write tests for');
    if (isRefused(target)) return target;
    await this.ask('tests', withNote(`Tests for ${target.shortLabel}`, notes), testsInstruction(target, notes), 'Writing tests');
    return {};
  }

  /** Documentation comments, as a diff to review like a refactoring. */
  private async runDoc(editor: vscode.TextEditor | undefined, note: string): Promise<CommandResult> {
    const target = await this.target(editor, 'document');
    if (isRefused(target)) return target;
    return this.propose('doc', target, withNote(`Document ${target.shortLabel}`, note), docInstruction(target, note), 'Documenting', 'DeepSeek: Document');
  }

  private async propose(command: ReasonerCommandName, target: Target, label: string, question: string, progressTitle: string, title: string): Promise<CommandResult> {
    const version = target.editor.document.version;
    const turn = await this.ask(command, label, question, progressTitle);
    if (!turn || turn.status !== 'done') return {}; // stopped or failed: the chat shows why
    const block = replacementBlock(turn.answer);
    if (!block) {
      void this.deps.notifier.warn('DeepSeek answered without a code block to apply; see the chat.');
      return {};
    }
    const outcome = await this.deps.edits.review({
      document: target.editor.document,
      range: target.range,
      originalText: target.text,
      version,
      newText: matchTrailingNewline(target.text, block.code),
      title,
    });
    return { outcome };
  }
}

/** "the workspace is not trusted" → "The workspace is not trusted"; a reason that starts with a path stays as it is. */
function sentence(reason: string): string {
  return /^[a-z]+ /.test(reason) ? reason[0].toUpperCase() + reason.slice(1) : reason;
}
