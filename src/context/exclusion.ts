import { compileGlob, globSource } from './glob';
import type { DirectoryEntry, FileStat, WorkspaceFs } from './workspaceFs';

/**
 * What the context engine must never read, and the only way it reads anything.
 *
 * Order of checks for a path (each step only runs if the previous ones allowed it):
 *  1. by name alone, never touching the file: outside the workspace, secrets and keys (`.env*`, `*.pem`,
 *     `*.key`, `id_rsa*`, …), dependency / VCS / cache folders, binary extensions, the caller's globs
 *     (`files.exclude` + `deepseek.context.exclude`), and `.gitignore` rules of the file's folders (reading
 *     only the `.gitignore` files themselves); a folder named `dist`, `out`, `build` or `target` is build
 *     output only at the workspace root or beside a project manifest (`package.json`, `Cargo.toml`, …), so
 *     tracked sources in e.g. `scripts/build/` are read (one listing of the parent folder, cached);
 *  2. `stat`: not a regular file (the walk does not follow symbolic links; a path the user names, e.g. a pinned
 *     file, may lead through one only to a file inside the workspace that passes step 1 too), or larger than
 *     the size limit;
 *  3. read: NUL bytes in the first 8 KB (binary). The text is only returned if it passes.
 * In an untrusted workspace nothing is listed, stat'ed or read.
 */

export type ExclusionReason =
  | 'untrusted'
  | 'outside-workspace'
  | 'secret'
  | 'excluded-folder'
  | 'binary'
  | 'setting'
  | 'gitignore'
  | 'not-a-file'
  | 'too-large'
  | 'unreadable';

export type Verdict = { readonly allowed: true } | { readonly allowed: false; readonly reason: ExclusionReason; readonly detail: string };

export type ReadResult =
  | { readonly ok: true; readonly path: string; readonly text: string; readonly size: number }
  | { readonly ok: false; readonly path: string; readonly reason: ExclusionReason; readonly detail: string };

export type ReadFailure = Extract<ReadResult, { readonly ok: false }>;

/** A path the user named, once checked: `target` is the file it leads to (itself unless it is a link). */
export type NamedFile = { readonly ok: true; readonly path: string; readonly target: string; readonly size: number } | ReadFailure;

export interface ListedFile {
  readonly path: string;
  readonly size: number;
  readonly mtimeMs: number;
}

/** Secret and key files, matched against the file (or folder) name, case-insensitively. */
export const ALWAYS_EXCLUDED_NAMES: readonly string[] = [
  '.env*',
  '*.pem',
  '*.key',
  '*.p12',
  '*.pfx',
  '*.keystore',
  '*.jks',
  'id_rsa*',
  'id_dsa*',
  'id_ecdsa*',
  'id_ed25519*',
  '.netrc',
  '.npmrc',
  '.pypirc',
];

/** Folders never walked or read, at any depth: dependencies, VCS data, caches. */
export const ALWAYS_EXCLUDED_FOLDERS: readonly string[] = [
  'node_modules',
  '.git',
  '.hg',
  '.svn',
  '.next',
  'coverage',
  '__pycache__',
  '.venv',
];

/**
 * Folder names that are build output where a build tool puts it: at the workspace root, or beside a project
 * manifest. Elsewhere (`scripts/build/`, `src/out/`) they are ordinary folders.
 */
export const BUILD_OUTPUT_FOLDERS: readonly string[] = ['dist', 'out', 'build', 'target'];

/** Files that make their folder a project whose `dist/`, `out/`, `build/`, `target/` are build output. */
const PROJECT_MANIFEST = /^(?:package\.json|tsconfig(?:\..+)?\.json|Cargo\.toml|go\.mod|pom\.xml|build\.gradle(?:\.kts)?|settings\.gradle(?:\.kts)?|pyproject\.toml|setup\.py|setup\.cfg|CMakeLists\.txt|Makefile|meson\.build|BUILD(?:\.bazel)?|[^/]+\.(?:csproj|fsproj|vbproj|sln))$/;

