import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'fs';
import { Session } from 'inspector';
import * as path from 'path';
import { monitorEventLoopDelay, performance } from 'perf_hooks';
import { assetsInNodeModules } from '../src/context/assets';
import { ContextGatherer, type ContextPieces, type ContextRequest } from '../src/context/contextGatherer';
import { languageForPath } from '../src/context/languages';
import { NodeWorkspaceFs } from '../src/context/nodeFs';
import { createSyntaxService, workerScriptIn } from '../src/context/syntaxService';
import type { Range } from '../src/context/types';
import { estimateTokens } from '../src/core/tokenEstimate';
import { categoryOf, Rng, type ImportTruth } from './scaleWorkspace';

/**
 * One workspace of the scale bench (bench/scaleBench.ts), in its own process: `node --expose-gc
 * out/bench/scaleBenchChild.js <plan.json>`. Nothing is cached from an earlier workspace (tree-sitter runtime,
 * grammars, listing, index), and heap figures are taken after `gc()`.
 *
 * Phases, each followed by a `SCALE_FIGURES <json>` line on stdout with everything measured so far (so a
 * parent that stops a slow run still has the phases that finished):
 *  1. cold: the first request of a new gatherer (runtime, grammars, walk, exclusion, declaration index,
 *     repo map, lookup); then the listing, and heap used after gc and RSS;
 *  2. warm: ~100 requests at files spread over the tree with seeded selections (unsaved text = the file's
 *     own text; the two files asked before are the open files);
 *  3. quality (generated workspaces): requests at files that import from other packages, selecting the code
 *     that uses the imports; each related definition named like an import is compared with the file the
 *     generator says declares it;
 *  4. a `.gitignore` edit (`fileChanged('.gitignore')`) then a request; 2,000 change events on ignored build
 *     output (`dist/x<i>.js`, written first) then a request; one body edit of a source file then a request
 *     at that file.
 * Event-loop delay is measured twice for every phase: `monitorEventLoopDelay({ resolution: 10 })` (its
 * max interval minus the 10 ms resolution) and an independent 5 ms `setInterval` (largest gap between ticks,
 * the end of the phase included, minus 5 ms).
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const ASSETS = assetsInNodeModules(REPO_ROOT);

/** Every construction of the engine for this bench is here (the constructor is changing). */
/** As the extension builds it: parsing in the parser worker (compiled to out/src/context/parserWorker.js). */
function newGatherer(root: string): ContextGatherer {
  const syntax = createSyntaxService(ASSETS, workerScriptIn(path.join(REPO_ROOT, 'out', 'src', 'context')), {
    onError: (err) => process.stderr.write(`scale bench: parsing in process (${String(err)})\n`),
  });
  return new ContextGatherer({ fs: new NodeWorkspaceFs(root), syntax, settings: { trusted: true, excludeGlobs: [] } });
}

export interface QualityCase {
  readonly path: string;
  readonly imports: readonly ImportTruth[];
}

export interface ScalePlan {
  readonly label: string;
  readonly root: string;
  readonly seed: number;
  /** The current file of the cold request (and of the requests after changes). */
  readonly cold: string;
  /** Current files of the warm requests; when absent, source files spread over the listing. */
  readonly sample?: readonly string[];
  readonly warmRequests: number;
  /** A generated workspace: listed files are also counted per `categoryOf`. */
  readonly generated: boolean;
  readonly quality?: readonly QualityCase[];
  /**
   * Write CPU profiles of the cold request, the warm requests and the change phases (file writes included) to
   * `<profile>-cold.cpuprofile`, `-warm` and `-changes`, and summarise them.
   */
  readonly profile?: string;
}

export interface LoopDelay {
  /** `monitorEventLoopDelay` max minus its resolution, ms. */
  readonly histogramMs: number;
  /** Largest gap between 5 ms interval ticks minus 5 ms. */
  readonly samplerMs: number;
}

export interface Timed {
  readonly ms: number;
  readonly loop: LoopDelay;
}

