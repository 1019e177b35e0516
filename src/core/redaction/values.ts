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

/** Words that make a value made only of words (and `xxxx` runs) a stand-in: `your_api_key_here`, `PUT-TOKEN-HERE`. */
const CUE_WORDS = new Set([
  'your', 'yours', 'here', 'placeholder', 'example', 'sample', 'dummy', 'fake', 'mock', 'changeme', 'changeit',
  'changethis', 'change', 'replace', 'replaceme', 'insert', 'enter', 'put', 'add', 'redacted', 'todo', 'fixme',
  'tbd', 'goes', 'xxx',
]);

/**
 * References to a value kept elsewhere, removed before asking whether anything literal is left:
 * `${VAR}`, `${{ secrets.X }}`, `{{ .Values.x }}`, `$(cat file)`, `#{x}`, `%(name)s`, `%s`, `$VAR`, `$1`, `%VAR%`.
 */
const REFERENCE = /\$\{\{[^{}]*\}\}|\$\{[^{}]*\}|\{\{[^{}]*\}\}|\$\([^()]*\)|#\{[^{}]*\}|%\([\w.]+\)[sdr]|%[sdvr](?![A-Za-z])|\$[A-Za-z_]\w*|\$\d|%[A-Za-z_]\w*%/g;

/** A whole value that is code reading the secret from somewhere else: `process.env.X`, `os.environ["X"]`, `ENV['X']`. */
const READ_ELSEWHERE =
  /^(?:process\.env|import\.meta\.env|Deno\.env(?:\.get)?|os\.environ(?:\.get)?|os\.getenv|getenv|System\.getenv|Environment\.GetEnvironmentVariable|ENV|env|secrets|vars|inputs)(?:\.[A-Za-z_$][\w$]*|\[[ \t]*["'`]?[\w.-]+["'`]?[ \t]*\]|\([ \t]*["'`]?[\w.-]*["'`]?(?:[ \t]*,[ \t]*[^()]*)?\))*$|^\$env:\w+$|^(?:vault|ref\+\w+|arn):\S+$|^![A-Za-z]+(?:\s|$)/;

/** A run that stands for hidden characters: `xxxx`, `XXXX`, `****`, `####`, `....`, `0000`, one character repeated. */
export function isFillerRun(part: string): boolean {
  return part.length >= 3 && (/^(.)\1+$/.test(part) || /^[xX]+$/.test(part));
}

/** Inside `<…>`, `[…]`, `{…}`: a name (`<your-key>`, `[PASSWORD]`, `{SumoAccessKey}`), not a key that happens to be bracketed. */
function bracketedName(inner: string): boolean {
  return /^[A-Za-z_][\w .:/()[\]\\-]*$/.test(inner.trim()) && (!/\d/.test(inner) || wordCoverage(inner) >= 0.5);
}

/**
 * Words separated by `-`, `_`, `.`, spaces (or one camelCase identifier), `xxxx` runs and a short leading prefix,
 * with a cue word or a run among them: `your_api_key_here`, `ADD_YOUR_TOKEN_HERE`, `yourApiKeyHere`,
 * `sk-xxxxxxxx`, `sha256~XXXX_PUT_YOUR_TOKEN_HERE_XXXX`, `A3-XXXXXX-XXXXX`. Not `mySecret2024` (a number is not
 * a word), not `Abc123`, not a random letter run that happens to contain `Add`.
 */
function isPlaceholderPhrase(value: string): boolean {
  const camel = /^[a-z]+(?:[A-Z][a-z]+)+$/.test(value) ? value.replace(/([a-z])([A-Z])/g, '$1 $2') : value;
  const parts = camel.split(/[-_.~ :/+=]+/).filter((p) => p.length > 0);
  let cue = false;
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (isFillerRun(part)) {
      cue = true;
    } else if (/^[A-Za-z]+$/.test(part)) {
      cue ||= CUE_WORDS.has(part.toLowerCase());
    } else if (!(i === 0 && parts.length > 1 && /^[A-Za-z][A-Za-z0-9]{0,7}$/.test(part))) {
      return false;
    }
  }
  return cue;
}

