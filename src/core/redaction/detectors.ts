/**
 * One small detector per kind of secret or personal datum. Each returns spans (start inclusive, end
 * exclusive) of the value to replace — for assignments and URLs only the value, never the key name or the
 * rest of the URL. The Redactor resolves overlaps (see `priority`). Patterns are written to run in linear
 * time: no ambiguous nested quantifiers, bounded repetitions where a failed match could rescan, lookbehinds
 * that reject starts inside a token, and context look-ups bounded to a few dozen characters (the unit tests
 * time adversarial inputs).
 *
 * What each detector deliberately leaves alone is written next to it; in short: git/ssh remotes and URL
 * user names, package versions, lockfile integrity hashes, git SHAs and other hex hashes, UUIDs, private,
 * loopback and documentation IP ranges, well-known public resolvers, numbers that fail Luhn/mod-97/issuer or
 * id rules, timestamps and numeric ids, environment-variable references and obvious placeholder values.
 */

import { cardValid, ibanValid, IBAN_LENGTHS, itinValid, nhsValid, ninoValid, spanishIdValid, ssnValid } from './checksums';
import { looksRandom } from './entropy';
import { scanProviderTokens } from './providers';
import { isFillerBody, isPlaceholderValue, isSecretKey, keyWords, looksLikePathOrUrl, looksLikeProse, looksLikeSecretName } from './values';

export type RedactionKind =
  | 'EMAIL'
  | 'PHONE'
  | 'CARD'
  | 'IBAN'
  | 'NATIONAL_ID'
  | 'IP'
  | 'AWS_KEY'
  | 'GITHUB_TOKEN'
  | 'GITLAB_TOKEN'
  | 'SLACK_TOKEN'
  | 'STRIPE_KEY'
  | 'GOOGLE_API_KEY'
  | 'OPENAI_KEY'
  | 'API_TOKEN'
  | 'JWT'
  | 'PRIVATE_KEY'
  | 'URL_PASSWORD'
  | 'ASSIGNMENT'
  | 'HIGH_ENTROPY';

/** Every kind, in the order summaries list them. */
export const REDACTION_KINDS: readonly RedactionKind[] = [
  'PRIVATE_KEY', 'AWS_KEY', 'GITHUB_TOKEN', 'GITLAB_TOKEN', 'SLACK_TOKEN', 'STRIPE_KEY', 'GOOGLE_API_KEY',
  'OPENAI_KEY', 'API_TOKEN', 'JWT', 'URL_PASSWORD', 'ASSIGNMENT', 'HIGH_ENTROPY', 'EMAIL', 'PHONE', 'CARD', 'IBAN',
  'NATIONAL_ID', 'IP',
];

/** A span of `text` to replace. */
export interface Detection {
  readonly kind: RedactionKind;
  readonly start: number;
  readonly end: number;
  /** When set, this detection's priority instead of its detector's. */
  readonly priority?: number;
}

export interface Detector {
  readonly kind: RedactionKind;
  /** Every kind the detector reports, when it reports more than `kind` (the provider token scan). */
  readonly kinds?: readonly RedactionKind[];
  /** Higher wins when detections overlap; among equals the longer span wins. */
  readonly priority: number;
  detect(text: string): Detection[];
}

type Sink = (start: number, end: number) => void;

function detector(kind: RedactionKind, priority: number, scan: (text: string, emit: Sink) => void): Detector {
  return {
    kind,
    priority,
    detect(text: string): Detection[] {
      const out: Detection[] = [];
      scan(text, (start, end) => {
        if (end > start) {
          out.push({ kind, start, end });
        }
      });
      return out;
    },
  };
}

/** Runs a global regex; `fn` gets each match (with `indices` when the regex has the `d` flag). */
function each(re: RegExp, text: string, fn: (m: RegExpExecArray) => void): void {
  re.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    fn(m);
    if (m[0].length === 0) {
      re.lastIndex++;
    }
  }
}

/**
 * The text before `index` on its line, at most `max` characters (bounded: on a minified one-line file a
 * search for the line start would otherwise scan back across the whole file for every candidate).
 */
function lineBefore(text: string, index: number, max: number): string {
  let s = index;
  while (s > 0 && index - s < max && text[s - 1] !== '\n') {
    s--;
  }
  return text.slice(s, index);
}

function digitsOf(s: string): string {
  return s.replace(/\D/g, '');
}

// ---------------------------------------------------------------------------------------------------------
// E-mail. Scans around each '@' (cheaper than a regex over all text). Not: scp-style remotes
// (`git@github.com:org/repo.git`), URL user names (`ssh://git@host`, `https://user@host`), npm specs
// (`lodash@4.17.21`, `@scope/pkg@^1.0.0`), retina assets (`icon@2x.png`), `.local`/`.internal` hosts,
// Python matrix products (`x@np.linalg.inv(y)`).

const NOT_TLDS = new Set([
  'png', 'jpg', 'jpeg', 'gif', 'svg', 'webp', 'ico', 'bmp', 'avif', 'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx',
  'css', 'scss', 'less', 'json', 'map', 'html', 'htm', 'txt', 'lock', 'yml', 'yaml', 'woff', 'woff2', 'ttf',
  'otf', 'eot', 'mp3', 'mp4', 'webm', 'pdf', 'local', 'localhost', 'internal', 'lan', 'localdomain', 'arpa',
  'invalid', 'test', 'py', 'rb', 'go', 'rs', 'java', 'kt', 'php', 'sh', 'vue', 'svelte', 'wasm', 'xml', 'toml',
]);

function isLocalChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
    c === 46 || c === 95 || c === 37 || c === 43 || c === 45 // . _ % + -
  );
}

function isDomainChar(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 45 || c === 46;
}

export const emailDetector = detector('EMAIL', 70, (text, emit) => {
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    let s = at;
    while (s > 0 && at - s <= 64 && isLocalChar(text.charCodeAt(s - 1))) {
      s--;
    }
    if (s > 0 && isLocalChar(text.charCodeAt(s - 1))) {
      continue; // local part longer than 64 characters
    }
    while (s < at && (text[s] === '.' || text[s] === '-' || text[s] === '+')) {
      s++;
    }
    if (s === at || text[at - 1] === '.') {
      continue;
    }
    let e = at + 1;
    while (e < text.length && e - at <= 255 && isDomainChar(text.charCodeAt(e))) {
      e++;
    }
    while (e > at + 1 && (text[e - 1] === '.' || text[e - 1] === '-')) {
      e--;
    }
    const domain = text.slice(at + 1, e);
    const labels = domain.split('.');
    if (labels.length < 2) {
      continue;
    }
    const tld = labels[labels.length - 1];
    if (!/^(?:[A-Za-z]{2,24}|xn--[A-Za-z0-9-]{1,59})$/.test(tld) || NOT_TLDS.has(tld.toLowerCase())) {
      continue;
    }
    if (labels.some((l) => l.length === 0 || l.length > 63 || l.startsWith('-') || l.endsWith('-'))) {
      continue;
    }
    const before = s > 0 ? text[s - 1] : '';
    if ((before === ':' || before === '/') && !/mailto:$/i.test(text.slice(Math.max(0, s - 7), s))) {
      continue; // URL user info or scheme-less remote
    }
    if (before === '@') {
      continue;
    }
    const after = text[e] ?? '';
    if (after === '(' || after === '@' || (after === ':' && /[^\s]/.test(text[e + 1] ?? ' '))) {
      continue; // method call, npm spec chain, `git@host:org/repo`
    }
    emit(s, e);
  }
});