/** Whether a file name is a project manifest (see `BUILD_OUTPUT_FOLDERS`). */
export function isProjectManifest(name: string): boolean {
  return PROJECT_MANIFEST.test(name);
}

/** Extensions of files that are not text, skipped without reading. */
export const BINARY_EXTENSIONS: ReadonlySet<string> = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'bmp', 'ico', 'icns', 'webp', 'tif', 'tiff', 'psd', 'heic', 'avif',
  'pdf', 'doc', 'docx', 'xls', 'xlsx', 'ppt', 'pptx', 'odt', 'ods',
  'zip', 'gz', 'tgz', 'bz2', 'xz', 'zst', '7z', 'rar', 'tar', 'jar', 'war', 'ear', 'whl', 'nupkg', 'vsix',
  'exe', 'dll', 'so', 'dylib', 'o', 'obj', 'a', 'lib', 'pdb', 'class', 'pyc', 'pyo', 'pyd', 'wasm', 'node', 'bin', 'dat',
  'woff', 'woff2', 'ttf', 'otf', 'eot',
  'mp3', 'mp4', 'm4a', 'wav', 'ogg', 'flac', 'avi', 'mov', 'mkv', 'webm',
  'sqlite', 'sqlite3', 'db', 'iso', 'dmg', 'img', 'deb', 'rpm',
]);

export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
const SNIFF_BYTES = 8 * 1024;

const SECRET_RES = ALWAYS_EXCLUDED_NAMES.map((g) => new RegExp(`^${globSource(g, { braces: false })}$`, 'i'));
const EXCLUDED_FOLDERS = new Set(ALWAYS_EXCLUDED_FOLDERS);
const BUILD_FOLDERS = new Set(BUILD_OUTPUT_FOLDERS);

/** Makes `path` workspace-relative with forward slashes, or `undefined` if it is absolute or climbs out. */
export function normalizePath(path: string): string | undefined {
  const unified = path.replace(/\\/g, '/');
  if (unified.startsWith('/') || /^[a-zA-Z]:/.test(unified)) {
    return undefined;
  }
  const parts: string[] = [];
  for (const part of unified.split('/')) {
    if (part === '' || part === '.') {
      continue;
    }
    if (part === '..') {
      return undefined;
    }
    parts.push(part);
  }
  return parts.join('/');
}

function basename(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? path : path.slice(slash + 1);
}

function extension(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot <= 0 ? '' : name.slice(dot + 1).toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------------
// .gitignore

export interface IgnoreRule {
  /** Folder of the `.gitignore` ('' for the root); the pattern is relative to it. */
  readonly base: string;
  readonly negate: boolean;
  readonly dirOnly: boolean;
  readonly re: RegExp;
  /** The line it came from, for messages. */
  readonly source: string;
}

/**
 * Parses a `.gitignore` in folder `base` (git's rules): blank lines and `#` comments skipped; trailing spaces
 * dropped unless escaped; `!` negates; a trailing `/` matches folders only; a pattern with a `/` at the
 * start or in the middle is anchored to `base`, otherwise it matches a name at any depth below `base`;
 * `*`, `?`, `[…]`, `**`.
 */
export function parseGitignore(text: string, base: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const rawLine of text.split(/\r?\n/)) {
    let line = rawLine;
    // Trailing spaces are ignored unless escaped with a backslash.
    while (line.endsWith(' ') && !line.endsWith('\\ ')) {
      line = line.slice(0, -1);
    }
    if (line === '' || line.startsWith('#')) {
      continue;
    }
    let negate = false;
    if (line.startsWith('!')) {
      negate = true;
      line = line.slice(1);
    } else if (line.startsWith('\\!') || line.startsWith('\\#')) {
      line = line.slice(1);
    }
    let dirOnly = false;
    if (line.endsWith('/') && !line.endsWith('\\/')) {
      dirOnly = true;
      line = line.replace(/\/+$/, '');
    }
    if (line === '') {
      continue;
    }
    const anchored = line.includes('/');
    const body = globSource(line.replace(/^\/+/, ''), { braces: false, insideOnly: true });
    const re = new RegExp(anchored ? `^${body}$` : `^(?:[^/]*/)*${body}$`);
    rules.push({ base, negate, dirOnly, re, source: rawLine.trim() });
  }
  return rules;
}