/**
 * True when `value` *is* an obvious stand-in rather than a real secret — never merely because it contains one
 * (`mySecret2024`, `Abc${x}123` and a key with `example` in it are secrets): a placeholder word (`changeme`,
 * `password`), a bracketed name (`<your-key>`, `[PASSWORD]`), references only (`${VAR}`, `$USER:$PASS`,
 * `{{ .Values.password }}`), code that reads it from elsewhere (`process.env.X`), a filler run (`xxxxxxxx`,
 * `****`), or words with a cue among them (`your_api_key_here`). For the generic detectors (assignments, URL
 * passwords, high entropy) only: provider tokens are recognised by their shape.
 */
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
    return true; // abcdefg, 123456 — the whole value, not a part of it
  }
  if (v.includes('\u27E6')) {
    return true; // holds one of our own placeholders
  }
  const wrapped = /^(?:<([^<>]+)>|\[([^[\]]+)\]|\{([^{}]+)\})$/.exec(v);
  if (wrapped && bracketedName(wrapped[1] ?? wrapped[2] ?? wrapped[3])) {
    return true;
  }
  if (!/(?:[A-Za-z0-9][^A-Za-z0-9]*){4}/.test(v.replace(REFERENCE, '').replace(/\\[nrt"'\\]/g, ''))) {
    return true; // references, escapes and punctuation, with fewer than 4 literal characters (`sk-${key}`, `...`, `:`)
  }
  if (/^[A-Za-z0-9]{1,8}?[-_.]?(.)\1{7,}=*$/.test(v)) {
    return true; // a prefix and filler: `AIzaaaaaaaa…`, `glc_11111111…=`
  }
  if (/(?:\.\.\.|\u2026)$/.test(v)) {
    return true; // an excerpt, elided: `ops_eyJzaWdu…`
  }
  return READ_ELSEWHERE.test(v) || isPlaceholderPhrase(v);
}

/**
 * For provider tokens (`ghp_…`, `hf_…`, `AIza…`), given the part after the fixed prefix: true only when the body
 * cannot have been generated — one character repeated (`xxxx…`, `aaaa…`, `0000…`), `x`/`X` runs, a short unit
 * repeated (`EXAMPLEEXAMPLE…`), or `xxxx` runs with words (`XXXX_PUT_YOUR_TOKEN_HERE_XXXX`). A body that merely
 * contains `example`, `1234567` or `abcdefg` is a token.
 */
export function isFillerBody(body: string): boolean {
  const compact = body.replace(/[-_.~=]+/g, '');
  if (compact.length === 0 || /^(.)\1*$/.test(compact) || /^[xX]+$/.test(compact)) {
    return true;
  }
  const parts = body.split(/[-_.~=]+/).filter((p) => p.length > 0);
  if (parts.every((p) => isFillerRun(p) || /^[A-Za-z]{1,8}$/.test(p)) && parts.some((p) => isFillerRun(p))) {
    return true;
  }
  return periodic(compact);
}

/** True when a unit of at most 8 characters repeats through at least 90% of a text of 16 or more. */
function periodic(text: string): boolean {
  if (text.length < 16) {
    return false;
  }
  for (let unit = 1; unit <= 8; unit++) {
    let same = 0;
    for (let i = unit; i < text.length; i++) {
      if (text.charCodeAt(i) === text.charCodeAt(i - unit)) {
        same++;
      }
    }
    if (same >= (text.length - unit) * 0.9) {
      return true;
    }
  }
  return false;
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
  'public', 'pub', 'publishable', // a public key or token is published by design
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
  if (/\d{2,}$/.test(value)) {
    return false; // `mySecret2024`, `password123!`-style: a password with a number on the end, not a name
  }
  // every part reads as words: `key-f835eb52ff99…` (Mailgun) has a random part and is a secret
  // (`my-api-key-7Rk2Lm9` ends in a random part and is one too)
  return value
    .split(/[ _.:-]+/)
    .every((part) => /^\d{1,4}$/.test(part) || (/^[A-Za-z]+\d{0,2}$/.test(part) && (part.length < 8 || wordCoverage(part) >= 0.5)));
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
