import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { assetsInNodeModules } from '../src/context/assets';
import { ContextGatherer, type ContextRequest, type ContextSettings } from '../src/context/contextGatherer';
import { NodeWorkspaceFs } from '../src/context/nodeFs';
import { editForChange, ParserService } from '../src/context/parserService';
import { createSyntaxService, workerScriptIn } from '../src/context/syntaxService';
import type { Position } from '../src/context/types';
import { estimateTokens } from '../src/core/tokenEstimate';
import { Rng } from './scaleWorkspace';

/**
 * Context-engine benchmark (plain Node, no VS Code). Generates a deterministic 2,000-file multi-language
 * workspace in a temp folder (plus node_modules, build output and secrets that must be skipped), then:
 *  - cold: the first request in the process (runtime init, grammar loads, listing, exclusion, reading every
 *    source file once for the declaration index, parsing what the repo map and the lookup need) — target < 2 s;
 *  - warm: further requests on the same gatherer with other current files — target < 100 ms;
 *  - reparse after a one-character edit in a 5,000-line TypeScript file (tree.edit + incremental parse),
 *    median of many runs — target < 5 ms.
 * The files were just written, so the OS file cache is warm: "cold" means cold for our caches.
 */

const REPO_ROOT = path.resolve(__dirname, '../..');
const FILES = 2_000;
const SETTINGS: ContextSettings = { trusted: true, excludeGlobs: ['**/*.generated.ts'] };

type Lang = 'ts' | 'tsx' | 'js' | 'py' | 'go' | 'rs' | 'java' | 'c' | 'cpp' | 'cs';

/** Share of files per language, in 1/100. */
const MIX: readonly [Lang, number][] = [['ts', 44], ['tsx', 6], ['js', 10], ['py', 10], ['go', 8], ['rs', 6], ['java', 6], ['c', 3], ['cpp', 4], ['cs', 3]];


interface Spec {
  readonly index: number;
  readonly lang: Lang;
  readonly path: string;
}

function langOf(i: number): Lang {
  const slot = (i * 37) % 100;
  let acc = 0;
  for (const [lang, share] of MIX) {
    acc += share;
    if (slot < acc) {
      return lang;
    }
  }
  return 'ts';
}

function specFor(i: number): Spec {
  const lang = langOf(i);
  const pkg = `pkg${i % 12}`;
  const module = `mod${Math.floor(i / 12) % 15}`;
  const deep = i % 5 === 0 ? `/impl/v${i % 3}` : '';
  const test = i % 9 === 0;
  const base = test ? `packages/${pkg}/test${deep}` : `packages/${pkg}/src/${module}${deep}`;
  const name = lang === 'java' || lang === 'cs' ? `Service${i}` : `file_${i}`;
  const file = test && lang === 'ts' ? `${name}.test.ts` : `${name}.${lang}`;
  return { index: i, lang, path: `${base}/${file}` };
}

/** A function of another file that this one calls (same language family, so lookups find it). */
function callee(rng: Rng, specs: readonly Spec[], lang: Lang): string {
  for (let tries = 0; tries < 20; tries++) {
    const other = specs[rng.int(0, specs.length - 1)];
    const family = (l: Lang) => (l === 'ts' || l === 'tsx' || l === 'js' ? 'js' : l === 'c' || l === 'cpp' ? 'c' : l);
    if (family(other.lang) === family(lang)) {
      return `compute${other.index}_${rng.int(0, 2)}`;
    }
  }
  return `compute0_0`;
}

function body(rng: Rng, specs: readonly Spec[], lang: Lang, lines: number, indent: string): string[] {
  const out: string[] = [];
  for (let k = 0; k < lines; k++) {
    const fn = callee(rng, specs, lang);
    switch (lang) {
      case 'py':
        out.push(`${indent}total = total + ${fn}(value, ${k}) * ${rng.int(1, 9)}`);
        break;
      case 'go':
        out.push(`${indent}total += ${fn}(value, ${k}) * ${rng.int(1, 9)}`);
        break;
      case 'rs':
        out.push(`${indent}total += ${fn}(value, ${k}) * ${rng.int(1, 9)};`);
        break;
      default:
        out.push(`${indent}total += ${fn}(value, ${k}) * ${rng.int(1, 9)};`);
    }
  }
  return out;
}

