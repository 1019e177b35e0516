import * as vscode from 'vscode';
import type { ApiFailure } from '../core/apiErrors';
import { CommandIds } from '../core/commandIds';
import { buildCommitPrompt, cleanCommitMessage, MAX_STYLE_SUBJECTS, splitDiff } from '../core/commitMessage';
import type { Logger } from '../core/logger';
import type { EngineEvent } from '../engine/engineEvents';
import { isNotSent, RequestEngine } from '../engine/requestEngine';
import type { Notifier } from '../platform/notifier';
import { modalBudgetPolicy } from '../spend/budgetPolicy';
import type { ReadPolicy } from '../workspace/readPolicy';
import { gitApi, rootUriOf, type GitApi, type GitRepository } from './gitApi';

/** An internal command (not in the palette): the @deepseek participant's "Use as Commit Message" button. */
export const SET_COMMIT_MESSAGE_COMMAND = 'deepseek.scm.useCommitMessage';

/** The most output a commit message may take. */
const COMMIT_MAX_TOKENS = 1_024;

export interface CommitMessageDeps {
  readonly engine: RequestEngine;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly readPolicy: () => ReadPolicy;
  /** The Git API (default: the built-in Git extension's); tests and the participant share it. */
  readonly git?: () => Promise<GitApi | { readonly unavailable: string }>;
}

/** How a draft went. `refused`: nothing was sent (the message says why). */
export type CommitDraft =
  | { readonly kind: 'refused'; readonly message: string }
  | { readonly kind: 'failed'; readonly failure: ApiFailure }
  | {
    readonly kind: 'done';
    readonly repository: GitRepository;
    readonly message: string;
    /** False when nothing was staged and the working tree's changes were described. */
    readonly staged: boolean;
    /** Secrets (and personal data) the redactor found in what was sent: none of them left the machine or is in the message. */
    readonly secrets: number;
    /** Files whose changes were listed by name only (the read policy refuses them). */
    readonly withheld: readonly string[];
  };

/** "Nothing to describe…": no staged and no unstaged changes of tracked files. */
export const NOTHING_TO_DESCRIBE = 'Nothing to describe: the repository has no staged or unstaged changes. Nothing was sent.';

/**
 * Generate Commit Message: the repository's staged diff (else its unstaged one, said so) through the engine on
 * the chat role (surface `commit`, the modal budget policy, redacted like every request), the answer cleaned up
 * into the repository's commit input box. Files the read policy refuses (ignored, secret names, excluded) are
 * named only. When the redactor found secrets in the diff, the message keeps the placeholders the model saw
 * (fail closed: a secret never lands in a commit message) and the user is told.
 */
export class CommitMessages {
  /** Repositories (root URIs) a Generate Commit Message is writing for: a second press waits for none, it is refused. */
  private readonly writing = new Set<string>();

  constructor(private readonly deps: CommitMessageDeps) {}

  register(): vscode.Disposable[] {
    return [
      vscode.commands.registerCommand(CommandIds.generateCommitMessage, (arg?: unknown) => this.run(arg)),
      vscode.commands.registerCommand(SET_COMMIT_MESSAGE_COMMAND, (root?: unknown, message?: unknown) => this.useMessage(root, message)),
    ];
  }

  private git(): Promise<GitApi | { readonly unavailable: string }> {
    return (this.deps.git ?? gitApi)();
  }

  /**
   * The repository to describe: the one passed (scm/title passes its Source Control, which has a rootUri),
   * else the one holding the active editor's file, else the only one, else the user picks. A refusal says why.
   */
  async repository(arg?: unknown): Promise<GitRepository | { readonly refused: string }> {
    const api = await this.git();
    if ('unavailable' in api) return { refused: `Cannot write a commit message: ${api.unavailable}` };
    const root = rootUriOf(arg);
    if (root) {
      const repo = api.repositories.find((r) => r.rootUri.toString() === root.toString()) ?? api.getRepository(root);
      if (repo) return repo;
    }
    const active = vscode.window.activeTextEditor?.document.uri;
    const holding = active && active.scheme === 'file' ? api.getRepository(active) : null;
    if (holding) return holding;
    const repos = api.repositories;
    if (repos.length === 0) return { refused: 'Cannot write a commit message: no Git repository is open. Open a folder that is a Git repository (or run "Git: Initialize Repository").' };
    if (repos.length === 1) return repos[0];
    const picked = await vscode.window.showQuickPick(
      repos.map((r) => ({ label: r.rootUri.path.split('/').pop() ?? r.rootUri.fsPath, description: r.rootUri.fsPath, repo: r })),
      { title: 'DeepSeek: Generate Commit Message', placeHolder: 'Which repository?' },
    );
    return picked ? picked.repo : { refused: 'No repository picked. Nothing was sent.' };
  }

