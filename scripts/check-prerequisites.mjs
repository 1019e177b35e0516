// Checks the Debian packages that running VS Code here needs, naming what is missing and how to install it.
//   node scripts/check-prerequisites.mjs            chromium + libkrb5-dev + git (what `npm test` needs)
//   node scripts/check-prerequisites.mjs --vscode   libkrb5-dev only (installing VS Code for the demo)
//   --install   install what is missing with apt-get when running as root (used by `npm run demo`)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = new Set(process.argv.slice(2));
const wantChromium = !args.has('--vscode');
const install = args.has('--install');

function hasKrb5() {
  if (existsSync('/usr/include/gssapi/gssapi.h') || existsSync('/usr/include/krb5.h')) return true;
  try {
    execFileSync('krb5-config', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const checks = [
  {
    pkg: 'libkrb5-dev',
    ok: hasKrb5,
    why: 'installing VS Code (code-server) compiles a native module that needs it',
  },
  ...(wantChromium
    ? [
      { pkg: 'chromium', ok: () => existsSync(chromiumPath), why: `the UI tests drive VS Code in it (looked for ${chromiumPath}; or set CHROMIUM_PATH)` },
      { pkg: 'git', ok: () => spawnSync('git', ['--version'], { stdio: 'ignore' }).status === 0, why: "the commit-message tests make Git repositories, and VS Code's Git extension runs git" },
    ]
    : []),
];

let missing = checks.filter((c) => !c.ok());
if (missing.length > 0 && install && process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
  const pkgs = missing.map((c) => c.pkg);
  console.log(`Installing ${missing.map((c) => `${c.pkg} (${c.why})`).join(', ')} with apt-get, about a minute…`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  // apt's and dpkg's progress lines ("Selecting previously unselected package …") are shown only if it fails.
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...pkgs]]) {
    const step = spawnSync('apt-get', args, { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    if (step.status !== 0) process.stderr.write(`${step.stdout ?? ''}${step.stderr ?? ''}`);
  }
  missing = checks.filter((c) => !c.ok());
}

if (Number(process.versions.node.split('.')[0]) < 20) {
  console.error(`Node.js ${process.versions.node} is too old: use Node.js 20 or newer.`);
  process.exit(1);
}
if (missing.length > 0) {
  console.error('\nMissing prerequisites:');
  for (const c of missing) console.error(`  - ${c.pkg}: ${c.why}`);
  console.error(`\nInstall them with:  sudo apt-get install -y ${missing.map((c) => c.pkg).join(' ')}\n(or run \`bash .ci/run\`, which installs them and runs the tests)\n`);
  process.exit(1);
}
console.log(`prerequisites ok: ${checks.map((c) => c.pkg).join(', ')}, node ${process.versions.node}`);