function generate(spec: Spec, specs: readonly Spec[]): string {
  const rng = new Rng(spec.index * 7_919 + 17);
  const i = spec.index;
  const functions = rng.int(3, 10);
  const bodyLines = () => rng.int(4, 18);
  const out: string[] = [];
  switch (spec.lang) {
    case 'ts':
    case 'tsx':
    case 'js': {
      const typed = spec.lang !== 'js';
      const t = (s: string) => (typed ? s : '');
      out.push(`// Generated module ${i}.`, `import { helper } from '../shared/helper';`, '');
      if (typed) {
        out.push(`export interface Options${i} {`, '  readonly limit: number;', '  readonly name?: string;', '}', '');
      }
      out.push(`export class Service${i} {`, `  private readonly items${t(': number[]')} = [];`, '');
      for (let m = 0; m < 3; m++) {
        out.push(`  method${m}(value${t(': number')})${t(': number')} {`, '    let total = 0;', ...body(rng, specs, spec.lang, bodyLines(), '    '), '    return total + this.items.length;', '  }', '');
      }
      out.push('}', '');
      for (let f = 0; f < functions; f++) {
        out.push(`export function compute${i}_${f}(value${t(': number')}, factor${t(': number')})${t(': number')} {`, '  let total = helper(factor);', ...body(rng, specs, spec.lang, bodyLines(), '  '), '  return total;', '}', '');
      }
      if (spec.lang === 'tsx') {
        out.push(`export function View${i}(props: { label: string }): JSX.Element {`, '  return <div className="view">{props.label}</div>;', '}', '');
      }
      break;
    }
    case 'py':
      out.push(`"""Generated module ${i}."""`, 'from shared import helper', '', '', `class Service${i}:`, '    def __init__(self, name):', '        self.name = name', '');
      for (let m = 0; m < 3; m++) {
        out.push(`    def method${m}(self, value):`, '        total = 0', ...body(rng, specs, 'py', bodyLines(), '        '), '        return total', '');
      }
      for (let f = 0; f < functions; f++) {
        out.push('', `def compute${i}_${f}(value, factor):`, '    total = helper(factor)', ...body(rng, specs, 'py', bodyLines(), '    '), '    return total');
      }
      break;
    case 'go':
      out.push(`package pkg${i % 12}`, '', `// Service${i} is generated.`, `type Service${i} struct {`, '\tName  string', '\tItems []int', '}', '');
      for (let f = 0; f < functions; f++) {
        out.push(`func compute${i}_${f}(value int, factor int) int {`, '\ttotal := helper(factor)', ...body(rng, specs, 'go', bodyLines(), '\t'), '\treturn total', '}', '');
      }
      out.push(`func (s *Service${i}) Run(value int) int {`, '\ttotal := len(s.Items)', ...body(rng, specs, 'go', bodyLines(), '\t'), '\treturn total', '}');
      break;
    case 'rs':
      out.push(`//! Generated module ${i}.`, '', `pub struct Service${i} {`, '    pub items: Vec<i64>,', '}', '', `impl Service${i} {`);
      for (let m = 0; m < 2; m++) {
        out.push(`    pub fn method${m}(&self, value: i64) -> i64 {`, '        let mut total = self.items.len() as i64;', ...body(rng, specs, 'rs', bodyLines(), '        '), '        total', '    }');
      }
      out.push('}', '');
      for (let f = 0; f < functions; f++) {
        out.push(`pub fn compute${i}_${f}(value: i64, factor: i64) -> i64 {`, '    let mut total = factor;', ...body(rng, specs, 'rs', bodyLines(), '    '), '    total', '}', '');
      }
      break;
    case 'java':
    case 'cs':
      if (spec.lang === 'java') {
        out.push(`package com.example.pkg${i % 12};`, '', `public class Service${i} {`);
      } else {
        out.push('using System;', '', `namespace Example.Pkg${i % 12}`, '{', `public class Service${i}`, '{');
      }
      for (let f = 0; f < functions; f++) {
        out.push(`    public static long compute${i}_${f}(long value, long factor) {`, '        long total = factor;', ...body(rng, specs, spec.lang, bodyLines(), '        '), '        return total;', '    }', '');
      }
      out.push('}');
      if (spec.lang === 'cs') {
        out.push('}');
      }
      break;
    case 'c':
    case 'cpp':
      out.push('#include <stddef.h>', '', `struct service_${i} {`, '    int count;', '    long total;', '};', '');
      if (spec.lang === 'cpp') {
        out.push(`namespace pkg${i % 12} {`, '', `class Service${i} {`, 'public:', '    long run(long value) const;', '};', '', '}', '');
      }
      for (let f = 0; f < functions; f++) {
        out.push(`long compute${i}_${f}(long value, long factor)`, '{', '    long total = factor;', ...body(rng, specs, spec.lang, bodyLines(), '    '), '    return total;', '}', '');
      }
      break;
  }
  return `${out.join('\n')}\n`;
}

