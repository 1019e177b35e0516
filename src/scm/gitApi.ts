import * as vscode from 'vscode';

/**
 * The few members of the built-in Git extension's API (`vscode.git`, `getAPI(1)`) that Generate Commit Message
 * uses, typed here from its published `git.d.ts` (no dependency on it): repositories, their root and commit
 * input box, staged and working-tree changes, their diffs and recent commits.
 */
export interface GitChange {
  readonly uri: vscode.Uri;
}

export interface GitRepositoryState {
  readonly indexChanges: readonly GitChange[];
  readonly workingTreeChanges: readonly GitChange[];
  /** Newer Git extensions keep untracked files apart (git.untrackedChanges: separate); absent in older ones. */
  readonly untrackedChanges?: readonly GitChange[];
}

export interface GitCommit {
  readonly hash: string;
  readonly message: string;
}

export interface GitRepository {
  readonly rootUri: vscode.Uri;
  readonly inputBox: { value: string };
  readonly state: GitRepositoryState;
  /** `cached`: the staged changes (`git diff --cached`); otherwise the working tree's against the index. */
  diff(cached?: boolean): Promise<string>;
  log(options?: { readonly maxEntries?: number }): Promise<readonly GitCommit[]>;
}

export interface GitApi {
  readonly state: 'uninitialized' | 'initialized';
  readonly onDidChangeState: vscode.Event<'uninitialized' | 'initialized'>;
  readonly repositories: readonly GitRepository[];
  getRepository(uri: vscode.Uri): GitRepository | null;
  openRepository?(root: vscode.Uri): Promise<GitRepository | null>;
}

interface GitExtensionExports {
  readonly enabled: boolean;
  getAPI(version: 1): GitApi;
}

export const GIT_EXTENSION_ID = 'vscode.git';

/** How long to wait for the Git extension to find its repositories after it starts. */
const INITIALIZE_TIMEOUT_MS = 10_000;

function isGitExports(value: unknown): value is GitExtensionExports {
  return typeof value === 'object' && value !== null && typeof (value as { getAPI?: unknown }).getAPI === 'function' && typeof (value as { enabled?: unknown }).enabled === 'boolean';
}

/** The Git API, or why there is none (a sentence for the user). */
export async function gitApi(): Promise<GitApi | { readonly unavailable: string }> {
  const extension = vscode.extensions.getExtension<unknown>(GIT_EXTENSION_ID);
  if (!extension) return { unavailable: 'the built-in Git extension (vscode.git) is not installed or is disabled. Enable it in the Extensions view (search @builtin git).' };
  let exports: unknown;
  try {
    exports = extension.isActive ? extension.exports : await extension.activate();
  } catch (err) {
    return { unavailable: `the built-in Git extension could not start (${err instanceof Error ? err.message : String(err)}).` };
  }
  if (!isGitExports(exports)) return { unavailable: 'the built-in Git extension offers no API this extension knows.' };
  if (!exports.enabled) return { unavailable: 'Git is disabled (the setting git.enabled is off, or git was not found on PATH).' };
  const api = exports.getAPI(1);
  if (api.state !== 'initialized') {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        listener.dispose();
        resolve();
      }, INITIALIZE_TIMEOUT_MS);
      const listener = api.onDidChangeState((state) => {
        if (state !== 'initialized') return;
        clearTimeout(timer);
        listener.dispose();
        resolve();
      });
    });
  }
  return api;
}

/** Whether `value` looks like a Source Control the scm/title menu passes (or a repository): it has a `rootUri`. */
export function rootUriOf(value: unknown): vscode.Uri | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const root = (value as { rootUri?: unknown }).rootUri;
  if (root instanceof vscode.Uri) return root;
  // A Uri that crossed a boundary as plain data.
  const fsPath = typeof root === 'object' && root !== null ? (root as { fsPath?: unknown }).fsPath : undefined;
  return typeof fsPath === 'string' && fsPath !== '' ? vscode.Uri.file(fsPath) : undefined;
}
