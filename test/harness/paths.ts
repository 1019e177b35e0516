import * as path from 'path';

/** The repository root (this file is compiled to out/test/harness/). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');

/** Where downloaded tools live, like @vscode/test-electron's cache. Ignored by git. */
export const CACHE_DIR = process.env.DEEPSEEK_TEST_CACHE ?? path.join(REPO_ROOT, '.vscode-test');

/** Per-run scratch folders (workspaces, user data, screenshots). */
export const ARTIFACTS_DIR = path.join(REPO_ROOT, '.test-artifacts');

export const CODE_SERVER_VERSION = '4.139.1';
export const SERVER_NODE_VERSION = '24';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const EXTENSION_ID = 'deepseek-assistant.deepseek-assistant';
