import * as vscode from 'vscode';
import type { ReadPolicy } from './chatContext';

/** Files that are never read for context, whatever the settings say. */
const ALWAYS_EXCLUDED: readonly RegExp[] = [
  /(^|\/)\.env(\.[^/]*)?$/i,
  /\.(pem|key|p12|pfx|keystore|jks)$/i,
  /(^|\/)id_(rsa|dsa|ecdsa|ed25519)[^/]*$/i,
  /(^|\/)(node_modules|\.git)\//,
];
const MAX_BYTES = 1024 * 1024;

/**
 * The chat's read policy: nothing in an untrusted workspace, never secret or key files, never files larger
 * than 1 MB, and nothing matched by `deepseek.context.exclude`.
 */
export function createReadPolicy(excludeGlobs: () => readonly string[]): ReadPolicy {
  return async (uri) => {
    if (!vscode.workspace.isTrusted) {
      return { allowed: false, reason: 'the workspace is not trusted' };
    }
    const path = uri.path;
    if (ALWAYS_EXCLUDED.some((re) => re.test(path))) {
      return { allowed: false, reason: `${vscode.workspace.asRelativePath(uri)} is a secret or key file and is never read` };
    }
    const relative = vscode.workspace.asRelativePath(uri, false);
    for (const glob of excludeGlobs()) {
      if (globToRegExp(glob).test(relative)) {
        return { allowed: false, reason: `${relative} matches deepseek.context.exclude (${glob})` };
      }
    }
    try {
      const stat = await vscode.workspace.fs.stat(uri);
      if (stat.size > MAX_BYTES) {
        return { allowed: false, reason: `${relative} is larger than 1 MB` };
      }
    } catch {
      return { allowed: false, reason: `${relative} could not be read` };
    }
    return { allowed: true };
  };
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*' && glob[i + 1] === '*') {
      re += '.*';
      i++;
      if (glob[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}
