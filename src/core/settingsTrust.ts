/**
 * What a workspace's own settings files try to set among the user-only settings, and how the user is told.
 * Pure: no `vscode` import. `src/config/workspaceSettingsGuard.ts` reads the files and shows the notice.
 *
 * VS Code itself drops application-scoped keys from workspace settings, so `inspect()` no longer shows that a
 * repository tried; reading its `.vscode/settings.json` (and the `.code-workspace` file's `settings`) is the
 * only way to say so. The values found here are never used.
 */
import { SETTINGS_SECTION, USER_ONLY_CONFIG_KEYS, type UserOnlyKey } from './settingsSchema';

/** Copies `text`, calling `other` for each character outside strings; strings are copied whole. */
function outsideStrings(text: string, other: (i: number) => { emit: string; next: number }): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else {
      const { emit, next } = other(i);
      out += emit;
      i = next;
    }
  }
  return out;
}

/**
 * JSON with comments and trailing commas (settings.json's dialect) to plain JSON text: comments become a
 * space, a comma before `}` or `]` is dropped; strings are left alone.
 */
export function stripJsonc(text: string): string {
  const noComments = outsideStrings(text, (i) => {
    if (text.startsWith('//', i)) {
      const end = text.indexOf('\n', i);
      return { emit: ' ', next: end < 0 ? text.length : end };
    }
    if (text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      return { emit: ' ', next: end < 0 ? text.length : end + 2 };
    }
    return { emit: text[i], next: i + 1 };
  });
  const closes = /\s*[}\]]/y;
  return outsideStrings(noComments, (i) => {
    closes.lastIndex = i + 1;
    if (noComments[i] === ',' && closes.test(noComments)) {
      return { emit: '', next: i + 1 };
    }
    return { emit: noComments[i], next: i + 1 };
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Whether a settings object sets `dotted`, written flat (`"deepseek.privacy.redact"`) or nested in any split
 * (`"deepseek": {"privacy": {"redact": …}}`, `"deepseek.privacy": {"redact": …}`); VS Code reads every form.
 */
export function setsKey(tree: Record<string, unknown>, dotted: string): boolean {
  if (Object.prototype.hasOwnProperty.call(tree, dotted) && tree[dotted] !== undefined) {
    return true;
  }
  for (let dot = dotted.indexOf('.'); dot > 0; dot = dotted.indexOf('.', dot + 1)) {
    const head = dotted.slice(0, dot);
    const inner = Object.prototype.hasOwnProperty.call(tree, head) ? tree[head] : undefined;
    if (isRecord(inner) && setsKey(inner, dotted.slice(dot + 1))) {
      return true;
    }
  }
  return false;
}

/**
 * The user-only settings that a settings file's text sets, in declaration order. `settingsProperty` names
 * the object that holds the settings (`"settings"` in a `.code-workspace` file); absent for settings.json.
 * Unparseable text falls back to looking for the quoted keys.
 */
export function userOnlyKeysIn(text: string, settingsProperty?: string): UserOnlyKey[] {
  const json = stripJsonc(text.replace(/^\uFEFF/, ''));
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    const quoted = new Set([...json.matchAll(/"([^"\\]+)"\s*:/g)].map((m) => m[1]));
    return USER_ONLY_CONFIG_KEYS.filter((key) => quoted.has(`${SETTINGS_SECTION}.${key}`));
  }
  const tree = settingsProperty !== undefined && isRecord(parsed) ? parsed[settingsProperty] : parsed;
  return isRecord(tree) ? USER_ONLY_CONFIG_KEYS.filter((key) => setsKey(tree, `${SETTINGS_SECTION}.${key}`)) : [];
}

/** A user-only setting found in a workspace's settings, and where (e.g. "This workspace's .vscode/settings.json"). */
export interface IgnoredSetting {
  readonly key: UserOnlyKey;
  readonly source: string;
}

export const OPEN_USER_SETTINGS_ACTION = 'Open User Settings';

function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

/**
 * The one plain-words notice for user-only settings a workspace sets: which settings, that they were ignored,
 * and where to set them instead.
 */
export function ignoredSettingsNotice(found: readonly IgnoredSetting[]): string {
  const keys = [...new Set(found.map((f) => f.key))];
  const sources = [...new Set(found.map((f) => f.source))];
  const where = sources.length === 1 ? sources[0] : "This workspace's settings";
  const names = list(keys.map((k) => `${SETTINGS_SECTION}.${k}`));
  const verb = sources.length === 1 && !/settings$/.test(where) ? 'sets' : 'set';
  return (
    `${where} ${verb} ${names}; DeepSeek Assistant ignored ${keys.length === 1 ? 'it' : 'them'}. ` +
    'Endpoint, provider, key, model, context size, redaction, pricing and budget settings are read from your ' +
    'user settings only (Preferences: Open User Settings).'
  );
}