/** The verdict of the rules (ordered root first, then line order) for a path: the last match wins. */
export function matchIgnoreRules(rules: readonly IgnoreRule[], path: string, isDir: boolean): IgnoreRule | undefined {
  let decisive: IgnoreRule | undefined;
  for (const rule of rules) {
    if (rule.dirOnly && !isDir) {
      continue;
    }
    let relative: string;
    if (rule.base === '') {
      relative = path;
    } else if (path.startsWith(`${rule.base}/`)) {
      relative = path.slice(rule.base.length + 1);
    } else {
      continue;
    }
    if (rule.re.test(relative)) {
      decisive = rule;
    }
  }
  return decisive && !decisive.negate ? decisive : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Policy by name

export interface ExclusionOptions {
  /** `files.exclude` (the keys set to true) and `deepseek.context.exclude`, as VS Code globs. */
  readonly excludeGlobs?: readonly string[];
  /** Workspace Trust: when false nothing is listed or read. */
  readonly trusted: boolean;
  /** Files larger than this are skipped (default 1 MiB). */
  readonly maxFileBytes?: number;
}

/**
 * The verdict on a path from its name alone (no `.gitignore`, no file access). `isDir` says whether it names
 * a folder (folder rules then apply to the name itself).
 */
export function checkName(path: string, isDir: boolean, globs: readonly ((p: string) => boolean)[]): Verdict {
  // Build-output folder names are not decided here: that needs the parent folder (see ContextReader.check).
  const segments = path.split('/');
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const segmentIsDir = isDir || i < segments.length - 1;
    if (SECRET_RES.some((re) => re.test(segment))) {
      return { allowed: false, reason: 'secret', detail: `${path} is a secret or key file (never read)` };
    }
    if (segmentIsDir && EXCLUDED_FOLDERS.has(segment)) {
      return { allowed: false, reason: 'excluded-folder', detail: `${path} is inside ${segment}/ (never read)` };
    }
  }
  if (!isDir && BINARY_EXTENSIONS.has(extension(basename(path)))) {
    return { allowed: false, reason: 'binary', detail: `${path} is a binary file type` };
  }
  if (globs.some((matches) => matches(path))) {
    return { allowed: false, reason: 'setting', detail: `${path} matches files.exclude or deepseek.context.exclude` };
  }
  return { allowed: true };
}

// ---------------------------------------------------------------------------------------------------------------
// The reader

const ALLOWED: Verdict = { allowed: true };

function refused(path: string, verdict: Verdict & { allowed: false }): ReadResult {
  return { ok: false, path, reason: verdict.reason, detail: verdict.detail };
}

function hasNul(bytes: Uint8Array): boolean {
  const end = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < end; i++) {
    if (bytes[i] === 0) {
      return true;
    }
  }
  return false;
}

const decoder = new TextDecoder('utf-8');

