import * as vscode from 'vscode';

/** The view type of VS Code's built-in image preview (an image opened from the explorer). */
export const IMAGE_PREVIEW_VIEW_TYPE = 'imagePreview.previewEditor';

/**
 * The file shown in the active tab, whatever shows it: a text editor, the image preview, another custom editor
 * or document viewer (a PDF viewer), a notebook, or a diff's modified side. Undefined when the active tab shows
 * no file (a webview, the settings UI, nothing).
 */
export function activeTabUri(): vscode.Uri | undefined {
  const input: unknown = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText || input instanceof vscode.TabInputCustom || input instanceof vscode.TabInputNotebook) return input.uri;
  if (input instanceof vscode.TabInputTextDiff || input instanceof vscode.TabInputNotebookDiff) return input.modified;
  // Another kind of tab that still names its file.
  if (typeof input === 'object' && input !== null && (input as { uri?: unknown }).uri instanceof vscode.Uri) return (input as { uri: vscode.Uri }).uri;
  return vscode.window.activeTextEditor?.document.uri;
}

/**
 * The files a command run from the explorer's context menu acts on (`uri` and the multi-selection `uris`), or
 * the active tab's file from the palette or an editor's title. Also takes a URI string (a test or a keybinding).
 */
export function commandTargets(uri?: unknown, uris?: unknown): vscode.Uri[] {
  const asUri = (u: unknown): vscode.Uri | undefined => (u instanceof vscode.Uri ? u : typeof u === 'string' && u !== '' ? vscode.Uri.parse(u) : undefined);
  if (Array.isArray(uris) && uris.length > 0) {
    const all = uris.map(asUri).filter((u): u is vscode.Uri => u !== undefined);
    if (all.length > 0) return all;
  }
  const one = asUri(uri);
  if (one) return [one];
  const active = activeTabUri();
  return active ? [active] : [];
}
