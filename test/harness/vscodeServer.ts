import { spawn, spawnSync, type ChildProcess } from 'child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import * as net from 'net';
import * as path from 'path';
import { CACHE_DIR, CODE_SERVER_VERSION, REPO_ROOT, SERVER_NODE_VERSION } from './paths';

export interface VsCodeInstall {
  readonly nodeBin: string;
  readonly serverMain: string;
  readonly dir: string;
}

function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; quiet?: boolean }): void {
  // Quiet: npm's own summary lines ("added 165 packages, and removed 2 packages") say less than the step's own
  // line; what the command printed is shown only when it fails.
  const result = spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: options.quiet ? ['ignore', 'pipe', 'pipe'] : 'inherit',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    if (options.quiet) process.stderr.write(`${result.stdout?.toString() ?? ''}${result.stderr?.toString() ?? ''}`);
    throw new Error(`${command} ${args.join(' ')} failed with exit code ${result.status ?? result.signal}`);
  }
}

/** `dir` relative to the clone when inside it, else absolute. */
function shown(dir: string): string {
  const relative = path.relative(REPO_ROOT, dir);
  return relative.startsWith('..') || path.isAbsolute(relative) ? dir : relative;
}

function seconds(since: number): string {
  const s = Math.round((Date.now() - since) / 1000);
  return s < 90 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}

/**
 * Installs VS Code (the server build inside the `code-server` npm package) and the Node 24 it needs into the
 * cache folder, once. Later calls return at once.
 */
export function ensureVsCodeServer(options: { installPrerequisites?: boolean } = {}): VsCodeInstall {
  const dir = path.join(CACHE_DIR, `code-server-${CODE_SERVER_VERSION}`);
  const nodeBin = path.join(dir, 'node_modules', '.bin', 'node');
  const serverMain = path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'out', 'server-main.js');
  const marker = path.join(dir, '.installed');
  if (existsSync(marker) && existsSync(nodeBin) && existsSync(serverMain)) {
    return { nodeBin, serverMain, dir };
  }
  const checkArgs = [path.join(REPO_ROOT, 'scripts', 'check-prerequisites.mjs'), '--vscode', ...(options.installPrerequisites ? ['--install'] : [])];
  const check = spawnSync(process.execPath, checkArgs, { stdio: 'inherit' });
  if (check.status !== 0) {
    throw new Error('missing prerequisites (see above)');
  }
  const started = Date.now();
  console.log(`\nInstalling VS Code for the demo and the tests into ${shown(dir)} — first run only, about 3 minutes:`);
  mkdirSync(dir, { recursive: true });
  // Saved to the cache folder's package.json: an unsaved node@24 would be pruned by the second install.
  // allowScripts: the install scripts these packages need (npm 11 only lists unreviewed ones; npm 12 skips them).
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({
    name: 'vscode-test-cache',
    private: true,
    allowScripts: { node: true, 'code-server': true, argon2: true },
  }, null, 2));
  const npmArgs = ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--loglevel=error'];
  console.log(`  1/2  Node ${SERVER_NODE_VERSION}, which VS Code's server needs (npm package node@${SERVER_NODE_VERSION}, about 120 MB, under a minute)…`);
  run('npm', [...npmArgs, `node@${SERVER_NODE_VERSION}`], { cwd: dir, quiet: true });
  // code-server's install script refuses any Node but 24, judged from npm's user agent: put that Node first
  // on PATH, and drop the npm_* variables an outer `npm test` set (they carry its Node 20 user agent).
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name) && name !== 'NODE' && name !== 'INIT_CWD'),
  );
  env.PATH = `${path.dirname(nodeBin)}${path.delimiter}${process.env.PATH ?? ''}`;
  console.log(`  2/2  VS Code's server build (npm package code-server@${CODE_SERVER_VERSION}, about 700 MB; its install compiles native modules, 2–3 minutes)…`);
  run('npm', [...npmArgs, `code-server@${CODE_SERVER_VERSION}`], { cwd: dir, env, quiet: true });
  for (const file of [nodeBin, serverMain]) {
    if (!existsSync(file)) {
      throw new Error(`VS Code install finished, but ${file} is missing`);
    }
  }
  writeFileSync(marker, new Date().toISOString());
  const version = (JSON.parse(readFileSync(path.join(dir, 'node_modules', 'code-server', 'lib', 'vscode', 'package.json'), 'utf8')) as { version?: string }).version ?? '?';
  console.log(`  VS Code ${version} installed in ${seconds(started)}.\n`);
  return { nodeBin, serverMain, dir };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface VsCodeServerOptions {
  /** Folder for user data, settings and extensions of this run (created if missing). */
  readonly dataDir: string;
  /** User settings written to `<dataDir>/server/data/User/settings.json`. */
  readonly userSettings: Record<string, unknown>;
  /** Extra environment for the server and so the extension host. */
  readonly env: Record<string, string>;
  /** Environment variables removed (e.g. DEEPSEEK_API_KEY, so tests start with no key). */
  readonly unsetEnv?: readonly string[];
  readonly port?: number;
  /** The smoke-test driver lets a URL payload load a development extension and tests; VS Code then shows no
   * notification toasts. Off for the demo, which installs the packaged extension instead. Default: on. */
  readonly smokeTestDriver?: boolean;
  /** Keep user settings already in the data folder and overlay `userSettings` (the demo keeps the user's). */
  readonly mergeUserSettings?: boolean;
}

