import * as assert from 'assert/strict';
import { execFileSync } from 'child_process';
import { mkdirSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { GitApi, GitRepository } from '../../src/scm/gitApi';
import { waitFor } from './helpers';

/** A scratch Git repository inside the test workspace, opened in the built-in Git extension. */
export interface ScratchRepo {
  readonly dir: string;
  readonly uri: vscode.Uri;
  readonly repository: GitRepository;
  readonly api: GitApi;
  git(...args: string[]): string;
  write(rel: string, text: string): void;
  /** Closes the repository in the Git extension (so it stops running git there), then deletes it. */
  remove(): Promise<void>;
}

/** The built-in Git extension's API (the test host has it enabled and git on PATH). */
export async function gitExtensionApi(): Promise<GitApi> {
  const extension = vscode.extensions.getExtension<{ enabled: boolean; getAPI(v: 1): GitApi }>('vscode.git');
  assert.ok(extension, 'the built-in Git extension is present in the test host');
  const exports = extension.isActive ? extension.exports : await extension.activate();
  assert.ok(exports.enabled, 'Git is enabled (git on PATH)');
  const api = exports.getAPI(1);
  await waitFor('the Git extension to initialise', () => (api.state === 'initialized' ? true : undefined));
  return api;
}

/** Makes `<workspace>/<name>` a Git repository with `commits` (subject → files), and opens it in the Git extension. */
export async function scratchRepo(name: string, commits: readonly { subject: string; files: Record<string, string> }[]): Promise<ScratchRepo> {
  const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
  const dir = path.join(root, name);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } });
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), text);
  };
  git('init', '-q', '-b', 'main');
  git('config', 'user.name', 'Test User');
  git('config', 'user.email', 'test@example.invalid');
  git('config', 'commit.gpgsign', 'false');
  for (const commit of commits) {
    for (const [rel, text] of Object.entries(commit.files)) write(rel, text);
    git('add', '-A');
    git('commit', '-q', '-m', commit.subject);
  }
  const uri = vscode.Uri.file(dir);
  const api = await gitExtensionApi();
  const repository = (await api.openRepository?.(uri)) ?? await waitFor('the Git extension to open the repository', () => api.getRepository(uri) ?? undefined);
  assert.ok(repository, 'the Git extension opened the scratch repository');
  const remove = async () => {
    await vscode.commands.executeCommand('git.close', uri);
    await waitFor('the Git extension to close the repository', () => (api.repositories.some((r) => r.rootUri.fsPath === dir) ? undefined : true), 10_000).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  };
  return { dir, uri, repository, api, git, write, remove };
}
