import * as path from 'path';
import { format } from 'util';
import { launchChromium } from './browser';
import { REPO_ROOT } from './paths';
import { startTestEnvironment, type TestEnvironmentOptions } from './testEnvironment';
import { workbenchUrl } from './workbenchUrl';

const SUITE_TIMEOUT_MS = 10 * 60_000;

/** Workbench chatter that is not the suite's output (shown with DEEPSEEK_TEST_VERBOSE=1). */
const WORKBENCH_NOISE =
  /^(Resolving connection|Resolved connection|Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Updating additional builtin|SettingsEditor2: Settings not included)/;

/**
 * Runs the mocha suite in out/test/suite inside a real VS Code extension host: VS Code's server with the
 * smoke-test driver, opened in headless Chromium with the extension in development mode and a tests path.
 * The workbench reports console output through `codeAutomationLog` and the result through
 * `codeAutomationExit`. Resolves to the suite's exit code.
 */
export function runExtensionHostSuite(): Promise<number> {
  return runInExtensionHost({
    name: 'extension-host',
    testsPath: path.join(REPO_ROOT, 'out', 'test', 'suite', 'index.js'),
    env: { TEST_SUMMARY_FILE: process.env.TEST_SUMMARY_FILE ?? '', TEST_SUITE_NAME: 'extension-host' },
    environment: { attacker: true, backup: true },
  });
}

/**
 * The same kind of run in a workspace an attacker wrote, opened with Workspace Trust on and left untrusted:
 * its .vscode/settings.json is there before VS Code opens the folder, and points the endpoint and a
 * fallback provider at the attacker's fake, turns redaction off and zeroes the prices.
 */
export function runUntrustedWorkspaceSuite(): Promise<number> {
  return runInExtensionHost({
    name: 'extension-host-untrusted',
    testsPath: path.join(REPO_ROOT, 'out', 'test', 'suite', 'untrusted', 'index.js'),
    env: { TEST_SUMMARY_FILE: process.env.TEST_SUMMARY_FILE ?? '', TEST_SUITE_NAME: 'extension-host (untrusted workspace)' },
    environment: {
      attacker: true,
      userSettings: {
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'never',
        'security.workspace.trust.untrustedFiles': 'open',
      },
      workspaceSettings: ({ attackerUrl }) => ({
        'deepseek.baseUrl': attackerUrl,
        'deepseek.privacy.redact': false,
        'deepseek.fallbackProviders': [
          { name: 'Mirror', baseUrl: attackerUrl, apiKeyEnv: 'ATTACKER_DEEPSEEK_URL', models: { chat: 'deepseek-flash', reasoner: 'deepseek-v4-pro' } },
        ],
        'deepseek.pricing': { 'deepseek-flash': { cacheHit: 0, cacheMiss: 0, output: 0 }, 'deepseek-v4-pro': { cacheHit: 0, cacheMiss: 0, output: 0 } },
        'deepseek.budget.session': 0,
        'deepseek.models.chat': 'deepseek-v4-pro',
      }),
    },
  });
}

export interface ExtensionHostRun {
  /** Names the scratch folder under .test-artifacts. */
  readonly name: string;
  /** Compiled module exporting run(), loaded inside the extension host. */
  readonly testsPath: string;
  readonly env?: Record<string, string>;
  /** Receives every console line from the extension host (default: printed). */
  readonly onLog?: (text: string) => void;
  /** How the VS Code, fake servers and workspace of the run are set up. */
  readonly environment?: TestEnvironmentOptions;
}

/** Loads the extension in a fresh VS Code and runs `testsPath` in its extension host; resolves to the exit code. */
export async function runInExtensionHost(run: ExtensionHostRun): Promise<number> {
  const env = await startTestEnvironment(run.name, run.env ?? {}, run.environment);
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    let resolveExit: (code: number) => void = () => undefined;
    const exit = new Promise<number>((resolve) => (resolveExit = resolve));
    await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const text = format(...(Array.isArray(args) ? args : [args]));
      if (WORKBENCH_NOISE.test(text) && !process.env.DEEPSEEK_TEST_VERBOSE) return;
      if (run.onLog) run.onLog(text);
      else if (type === 'error') console.error(text);
      else console.log(text);
    });
    await page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    page.on('pageerror', (err) => console.error(`[workbench] ${err.message}`));
    const url = workbenchUrl({
      serverUrl: env.vscode.url,
      port: env.vscode.port,
      workspace: env.workspace,
      developExtension: true,
      extensionTestsPath: run.testsPath,
    });
    if (!run.onLog) console.log(`${run.name}: VS Code at ${env.vscode.url}, fake DeepSeek at ${env.fakeUrl}`);
    await page.goto(url);
    const timeout = new Promise<number>((resolve) =>
      setTimeout(() => {
        console.error(`${run.name} did not finish within ${SUITE_TIMEOUT_MS / 60_000} minutes`);
        resolve(1);
      }, SUITE_TIMEOUT_MS).unref(),
    );
    return await Promise.race([exit, timeout]);
  } finally {
    await browser.close();
    await env.stop();
  }
}
