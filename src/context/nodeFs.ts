import { lstat, promises as fsp, readdir, readFile, type Dirent, type Stats } from 'fs';
import * as nodePath from 'path';
import type { DirectoryEntry, EntryType, FileStat, WorkspaceFs } from './workspaceFs';

function entryType(entry: Dirent | Stats): EntryType {
  return entry.isSymbolicLink() ? 'symlink' : entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other';
}

/**
 * `WorkspaceFs` on Node's `fs` for a workspace folder on disk. Symbolic links are reported as `symlink` and
 * not followed (`lstat`), so a walk cannot leave the folder or loop; `realPath` says where one leads.
 */
export class NodeWorkspaceFs implements WorkspaceFs {
  readonly root: string;
  private realRoot: Promise<string> | undefined;

  constructor(root: string) {
    this.root = nodePath.resolve(root);
  }

  /** The absolute path of a workspace-relative one; refuses paths that climb out of the root. */
  absolute(path: string): string {
    if (path.split('/').includes('..') || nodePath.isAbsolute(path)) {
      throw new Error(`Not a workspace-relative path: ${path}`);
    }
    return path === '' ? this.root : nodePath.join(this.root, ...path.split('/'));
  }

  // The callback forms: a walk makes hundreds of thousands of these calls, and `fs.promises` costs several
  // times more main-thread time per call (a FileHandle per read: open, fstat, read, close as four round trips).
  readDirectory(path: string): Promise<readonly DirectoryEntry[]> {
    const at = this.absolute(path);
    return new Promise((resolve, reject) => {
      readdir(at, { withFileTypes: true }, (err, entries) => (err ? reject(err) : resolve(entries.map((e) => ({ name: e.name, type: entryType(e) })))));
    });
  }

  stat(path: string): Promise<FileStat | undefined> {
    const at = this.absolute(path);
    return new Promise((resolve, reject) => {
      lstat(at, (err, s) => {
        if (!err) resolve({ type: entryType(s), size: s.size, mtimeMs: s.mtimeMs });
        else if (err.code === 'ENOENT' || err.code === 'ENOTDIR') resolve(undefined);
        else reject(err);
      });
    });
  }

  readFile(path: string): Promise<Uint8Array> {
    const at = this.absolute(path);
    return new Promise((resolve, reject) => {
      readFile(at, (err, bytes) => (err ? reject(err) : resolve(bytes)));
    });
  }

  async realPath(path: string): Promise<string | null | undefined> {
    let real: string;
    try {
      real = await fsp.realpath(this.absolute(path));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP') {
        return undefined;
      }
      throw err;
    }
    // The root itself may be reached through a link (e.g. /tmp on macOS): compare real paths.
    this.realRoot ??= fsp.realpath(this.root).catch(() => this.root);
    const rel = nodePath.relative(await this.realRoot, real);
    if (rel === '..' || rel.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(rel)) {
      return null;
    }
    return rel.split(nodePath.sep).join('/');
  }
}
