/**
 * The file access the context engine needs, and nothing more: list a directory, stat a file, read a file.
 * Paths are workspace-relative with forward slashes; `''` is the workspace root. The extension adapts
 * `vscode.workspace.fs`; plain Node uses `NodeWorkspaceFs` (nodeFs.ts); tests use an in-memory double.
 *
 * Only `ContextReader` (exclusion.ts) holds a `WorkspaceFs`: every read goes through its exclusion check.
 */

export type EntryType = 'file' | 'directory' | 'symlink' | 'other';

export interface DirectoryEntry {
  readonly name: string;
  readonly type: EntryType;
}

export interface FileStat {
  readonly type: EntryType;
  readonly size: number;
  readonly mtimeMs: number;
}

export interface WorkspaceFs {
  /** The entries of a directory (any order). Rejects if it does not exist. */
  readDirectory(path: string): Promise<readonly DirectoryEntry[]>;
  /** Metadata of a path without reading it; `undefined` if it does not exist. */
  stat(path: string): Promise<FileStat | undefined>;
  /** The bytes of a file. Rejects if it does not exist. */
  readFile(path: string): Promise<Uint8Array>;
  /**
   * Where `path` leads once symbolic links (the file's and its folders') are followed: a workspace-relative
   * path, `null` when it leads outside the workspace, `undefined` when it does not exist. A file system
   * without links (the in-memory double) leaves it out.
   */
  realPath?(path: string): Promise<string | null | undefined>;
}
