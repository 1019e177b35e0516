import * as vscode from 'vscode';

/**
 * The workspace file a URI dropped on the chat names. A drag from VS Code's explorer in a browser window (code-server,
 * vscode.dev's remote tunnels) carries the file's `vscode-remote://<authority>/<path>` name, while the extension host
 * that reads it names the same file `file:///<path>`. Mapped only in a remote window (a window has one
 * remote, so a `vscode-remote` name in it is that remote's) and when the path lies inside a workspace folder on
 * disk; any other URI is returned as given, for the document policy to judge (and refuse, when it is outside).
 */
export function workspaceUriOfDrop(raw: string): vscode.Uri {
  const uri = vscode.Uri.parse(raw);
  if (uri.scheme === 'file' || vscode.workspace.getWorkspaceFolder(uri)) return uri;
  if (uri.scheme !== 'vscode-remote' || vscode.env.remoteName === undefined) return uri;
  const local = vscode.Uri.file(uri.path);
  const folder = vscode.workspace.getWorkspaceFolder(local);
  return folder && folder.uri.scheme === 'file' ? local : uri;
}