  /** Writes a commit message for `repository`'s changes (nothing is put anywhere: the caller decides). */
  async draft(repository: GitRepository, token?: vscode.CancellationToken, onEvent?: (event: EngineEvent) => void): Promise<CommitDraft> {
    let staged = true;
    let diff = await repository.diff(true);
    if (diff.trim() === '') {
      staged = false;
      diff = await repository.diff(false);
    }
    if (diff.trim() === '') {
      const untracked = (repository.state.untrackedChanges?.length ?? 0) > 0 || repository.state.workingTreeChanges.length > 0;
      return {
        kind: 'refused',
        message: untracked
          ? 'Nothing to describe: nothing is staged and no tracked file changed (new files must be staged first). Nothing was sent.'
          : NOTHING_TO_DESCRIBE,
      };
    }
    if (!staged) this.deps.logger.info('commit message: nothing was staged; describing the unstaged changes');
    const withheld = await this.withheld(repository.rootUri, diff);
    if (withheld.size > 0) this.deps.logger.info(`commit message: changes in ${[...withheld].join(', ')} not shown (the read policy refuses them)`);
    let subjects: string[] = [];
    try {
      subjects = (await repository.log({ maxEntries: MAX_STYLE_SUBJECTS })).map((c) => c.message.split('\n')[0]);
    } catch {
      // A repository without commits yet has no log.
    }
    const prompt = buildCommitPrompt({ diff, staged, recentSubjects: subjects, withheld });
    if (token?.isCancellationRequested) return { kind: 'failed', failure: { kind: 'cancelled', retryable: false, message: 'Stopped.' } };
    const result = await this.deps.engine.chat({
      surface: 'commit',
      role: 'chat',
      build: () => ({ messages: prompt.messages }),
      maxTokens: COMMIT_MAX_TOKENS,
      budget: modalBudgetPolicy(this.deps.notifier),
      ...(token ? { token } : {}),
      ...(onEvent ? { onEvent } : {}),
    });
    if (isNotSent(result)) return { kind: 'failed', failure: RequestEngine.notSentFailure(result) };
    if (result.failure) return { kind: 'failed', failure: result.failure };
    // The distinct secrets (and personal data) the engine replaced before the diff left: none is in the message.
    const secrets = new Set((result.findings ?? []).map((f) => f.placeholder)).size;
    // Fail closed: with secrets in the diff, the placeholders stay (the model only ever saw those).
    const message = cleanCommitMessage(secrets > 0 ? result.rawContent : result.content);
    if (message === '') return { kind: 'failed', failure: { kind: 'unknown', retryable: true, message: 'DeepSeek answered with an empty commit message. Try again.' } };
    return { kind: 'done', repository, message, staged, secrets, withheld: [...withheld] };
  }

  /** The command: the repository, its draft with progress in the Source Control view, the message into its input box. */
  async run(arg?: unknown): Promise<string | undefined> {
    const repository = await this.repository(arg);
    if ('refused' in repository) {
      void this.deps.notifier.warn(`DeepSeek: ${repository.refused}`);
      return undefined;
    }
    const key = repository.rootUri.toString();
    if (this.writing.has(key)) {
      void this.deps.notifier.info('DeepSeek is already writing a commit message for this repository.');
      return undefined;
    }
    this.writing.add(key);
    try {
      const draft = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.SourceControl, title: 'DeepSeek: writing the commit message…', cancellable: true },
        (_progress, token) => this.draft(repository, token),
      );
      return this.settle(draft);
    } finally {
      this.writing.delete(key);
    }
  }

  /** Puts a finished draft into its repository's input box (replacing what was there) and tells what the user should know. */
  private settle(draft: CommitDraft): string | undefined {
    if (draft.kind === 'refused') {
      void this.deps.notifier.info(`DeepSeek: ${draft.message}`);
      return undefined;
    }
    if (draft.kind === 'failed') {
      void this.deps.engine.reportFailure(draft.failure);
      return undefined;
    }
    const previous = draft.repository.inputBox.value;
    draft.repository.inputBox.value = draft.message;
    if (previous.trim() !== '' && previous !== draft.message) this.deps.logger.info('commit message: replaced the text that was in the input box');
    for (const note of draftNotes(draft)) void this.deps.notifier.info(note);
    return draft.message;
  }

  /** The participant's button: the message into the input box of the repository at `root`. */
  private async useMessage(root: unknown, message: unknown): Promise<void> {
    if (typeof message !== 'string') return;
    const api = await this.git();
    if ('unavailable' in api) {
      void this.deps.notifier.warn(`DeepSeek: ${api.unavailable}`);
      return;
    }
    const uri = typeof root === 'string' ? vscode.Uri.parse(root) : rootUriOf({ rootUri: root });
    const repo = uri ? api.repositories.find((r) => r.rootUri.toString() === uri.toString()) : undefined;
    if (!repo) {
      void this.deps.notifier.warn('DeepSeek: that repository is no longer open.');
      return;
    }
    repo.inputBox.value = message;
    await vscode.commands.executeCommand('workbench.view.scm');
  }

  /** The changed files whose content the read policy refuses (ignored, secret or excluded names, outside the workspace). */
  private async withheld(root: vscode.Uri, diff: string): Promise<Set<string>> {
    const policy = this.deps.readPolicy();
    const refused = new Set<string>();
    for (const section of splitDiff(diff)) {
      const verdict = await policy.check(vscode.Uri.joinPath(root, section.path));
      // A deleted file no longer exists: its name passed the checks, which is what counts for lines it had.
      if (!verdict.allowed && !/ does not exist$/.test(verdict.reason)) refused.add(section.path);
    }
    return refused;
  }
}

/** What the user is told beside the message: nothing staged, secrets kept out, files not shown. */
export function draftNotes(draft: Extract<CommitDraft, { kind: 'done' }>): string[] {
  const notes: string[] = [];
  if (!draft.staged) notes.push('DeepSeek: nothing was staged, so the commit message describes the unstaged changes.');
  if (draft.secrets > 0) {
    notes.push(`DeepSeek: the ${draft.staged ? 'staged' : 'unstaged'} diff contains ${draft.secrets} secret${draft.secrets === 1 ? '' : 's'} or personal data; they were not sent and are not in the message.`);
  }
  if (draft.withheld.length > 0) notes.push(`DeepSeek: changes in ${draft.withheld.join(', ')} not shown to the model (ignored or secret files).`);
  return notes;
}
