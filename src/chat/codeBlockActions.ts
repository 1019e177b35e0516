import * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { placeSnippet } from '../core/snippetPlacement';
import type { Notifier } from '../platform/notifier';
import type { ProposedEdits } from '../review/proposedEdit';
import type { CodeAction, HostMessage } from '../webview/protocol';
import type { ContextService } from '../workspace/contextService';
import { liveEditor } from './liveEditor';

export const NO_EDITOR_MESSAGE = 'Open a file in an editor first.';
const APPLY_TITLE = 'DeepSeek: Apply code block';

export interface CodeBlockActionsDeps {
  /** The editor the chat works with (the active one, or the last one used before focus moved to the chat). */
  readonly editor: () => vscode.TextEditor | undefined;
  readonly edits: ProposedEdits;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly contextService: ContextService;
  readonly post: (message: HostMessage) => void;
}

export interface CodeBlockRequest {
  readonly action: CodeAction;
  readonly code: string;
  readonly language: string;
  /** When given, the page waits for an `actionResult` with it: the button confirms in place or says why not. */
  readonly requestId?: number;
}

/**
 * A code block's buttons in the chat: Copy, Insert at Cursor (replaces the selection), and Apply to File —
 * a reviewed diff that replaces the selection, or, with nothing selected, the code the block stands for
 * (found by `placeSnippet`: the function it redefines, the block it matches, or a place for new code). Each
 * answers the page with how it went.
 */
export class CodeBlockActions {
  constructor(private readonly deps: CodeBlockActionsDeps) {}

  async run(request: CodeBlockRequest): Promise<void> {
    const reply = (ok: boolean, message?: string) => {
      if (request.requestId !== undefined) {
        this.deps.post({ type: 'actionResult', requestId: request.requestId, ok, ...(message !== undefined ? { message } : {}) });
      }
    };
    if (request.action === 'copy') {
      await vscode.env.clipboard.writeText(request.code);
      vscode.window.setStatusBarMessage('$(check) Code copied', 2000);
      reply(true);
      return;
    }
    const editor = liveEditor(this.deps.editor());
    if (!editor) {
      void this.deps.notifier.warn(`DeepSeek: ${NO_EDITOR_MESSAGE}`);
      reply(false, NO_EDITOR_MESSAGE);
      return;
    }
    if (request.action === 'insert') {
      const done = await editor.edit((b) => b.replace(editor.selection, request.code));
      reply(done, done ? undefined : `Could not insert into ${fileName(editor.document)}.`);
      return;
    }
    await this.apply(editor, request.code, reply);
  }

  private async apply(editor: vscode.TextEditor, code: string, reply: (ok: boolean, message?: string) => void): Promise<void> {
    const document = editor.document;
    const name = fileName(document);
    let proposal: Parameters<ProposedEdits['review']>[0];
    if (!editor.selection.isEmpty) {
      proposal = { document, range: new vscode.Range(editor.selection.start, editor.selection.end), newText: code, title: APPLY_TITLE };
    } else {
      const version = document.version;
      const fileText = document.getText();
      const [fileDeclarations, snippetDeclarations] = await Promise.all([
        this.deps.contextService.declarationSpans(document.uri, fileText),
        this.deps.contextService.snippetDeclarationSpans(document.uri, code),
      ]);
      const placement = placeSnippet({
        fileName: name,
        fileText,
        snippet: code,
        ...(fileDeclarations ? { fileDeclarations } : {}),
        ...(snippetDeclarations ? { snippetDeclarations } : {}),
      });
      if (placement.kind === 'refused') {
        this.deps.logger.info(`apply to file: not placed in ${name} (${placement.reason})`);
        void this.deps.notifier.warn(`DeepSeek: ${placement.reason}`);
        reply(false, placement.reason);
        return;
      }
      if (placement.kind === 'wholeFile') {
        proposal = { document, newText: placement.text, title: APPLY_TITLE };
      } else {
        this.deps.logger.info(`apply to file: ${placement.summary} in ${name}`);
        proposal = {
          document,
          range: new vscode.Range(document.positionAt(placement.start), document.positionAt(placement.end)),
          originalText: fileText.slice(placement.start, placement.end),
          version,
          newText: placement.text,
          title: placement.insertOnly ? `${APPLY_TITLE} — ${placement.summary}` : APPLY_TITLE,
        };
      }
    }
    // The page's button confirms now: the diff is what the user decides on.
    reply(true);
    const outcome = await this.deps.edits.review(proposal);
    this.deps.logger.info(`apply to file: ${outcome}`);
    if (outcome === 'applied') {
      vscode.window.setStatusBarMessage('$(check) Applied — undo with Ctrl+Z', 4000);
    }
  }
}

function fileName(document: vscode.TextDocument): string {
  return document.uri.path.split('/').pop() || 'the file';
}
