import { wordCoverage } from './entropy';

/**
 * Judgements about candidate values and key names shared by the detectors: is this value an obvious
 * placeholder (`changeme`, `<password>`, `${VAR}`, `process.env.X`, `your-api-key-here`, …) and is this key
 * name one whose value is a secret (`DB_PASSWORD`, `client_secret`, `apiKey`, but not `passwordField`,
 * `max_tokens`, `token_url` or `showPassword`)?
 */

const PLACEHOLDER_WORDS = new Set([
  'password', 'passwd', 'pass', 'pwd', 'secret', 'secrets', 'token', 'apikey', 'api_key', 'api-key', 'key',
  'changeme', 'changeit', 'change_me', 'change-me', 'changethis', 'replaceme', 'replace_me', 'replace-me',
  'admin', 'root', 'test', 'testing', 'guest', 'user', 'username', 'default', 'demo', 'sample', 'example',
  'none', 'null', 'nil', 'undefined', 'true', 'false', 'yes', 'no', 'on', 'off', 'required', 'optional',
  'string', 'str', 'number', 'int', 'integer', 'bool', 'boolean', 'any', 'unknown', 'object', 'bytes', 'char',
  'todo', 'tbd', 'fixme', 'n/a', 'na', 'empty', 'hidden', 'masked', 'redacted', 'secure', 'private', 'public',
  'bearer', 'basic', 'placeholder', 'mypassword', 'mysecret', 'mytoken', 'yourpassword', 'yoursecret',
  'password123', 'secret123', 'letmein', 'qwerty', 'abc123', 'foobar', 'foo', 'bar', 'baz', 'qux', 'dummy',
  'function', 'symbol', 'bigint', 'void', 'never', 'float', 'double', 'long', 'buffer', 'uint8array',
  // fetch/CORS options, GitHub Actions permissions and other enum values that follow secret-sounding names
  'same-origin', 'include', 'omit', 'anonymous', 'use-credentials', 'read', 'write', 'read-all', 'write-all',
  'show', 'hide', 'value', 'secret_value', 'token_value',
]);

const PLACEHOLDER_HINT = new RegExp(
  [
    'your[-_ .]?', 'my[-_ ]?(?:api|secret|token|pass)', 'example', 'placeholder', 'change[-_ ]?(?:me|it|this)',
    'replace[-_ ]?(?:me|with|this)', 'insert[-_ ]', 'enter[-_ ]', 'redacted', 'dummy', '\\bfake', '\\bmock',
    'sample', 'x{4,}', 'X{4,}', '\\*{3,}', '\\.\\.\\.', '\u2026', '<[^<>]*>', '\\$\\{', '\\{\\{', '\\{[\\w.]*\\}',
    '%\\(', '%[sdv]\\b', '^%[A-Za-z_]+%$', '\\$\\(', '#\\{', '^\\$[A-Za-z_]', '^\\$env:', 'process\\.env',
    'import\\.meta\\.env', 'os\\.environ', 'getenv', 'ENV\\[', '\\benv\\(', '^env\\.', 'secrets\\.', '^vault:',
    '^![A-Za-z]+(?:\\s|$)', '^ref\\+', '^arn:', '\u27E6', '^(.)\\1+$',
  ].join('|'),
  'i',
);

/** True when `value` is an obvious stand-in rather than a real secret. */
export function isPlaceholderValue(value: string): boolean {
  const v = value.trim();
  if (v.length === 0) {
    return true;
  }
  const lower = v.toLowerCase();
  if (PLACEHOLDER_WORDS.has(lower)) {
    return true;
  }
  if (lower.length >= 3 && ('abcdefghijklmnopqrstuvwxyz'.includes(lower) || '12345678901234567890'.includes(lower))) {
    return true; // abcdefg, 123456
  }
  return PLACEHOLDER_HINT.test(v);
}

/** Lower-case words of an identifier: `DB_PASSWORD` → db, password; `apiKey` → api, key; `APIKey` → api, key. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0);
}

/** Single words that name a secret. */
const SECRET_WORDS = new Set([
  'password', 'passwd', 'passphrase', 'passcode', 'pwd', 'pw', 'pass', 'secret', 'token', 'apikey',
  'accesskey', 'secretkey', 'privatekey', 'authkey', 'credential', 'credentials', 'authorization',
  'storepass', 'keypass', 'keystorepass', 'dbpass', 'dbpassword', 'authtoken', 'accesstoken', 'apitoken',
  'apisecret', 'clientsecret',
]);

