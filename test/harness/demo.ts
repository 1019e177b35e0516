import { spawnSync } from 'child_process';
import { readdirSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import { SIMULATOR_BAD_KEY } from '../fake-deepseek/simulatedAnswers';
import { DEMO_USER_SETTINGS, demoStateDir, demoTrustSettings, prepareDemoWorkspace } from './demoWorkspace';
import { REPO_ROOT } from './paths';
import { ensureVsCodeServer, freePort, installVsix, startVsCodeServer } from './vscodeServer';

/**
 * `npm run demo`: packages the extension, installs it into a real VS Code served on 127.0.0.1 and prints the
 * URL to open. With DEEPSEEK_API_KEY set it talks to DeepSeek; otherwise to the bundled offline simulator
 * (the fake DeepSeek server in simulator mode), which the status bar says plainly. Ctrl+C stops it.
 *   npm run demo -- [folder]        open another folder (default: a fresh copy of the demo sample)
 *   DEMO_PORT=8130 npm run demo     choose the port
 */
async function main(): Promise<void> {
  const started = Date.now();
  const install = ensureVsCodeServer({ installPrerequisites: true });
  const stateDir = demoStateDir();
  const dataDir = path.join(stateDir, 'vscode');

  step('Packaging the extension (a production build with esbuild, then vsce package; a few seconds)');
  const packaged = spawnSync('npm', ['run', '-s', 'package'], { cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const vsix = readdirSync(path.join(REPO_ROOT, 'dist')).find((f) => f.endsWith('.vsix'));
  if (packaged.status !== 0 || !vsix) {
    process.stderr.write(`${packaged.stdout}${packaged.stderr}`);
    throw new Error('packaging the extension failed (npm run package)');
  }
  step('Installing it into VS Code');
  installVsix(install, dataDir, path.join(REPO_ROOT, 'dist', vsix));

  const ownFolder = process.argv[2] ? path.resolve(process.argv[2]) : undefined;
  const folder = ownFolder ?? prepareDemoWorkspace();

  const realKey = process.env.DEEPSEEK_API_KEY?.trim();
  let simulator: FakeDeepSeekServer | undefined;
  const userSettings: Record<string, unknown> = { ...DEMO_USER_SETTINGS, ...demoTrustSettings(ownFolder !== undefined) };
  const env: Record<string, string> = {};
  if (realKey) {
    // Talk to DeepSeek itself: the default base URL, the key from the environment.
    userSettings['deepseek.baseUrl'] = 'https://api.deepseek.com';
  } else {
    simulator = new FakeDeepSeekServer({ simulator: true, chunkDelayMs: 15, keepAlives: 1, keepAliveIntervalMs: 200 });
    userSettings['deepseek.baseUrl'] = await simulator.start();
    env.DEEPSEEK_API_KEY = 'sk-offline-simulator';
  }

  const requestedPort = Number(process.env.DEMO_PORT ?? 8130);
  const port = (await isFree(requestedPort)) ? requestedPort : await freePort();
  step('Starting VS Code');
  const server = await startVsCodeServer(install, {
    dataDir,
    userSettings,
    env,
    port,
    smokeTestDriver: false,
    mergeUserSettings: true,
  });
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  console.log(`\nDeepSeek Assistant demo is running (packaged, installed and started in ${seconds} s).`);
  console.log(realKey
    ? '  Backend: DeepSeek (api.deepseek.com), key from DEEPSEEK_API_KEY — requests are billed.'
    : [
      `  Backend: offline simulator at ${userSettings['deepseek.baseUrl'] as string} — nothing leaves this machine.`,
      `           Answers are worked out by rules from your code. Set DEEPSEEK_API_KEY to use DeepSeek.`,
      `           To see a rejected key: DeepSeek: Set API Key, then ${SIMULATOR_BAD_KEY}.`,
    ].join('\n'));
  console.log(ownFolder
    ? `  Folder:  ${folder} (yours; Workspace Trust is on, VS Code asks whether you trust it)`
    : [
      `  Folder:  ${folder}`,
      '           a fresh copy of test/fixtures/demo-workspace, made again at every start: outside any git repository,',
      '           trusted, VS Code\'s own Chat hidden; src/cart.ts has a real type error to try Fix on',
    ].join('\n'));
  console.log(`  VS Code: ${install.dir} (its settings and extensions for the demo: ${dataDir})`);
  console.log(`\n  Open in a browser:  ${url}`);
  console.log(`\n  It listens on 127.0.0.1 only. From another machine, tunnel the port over SSH:`);
  console.log(`    ssh -L ${port}:127.0.0.1:${port} ${os.userInfo().username}@<this host>   then open the URL above there.`);
  console.log('\nPress Ctrl+C to stop.');

  const stop = async () => {
    await server.stop();
    await simulator?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}

function step(what: string): void {
  console.log(`${what}…`);
}

async function isFree(port: number): Promise<boolean> {
  try {
    await fetch(`http://127.0.0.1:${port}`, { signal: AbortSignal.timeout(500) });
    return false;
  } catch {
    return true;
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
