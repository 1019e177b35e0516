import * as vscode from 'vscode';
import { CommandIds } from '../core/commandIds';

/** The kinds, made on first use (not when the bundle loads). */
function kinds() {
  return {
    explain: vscode.CodeActionKind.Empty.append('deepseek').append('explain'),
    refactor: vscode.CodeActionKind.RefactorRewrite.append('deepseek'),
    fix: vscode.CodeActionKind.QuickFix.append('deepseek'),
  };
}

/**
 * The light bulb / Ctrl+.: Explain and Refactor on a selection, Fix with DeepSeek on a diagnostic. Computing
 * them is cheap and local — each action only carries a command; no request is made until one is picked.
 */
export class DeepSeekCodeActions implements vscode.CodeActionProvider {
  private readonly kinds = kinds();

  static metadata(): vscode.CodeActionProviderMetadata {
    const { explain, refactor, fix } = kinds();
    return { providedCodeActionKinds: [explain, refactor, fix] };
  }

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    const { explain: EXPLAIN_KIND, refactor: REFACTOR_KIND, fix: FIX_KIND } = this.kinds;
    const wants = (kind: vscode.CodeActionKind) => !context.only || context.only.contains(kind) || kind.contains(context.only);
    for (const diagnostic of context.diagnostics) {
      if (!wants(FIX_KIND)) break;
      const fix = new vscode.CodeAction(`Fix with DeepSeek: ${diagnostic.message.split('\n')[0].slice(0, 60)}`, FIX_KIND);
      fix.diagnostics = [diagnostic];
      fix.command = { command: CommandIds.fixDiagnostics, title: 'Fix with DeepSeek', arguments: [document.uri, diagnostic.range] };
      actions.push(fix);
    }
    if (!range.isEmpty) {
      if (wants(EXPLAIN_KIND)) {
        const explain = new vscode.CodeAction('Explain with DeepSeek', EXPLAIN_KIND);
        explain.command = { command: CommandIds.explainSelection, title: 'Explain with DeepSeek', arguments: [document.uri, range] };
        actions.push(explain);
      }
      if (wants(REFACTOR_KIND)) {
        const refactor = new vscode.CodeAction('Refactor with DeepSeek…', REFACTOR_KIND);
        refactor.command = { command: CommandIds.refactorSelection, title: 'Refactor with DeepSeek', arguments: [document.uri, range] };
        actions.push(refactor);
      }
    }
    return actions;
  }
}
