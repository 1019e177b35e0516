import { existsSync } from 'fs';
import * as nodePath from 'path';
import { Worker } from 'worker_threads';
import type { TreeSitterAssets } from './assets';
import { ParserService, type ContentChange } from './parserService';
import { comparePositions, type Declaration, type EnclosingSymbol, type LanguageId, type Range } from './types';

/**
 * Syntax analysis behind an async interface, so that parsing can run off the extension host's event loop.
 *
 * - `InProcessSyntax` wraps a `ParserService` on the calling thread (unit tests, and the fallback).
 * - `WorkerSyntax` runs an `InProcessSyntax` in a `worker_threads` Worker (`parserWorker.ts`): trees, the
 *   web-tree-sitter runtime and its wasm memory live in the worker; the host only posts messages and gets
 *   plain data back (structured clone). A parse of any size then blocks the host only for the cost of
 *   copying the text in and the results out.
 *
 * Both answer calls in the order they were made, and run them one at a time: an `applyChanges` or `forget`
 * is applied after every earlier call and before every later one, whatever each call awaits.
 *
 * If the worker dies (crash, out of memory, terminated), nothing is rejected: the calls it had not
 * answered are run again on an in-process `ParserService`, which serves every later call too, and
 * `onError` is told once. The in-process fallback starts without trees, so the first analysis of each
 * document after that is a full parse.
 */

export interface SyntaxAnalysis {
  readonly language: LanguageId;
  /** Top-level declarations (with one level of members) of `text`. */
  readonly declarations: readonly Declaration[];
  readonly enclosingSymbol?: EnclosingSymbol;
  /** The selection when it is not empty; else the enclosing symbol's range; else the cursor's whole line ({line,0}..{line+1,0}). */
  readonly scope: Range;
  /** Names used in `scope` (ParserService.identifiersIn), first appearance order, at most `maxNames`. */
  readonly identifiers: readonly string[];
}

export interface SyntaxService {
  /** Loads grammars ahead of use; resolves when loaded (errors swallowed: a grammar that fails to load fails again, visibly, on its first use). */
  preload(languages: readonly LanguageId[]): Promise<void>;
  /** Parses `text` as the open document `path` (its tree is kept for incremental edits) and analyses `selection`. undefined: no grammar for the path, or the parse timed out. */
  analyse(path: string, text: string, selection: Range, maxNames: number): Promise<SyntaxAnalysis | undefined>;
  /** Declarations of a file that is not being edited (no tree kept). undefined: no grammar / timed out. */
  declarationsOnce(path: string, text: string): Promise<Declaration[] | undefined>;
  /** One onDidChangeTextDocument event for a document whose tree is kept (ignored otherwise). Fire-and-forget, applied in order before any later call. `newLength` = the document's length afterwards, to verify (on mismatch the tree is forgotten). */
  applyChanges(path: string, changes: readonly ContentChange[], newLength: number): void;
  /** Whether a tree for `path` is (probably) kept — so the glue only forwards edits for those. */
  has(path: string): boolean;
  forget(path: string): void;
  /** Parses cancelled by the time limit (diagnostics). Async because it may ask the worker. */
  stats(): Promise<{ timedOut: number; trees: number }>;
  dispose(): void;
}

export interface SyntaxServiceOptions {
  /** Told why parsing runs on the calling thread: no worker script, or the worker died (once). */
  readonly onError?: (err: unknown) => void;
  /** A single parse is cancelled after this long (ParserService's default: 1,000 ms). */
  readonly parseTimeoutMs?: number;
  /** Trees kept (ParserService's default: 200). */
  readonly maxTrees?: number;
}

/** The parser worker's script in a folder: `dist/` for the extension, `out/src/context/` for plain-Node tests. */
export function workerScriptIn(dir: string): string {
  return nodePath.join(dir, 'parserWorker.js');
}

// ---- Worker protocol (the only definition; parserWorker.ts implements the other side) ----------------------

/** `workerData` of the parser worker. */
export interface SyntaxWorkerData {
  readonly assets: TreeSitterAssets;
  readonly parseTimeoutMs?: number;
  readonly maxTrees?: number;
}

/** Each operation: its arguments and what it answers (`void` with `answered: false`: no response is sent). */
interface SyntaxOps {
  preload: { args: [languages: readonly LanguageId[]]; result: void };
  analyse: { args: [path: string, text: string, selection: Range, maxNames: number]; result: SyntaxAnalysis | undefined };
  declarationsOnce: { args: [path: string, text: string]; result: Declaration[] | undefined };
  stats: { args: []; result: { timedOut: number; trees: number } };
  applyChanges: { args: [path: string, changes: readonly ContentChange[], newLength: number]; result: void };
  forget: { args: [path: string]; result: void };
}

