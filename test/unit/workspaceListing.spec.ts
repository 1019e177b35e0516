import * as assert from 'assert/strict';
import { ContextReader } from '../../src/context/exclusion';
import { generatedByContent, generatedByName } from '../../src/context/generated';
import type { DirectoryEntry } from '../../src/context/workspaceFs';
import { WorkspaceListing } from '../../src/context/workspaceListing';
import { SpyFs } from './contextTestFs';

/** A SpyFs whose directory reads take a little while, counting how many run at once. */
class SlowFs extends SpyFs {
  inFlight = 0;
  maxInFlight = 0;
  override async readDirectory(p: string): Promise<readonly DirectoryEntry[]> {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return await super.readDirectory(p);
    } finally {
      this.inFlight--;
    }
  }
}

const paths = (listing: WorkspaceListing) => listing.files().map((f) => f.path);

describe('workspace listing: a bounded, incremental walk', () => {
  it('treats dist/out/build/target as build output only at the root or beside a manifest', async () => {
    const fs = new SpyFs({
      'dist/bundle.js': 'x',
      'out/main.js': 'x',
      'packages/a/package.json': '{"name":"a"}',
      'packages/a/dist/index.js': 'x',
      'packages/a/src/index.ts': 'export const a = 1;',
      'crates/c/Cargo.toml': '[package]\nname = "c"',
      'crates/c/target/debug/c.d': 'x',
      'scripts/build/tasks.ts': 'export function task() {}',
      'src/out/format.ts': 'export function format() {}',
    });
    const listing = new WorkspaceListing(new ContextReader(fs, { trusted: true }));
    await listing.ready();
    assert.deepEqual(paths(listing), ['crates/c/Cargo.toml', 'packages/a/package.json', 'packages/a/src/index.ts', 'scripts/build/tasks.ts', 'src/out/format.ts']);
    for (const folder of ['dist', 'out', 'packages/a/dist', 'crates/c/target']) {
      assert.ok(!fs.touched('readDirectory').includes(folder), `${folder}/ was entered`);
    }
    const reader = new ContextReader(fs, { trusted: true });
    assert.equal((await reader.check('scripts/build/tasks.ts')).allowed, true, 'the read policy agrees: tracked sources in scripts/build/ may be read');
    const refused = await reader.check('packages/a/dist/index.js');
    assert.equal(refused.allowed, false);
    assert.match(!refused.allowed ? refused.detail : '', /build output/);
  });

  it('leaves out lockfiles and minified bundles by name without stat-ing them', async () => {
    const fs = new SpyFs({ 'package-lock.json': '{}', 'yarn.lock': '', 'vendor/jquery.min.js': 'x', 'web/app.bundle.js': 'x', 'web/app.js.map': '{}', 'web/app.js': 'x' });
    const listing = new WorkspaceListing(new ContextReader(fs, { trusted: true }));
    await listing.ready();
    assert.deepEqual(paths(listing), ['web/app.js']);
    assert.deepEqual(fs.touched('stat').filter((p) => p !== '.gitignore' && !p.endsWith('/.gitignore')), ['web/app.js']);
  });

  it('reads at most `concurrency` folders at once', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 60; i++) files[`f${i}/g${i % 3}/x${i}.ts`] = 'x';
    const fs = new SlowFs(files);
    const listing = new WorkspaceListing(new ContextReader(fs, { trusted: true }), { concurrency: 4 });
    await listing.ready();
    assert.equal(listing.size, 60);
    assert.ok(fs.maxInFlight <= 4, `${fs.maxInFlight} folders were read at once`);
    assert.ok(fs.maxInFlight >= 2, 'folders are read in parallel');
  });

  it('drops events for ignored build output without any file access, and applies the others', async () => {
    const fs = new SpyFs({ '.gitignore': 'logs/\n', 'src/a.ts': 'a', 'dist/x.js': 'x' });
    const listing = new WorkspaceListing(new ContextReader(fs, { trusted: true }));
    await listing.ready();
    fs.reset();
    for (let i = 0; i < 2_000; i++) assert.equal(listing.noteChanged(`dist/chunk${i}.js`), false);
    assert.equal(listing.noteChanged('logs/today.txt'), false);
    assert.equal(listing.noteChanged('node_modules/x/index.js'), false);
    assert.equal(listing.hasPending, false);
    assert.deepEqual(fs.calls, [], 'ignored events cost no file access');

    fs.write('src/b.ts', 'b');
    fs.write('src/a.ts', 'a2');
    listing.noteChanged('src/b.ts');
    listing.noteChanged('src/a.ts');
    const change = await listing.applyPending();
    assert.deepEqual(change, { added: ['src/b.ts'], removed: [], modified: ['src/a.ts'] });
    assert.deepEqual(paths(listing), ['.gitignore', 'src/a.ts', 'src/b.ts']);
  });

  it('walks a created folder and forgets a deleted one', async () => {
    const fs = new SpyFs({ 'src/a.ts': 'a', 'src/alt/b.ts': 'b', 'src/alt/c.ts': 'c' });
    const listing = new WorkspaceListing(new ContextReader(fs, { trusted: true }));
    await listing.ready();
    fs.write('lib/deep/d.ts', 'd');
    fs.write('lib/e.ts', 'e');
    listing.noteChanged('lib');
    fs.remove('src/alt/b.ts');
    fs.remove('src/alt/c.ts');
    listing.noteDeleted('src/alt');
    const change = await listing.applyPending();
    assert.deepEqual([...change.added].sort(), ['lib/deep/d.ts', 'lib/e.ts']);
    assert.deepEqual([...change.removed].sort(), ['src/alt/b.ts', 'src/alt/c.ts']);
    assert.deepEqual(paths(listing), ['lib/deep/d.ts', 'lib/e.ts', 'src/a.ts']);

    // A build-output folder created beside a manifest (the watcher may report the folder itself).
    fs.write('pkg/package.json', '{}');
    fs.write('pkg/dist/bundle.js', 'x');
    fs.write('pkg/build/out.js', 'x');
    listing.noteChanged('pkg');
    await listing.applyPending();
    listing.noteChanged('pkg/dist');
    listing.noteChanged('pkg/build');
    await listing.applyPending();
    assert.deepEqual(paths(listing).filter((p) => p.startsWith('pkg/')), ['pkg/package.json']);
  });

  it('re-evaluates a .gitignore change below its folder only, without re-walking the workspace', async () => {
    const fs = new SpyFs({
      '.gitignore': 'logs/\n',
      'logs/a.txt': 'a',
      'logs/deep/b.txt': 'b',
      'src/a.ts': 'a',
      'src/scratch.tmp': 't',
      'other/x.ts': 'x',
    });
    const listing = new WorkspaceListing(new ContextReader(fs, { trusted: true }));
    await listing.ready();
    assert.deepEqual(paths(listing), ['.gitignore', 'other/x.ts', 'src/a.ts', 'src/scratch.tmp']);

    fs.write('.gitignore', '*.tmp\n');
    fs.reset();
    listing.noteChanged('.gitignore');
    const change = await listing.applyPending();
    assert.deepEqual([...change.added].sort(), ['logs/a.txt', 'logs/deep/b.txt']);
    assert.deepEqual(change.removed, ['src/scratch.tmp']);
    assert.deepEqual(fs.touched('readDirectory').sort(), ['logs', 'logs/deep'], 'only the folder it no longer ignores is walked');

    fs.write('.gitignore', '*.tmp\nlogs/\n');
    fs.reset();
    listing.noteChanged('.gitignore');
    const again = await listing.applyPending();
    assert.deepEqual([...again.removed].sort(), ['logs/a.txt', 'logs/deep/b.txt']);
    assert.deepEqual(fs.touched('readDirectory'), [], 'ignoring more needs no walk at all');
    assert.deepEqual(paths(listing), ['.gitignore', 'other/x.ts', 'src/a.ts']);
  });

  it('caps the index near the open files, says what it left out, and adds a folder the user opens later', async () => {
    const files: Record<string, string> = {};
    for (const top of ['a', 'b', 'c']) for (let i = 0; i < 10; i++) files[`${top}/sub/f${i}.ts`] = 'x';
    const lines: string[] = [];
    const listing = new WorkspaceListing(new ContextReader(new SpyFs(files), { trusted: true }), { maxFiles: 12, log: (l) => lines.push(l) });
    listing.setFocus(['b/sub/f3.ts']);
    await listing.ready();
    assert.equal(listing.size, 12);
    assert.ok(paths(listing).filter((p) => p.startsWith('b/')).length === 10, 'every file beside the open one is kept');
    assert.equal(listing.leftOutCount, 18);
    assert.equal(lines.length, 1);
    assert.match(lines[0], /30 files in the workspace, more than the 12 indexed; kept those nearest the open files; left out 18 in 2 folders/);
    const added = await listing.include('c/sub/f7.ts');
    assert.equal(added.length, 10);
    assert.ok(listing.has('c/sub/f7.ts'));
  });
});

