import { createHash } from 'crypto';
import { cpSync, existsSync, mkdirSync, rmSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { REPO_ROOT } from './paths';

/** The sample the demo opens, copied fresh for every run. */
export const DEMO_FIXTURE = path.join(REPO_ROOT, 'test', 'fixtures', 'demo-workspace');

/** The file in the sample with a real type error, the message VS Code's TypeScript shows for it, and where. */
export const DEMO_TYPE_ERROR = {
  file: 'src/cart.ts',
  line: 18,
  message: "Property 'quantiy' does not exist on type 'LineItem'. Did you mean 'quantity'?",
} as const;

/**
 * User settings of the demo's VS Code, beside the backend URL: no built-in chat or Copilot UI (VS Code 1.139
 * ships Copilot Chat built in and opens its Chat view in the secondary side bar of every new workspace), and
 * nothing that reaches for the network.
 *  - `chat.disableAIFeatures` hides the built-in chat, its title-bar and status-bar entries and the Copilot setup.
 *  - `workbench.secondarySideBar.defaultVisibility: hidden` keeps the secondary side bar (where that Chat view
 *    opens) closed in a new workspace.
 */
export const DEMO_USER_SETTINGS: Readonly<Record<string, unknown>> = {
  'chat.disableAIFeatures': true,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.startupEditor': 'readme',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'update.mode': 'none',
};

/**
 * Workspace Trust for the demo. The bundled sample is trusted: VS Code's web workbench keeps trusted folders in
 * the browser's storage, which the demo cannot pre-fill, so trust prompts are switched off
 * (`security.workspace.trust.enabled: false`: every folder counts as trusted). A folder of the user's own
 * (`npm run demo -- folder`) keeps Workspace Trust on: VS Code asks, as it would on the desktop.
 */
export function demoTrustSettings(ownFolder: boolean): Record<string, unknown> {
  return { 'security.workspace.trust.enabled': ownFolder };
}

/** The nearest folder at or above `dir` that is (the root of) a git repository, or undefined. */
export function enclosingGitRepository(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (existsSync(path.join(current, '.git'))) return current;
    if (path.dirname(current) === current) return undefined;
  }
}

/** A short stable id of this clone, so two clones' demos (or a demo and a test) never share a folder. */
function cloneKey(): string {
  return createHash('sha256').update(REPO_ROOT).digest('hex').slice(0, 8);
}

/**
 * Where demo folders go: the per-user cache (`$XDG_CACHE_HOME`, else `~/.cache`) when that is not inside a git
 * repository (some people version their home folder), else the system's temp folder.
 */
export function demoBase(): string {
  const cache = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  const candidates = [path.join(cache, 'deepseek-assistant'), path.join(os.tmpdir(), `deepseek-assistant-${os.userInfo().username}`)];
  for (const candidate of candidates) {
    if (!enclosingGitRepository(candidate)) return candidate;
  }
  throw new Error(`every place for the demo folder is inside a git repository: ${candidates.join(', ')}`);
}

/**
 * The folder that holds one caller's demo state (`name`: the demo, a UI test) for this clone: the sample folder
 * VS Code opens, and the demo VS Code's own data (settings, installed extension).
 */
export function demoStateDir(name = 'demo', base = demoBase()): string {
  return path.join(base, `${name}-${cloneKey()}`);
}

/**
 * Prepares the folder `npm run demo` opens: a fresh copy of test/fixtures/demo-workspace (anything left from the
 * last run is removed first), outside any git repository so VS Code's Source Control shows nothing of the clone.
 * Returns the folder.
 */
export function prepareDemoWorkspace(options: { name?: string; base?: string } = {}): string {
  const parent = demoStateDir(options.name, options.base);
  const folder = path.join(parent, 'deepseek-demo');
  const repo = enclosingGitRepository(parent);
  if (repo) {
    throw new Error(`the demo folder ${folder} would be inside the git repository ${repo}`);
  }
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(parent, { recursive: true });
  cpSync(DEMO_FIXTURE, folder, { recursive: true });
  return folder;
}