/** A size limit as people say it (1048576 → "1 MB"). */
function sizeText(bytes: number): string {
  const mb = 1024 * 1024;
  if (bytes >= mb && bytes % mb === 0) return `${bytes / mb} MB`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KB`;
  return `${bytes} bytes`;
}

/** The folder of a path ('' for a file at the root). */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

/**
 * The only holder of the `WorkspaceFs`: it lists folders, stats and reads workspace files, and refuses
 * excluded ones before touching them (see the order of checks above). Caches parsed `.gitignore` files and
 * which folders hold a project manifest until `invalidate`. The walk itself is `WorkspaceListing`'s
 * (workspaceListing.ts); it goes through `readDirectory`, `statFile` and the rules here.
 */
export class ContextReader {
  private readonly fs: WorkspaceFs;
  private readonly trusted: boolean;
  private readonly globs: readonly ((p: string) => boolean)[];
  readonly maxFileBytes: number;
  /** Parsed `.gitignore` of a folder; `null` when it has none. */
  private readonly ignoreFiles = new Map<string, readonly IgnoreRule[] | null>();
  /** Whether a folder holds a project manifest (so its `dist/`, `build/`, … are build output). */
  private readonly manifestFolders = new Map<string, boolean>();

  constructor(fs: WorkspaceFs, options: ExclusionOptions) {
    this.fs = fs;
    this.trusted = options.trusted;
    this.globs = (options.excludeGlobs ?? []).map(compileGlob);
    this.maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  get isTrusted(): boolean {
    return this.trusted;
  }

  /** By name and the caller's globs only (no `.gitignore`, no build-output rule): see `checkName`. */
  checkName(path: string, isDir: boolean): Verdict {
    return checkName(path, isDir, this.globs);
  }

  /**
   * May `path` (a file, or a folder when `isFolder`) be read? Decides from its name, the caller's globs, the
   * `.gitignore` files of its folders and (for a folder named like build output) whether its parent holds a
   * manifest, without stat'ing or opening the file itself (size and content are checked by `read`). Reads
   * only what the decision needs, folder by folder from the root, and stops at the first exclusion.
   */
  async check(path: string, isFolder = false): Promise<Verdict> {
    for (;;) {
      const verdict = this.judge(path, isFolder);
      if (!('needs' in verdict)) return verdict;
      if (verdict.needs === 'rules') await this.ignoreRulesOf(verdict.folder);
      else await this.holdsManifest(verdict.folder);
    }
  }

  /**
   * `check` from what is cached, without any file access: `undefined` when a `.gitignore` or a parent's
   * listing it needs has not been read yet. The walk fills those caches, so after it a change event is
   * judged synchronously (events for ignored build output cost nothing).
   */
  cachedVerdict(path: string, isDir = false): Verdict | undefined {
    const verdict = this.judge(path, isDir);
    return 'needs' in verdict ? undefined : verdict;
  }

  /** The rules of `check` over the caches: a verdict, or the first cache entry it still needs. */
  private judge(path: string, isFolder: boolean): Verdict | { readonly needs: 'rules' | 'manifest'; readonly folder: string } {
    if (!this.trusted) {
      return { allowed: false, reason: 'untrusted', detail: 'the workspace is not trusted' };
    }
    const normalized = normalizePath(path);
    if (normalized === undefined || normalized === '') {
      return { allowed: false, reason: 'outside-workspace', detail: `${path} is not a path inside the workspace` };
    }
    const byName = checkName(normalized, isFolder, this.globs);
    if (!byName.allowed) {
      return byName;
    }
    const segments = normalized.split('/');
    const rules: IgnoreRule[] = [];
    let folder = '';
    for (let i = 0; i < segments.length; i++) {
      const own = this.ignoreFiles.get(folder);
      if (own === undefined) return { needs: 'rules', folder };
      if (own) rules.push(...own);
      const current = folder === '' ? segments[i] : `${folder}/${segments[i]}`;
      const isDir = isFolder || i < segments.length - 1;
      if (isDir && BUILD_FOLDERS.has(segments[i])) {
        const manifest = folder === '' ? true : this.manifestFolders.get(folder);
        if (manifest === undefined) return { needs: 'manifest', folder };
        if (manifest) return buildOutput(normalized, segments[i]);
      }
      const rule = matchIgnoreRules(rules, current, isDir);
      if (rule) {
        return gitignored(normalized, rule);
      }
      folder = current;
    }
    return ALLOWED;
  }

  /** The text of `path`, or why it may not be read. Never opens an excluded file. */
  async read(path: string): Promise<ReadResult> {
    const verdict = await this.check(path);
    if (!verdict.allowed) {
      return refused(path, verdict);
    }
    return this.readChecked(normalizePath(path) as string, undefined);
  }

  /**
   * A path the user named (a pinned file, the open editor's file), judged by the walk's rules without reading
   * its content: `check`; then, where the file system has links, where it leads — outside the workspace is
   * refused, and inside, the target must pass `check` too; then `stat`: a regular file within the size limit.
   */
  async inspectNamed(path: string): Promise<NamedFile> {
    const verdict = await this.check(path);
    if (!verdict.allowed) {
      return { ok: false, path, reason: verdict.reason, detail: verdict.detail };
    }
    const named = normalizePath(path) as string;
    let target = named;
    if (this.fs.realPath) {
      let real: string | null | undefined;
      try {
        real = await this.fs.realPath(named);
      } catch {
        return { ok: false, path, reason: 'unreadable', detail: `${named} could not be read` };
      }
      if (real === undefined) {
        return { ok: false, path, reason: 'unreadable', detail: `${named} does not exist` };
      }
      if (real === null) {
        return { ok: false, path, reason: 'outside-workspace', detail: `${named} is a symbolic link that leads outside the workspace` };
      }
      if (real !== named) {
        const linked = await this.check(real);
        if (!linked.allowed) {
          return { ok: false, path, reason: linked.reason, detail: `${named} is a symbolic link to ${real}, and ${linked.detail}` };
        }
        target = real;
      }
    }
    let stat;
    try {
      stat = await this.fs.stat(target);
    } catch {
      return { ok: false, path, reason: 'unreadable', detail: `${named} could not be stat'ed` };
    }
    if (!stat) {
      return { ok: false, path, reason: 'unreadable', detail: `${named} does not exist` };
    }
    if (stat.type !== 'file') {
      return { ok: false, path, reason: 'not-a-file', detail: stat.type === 'symlink' ? `${named} is a symbolic link (not followed)` : `${named} is not a regular file` };
    }
    if (stat.size > this.maxFileBytes) {
      return { ok: false, path, reason: 'too-large', detail: `${named} is larger than ${sizeText(this.maxFileBytes)}` };
    }
    return { ok: true, path: named, target, size: stat.size };
  }

  /** `inspectNamed`, then the text; refused when it looks binary. Never opens a file that failed a check. */
  async readNamed(path: string): Promise<ReadResult> {
    const found = await this.inspectNamed(path);
    if (!found.ok) {
      return found;
    }
    const result = await this.readChecked(found.target, found.size);
    return result.ok || found.target === found.path ? result : { ...result, path, detail: `${found.path} (a link to ${found.target}): ${result.detail}` };
  }

  /** `read` for a path that came from the listing (its name was checked by the walk and its size is known). */
  async readListed(file: ListedFile): Promise<ReadResult> {
    if (!this.trusted) {
      return { ok: false, path: file.path, reason: 'untrusted', detail: 'the workspace is not trusted' };
    }
    return this.readChecked(file.path, file.size);
  }

  private async readChecked(path: string, knownSize: number | undefined): Promise<ReadResult> {
    let size = knownSize;
    if (size === undefined) {
      let stat;
      try {
        stat = await this.fs.stat(path);
      } catch {
        return { ok: false, path, reason: 'unreadable', detail: `${path} could not be stat'ed` };
      }
      if (!stat || stat.type !== 'file') {
        return { ok: false, path, reason: 'not-a-file', detail: `${path} is not a regular file` };
      }
      size = stat.size;
    }
    if (size > this.maxFileBytes) {
      return { ok: false, path, reason: 'too-large', detail: `${path} is larger than ${sizeText(this.maxFileBytes)}` };
    }
    let bytes: Uint8Array;
    try {
      bytes = await this.fs.readFile(path);
    } catch {
      return { ok: false, path, reason: 'unreadable', detail: `${path} could not be read` };
    }
    if (bytes.length > this.maxFileBytes) {
      return { ok: false, path, reason: 'too-large', detail: `${path} is larger than ${sizeText(this.maxFileBytes)}` };
    }
    if (hasNul(bytes)) {
      return { ok: false, path, reason: 'binary', detail: `${path} looks binary (NUL bytes)` };
    }
    let text = decoder.decode(bytes);
    if (text.charCodeAt(0) === 0xfeff) {
      text = text.slice(1);
    }
    return { ok: true, path, text, size: bytes.length };
  }

  /**
   * The entries of a folder the walk may enter (the caller checked its name). Also notes whether it holds a
   * project manifest, so the build-output rule for its subfolders needs no further access.
   */
  async readDirectory(folder: string): Promise<readonly DirectoryEntry[]> {
    if (!this.trusted) {
      return [];
    }
    const entries = await this.fs.readDirectory(folder);
    this.manifestFolders.set(folder, entries.some((e) => e.type === 'file' && isProjectManifest(e.name)));
    return entries;
  }

  /** `stat` of a path the caller checked; `undefined` when it is missing or cannot be stat'ed. */
  async statFile(path: string): Promise<FileStat | undefined> {
    return this.trusted ? this.fs.stat(path).catch(() => undefined) : undefined;
  }

  /** Whether a subfolder `name` of `folder` (whose entries are `entries`) is build output. */
  isBuildOutput(folder: string, name: string): boolean {
    return BUILD_FOLDERS.has(name) && (folder === '' || this.manifestFolders.get(folder) === true);
  }

  /** Forgets cached rules: with a path, that folder's `.gitignore` if the path is one; without, all of them. */
  invalidate(path?: string): void {
    if (path === undefined) {
      this.ignoreFiles.clear();
      this.manifestFolders.clear();
      return;
    }
    const normalized = normalizePath(path);
    if (normalized === undefined) return;
    const name = basename(normalized);
    if (name === '.gitignore') {
      this.ignoreFiles.delete(parentOf(normalized));
    } else if (isProjectManifest(name)) {
      this.manifestFolders.delete(parentOf(normalized));
    }
  }

  /** Rules of the `.gitignore` directly in `folder` (stat'ed and read at most once until invalidated). */
  async ignoreRulesOf(folder: string, knownPresent?: boolean): Promise<readonly IgnoreRule[]> {
    const cached = this.ignoreFiles.get(folder);
    if (cached !== undefined) {
      return cached ?? [];
    }
    const path = folder === '' ? '.gitignore' : `${folder}/.gitignore`;
    let rules: readonly IgnoreRule[] | null = null;
    try {
      const present = knownPresent ?? (await this.fs.stat(path))?.type === 'file';
      if (present) {
        rules = parseGitignore(decoder.decode(await this.fs.readFile(path)), folder);
      }
    } catch {
      rules = null;
    }
    this.ignoreFiles.set(folder, rules);
    return rules ?? [];
  }

  /** Whether `folder` holds a project manifest (one listing of it, cached). */
  private async holdsManifest(folder: string): Promise<boolean> {
    const known = this.manifestFolders.get(folder);
    if (known !== undefined) return known;
    try {
      await this.readDirectory(folder);
    } catch {
      this.manifestFolders.set(folder, false);
    }
    return this.manifestFolders.get(folder) === true;
  }
}

function buildOutput(path: string, folder: string): Verdict {
  return { allowed: false, reason: 'excluded-folder', detail: `${path} is inside ${folder}/, a project's build output (never read)` };
}

function gitignored(path: string, rule: IgnoreRule): Verdict {
  return { allowed: false, reason: 'gitignore', detail: `${path} is ignored by .gitignore (${rule.source})` };
}
