import * as path from 'path';
import { assetsInNodeModules } from '../../src/context/assets';
import type { DirectoryEntry, FileStat, WorkspaceFs } from '../../src/context/workspaceFs';

/** The repository root (this file is compiled to out/test/unit/). */
export const REPO_ROOT = path.resolve(__dirname, '../../..');
export const FIXTURE_ROOT = path.join(REPO_ROOT, 'test', 'fixtures', 'context-workspace');
export const ASSETS = assetsInNodeModules(REPO_ROOT);

export type FsCall = { readonly op: 'readDirectory' | 'stat' | 'readFile'; readonly path: string };

/**
 * An in-memory workspace that records every call, so tests can prove which paths were (never) touched.
 * Files are given as `{'a/b.ts': 'text'}`; folders are implied. A `Uint8Array` value is binary content;
 * `{size}` is a file of that size whose content must never be read.
 */
export class SpyFs implements WorkspaceFs {
  readonly calls: FsCall[] = [];
  private readonly files = new Map<string, Uint8Array | { size: number }>();
  private readonly mtimes = new Map<string, number>();
  private clock = 1_000;

  constructor(files: Record<string, string | Uint8Array | { size: number }> = {}) {
    for (const [p, content] of Object.entries(files)) {
      this.write(p, content);
    }
  }

  write(p: string, content: string | Uint8Array | { size: number }): void {
    this.files.set(p, typeof content === 'string' ? new TextEncoder().encode(content) : content);
    this.mtimes.set(p, this.clock++);
  }

  remove(p: string): void {
    this.files.delete(p);
  }

  /** Paths touched by `op` (any op when omitted). */
  touched(op?: FsCall['op']): string[] {
    return this.calls.filter((c) => !op || c.op === op).map((c) => c.path);
  }

  reset(): void {
    this.calls.length = 0;
  }

  private isDir(p: string): boolean {
    if (p === '') {
      return true;
    }
    for (const file of this.files.keys()) {
      if (file.startsWith(`${p}/`)) {
        return true;
      }
    }
    return false;
  }

  async readDirectory(p: string): Promise<readonly DirectoryEntry[]> {
    this.calls.push({ op: 'readDirectory', path: p });
    if (!this.isDir(p)) {
      throw new Error(`ENOENT ${p}`);
    }
    const prefix = p === '' ? '' : `${p}/`;
    const entries = new Map<string, DirectoryEntry>();
    for (const file of this.files.keys()) {
      if (!file.startsWith(prefix)) {
        continue;
      }
      const rest = file.slice(prefix.length);
      const slash = rest.indexOf('/');
      const name = slash < 0 ? rest : rest.slice(0, slash);
      entries.set(name, { name, type: slash < 0 ? 'file' : 'directory' });
    }
    return [...entries.values()];
  }

  async stat(p: string): Promise<FileStat | undefined> {
    this.calls.push({ op: 'stat', path: p });
    const content = this.files.get(p);
    if (content) {
      return { type: 'file', size: content instanceof Uint8Array ? content.length : content.size, mtimeMs: this.mtimes.get(p) ?? 0 };
    }
    return this.isDir(p) ? { type: 'directory', size: 0, mtimeMs: 0 } : undefined;
  }

  async readFile(p: string): Promise<Uint8Array> {
    this.calls.push({ op: 'readFile', path: p });
    const content = this.files.get(p);
    if (!content) {
      throw new Error(`ENOENT ${p}`);
    }
    if (!(content instanceof Uint8Array)) {
      throw new Error(`test: ${p} must never be read`);
    }
    return content;
  }
}