export type SyntaxOp = keyof SyntaxOps;
/** Operations that get a response (the others are fire-and-forget). */
export type SyntaxCallOp = 'preload' | 'analyse' | 'declarationsOnce' | 'stats';
export type SyntaxResult<K extends SyntaxOp> = SyntaxOps[K]['result'];

/** Host → worker. `id`s increase by one per request. */
export type SyntaxRequest = { [K in SyntaxOp]: { readonly id: number; readonly op: K; readonly args: SyntaxOps[K]['args'] } }[SyntaxOp];

/** Worker → host, one per request whose op is a `SyntaxCallOp`, in request order. */
export type SyntaxResponse =
  | { readonly id: number; readonly ok: true; readonly result: unknown }
  | { readonly id: number; readonly ok: false; readonly error: { readonly name: string; readonly message: string; readonly stack?: string } };

export function isCallOp(op: SyntaxOp): op is SyntaxCallOp {
  return op === 'preload' || op === 'analyse' || op === 'declarationsOnce' || op === 'stats';
}

/** An error as plain data for a response. */
export function errorToData(err: unknown): { name: string; message: string; stack?: string } {
  if (err instanceof Error) {
    return { name: err.name, message: err.message, ...(err.stack !== undefined ? { stack: err.stack } : {}) };
  }
  return { name: 'Error', message: String(err) };
}

function errorFromData(data: { name: string; message: string; stack?: string }): Error {
  const err = new Error(data.message);
  err.name = data.name;
  if (data.stack !== undefined) {
    err.stack = data.stack;
  }
  return err;
}

/**
 * A range as plain data. VS Code's `Range` keeps its positions in private fields behind getters, which a
 * structured clone drops, so everything sent to the worker is copied into `{line, character}` first.
 */
function plainRange(range: Range): Range {
  return { start: { line: range.start.line, character: range.start.character }, end: { line: range.end.line, character: range.end.character } };
}

function plainChange(change: ContentChange): ContentChange {
  return { range: plainRange(change.range), rangeOffset: change.rangeOffset, rangeLength: change.rangeLength, text: change.text };
}

// ---- In process -----------------------------------------------------------------------------------------------

function noop(): void {}

/**
 * A `ParserService` behind the async interface, on the calling thread. Calls run one at a time in call order.
 * Owns the parser: `dispose()` disposes it.
 */
export class InProcessSyntax implements SyntaxService {
  private readonly parser: ParserService;
  private tail: Promise<unknown> = Promise.resolve();
  /** Paths with an `analyse` queued or running (their trees are about to be kept), with how many. */
  private readonly analysing = new Map<string, number>();
  private disposed = false;

  constructor(parser: ParserService) {
    this.parser = parser;
  }

  /** Runs `task` after every earlier task has settled. */
  private enqueue<T>(task: () => T | Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.then(noop, noop);
    return run;
  }

  preload(languages: readonly LanguageId[]): Promise<void> {
    return this.enqueue(async () => {
      if (!this.disposed) {
        await Promise.all(languages.map((language) => this.parser.load(language).catch(noop)));
      }
    });
  }

  analyse(path: string, text: string, selection: Range, maxNames: number): Promise<SyntaxAnalysis | undefined> {
    this.analysing.set(path, (this.analysing.get(path) ?? 0) + 1);
    return this.enqueue(async () => {
      try {
        return await this.analyseNow(path, text, selection, maxNames);
      } finally {
        const left = (this.analysing.get(path) ?? 1) - 1;
        if (left > 0) {
          this.analysing.set(path, left);
        } else {
          this.analysing.delete(path);
        }
      }
    });
  }

  private async analyseNow(path: string, text: string, selection: Range, maxNames: number): Promise<SyntaxAnalysis | undefined> {
    const language = ParserService.languageFor(path, text);
    if (!language || this.disposed || !(await this.parser.parse(path, text))) {
      return undefined;
    }
    // From here on the cached tree is used synchronously (no await), so nothing can evict or edit it.
    const enclosingSymbol = this.parser.enclosingSymbol(path, selection);
    const declarations = this.parser.declarations(path) ?? [];
    const empty = comparePositions(selection.start, selection.end) === 0;
    const scope: Range = !empty
      ? selection
      : enclosingSymbol?.range ?? { start: { line: selection.start.line, character: 0 }, end: { line: selection.start.line + 1, character: 0 } };
    const identifiers = this.parser.identifiersIn(path, scope).slice(0, Math.max(0, maxNames));
    return { language, declarations, ...(enclosingSymbol ? { enclosingSymbol } : {}), scope, identifiers };
  }

  declarationsOnce(path: string, text: string): Promise<Declaration[] | undefined> {
    return this.enqueue(() => (this.disposed ? undefined : this.parser.declarationsOnce(path, text)));
  }

