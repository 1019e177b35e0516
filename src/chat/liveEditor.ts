import * as vscode from 'vscode';

/**
 * The editor a chat action works on, if it is still open: the chat remembers the last editor used, and that
 * editor object outlives its tab. A closed one is replaced by a visible editor of the same document, or none.
 */
export function liveEditor(editor: vscode.TextEditor | undefined): vscode.TextEditor | undefined {
  if (!editor) return undefined;
  const visible = vscode.window.visibleTextEditors;
  if (visible.includes(editor)) return editor;
  return visible.find((e) => e.document.uri.toString() === editor.document.uri.toString());
}