describe('generated files', () => {
  it('by name: lockfiles, minified, bundles, source maps, protobuf output', () => {
    for (const name of ['package-lock.json', 'yarn.lock', 'Cargo.lock', 'go.sum', 'jquery.min.js', 'app.bundle.js', 'main.chunk.js', 'app.js.map', 'api.pb.go', 'api_pb2.py', 'Form.designer.cs']) {
      assert.equal(generatedByName(name), true, name);
    }
    for (const name of ['index.ts', 'minify.js', 'bundle.ts', 'map.go', 'package.json', 'lock.py']) {
      assert.equal(generatedByName(name), false, name);
    }
  });

  it('by content: markers in the first lines, minified shape; ordinary code with one long line is not', () => {
    assert.equal(generatedByContent('// Code generated by protoc-gen-go. DO NOT EDIT.\npackage api\n'), 'marker');
    assert.equal(generatedByContent('/* @generated */\nexport const x = 1;\n'), 'marker');
    assert.equal(generatedByContent(`!function(){${'var a=1,b=2;'.repeat(2_000)}}();\n`), 'long-lines');
    assert.equal(generatedByContent(`${'x=1;y=2;z=3;'.repeat(40)}\n`.repeat(20)), 'minified');
    const ordinary = `${'export function f(a: number): number {\n  return a + 1;\n}\n'.repeat(200)}const table = '${'ab'.repeat(700)}';\n`;
    assert.equal(generatedByContent(ordinary), undefined);
    assert.equal(generatedByContent(`${'let a = 1;\n'.repeat(10)}// the parser below is @generated by a tool we call\n`), undefined, 'a marker beyond the first lines does not count');
  });
});
