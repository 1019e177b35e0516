import * as vscode from 'vscode';
import { CommandIds } from './commandIds';

export const EXPLAIN_KIND = vscode.CodeActionKind.Empty.append('deepseek').append('explain');
export const REFACTOR_KIND = vscode.CodeActionKind.RefactorRewrite.append('deepseek');
export const FIX_KIND = vscode.CodeActionKind.QuickFix.append('deepseek');

/**
 * The light bulb / Ctrl+.: Explain and Refactor on a selection, Fix with DeepSeek on a diagnostic. Computing
 * them is cheap and local — each action only carries a command; no request is made until one is picked.
 */
export class DeepSeekCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: [EXPLAIN_KIND, REFACTOR_KIND, FIX_KIND] };

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
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
