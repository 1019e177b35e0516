import { runMochaIn } from '../../harness/mochaInHost';

/**
 * Entry point of the untrusted-workspace run: VS Code with Workspace Trust on, the folder left untrusted, and
 * an attacker's .vscode/settings.json already in it (see runUntrustedWorkspaceSuite). Loads the tests here.
 */
export function run(): Promise<void> {
  return runMochaIn(__dirname, 'untrusted-workspace');
}