export interface QualityCounts {
  /** Imported names (over all requests). */
  names: number;
  /** Related definitions named like an import: from the declaring file, and elsewhere by place. */
  atTarget: number;
  elsewhere: number;
  elsewhereBy: Record<string, number>;
  /** Names whose declaring file is in the listing (the engine can only find those). */
  targetListed: number;
  /** Names whose first related definition is the declaring file; found there at all; with no definition. */
  firstIsTarget: number;
  targetFound: number;
  notFound: number;
}

export interface ScaleFigures {
  label: string;
  /** The last phase that finished. */
  phase: string;
  listed?: number;
  listedByKind?: Record<string, number>;
  listedByCategory?: Record<string, number>;
  cold?: Timed & { repoMapTokens: number; related: number; refused: number };
  /** After the cold request: the rest of the first index, read in the background, and the ranked map. */
  background?: Timed;
  memory?: { heapUsedMb: number; rssMb: number; externalMb: number; arrayBuffersMb: number };
  warm?: {
    requests: number;
    p50: number;
    p95: number;
    max: number;
    loop: LoopDelay;
    refused: number;
    withRelated: number;
    currentListed: number;
    slowest: { path: string; ms: number; kb: number; listed: boolean }[];
  };
  quality?: { requests: number; cross: QualityCounts; relative: QualityCounts };
  gitignore?: Timed;
  distEvents?: Timed & { events: number };
  bodyEdit?: Timed & { path: string };
  memoryEnd?: { heapUsedMb: number; rssMb: number };
  /** CPU profiles of the cold request, the warm requests and the change phases (with `profile`). */
  profiles?: ProfileSummary[];
  error?: string;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const MB = 1024 * 1024;

class LoopWatch {
  private readonly histogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly timer: NodeJS.Timeout;
  private last = performance.now();
  private maxGap = 0;

  constructor() {
    this.histogram.enable();
    this.timer = setInterval(() => {
      const now = performance.now();
      this.maxGap = Math.max(this.maxGap, now - this.last);
      this.last = now;
    }, 5);
  }

  /** Resets both; waits for the histogram's first tick (the interval right after a reset is not recorded). */
  async start(): Promise<void> {
    this.histogram.reset();
    await sleep(15);
    this.last = performance.now();
    this.maxGap = 0;
  }

  /** Both maxima since `start`; waits a little so the histogram records the last interval. */
  async stop(): Promise<LoopDelay> {
    const gap = Math.max(this.maxGap, performance.now() - this.last);
    await sleep(15);
    return { histogramMs: Math.max(0, this.histogram.max / 1e6 - 10), samplerMs: Math.max(0, gap - 5) };
  }