export interface RunningVsCodeServer {
  readonly url: string;
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts VS Code's server on 127.0.0.1 with the smoke-test driver enabled, and waits until it serves. */
export async function startVsCodeServer(install: VsCodeInstall, options: VsCodeServerOptions): Promise<RunningVsCodeServer> {
  const port = options.port ?? (await freePort());
  const serverData = path.join(options.dataDir, 'server');
  const extensionsDir = path.join(options.dataDir, 'extensions');
  for (const dir of [path.join(serverData, 'data', 'User'), path.join(serverData, 'data', 'Machine'), extensionsDir]) {
    mkdirSync(dir, { recursive: true });
  }
  const userSettingsFile = path.join(serverData, 'data', 'User', 'settings.json');
  let previous: Record<string, unknown> = {};
  if (options.mergeUserSettings && existsSync(userSettingsFile)) {
    try {
      previous = JSON.parse(readFileSync(userSettingsFile, 'utf8')) as Record<string, unknown>;
    } catch {
      previous = {};
    }
  }
  writeFileSync(userSettingsFile, JSON.stringify({ ...previous, ...options.userSettings }, null, 2));
  writeFileSync(path.join(serverData, 'data', 'Machine', 'settings.json'), JSON.stringify({ 'security.workspace.trust.enabled': false }, null, 2));

  // No extension gallery: the machine has no internet, and tests must not try to reach it.
  const env: NodeJS.ProcessEnv = { ...process.env, EXTENSIONS_GALLERY: '{}', ...options.env };
  for (const name of options.unsetEnv ?? []) {
    delete env[name];
  }
  const child: ChildProcess = spawn(
    install.nodeBin,
    [
      install.serverMain,
      '--host', '127.0.0.1',
      '--port', String(port),
      '--without-connection-token',
      '--accept-server-license-terms',
      ...(options.smokeTestDriver === false ? [] : ['--enable-smoke-test-driver']),
      '--disable-telemetry',
      '--extensions-dir', extensionsDir,
      '--server-data-dir', serverData,
    ],
    { env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
    if (process.env.DEEPSEEK_TEST_VERBOSE) process.stderr.write(chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));

  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`VS Code server exited with ${child.exitCode} before serving:\n${output}`);
    }
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`VS Code server did not start within 60 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }

  return {
    url,
    port,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** Installs a packaged extension into the server's extensions folder, as a user would. */
export function installVsix(install: VsCodeInstall, dataDir: string, vsix: string): void {
  run(
    install.nodeBin,
    [install.serverMain, '--extensions-dir', path.join(dataDir, 'extensions'), '--server-data-dir', path.join(dataDir, 'server'), '--install-extension', vsix, '--force', '--accept-server-license-terms'],
    { cwd: REPO_ROOT, env: { ...process.env, EXTENSIONS_GALLERY: '{}' } },
  );
}
