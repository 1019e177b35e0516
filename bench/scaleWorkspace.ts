import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';

/**
 * A deterministic generated workspace of realistic shape for the context engine's scale bench
 * (bench/scaleBench.ts). Everything depends only on `files` and `seed` (xorshift32, as in contextBench.ts).
 *
 * Shape (shares of `files`, the number of files written in total, ignored ones included):
 *  - a monorepo `packages/<name>/` (≈ max(4, files / 1,000) packages): package.json (`@scale/<name>`, main
 *    `lib/index.js`), tsconfig.json, README.md; `src/` nested 1–4 levels with exported functions, classes,
 *    interfaces and types (30–300 lines a file), importing 1–6 names from relative siblings and from other
 *    packages (`import { x } from '@scale/other'`, which resolves to other's `src/index.ts`, a list of
 *    `export { x } from './dir/file'`); names are reused across packages (verb × noun × suffix);
 *    `test/` with *.test.ts; `__fixtures__/` with copies of real functions under the same names (the trap a
 *    name-only lookup falls into); a few committed `vendor/*.min.js` (250–900 KB, one line) and
 *    `src/generated/*Table.ts` with very long lines;
 *  - `scripts/build/` with TRACKED TypeScript sources (they must be indexed);
 *  - a Python src-layout project `py/` (`from scale_py.a.b import c`), a Go module `go/` (go.mod, internal
 *    packages importing each other), a Rust crate `rust/` (Cargo.toml, src/lib.rs, `mod`, `use crate::`);
 *  - ignored: `packages/<p>/lib/` (build output, `.gitignore`), `dist/` and `packages/<p>/dist/`,
 *    `coverage/`, `*.log`, `rust/target/`, and a `node_modules/` of a few thousand files;
 *  - large lockfiles (package-lock.json, yarn.lock, Cargo.lock, go.sum, py/poetry.lock).
 * About 70% of the files are sources (TypeScript, Python, Go, Rust, tests, scripts/build).
 *
 * `truth` says, for every generated source file that imports, which names it imports and the file that
 * declares each one (for `@scale/other` imports: the file other's index re-exports it from; for Python,
 * Go and Rust: the module or package file that declares it). `sample` is 100 source files spread over the
 * tree (sorted by path, evenly spaced) for warm requests.
 */

export interface ImportTruth {
  readonly name: string;
  /** Workspace-relative path of the file that declares `name`. */
  readonly from: string;
}

export type Category =
  | 'ts-src'
  | 'ts-generated'
  | 'test'
  | 'scripts-build'
  | 'fixtures'
  | 'python'
  | 'go'
  | 'rust'
  | 'minified'
  | 'config-docs'
  | 'lockfile'
  | 'lib (ignored)'
  | 'dist (ignored)'
  | 'coverage (ignored)'
  | 'log (ignored)'
  | 'rust target (ignored)'
  | 'node_modules';

export interface GeneratedWorkspace {
  readonly written: number;
  readonly truth: Map<string, ImportTruth[]>;
  readonly sample: string[];
  /** Files written per category (see `categoryOf`). */
  readonly counts: Record<Category, number>;
  readonly bytes: number;
}

/** Categories whose files a correct walk lists. */
export const LISTED_CATEGORIES: readonly Category[] = ['ts-src', 'ts-generated', 'test', 'scripts-build', 'fixtures', 'python', 'go', 'rust', 'minified', 'config-docs', 'lockfile'];

