import { spawn, spawnSync } from 'child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { LoopDelay, QualityCase, QualityCounts, ScaleFigures, ScalePlan } from './scaleBenchChild';
import { categoryOf, generateWorkspace, LISTED_CATEGORIES, type Category } from './scaleWorkspace';

/**
 * The context engine at scale (plain Node, no VS Code): figures, not pass/fail. Each workspace runs in its own
 * `node --expose-gc` child (bench/scaleBenchChild.ts) with a time limit, so caches do not carry over, heap
 * figures are clean, and a run that does not finish is reported as such instead of hanging the bench:
 *  (a) a generated workspace of 100,000 files of realistic shape (bench/scaleWorkspace.ts: a monorepo with
 *      tests, fixtures, tracked scripts/build, Python, Go and Rust, ignored build output, node_modules,
 *      minified bundles and lockfiles);
 *  (b) the same generator at 2,000 files, so growth is visible;
 *  (c) real third-party code: a copy of this repository's installed node_modules under
 *      `<tmp>/thirdparty/packages/<pkg>` (nested node_modules renamed vendor_modules, `.bin` links left out),
 *      so the walk indexes it;
 *  (d) on the generated workspaces, whether related definitions of imported names come from the file the
 *      import points to (the generator knows) or from elsewhere (fixtures, other packages with the same name).
 * Generation and copying are timed separately; they are not figures of the engine.
 *
 * `npm run bench` runs it after the 2,000-file context bench. Alone, after `npm run compile:tests`:
 *   node out/bench/scaleBench.js                  2k, 100k and the third-party copy
 *   node out/bench/scaleBench.js --files 20000    one generated workspace of that size (repeat or a,b for more)
 *   node out/bench/scaleBench.js --thirdparty     the third-party copy (with --files: both)
 *   options: --profile (CPU profiles of the cold request, the warm requests and the change phases, top self time printed),
 *            --timeout-min M (per workspace, default 10), --verbose (the children's progress on stderr)
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const CHILD = path.join(__dirname, 'scaleBenchChild.js');
const SEED = 20_251_202;
const WARM_REQUESTS = 100;
const QUALITY_REQUESTS = 50;

const TARGETS = { coldMs: 5_000, warmP95Ms: 30, loopMs: 50, heapMb: 200 };

const duration = (msTotal: number) => (msTotal >= 60_000 ? `${+(msTotal / 60_000).toFixed(1)} min` : `${+(msTotal / 1000).toFixed(1)} s`);

export interface ScaleOptions {
  /** Generated workspaces, by file count (default 2,000 and 100,000). */
  readonly files?: readonly number[];
  /** Also the third-party copy (default true). */
  readonly thirdParty?: boolean;
  readonly timeoutMs?: number;
  readonly profile?: boolean;
  readonly verbose?: boolean;
}

interface Column {
  readonly label: string;
  readonly written: number;
  readonly setupText: string;
  readonly figures?: ScaleFigures;
  /** Why the figures are missing or incomplete. */
  readonly failure?: string;
  readonly counts?: Partial<Record<Category, number>>;
}

interface ChildOutcome {
  figures?: ScaleFigures;
  failure?: string;
}

function runChild(planFile: string, timeoutMs: number, verbose: boolean): Promise<ChildOutcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--expose-gc', CHILD, planFile], { stdio: ['ignore', 'pipe', 'pipe'] });
    let figures: ScaleFigures | undefined;
    let buffer = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffer += chunk;
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        if (line.startsWith('SCALE_FIGURES ')) figures = JSON.parse(line.slice('SCALE_FIGURES '.length)) as ScaleFigures;
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4_000);
      if (verbose) process.stderr.write(chunk);
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        resolve({ figures, failure: `did not finish within ${duration(timeoutMs)} (last phase done: ${figures?.phase ?? 'none'})` });
      } else if (code !== 0 || figures?.error) {
        resolve({ figures, failure: `failed (exit ${code ?? signal}): ${(figures?.error ?? stderr).trim().split('\n').slice(0, 6).join(' | ')}` });
      } else {
        resolve({ figures });
      }
    });
  });
}

/**
 * Writes dirty pages to disk before a child starts, so the kernel's writeback of the files just written does not
 * compete with the engine's reads (the files stay in the page cache: "cold" is cold for our caches, not the OS's).
 */
function flush(): number {
  const t = performance.now();
  if (process.platform !== 'win32') spawnSync('sync', { stdio: 'ignore' });
  return performance.now() - t;
}

