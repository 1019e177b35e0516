import * as assert from 'assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ContextReader, matchIgnoreRules, normalizePath, parseGitignore, type ListedFile } from '../../src/context/exclusion';
import { compileGlob } from '../../src/context/glob';
import { NodeWorkspaceFs } from '../../src/context/nodeFs';
import { WorkspaceListing } from '../../src/context/workspaceListing';
import { FIXTURE_ROOT, SpyFs } from './contextTestFs';

function ignored(gitignore: string, path: string, isDir = false, base = ''): boolean {
  return matchIgnoreRules(parseGitignore(gitignore, base), path, isDir) !== undefined;
}

/** The walk's listing of a reader's workspace. */
async function listing(reader: ContextReader): Promise<readonly ListedFile[]> {
  const walk = new WorkspaceListing(reader);
  await walk.ready();
  return walk.files();
}

const SECRETS = [
  '.env',
  '.env.local',
  'config/.env.production',
  'certs/server.pem',
  'certs/server.key',
  'certs/client.p12',
  'certs/client.pfx',
  'android/release.keystore',
  'android/release.jks',
  'home/.ssh/id_rsa',
  'home/.ssh/id_rsa.pub',
  'home/.ssh/id_ed25519',
  'home/.ssh/id_ecdsa',
  '.npmrc',
];

const EXCLUDED_FOLDERS = [
  'node_modules/lodash/index.js',
  'packages/app/node_modules/x/index.js',
  '.git/config',
  'dist/extension.js',
  'out/main.js',
  'build/app.js',
  'target/debug/main.rs',
  '.next/server.js',
  'coverage/lcov.info',
  'py/__pycache__/mod.py',
  '.venv/lib/site.py',
];