/** The category of a path of a generated workspace. */
export function categoryOf(p: string): Category {
  if (p.startsWith('node_modules/')) return 'node_modules';
  if (p.startsWith('rust/target/')) return 'rust target (ignored)';
  if (p.startsWith('coverage/')) return 'coverage (ignored)';
  if (p.endsWith('.log')) return 'log (ignored)';
  if (p.startsWith('dist/') || /^packages\/[^/]+\/dist\//.test(p)) return 'dist (ignored)';
  if (/^packages\/[^/]+\/lib\//.test(p)) return 'lib (ignored)';
  if (p.endsWith('.min.js')) return 'minified';
  if (/(?:^|\/)(?:package-lock\.json|yarn\.lock|Cargo\.lock|go\.sum|poetry\.lock)$/.test(p)) return 'lockfile';
  if (p.startsWith('scripts/build/')) return 'scripts-build';
  if (/^packages\/[^/]+\/__fixtures__\//.test(p)) return 'fixtures';
  if (/^packages\/[^/]+\/test\//.test(p)) return 'test';
  if (/^packages\/[^/]+\/src\/generated\//.test(p)) return 'ts-generated';
  if (/^packages\/[^/]+\/src\/.*\.ts$/.test(p)) return 'ts-src';
  if (p.startsWith('py/') && p.endsWith('.py')) return 'python';
  if (p.startsWith('go/') && p.endsWith('.go')) return 'go';
  if (p.startsWith('rust/') && p.endsWith('.rs')) return 'rust';
  return 'config-docs';
}

export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    // xorshift32: deterministic on every machine.
    let x = this.state;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    this.state = x;
    return x / 0x1_0000_0000;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Vocabulary

const VERBS = ['parse', 'format', 'create', 'build', 'resolve', 'load', 'save', 'compute', 'validate', 'normalize', 'merge', 'render', 'apply', 'collect', 'find', 'read', 'write', 'update', 'register', 'handle', 'get', 'set', 'to', 'from', 'map', 'filter', 'sort', 'group', 'encode', 'decode', 'serialize', 'compare', 'clone', 'init', 'reset', 'flush', 'emit', 'watch', 'schedule', 'fetch'];
const NOUNS = ['Config', 'Options', 'Token', 'Node', 'Path', 'Value', 'Record', 'Entry', 'Cache', 'Request', 'Response', 'Event', 'Session', 'User', 'Item', 'Schema', 'Table', 'Query', 'Plugin', 'Module', 'Buffer', 'Stream', 'Range', 'Span', 'Graph', 'Edge', 'Task', 'Job', 'Queue', 'Message', 'Header', 'Route', 'Handler', 'Context', 'State', 'Store', 'Key', 'Index', 'Batch', 'Chunk'];
const SUFFIXES = ['', '', '', 'Async', 'Sync', 'Safe', 'ById', 'FromJson', 'Internal', 'Batch', 'Lazy', 'Deep', 'Once', 'All', 'Raw', 'Strict'];
const CLASS_SUFFIXES = ['Store', 'Manager', 'Service', 'Client', 'Builder', 'Parser', 'Registry', 'Factory', 'Provider', 'Controller', 'Adapter', 'Resolver', 'Loader', 'Writer', 'Reader', 'Pool', 'Scheduler', 'Emitter', 'Tracker', 'Router'];
const TYPE_SUFFIXES = ['Options', 'Config', 'Props', 'State', 'Result', 'Info', 'Spec', 'Descriptor', 'Like', 'Shape'];
const PACKAGE_WORDS = ['core', 'utils', 'http', 'cli', 'config', 'logger', 'cache', 'auth', 'db', 'queue', 'events', 'router', 'schema', 'render', 'metrics', 'storage', 'search', 'billing', 'mailer', 'scheduler', 'graph', 'parser', 'compiler', 'runtime', 'plugins', 'testing', 'ui', 'forms', 'i18n', 'crypto', 'files', 'images', 'workers', 'gateway', 'session', 'admin', 'reports', 'sync', 'notify', 'flags'];
const DIR_WORDS = ['api', 'internal', 'model', 'models', 'services', 'handlers', 'helpers', 'common', 'adapters', 'domain', 'io', 'net', 'store', 'views', 'state', 'hooks', 'codec', 'format', 'types', 'pipeline', 'tasks', 'jobs', 'client', 'server', 'impl', 'legacy', 'v2', 'core', 'shared', 'engine'];
const WORDS = ['the', 'value', 'is', 'read', 'once', 'and', 'cached', 'until', 'it', 'changes', 'callers', 'must', 'not', 'mutate', 'result', 'this', 'keeps', 'order', 'stable', 'when', 'keys', 'repeat', 'returns', 'undefined', 'for', 'missing', 'entries', 'see', 'also', 'limit', 'applies', 'per', 'request'];

const lowerFirst = (s: string): string => s.charAt(0).toLowerCase() + s.slice(1);
const upperFirst = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

function functionName(rng: Rng): string {
  return `${rng.pick(VERBS)}${rng.pick(NOUNS)}${rng.pick(SUFFIXES)}`;
}

function className(rng: Rng): string {
  return `${rng.pick(NOUNS)}${rng.pick(CLASS_SUFFIXES)}`;
}

function typeName(rng: Rng): string {
  return `${rng.pick(NOUNS)}${rng.pick(TYPE_SUFFIXES)}`;
}

function sentence(rng: Rng, words: number): string {
  const out: string[] = [];
  for (let i = 0; i < words; i++) out.push(rng.pick(WORDS));
  return upperFirst(out.join(' '));
}

/** Lines of a file: 30–300, skewed towards the short end like real code. */
function fileLines(rng: Rng): number {
  const r = rng.next();
  return 30 + Math.floor(270 * r * r);
}

// ---------------------------------------------------------------------------------------------------------------
// Plan

type ExportKind = 'function' | 'class' | 'interface' | 'type';

interface Export {
  readonly name: string;
  readonly kind: ExportKind;
}

interface TsFile {
  readonly path: string;
  readonly pkg: number;
  readonly exports: Export[];
  readonly lines: number;
}

interface Package {
  readonly index: number;
  readonly name: string;
  readonly dirs: string[];
  readonly files: TsFile[];
  /** Public API: name → declaring file (re-exported by src/index.ts). */
  readonly api: Map<string, { file: TsFile; kind: ExportKind }>;
  readonly apiNames: string[];
  readonly deps: number[];
}

function packageName(i: number): string {
  const word = PACKAGE_WORDS[i % PACKAGE_WORDS.length];
  return i < PACKAGE_WORDS.length ? word : `${word}-${Math.floor(i / PACKAGE_WORDS.length) + 1}`;
}

/** Directory paths (1–4 levels) for `count` files, ~12 files a directory. */
function planDirs(rng: Rng, count: number): string[] {
  const wanted = Math.max(2, Math.ceil(count / 12));
  const dirs: string[] = [];
  const seen = new Set<string>();
  for (let tries = 0; dirs.length < wanted && tries < wanted * 20; tries++) {
    const parent = dirs.length > 0 && rng.chance(0.65) ? rng.pick(dirs) : '';
    const depth = parent === '' ? 0 : parent.split('/').length;
    if (depth >= 4) continue;
    const dir = parent === '' ? rng.pick(DIR_WORDS) : `${parent}/${rng.pick(DIR_WORDS)}`;
    if (!seen.has(dir)) {
      seen.add(dir);
      dirs.push(dir);
    }
  }
  return dirs;
}

function pkgBase(pkg: Package): string {
  return `packages/${pkg.name}`;
}

function relativeSpecifier(fromFile: string, toFile: string): string {
  let rel = path.posix.relative(path.posix.dirname(fromFile), toFile.replace(/\.ts$/, ''));
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

// ---------------------------------------------------------------------------------------------------------------
// TypeScript text

interface Use {
  readonly name: string;
  readonly kind: ExportKind;
}

/** One statement using `use` (a call, a construction or a type annotation), with locals v0…. */
function tsUse(rng: Rng, use: Use, local: number, indent: string): string {
  const arg = local > 0 ? `v${rng.int(0, local - 1)}` : 'input';
  switch (use.kind) {
    case 'function':
      return `${indent}const v${local} = ${use.name}(${arg}, ${rng.int(1, 64)});`;
    case 'class':
      return `${indent}const v${local} = new ${use.name}(${arg});`;
    default:
      return `${indent}const v${local}: ${use.name} | undefined = ${arg} as unknown as ${use.name};`;
  }
}

/** Filler statements of a function body, about `count` lines. */
function tsFiller(rng: Rng, count: number, local: number, indent: string, out: string[]): void {
  let written = 0;
  while (written < count) {
    const v = local > 0 ? `v${rng.int(0, local - 1)}` : 'input';
    switch (rng.int(0, 6)) {
      case 0:
        out.push(`${indent}for (const item of [${v}, limit]) {`, `${indent}  total += String(item).length * ${rng.int(2, 9)};`, `${indent}}`);
        written += 3;
        break;
      case 1:
        out.push(`${indent}if (total > limit * ${rng.int(2, 50)}) {`, `${indent}  return total;`, `${indent}}`);
        written += 3;
        break;
      case 2:
        out.push(`${indent}// ${sentence(rng, rng.int(5, 12))}.`);
        written += 1;
        break;
      case 3:
        out.push(`${indent}const label${written} = \`\${String(${v})}-${rng.int(0, 999)}\`;`, `${indent}total += label${written}.length;`);
        written += 2;
        break;
      case 4:
        out.push(`${indent}seen.add(String(${v}));`);
        written += 1;
        break;
      case 5:
        out.push(`${indent}total = Math.max(total, seen.size + ${rng.int(1, 99)});`);
        written += 1;
        break;
      default:
        out.push(`${indent}try {`, `${indent}  total += JSON.stringify(${v} ?? null).length;`, `${indent}} catch {`, `${indent}  total -= 1;`, `${indent}}`);
        written += 5;
    }
  }
}

function tsFunction(rng: Rng, name: string, uses: readonly Use[], bodyLines: number, exported: boolean, out: string[]): void {
  out.push(`/** ${sentence(rng, rng.int(4, 10))}. */`);
  out.push(`${exported ? 'export ' : ''}function ${name}(input: unknown, limit = ${rng.int(1, 100)}): number {`);
  out.push('  let total = 0;', '  const seen = new Set<string>();');
  let local = 0;
  for (const use of uses) {
    out.push(tsUse(rng, use, local, '  '));
    local++;
    out.push(`  total += String(v${local - 1}).length;`);
  }
  tsFiller(rng, Math.max(0, bodyLines - 2 * uses.length), local, '  ', out);
  out.push('  return total;', '}', '');
}

function tsClass(rng: Rng, name: string, uses: readonly Use[], methods: number, bodyLines: number, out: string[]): void {
  out.push(`/** ${sentence(rng, rng.int(4, 10))}. */`, `export class ${name} {`, '  private readonly entries = new Map<string, number>();', '', '  constructor(private readonly input: unknown) {}', '');
  for (let m = 0; m < methods; m++) {
    const method = lowerFirst(`${rng.pick(VERBS)}${rng.pick(NOUNS)}`) + (m > 0 ? String(m) : '');
    out.push(`  ${method}(limit = ${rng.int(1, 64)}): number {`, '    const input = this.input;', '    let total = this.entries.size;', '    const seen = new Set<string>();');
    let local = 0;
    for (const use of m === 0 ? uses : []) {
      out.push(tsUse(rng, use, local, '    '));
      local++;
    }
    tsFiller(rng, bodyLines, local, '    ', out);
    out.push('    return total;', '  }', '');
  }
  out.push('}', '');
}

function tsInterface(rng: Rng, name: string, out: string[]): void {
  out.push(`/** ${sentence(rng, rng.int(4, 10))}. */`, `export interface ${name} {`);
  const fields = rng.int(2, 7);
  for (let f = 0; f < fields; f++) {
    out.push(`  readonly ${lowerFirst(rng.pick(NOUNS))}${f}${rng.chance(0.3) ? '?' : ''}: ${rng.pick(['string', 'number', 'boolean', 'string[]', 'Record<string, number>'])};`);
  }
  out.push('}', '');
}

interface TsImport {
  readonly specifier: string;
  readonly names: Use[];
}

function tsFileText(rng: Rng, file: TsFile, imports: readonly TsImport[], header: string[]): string {
  const out: string[] = [...header];
  for (const imp of imports) {
    out.push(`import { ${imp.names.map((n) => n.name).join(', ')} } from '${imp.specifier}';`);
  }
  out.push('');
  const used: Use[] = imports.flatMap((i) => i.names);
  const functions = file.exports.filter((e) => e.kind === 'function');
  const overhead = 8 * file.exports.length + imports.length + header.length;
  const perBody = Math.max(3, Math.floor((file.lines - overhead) / Math.max(1, functions.length + file.exports.filter((e) => e.kind === 'class').length * 2)));
  let first = true;
  for (const e of file.exports) {
    switch (e.kind) {
      case 'function': {
        // The first function uses every imported name (the quality requests select its body); the others a few.
        const uses = first ? used : used.filter(() => rng.chance(0.3));
        first = false;
        tsFunction(rng, e.name, uses, perBody, true, out);
        break;
      }
      case 'class':
        tsClass(rng, e.name, first ? used : [], 2, Math.max(3, Math.floor(perBody / 2)), out);
        break;
      case 'interface':
        tsInterface(rng, e.name, out);
        break;
      case 'type':
        out.push(`export type ${e.name} = { readonly kind: '${lowerFirst(e.name)}'; readonly size: number } | undefined;`, '');
        break;
    }
  }
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------------------------
// Other languages

function pyFunction(rng: Rng, name: string, uses: readonly string[], bodyLines: number, indent: string, out: string[], self = false): void {
  out.push(`${indent}def ${name}(${self ? 'self, ' : ''}value, limit=${rng.int(1, 100)}):`, `${indent}    """${sentence(rng, rng.int(4, 10))}."""`, `${indent}    total = 0`);
  let local = 0;
  for (const use of uses) {
    out.push(`${indent}    v${local} = ${use}(value, ${rng.int(1, 9)})`, `${indent}    total += len(str(v${local}))`);
    local++;
  }
  for (let k = 0; k < bodyLines; k++) {
    switch (rng.int(0, 3)) {
      case 0:
        out.push(`${indent}    total += len(str(value)) * ${rng.int(1, 9)}`);
        break;
      case 1:
        out.push(`${indent}    if total > limit * ${rng.int(2, 40)}:`, `${indent}        return total`);
        k++;
        break;
      case 2:
        out.push(`${indent}    # ${sentence(rng, rng.int(4, 10))}.`);
        break;
      default:
        out.push(`${indent}    for item in (value, limit):`, `${indent}        total += hash(str(item)) % ${rng.int(3, 97)}`);
        k++;
    }
  }
  out.push(`${indent}    return total`, '');
}

function goFunction(rng: Rng, name: string, uses: readonly string[], bodyLines: number, receiver: string, out: string[]): void {
  out.push(`// ${name} ${lowerFirst(sentence(rng, rng.int(4, 10)))}.`, `func ${receiver}${name}(input string, limit int) int {`, '\ttotal := 0');
  for (const use of uses) {
    out.push(`\ttotal += ${use}(input, ${rng.int(1, 9)})`);
  }
  for (let k = 0; k < bodyLines; k++) {
    switch (rng.int(0, 3)) {
      case 0:
        out.push(`\ttotal += len(input) * ${rng.int(1, 9)}`);
        break;
      case 1:
        out.push(`\tif total > limit*${rng.int(2, 40)} {`, '\t\treturn total', '\t}');
        k += 2;
        break;
      case 2:
        out.push(`\t// ${sentence(rng, rng.int(4, 10))}.`);
        break;
      default:
        out.push(`\tfor i := 0; i < ${rng.int(2, 9)}; i++ {`, '\t\ttotal += i * limit', '\t}');
        k += 2;
    }
  }
  out.push('\treturn total', '}', '');
}

function rustFunction(rng: Rng, name: string, uses: readonly string[], bodyLines: number, indent: string, selfParam: boolean, out: string[]): void {
  out.push(`${indent}/// ${sentence(rng, rng.int(4, 10))}.`, `${indent}pub fn ${name}(${selfParam ? '&self, ' : ''}input: &str, limit: i64) -> i64 {`, `${indent}    let mut total: i64 = 0;`);
  for (const use of uses) {
    out.push(`${indent}    total += ${use}(input, ${rng.int(1, 9)});`);
  }
  for (let k = 0; k < bodyLines; k++) {
    switch (rng.int(0, 3)) {
      case 0:
        out.push(`${indent}    total += input.len() as i64 * ${rng.int(1, 9)};`);
        break;
      case 1:
        out.push(`${indent}    if total > limit * ${rng.int(2, 40)} {`, `${indent}        return total;`, `${indent}    }`);
        k += 2;
        break;
      case 2:
        out.push(`${indent}    // ${sentence(rng, rng.int(4, 10))}.`);
        break;
      default:
        out.push(`${indent}    for i in 0..${rng.int(2, 9)} {`, `${indent}        total += i * limit;`, `${indent}    }`);
        k += 2;
    }
  }
  out.push(`${indent}    total`, `${indent}}`, '');
}

// ---------------------------------------------------------------------------------------------------------------
// Generated and ignored content

function minifiedText(rng: Rng, bytes: number): string {
  const parts: string[] = ['!function(e,t){"use strict";'];
  let size = parts[0].length;
  for (let i = 0; size < bytes; i++) {
    const a = `${String.fromCharCode(97 + (i % 26))}${i.toString(36)}`;
    const piece = rng.chance(0.5)
      ? `function ${a}(n,r){for(var o=0,i=n.length;o<i;o++)r+=n.charCodeAt(o)*${rng.int(1, 999)};return r^${rng.int(1, 65535)}}`
      : `var ${a}={k:"${a}",v:[${rng.int(0, 999)},${rng.int(0, 999)},${rng.int(0, 999)}],f:function(n){return n&&n.${a}?n.${a}(${i}):${rng.int(0, 9)}}};`;
    parts.push(piece);
    size += piece.length;
  }
  parts.push('}(this,{});');
  return parts.join('');
}

function longLineTable(rng: Rng, name: string): string {
  const out: string[] = ['// Generated by scripts/build/gen-tables.ts. Do not edit.', ''];
  const tables = rng.int(3, 8);
  for (let t = 0; t < tables; t++) {
    const values: string[] = [];
    const entries = rng.int(2_000, 9_000);
    for (let i = 0; i < entries; i++) values.push(String(rng.int(0, 99_999)));
    out.push(`export const ${name.toUpperCase()}_${t} = [${values.join(', ')}];`);
  }
  out.push('', `export function lookup${name}(index: number, table = 0): number {`, `  const tables = [${Array.from({ length: tables }, (_, t) => `${name.toUpperCase()}_${t}`).join(', ')}];`, '  return tables[table][index] ?? -1;', '}', '');
  return out.join('\n');
}

function compiledJs(rng: Rng, file: TsFile): string {
  const out = ['"use strict";', 'Object.defineProperty(exports, "__esModule", { value: true });'];
  for (const e of file.exports) {
    if (e.kind === 'function') {
      out.push(`exports.${e.name} = ${e.name};`, `function ${e.name}(input, limit = ${rng.int(1, 100)}) {`, '    let total = 0;', `    total += String(input).length * ${rng.int(1, 9)};`, '    return total;', '}');
    } else if (e.kind === 'class') {
      out.push(`class ${e.name} {`, '    constructor(input) {', '        this.input = input;', '        this.entries = new Map();', '    }', '}', `exports.${e.name} = ${e.name};`);
    }
  }
  out.push(`//# sourceMappingURL=${path.posix.basename(file.path, '.ts')}.js.map`);
  return `${out.join('\n')}\n`;
}

function declarationFile(file: TsFile): string {
  const out: string[] = [];
  for (const e of file.exports) {
    if (e.kind === 'function') out.push(`export declare function ${e.name}(input: unknown, limit?: number): number;`);
    else if (e.kind === 'class') out.push(`export declare class ${e.name} {`, '    private readonly input;', '    private readonly entries;', '    constructor(input: unknown);', '}');
    else if (e.kind === 'interface') out.push(`export interface ${e.name} {`, '    readonly size: number;', '}');
    else out.push(`export type ${e.name} = unknown;`);
  }
  return `${out.join('\n')}\n`;
}

function lockfileJson(rng: Rng, bytes: number): string {
  const out = ['{', '  "name": "scale-monorepo",', '  "version": "1.0.0",', '  "lockfileVersion": 3,', '  "requires": true,', '  "packages": {', '    "": { "name": "scale-monorepo", "version": "1.0.0" },'];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const name = `${rng.pick(PACKAGE_WORDS)}-${rng.pick(DIR_WORDS)}-${i.toString(36)}`;
    const hash = Array.from({ length: 64 }, () => 'abcdefghijklmnopqrstuvwxyz0123456789+/'[rng.int(0, 37)]).join('');
    const entry = [
      `    "node_modules/${name}": {`,
      `      "version": "${rng.int(0, 9)}.${rng.int(0, 30)}.${rng.int(0, 20)}",`,
      `      "resolved": "https://registry.npmjs.org/${name}/-/${name}-1.0.0.tgz",`,
      `      "integrity": "sha512-${hash}==",`,
      `      "dev": ${rng.chance(0.6)},`,
      '      "license": "MIT"',
      '    },',
    ].join('\n');
    out.push(entry);
    size += entry.length;
  }
  out.push('    "node_modules/zzz-end": { "version": "1.0.0" }', '  }', '}');
  return `${out.join('\n')}\n`;
}

function yarnLock(rng: Rng, bytes: number): string {
  const out = ['# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.', '# yarn lockfile v1', ''];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const name = `${rng.pick(PACKAGE_WORDS)}-${rng.pick(DIR_WORDS)}-${i.toString(36)}`;
    const entry = `"${name}@^1.${rng.int(0, 9)}.0":\n  version "1.${rng.int(0, 9)}.${rng.int(0, 9)}"\n  resolved "https://registry.yarnpkg.com/${name}/-/${name}-1.0.0.tgz#${rng.int(1e8, 9e8).toString(16)}"\n  integrity sha512-${rng.int(1e8, 9e8).toString(36)}${rng.int(1e8, 9e8).toString(36)}==\n`;
    out.push(entry);
    size += entry.length;
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------------------
// The generator

export function generateWorkspace(root: string, files: number, seed: number): GeneratedWorkspace {
  const rng = new Rng(seed);
  const counts = {} as Record<Category, number>;
  const truth = new Map<string, ImportTruth[]>();
  const sources: string[] = [];
  const madeDirs = new Set<string>();
  let written = 0;
  let bytes = 0;
  const put = (rel: string, text: string): void => {
    const abs = path.join(root, ...rel.split('/'));
    const dir = path.dirname(abs);
    if (!madeDirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      madeDirs.add(dir);
    }
    writeFileSync(abs, text);
    written++;
    bytes += text.length;
    const category = categoryOf(rel);
    counts[category] = (counts[category] ?? 0) + 1;
  };
  const share = (s: number, min = 1) => Math.max(min, Math.round(files * s));

  // Budget per kind; the TypeScript sources of packages/*/src take the rest.
  const P = Math.max(4, Math.round(files / 1_000));
  const budget = {
    nodeModules: Math.min(5_000, share(0.035, 30)),
    lib: share(0.12),
    dist: share(0.05),
    coverage: share(0.01, 2),
    logs: share(0.005, 2),
    fixtures: Math.max(P, share(0.03)),
    docs: share(0.01, 2),
    rustTarget: share(0.005, 2),
    minified: Math.max(1, Math.round(files / 12_500)),
    longLine: Math.max(1, Math.round(files / 10_000)),
    tests: share(0.09),
    scripts: share(0.015, 3),
    python: share(0.045, 4),
    go: share(0.025, 3),
    rust: share(0.02, 3),
  };
  const rootFiles = ['.gitignore', 'package.json', 'tsconfig.base.json', 'README.md', 'package-lock.json', 'yarn.lock', 'py/pyproject.toml', 'py/poetry.lock', 'go/go.mod', 'go/go.sum', 'rust/Cargo.toml', 'rust/Cargo.lock'];
  const perPackageFiles = 3; // package.json, tsconfig.json, README.md
  const fixed = rootFiles.length + P * perPackageFiles + Object.values(budget).reduce((a, b) => a + b, 0);
  const tsSrc = Math.max(P * 3, files - fixed);

  // Pass 1: packages, their directories, files and exports.
  const packages: Package[] = [];
  for (let p = 0; p < P; p++) {
    const deps: number[] = [];
    const depCount = Math.min(P - 1, rng.int(1, 5));
    while (deps.length < depCount) {
      const d = rng.int(0, P - 1);
      if (d !== p && !deps.includes(d)) deps.push(d);
    }
    packages.push({ index: p, name: packageName(p), dirs: [], files: [], api: new Map(), apiNames: [], deps });
  }
  const perPackage = Math.floor(tsSrc / P);
  for (const pkg of packages) {
    // One index.ts and (maybe) the long-line tables are part of the package's src budget.
    const count = perPackage + (pkg.index < tsSrc - perPackage * P ? 1 : 0) - 1;
    pkg.dirs.push(...planDirs(rng, count));
    const namesInDir = new Map<string, Set<string>>();
    for (let f = 0; f < count; f++) {
      const dir = rng.pick(pkg.dirs);
      const taken = namesInDir.get(dir) ?? new Set<string>();
      namesInDir.set(dir, taken);
      let base = lowerFirst(`${rng.pick(NOUNS)}${rng.pick(CLASS_SUFFIXES)}`);
      for (let k = 2; taken.has(base); k++) base = `${base.replace(/\d+$/, '')}${k}`;
      taken.add(base);
      const exports: Export[] = [];
      const own = new Set<string>();
      const add = (name: string, kind: ExportKind) => {
        if (!own.has(name)) {
          own.add(name);
          exports.push({ name, kind });
        }
      };
      if (rng.chance(0.5)) add(typeName(rng), 'interface');
      if (rng.chance(0.2)) add(typeName(rng), 'type');
      if (rng.chance(0.5)) add(className(rng), 'class');
      const fns = rng.int(2, 7);
      for (let k = 0; k < fns; k++) add(functionName(rng), 'function');
      pkg.files.push({ path: `packages/${pkg.name}/src/${dir}/${base}.ts`, pkg: pkg.index, exports, lines: fileLines(rng) });
    }
    // The public API: about 40% of the exports, one declaring file per name.
    for (const file of pkg.files) {
      for (const e of file.exports) {
        if (!pkg.api.has(e.name) && rng.chance(0.4)) {
          pkg.api.set(e.name, { file, kind: e.kind });
          pkg.apiNames.push(e.name);
        }
      }
    }
  }

  const otherPackageImports = (pkg: Package, taken: Set<string>, max: number): { imports: TsImport[]; truth: ImportTruth[] } => {
    const imports: TsImport[] = [];
    const found: ImportTruth[] = [];
    const from = packages[rng.pick(pkg.deps)];
    if (!from || from.apiNames.length === 0) return { imports, truth: found };
    const names: Use[] = [];
    for (let k = 0; k < max; k++) {
      const name = rng.pick(from.apiNames);
      if (taken.has(name)) continue;
      taken.add(name);
      const entry = from.api.get(name) as { file: TsFile; kind: ExportKind };
      names.push({ name, kind: entry.kind });
      found.push({ name, from: entry.file.path });
    }
    if (names.length > 0) imports.push({ specifier: `@scale/${from.name}`, names });
    return { imports, truth: found };
  };

  const siblingImports = (pkg: Package, importer: string, taken: Set<string>, max: number): { imports: TsImport[]; truth: ImportTruth[] } => {
    const byFile = new Map<TsFile, Use[]>();
    const found: ImportTruth[] = [];
    const dir = path.posix.dirname(importer);
    const near = pkg.files.filter((f) => f.path !== importer && path.posix.dirname(f.path) === dir);
    for (let k = 0; k < max; k++) {
      const target = near.length > 0 && rng.chance(0.6) ? rng.pick(near) : rng.pick(pkg.files);
      if (target.path === importer || target.exports.length === 0) continue;
      const e = rng.pick(target.exports);
      if (taken.has(e.name)) continue;
      taken.add(e.name);
      const list = byFile.get(target) ?? [];
      byFile.set(target, list);
      list.push({ name: e.name, kind: e.kind });
      found.push({ name: e.name, from: target.path });
    }
    const imports = [...byFile].map(([target, names]) => ({ specifier: relativeSpecifier(importer, target.path), names }));
    return { imports, truth: found };
  };

  // Pass 2: write packages.
  for (const pkg of packages) {
    const base = `packages/${pkg.name}`;
    put(`${base}/package.json`, `${JSON.stringify({ name: `@scale/${pkg.name}`, version: `1.${pkg.index}.0`, main: 'lib/index.js', types: 'lib/index.d.ts', scripts: { build: 'tsc -p .', test: 'mocha' }, dependencies: Object.fromEntries(pkg.deps.map((d) => [`@scale/${packages[d].name}`, 'workspace:*'])) }, null, 2)}\n`);
    put(`${base}/tsconfig.json`, `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { outDir: 'lib', rootDir: 'src' }, include: ['src'] }, null, 2)}\n`);
    put(`${base}/README.md`, `# @scale/${pkg.name}\n\n${sentence(rng, 30)}.\n\n## API\n\n${pkg.apiNames.slice(0, 20).map((n) => `- \`${n}\``).join('\n')}\n`);
    const index: string[] = ['// Public API of this package.', ''];
    const byFile = new Map<string, string[]>();
    for (const name of pkg.apiNames) {
      const file = (pkg.api.get(name) as { file: TsFile }).file;
      const list = byFile.get(file.path) ?? [];
      byFile.set(file.path, list);
      list.push(name);
    }
    for (const [file, names] of byFile) index.push(`export { ${names.join(', ')} } from '${relativeSpecifier(`${base}/src/index.ts`, file)}';`);
    put(`${base}/src/index.ts`, `${index.join('\n')}\n`);
    for (const file of pkg.files) {
      const taken = new Set(file.exports.map((e) => e.name));
      const fileRng = new Rng(seed ^ (written * 2_654_435_761));
      const total = fileRng.int(1, 6);
      const cross = fileRng.chance(0.55) ? Math.min(total, fileRng.int(1, 3)) : 0;
      const a = cross > 0 ? otherPackageImports(pkg, taken, cross) : { imports: [], truth: [] };
      const b = siblingImports(pkg, file.path, taken, total - cross);
      const imports = [...a.imports, ...b.imports];
      const found = [...a.truth, ...b.truth];
      if (found.length > 0) truth.set(file.path, found);
      put(file.path, tsFileText(fileRng, file, imports, [`// ${sentence(fileRng, fileRng.int(5, 12))}.`, '']));
      sources.push(file.path);
    }
  }

  // Long-line generated tables (tracked, in src/generated/).
  for (let i = 0; i < budget.longLine; i++) {
    const pkg = packages[i % P];
    put(`${pkgBase(pkg)}/src/generated/${NOUNS[i % NOUNS.length].toLowerCase()}Table${i}.ts`, longLineTable(rng, `${NOUNS[i % NOUNS.length]}${i}`));
  }

  // Tests: import from ../src and call.
  const testPaths = new Set<string>();
  for (let i = 0; i < budget.tests; i++) {
    const pkg = packages[i % P];
    const subject = pkg.files[Math.floor(rng.next() * pkg.files.length)];
    const rel = subject.path.slice(`${pkgBase(pkg)}/src/`.length).replace(/\.ts$/, '');
    let testPath = `${pkgBase(pkg)}/test/${rel}.test.ts`;
    if (testPaths.has(testPath)) testPath = `${pkgBase(pkg)}/test/${rel}.${i}.test.ts`;
    testPaths.add(testPath);
    const names = subject.exports.filter((e) => e.kind === 'function' || e.kind === 'class').slice(0, 4);
    const lines = [`import { strict as assert } from 'assert';`];
    if (names.length > 0) lines.push(`import { ${names.map((n) => n.name).join(', ')} } from '${relativeSpecifier(testPath, subject.path)}';`);
    lines.push('', `describe('${path.posix.basename(rel)}', () => {`);
    for (const n of names) {
      for (let c = 0; c < rng.int(1, 4); c++) {
        lines.push(`  it('${n.name} ${sentence(rng, 4).toLowerCase()}', () => {`, n.kind === 'class' ? `    const subject = new ${n.name}({ limit: ${rng.int(1, 9)} });` : `    const subject = ${n.name}({ limit: ${rng.int(1, 9)} }, ${rng.int(1, 9)});`, '    assert.ok(subject !== undefined);', `    assert.equal(typeof subject, '${n.kind === 'class' ? 'object' : 'number'}');`, '  });', '');
      }
    }
    lines.push('});');
    if (names.length > 0) truth.set(testPath, names.map((n) => ({ name: n.name, from: subject.path })));
    put(testPath, `${lines.join('\n')}\n`);
    sources.push(testPath);
  }

  // Fixtures: copies of real functions, same names (preferably names other packages import).
  for (let i = 0; i < budget.fixtures; i++) {
    const pkg = packages[i % P];
    const other = packages[rng.int(0, P - 1)];
    const names = Array.from({ length: rng.int(1, 4) }, () => rng.pick(other.apiNames.length > 0 ? other.apiNames : pkg.files[0].exports.map((e) => e.name)));
    const out = ['// Copied from the real implementation for the snapshot tests.', ''];
    for (const name of [...new Set(names)]) {
      const kind = other.api.get(name)?.kind ?? 'function';
      if (kind === 'class') tsClass(rng, name, [], 1, 4, out);
      else if (kind === 'interface') tsInterface(rng, name, out);
      else if (kind === 'type') out.push(`export type ${name} = unknown;`, '');
      else tsFunction(rng, name, [], rng.int(4, 12), true, out);
    }
    put(`${pkgBase(pkg)}/__fixtures__/${rng.pick(DIR_WORDS)}/${lowerFirst(rng.pick(NOUNS))}${i}.ts`, `${out.join('\n')}\n`);
  }

  // scripts/build: tracked build tooling that imports from the packages.
  for (let i = 0; i < budget.scripts; i++) {
    const pkg = packages[rng.int(0, P - 1)];
    const scriptPath = `scripts/build/${i % 3 === 0 ? '' : `${rng.pick(['tasks', 'util', 'plugins'])}/`}${rng.pick(VERBS)}${rng.pick(NOUNS)}${i}.ts`;
    const pseudo: TsFile = { path: scriptPath, pkg: -1, exports: [{ name: `${rng.pick(VERBS)}Build${rng.pick(NOUNS)}${i}`, kind: 'function' }, { name: `${rng.pick(VERBS)}Task${i}`, kind: 'function' }], lines: fileLines(rng) };
    const taken = new Set(pseudo.exports.map((e) => e.name));
    const a = otherPackageImports({ ...pkg, deps: [pkg.index] }, taken, rng.int(1, 3));
    if (a.truth.length > 0) truth.set(scriptPath, a.truth);
    // Not in `sources`: the warm sample stays comparable while the walk's handling of build/ changes.
    put(scriptPath, tsFileText(rng, pseudo, a.imports, ['#!/usr/bin/env node', `// Build step: ${sentence(rng, 6).toLowerCase()}.`, '']));
  }

  // Python: py/src/scale_py/<a>/<b>/<mod>.py with __init__.py files.
  {
    const pyDirs = planDirs(rng, budget.python).map((d) => `py/src/scale_py/${d.split('/').map(snake).join('/')}`);
    const modules: { path: string; module: string; functions: string[]; classes: string[] }[] = [];
    const inits = new Set<string>(['py/src/scale_py']);
    for (const d of pyDirs) {
      const parts = d.split('/');
      for (let k = 3; k <= parts.length; k++) inits.add(parts.slice(0, k).join('/'));
    }
    let left = budget.python;
    for (const d of inits) {
      if (left <= 0) break;
      put(`${d}/__init__.py`, `"""${d.split('/').pop()} package."""\n`);
      left--;
    }
    const usedPaths = new Set<string>();
    for (let i = 0; left > 0; i++, left--) {
      const dir = rng.pick(pyDirs);
      let name = snake(`${rng.pick(NOUNS)}${rng.pick(CLASS_SUFFIXES)}`);
      if (usedPaths.has(`${dir}/${name}`)) name = `${name}_${i}`;
      usedPaths.add(`${dir}/${name}`);
      const functions = [...new Set(Array.from({ length: rng.int(2, 6) }, () => snake(functionName(rng))))];
      const classes = rng.chance(0.5) ? [className(rng)] : [];
      const modPath = `${dir}/${name}.py`;
      const module = modPath.slice('py/src/'.length, -'.py'.length).split('/').join('.');
      const out = [`"""${sentence(rng, rng.int(5, 12))}."""`, 'from __future__ import annotations', '', 'import json', 'import os', ''];
      const found: ImportTruth[] = [];
      const uses: string[] = [];
      const taken = new Set([...functions, ...classes]);
      for (let k = 0; k < Math.min(modules.length, rng.int(1, 4)); k++) {
        const from = modules[rng.int(0, modules.length - 1)];
        const fn = rng.pick(from.functions);
        if (taken.has(fn)) continue;
        taken.add(fn);
        out.push(`from ${from.module} import ${fn}`);
        found.push({ name: fn, from: from.path });
        uses.push(fn);
      }
      out.push('', '');
      const lines = fileLines(rng);
      const per = Math.max(3, Math.floor(lines / (functions.length + classes.length * 2 + 1)) - 4);
      functions.forEach((fn, k) => pyFunction(rng, fn, k === 0 ? uses : [], per, '', out));
      for (const cls of classes) {
        out.push('', `class ${cls}:`, `    """${sentence(rng, 6)}."""`, '', '    def __init__(self, name):', '        self.name = name', '');
        pyFunction(rng, snake(functionName(rng)), [], per, '    ', out, true);
      }
      if (found.length > 0) truth.set(modPath, found);
      put(modPath, `${out.join('\n')}\n`);
      modules.push({ path: modPath, module, functions, classes });
      sources.push(modPath);
    }
  }

  // Go: go/internal/<a>[/<b>]/<file>.go; packages import each other by module path.
  {
    const goDirs = planDirs(rng, budget.go).map((d) => `go/internal/${d.split('/').slice(0, 2).join('/')}`);
    const uniqueDirs = [...new Set(goDirs)];
    const declared: { dir: string; pkg: string; path: string; functions: string[] }[] = [];
    const namesInPkg = new Map<string, Set<string>>();
    for (let i = 0; i < budget.go; i++) {
      const dir = uniqueDirs[i % uniqueDirs.length];
      const pkgName = dir.split('/').pop() as string;
      const file = `${dir}/${snake(`${rng.pick(NOUNS)}${rng.pick(CLASS_SUFFIXES)}`)}${i}.go`;
      const taken = namesInPkg.get(dir) ?? new Set<string>();
      namesInPkg.set(dir, taken);
      const functions: string[] = [];
      for (let k = 0; k < rng.int(2, 6); k++) {
        const fn = upperFirst(functionName(rng));
        if (!taken.has(fn)) {
          taken.add(fn);
          functions.push(fn);
        }
      }
      const others = declared.filter((d) => d.dir !== dir);
      const imports: { dir: string; pkg: string; fn: string; path: string }[] = [];
      for (let k = 0; k < Math.min(others.length, rng.int(1, 3)); k++) {
        const from = others[rng.int(0, others.length - 1)];
        if (imports.some((m) => m.pkg === from.pkg && m.dir !== from.dir)) continue;
        imports.push({ dir: from.dir, pkg: from.pkg, fn: rng.pick(from.functions), path: from.path });
      }
      const out = [`// Package ${pkgName} ${lowerFirst(sentence(rng, 6))}.`, `package ${pkgName}`, '', 'import (', '\t"fmt"', '\t"strings"'];
      const importDirs = [...new Set(imports.map((m) => m.dir))];
      if (importDirs.length > 0) out.push('');
      for (const d of importDirs) out.push(`\t"example.com/scale/${d.slice('go/'.length)}"`);
      out.push(')', '', 'var _ = fmt.Sprintf', 'var _ = strings.TrimSpace', '');
      const typeName = `${rng.pick(NOUNS)}${rng.pick(CLASS_SUFFIXES)}`;
      out.push(`// ${typeName} ${lowerFirst(sentence(rng, 5))}.`, `type ${typeName} struct {`, '\tName  string', '\tItems []int', '}', '');
      const lines = fileLines(rng);
      const per = Math.max(3, Math.floor(lines / (functions.length + 2)) - 4);
      functions.forEach((fn, k) => goFunction(rng, fn, k === 0 ? imports.map((m) => `${m.pkg}.${m.fn}`) : [], per, '', out));
      goFunction(rng, `${upperFirst(rng.pick(VERBS))}${i}`, [], per, `(s *${typeName}) `, out);
      if (imports.length > 0) truth.set(file, imports.map((m) => ({ name: m.fn, from: m.path })));
      put(file, `${out.join('\n')}\n`);
      declared.push({ dir, pkg: pkgName, path: file, functions });
      sources.push(file);
    }
  }

  // Rust: rust/src/lib.rs, rust/src/<m>/mod.rs, rust/src/<m>/<x>.rs; `use crate::m::x::name;`.
  {
    const modules = [...new Set(planDirs(rng, budget.rust).map((d) => d.split('/')[0]))].map((m) => snake(m));
    let left = budget.rust;
    const files: { path: string; module: string; functions: string[] }[] = [];
    const children = new Map<string, string[]>();
    const plannedLeaves = Math.max(0, left - 1 - modules.length);
    const leaves: { module: string; name: string }[] = [];
    for (let i = 0; i < plannedLeaves; i++) {
      const module = modules[i % modules.length];
      const name = `${snake(`${rng.pick(NOUNS)}${rng.pick(CLASS_SUFFIXES)}`)}_${i}`;
      leaves.push({ module, name });
      children.set(module, [...(children.get(module) ?? []), name]);
    }
    put('rust/src/lib.rs', `//! The scale crate.\n\n${modules.map((m) => `pub mod ${m};`).join('\n')}\n`);
    sources.push('rust/src/lib.rs');
    left--;
    for (const m of modules) {
      if (left <= 0) break;
      put(`rust/src/${m}/mod.rs`, `//! ${sentence(rng, 6)}.\n\n${(children.get(m) ?? []).map((c) => `pub mod ${c};`).join('\n')}\n`);
      left--;
    }
    for (const leaf of leaves) {
      if (left <= 0) break;
      left--;
      const file = `rust/src/${leaf.module}/${leaf.name}.rs`;
      const functions = [...new Set(Array.from({ length: rng.int(2, 6) }, () => snake(functionName(rng))))];
      const out = [`//! ${sentence(rng, rng.int(5, 12))}.`, '', 'use std::collections::HashMap;'];
      const found: ImportTruth[] = [];
      const uses: string[] = [];
      for (let k = 0; k < Math.min(files.length, rng.int(1, 3)); k++) {
        const from = files[rng.int(0, files.length - 1)];
        const fn = rng.pick(from.functions);
        if (functions.includes(fn) || uses.includes(fn)) continue;
        out.push(`use crate::${from.module}::${fn};`);
        found.push({ name: fn, from: from.path });
        uses.push(fn);
      }
      const struct = `${rng.pick(NOUNS)}${rng.pick(CLASS_SUFFIXES)}`;
      out.push('', `/// ${sentence(rng, 6)}.`, `pub struct ${struct} {`, '    pub entries: HashMap<String, i64>,', '}', '', `impl ${struct} {`);
      const lines = fileLines(rng);
      const per = Math.max(3, Math.floor(lines / (functions.length + 2)) - 4);
      rustFunction(rng, snake(functionName(rng)), [], per, '    ', true, out);
      out.push('}', '');
      functions.forEach((fn, k) => rustFunction(rng, fn, k === 0 ? uses : [], per, '', false, out));
      if (found.length > 0) truth.set(file, found);
      put(file, `${out.join('\n')}\n`);
      files.push({ path: file, module: `${leaf.module}::${leaf.name}`, functions });
      sources.push(file);
    }
    // Whatever is left of the Rust budget (tiny workspaces): more top-level modules' tests.
    for (let i = 0; left > 0; i++, left--) {
      put(`rust/tests/it_${i}.rs`, `use scale::*;\n\n#[test]\nfn it_${i}() {\n    assert_eq!(1 + ${i}, ${i + 1});\n}\n`);
    }
  }

  // Committed minified bundles (250–900 KB, one line).
  for (let i = 0; i < budget.minified; i++) {
    const pkg = packages[(i * 7) % P];
    put(`${pkgBase(pkg)}/vendor/${rng.pick(['chart', 'editor', 'highlight', 'maps', 'player', 'charts-lite'])}${i}.min.js`, minifiedText(rng, rng.int(250_000, 900_000)));
  }

  // Ignored build output: packages/*/lib mirrors src (compiled .js and .d.ts).
  for (let i = 0; i < budget.lib; i++) {
    const pkg = packages[i % P];
    const file = pkg.files[Math.floor(i / P / 2) % pkg.files.length];
    const rel = file.path.slice(`${pkgBase(pkg)}/src/`.length).replace(/\.ts$/, '');
    const round = Math.floor(i / P / 2 / pkg.files.length);
    const suffix = round > 0 ? `.${round}` : '';
    if (Math.floor(i / P) % 2 === 0) put(`${pkgBase(pkg)}/lib/${rel}${suffix}.js`, compiledJs(rng, file));
    else put(`${pkgBase(pkg)}/lib/${rel}${suffix}.d.ts`, declarationFile(file));
  }
  for (let i = 0; i < budget.dist; i++) {
    const pkg = packages[i % P];
    const text = `(()=>{${Array.from({ length: rng.int(20, 200) }, (_, k) => `var m${k}=${rng.int(0, 9999)};`).join('')}})();\n`;
    put(i % 3 === 0 ? `dist/${pkg.name}/chunk-${i}.js` : `${pkgBase(pkg)}/dist/chunk-${i}.js`, text);
  }
  for (let i = 0; i < budget.coverage; i++) {
    put(i === 0 ? 'coverage/lcov.info' : `coverage/lcov-report/${packages[i % P].name}/file${i}.ts.html`, `<html><body><pre>${sentence(rng, 40)}</pre></body></html>\n`);
  }
  for (let i = 0; i < budget.logs; i++) {
    put(i % 2 === 0 ? `logs/build-${i}.log` : `${pkgBase(packages[i % P])}/npm-debug-${i}.log`, `${Array.from({ length: rng.int(5, 50) }, (_, k) => `[${k}] ${sentence(rng, 8)}`).join('\n')}\n`);
  }
  for (let i = 0; i < budget.rustTarget; i++) {
    put(`rust/target/debug/deps/scale-${i.toString(16)}.d`, `/work/rust/target/debug/deps/scale-${i}.rmeta: src/lib.rs\n`);
  }
  for (let i = 0; i < budget.docs; i++) {
    put(`docs/${rng.pick(DIR_WORDS)}/${rng.pick(NOUNS).toLowerCase()}-${i}.md`, `# ${sentence(rng, 4)}\n\n${Array.from({ length: rng.int(3, 20) }, () => sentence(rng, rng.int(8, 30))).join('.\n\n')}.\n`);
  }
  // node_modules: a few thousand files that must be skipped.
  for (let i = 0; i < budget.nodeModules; i++) {
    // Ten files a dependency: package.json, index.d.ts, README.md and lib/*.js.
    const d = Math.floor(i / 10);
    const dep = `${PACKAGE_WORDS[d % PACKAGE_WORDS.length]}-${DIR_WORDS[Math.floor(d / PACKAGE_WORDS.length) % DIR_WORDS.length]}${d >= PACKAGE_WORDS.length * DIR_WORDS.length ? d : ''}`;
    const kind = i % 10;
    if (kind === 0) put(`node_modules/${dep}/package.json`, `{ "name": "${dep}", "version": "1.0.${d}", "main": "lib/index.js" }\n`);
    else if (kind === 1) put(`node_modules/${dep}/index.d.ts`, `export declare function ${lowerFirst(functionName(rng))}(a: number, b: number): number;\n`);
    else if (kind === 2) put(`node_modules/${dep}/README.md`, `# ${dep}\n\n${sentence(rng, 20)}.\n`);
    else put(`node_modules/${dep}/lib/${kind === 3 ? 'index' : `${rng.pick(NOUNS).toLowerCase()}${i}`}.js`, `module.exports = function ${lowerFirst(functionName(rng))}(a, b) { return a + b * ${i}; };\n`);
  }

  // Root files.
  put('.gitignore', '# Build output\nnode_modules/\npackages/*/lib/\ndist/\ncoverage/\n*.log\n/rust/target/\n.cache/\n');
  put('package.json', `${JSON.stringify({ name: 'scale-monorepo', private: true, workspaces: ['packages/*'], scripts: { build: 'node scripts/build/index.js' } }, null, 2)}\n`);
  put('tsconfig.base.json', `${JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'commonjs', strict: true, declaration: true } }, null, 2)}\n`);
  put('README.md', `# Scale monorepo\n\n${sentence(rng, 40)}.\n`);
  put('package-lock.json', lockfileJson(rng, files * 25));
  put('yarn.lock', yarnLock(rng, files * 8));
  put('py/pyproject.toml', '[project]\nname = "scale-py"\nversion = "1.0.0"\n\n[tool.setuptools.packages.find]\nwhere = ["src"]\n');
  put('py/poetry.lock', yarnLock(rng, files * 2));
  put('go/go.mod', 'module example.com/scale\n\ngo 1.22\n');
  put('go/go.sum', Array.from({ length: Math.max(10, Math.round(files / 50)) }, (_, i) => `github.com/example/dep${i} v1.${i % 9}.0 h1:${rng.int(1e8, 9e8).toString(36)}=`).join('\n'));
  put('rust/Cargo.toml', '[package]\nname = "scale"\nversion = "0.1.0"\nedition = "2021"\n');
  put('rust/Cargo.lock', yarnLock(rng, files * 2));

  const sorted = [...sources].sort();
  const step = sorted.length / 100;
  const sample = Array.from({ length: Math.min(100, sorted.length) }, (_, i) => sorted[Math.floor(i * step + step / 2)]);
  return { written, truth, sample, counts, bytes };
}