/** Run-together names: PGPASSWORD, SMTPPASS, authtoken, keystorepassword (not `jsonwebtoken`, `bypass`). */
const RUN_TOGETHER =
  /^(?:pg|db|mysql|mssql|redis|smtp|mail|admin|root|user|auth|access|api|app|bot|client|master|ldap|ftp|ssh|store|key|keystore|truststore|refresh|session|oauth|github|gitlab|npm|slack|docker|registry|vault|proxy|sa|sys|bind)(?:password|passwd|pass|pwd|secret|token|apikey|key)$/;

/** Words before `key` that make it a secret (`api key`, `private key`, `account key`, …). */
const KEY_QUALIFIERS = new Set([
  'api', 'access', 'private', 'secret', 'auth', 'signing', 'encryption', 'encrypt', 'master', 'session',
  'client', 'app', 'account', 'shared', 'service', 'storage', 'subscription', 'license', 'webhook', 'hmac',
  'jwt', 'x', 'admin', 'management', 'server', 'sas', 'write', 'read', 'ingest', 'deploy',
]);

/** Words before `token` that make it a non-secret (pagination, cancellation, tokenizer vocabulary). */
const NON_SECRET_TOKEN_QUALIFIERS = new Set([
  'cancellation', 'next', 'page', 'continuation', 'sync', 'parse', 'lex', 'syntax', 'eos', 'bos', 'pad', 'unk',
  'mask', 'sep', 'cls', 'special', 'start', 'end', 'stop', 'max', 'min', 'num', 'input', 'output', 'prompt',
  'completion', 'design', 'resume', 'pagination', 'cursor', 'last', 'first', 'prev', 'previous', 'delimiter',
  'color', 'theme', 'word', 'text', 'string',
]);

/** A key whose last word is one of these names something about the secret, not the secret. */
const NON_SECRET_LAST = new Set([
  'url', 'uri', 'urls', 'endpoint', 'file', 'filename', 'files', 'path', 'dir', 'directory', 'type', 'types',
  'length', 'len', 'name', 'names', 'count', 'limit', 'max', 'min', 'expiry', 'expires', 'expiration', 'exp',
  'ttl', 'timeout', 'field', 'fields', 'label', 'hint', 'policy', 'prompt', 'regex', 'pattern', 'header',
  'placeholder', 'env', 'var', 'enabled', 'enable', 'disabled', 'required', 'reset', 'strength', 'rule',
  'rules', 'provider', 'store', 'manager', 'service', 'class', 'mode', 'style', 'format', 'size', 'location',
  'helper', 'id', 'ids', 'index', 'prefix', 'suffix', 'version', 'ref', 'arn', 'input', 'form', 'button',
  'error', 'errors', 'message', 'msg', 'text', 'title', 'description', 'desc', 'visible', 'visibility',
  'toggle', 'changed', 'update', 'updated', 'at', 'date', 'time', 'source', 'kind', 'scope', 'scopes',
  'audience', 'issuer', 'usage', 'used', 'valid', 'validation', 'validator', 'validators', 'check', 'status',
  'encoding', 'algorithm', 'alg', 'rounds', 'iterations', 'bits', 'lifetime', 'duration', 'seconds', 'ms',
  'sec', 'minutes', 'hours', 'days', 'flag', 'flags', 'icon', 'color', 'width', 'height', 'command', 'cmd',
  'callback', 'handler', 'hook', 'fn', 'func', 'function', 'method', 'option', 'options', 'config', 'settings',
  'schema', 'model', 'table', 'column', 'param', 'params', 'parameter', 'arg', 'args', 'list', 'map', 'match',
  'matches', 'mismatch', 'strategy', 'backend', 'generator', 'chars', 'charset', 'alphabet', 'hasher',
  'hashers', 'ok', 'input', 'request', 'response', 'event', 'events', 'component', 'view', 'page', 'route',
  'screen', 'modal', 'dialog', 'link', 'template', 'key', 'keys', 'mask', 'entropy', 'complexity', 'history',
  'attempts', 'retries', 'store', 'storage', 'cache', 'bucket', 'vault', 'ring', 'chain', 'namespace',
  'formatter', 'lint', 'linter', 'plugin', 'parser', 'serializer', 'factory', 'builder', 'resolver', 'loader',
  'reader', 'writer', 'printer', 'markup', 'info', 'kind', 'node', 'nodes', 'tree', 'span', 'loc', 'range',
]);

