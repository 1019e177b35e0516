/**
 * Removes credentials from text that is about to be logged or shown in an error. This is the last line of
 * defence for logs; request redaction (secrets and PII in prompts) is a separate, richer component.
 */

const TOKEN_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}\b/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /\b(api[_-]?key|authorization|x-api-key)(["']?\s*[:=]\s*["']?)[^\s"',}]{6,}/gi,
];

export const SCRUBBED = '[redacted]';

export function scrubSecrets(text: string, knownSecrets: Iterable<string> = []): string {
  let out = text;
  for (const secret of knownSecrets) {
    if (secret.length >= 4) {
      out = out.split(secret).join(SCRUBBED);
    }
  }
  out = out.replace(TOKEN_PATTERNS[0], SCRUBBED);
  out = out.replace(TOKEN_PATTERNS[1], `Bearer ${SCRUBBED}`);
  out = out.replace(TOKEN_PATTERNS[2], (_m, name: string, sep: string) => `${name}${sep}${SCRUBBED}`);
  return out;
}