  dispose(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}

function memory(): { heapUsedMb: number; rssMb: number; externalMb: number; arrayBuffersMb: number } {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  const m = process.memoryUsage();
  return { heapUsedMb: m.heapUsed / MB, rssMb: m.rss / MB, externalMb: m.external / MB, arrayBuffersMb: m.arrayBuffers / MB };
}

/** Kinds of listed files, by name alone (any workspace). */
function kindOf(p: string): string {
  if (/\.d\.[mc]?ts$/.test(p)) return '.d.ts';
  if (p.endsWith('.min.js')) return '.min.js';
  if (languageForPath(p)) return 'source';
  if (p.endsWith('.json')) return '.json';
  if (p.endsWith('.md')) return '.md';
  if (p.endsWith('.map')) return '.map';
  return 'other';
}

function tally(paths: readonly string[], key: (p: string) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of paths) {
    const k = key(p);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

const percentile = (xs: readonly number[], q: number): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];
};

/** A seeded selection: a cursor (a quarter of the time) or 1–15 whole lines. */
function selectionFor(rng: Rng, text: string): Range {
  const lines = text.split('\n');
  const line = rng.int(0, Math.max(0, lines.length - 1));
  if (rng.chance(0.25)) {
    const at = { line, character: Math.min(lines[line].length, rng.int(0, 12)) };
    return { start: at, end: at };
  }
  const end = Math.min(lines.length - 1, line + rng.int(1, 15));
  return { start: { line, character: 0 }, end: { line: end, character: 0 } };
}

/** The lines that first use the imported names (after the imports), at most 40. */
function selectionOfUses(text: string, names: readonly string[]): Range {
  const lines = text.split('\n');
  let lastImport = -1;
  lines.forEach((l, i) => {
    if (/^(?:import|from|use)\b/.test(l)) lastImport = i;
  });
  const firsts: number[] = [];
  for (const name of names) {
    const re = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`);
    const at = lines.findIndex((l, i) => i > lastImport && re.test(l));
    if (at >= 0) firsts.push(at);
  }
  const start = firsts.length > 0 ? Math.min(...firsts) : lastImport + 1;
  const end = Math.min(lines.length - 1, Math.max(start + 1, (firsts.length > 0 ? Math.max(...firsts) : start) + 1), start + 40);
  return { start: { line: start, character: 0 }, end: { line: end, character: 0 } };
}

const packageOf = (p: string): string | undefined => (p.startsWith('packages/') ? p.split('/')[1] : undefined);

function emptyCounts(): QualityCounts {
  return { names: 0, atTarget: 0, elsewhere: 0, elsewhereBy: {}, targetListed: 0, firstIsTarget: 0, targetFound: 0, notFound: 0 };
}

function scoreQuality(c: QualityCase, pieces: ContextPieces, listed: ReadonlySet<string>, cross: QualityCounts, relative: QualityCounts): void {
  const own = packageOf(c.path);
  for (const imp of c.imports) {
    const counts = packageOf(imp.from) !== own ? cross : relative;
    counts.names++;
    if (listed.has(imp.from)) counts.targetListed++;
    const defs = pieces.relatedDefinitions.filter((d) => d.name === imp.name);
    if (defs.length === 0) {
      counts.notFound++;
      continue;
    }
    if (defs[0].path === imp.from) counts.firstIsTarget++;
    if (defs.some((d) => d.path === imp.from)) counts.targetFound++;
    for (const d of defs) {
      if (d.path === imp.from) {
        counts.atTarget++;
        continue;
      }
      counts.elsewhere++;
      const where = /\/__fixtures__\//.test(d.path)
        ? '__fixtures__'
        : /\/test\//.test(d.path)
          ? 'tests'
          : d.path === c.path
            ? 'current file'
            : packageOf(d.path) === own
              ? 'same package'
              : packageOf(d.path) !== undefined
                ? 'other packages'
                : 'outside packages/';
      counts.elsewhereBy[where] = (counts.elsewhereBy[where] ?? 0) + 1;
    }
  }
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  readonly phase: string;
  readonly file: string;
  readonly totalMs: number;
  readonly top: readonly { name: string; where: string; selfMs: number }[];
  readonly byFile: readonly { where: string; selfMs: number }[];
}

function summariseProfile(phase: string, profile: CpuProfile, file: string): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const short = (url: string): string => {
    const plain = url.replace(/^file:\/\//, '');
    return plain.startsWith(REPO_ROOT) ? path.relative(REPO_ROOT, plain) : plain === '' ? '(native)' : plain;
  };
  const byFunction = new Map<string, { name: string; where: string; selfMs: number }>();
  const byFile = new Map<string, number>();
  for (const [id, micros] of self) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url === '' ? '(native)' : `${short(url)}:${lineNumber + 1}`;
    const key = `${functionName}@${where}`;
    const entry = byFunction.get(key) ?? { name: functionName || '(anonymous)', where, selfMs: 0 };
    entry.selfMs += micros / 1000;
    byFunction.set(key, entry);
    byFile.set(short(url), (byFile.get(short(url)) ?? 0) + micros / 1000);
  }
  return {
    phase,
    file,
    totalMs: (profile.endTime - profile.startTime) / 1000,
    top: [...byFunction.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, 20),
    byFile: [...byFile].map(([where, selfMs]) => ({ where, selfMs })).sort((a, b) => b.selfMs - a.selfMs).slice(0, 12),
  };
}

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));
}

/** Starts the V8 CPU profiler in this process; `stop` writes the profile and summarises it. */
async function startProfile(): Promise<{ stop(phase: string, file: string): Promise<ProfileSummary> }> {
  const session = new Session();
  session.connect();
  await post(session, 'Profiler.enable');
  await post(session, 'Profiler.start');
  return {
    async stop(phase, file) {
      const { profile } = await post<{ profile: CpuProfile }>(session, 'Profiler.stop');
      session.disconnect();
      writeFileSync(file, JSON.stringify(profile));
      return summariseProfile(phase, profile, file);
    },
  };
}

async function run(plan: ScalePlan): Promise<void> {
  const figures: ScaleFigures = { label: plan.label, phase: 'start' };
  const report = (phase: string) => {
    figures.phase = phase;
    process.stdout.write(`SCALE_FIGURES ${JSON.stringify(figures)}\n`);
  };
  const progress = (text: string) => process.stderr.write(`[scale ${plan.label}] ${text}\n`);
  const abs = (p: string) => path.join(plan.root, ...p.split('/'));
  const readText = (p: string) => readFileSync(abs(p), 'utf8');
  const rng = new Rng(plan.seed ^ 0x5eed);
  const watch = new LoopWatch();
  try {
    const gatherer = newGatherer(plan.root);
    const coldText = readText(plan.cold);
    // At a file that imports (generated workspaces): the selection is the code that uses the imports.
    const coldImports = plan.quality?.find((c) => c.path === plan.cold)?.imports;
    const coldSelection = coldImports ? selectionOfUses(coldText, coldImports.map((i) => i.name)) : selectionFor(rng, coldText);
    const coldRequest: ContextRequest = { currentFile: plan.cold, currentText: coldText, selection: coldSelection, openFiles: [] };

    // 1. Cold.
    progress('cold request…');
    const profiler = plan.profile ? await startProfile() : undefined;
    await watch.start();
    let t = performance.now();
    const cold = await gatherer.gather(coldRequest);
    const coldMs = performance.now() - t;
    const coldLoop = await watch.stop();
    if (profiler && plan.profile) {
      (figures.profiles ??= []).push(await profiler.stop('cold', `${plan.profile}-cold.cpuprofile`));
    }
    figures.cold = { ms: coldMs, loop: coldLoop, repoMapTokens: estimateTokens(cold.repoMap), related: cold.relatedDefinitions.length, refused: cold.refused.length };
    const listed = (await gatherer.listFiles()).map((f) => f.path);
    figures.listed = listed.length;
    figures.listedByKind = tally(listed, kindOf);
    if (plan.generated) figures.listedByCategory = tally(listed, categoryOf);
    figures.memory = memory();
    report('cold');
    progress(`cold ${coldMs.toFixed(0)} ms, ${listed.length} files listed`);

    // 1b. The rest of the first index (background), then the ranked repo map.
    progress('background indexing…');
    await watch.start();
    t = performance.now();
    await gatherer.settled();
    figures.background = { ms: performance.now() - t, loop: await watch.stop() };
    report('background');

    // 2. Warm.
    const listedSet = new Set(listed);
    let sample = plan.sample;
    if (!sample) {
      const sources = listed.filter((p) => languageForPath(p) !== undefined);
      const step = sources.length / plan.warmRequests;
      sample = Array.from({ length: Math.min(plan.warmRequests, sources.length) }, (_, i) => sources[Math.floor(i * step + step / 2)]);
    }
    sample = sample.slice(0, plan.warmRequests);
    const requests: ContextRequest[] = sample.map((p, i) => {
      const text = readText(p);
      return { currentFile: p, currentText: text, selection: selectionFor(rng, text), openFiles: sample.slice(Math.max(0, i - 2), i).reverse() };
    });
    const warmTimes: number[] = [];
    let refused = 0;
    let withRelated = 0;
    const warmProfiler = plan.profile ? await startProfile() : undefined;
    await watch.start();
    for (const request of requests) {
      t = performance.now();
      const pieces = await gatherer.gather(request);
      warmTimes.push(performance.now() - t);
      refused += pieces.refused.length > 0 ? 1 : 0;
      withRelated += pieces.relatedDefinitions.length > 0 ? 1 : 0;
    }
    const warmLoop = await watch.stop();
    if (warmProfiler && plan.profile) {
      (figures.profiles ??= []).push(await warmProfiler.stop('warm', `${plan.profile}-warm.cpuprofile`));
    }
    figures.warm = {
      requests: warmTimes.length,
      p50: percentile(warmTimes, 0.5),
      p95: percentile(warmTimes, 0.95),
      max: Math.max(...warmTimes),
      loop: warmLoop,
      refused,
      withRelated,
      currentListed: sample.filter((p) => listedSet.has(p)).length,
      slowest: warmTimes
        .map((ms, i) => ({ path: sample[i], ms, kb: (requests[i].currentText ?? '').length / 1024, listed: listedSet.has(sample[i]) }))
        .sort((a, b) => b.ms - a.ms)
        .slice(0, 3),
    };
    report('warm');
    progress(`warm p50 ${figures.warm.p50.toFixed(1)} ms, p95 ${figures.warm.p95.toFixed(1)} ms`);

    // 3. Quality.
    if (plan.quality && plan.quality.length > 0) {
      const cross = emptyCounts();
      const relative = emptyCounts();
      for (const c of plan.quality) {
        const text = readText(c.path);
        const pieces = await gatherer.gather({ currentFile: c.path, currentText: text, selection: selectionOfUses(text, c.imports.map((i) => i.name)), openFiles: [] });
        scoreQuality(c, pieces, listedSet, cross, relative);
      }
      figures.quality = { requests: plan.quality.length, cross, relative };
      report('quality');
    }

    // 4a. A .gitignore edit, then a request.
    const changesProfiler = plan.profile ? await startProfile() : undefined;
    const gitignore = abs('.gitignore');
    if (existsSync(gitignore)) appendFileSync(gitignore, '\n# editor scratch files\n*.tmp\n');
    else writeFileSync(gitignore, '# editor scratch files\n*.tmp\n');
    await watch.start();
    t = performance.now();
    gatherer.fileChanged('.gitignore');
    await gatherer.gather(coldRequest);
    figures.gitignore = { ms: performance.now() - t, loop: await watch.stop() };
    report('gitignore');

    // 4b. 2,000 change events on ignored build output, then a request.
    const EVENTS = 2_000;
    mkdirSync(abs('dist'), { recursive: true });
    for (let i = 0; i < EVENTS; i++) writeFileSync(abs(`dist/x${i}.js`), `module.exports = ${i};\n`);
    await watch.start();
    t = performance.now();
    for (let i = 0; i < EVENTS; i++) gatherer.fileChanged(`dist/x${i}.js`);
    await gatherer.gather(coldRequest);
    figures.distEvents = { ms: performance.now() - t, loop: await watch.stop(), events: EVENTS };
    report('dist events');

    // 4c. One body edit of a source file (a line inserted in an indented body in the middle), then a request there.
    const lines = coldText.split('\n');
    let at = Math.floor(lines.length / 2);
    while (at < lines.length - 1 && !/^\s+\S/.test(lines[at])) at++;
    const indent = /^\s*/.exec(lines[at])?.[0] ?? '';
    const edited = [...lines.slice(0, at), `${indent}// edited by the scale bench`, ...lines.slice(at)].join('\n');
    writeFileSync(abs(plan.cold), edited);
    await watch.start();
    t = performance.now();
    gatherer.fileChanged(plan.cold);
    await gatherer.gather({ currentFile: plan.cold, currentText: edited, selection: { start: { line: at, character: 0 }, end: { line: at + 3, character: 0 } }, openFiles: [] });
    figures.bodyEdit = { ms: performance.now() - t, loop: await watch.stop(), path: plan.cold };
    if (changesProfiler && plan.profile) {
      (figures.profiles ??= []).push(await changesProfiler.stop('changes', `${plan.profile}-changes.cpuprofile`));
    }
    const end = memory();
    figures.memoryEnd = { heapUsedMb: end.heapUsedMb, rssMb: end.rssMb };
    report('done');
  } catch (err) {
    figures.error = err instanceof Error ? (err.stack ?? err.message) : String(err);
    report(figures.phase);
    process.exitCode = 1;
  } finally {
    watch.dispose();
  }
}

if (require.main === module) {
  const planFile = process.argv[2];
  if (!planFile) {
    console.error('usage: node --expose-gc out/bench/scaleBenchChild.js <plan.json>');
    process.exit(2);
  }
  run(JSON.parse(readFileSync(planFile, 'utf8')) as ScalePlan).then(
    () => process.exit(process.exitCode ?? 0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