/** A key whose first word is one of these is a flag or an action, not a secret. */
const NON_SECRET_FIRST = new Set([
  'is', 'has', 'show', 'hide', 'use', 'should', 'can', 'enable', 'disable', 'require', 'forgot', 'reset',
  'toggle', 'validate', 'check', 'get', 'set', 'on', 'handle', 'update', 'change', 'max', 'min', 'num',
  'no', 'allow', 'with', 'without', 'needs', 'must', 'requires', 'supports', 'include', 'generate', 'verify',
  'hash', 'hashed', 'encrypted', 'masked', 'hidden', 'display', 'render', 'send', 'request', 'create',
  'delete', 'remove', 'rotate', 'revoke', 'refresh', 'fetch', 'load', 'save', 'store', 'read', 'write',
]);

/** True when a value assigned to `key` is a secret: `DB_PASSWORD`, `client_secret`, `apiKey`, `AccountKey`. */
export function isSecretKey(key: string): boolean {
  const dot = key.lastIndexOf('.');
  const words = keyWords(dot === -1 ? key : key.slice(dot + 1)); // `token.value` is about `value`
  if (words.length === 0 || words.length > 5) {
    return false; // `Unexpected_token_Did_you_mean_or_gt_1382`: a message id, not a setting
  }
  const last = words[words.length - 1];
  if (NON_SECRET_LAST.has(last) && !(last === 'key' && words.length > 1 && KEY_QUALIFIERS.has(words[words.length - 2]))) {
    return false;
  }
  if (words.length > 1 && NON_SECRET_FIRST.has(words[0])) {
    return false;
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === 'token' && i > 0 && NON_SECRET_TOKEN_QUALIFIERS.has(words[i - 1])) {
      continue;
    }
    if (SECRET_WORDS.has(w) || (words.length === 1 && RUN_TOGETHER.test(w))) {
      return true;
    }
    if ((w === 'key' || w === 'keys') && i > 0 && KEY_QUALIFIERS.has(words[i - 1])) {
      return true;
    }
  }
  return false;
}

/**
 * True when the value is the name of something secret rather than a secret: an identifier, or words of
 * one, containing a secret word — error codes (`bad_token`, `password_too_short`), event names
 * (`acquireTokenByRefreshToken`), header names (`client-secret`, `authorization`).
 */
export function looksLikeSecretName(value: string): boolean {
  if (/^[a-z][a-z0-9]*(?:\.[a-z][a-z0-9]*)+$/.test(value)) {
    return true; // a dotted name: `msal.cache.encryption`, `auth.errors.invalid`
  }
  if (!/^[A-Za-z][A-Za-z0-9]*(?:[ _.:-][A-Za-z0-9]+)*$/.test(value) || !/pass|pwd|secret|token|key|auth|credential/i.test(value)) {
    return false;
  }
  // every part reads as words: `key-f835eb52ff99…` (Mailgun) has a random part and is a secret
  return value.split(/[ _.:-]+/).every((part) => part.length < 8 || wordCoverage(part) >= 0.5);
}

/**
 * True when the value reads as prose (a UI label or message) rather than a secret: plain words, a single word
 * ending a sentence ("inesperado."), or text in a non-Latin script.
 */
export function looksLikeProse(value: string): boolean {
  const v = value.trim();
  if (/[\u0080-\uFFFF]/.test(v) && /[\u0080-\uFFFF]{2}/.test(v.replace(/[\p{P}\p{S}\s\d]/gu, ''))) {
    return true; // text in a non-Latin script (translations, messages): secrets are ASCII
  }
  const words = v.split(/\s+/);
  if (words.length < 2) {
    return /^\p{L}[\p{L}'’-]*[.!?…]$/u.test(v); // "inesperado."
  }
  const plain = words.filter((w) => /^\p{L}[\p{Ll}'’-]*[.,:;!?…]?$/u.test(w)).length;
  return plain >= 2 && plain >= words.length - 1;
}

/** True when the value is a file system path or a URL. */
export function looksLikePathOrUrl(value: string): boolean {
  return /^(?:\/|\.\.?\/|~\/|[A-Za-z]:\\|\\\\|[a-z][a-z0-9+.-]*:\/\/)/i.test(value);
}
