// Checks the system packages the VS Code test suites need, naming what is missing and how to install it.
// Run first by `npm test`; also run by the test harness before it installs VS Code.
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

const problems = [];

const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
if (!existsSync(chromium)) {
  problems.push(`Chromium is missing (looked for ${chromium}). The UI tests drive VS Code in it.\n    Install: apt-get install -y chromium   (or set CHROMIUM_PATH)`);
}

let krb5 = existsSync('/usr/include/gssapi/gssapi.h') || existsSync('/usr/include/krb5.h');
if (!krb5) {
  try {
    execFileSync('krb5-config', ['--version'], { stdio: 'ignore' });
    krb5 = true;
  } catch {
    krb5 = false;
  }
}
if (!krb5) {
  problems.push('libkrb5-dev is missing. Installing VS Code (code-server) for the tests compiles a native module that needs it.\n    Install: apt-get install -y libkrb5-dev');
}

const major = Number(process.versions.node.split('.')[0]);
if (major < 20) {
  problems.push(`Node.js ${process.versions.node} is too old: use Node.js 20 or newer.`);
}

if (problems.length > 0) {
  console.error(`\nMissing prerequisites for the DeepSeek Assistant tests:\n\n  - ${problems.join('\n  - ')}\n`);
  process.exit(1);
}
console.log('prerequisites: chromium, libkrb5-dev, node ' + process.versions.node + ' — ok');
