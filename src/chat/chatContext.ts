import * as vscode from 'vscode';
import { isDocumentPath } from '../core/documents/documentInfo';
import { formatLineSpan, selectedLines } from '../core/lineSpan';
import type { ChipView, FileResult } from '../webview/protocol';
import type { ReadPolicy } from '../workspace/readPolicy';

/**
 * The context chips of the chat: the current file and selection (automatic, removable until the editor
 * changes), and pinned files (added with "+ Current file" or an @ mention). Every file goes through the
 * ReadPolicy (the workspace walk's rules), so excluded, secret, binary, oversized and linked-out files are
 * refused with a reason instead of being read. Images and documents (PDF, DOCX, PPTX) are not pinned but
 * attached (src/documents/attachments.ts); the `@` search lists those the document policy allows.
 */
export class ChatContext implements vscode.Disposable {
  private readonly pinned = new Set<string>();
  private dismissedCurrent: string | undefined;
  private dismissedSelection: string | undefined;
  private lastEditor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly subscriptions: vscode.Disposable[];

  constructor(
    private readonly policy: ReadPolicy,
    private readonly trusted: () => boolean,
    /** Whether an image or document may be attached (the document policy): the `@` search lists those allowed. */
    private readonly documentAllowed?: (uri: vscode.Uri) => Promise<boolean>,
  ) {
    this.subscriptions = [
      vscode.window.onDidChangeActiveTextEditor((editor) => {
        if (editor && editor.document.uri.scheme !== 'output') {
          this.lastEditor = editor;
          this.dismissedCurrent = undefined;
          this.emitter.fire();
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.textEditor === this.lastEditor || e.textEditor === vscode.window.activeTextEditor) {
          this.lastEditor = e.textEditor;
          this.dismissedSelection = undefined;
          this.emitter.fire();
        }
      }),
    ];
  }

  /** The editor code actions apply to: the active one, or the last one used before focus moved to the chat. */
  editor(): vscode.TextEditor | undefined {
    const active = vscode.window.activeTextEditor;
    if (active && active.document.uri.scheme !== 'output') return active;
    return this.lastEditor;
  }

  chips(): ChipView[] {
    const chips: ChipView[] = [];
    const editor = this.editor();
    if (editor && this.trusted() && editor.document.uri.scheme === 'file') {
      const path = vscode.workspace.asRelativePath(editor.document.uri);
      if (this.dismissedCurrent !== path && !this.pinned.has(editor.document.uri.toString())) {
        chips.push({ id: 'current', kind: 'currentFile', label: path, detail: 'Current file' });
      }
      const sel = editor.selection;
      const selKey = `${path}:${sel.start.line}:${sel.end.line}`;
      if (!sel.isEmpty && this.dismissedSelection !== selKey) {
        chips.push({ id: 'selection', kind: 'selection', label: `${path}:${formatLineSpan(selectedLines(sel.start, sel.end))}`, detail: 'Selection' });
      }
    }
    for (const uri of [...this.pinned].sort()) {
      chips.push({ id: `pin:${uri}`, kind: 'pinned', label: vscode.workspace.asRelativePath(vscode.Uri.parse(uri)), detail: 'Pinned file' });
    }
    return chips;
  }

  remove(id: string): void {
    const editor = this.editor();
    if (id === 'current' && editor) {
      this.dismissedCurrent = vscode.workspace.asRelativePath(editor.document.uri);
    } else if (id === 'selection' && editor) {
      const sel = editor.selection;
      this.dismissedSelection = `${vscode.workspace.asRelativePath(editor.document.uri)}:${sel.start.line}:${sel.end.line}`;
    } else if (id.startsWith('pin:')) {
      this.pinned.delete(id.slice(4));
    }
    this.emitter.fire();
  }

  /**
   * Pins a file; returns a refusal reason when the read policy refuses it. The file is read once here, so
   * binary content is refused now rather than when the next question is sent.
   */
  async pin(uri: vscode.Uri): Promise<string | undefined> {
    const read = await this.policy.read(uri);
    if (!read.ok) {
      return read.reason;
    }
    this.pinned.add(uri.toString());
    this.emitter.fire();
    return undefined;
  }

  async pinCurrent(): Promise<string | undefined> {
    const editor = this.editor();
    if (!editor) return 'There is no open editor to add.';
    this.dismissedCurrent = undefined;
    return this.pin(editor.document.uri);
  }

  /** Workspace files matching a fuzzy query, excluded ones left out (images and documents by the document policy). */
  async search(query: string): Promise<FileResult[]> {
    const files = await vscode.workspace.findFiles('**/*', undefined, 5000);
    const q = query.toLowerCase();
    const scored = files
      .map((uri) => ({ uri, path: vscode.workspace.asRelativePath(uri) }))
      .map((f) => ({ ...f, score: fuzzyScore(f.path.toLowerCase(), q) }))
      .filter((f) => f.score > 0)
      .sort((a, b) => b.score - a.score || a.path.localeCompare(b.path))
      .slice(0, 30);
    const allowed: FileResult[] = [];
    for (const f of scored) {
      const ok = isDocumentPath(f.path) && this.documentAllowed ? await this.documentAllowed(f.uri) : (await this.policy.check(f.uri)).allowed;
      if (ok) allowed.push({ path: f.uri.toString(), label: f.path });
      if (allowed.length >= 12) break;
    }
    return allowed;
  }

  /** Whether the current file chip is in the context (not removed by the user). */
  includesCurrentFile(): boolean {
    const pinnedCurrent = `pin:${this.editor()?.document.uri.toString()}`;
    return this.chips().some((c) => c.kind === 'currentFile' || c.id === pinnedCurrent);
  }

  includesSelection(): boolean {
    return this.chips().some((c) => c.kind === 'selection');
  }

  pinnedUris(): vscode.Uri[] {
    const current = this.editor()?.document.uri.toString();
    return [...this.pinned].filter((u) => u !== current).sort().map((u) => vscode.Uri.parse(u));
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.emitter.dispose();
  }
}

/** Subsequence match with bonuses for consecutive characters and matches in the file name. */
export function fuzzyScore(path: string, query: string): number {
  if (!query) return 1;
  let score = 0;
  let from = 0;
  let streak = 0;
  const nameStart = path.lastIndexOf('/') + 1;
  for (const ch of query) {
    const at = path.indexOf(ch, from);
    if (at < 0) return 0;
    streak = at === from ? streak + 1 : 1;
    score += 1 + streak + (at >= nameStart ? 2 : 0);
    from = at + 1;
  }
  return score;
}
