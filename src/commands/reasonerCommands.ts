import * as vscode from 'vscode';
import { matchTrailingNewline, replacementBlock } from '../core/codeBlocks';
import { explainQuestion, fixQuestion, refactorQuestion } from '../core/commandQuestions';
import { estimateTokens } from '../core/tokenEstimate';
import type { ConfigurationService } from '../config/settings';
import type { Notifier } from '../platform/notifier';
import type { ProposedEdits } from '../review/proposedEdit';
import type { ContextService } from '../workspace/contextService';
import { CHAT_VIEW_ID, CommandIds } from '../core/commandIds';

/** What the commands need of the chat surface (the wiring passes the chat controller; commands do not import it). */
export interface ReasonerChat {
  /**
   * Runs `prompt` on the reasoner as the first turn of a conversation of its own, shown in the chat view as
   * `label`; resolves with the finished turn, or undefined when nothing was asked.
   */
  runCommand(request: { label: string; prompt: string; token?: vscode.CancellationToken }): Promise<{ readonly status: string; readonly answer: string } | undefined>;
}

export interface ReasonerCommandDeps {
  readonly chat: ReasonerChat;
  readonly context: ContextService;
  readonly edits: ProposedEdits;
  readonly notifier: Notifier;
  readonly settings: ConfigurationService;
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

interface Target {
  readonly editor: vscode.TextEditor;
  readonly range: vscode.Range;
  readonly text: string;
  /** `path:start-end`, as the instruction names the code. */
  readonly label: string;
  /** What the chat shows: "`mean` · src/math.ts:5–10" (the symbol's name when the code lies in one). */
  readonly shortLabel: string;
}

/**
 * Explain, Refactor and Fix on the reasoner. Each finds its target (the selection, or the enclosing function
 * from tree-sitter), refuses clearly what it cannot send (no editor, excluded or binary file, too large),
 * streams through the chat view, and — for Refactor and Fix — turns the answer into a reviewed edit.
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

  private refuse(message: string): undefined {
    void this.deps.notifier.warn(`DeepSeek: ${message} Nothing was sent.`);
    return undefined;
  }

  /** The code to work on, or a clear refusal. `wholeLines` widens a selection to full lines. */
  private async target(uriArg: unknown, rangeArg: unknown, what: string): Promise<Target | undefined> {
    let editor = vscode.window.activeTextEditor;
    if (uriArg instanceof vscode.Uri && editor?.document.uri.toString() !== uriArg.toString()) {
      editor = await vscode.window.showTextDocument(uriArg);
    }
    if (!editor) return this.refuse(`open a file and select the code to ${what}.`);
    if (rangeArg instanceof vscode.Range) editor.selection = new vscode.Selection(rangeArg.start, rangeArg.end);
    const verdict = await this.deps.context.readPolicy().check(editor.document.uri);
    if (!verdict.allowed) return this.refuse(`${verdict.reason}.`);
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
    const lines = `${range.start.line + 1}–${range.end.line + 1}`;
    return {
      editor,
      range,
      text,
      label: `${rel}:${range.start.line + 1}-${range.end.line + 1}`,
      shortLabel: `${symbol ? `\`${symbol.name}\` · ` : ''}${rel}:${lines}`,
    };
  }

  /**
   * Runs the instruction as a conversation of its own (no chat history is sent along), shown in the chat
   * view as `label`, with a cancellable progress notification.
   */
  private async ask(label: string, prompt: string, title: string) {
    await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `DeepSeek: ${title}…`, cancellable: true },
      (_progress, token) => this.deps.chat.runCommand({ label, prompt, token }),
    );
  }

  async explain(uriArg?: unknown, rangeArg?: unknown): Promise<void> {
    const target = await this.target(uriArg, rangeArg, 'explain');
    if (!target) return;
    await this.ask(`Explain ${target.shortLabel}`, explainQuestion(target.label), 'Explaining');
  }

  async refactor(arg?: unknown, rangeArg?: unknown): Promise<string | undefined> {
    const options = typeof arg === 'object' && arg !== null && !(arg instanceof vscode.Uri) ? (arg as { goal?: unknown }) : {};
    const target = await this.target(arg instanceof vscode.Uri ? arg : undefined, rangeArg, 'refactor');
    if (!target) return undefined;
    let goal = typeof options.goal === 'string' && options.goal.trim() ? options.goal.trim() : undefined;
    if (!goal) {
      const custom = { label: '$(edit) Something else…', detail: 'Describe the change yourself', goal: '' };
      const picked = await vscode.window.showQuickPick([...REFACTOR_GOALS, custom], { title: `DeepSeek: Refactor ${target.label}`, placeHolder: 'What should change?', matchOnDetail: true });
      if (!picked) return undefined;
      goal = picked.goal || (await vscode.window.showInputBox({ title: 'DeepSeek: Refactor', prompt: 'Describe the change', ignoreFocusOut: true }))?.trim();
      if (!goal) return undefined;
    }
    const question = refactorQuestion(target.label, goal);
    const shortGoal = goal.length > 60 ? `${goal.slice(0, 59)}…` : goal;
    return this.propose(target, `Refactor ${target.shortLabel} — ${shortGoal}`, question, 'Refactoring', 'DeepSeek: Refactor');
  }

  async fix(uriArg?: unknown, rangeArg?: unknown): Promise<string | undefined> {
    const editor = vscode.window.activeTextEditor;
    const uri = uriArg instanceof vscode.Uri ? uriArg : editor?.document.uri;
    if (!uri) return this.refuse('open a file with problems first.');
    const requested = rangeArg instanceof vscode.Range ? rangeArg : editor?.selection;
    const all = vscode.languages.getDiagnostics(uri);
    const inRange = requested && !requested.isEmpty ? all.filter((d) => d.range.intersection(requested) !== undefined) : all.filter((d) => requested && d.range.contains(requested.start));
    if (inRange.length === 0) return this.refuse('there are no problems in the selection.');
    // Work on whole lines around the problems (widened to the selection when there is one).
    let range = inRange.map((d) => d.range).reduce((a, b) => a.union(b));
    if (requested && !requested.isEmpty) range = range.union(requested);
    const doc = editor?.document.uri.toString() === uri.toString() ? editor.document : await vscode.workspace.openTextDocument(uri);
    range = new vscode.Range(range.start.line, 0, range.end.line, doc.lineAt(range.end.line).text.length);
    const target = await this.target(uri, range, 'fix');
    if (!target) return undefined;
    const question = fixQuestion(target.label, inRange.map((d) => ({
      severity: vscode.DiagnosticSeverity[d.severity],
      line: d.range.start.line + 1,
      message: d.message,
      ...(d.source ? { source: d.source } : {}),
      ...(d.code !== undefined ? { code: typeof d.code === 'object' ? String(d.code.value) : String(d.code) } : {}),
    })));
    const count = inRange.length === 1 ? '1 problem' : `${inRange.length} problems`;
    return this.propose(target, `Fix ${count} in ${target.shortLabel}`, question, 'Fixing', 'DeepSeek: Fix');
  }

  private async propose(target: Target, label: string, question: string, progressTitle: string, title: string): Promise<string | undefined> {
    const version = target.editor.document.version;
    const turn = await this.ask(label, question, progressTitle);
    if (!turn || turn.status !== 'done') return undefined; // stopped or failed: the chat shows why
    const block = replacementBlock(turn.answer);
    if (!block) {
      void this.deps.notifier.warn('DeepSeek answered without a code block to apply; see the chat.');
      return undefined;
    }
    return this.deps.edits.review({
      document: target.editor.document,
      range: target.range,
      originalText: target.text,
      version,
      newText: matchTrailingNewline(target.text, block.code),
      title,
    });
  }
}