/** 50 TypeScript sources that import from other packages, spread over the tree. */
function qualityCases(truth: Map<string, { name: string; from: string }[]>): QualityCase[] {
  const pkg = (p: string) => p.split('/')[1];
  const candidates = [...truth]
    .filter(([p, imports]) => categoryOf(p) === 'ts-src' && imports.some((i) => i.from.startsWith('packages/') && pkg(i.from) !== pkg(p)))
    .map(([p]) => p)
    .sort();
  const step = candidates.length / QUALITY_REQUESTS;
  return Array.from({ length: Math.min(QUALITY_REQUESTS, candidates.length) }, (_, i) => {
    const p = candidates[Math.floor(i * step + step / 2)];
    return { path: p, imports: truth.get(p) ?? [] };
  });
}

async function generatedColumn(files: number, options: Required<ScaleOptions>): Promise<Column> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'scale-bench-'));
  const label = files % 1_000 === 0 ? `${files / 1_000}k generated` : `${files.toLocaleString('en-US')} generated`;
  try {
    const root = path.join(tmp, 'ws');
    const t = performance.now();
    const generated = generateWorkspace(root, files, SEED);
    const genMs = performance.now() - t;
    const syncMs = flush();
    const quality = qualityCases(generated.truth);
    generated.truth.clear();
    const plan: ScalePlan = {
      label,
      root,
      seed: SEED,
      cold: quality[Math.floor(quality.length / 2)]?.path ?? generated.sample[0],
      sample: generated.sample,
      warmRequests: WARM_REQUESTS,
      generated: true,
      quality,
      ...(options.profile ? { profile: path.join(os.tmpdir(), `scale-bench-${label.replace(/\W+/g, '-')}`) } : {}),
    };
    const planFile = path.join(tmp, 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const outcome = await runChild(planFile, options.timeoutMs, options.verbose);
    return {
      label,
      written: generated.written,
      setupText: `generated in ${(genMs / 1000).toFixed(1)} s (+ sync ${(syncMs / 1000).toFixed(1)} s), ${(generated.bytes / 1024 / 1024).toFixed(0)} MB`,
      counts: generated.counts,
      ...outcome,
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Copies `from` into `to` (regular files only; `.bin` skipped, nested node_modules renamed vendor_modules). */
function copyPackages(from: string, to: string): number {
  let files = 0;
  const walk = (src: string, dst: string) => {
    mkdirSync(dst, { recursive: true });
    for (const entry of readdirSync(src, { withFileTypes: true })) {
      if (entry.name === '.bin') continue;
      const target = path.join(dst, entry.name === 'node_modules' ? 'vendor_modules' : entry.name);
      if (entry.isDirectory()) {
        walk(path.join(src, entry.name), target);
      } else if (entry.isFile()) {
        copyFileSync(path.join(src, entry.name), target);
        files++;
      }
    }
  };
  walk(from, to);
  return files;
}

function firstSource(root: string, dir: string): string | undefined {
  for (const entry of readdirSync(path.join(root, dir), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const rel = `${dir}/${entry.name}`;
    if (entry.isFile() && /\.ts$/.test(entry.name) && !/\.d\.ts$/.test(entry.name)) return rel;
    if (entry.isDirectory() && !['dist', 'node_modules', 'vendor_modules', 'build', 'out'].includes(entry.name)) {
      const found = firstSource(root, rel);
      if (found) return found;
    }
  }
  return undefined;
}

async function thirdPartyColumn(options: Required<ScaleOptions>): Promise<Column> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'scale-bench-'));
  const label = 'third-party copy';
  try {
    const root = path.join(tmp, 'thirdparty');
    const t = performance.now();
    const written = copyPackages(path.join(REPO_ROOT, 'node_modules'), path.join(root, 'packages'));
    // A root .gitignore as a repository that vendors these would have (and for the .gitignore phase).
    writeFileSync(path.join(root, '.gitignore'), 'dist/\ncoverage/\n*.log\n');
    const copyMs = performance.now() - t;
    const syncMs = flush();
    const preferred = 'packages/openai/src/client.ts';
    const cold = existsSync(path.join(root, ...preferred.split('/'))) ? preferred : firstSource(root, 'packages');
    if (!cold) {
      return { label, written, setupText: 'copy has no TypeScript source', failure: 'no current file' };
    }
    const plan: ScalePlan = {
      label,
      root,
      seed: SEED,
      cold,
      warmRequests: WARM_REQUESTS,
      generated: false,
      ...(options.profile ? { profile: path.join(os.tmpdir(), 'scale-bench-third-party') } : {}),
    };
    const planFile = path.join(tmp, 'plan.json');
    writeFileSync(planFile, JSON.stringify(plan));
    const outcome = await runChild(planFile, options.timeoutMs, options.verbose);
    return { label, written: written + 1, setupText: `copied in ${(copyMs / 1000).toFixed(1)} s (+ sync ${(syncMs / 1000).toFixed(1)} s)`, ...outcome };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Printing

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? `${n.toFixed(1)} ms` : `${int(n)} ms`);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');
const loopText = (l: LoopDelay) => `${int(l.histogramMs)} / ${int(l.samplerMs)} ms ${verdict(Math.max(l.histogramMs, l.samplerMs) < TARGETS.loopMs)}`;

function cell(column: Column, value: (f: ScaleFigures) => string | undefined): string {
  const text = column.figures ? value(column.figures) : undefined;
  if (text !== undefined) return text;
  if (column.failure?.startsWith('did not finish')) return 'did not finish';
  return column.failure ? 'failed' : '—';
}

function table(columns: readonly Column[]): string[] {
  const rows: [string, (c: Column) => string, string][] = [
    ['files written / listed', (c) => cell(c, (f) => (f.listed !== undefined ? `${int(c.written)} / ${int(f.listed)}` : undefined)), ''],
    ['  (setup, not a figure of ours)', (c) => c.setupText, ''],
    ['cold first request', (c) => cell(c, (f) => f.cold && `${ms(f.cold.ms)} ${verdict(f.cold.ms < TARGETS.coldMs)}`), `< ${int(TARGETS.coldMs)} ms`],
    ['  max event-loop delay (histogram / 5 ms ticks)', (c) => cell(c, (f) => f.cold && loopText(f.cold.loop)), `< ${TARGETS.loopMs} ms`],
    ['rest of the index in the background, then the ranked map', (c) => cell(c, (f) => f.background && ms(f.background.ms)), ''],
    ['  max event-loop delay (histogram / 5 ms ticks)', (c) => cell(c, (f) => f.background && loopText(f.background.loop)), `< ${TARGETS.loopMs} ms`],
    ['heap used after gc / RSS after indexing', (c) => cell(c, (f) => f.memory && `${int(f.memory.heapUsedMb)} / ${int(f.memory.rssMb)} MB ${verdict(f.memory.heapUsedMb < TARGETS.heapMb)}`), `heap < ${TARGETS.heapMb} MB`],
    [`warm request p50 / p95 / max (${WARM_REQUESTS})`, (c) => cell(c, (f) => f.warm && `${ms(f.warm.p50)} / ${ms(f.warm.p95)} / ${ms(f.warm.max)} ${verdict(f.warm.p95 < TARGETS.warmP95Ms)}`), `p95 < ${TARGETS.warmP95Ms} ms`],
    ['  max event-loop delay', (c) => cell(c, (f) => f.warm && loopText(f.warm.loop)), `< ${TARGETS.loopMs} ms`],
    ['.gitignore change + request', (c) => cell(c, (f) => f.gitignore && ms(f.gitignore.ms)), ''],
    ['  max event-loop delay', (c) => cell(c, (f) => f.gitignore && loopText(f.gitignore.loop)), `< ${TARGETS.loopMs} ms`],
    ['2,000 ignored dist/ events + request', (c) => cell(c, (f) => f.distEvents && ms(f.distEvents.ms)), ''],
    ['  max event-loop delay', (c) => cell(c, (f) => f.distEvents && loopText(f.distEvents.loop)), `< ${TARGETS.loopMs} ms`],
    ['body edit + request', (c) => cell(c, (f) => f.bodyEdit && ms(f.bodyEdit.ms)), ''],
    ['  max event-loop delay', (c) => cell(c, (f) => f.bodyEdit && loopText(f.bodyEdit.loop)), `< ${TARGETS.loopMs} ms`],
    ['heap used / RSS at the end', (c) => cell(c, (f) => f.memoryEnd && `${int(f.memoryEnd.heapUsedMb)} / ${int(f.memoryEnd.rssMb)} MB`), ''],
  ];
  const header = ['', ...columns.map((c) => c.label), 'target'];
  const body = rows.map(([name, value, target]) => [name, ...columns.map(value), target]);
  const widths = header.map((_, i) => Math.max(...[header, ...body].map((r) => r[i].length)));
  const line = (r: string[]) => `  ${r.map((x, i) => x.padEnd(widths[i])).join('   ')}`.trimEnd();
  return [line(header), ...body.map(line)];
}

function qualityLine(name: string, q: QualityCounts): string {
  const by = Object.entries(q.elsewhereBy)
    .sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${n}`)
    .join(', ');
  return (
    `    ${name} (${q.names} imported names): related definitions from the import's target ${q.atTarget}, elsewhere ${q.elsewhere}${by ? ` (${by})` : ''}; ` +
    `names whose first definition is the target ${q.firstIsTarget}/${q.names}, target among them ${q.targetFound}/${q.names}, no definition ${q.notFound}/${q.names} ` +
    `(targets in the listing ${q.targetListed}/${q.names})`
  );
}

function details(column: Column): string[] {
  const lines: string[] = [];
  const f = column.figures;
  if (column.failure) lines.push(`  ${column.label}: ${column.failure}`);
  if (!f) return lines;
  if (f.listedByKind) {
    const kinds = Object.entries(f.listedByKind).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${int(n)}`).join(', ');
    lines.push(`  ${column.label}: listed ${int(f.listed ?? 0)} (${kinds})${f.cold ? `; cold repo map ${int(f.cold.repoMapTokens)} tokens, ${f.cold.related} related definitions` : ''}`);
  }
  if (f.listedByCategory && column.counts) {
    const listedCats = LISTED_CATEGORIES.map((k) => `${k} ${int(f.listedByCategory?.[k] ?? 0)}/${int(column.counts?.[k] ?? 0)}`).join(', ');
    const ignored = (Object.keys(column.counts) as Category[])
      .filter((k) => !LISTED_CATEGORIES.includes(k))
      .map((k) => `${k} ${int(f.listedByCategory?.[k] ?? 0)}/${int(column.counts?.[k] ?? 0)}`)
      .join(', ');
    lines.push(`    listed / written, should be listed: ${listedCats}`);
    lines.push(`    listed / written, should be skipped: ${ignored}`);
  }
  if (f.warm) {
    const slowest = f.warm.slowest.map((w) => `${w.path} (${int(w.kb)} KB${w.listed ? '' : ', not listed'}) ${ms(w.ms)}`).join(', ');
    lines.push(`    warm: ${f.warm.requests} requests, ${f.warm.withRelated} with related definitions, ${f.warm.currentListed} current files in the listing, ${f.warm.refused} refused; slowest: ${slowest}`);
  }
  if (f.quality) {
    lines.push(`    quality (${f.quality.requests} requests at files that import from other packages, selecting the code that uses the imports):`);
    lines.push(qualityLine('cross-package imports', f.quality.cross), qualityLine('relative imports', f.quality.relative));
  }
  for (const p of f.profiles ?? []) {
    lines.push(`    CPU profile of the ${p.phase} ${p.phase === 'cold' ? 'request' : 'requests'} (${p.file}, ${int(p.totalMs)} ms), top self time:`);
    for (const t of p.top.slice(0, 15)) lines.push(`      ${ms(t.selfMs).padStart(10)}  ${t.name}  ${t.where}`);
    lines.push(`      by file: ${p.byFile.slice(0, 8).map((b) => `${b.where} ${ms(b.selfMs)}`).join(', ')}`);
  }
  return lines;
}

export async function benchScale(options: ScaleOptions = {}): Promise<void> {
  const resolved: Required<ScaleOptions> = {
    files: options.files ?? [2_000, 100_000],
    thirdParty: options.thirdParty ?? true,
    timeoutMs: options.timeoutMs ?? 10 * 60_000,
    profile: options.profile ?? false,
    verbose: options.verbose ?? false,
  };
  const columns: Column[] = [];
  for (const files of resolved.files) {
    columns.push(await generatedColumn(files, resolved));
  }
  if (resolved.thirdParty) {
    columns.push(await thirdPartyColumn(resolved));
  }
  console.log(
    `context engine at scale (one node --expose-gc child per workspace, time limit ${duration(resolved.timeoutMs)} each; event-loop delay: ` +
      'monitorEventLoopDelay max − 10 ms resolution / largest gap between 5 ms interval ticks − 5 ms):',
  );
  for (const line of table(columns)) console.log(line);
  for (const column of columns) for (const line of details(column)) console.log(line);
}

function parseArgs(argv: readonly string[]): ScaleOptions {
  const files: number[] = [];
  let thirdParty = false;
  let profile = false;
  let verbose = false;
  let timeoutMs: number | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--files') {
      for (const n of (argv[++i] ?? '').split(',')) {
        const count = Number(n.replace(/_/g, ''));
        if (!Number.isInteger(count) || count < 200) throw new Error(`--files wants a whole number ≥ 200, got ${n}`);
        files.push(count);
      }
    } else if (arg === '--thirdparty') {
      thirdParty = true;
    } else if (arg === '--profile') {
      profile = true;
    } else if (arg === '--verbose') {
      verbose = true;
    } else if (arg === '--timeout-min') {
      timeoutMs = Number(argv[++i]) * 60_000;
    } else {
      throw new Error(`unknown argument ${arg} (see bench/scaleBench.ts)`);
    }
  }
  const all = files.length === 0 && !thirdParty;
  return {
    ...(all ? {} : { files, thirdParty }),
    profile,
    verbose,
    ...(timeoutMs !== undefined && timeoutMs > 0 ? { timeoutMs } : {}),
  };
}

if (require.main === module) {
  benchScale(parseArgs(process.argv.slice(2))).catch((err: unknown) => {
    console.error(err);
    process.exit(1);
  });
}