// ---------------------------------------------------------------------------------------------------------
// Phone numbers: international (+CC, 9–15 digits with separators or 10–15 without, or `91-415-555-0132`),
// North American `(415) 555-0132` / `415-555-0132` / `415.555.0132` (NANP rules), trunk-0 forms with
// separators (`020 7946 0958`, `07700 900123`, `01 23 45 67 89`, `030 12345678`, nine digits as
// `09-7625400` or `02 123 45 67`), and any 7–15 digit number labelled `phone`/`tel`/`mobile`/`fax` (see
// labelledNumberDetector). Not: bare digit runs (timestamps, ids, `const MAX = 1234567890`), dates,
// versions, numbers glued to letters or dots.

const INTL_PHONE = /\+(?<=(?:^|[^\w+/.-])\+)[1-9]\d{0,14}(?:(?:[ .-]|[ .-]?\(\d{1,4}\)[ .-]?)\d{1,10}){0,6}(?![\w]|[.-]\d)/g;
const NANP_PAREN = /(?<![\w.+/-])\([2-9]\d{2}\)[ .-]?[2-9]\d{2}[-. ]\d{4}(?![\w]|[.-]\d)/g;
const NANP_PLAIN = /(?<![\w.+/-])[2-9]\d{2}([-.])[2-9]\d{2}\1\d{4}(?![\w]|[.-]\d)/g;
const TRUNK_PHONE = /(?<![\w.+/:-])0[1-9]\d{0,3}(?:[ .-]\d{2,8}){1,4}(?![\w]|[.-]\d)/g;
/** A country code without the `+`, then a dashed national number: `91-415-555-0132`, `1-800-555-0199`. */
const CC_DASHED_PHONE = /(?<![\w.+/-])[1-9]\d{0,2}-\d{3}-\d{3}-\d{4}(?![\w]|[.-]\d)/g;

export const phoneDetector = detector('PHONE', 60, (text, emit) => {
  each(INTL_PHONE, text, (m) => {
    const digits = digitsOf(m[0]);
    const separated = /[ .()-]/.test(m[0]);
    if (digits.length <= 15 && digits.length >= (separated ? 9 : 10) && !/^(\d)\1+$/.test(digits)) {
      emit(m.index, m.index + m[0].length);
    }
  });
  each(NANP_PAREN, text, (m) => emit(m.index, m.index + m[0].length));
  each(NANP_PLAIN, text, (m) => emit(m.index, m.index + m[0].length));
  each(CC_DASHED_PHONE, text, (m) => emit(m.index, m.index + m[0].length));
  each(TRUNK_PHONE, text, (m) => {
    const digits = digitsOf(m[0]);
    const seps = new Set(m[0].replace(/\d/g, ''));
    const end = m.index + m[0].length;
    if (digits.length < 9 || digits.length > 11 || seps.size !== 1) {
      return;
    }
    if (digits.length === 9 && !/^0[1-9](?:[ -]\d{7}|([ .])\d{3}\1\d{2}\1\d{2})$/.test(m[0])) {
      return; // nine digits only as `09-7625400` (Israel) or `02 123 45 67` (Belgium), not `078 00 1123`
    }
    // not a run of bytes in a dump (`<Buffer 02 01 04 03 06 05>`, `00 1a 2b …`) or a counting sequence
    // (the word before is hex digits or a 4-character block: `0044 0532 0130 01`, `ABNA 0417 1643 01` — not
    // `office 03-6215874`)
    if (/(?:^|\s)(?:[0-9A-Fa-f]{1,8}|[A-Z0-9]{4}) $/.test(text.slice(Math.max(0, m.index - 10), m.index)) || /^ [0-9A-Fa-f]{2}\b/.test(text.slice(end, end + 4))) {
      return;
    }
    const groups = m[0].split(/[ .-]/).map(Number);
    const step = groups[1] - groups[0];
    if (groups.length > 2 && Math.abs(step) <= 1 && groups.every((g, i) => i === 0 || g - groups[i - 1] === step)) {
      return;
    }
    emit(m.index, end);
  });
});

// ---------------------------------------------------------------------------------------------------------
// Payment cards: 13–19 digits, optionally in groups of 3–6 separated by one kind of space or dash, from a
// known issuer range with the right length (Visa, Mastercard, Amex, Discover, JCB, Diners, UnionPay, Maestro,
// Mir, RuPay, Troy, UATP, …; see checksums.ts), Luhn-valid. Not: numbers failing Luhn or issuer rules
// (`1234567890123456`, millisecond timestamps, snowflake ids), decimals, digit runs glued to letters.

const CARD = /(?<![\w.$+/-])[1-9]\d{3}(?:[ -]?\d){9,15}(?![\w]|[./-]\d)/g;

