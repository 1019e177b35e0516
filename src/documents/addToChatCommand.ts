import * as vscode from 'vscode';
import { CHAT_VIEW_ID } from '../core/commandIds';
import { isDocumentPath } from '../core/documents/documentInfo';
import type { Notifier } from '../platform/notifier';
import { commandTargets } from './activeFile';
import type { DocumentSource } from './extractionService';

/** What the command says when it has nothing to act on. */
export const NO_FILE_TO_ADD = 'DeepSeek: Add to Chat needs a file: pick an image, PDF, DOCX or PPTX in the explorer, or open one, then run it again.';

export interface AddToChatDeps {
  readonly notifier: Notifier;
  /** Attaches to the chat's next question (ChatController.attach: refusals go to the chat as notices). */
  readonly attach: (sources: readonly DocumentSource[]) => Promise<void>;
}

/**
 * "DeepSeek: Add to Chat" on images, PDF, DOCX and PPTX (the explorer's context menu, an image preview's title,
 * the palette on the active tab): reveals the chat and attaches the files to the next question.
 */
export async function addToChat(deps: AddToChatDeps, uri?: unknown, uris?: unknown): Promise<number> {
  const targets = commandTargets(uri, uris);
  if (targets.length === 0) {
    void deps.notifier.warn(NO_FILE_TO_ADD);
    return 0;
  }
  const supported = targets.filter((t) => isDocumentPath(t.path));
  for (const t of targets.filter((t) => !isDocumentPath(t.path))) {
    void deps.notifier.warn(`${vscode.workspace.asRelativePath(t)} is not an image or a PDF, DOCX or PPTX document, so DeepSeek: Add to Chat cannot attach it (pin a text file with @ in the chat instead).`);
  }
  if (supported.length === 0) return 0;
  await vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`);
  await deps.attach(supported.map((u): DocumentSource => ({ kind: 'picked', uri: u })));
  return supported.length;
}
