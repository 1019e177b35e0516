/**
 * A deterministic stand-in for DeepSeek's tokenizer. Close enough in scale (≈0.3 tokens per English
 * character, one per CJK character) for cache and pricing tests, and stable: the same text always gives the
 * same tokens, which is what the prefix-cache simulation needs.
 */
const TOKEN = / ?[A-Za-z]{1,4}| ?\d{1,3}|\s+|[^\sA-Za-z\d]/gu;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

export function countTokens(text: string): number {
  return tokenize(text).length;
}
