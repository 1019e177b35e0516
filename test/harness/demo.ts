import { spawnSync } from 'child_process';
import { cpSync, existsSync, readdirSync } from 'fs';
import * as path from 'path';
import { FakeDeepSeekServer } from '../fake-deepseek/server';
import { ARTIFACTS_DIR, CACHE_DIR, REPO_ROOT } from './paths';
import { ensureVsCodeServer, freePort, installVsix, startVsCodeServer } from './vscodeServer';

/**
 * `npm run demo`: packages the extension, installs it into a real VS Code served on 127.0.0.1 and prints the
 * URL to open. With DEEPSEEK_API_KEY set it talks to DeepSeek; otherwise to the bundled offline simulator
 * (the fake DeepSeek server), which the status bar says plainly. Ctrl+C stops it.
 *   npm run demo -- [folder]        open another folder (default: a copy of the sample workspace)
 *   DEMO_PORT=8130 npm run demo     choose the port
 */
async function main(): Promise<void> {
  const install = ensureVsCodeServer({ installPrerequisites: true });
  const dataDir = path.join(CACHE_DIR, 'demo');

  const packaged = spawnSync('npm', ['run', '-s', 'package'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const vsix = readdirSync(path.join(REPO_ROOT, 'dist')).find((f) => f.endsWith('.vsix'));
  if (packaged.status !== 0 || !vsix) {
    throw new Error('packaging the extension failed (npm run package)');
  }
  installVsix(install, dataDir, path.join(REPO_ROOT, 'dist', vsix));

  const folder = process.argv[2] ? path.resolve(process.argv[2]) : path.join(ARTIFACTS_DIR, 'demo-workspace');
  if (!process.argv[2] && !existsSync(folder)) {
    cpSync(path.join(REPO_ROOT, 'test', 'fixtures', 'workspace'), folder, { recursive: true });
  }

  const realKey = process.env.DEEPSEEK_API_KEY?.trim();
  let simulator: FakeDeepSeekServer | undefined;
  const userSettings: Record<string, unknown> = { 'workbench.startupEditor': 'none' };
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
  const server = await startVsCodeServer(install, {
    dataDir,
    userSettings,
    env,
    port,
    smokeTestDriver: false,
    mergeUserSettings: true,
  });
  const url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
  console.log('\nDeepSeek Assistant demo is running.');
  console.log(realKey
    ? '  Backend: DeepSeek (api.deepseek.com), key from DEEPSEEK_API_KEY — requests are billed.'
    : `  Backend: offline simulator at ${userSettings['deepseek.baseUrl'] as string} — nothing leaves this machine. Set DEEPSEEK_API_KEY to use DeepSeek.`);
  console.log(`  Folder:  ${folder}`);
  console.log(`\n  Open in a browser:  ${url}\n\nPress Ctrl+C to stop.`);

  const stop = async () => {
    await server.stop();
    await simulator?.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
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