  applyChanges(path: string, changes: readonly ContentChange[], newLength: number): void {
    void this.enqueue(() => {
      if (this.disposed || !this.parser.has(path)) {
        return;
      }
      try {
        this.parser.applyChanges(path, changes, newLength);
      } catch {
        // A change that does not fit the tree: start afresh on the next analysis.
        this.parser.forget(path);
      }
    });
  }

  has(path: string): boolean {
    return this.parser.has(path) || this.analysing.has(path);
  }

  forget(path: string): void {
    void this.enqueue(() => {
      if (!this.disposed) {
        this.parser.forget(path);
      }
    });
  }

  stats(): Promise<{ timedOut: number; trees: number }> {
    return this.enqueue(() => ({ timedOut: this.parser.timedOut, trees: this.parser.size }));
  }

  dispose(): void {
    this.disposed = true;
    this.parser.dispose();
  }
}

// ---- In a worker ----------------------------------------------------------------------------------------------

interface Pending {
  readonly request: SyntaxRequest & { op: SyntaxCallOp };
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: unknown) => void;
}

/** What a call answers once the service is disposed (what a disposed `InProcessSyntax` answers). */
function disposedResult(op: SyntaxCallOp): unknown {
  return op === 'stats' ? { timedOut: 0, trees: 0 } : undefined;
}

/**
 * The syntax service in a `worker_threads` Worker, started on the first call that needs it. The worker is
 * `unref`'d while no call is waiting for an answer, so it never keeps a process alive on its own.
 */
export class WorkerSyntax implements SyntaxService {
  private readonly assets: TreeSitterAssets;
  private readonly workerScript: string;
  private readonly options: SyntaxServiceOptions;
  private worker: Worker | undefined;
  /** Set once the worker died: serves every call from then on. */
  private fallback: InProcessSyntax | undefined;
  /** Calls sent and not answered, in request order. */
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  /** Paths whose tree the worker probably keeps → id of their latest `analyse`; insertion order = recency, like the worker's LRU. */
  private readonly kept = new Map<string, number>();
  private readonly maxTrees: number;
  private disposed = false;

  constructor(assets: TreeSitterAssets, workerScript: string, options: SyntaxServiceOptions = {}) {
    this.assets = assets;
    this.workerScript = workerScript;
    this.options = options;
    this.maxTrees = Math.max(1, options.maxTrees ?? 200);
  }

  /** Whether calls go to the worker (false once it died, and after `dispose`). */
  get inWorker(): boolean {
    return !this.fallback && !this.disposed;
  }

  preload(languages: readonly LanguageId[]): Promise<void> {
    return this.call('preload', [[...languages]]);
  }

  analyse(path: string, text: string, selection: Range, maxNames: number): Promise<SyntaxAnalysis | undefined> {
    const id = this.nextId;
    if (!this.fallback && !this.disposed) {
      this.kept.delete(path);
      this.kept.set(path, id);
      while (this.kept.size > this.maxTrees) {
        this.kept.delete(this.kept.keys().next().value as string);
      }
    }
    return this.call('analyse', [path, text, plainRange(selection), maxNames]).then((analysis) => {
      if (!analysis && this.kept.get(path) === id) {
        this.kept.delete(path);
      }
      return analysis;
    });
  }

  declarationsOnce(path: string, text: string): Promise<Declaration[] | undefined> {
    return this.call('declarationsOnce', [path, text]);
  }

  applyChanges(path: string, changes: readonly ContentChange[], newLength: number): void {
    if (this.fallback) {
      this.fallback.applyChanges(path, changes, newLength);
      return;
    }
    const id = this.kept.get(path);
    if (id === undefined || this.disposed) {
      return;
    }
    this.kept.delete(path);
    this.kept.set(path, id);
    this.notify('applyChanges', [path, changes.map(plainChange), newLength]);
  }

  has(path: string): boolean {
    return this.fallback ? this.fallback.has(path) : this.kept.has(path);
  }

  forget(path: string): void {
    if (this.fallback) {
      this.fallback.forget(path);
      return;
    }
    if (this.kept.delete(path)) {
      this.notify('forget', [path]);
    }
  }

  stats(): Promise<{ timedOut: number; trees: number }> {
    if (!this.worker && !this.fallback && !this.disposed) {
      return Promise.resolve({ timedOut: 0, trees: 0 }); // Not started: do not start it for this.
    }
    return this.call('stats', []);
  }

