import { promises as fsp } from 'fs';
import * as nodePath from 'path';
import * as vscode from 'vscode';
import { checkName, ContextReader } from '../context/exclusion';
import { NodeWorkspaceFs } from '../context/nodeFs';
import type { ConfigurationService } from '../config/settings';
import type { ReadPolicy } from '../workspace/readPolicy';

/** What the document policy decided about a file: where its bytes are and how many, or why not. */
export type DocumentVerdict =
  | { readonly allowed: true; readonly fsPath: string; readonly size: number; readonly label: string }
  | { readonly allowed: false; readonly reason: string };

/** Why nothing is uploaded in an untrusted workspace, in words the user can act on. */
export const UNTRUSTED_REASON = 'the workspace is not trusted — trust the folder first (Manage Workspace Trust) to extract text or attach files';

/** The read policy's refusals that are about text files only: documents and images are binary and may be big. */
const TEXT_ONLY_REFUSAL = /(?:is a binary file type|is larger than \d+(?:\.\d+)? [KM]?B|looks binary \(NUL bytes\))$/;

/**
 * The read policy for images and documents (PDF, DOCX, PPTX): the workspace walk's rules — trust, inside a
 * workspace folder, secret and excluded names, `files.exclude` and `deepseek.context.exclude`, `.gitignore`,
 * build output, symbolic links only to files inside the workspace that pass too — without the two rules that
 * are about text (binary file types, the 1 MB limit for text; the OCR limits are checked before upload).
 *
 * The shared `ReadPolicy` decides first, so its reasons are the ones the user sees elsewhere; where it refuses
 * only because the file is binary, the same `ContextReader` rules run on the path as a name (a folder's rules
 * may then apply to the file's own name: stricter, never looser).
 */
export class DocumentPolicy {
  constructor(
    private readonly policy: () => ReadPolicy,
    private readonly settings: ConfigurationService,
  ) {}

  async checkWorkspaceFile(uri: vscode.Uri): Promise<DocumentVerdict> {
    if (!vscode.workspace.isTrusted) return { allowed: false, reason: UNTRUSTED_REASON };
    const shared = await this.policy().check(uri);
    if (!shared.allowed && !TEXT_ONLY_REFUSAL.test(shared.reason)) return { allowed: false, reason: shared.reason };
    const folder = uri.scheme === 'file' ? vscode.workspace.getWorkspaceFolder(uri) : undefined;
    if (!folder || folder.uri.scheme !== 'file') {
      return { allowed: false, reason: `${uri.scheme === 'file' ? uri.fsPath : uri.toString()} is outside the workspace folder` };
    }
    const root = folder.uri.fsPath;
    const rel = toRelative(root, uri.fsPath);
    if (rel === undefined) return { allowed: false, reason: `${uri.fsPath} is outside the workspace folder` };
    const label = vscode.workspace.asRelativePath(uri);
    const reader = new ContextReader(new NodeWorkspaceFs(root), { trusted: true, excludeGlobs: this.excludeGlobs(folder) });
    const byRules = await reader.check(rel, true);
    if (!byRules.allowed) return { allowed: false, reason: byRules.detail };
    let real: string;
    let realRoot: string;
    try {
      [real, realRoot] = await Promise.all([fsp.realpath(uri.fsPath), fsp.realpath(root)]);
    } catch {
      return { allowed: false, reason: `${label} does not exist` };
    }
    const realRel = toRelative(realRoot, real);
    if (realRel === undefined) return { allowed: false, reason: `${label} is a symbolic link that leads outside the workspace` };
    if (realRel !== rel) {
      const linked = await reader.check(realRel, true);
      if (!linked.allowed) return { allowed: false, reason: `${label} is a symbolic link to ${realRel}, and ${linked.detail}` };
    }
    try {
      const stat = await fsp.stat(real);
      if (!stat.isFile()) return { allowed: false, reason: `${label} is not a regular file` };
      return { allowed: true, fsPath: real, size: stat.size, label };
    } catch {
      return { allowed: false, reason: `${label} could not be read` };
    }
  }

  /**
   * A file the user picked in the file dialog or pasted or dropped from outside VS Code: their explicit choice,
   * but never in an untrusted workspace, and never a file named like a secret or key (`.env`, `*.pem`, …).
   */
  checkUserFile(name: string): string | undefined {
    if (!vscode.workspace.isTrusted) return UNTRUSTED_REASON;
    const verdict = checkName(nodePath.basename(name).replace(/[\\/]/g, '_') || 'file', false, []);
    return !verdict.allowed && verdict.reason === 'secret' ? verdict.detail : undefined;
  }

  /** `files.exclude` (the keys set to true) and `deepseek.context.exclude`, as the workspace walk has them. */
  private excludeGlobs(folder: vscode.WorkspaceFolder): string[] {
    const filesExclude = vscode.workspace.getConfiguration('files', folder.uri).get<Record<string, unknown>>('exclude') ?? {};
    return [...Object.keys(filesExclude).filter((glob) => filesExclude[glob] === true), ...this.settings.get('context.exclude')];
  }
}

/** `child` relative to `root` with forward slashes; undefined outside it (or the root itself). */
function toRelative(root: string, child: string): string | undefined {
  const rel = nodePath.relative(root, child);
  if (!rel || rel === '..' || rel.startsWith(`..${nodePath.sep}`) || nodePath.isAbsolute(rel)) return undefined;
  return rel.split(nodePath.sep).join('/');
}
