import * as vscode from 'vscode';

export const PROPOSED_SCHEME = 'deepseek-proposed';

export type ReviewOutcome = 'applied' | 'discarded' | 'changed';

export interface EditProposal {
  readonly document: vscode.TextDocument;
  /** The range replaced; undefined = the whole document. */
  readonly range?: vscode.Range;
  readonly newText: string;
  /** Shown in the diff title, e.g. "DeepSeek: Apply code block". */
  readonly title: string;
}

/**
 * Nothing the model proposes is written silently: a proposal opens as a diff (current ↔ proposed) with Apply
 * and Discard. Apply writes one WorkspaceEdit (undone in one step) — but only if the document has not changed
 * since the diff was shown; otherwise the user is told and a fresh diff is offered.
 */
export class ProposedEdits implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly registration: vscode.Disposable;
  private counter = 0;

  constructor(private readonly showMessage: (message: string, ...actions: string[]) => Thenable<string | undefined>) {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Shows the diff and waits for the user's decision. */
  async review(proposal: EditProposal): Promise<ReviewOutcome> {
    const { document } = proposal;
    const version = document.version;
    const fullRange = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
    const range = proposal.range ?? fullRange;
    const proposedText = document.getText().slice(0, document.offsetAt(range.start)) + proposal.newText + document.getText().slice(document.offsetAt(range.end));
    const name = document.uri.path.split('/').pop() ?? 'file';
    const proposedUri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${name}`, query: `n=${++this.counter}` });
    this.contents.set(proposedUri.toString(), proposedText);
    try {
      await vscode.commands.executeCommand('vscode.diff', document.uri, proposedUri, `${name} ↔ ${proposal.title} (review)`, { preview: true });
      const choice = await this.showMessage(`${proposal.title}: apply this change to ${name}?`, 'Apply', 'Discard');
      if (choice !== 'Apply') {
        return 'discarded';
      }
      if (document.version !== version) {
        const again = await this.showMessage(`${name} changed while the proposal was open, so it was not applied. Review it again on the current text?`, 'Review Again');
        return again === 'Review Again' ? this.review({ ...proposal, range: undefined, newText: proposedText }) : 'changed';
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, range, proposal.newText);
      const ok = await vscode.workspace.applyEdit(edit);
      return ok ? 'applied' : 'discarded';
    } finally {
      this.contents.delete(proposedUri.toString());
      await closeTabsOf(proposedUri);
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.contents.clear();
  }
}

async function closeTabsOf(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((tab) => {
    const input = tab.input;
    return input instanceof vscode.TabInputTextDiff && input.modified.toString() === uri.toString();
  });
  if (tabs.length > 0) {
    await vscode.window.tabGroups.close(tabs);
  }
}
