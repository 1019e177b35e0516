import * as path from 'path';
import { REPO_ROOT } from './paths';

export interface WorkbenchUrlOptions {
  readonly serverUrl: string;
  readonly port: number;
  readonly workspace: string;
  /** Loads the extension from the repository in development mode. */
  readonly developExtension: boolean;
  /** Absolute path of a compiled tests module exporting run(); implies the smoke-test driver. */
  readonly extensionTestsPath?: string;
}

/** The workbench URL with the `payload` that VS Code's web embedder reads when the smoke-test driver is on. */
export function workbenchUrl(options: WorkbenchUrlOptions): string {
  const remote = (p: string) => `vscode-remote://127.0.0.1:${options.port}${path.resolve(p)}`;
  const payload: [string, string][] = [['skipWelcome', 'true']];
  if (options.developExtension) {
    payload.push(['extensionDevelopmentPath', remote(REPO_ROOT)]);
  }
  if (options.extensionTestsPath) {
    payload.push(['extensionTestsPath', remote(options.extensionTestsPath)]);
  }
  const query = new URLSearchParams({ folder: path.resolve(options.workspace), payload: JSON.stringify(payload) });
  return `${options.serverUrl}/?${query.toString()}`;
}