  dispose(): void {
    if (this.disposed) {
      return;
    }
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      void worker.terminate();
    }
    this.fallback?.dispose();
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      p.resolve(disposedResult(p.request.op));
    }
    this.kept.clear();
  }

  /** Test hook: kills the worker as a crash would (the service falls back in process). */
  async killWorker(): Promise<void> {
    await this.worker?.terminate();
  }

  private call<K extends SyntaxCallOp>(op: K, args: SyntaxOps[K]['args']): Promise<SyntaxResult<K>> {
    const request = { id: this.nextId++, op, args } as SyntaxRequest & { op: SyntaxCallOp };
    if (this.disposed) {
      return Promise.resolve(disposedResult(op) as SyntaxResult<K>);
    }
    if (this.fallback) {
      return runSyntaxCall(this.fallback, request) as Promise<SyntaxResult<K>>;
    }
    return new Promise<SyntaxResult<K>>((resolve, reject) => {
      this.pending.set(request.id, { request, resolve: resolve as (value: unknown) => void, reject });
      const worker = this.ensureWorker();
      if (!worker) {
        return; // Died while starting: the fallback has taken the call over.
      }
      try {
        worker.postMessage(request);
      } catch (err) {
        // Arguments that cannot be cloned: this call fails, the worker is fine.
        this.pending.delete(request.id);
        reject(err);
        return;
      }
      if (this.pending.size === 1) {
        worker.ref();
      }
    });
  }

  private notify<K extends Exclude<SyntaxOp, SyntaxCallOp>>(op: K, args: SyntaxOps[K]['args']): void {
    // No worker yet: it keeps no tree, so there is nothing to edit or forget.
    this.worker?.postMessage({ id: this.nextId++, op, args } as SyntaxRequest);
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) {
      return this.worker;
    }
    const data: SyntaxWorkerData = { assets: this.assets, parseTimeoutMs: this.options.parseTimeoutMs, maxTrees: this.options.maxTrees };
    let worker: Worker;
    try {
      // execArgv: not the host's flags (inspector, Electron's), which a worker may refuse.
      worker = new Worker(this.workerScript, { workerData: data, execArgv: [] });
    } catch (err) {
      this.failOver(err);
      return undefined;
    }
    worker.unref();
    worker.on('message', (response: SyntaxResponse) => this.answer(worker, response));
    worker.on('error', (err) => this.workerStopped(worker, err));
    worker.on('messageerror', (err) => this.workerStopped(worker, err));
    worker.on('exit', (code) => this.workerStopped(worker, new Error(`the parser worker exited (code ${code})`)));
    this.worker = worker;
    return worker;
  }

  private answer(worker: Worker, response: SyntaxResponse): void {
    if (worker !== this.worker) {
      return;
    }
    const p = this.pending.get(response.id);
    if (!p) {
      return;
    }
    this.pending.delete(response.id);
    if (this.pending.size === 0) {
      worker.unref();
    }
    if (response.ok) {
      p.resolve(response.result);
    } else {
      p.reject(errorFromData(response.error));
    }
  }

  private workerStopped(worker: Worker, err: unknown): void {
    if (worker === this.worker) {
      this.failOver(err);
    }
  }

  /** The worker is gone: serve everything in process from now on, starting with the unanswered calls. */
  private failOver(cause: unknown): void {
    if (this.fallback || this.disposed) {
      return;
    }
    const worker = this.worker;
    this.worker = undefined;
    if (worker) {
      worker.removeAllListeners('message');
      void worker.terminate().catch(noop);
    }
    this.fallback = new InProcessSyntax(new ParserService(this.assets, { parseTimeoutMs: this.options.parseTimeoutMs, maxTrees: this.options.maxTrees }));
    this.kept.clear();
    const reason = cause instanceof Error ? cause.message : String(cause);
    this.options.onError?.(new Error(`Parsing moved back to the calling thread: ${reason}`, { cause }));
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) {
      runSyntaxCall(this.fallback, p.request).then(p.resolve, p.reject);
    }
  }

}

/**
 * A `WorkerSyntax` when `workerScript` exists on disk, else an `InProcessSyntax` (with `onError` told why).
 * If the worker dies later, `WorkerSyntax` falls back in process itself (see there).
 */
export function createSyntaxService(assets: TreeSitterAssets, workerScript: string | undefined, options: SyntaxServiceOptions = {}): SyntaxService {
  if (workerScript !== undefined && existsSync(workerScript)) {
    return new WorkerSyntax(assets, workerScript, options);
  }
  options.onError?.(new Error(workerScript === undefined ? 'No parser worker script given: parsing runs on the calling thread' : `No parser worker script at ${workerScript}: parsing runs on the calling thread`));
  return new InProcessSyntax(new ParserService(assets, { parseTimeoutMs: options.parseTimeoutMs, maxTrees: options.maxTrees }));
}

/** Runs one answered call on an in-process engine: the worker's side and the fallback share it. */
export function runSyntaxCall(engine: InProcessSyntax, request: SyntaxRequest & { op: SyntaxCallOp }): Promise<unknown> {
  switch (request.op) {
    case 'preload':
      return engine.preload(...request.args);
    case 'analyse':
      return engine.analyse(...request.args);
    case 'declarationsOnce':
      return engine.declarationsOnce(...request.args);
    case 'stats':
      return engine.stats();
  }
}