export const cardDetector = detector('CARD', 80, (text, emit) => {
  each(CARD, text, (m) => {
    const raw = m[0];
    const seps = raw.replace(/\d/g, '');
    if (seps.length > 0) {
      if (new Set(seps).size !== 1 || raw.split(/[ -]/).some((g) => g.length < 3 || g.length > 6)) {
        return;
      }
    }
    if (cardValid(digitsOf(raw))) {
      emit(m.index, m.index + raw.length);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// IBAN: upper-case country code, check digits, BBAN (spaces or dashes every 4 allowed, one kind); the
// country's length and the mod-97 check must hold. Not: lower-case or invalid-checksum strings, IBAN-like tokens glued to more text.

const IBAN = /(?<![A-Za-z0-9-])[A-Z]{2}\d{2}(?:[ -]?[A-Z0-9]{4}){2,8}(?:[ -]?[A-Z0-9]{1,3})?(?![A-Za-z0-9])/g;

export const ibanDetector = detector('IBAN', 80, (text, emit) => {
  each(IBAN, text, (m) => {
    const length = IBAN_LENGTHS[m[0].slice(0, 2)];
    if (length === undefined) {
      return;
    }
    // Take exactly `length` alphanumerics (the match may have run into a following 4-letter word).
    let count = 0;
    let end = m.index;
    let compact = '';
    while (end < m.index + m[0].length && count < length) {
      const ch = text[end];
      if (ch !== ' ' && ch !== '-') {
        compact += ch;
        count++;
      }
      end++;
    }
    const seps = new Set(text.slice(m.index, end).replace(/[A-Z0-9]/g, ''));
    if (count !== length || seps.size > 1 || /[A-Za-z0-9]/.test(text[end] ?? '') || !ibanValid(compact)) {
      return;
    }
    emit(m.index, end);
  });
});

// ---------------------------------------------------------------------------------------------------------
// National identifiers. Covered: US SSN `123-45-6789` and `123.45.6789` with the SSA's never-issued ranges
// excluded, and ITIN `9XX-7X-XXXX` in the IRS's group ranges (dashed or dotted anywhere; plain or spaced when
// labelled `ssn`/`itin`/`social security`); UK National Insurance numbers `QQ 12 34 56 C` (either case) with
// HMRC's prefix rules; Spanish DNI/NIF (7 or 8 digits) and NIE with their check letter (either case); and,
// when labelled (see labelledNumberDetector), UK NHS numbers (mod 11), passport and driver's licence numbers. Not covered: other
// countries' ids (no checksum to keep false positives down), unlabelled undashed 9-digit numbers.

const SSN = /(?<![\w.-])(\d{3})([-.])(\d{2})\2(\d{4})(?![\w-]|\.\d)/g;
const LABELLED_VALUE: Readonly<Record<string, RegExp>> = {
  ssn: /\d{3}([- .]?)\d{2}\1\d{4}(?![\w-])/y,
  nhs: /\d{3}([ -]?)\d{3}\1\d{4}(?![\w-])/y,
  passport: /(?:[A-Z]{1,2}\d{6,9}|\d{8,9})(?![\w-])/y,
  licence: /[A-Z0-9][A-Z0-9-]{3,17}[A-Z0-9](?![\w-])/y,
};
const NINO = /(?<![A-Za-z0-9])[A-Za-z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-Da-d](?![A-Za-z0-9])/g;
const SPANISH_ID = /(?<![A-Za-z0-9#-])(?:[XYZxyz]\d{7}|\d{7,8})-?[A-Za-z](?![A-Za-z0-9])/g;

/** One case throughout: `hh 01 02 03 d` or `HH 01 02 03 D`, not `Ab123456c`. */
function oneCase(s: string): boolean {
  return !/[a-z]/.test(s) || !/[A-Z]/.test(s);
}

function labelledIdValid(label: string, value: string): boolean {
  const digits = digitsOf(value);
  switch (label) {
    case 'ssn':
      return ssnValid(digits) || itinValid(digits);
    case 'nhs':
      return nhsValid(digits);
    case 'passport':
      return true;
    default:
      return (value.match(/\d/g) ?? []).length >= 4; // a licence number, not `DL: ABC-D`
  }
}

export const nationalIdDetector = detector('NATIONAL_ID', 75, (text, emit) => {
  each(SSN, text, (m) => {
    const digits = m[1] + m[3] + m[4];
    if (ssnValid(digits) || itinValid(digits)) {
      emit(m.index, m.index + m[0].length);
    }
  });
  each(NINO, text, (m) => {
    if (oneCase(m[0]) && ninoValid(m[0].replace(/ /g, '').toUpperCase())) {
      emit(m.index, m.index + m[0].length);
    }
  });
  each(SPANISH_ID, text, (m) => {
    const id = m[0].replace('-', '');
    const lower = /[a-z]/.test(id);
    if (!oneCase(id) || (lower && /^\d{7}[a-z]$/.test(id))) {
      return; // a 7-digit DNI without its leading zero only in capitals
    }
    const upper = id.toUpperCase();
    if (spanishIdValid(/^\d{7}[A-Z]$/.test(upper) ? `0${upper}` : upper)) {
      emit(m.index, m.index + m[0].length);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Labelled numbers, one scan for both kinds: a phone label (`phone`, `tel`, `mobile`, `fax`, …, also ending a
// camelCase or snake name: `homePhone`, `user_tel`; not `iphone`) then 7–15 digits → PHONE; an id label
// (`ssn`, `itin`, `social security`, `nhs`, `passport`, `driver's licence`, `DL`) then its number → NATIONAL_ID.

const NUMBER_LABEL = /s(?:sn|ocial[ _-]?security)|itin|nhs|passport|driv(?:er'?s?|ing)[ _-]?licen[cs]e|dln?|(?:tele)?phone|tel|mobile|cell(?:phone)?|fax|whatsapp/gi;
const PHONE_AFTER_LABEL = /(?:[_-]?(?:number|no|num))?(?![A-Za-z])["']?[ \t]*[:=][ \t]*["']?(\+?\(?\d[\d ()./-]{5,22}\d)(?![\w])/iy;
const ID_AFTER_LABEL = /(?:[ _-]?(?:number|num|no\.?|nr|#))?["']?[ \t]*[:=#]?[ \t]*["']?/iy;

export const labelledNumberDetector: Detector = {
  kind: 'NATIONAL_ID',
  kinds: ['PHONE', 'NATIONAL_ID'],
  priority: 75,
  detect(text: string): Detection[] {
    const out: Detection[] = [];
    each(NUMBER_LABEL, text, (m) => {
      const at = m.index;
      const word = m[0].toLowerCase();
      const labelEnd = at + m[0].length;
      const before = at > 0 ? text.charCodeAt(at - 1) : 0;
      const upperBefore = before >= 65 && before <= 90;
      const lowerBefore = before >= 97 && before <= 122;
      if (/^(?:tele|phone|tel|mobile|cell|fax|whatsapp)/.test(word)) {
        // on its own or ending a camelCase/snake name: `phone`, `homePhone`, `user_tel`; not `iphone`
        if (upperBefore || (lowerBefore && !/[A-Z]/.test(text[at]))) {
          return;
        }
        PHONE_AFTER_LABEL.lastIndex = labelEnd;
        const v = PHONE_AFTER_LABEL.exec(text);
        const digits = v ? digitsOf(v[1]) : '';
        if (v && digits.length >= 7 && digits.length <= 15 && !/^(\d)\1+$/.test(digits)) {
          const end = v.index + v[0].length;
          out.push({ kind: 'PHONE', start: end - v[1].length, end, priority: 60 });
        }
        return;
      }
      if (upperBefore || lowerBefore || (word.startsWith('dl') && m[0] !== m[0].toUpperCase())) {
        return; // a word inside another (`handle`); `dl` is too common a name in code: `DL`/`DLN` only
      }
      ID_AFTER_LABEL.lastIndex = labelEnd;
      const sep = ID_AFTER_LABEL.exec(text);
      const label = /^(?:ssn|itin|social)/.test(word) ? 'ssn' : word === 'nhs' || word === 'passport' ? word : 'licence';
      const re = LABELLED_VALUE[label];
      re.lastIndex = labelEnd + (sep ? sep[0].length : 0);
      const v = re.exec(text);
      if (v && labelledIdValid(label, v[0])) {
        out.push({ kind: 'NATIONAL_ID', start: v.index, end: v.index + v[0].length, priority: 75 });
      }
    });
    return out;
  },
};

// ---------------------------------------------------------------------------------------------------------
// IP addresses that may identify a person or their machine: public IPv4 and global-unicast IPv6
// (2000::/3). Not: loopback, private (10/8, 172.16/12, 192.168/16), CGNAT 100.64/10, link-local,
// 0.0.0.0/8, multicast and reserved (224/4, 240/4, so 255.255.255.255 and netmasks), the documentation
// ranges (192.0.2/24, 198.51.100/24, 203.0.113/24, 2001:db8::/32), benchmark 198.18/15, well-known public
// resolvers (8.8.8.8, 1.1.1.1, 9.9.9.9, …), ULA/link-local/multicast/Teredo IPv6; and dotted quads that
// are versions, OIDs or section numbers: after `v`, `==`, `>=`, `^`, `~`, `<`, `>`, `Name/`, after a
// `version`/`release`/`build`/`section`/`rfc` word, followed by a pre-release suffix (`1.2.3.4-beta`), or made
// of small numbers (first two parts below 10, or all four below 32: `1.2.3.4`, `2.5.29.17`, `21.1.2.2`)
// unless a network word (`ip`, `host`, `server`, `from`, `connect`, …) comes just before.

/** A non-word, non-dot character (or the start) first rather than a lookbehind: the engine skips faster. */
const IPV4 = /(?:^|[^\w.])((?:\d{1,3}\.){3}\d{1,3})(?![\w]|\.\d)/g;
/** Two colons with at most four hex digits between them: where an IPv6 address may be. */
const IPV6_HINT = /:[0-9A-Fa-f]{0,4}:/g;
const PUBLIC_RESOLVERS = new Set([
  '8.8.8.8', '8.8.4.4', '1.1.1.1', '1.0.0.1', '9.9.9.9', '149.112.112.112', '208.67.222.222', '208.67.220.220',
  '4.2.2.1', '4.2.2.2',
]);
const VERSION_BEFORE =
  /(?:(?:^|[^A-Za-z])(?:version|ver|release|build|revision|rev|firmware|fw|sdk|assemblyversion|fileversion|productversion|chrome|firefox|windows|android|ios|section|sections|chapter|clause|step|rfc|figure|table|item|oid)[\w"']*[ \t]*[:=(#§-]?[ \t]*["']?|(?:^|[^A-Za-z])[vV]|==|>=|<=|~=|[\^~<>]|[A-Za-z]\/)$/i;
const NETWORK_BEFORE =
  /\b(?:ip|ips|ipv4|host|hostname|addr|address|server|client|remote|peer|src|source|dst|dest|destination|from|to|via|connect(?:ed|ion)?|dns|proxy|gateway|gw|nameserver|inet|listen|bind|ping|ssh|curl|http|https|tcp|udp|route|upstream|origin|forwarded|forwarded-for|real-ip|allow|deny|blocked|banned|login|user)\b/i;

function ipv4Personal(o: readonly number[]): boolean {
  const [a, b, c] = o;
  if (a === 0 || a === 10 || a === 127 || a >= 224) {
    return false;
  }
  if ((a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254) || (a === 172 && b >= 16 && b <= 31)) {
    return false;
  }
  if ((a === 192 && b === 168) || (a === 192 && b === 0 && (c === 0 || c === 2)) || (a === 198 && (b === 18 || b === 19))) {
    return false;
  }
  if ((a === 198 && b === 51 && c === 100) || (a === 203 && b === 0 && c === 113)) {
    return false;
  }
  return true;
}

function isHexOrColon(c: number): boolean {
  return (c >= 48 && c <= 58) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70); // 0-9 : a-f A-F
}

function parseIpv6Groups(s: string): number[] | undefined {
  const parts = s.split('::');
  if (parts.length > 2) {
    return undefined;
  }
  const head = parts[0] === '' ? [] : parts[0].split(':');
  const tail = parts.length === 2 && parts[1] !== '' ? parts[1].split(':') : [];
  const groups = [...head, ...tail];
  if (groups.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) {
    return undefined;
  }
  if (parts.length === 1 ? groups.length !== 8 : groups.length > 7) {
    return undefined;
  }
  return groups.map((g) => parseInt(g, 16));
}

export const ipDetector = detector('IP', 65, (text, emit) => {
  each(IPV4, text, (m) => {
    const ip = m[1];
    const at = m.index + m[0].length - ip.length; // after the boundary character
    const octetText = ip.split('.');
    if (octetText.some((t) => t.length > 1 && t.startsWith('0'))) {
      return;
    }
    const octets = octetText.map(Number);
    if (octets.some((o) => o > 255) || !ipv4Personal(octets) || PUBLIC_RESOLVERS.has(ip)) {
      return;
    }
    const end = at + ip.length;
    if (/^-[A-Za-z]/.test(text.slice(end, end + 2))) {
      return; // 1.2.3.4-beta
    }
    const before = lineBefore(text, at, 60);
    if (VERSION_BEFORE.test(before)) {
      return;
    }
    // `1.2.3.4`, OIDs `2.5.29.17`, spec and RFC sections `21.1.2.2`: small numbers are an address only
    // when a network word comes before them
    const ambiguous = (octets[0] < 10 && octets[1] < 10) || octets.every((o) => o < 32);
    if (ambiguous && !NETWORK_BEFORE.test(before)) {
      return;
    }
    emit(at, end);
  });
  let scannedTo = 0;
  each(IPV6_HINT, text, (m) => {
    if (m.index < scannedTo) {
      return;
    }
    let s = m.index;
    while (s > 0 && isHexOrColon(text.charCodeAt(s - 1))) {
      s--;
    }
    let e = m.index + m[0].length;
    while (e < text.length && isHexOrColon(text.charCodeAt(e))) {
      e++;
    }
    scannedTo = e;
    IPV6_HINT.lastIndex = e;
    if (e - s > 39 || (s > 0 && /[\w.]/.test(text[s - 1])) || (e < text.length && /\w/.test(text[e]))) {
      return;
    }
    const candidate = text.slice(s, e);
    const groups = parseIpv6Groups(candidate);
    if (!groups || groups.filter((g) => g !== 0).length < 3 || !/\d/.test(candidate)) {
      return;
    }
    const first = groups[0];
    const documentation = first === 0x2001 && (groups[1] === 0x0db8 || groups[1] === 0); // 2001:db8::/32, Teredo
    if (!candidate.startsWith(':') && first >= 0x2000 && first <= 0x3fff && !documentation) {
      emit(s, e);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------
// Provider keys and tokens, recognised by their documented prefixes and shapes (providers.ts), and AWS secret
// access keys after their name.

const AWS_SECRET =
  /(?:aws[_-]?secret[_-]?(?:access[_-]?)?key|secret[_-]?access[_-]?key)(?:[_-]?id)?["']?[ \t]*(?::=|=>|=|:)[ \t]*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/dgi;

/** 40-character AWS secret access keys after an AWS secret key name (access key ids: see providers.ts). */
export const awsSecretDetector = detector('AWS_KEY', 90, (text, emit) => {
  each(AWS_SECRET, text, (m) => {
    if (m.indices?.[1] && !isFillerBody(m[1]) && /\d/.test(m[1]) && /[a-z]/.test(m[1]) && /[A-Z]/.test(m[1])) {
      emit(m.indices[1][0], m.indices[1][1]);
    }
  });
});

/** The kinds the provider scan reports. */
const TOKEN_KINDS: readonly RedactionKind[] = [
  'AWS_KEY', 'GITHUB_TOKEN', 'GITLAB_TOKEN', 'SLACK_TOKEN', 'STRIPE_KEY', 'GOOGLE_API_KEY', 'OPENAI_KEY', 'API_TOKEN',
];

/**
 * Provider keys and tokens by their documented prefix and shape, in one scan of the text: AWS access key ids,
 * GitHub, GitLab, Slack (tokens and webhook paths), Stripe, Google, OpenAI-style `sk-` keys under their own
 * kinds; Hugging Face, npm, PyPI, RubyGems, Shopify, SendGrid, Mailgun, Mailchimp, Twilio, Discord, Telegram,
 * HashiCorp Vault and Terraform, Databricks, DigitalOcean, Doppler, Linear, Atlassian, Azure AD client
 * secrets, Grafana, Sentry, Heroku, JFrog, 1Password, Amazon Bedrock, Square, Fly.io, New Relic, Notion,
 * OpenShift, PlanetScale, Postman, xAI, Groq, Replicate, Supabase, Dropbox and more as API_TOKEN.
 */
export const providerTokenDetector: Detector = {
  kind: 'API_TOKEN',
  kinds: TOKEN_KINDS,
  priority: 90,
  detect(text: string): Detection[] {
    const out: Detection[] = [];
    scanProviderTokens(text, (kind, priority, start, end) => {
      if (end > start) {
        out.push({ kind, start, end, priority });
      }
    });
    return out;
  },
};

const JWT = /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*(?![A-Za-z0-9_-])/g;
/** JSON Web Tokens: base64url header and payload (both JSON objects, so both start `eyJ`) and signature. */
export const jwtDetector = detector('JWT', 95, (text, emit) => {
  if (text.indexOf('eyJ') === -1) {
    return;
  }
  each(JWT, text, (m) => emit(m.index, m.index + m[0].length));
});

// ---------------------------------------------------------------------------------------------------------
// Private key blocks: `-----BEGIN [RSA |EC |OPENSSH |ENCRYPTED |PGP ]PRIVATE KEY[ BLOCK]-----` through the
// matching END line, replaced whole — also inside JSON strings with `\n` escapes. A block cut off before its
// END line is redacted through its last base64 line. Public keys and certificates are left alone.

const PRIVATE_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/g;
const KEY_BODY = /(?:(?:\r?\n|\\r\\n|\\n|[ \t])+(?:[A-Za-z0-9+/]{8,}={0,2}|[A-Za-z0-9+/]{1,7}={1,2}|[A-Za-z-]+: [^\r\n\\]*))*/y;

export const privateKeyDetector = detector('PRIVATE_KEY', 100, (text, emit) => {
  if (text.indexOf('PRIVATE KEY') === -1) {
    return;
  }
  const ends = new Map<string, number>(); // END marker → its next position (-1: none), searched once each
  each(PRIVATE_BEGIN, text, (m) => {
    const endMarker = `-----END ${m[1]}PRIVATE KEY${m[2] ?? ''}-----`;
    const afterBegin = m.index + m[0].length;
    let endAt = ends.get(endMarker);
    if (endAt === undefined || (endAt !== -1 && endAt < afterBegin)) {
      endAt = text.indexOf(endMarker, afterBegin);
      ends.set(endMarker, endAt);
    }
    const nextBegin = text.indexOf('-----BEGIN ', afterBegin);
    if (endAt !== -1 && (nextBegin === -1 || nextBegin > endAt)) {
      if (/[A-Za-z0-9+/]{16}/.test(text.slice(afterBegin, endAt))) {
        emit(m.index, endAt + endMarker.length); // (a block without base64 is a placeholder: `BEGIN … END`)
      }
      PRIVATE_BEGIN.lastIndex = endAt + endMarker.length;
      return;
    }
    KEY_BODY.lastIndex = afterBegin;
    const body = KEY_BODY.exec(text);
    emit(m.index, afterBegin + (body ? body[0].length : 0));
  });
});

// ---------------------------------------------------------------------------------------------------------
// Passwords in URLs: `scheme://user:password@host` → only the password. Not: `git@github.com:org/repo.git`,
// `ssh://git@host`, `https://user@host` (no password), `host:8080/path` (port), placeholder passwords
// (`${DB_PASSWORD}`, `<password>`, `password`, `****`), a password equal to the user name (default
// credentials such as `postgres:postgres`), passwords shorter than 4 characters.

const URL_PASSWORD = /:\/\/([^\s:/?#@"'<>[\]]*):([^\s/?#"'<>]+)@(?=[A-Za-z0-9[])/dg;

export const urlPasswordDetector = detector('URL_PASSWORD', 85, (text, emit) => {
  if (text.indexOf('://') === -1) {
    return;
  }
  each(URL_PASSWORD, text, (m) => {
    if (!/[A-Za-z0-9]/.test(text[m.index - 1] ?? '')) {
      return; // no scheme
    }
    const password = m[2];
    if (password === m[1]) {
      return; // default credentials such as `postgres:postgres@localhost`, `guest:guest@rabbit`
    }
    if (m.indices?.[2] && password.length >= 4 && !isPlaceholderValue(decodeSafe(password)) && !/^\d{1,5}$/.test(password)) {
      emit(m.indices[2][0], m.indices[2][1]);
    }
  });
});

function decodeSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

// ---------------------------------------------------------------------------------------------------------
// Secrets assigned to a secret-sounding name, in .env, shell, YAML, INI/properties, TOML, JSON, XML
// attributes and code (`=`, `:`, `:=`, `=>`, `==`), connection strings (`;Password=…;`), query strings
// (`?token=…`), CLI flags (`--password=…`), and `Authorization: Bearer|Basic|Token …` credentials. Only the
// value is replaced. Not: placeholders and references (`changeme`, `<password>`, `${VAR}`, `$VAR`,
// `process.env.X`, `os.environ[…]`, empty), prose such as UI labels, paths and URLs, values that are code
// (calls, member access, identifiers after ` = `, camelCase identifiers after `:`, types), key names that are
// about the secret rather than it (`passwordField`, `token_url`, `max_tokens`, `showPassword`). Not caught:
// values on YAML block scalars (`password: |`), unquoted multi-word passphrases in code, positional
// arguments (`login("user", "secret")`), `mysql -pSecret`. Also: .env and YAML text inside JSON or code
// strings (lines separated by `\n` escapes), `curl -u user:password` / `--user` in any shell quoting (the
// password, or the user when it is a token with an empty password), credentials in `-H`/`--header`
// arguments (`Authorization: Basic …`, `apikey: …`, `X-Api-Key: …`), `.netrc` lines and XML elements named
// like a secret (`<password>…</password>`).

/** Words one of which every secret key name contains; found first, then the key and value around them. */
const SECRET_KEYWORD = /pass|pw|secret|token|key|auth|cred/gi;
const AUTH_SCHEME = /(?<![A-Za-z])(?:[Bb]earer|BEARER|Basic|Token|Bot)[ \t]+([A-Za-z0-9._~+/-]{16,}=*)(?![A-Za-z0-9._~+/=-])/dg;
/**
 * `curl -u …` / `--user …` (the shell word after it is read by `shellWord`), or `-H '…'` / `--header "…"` (group
 * 1: the quote). One scan for both, from the `-`.
 */
const CURL_ARG = /-(?<=(?:^|[^\w-])-)(?:(?:u|-user)(?:[ \t]+|=)(?=[^\s-])|(?:H|-header)(?:[ \t]+|=)(["']))/g;
/** An HTTP client on the command around a `-u` (docker, git and sort take `-u` too). */
const HTTP_COMMAND = /\b(?:curl|wget|https?|httpie|xh)\b/i;
/** Headers that carry a credential whatever their name says: `Authorization: <scheme> <credential>`. */
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization']);
/** A line start inside a string: after an escaped newline, or just after the opening quote of a value. */
const ESCAPED_LINE_START = /(?:\\[nr]|[:=,[(][ \t]*["'])[ \t]*(?:export[ \t]+)?$/;
/** `.netrc`: `machine host login name password secret`. */
const NETRC = /\bmachine[ \t]+\S+[ \t\r\n]+login[ \t]+\S+[ \t\r\n]+password[ \t]+(\S+)/dg;
/** `<password>…</password>`, `<apiKey>…</apiKey>` (Maven settings, XML configs). */
const XML_ELEMENT = /<([A-Za-z_][\w.-]{0,40})>([^<>\s]{4,200})<\/\1>/dg;
const LINE_PREFIX = /^[ \t]*(?:(?:export|set|setx|ENV|ARG|declare|local|readonly)[ \t]+|-[ \t]+["']?)?$/;
const SEPARATORS = [':=', '=>', '!==', '!=', '===', '==', '+=', '=', ':'];

const MEMBER_PATH = /^[A-Za-z_$][\w$]*(?:(?:\.|\?\.|::|->)[A-Za-z_$][\w$]*)+$/;
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function isKeyChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) ||
    c === 95 || c === 36 || c === 46 || c === 45 // _ $ . -
  );
}

function isQuote(ch: string | undefined): boolean {
  return ch === '"' || ch === "'" || ch === '`';
}

function skipBlanks(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') {
    i++;
  }
  return i;
}

function acceptableSecret(value: string): boolean {
  return (
    value.length >= 4 &&
    !isPlaceholderValue(value) &&
    !looksLikeProse(value) &&
    !looksLikeSecretName(value) &&
    !looksLikePathOrUrl(value) &&
    !/^\d{1,3}$/.test(value) &&
    !/^[~^<>=v]*\d+(?:\.\d+){1,3}(?:[-+][\w.]+)?$/.test(value) // a version or range: `^9.0.0`
  );
}

/** Leading `Bearer `/`Basic `/`Token ` inside a value: the scheme stays, the credential goes. */
function skipAuthScheme(value: string): number {
  const m = /^(?:Bearer|Basic|Token|Bot|Digest)[ \t]+/i.exec(value);
  return m ? m[0].length : 0;
}

function unquotedLooksLikeCode(value: string, sep: string, spaced: boolean): boolean {
  const literal = value.replace(/\$\{\w+\}/g, ''); // `Abc${x}123`: shell interpolation inside a literal value
  if (/[()[\]{}]|[,;]$|\s(?:\+|-|\*|\/|\|\||&&|\?\?|\?|if|or|and|===?|!==?|[<>]=?)\s/.test(literal) || MEMBER_PATH.test(value)) {
    return true;
  }
  if (/^[|>][-+]?$|^[&*!]\w/.test(value)) {
    return true; // YAML block scalar, anchor, alias, tag
  }
  if (IDENTIFIER.test(value)) {
    if (spaced && sep === '=' && !/\d/.test(value)) {
      return true; // `password = userInput` in code
    }
    if ((/^[a-z]+[A-Z]/.test(value) && !/\d/.test(value)) || /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(value)) {
      return true; // camelCase variable, ENV_VAR_NAME reference
    }
  }
  return false;
}

/** End of a quoted value starting at `open` (the quote), or -1 when it does not close on its line. */
function closingQuote(text: string, open: number): number {
  const q = text[open];
  const limit = Math.min(text.length, open + 502);
  for (let j = open + 1; j < limit; j++) {
    const ch = text[j];
    if (ch === '\\') {
      j++;
    } else if (ch === q) {
      return j;
    } else if (ch === '\n' || ch === '\r') {
      return -1;
    }
  }
  return -1;
}

/** The value of the secret-named key ending at `keyEnd`, as [start, end), or undefined. */
function assignedValue(text: string, keyStart: number, keyEnd: number, dashed: boolean): [number, number] | undefined {
  let i = keyEnd;
  const quoteBefore = text[keyStart - 1];
  const quotedKey = isQuote(quoteBefore) && text[i] === quoteBefore;
  if (quotedKey) {
    i++;
  }
  if (text[i] === ']') {
    i++;
  }
  const afterKey = i;
  i = skipBlanks(text, i);
  const sep = SEPARATORS.find((s) => text.startsWith(s, i));
  if (sep === undefined || (sep === ':' && (text[i + 1] === ':' || text[i + 1] === '/'))) {
    return undefined;
  }
  const valueAt = skipBlanks(text, i + sep.length);
  const spaced = i > afterKey || valueAt > i + sep.length;
  let q = valueAt;
  if (/[rbufRBUF]/.test(text[q] ?? '')) {
    q += /[rbufRBUF]/.test(text[q + 1] ?? '') && isQuote(text[q + 2]) ? 2 : isQuote(text[q + 1]) ? 1 : 0;
  }
  if (isQuote(text[q])) {
    const close = closingQuote(text, q);
    if (close === -1) {
      return undefined;
    }
    if (/^[ \t]*\|(?!\|)/.test(text.slice(close + 1, close + 4))) {
      return undefined; // `type Mode = "conditional" | "optional"`: a union of literals, not a secret
    }
    let start = q + 1;
    let value = text.slice(start, close);
    const skip = skipAuthScheme(value);
    start += skip;
    value = value.slice(skip).trimEnd();
    const comparison = sep.startsWith('=') && sep !== '=' && sep !== '=>' || sep.startsWith('!');
    if (/^[a-z]+(?:[A-Z][a-z]+)+$/.test(value) || /^(?:\[[\w-]+(?:[~|^$*]?=[^\]]*)?\]|[#.][A-Za-z][\w-]*)$/.test(value)) {
      return undefined; // camelCase identifier, CSS selector
    }
    if (/^[ \t]*(?:\+|\|\||&&|\?\?|,|\))|(?:\+|\(|,)[ \t]*$/.test(value)) {
      return undefined; // `'KEY=' + fake(…) + '…'`: code between two strings, not a value
    }
    if ((comparison || text[q] === '`') && /^[a-z]{1,12}$/.test(value)) {
      return undefined; // `token.kind === "async"`, Markdown `token: \`start\``
    }
    if (acceptableSecret(value) && !/\\n|\n/.test(value.slice(0, 8))) {
      return [start, start + value.length];
    }
    return undefined;
  }
  if (quotedKey) {
    return undefined; // JSON `"password": null`
  }
  const before = lineBefore(text, keyStart - (dashed ? 2 : 0), 80);
  if (!dashed && (sep === '=' || sep === ':') && LINE_PREFIX.test(before)) {
    // .env, shell, YAML, INI, properties: the value runs to the end of the line
    let lineEnd = text.indexOf('\n', valueAt);
    if (lineEnd === -1) {
      lineEnd = text.length;
    }
    let value = text.slice(valueAt, lineEnd);
    const comment = /[ \t]+(?:#|\/\/).*$/.exec(value);
    if (comment) {
      value = value.slice(0, comment.index);
    }
    if (!spaced && sep === '=') {
      if (isPlaceholderValue(value)) {
        return undefined; // `KEY=<your DeepSeek API key>`: the whole rest of the line is the stand-in
      }
      value = value.split(/[ \t]/)[0]; // .env / shell: the value ends at whitespace
    }
    value = value.replace(/[ \t\r]+$/, '');
    if (isQuote(quoteBefore)) {
      const cut = value.indexOf(quoteBefore);
      value = cut === -1 ? value : value.slice(0, cut); // `- "PASSWORD=…"`
    }
    const skip = skipAuthScheme(value);
    const secret = value.slice(skip);
    if (acceptableSecret(secret) && !unquotedLooksLikeCode(secret, sep, spaced)) {
      return [valueAt + skip, valueAt + value.length];
    }
    return undefined;
  }
  if (!dashed && (sep === '=' || sep === ':') && ESCAPED_LINE_START.test(before)) {
    // .env / YAML text inside a JSON or code string, lines split by `\n` escapes:
    // `{"config.ini": "TOKEN=…\nDEBUG=true"}`. A `key: value` line needs a `\n` next to it (not `"Token: expired"`).
    let end = valueAt;
    while (end < text.length && end - valueAt < 500 && !/[\\"'\r\n]/.test(text[end]) && (spaced || sep !== '=' || !/[ \t]/.test(text[end]))) {
      end++;
    }
    const value = text.slice(valueAt, end).replace(/[ \t]+$/, '');
    const multiLine = sep === '=' || /\\[nr][ \t]*(?:export[ \t]+)?$/.test(before) || /^\\[nr]/.test(text.slice(end, end + 2));
    const skip = skipAuthScheme(value);
    if (multiLine && acceptableSecret(value.slice(skip)) && !unquotedLooksLikeCode(value.slice(skip), sep, spaced)) {
      return [valueAt + skip, valueAt + value.length];
    }
    return undefined;
  }
  const inlineEnv = !spaced && /^[A-Z][A-Z0-9_]*$/.test(text.slice(keyStart, keyEnd)) && /(?:^|\s)$/.test(before);
  if (sep === '=' && (dashed || inlineEnv || /(?:[;&?][ \t]*|:)$/.test(before))) {
    // connection string `;Password=…;`, query string `?token=…&`, CLI flag `--password=…`, .npmrc
    // `:_authToken=…`, inline environment `docker run -e DB_PASSWORD=… `, `PGPASSWORD=… psql`
    let end = valueAt;
    while (end < text.length && !/[\s;&"'`<>)\]}]/.test(text[end])) {
      end++;
    }
    const value = text.slice(valueAt, end);
    if (acceptableSecret(decodeSafe(value)) && !MEMBER_PATH.test(value) && !value.includes('(')) {
      return [valueAt, end];
    }
  }
  return undefined;
}

/** One shell word from `start`: unquoted, `'…'` and `"…"` parts joined; each character's offset in `text`. */
function shellWord(text: string, start: number): { value: string; offsets: number[] } {
  let value = '';
  const offsets: number[] = [];
  let i = start;
  while (i < text.length && i - start < 300) {
    const ch = text[i];
    if (ch === "'" || ch === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== ch && text[j] !== '\n' && j - i < 300) {
        if (ch === '"' && text[j] === '\\' && j + 1 < text.length) {
          j++;
        }
        value += text[j];
        offsets.push(j);
        j++;
      }
      if (text[j] !== ch) {
        break; // unterminated on this line
      }
      i = j + 1;
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || ch === ';' || ch === '|' || ch === '&') {
      break;
    } else {
      if (ch === '\\' && i + 1 < text.length && text[i + 1] !== '\n') {
        i++;
      }
      value += text[i];
      offsets.push(i);
      i++;
    }
  }
  return { value, offsets };
}

/**
 * `curl -u user:password`: the password; `-u "token:"` (a key as the user, no password): the user. Not
 * placeholders (`<user:password>`, `$USER:$PASS`, `user:pass`), default credentials (`test:test`), `uid:gid`.
 */
function curlUserSecret(text: string, at: number): [number, number] | undefined {
  const { value, offsets } = shellWord(text, at);
  const colon = value.indexOf(':');
  if (colon === -1 || isPlaceholderValue(value)) {
    return undefined;
  }
  const user = value.slice(0, colon);
  const password = value.slice(colon + 1);
  if (user === password || /^\d+$/.test(user + password)) {
    return undefined;
  }
  const [from, to] = password.length > 0 ? [colon + 1, value.length] : [0, colon];
  const secret = value.slice(from, to);
  if (secret.length < 4 || isPlaceholderValue(secret) || looksLikeProse(secret)) {
    return undefined;
  }
  return [offsets[from], offsets[to - 1] + 1];
}

/** `-H "Authorization: Basic …"`, `--header 'apikey: …'`, `-H "X-Api-Key: …"`: the credential. */
function headerSecret(text: string, open: number): [number, number] | undefined {
  const quote = text[open];
  let close = open + 1;
  while (close < text.length && close - open < 600 && text[close] !== quote && text[close] !== '\n') {
    close += text[close] === '\\' ? 2 : 1;
  }
  if (text[close] !== quote) {
    return undefined;
  }
  const header = /^[ \t]*([A-Za-z][\w-]{0,63})[ \t]*:[ \t]*/.exec(text.slice(open + 1, close));
  if (!header) {
    return undefined;
  }
  const name = header[1].toLowerCase();
  if (!AUTH_HEADERS.has(name) && !isSecretKey(header[1])) {
    return undefined;
  }
  let start = open + 1 + header[0].length;
  const rest = text.slice(start, close);
  const scheme = /^[A-Za-z][\w-]*[ \t]+(?=\S)/.exec(rest);
  if (scheme && (AUTH_HEADERS.has(name) || skipAuthScheme(rest) > 0)) {
    start += scheme[0].length; // `Basic`, `Bearer`, `Token`, `Api-Token`, `SSWS`, …
  }
  const credential = text.slice(start, close).replace(/[ \t]+$/, '');
  if (credential.length < 4 || isPlaceholderValue(credential) || looksLikeProse(credential)) {
    return undefined;
  }
  return [start, start + credential.length];
}

export const assignmentDetector = detector('ASSIGNMENT', 50, (text, emit) => {
  let lastKeyEnd = -1;
  const secretKeys = new Map<string, boolean>(); // the same names recur throughout a text
  each(SECRET_KEYWORD, text, (m) => {
    if (m.index < lastKeyEnd) {
      return; // another keyword inside the same key
    }
    // a key is at most 64 characters: look no further either way (keeps long runs linear)
    let s = m.index;
    while (s > 0 && m.index - s <= 64 && isKeyChar(text.charCodeAt(s - 1))) {
      s--;
    }
    let e = m.index + m[0].length;
    while (e < text.length && e - s <= 64 && isKeyChar(text.charCodeAt(e))) {
      e++;
    }
    lastKeyEnd = e;
    if (e - s > 64 || (s > 0 && isKeyChar(text.charCodeAt(s - 1)))) {
      return;
    }
    const afterEscape = s > 0 && text[s - 1] === '\\' && /[nrt]/.test(text[s]) && s + 1 < m.index + 1;
    if (afterEscape) {
      s++; // `…\nAPI_TOKEN=…` in a JSON string: the `n` belongs to the escape, not to the key
    }
    let dashed = false;
    if (text.startsWith('--', s)) {
      dashed = s === 0 || !/[\w-]/.test(text[s - 1]);
      s += 2;
    }
    while (s < e && (text[s] === '-' || text[s] === '.' || text[s] === '$')) {
      s++; // `$db_pass` (PHP, shell): the sigil is not part of the name
    }
    if (s > 0 && /\w/.test(text[s - 1]) && !afterEscape) {
      return;
    }
    const key = text.slice(s, e);
    const next = text[skipBlanks(text, e + (isQuote(text[e]) ? 1 : 0) + (text[e] === ']' ? 1 : 0))];
    if (next !== '=' && next !== ':' && next !== '!' && next !== '+' && text[e] !== '"' && text[e] !== "'" && text[e] !== ']') {
      return;
    }
    let secret = secretKeys.get(key);
    if (secret === undefined) {
      secret = /^[A-Za-z_]/.test(key) && isSecretKey(key);
      secretKeys.set(key, secret);
    }
    if (!secret) {
      return;
    }
    const span = assignedValue(text, s, e, dashed);
    if (span) {
      emit(span[0], span[1]);
    }
  });
  each(AUTH_SCHEME, text, (m) => {
    const token = m[1];
    if (m.indices?.[1] && /\d/.test(token) && !isPlaceholderValue(token)) {
      emit(m.indices[1][0], m.indices[1][1]);
    }
  });
  const secretGroup = (m: RegExpExecArray, group: number) => {
    const value = m[group];
    if (m.indices?.[group] && acceptableSecret(value) && !value.includes('(')) {
      emit(m.indices[group][0], m.indices[group][1]);
    }
  };
  each(CURL_ARG, text, (m) => {
    const end = m.index + m[0].length;
    let span: [number, number] | undefined;
    if (m[1] !== undefined) {
      span = headerSecret(text, end - 1);
    } else {
      const lineEnd = text.indexOf('\n', end);
      const around = text.slice(Math.max(0, m.index - 400), lineEnd === -1 ? text.length : lineEnd);
      span = HTTP_COMMAND.test(around) ? curlUserSecret(text, end) : undefined;
    }
    if (span) {
      emit(span[0], span[1]);
    }
  });
  each(NETRC, text, (m) => secretGroup(m, 1));
  if (text.indexOf('</') !== -1) {
    each(XML_ELEMENT, text, (m) => {
      if (isSecretKey(m[1])) {
        secretGroup(m, 2);
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------------------
// High-entropy secrets without a telling name: a quoted string, or the value of a `key=value` / `key: value`
// line, of 20–256 token characters that looks random (see entropy.ts). Not: hex-only strings (git SHAs,
// checksums), UUIDs, `sha512-…`/`h1:…` integrity values or anything after an integrity/checksum/hash key,
// paths, URLs, dotted names and versions, camelCase identifiers, alphabets. Base64 inside `data:` URIs is
// content, not a secret, and is left alone (its quote does not sit next to the base64).

/** Quote, token characters, quote (the two quotes are compared in code: cheaper than a backreference). */
const QUOTED_TOKEN = /["'`][A-Za-z0-9+/=_\-.~]{20,256}["'`]/g;
/** A `key=value` / `key: value` line (`(?:^|\n)…(?=\n|$)` rather than the `m` flag's `^…$`: faster). */
const LINE_TOKEN = /(?:^|\n)[ \t]*(?:export[ \t]+|-[ \t]+)?([A-Za-z_][\w.-]{0,60})[ \t]*[=:][ \t]*([A-Za-z0-9+/=_\-.~]{20,256})[ \t]*\r?(?=\n|$)/dg;
const HASH_CONTEXT = /(?:integrity|checksum|hash|digest|sha\d*|shasum|etag|fingerprint|nonce|signature|sri|salt)[\w"']*[ \t]*[:=]?[ \t]*$/i;
const PRECEDING_KEY = /([A-Za-z_$][\w$.-]{0,60})["'`]?\]?[ \t]*(?::=|=>|=|:)[ \t]*$/;
/** Keys whose values are identifiers or digests, not secrets. */
const ID_WORDS = new Set(['id', 'ids', 'uuid', 'guid', 'sha', 'commit', 'ref', 'rev', 'revision', 'version', 'hash', 'checksum', 'integrity', 'digest', 'etag', 'nonce', 'signature', 'fingerprint', 'salt', 'name', 'path', 'url', 'class', 'classname', 'type']);

/** Keys whose values are public by design: `public_key`, `publicToken`, `pubKey`, `publishableKey`. */
const PUBLIC_WORDS = new Set(['public', 'pub', 'publishable']);

function keyNamesAnId(before: string): boolean {
  const m = PRECEDING_KEY.exec(before);
  if (!m) {
    return false;
  }
  const words = keyWords(m[1]);
  return words.length > 0 && (ID_WORDS.has(words[words.length - 1]) || (words.length > 1 && PUBLIC_WORDS.has(words[0])));
}

/** Lower-case prefixes of typed ids (`cus_…`, `resp_…`, `ft-…`) that nonetheless mark secrets. */
const SECRET_ID_PREFIXES = new Set(['hf', 'npm', 'pypi', 'shpat', 'shpss', 'shpca', 'shppa', 'dop', 'doo', 'dor', 'key', 'secret', 'token', 'pat', 'api', 'sq0csp', 'sq0atp', 'lin', 'figd', 'dp', 'pscale', 'rubygems', 'glsa', 'glc', 'sntrys', 'sntryu', 'vercel', 'atlasv1']);

/** Every `-`/`_`/`.`-separated part is a plain word or number: `gpt-4o-mini-2024-07-18`, `en_US.UTF-8`. */
function plainSegments(token: string): boolean {
  const parts = token.split(/[-_.]+/).filter((p) => p.length > 0);
  return parts.length >= 3 && parts.every((p) => p.length <= 3 || /^(?:[a-z]+|[A-Z][a-z]+|[A-Z]+|\d+)$/.test(p));
}

function randomToken(token: string): boolean {
  if (token.startsWith('eyJ')) {
    return false; // base64 of a JSON object: a JWT's header alone, a claims request — encoded data, not a key
  }
  const typed = /^([a-z]{1,8})[_-](?=[A-Za-z0-9]*[A-Z0-9])/.exec(token);
  if (typed && !SECRET_ID_PREFIXES.has(typed[1])) {
    return false; // typed id: `cus_…`, `resp_…`, `ft-…`, `cp_…`
  }
  if (plainSegments(token)) {
    return false;
  }
  if (/\d+\.\d+\.\d+/.test(token) || /^[\w-]+(?:\.[A-Za-z][\w-]*){2,}$/.test(token) || token.includes('//')) {
    return false; // version, dotted name, URL fragment
  }
  if (token.includes('/') && /(?:^[./~@]|\.[a-z0-9]{1,5}$)/i.test(token)) {
    return false; // path
  }
  if (/\.[a-z][a-z0-9]{0,4}$/.test(token)) {
    return false; // file name
  }
  return looksRandom(token);
}

export const highEntropyDetector = detector('HIGH_ENTROPY', 40, (text, emit) => {
  each(QUOTED_TOKEN, text, (m) => {
    const end = m.index + m[0].length - 1; // the closing quote
    if (text[end] !== text[m.index]) {
      QUOTED_TOKEN.lastIndex = end; // `"…'`: the second quote may open the next string
      return;
    }
    const token = m[0].slice(1, -1);
    if (!randomToken(token)) {
      return;
    }
    const before = lineBefore(text, m.index, 64);
    if (HASH_CONTEXT.test(before) || keyNamesAnId(before)) {
      return;
    }
    emit(m.index + 1, end);
  });
  each(LINE_TOKEN, text, (m) => {
    if (m.indices?.[2] && !HASH_CONTEXT.test(m[1]) && !keyNamesAnId(`${m[1]}=`) && randomToken(m[2])) {
      emit(m.indices[2][0], m.indices[2][1]);
    }
  });
});

/** All detectors, most specific first. */
export const DETECTORS: readonly Detector[] = [
  privateKeyDetector,
  jwtDetector,
  awsSecretDetector,
  providerTokenDetector,
  urlPasswordDetector,
  cardDetector,
  ibanDetector,
  nationalIdDetector,
  labelledNumberDetector,
  emailDetector,
  ipDetector,
  phoneDetector,
  assignmentDetector,
  highEntropyDetector,
];