/** A 5,000-line TypeScript file (functions of 5 lines). */
function bigTypeScript(): string {
  const lines: string[] = [];
  for (let i = 0; lines.length < 5_000; i++) {
    lines.push(`export function big${i}(a: number, b: string): number {`, `  const x = a + ${i};`, '  return x * b.length;', '}', '');
  }
  return lines.slice(0, 5_000).join('\n');
}

function write(root: string, relative: string, text: string): void {
  const file = path.join(root, ...relative.split('/'));
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

/** Writes the synthetic workspace into `root` (exported for profiling). */
export function generateWorkspace(root: string): { specs: Spec[]; bytes: number } {
  const specs = Array.from({ length: FILES - 1 }, (_, i) => specFor(i));
  let bytes = 0;
  for (const spec of specs) {
    const text = generate(spec, specs);
    bytes += text.length;
    write(root, spec.path, text);
  }
  const big = bigTypeScript();
  bytes += big.length;
  write(root, 'packages/pkg0/src/big/generatedTable.ts', big);
  // Everything below must be skipped without being read.
  write(root, '.gitignore', 'tmp/\n*.log\n');
  write(root, '.env', 'API_KEY=not-for-context\n');
  write(root, 'packages/pkg1/.env.local', 'TOKEN=secret\n');
  write(root, 'certs/server.pem', '-----BEGIN PRIVATE KEY-----\n');
  for (let i = 0; i < 300; i++) {
    write(root, `node_modules/dep${i % 30}/lib/index${i}.js`, `module.exports = function dep${i}() { return ${i}; };\n`);
  }
  for (let i = 0; i < 100; i++) {
    write(root, `packages/pkg${i % 12}/dist/bundle${i}.js`, `var x${i} = ${i};\n`);
  }
  write(root, 'tmp/scratch.ts', 'export const scratch = 1;\n');
  write(root, 'logs/run.log', 'noise\n');
  write(root, 'packages/pkg2/src/api.generated.ts', 'export const generated = 1;\n');
  return { specs: [...specs, { index: FILES - 1, lang: 'ts', path: 'packages/pkg0/src/big/generatedTable.ts' }], bytes };
}

function positionOf(text: string, needle: RegExp): Position {
  const index = Math.max(0, text.search(needle));
  const before = text.slice(0, index);
  return { line: before.split('\n').length - 1, character: index - (before.lastIndexOf('\n') + 1) };
}

/** The selection: three lines of a function body that call other files' functions. */
function requestFor(spec: Spec, text: string): ContextRequest {
  const at = positionOf(text, /compute\d+_\d\(value, /);
  const end = { line: at.line + 3, character: 0 };
  return { currentFile: spec.path, currentText: text, selection: { start: { line: at.line, character: 0 }, end }, openFiles: [] };
}

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const verdict = (value: number, target: number): string => (value < target ? 'met' : 'MISSED');

export async function benchContext(): Promise<string[]> {
  const root = mkdtempSync(path.join(os.tmpdir(), 'context-bench-'));
  const lines: string[] = [];
  try {
    const { specs, bytes } = generateWorkspace(root);
    const assets = assetsInNodeModules(REPO_ROOT);
    const textOf = (spec: Spec): string => generate(spec, specs);
    lines.push(`context workspace: ${specs.length.toLocaleString('en-US')} source files, ${(bytes / 1024 / 1024).toFixed(1)} MB (+ node_modules, dist, secrets, ignored files that must be skipped)`);

    // Cold: first request in the process.
    const parser = new ParserService(assets);
    // The extension parses in a worker thread; the bench does too (the reparse figure below is in-process).
    const syntax = createSyntaxService(assets, workerScriptIn(path.join(REPO_ROOT, 'out', 'src', 'context')));
    const gatherer = new ContextGatherer({ fs: new NodeWorkspaceFs(root), syntax, settings: SETTINGS });
    const first = specs[3];
    const t0 = performance.now();
    const cold = await gatherer.gather(requestFor(first, textOf(first)));
    const coldMs = performance.now() - t0;
    const listed = (await gatherer.listFiles()).length;
    lines.push(`context cold (first request in process: runtime + grammars, list ${listed.toLocaleString('en-US')} files, exclusion, declaration index, parse for map + lookup): ${coldMs.toFixed(0)} ms  [target < 2000 ms: ${verdict(coldMs, 2_000)}]`);
    const mapLines = cold.repoMap.split('\n').filter((l) => l !== '');
    const mapFiles = mapLines.filter((l) => !l.startsWith(' ') && !l.startsWith('(')).length;
    lines.push(`  repo map: ${estimateTokens(cold.repoMap).toLocaleString('en-US')} tokens (budget 4,096), ${mapFiles} files, ${mapLines.length - mapFiles} other lines; ${cold.relatedDefinitions.length} related definitions; enclosing symbol ${cold.enclosingSymbol?.name ?? '—'}`);

    // Warm: other current files of several languages on the first gatherer.
    const warm: number[] = [];
    const warmSpecs = specs.filter((_, i) => i % 97 === 5).slice(0, 20);
    for (const spec of warmSpecs) {
      const text = textOf(spec);
      const t = performance.now();
      await gatherer.gather(requestFor(spec, text));
      warm.push(performance.now() - t);
      if (process.env.CONTEXT_BENCH_VERBOSE) {
        console.log(`  warm ${spec.path}: ${(performance.now() - t).toFixed(1)} ms`);
      }
    }
    const warmMedian = median(warm);
    const warmMax = Math.max(...warm);
    const warmLangs = [...new Set(warmSpecs.map((s) => s.lang))].join(', ');
    lines.push(`context warm (${warm.length} requests, other current files: ${warmLangs}): median ${warmMedian.toFixed(1)} ms, max ${warmMax.toFixed(1)} ms  [target < 100 ms: ${verdict(warmMax, 100)}]`);

    // Reparse after a one-character edit in a 5,000-line TypeScript file.
    let text = bigTypeScript();
    const bigPath = 'packages/pkg0/src/big/generatedTable.ts';
    await parser.parse(bigPath, text);
    const reparse: number[] = [];
    for (let run = 0; run < 300; run++) {
      const lineNo = 100 + ((run * 7_919) % 4_800);
      const lineStarts = text.split('\n');
      let offset = 0;
      for (let l = 0; l < lineNo; l++) {
        offset += lineStarts[l].length + 1;
      }
      const insertAt = run % 2 === 0 ? offset + lineStarts[lineNo].length : offset;
      const character = insertAt - offset;
      const inserted = run % 3 === 0 ? ' ' : 'x';
      const edit = editForChange({ range: { start: { line: lineNo, character }, end: { line: lineNo, character } }, rangeOffset: insertAt, rangeLength: 0, text: inserted });
      const next = text.slice(0, insertAt) + inserted + text.slice(insertAt);
      const t = performance.now();
      const ok = parser.applyEdit(bigPath, edit, next);
      reparse.push(performance.now() - t);
      if (!ok) {
        throw new Error('reparse failed');
      }
      text = next;
    }
    const reparseMedian = median(reparse);
    const p95 = [...reparse].sort((a, b) => a - b)[Math.floor(reparse.length * 0.95)];
    lines.push(`tree-sitter reparse after a 1-character edit in a 5,000-line TypeScript file: median ${reparseMedian.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms over ${reparse.length} edits  [target < 5 ms: ${verdict(reparseMedian, 5)}]`);
    parser.dispose();
    syntax.dispose();

    // Cold again with a new gatherer and parser service (runtime already initialised in this process).
    const syntax2 = createSyntaxService(assets, workerScriptIn(path.join(REPO_ROOT, 'out', 'src', 'context')));
    const gatherer2 = new ContextGatherer({ fs: new NodeWorkspaceFs(root), syntax: syntax2, settings: SETTINGS });
    const t1 = performance.now();
    await gatherer2.gather(requestFor(first, textOf(first)));
    const cold2Ms = performance.now() - t1;
    lines.push(`context cold (new gatherer + parser service, runtime already loaded): ${cold2Ms.toFixed(0)} ms`);
    syntax2.dispose();
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return lines;
}
