/**
 * Token estimates for when the API reports no usage (an aborted stream): about 0.3 tokens per English/ASCII
 * character and 0.6 per CJK character (DeepSeek's "Token & Token Usage",
 * api-docs.deepseek.com/quick_start/token_usage). Counted in tenths of a token so the sum is exact,
 * then rounded up: an estimate should not undercount what was billed.
 */

/** Han, kana, Hangul, CJK punctuation and full-width forms count as CJK. */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;

const TENTHS_PER_CJK_CHAR = 6;
const TENTHS_PER_OTHER_CHAR = 3;

/** Estimated tokens in `text` (by Unicode code point); 0 for empty text. */
export function estimateTokens(text: string): number {
  let tenths = 0;
  for (const ch of text) {
    tenths += ch.charCodeAt(0) < 0x80 || !CJK.test(ch) ? TENTHS_PER_OTHER_CHAR : TENTHS_PER_CJK_CHAR;
  }
  return Math.ceil(tenths / 10);
}

/** Estimated tokens for `chars` characters whose text is not at hand (counted at the English rate). */
export function estimateTokensFromLength(chars: number): number {
  return Number.isFinite(chars) && chars > 0 ? Math.ceil((Math.round(chars) * TENTHS_PER_OTHER_CHAR) / 10) : 0;
}
