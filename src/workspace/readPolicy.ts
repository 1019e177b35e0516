import type * as vscode from 'vscode';

export type ReadVerdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: string };

export type ReadOutcome = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/**
 * Whether a file may go into a prompt, for every surface (chat chips and pinned files, commands, the glue's
 * own reads): the rules of the context engine's workspace walk — trust, inside the workspace folder, secret
 * and excluded names, `files.exclude` and `deepseek.context.exclude`, `.gitignore`, size, binary — and a
 * symbolic link only to a file inside the workspace that passes them too. Reasons are sentences a user can
 * act on. `ContextService.readPolicy()` provides it; it lives here so that surfaces and the workspace glue
 * can both import it.
 */
export interface ReadPolicy {
  /** Decides without reading the file's content: its name, where it leads, its size. */
  check(uri: vscode.Uri): Promise<ReadVerdict>;
  /** Reads the file's text through the same checks; binary content is refused here. */
  read(uri: vscode.Uri): Promise<ReadOutcome>;
}