describe('context: exclusion', () => {
  describe('globs', () => {
    const cases: [string, string, boolean][] = [
      ['**/*.js', 'a/b/c.js', true],
      ['**/*.js', 'c.js', true],
      ['**/*.js', 'c.ts', false],
      ['*.js', 'a/c.js', false],
      ['src/**', 'src/a/b.ts', true],
      ['src/**', 'srcx/a.ts', false],
      ['**/generated', 'a/generated/x.ts', true],
      ['**/*.{ts,tsx}', 'a/b.tsx', true],
      ['**/*.{ts,tsx}', 'a/b.js', false],
      ['secret?.txt', 'secret1.txt', true],
      ['secret?.txt', 'secret12.txt', false],
      ['file[0-9].md', 'file5.md', true],
      ['file[!0-9].md', 'file5.md', false],
      ['a/**/b.ts', 'a/b.ts', true],
      ['a/**/b.ts', 'a/x/y/b.ts', true],
      ['/docs', 'docs/readme.md', true],
      ['docs', 'docs/readme.md', true],
      ['docs', 'x/docs/readme.md', false],
    ];
    for (const [glob, path, expected] of cases) {
      it(`${glob} ${expected ? 'matches' : 'does not match'} ${path}`, () => {
        assert.equal(compileGlob(glob)(path), expected);
      });
    }
  });

  describe('.gitignore rules', () => {
    it('matches a name at any depth unless anchored', () => {
      assert.equal(ignored('*.log', 'a.log'), true);
      assert.equal(ignored('*.log', 'deep/down/a.log'), true);
      assert.equal(ignored('*.log', 'a.txt'), false);
      assert.equal(ignored('/todo.txt', 'todo.txt'), true);
      assert.equal(ignored('/todo.txt', 'sub/todo.txt'), false, 'a leading / anchors');
      assert.equal(ignored('doc/frotz', 'doc/frotz'), true);
      assert.equal(ignored('doc/frotz', 'a/doc/frotz'), false, 'a middle / anchors');
      assert.equal(ignored('frotz', 'a/doc/frotz'), true);
    });

    it('applies directory patterns (trailing /) to folders only', () => {
      assert.equal(ignored('tmp/', 'tmp', true), true);
      assert.equal(ignored('tmp/', 'a/tmp', true), true);
      assert.equal(ignored('tmp/', 'tmp', false), false, 'a file named tmp is not matched');
    });

    it('supports **, ?, character classes, comments, escapes and trailing spaces', () => {
      assert.equal(ignored('**/logs', 'a/b/logs', true), true);
      assert.equal(ignored('logs/**', 'logs/a/b.txt'), true);
      assert.equal(ignored('a/**/z', 'a/z'), true);
      assert.equal(ignored('a/**/z', 'a/b/c/z'), true);
      assert.equal(ignored('file?.txt', 'file1.txt'), true);
      assert.equal(ignored('file[ab].txt', 'fileb.txt'), true);
      assert.equal(ignored('file[ab].txt', 'filec.txt'), false);
      assert.equal(ignored('# comment\n\n', '# comment'), false);
      assert.equal(ignored('\\#hash', '#hash'), true);
      assert.equal(ignored('trailing.txt   ', 'trailing.txt'), true);
    });

    it('lets a later negation re-include, and a later pattern exclude again', () => {
      const rules = '*.log\n!keep.log\n';
      assert.equal(ignored(rules, 'debug.log'), true);
      assert.equal(ignored(rules, 'keep.log'), false);
      assert.equal(ignored('*.log\n!keep.log\nkeep.log\n', 'keep.log'), true, 'last match wins');
      assert.equal(ignored('\\!important', '!important'), true, 'an escaped ! is literal');
    });

    it('scopes a nested .gitignore to its folder', () => {
      const nested = parseGitignore('*.tmp\n/only-here.txt\n', 'pkg');
      assert.ok(matchIgnoreRules(nested, 'pkg/a.tmp', false));
      assert.ok(matchIgnoreRules(nested, 'pkg/sub/a.tmp', false));
      assert.equal(matchIgnoreRules(nested, 'other/a.tmp', false), undefined);
      assert.ok(matchIgnoreRules(nested, 'pkg/only-here.txt', false));
      assert.equal(matchIgnoreRules(nested, 'pkg/sub/only-here.txt', false), undefined);
    });

    it('normalizes paths and refuses ones that leave the workspace', () => {
      assert.equal(normalizePath('./src//a.ts'), 'src/a.ts');
      assert.equal(normalizePath('src\\a.ts'), 'src/a.ts');
      assert.equal(normalizePath('../secret'), undefined);
      assert.equal(normalizePath('/etc/passwd'), undefined);
      assert.equal(normalizePath('C:\\x'), undefined);
    });
  });

  describe('ContextReader', () => {
    const workspace = (): SpyFs => {
      const files: Record<string, string | Uint8Array | { size: number }> = {
        'src/app.ts': 'export const app = 1;\n',
        'src/util.py': 'def util():\n    pass\n',
        'README.md': '# readme\n',
        '.gitignore': '*.log\n!important.log\n/generated/\ntmp/\n',
        'debug.log': 'noise',
        'important.log': 'kept',
        'generated/api.ts': 'export const generated = 1;\n',
        'src/generated/ok.ts': 'export const notAnchored = 1;\n',
        'src/tmp/scratch.ts': 'x',
        'pkg/.gitignore': '*.snap\n!keep.snap\n',
        'pkg/a.snap': 'snapshot',
        'pkg/keep.snap': 'kept snapshot',
        'pkg/deep/b.snap': 'snapshot',
        'assets/logo.png': new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]),
        'data/blob.txt': new Uint8Array([0x68, 0x69, 0x00, 0x21]),
        'data/huge.json': { size: 5 * 1024 * 1024 },
        'config/private.ts': 'export const token = 1;\n',
      };
      for (const secret of SECRETS) {
        files[secret] = 'SECRET=do-not-read\n';
      }
      for (const inside of EXCLUDED_FOLDERS) {
        files[inside] = 'excluded\n';
      }
      return new SpyFs(files);
    };

    it('lists only readable files, sorted, without entering excluded folders or stat-ing excluded files', async () => {
      const fs = workspace();
      const reader = new ContextReader(fs, { trusted: true, excludeGlobs: ['config/**'] });
      const listed = (await listing(reader)).map((f) => f.path);
      assert.deepEqual(listed, [
        '.gitignore',
        'README.md',
        'data/blob.txt',
        'important.log',
        'pkg/.gitignore',
        'pkg/keep.snap',
        'src/app.ts',
        'src/generated/ok.ts',
        'src/util.py',
      ]);
      const touched = fs.touched();
      for (const p of [...SECRETS, 'debug.log', 'generated/api.ts', 'pkg/a.snap', 'pkg/deep/b.snap', 'assets/logo.png', 'config/private.ts', 'src/tmp/scratch.ts']) {
        assert.ok(!touched.includes(p), `${p} was touched`);
      }
      for (const folder of ['node_modules', '.git', 'dist', 'out', 'build', 'target', '.next', 'coverage', 'py/__pycache__', '.venv', 'generated', 'src/tmp', 'config']) {
        assert.ok(!fs.touched('readDirectory').includes(folder), `${folder}/ was entered`);
      }
      assert.deepEqual(fs.touched('readFile').sort(), ['.gitignore', 'pkg/.gitignore'], 'listing reads nothing but .gitignore files');
      assert.ok(fs.touched('stat').includes('data/huge.json'), 'a large file is stat-ed (its size is needed)…');
      assert.ok(!listed.includes('data/huge.json'), '…and left out');
    });

    for (const secret of SECRETS) {
      it(`refuses ${secret} without touching it`, async () => {
        const fs = workspace();
        const reader = new ContextReader(fs, { trusted: true });
        const result = await reader.read(secret);
        assert.equal(result.ok, false);
        assert.equal(!result.ok && result.reason, 'secret');
        assert.ok(!fs.touched().includes(secret), `${secret} was touched: ${JSON.stringify(fs.calls)}`);
      });
    }

    for (const inside of EXCLUDED_FOLDERS) {
      it(`refuses ${inside} (an always-excluded folder) without touching it`, async () => {
        const fs = workspace();
        const result = await new ContextReader(fs, { trusted: true }).read(inside);
        assert.equal(!result.ok && result.reason, 'excluded-folder');
        assert.ok(!fs.touched().includes(inside));
      });
    }

    it('refuses .gitignored files (root and nested, honouring negation) without stat-ing or reading them', async () => {
      const fs = workspace();
      const reader = new ContextReader(fs, { trusted: true });
      for (const p of ['debug.log', 'generated/api.ts', 'pkg/a.snap', 'pkg/deep/b.snap', 'src/tmp/scratch.ts']) {
        const result = await reader.read(p);
        assert.equal(!result.ok && result.reason, 'gitignore', p);
      }
      for (const p of ['important.log', 'pkg/keep.snap', 'src/generated/ok.ts']) {
        assert.equal((await reader.read(p)).ok, true, p);
      }
      const contentTouched = fs.calls.filter((c) => c.op !== 'readDirectory').map((c) => c.path);
      for (const p of ['debug.log', 'generated/api.ts', 'pkg/a.snap', 'pkg/deep/b.snap', 'src/tmp/scratch.ts']) {
        assert.ok(!contentTouched.includes(p), `${p} was touched`);
      }
    });

    it('refuses the caller globs (files.exclude, deepseek.context.exclude) without touching the file', async () => {
      const fs = workspace();
      const reader = new ContextReader(fs, { trusted: true, excludeGlobs: ['**/private.ts'] });
      const result = await reader.read('config/private.ts');
      assert.equal(!result.ok && result.reason, 'setting');
      assert.ok(!fs.touched().includes('config/private.ts'));
    });

    it('refuses binary files: by extension without touching them, by NUL bytes after reading', async () => {
      const fs = workspace();
      const reader = new ContextReader(fs, { trusted: true });
      const png = await reader.read('assets/logo.png');
      assert.equal(!png.ok && png.reason, 'binary');
      assert.ok(!fs.touched().includes('assets/logo.png'));
      const blob = await reader.read('data/blob.txt');
      assert.equal(!blob.ok && blob.reason, 'binary');
    });

    it('refuses files over the size limit after a stat, never reading them', async () => {
      const fs = workspace();
      const reader = new ContextReader(fs, { trusted: true });
      const result = await reader.read('data/huge.json');
      assert.equal(!result.ok && result.reason, 'too-large');
      assert.ok(!fs.touched('readFile').includes('data/huge.json'));
      const small = new ContextReader(fs, { trusted: true, maxFileBytes: 10 });
      const app = await small.read('src/app.ts');
      assert.equal(!app.ok && app.reason, 'too-large');
    });

    it('refuses paths outside the workspace and missing files', async () => {
      const fs = workspace();
      const reader = new ContextReader(fs, { trusted: true });
      const outside = await reader.read('../etc/passwd');
      assert.equal(!outside.ok && outside.reason, 'outside-workspace');
      const missing = await reader.read('src/missing.ts');
      assert.equal(!missing.ok && missing.reason, 'not-a-file');
      assert.deepEqual(fs.touched('readFile').filter((p) => p !== '.gitignore' && p !== 'src/.gitignore'), []);
    });

    it('reads an allowed file (UTF-8, BOM removed)', async () => {
      const fs = new SpyFs({ 'a.ts': new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('é = 1')]) });
      const result = await new ContextReader(fs, { trusted: true }).read('a.ts');
      assert.deepEqual(result, { ok: true, path: 'a.ts', text: 'é = 1', size: 9 });
    });

    it('reads, lists and stats nothing in an untrusted workspace', async () => {
      const fs = workspace();
      const reader = new ContextReader(fs, { trusted: false });
      assert.deepEqual(await listing(reader), []);
      const result = await reader.read('src/app.ts');
      assert.equal(!result.ok && result.reason, 'untrusted');
      assert.equal((await reader.check('src/app.ts')).allowed, false);
      assert.deepEqual(fs.calls, []);
    });

    it('lists the fixture workspace on disk, honouring its .gitignore', async () => {
      const reader = new ContextReader(new NodeWorkspaceFs(FIXTURE_ROOT), { trusted: true });
      const listed = (await listing(reader)).map((f) => f.path);
      assert.ok(listed.includes('logs/keep.log'), 're-included by a negation');
      assert.ok(!listed.includes('logs/debug.log'), 'ignored by *.log');
      assert.ok(listed.includes('src/shapes/shapes.ts'));
      assert.deepEqual(listed, [...listed].sort());
    });
  });

  describe('a file the user names (pinned files): the walk rules, links followed only inside', () => {
    let tmp: string;
    let root: string;

    before(() => {
      tmp = mkdtempSync(path.join(os.tmpdir(), 'pinned-'));
      root = path.join(tmp, 'workspace');
      mkdirSync(path.join(root, 'src'), { recursive: true });
      mkdirSync(path.join(root, 'generated'), { recursive: true });
      writeFileSync(path.join(tmp, 'outside.txt'), 'OUTSIDE-THE-WORKSPACE\n');
      mkdirSync(path.join(tmp, 'elsewhere'));
      writeFileSync(path.join(tmp, 'elsewhere', 'notes.txt'), 'OUTSIDE-TOO\n');
      writeFileSync(path.join(root, 'src', 'app.ts'), 'export const app = 1;\n');
      writeFileSync(path.join(root, '.env'), 'TOKEN=correct-horse\n');
      writeFileSync(path.join(root, 'src', 'blob.txt'), Buffer.from([0x68, 0x69, 0x00, 0x01, 0x02]));
      writeFileSync(path.join(root, 'logo.png'), 'not really a png');
      writeFileSync(path.join(root, 'src', 'big.ts'), 'x'.repeat(1024 * 1024 + 1));
      writeFileSync(path.join(root, 'generated', 'api.ts'), 'export const generated = 1;\n');
      writeFileSync(path.join(root, '.gitignore'), 'secret-notes.md\n');
      writeFileSync(path.join(root, 'secret-notes.md'), 'ignored\n');
      symlinkSync(path.join(tmp, 'outside.txt'), path.join(root, 'src', 'outside-link.ts'));
      symlinkSync(path.join(tmp, 'elsewhere'), path.join(root, 'linked-folder'));
      symlinkSync('app.ts', path.join(root, 'src', 'alias.ts'));
      symlinkSync(path.join('..', '.env'), path.join(root, 'src', 'settings.ts'));
    });

    after(() => rmSync(tmp, { recursive: true, force: true }));

    const reader = (options: { excludeGlobs?: string[]; trusted?: boolean } = {}) =>
      new ContextReader(new NodeWorkspaceFs(root), { trusted: options.trusted ?? true, excludeGlobs: options.excludeGlobs ?? [] });

    it('refuses a symbolic link that leads outside the workspace', async () => {
      const result = await reader().readNamed('src/outside-link.ts');
      assert.equal(result.ok, false);
      assert.equal(!result.ok && result.reason, 'outside-workspace');
      assert.match(!result.ok ? result.detail : '', /^src\/outside-link\.ts is a symbolic link that leads outside the workspace$/);
      const inspected = await reader().inspectNamed('src/outside-link.ts');
      assert.equal(!inspected.ok && inspected.reason, 'outside-workspace');
    });

    it('refuses a file inside a linked folder that leads outside', async () => {
      const result = await reader().readNamed('linked-folder/notes.txt');
      assert.equal(!result.ok && result.reason, 'outside-workspace');
    });

    it('follows a link inside the workspace only to a target that passes the same checks', async () => {
      const alias = await reader().readNamed('src/alias.ts');
      assert.equal(alias.ok && alias.text, 'export const app = 1;\n');
      const toEnv = await reader().readNamed('src/settings.ts');
      assert.equal(!toEnv.ok && toEnv.reason, 'secret');
      assert.match(!toEnv.ok ? toEnv.detail : '', /src\/settings\.ts is a symbolic link to \.env, and \.env is a secret/);
    });

    it('refuses a binary file: by content with a clear reason, by extension without reading it', async () => {
      const blob = await reader().readNamed('src/blob.txt');
      assert.equal(!blob.ok && blob.reason, 'binary');
      assert.equal(!blob.ok && blob.detail, 'src/blob.txt looks binary (NUL bytes)');
      const png = await reader().readNamed('logo.png');
      assert.equal(!png.ok && png.reason, 'binary');
      assert.equal(!png.ok && png.detail, 'logo.png is a binary file type');
    });

    it('refuses a file over 1 MB, saying so in MB', async () => {
      const big = await reader().readNamed('src/big.ts');
      assert.equal(!big.ok && big.reason, 'too-large');
      assert.equal(!big.ok && big.detail, 'src/big.ts is larger than 1 MB');
      assert.equal((await reader().inspectNamed('src/big.ts')).ok, false);
    });

    it('refuses excluded files: secrets, deepseek.context.exclude / files.exclude globs, .gitignore', async () => {
      const env = await reader().readNamed('.env');
      assert.equal(!env.ok && env.reason, 'secret');
      const generated = await reader({ excludeGlobs: ['generated/**'] }).readNamed('generated/api.ts');
      assert.equal(!generated.ok && generated.reason, 'setting');
      assert.equal((await reader().readNamed('generated/api.ts')).ok, true, 'the same file without the glob is read');
      const ignoredFile = await reader().readNamed('secret-notes.md');
      assert.equal(!ignoredFile.ok && ignoredFile.reason, 'gitignore');
    });

    it('refuses missing files and folders, and everything in an untrusted workspace', async () => {
      const missing = await reader().readNamed('src/missing.ts');
      assert.equal(!missing.ok && missing.detail, 'src/missing.ts does not exist');
      const folder = await reader().readNamed('src');
      assert.equal(!folder.ok && folder.reason, 'not-a-file');
      const untrusted = await reader({ trusted: false }).readNamed('src/app.ts');
      assert.equal(!untrusted.ok && untrusted.reason, 'untrusted');
    });

    it('inspects without reading content, and never reads an oversized file (in-memory workspace)', async () => {
      const fs = new SpyFs({ 'data/huge.json': { size: 5 * 1024 * 1024 }, 'src/a.ts': 'a' });
      const spyReader = new ContextReader(fs, { trusted: true });
      assert.deepEqual(await spyReader.inspectNamed('src/a.ts'), { ok: true, path: 'src/a.ts', target: 'src/a.ts', size: 1 });
      const huge = await spyReader.readNamed('data/huge.json');
      assert.equal(!huge.ok && huge.reason, 'too-large');
      assert.deepEqual(fs.touched('readFile').filter((p) => !p.endsWith('.gitignore')), []);
    });
  });
});
