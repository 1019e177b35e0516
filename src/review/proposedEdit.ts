import * as vscode from 'vscode';
import { CommandIds } from '../core/commandIds';

export const PROPOSED_SCHEME = 'deepseek-proposed';
const CONTEXT_KEY = 'deepseek.proposalOpen';
const APPLY_COMMAND = CommandIds.applyProposal;
const DISCARD_COMMAND = CommandIds.discardProposal;

export type ReviewOutcome = 'applied' | 'discarded' | 'changed';

export interface EditProposal {
  readonly document: vscode.TextDocument;
  /** The range replaced; undefined = the whole document. */
  readonly range?: vscode.Range;
  /** The text of `range` when the proposal was asked for; if the document changed, it is looked for again. */
  readonly originalText?: string;
  /** The document version when the proposal was asked for. */
  readonly version?: number;
  readonly newText: string;
  /** Shown in the diff title, e.g. "DeepSeek: Refactor". */
  readonly title: string;
}

type Decision = 'apply' | 'discard';

/**
 * Shows `message` until `settled` settles, then closes it by itself (Notifier.showUntil); `onCancel` is its
 * Cancel button.
 */
export type ShowUntil = (message: string, settled: Thenable<unknown>, onCancel: () => void) => void;

/**
 * Nothing the model proposes is written silently: a proposal opens as a diff (current ↔ proposed) with Apply
 * and Discard in the diff's title bar (`deepseek.applyProposal` / `deepseek.discardProposal`) and as links in a
 * notification whose Cancel button discards too. The notification closes itself as soon as the proposal is
 * decided, wherever that happened (title bar, palette, its own links, closing the diff): VS Code lets no
 * extension close an ordinary notification, so it is a progress notification, and none is left behind whose
 * buttons would do nothing. Apply writes one WorkspaceEdit, undone in one step. If the file changed since the
 * request was made, the user is told and the proposal is re-diffed against the current text (the original
 * code is located again); it is never applied over changes it did not see.
 */
export class ProposedEdits implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly registrations: vscode.Disposable[];
  private counter = 0;
  private pending: ((decision: Decision) => void) | undefined;

  constructor(
    private readonly showMessage: (message: string, ...actions: string[]) => Thenable<string | undefined>,
    private readonly showUntil: ShowUntil,
  ) {
    this.registrations = [
      vscode.workspace.registerTextDocumentContentProvider(PROPOSED_SCHEME, this),
      vscode.commands.registerCommand(APPLY_COMMAND, () => this.decide('apply')),
      vscode.commands.registerCommand(DISCARD_COMMAND, () => this.decide('discard')),
    ];
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Whether a proposal is waiting for Apply or Discard. */
  get isOpen(): boolean {
    return this.pending !== undefined;
  }

  private decide(decision: Decision): boolean {
    const pending = this.pending;
    this.pending = undefined;
    pending?.(decision);
    return pending !== undefined;
  }

  /** Where the proposal applies now: the original range, or the original text found again after edits. */
  private locate(proposal: EditProposal): { range: vscode.Range; moved: boolean } | undefined {
    const { document } = proposal;
    const full = new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length));
    if (!proposal.range) return { range: full, moved: false };
    if (proposal.version === undefined || document.version === proposal.version) return { range: proposal.range, moved: false };
    if (proposal.originalText === undefined) return undefined;
    const text = document.getText();
    const at = text.indexOf(proposal.originalText);
    if (at < 0 || text.indexOf(proposal.originalText, at + 1) >= 0) return undefined;
    return { range: new vscode.Range(document.positionAt(at), document.positionAt(at + proposal.originalText.length)), moved: true };
  }

  /** Shows the diff and waits for the user's decision. */
  async review(proposal: EditProposal): Promise<ReviewOutcome> {
    this.decide('discard'); // one proposal at a time
    const { document } = proposal;
    const name = document.uri.path.split('/').pop() ?? 'file';
    const located = this.locate(proposal);
    if (!located) {
      void this.showMessage(`${name} changed while DeepSeek was working and the code it was asked about is no longer there; nothing was changed. Run the command again on the current code.`);
      return 'changed';
    }
    if (located.moved) {
      void this.showMessage(`${name} changed while DeepSeek was working; the proposal is shown against the current text.`);
    }
    const range = located.range;
    const version = document.version;
    const text = document.getText();
    const proposedText = text.slice(0, document.offsetAt(range.start)) + proposal.newText + text.slice(document.offsetAt(range.end));
    const proposedUri = vscode.Uri.from({ scheme: PROPOSED_SCHEME, path: `/${name}`, query: `n=${++this.counter}` });
    this.contents.set(proposedUri.toString(), proposedText);
    let decideThis: ((decision: Decision) => void) | undefined;
    const decision = new Promise<Decision>((resolve) => (this.pending = decideThis = resolve));
    // Decides this proposal only (a Cancel that arrives after another proposal replaced it does nothing).
    const settleThis = (choice: Decision) => {
      if (this.pending === decideThis) this.decide(choice);
    };
    await vscode.commands.executeCommand('setContext', CONTEXT_KEY, true);
    const closed = vscode.window.tabGroups.onDidChangeTabs((e) => {
      if (e.closed.some((tab) => tab.input instanceof vscode.TabInputTextDiff && tab.input.modified.toString() === proposedUri.toString())) {
        this.decide('discard');
      }
    });
    try {
      await vscode.commands.executeCommand('vscode.diff', document.uri, proposedUri, `${name} ↔ ${proposal.title} (review)`, { preview: true });
      this.showUntil(
        `${proposal.title}: apply this change to ${name}? [Apply](command:${APPLY_COMMAND}) or [Discard](command:${DISCARD_COMMAND}), here or in the diff's title bar.`,
        decision,
        () => settleThis('discard'),
      );
      if ((await decision) !== 'apply') {
        return 'discarded';
      }
      if (document.version !== version) {
        const again = await this.showMessage(`${name} changed while the proposal was open, so it was not applied. Review it again on the current text?`, 'Review Again');
        return again === 'Review Again' ? this.review({ ...proposal, range, originalText: text.slice(document.offsetAt(range.start), document.offsetAt(range.end)), version }) : 'changed';
      }
      const edit = new vscode.WorkspaceEdit();
      edit.replace(document.uri, range, proposal.newText);
      return (await vscode.workspace.applyEdit(edit)) ? 'applied' : 'discarded';
    } finally {
      closed.dispose();
      this.contents.delete(proposedUri.toString());
      await vscode.commands.executeCommand('setContext', CONTEXT_KEY, this.pending !== undefined);
      await closeTabsOf(proposedUri);
    }
  }

  dispose(): void {
    this.decide('discard');
    for (const r of this.registrations) r.dispose();
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
