/**
 * Heuristics for "random-looking" strings, used by the HIGH_ENTROPY detector on quoted strings and
 * assignment values. A token is judged random when it is long enough, mixes letters and digits, has a high
 * Shannon entropy for its length, changes character class often and is not mostly pronounceable words
 * (identifiers and paths are made of words; random keys are not). Hex-only strings (git SHAs, content
 * hashes), UUIDs, hash-prefixed integrity values, alphabets and other runs are never random here. About 93%
 * of random 20-character base62/base64 strings pass (97% at 32, 99% at 64); lower-case base36 ~75%.
 */

/** Shannon entropy in bits per character of the string's own character distribution. */
export function shannonEntropy(text: string): number {
  const n = text.length;
  if (n === 0) {
    return 0;
  }
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / n;
    bits -= p * Math.log2(p);
  }
  return bits;
}

const enum CharClass {
  Lower,
  Upper,
  Digit,
  Other,
}

function classOf(c: number): CharClass {
  if (c >= 97 && c <= 122) {
    return CharClass.Lower;
  }
  if (c >= 65 && c <= 90) {
    return CharClass.Upper;
  }
  if (c >= 48 && c <= 57) {
    return CharClass.Digit;
  }
  return CharClass.Other;
}

/**
 * Runs of letters/digits per character: `handleOAuth2Callback` is a few words (handle, O, Auth, 2,
 * Callback → 0.25), `q7Xb2LmP9vKd` is many tiny runs (≈ 0.7). A capitalised word (`Callback`) is one run;
 * other characters end a run without counting.
 */
export function runDensity(text: string): number {
  let runs = 0;
  let prev = CharClass.Other;
  for (let i = 0; i < text.length; i++) {
    const cls = classOf(text.charCodeAt(i));
    if (cls !== CharClass.Other && cls !== prev && !(prev === CharClass.Upper && cls === CharClass.Lower)) {
      runs++;
    }
    prev = cls;
  }
  return text.length === 0 ? 0 : runs / text.length;
}

/**
 * Share of characters inside pronounceable word-like runs (`Abc…` or `abc…` with a quarter to three quarters
 * vowels): `convertI32PairToI53Checked` is mostly words (0.69); in a random key lower-case runs are short and
 * have few vowels (5 of 26 letters).
 */
export function wordCoverage(text: string): number {
  let covered = 0;
  for (const m of text.matchAll(/[A-Z][a-z]{2,}|[a-z]{3,}/g)) {
    const vowels = m[0].replace(/[^aeiouyAEIOUY]/g, '').length;
    if (vowels >= m[0].length / 4 && vowels <= (m[0].length * 3) / 4) {
      covered += m[0].length;
    }
  }
  return text.length === 0 ? 0 : covered / text.length;
}

/** True when `text` holds `length` consecutive characters counting up or down by one (abcde, 12345, 98765). */
export function hasSequentialRun(text: string, length: number): boolean {
  let up = 1;
  let down = 1;
  for (let i = 1; i < text.length; i++) {
    const d = text.charCodeAt(i) - text.charCodeAt(i - 1);
    up = d === 1 ? up + 1 : 1;
    down = d === -1 ? down + 1 : 1;
    if (up >= length || down >= length) {
      return true;
    }
  }
  return false;
}

/** True when one character repeats `length` times in a row (xxxxx, 00000, *****). */
export function hasRepeatedRun(text: string, length: number): boolean {
  let run = 1;
  for (let i = 1; i < text.length; i++) {
    run = text.charCodeAt(i) === text.charCodeAt(i - 1) ? run + 1 : 1;
    if (run >= length) {
      return true;
    }
  }
  return false;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HEX = /^[0-9a-f]+$/i;
const HASH_PREFIX = /^(?:sha(?:1|224|256|384|512)|md5|h1|blake2b?|xxh\d*)[-:_]/i;

/** Minimum length for a HIGH_ENTROPY value. */
export const MIN_RANDOM_LENGTH = 20;

/** Entropy threshold in bits per character for a string of `length` characters. */
export function entropyThreshold(length: number): number {
  return Math.min(4.0, 0.8 * Math.log2(length));
}

/** True when `token` looks like a generated secret rather than a word, identifier, path, hash or id. */
export function looksRandom(token: string): boolean {
  const n = token.length;
  if (n < MIN_RANDOM_LENGTH || HEX.test(token) || UUID.test(token) || HASH_PREFIX.test(token)) {
    return false;
  }
  let lower = 0;
  let upper = 0;
  let digit = 0;
  for (let i = 0; i < n; i++) {
    switch (classOf(token.charCodeAt(i))) {
      case CharClass.Lower:
        lower++;
        break;
      case CharClass.Upper:
        upper++;
        break;
      case CharClass.Digit:
        digit++;
        break;
      default:
        break;
    }
  }
  const letters = lower + upper;
  if (digit === 0 || letters < n / 3) {
    return false;
  }
  if (hasSequentialRun(token, 5) || hasRepeatedRun(token, 4)) {
    return false;
  }
  if (runDensity(token) < 0.3 || wordCoverage(token) >= 0.5) {
    return false;
  }
  return shannonEntropy(token) >= entropyThreshold(n);
}
