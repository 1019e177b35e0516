/**
 * Placeholder syntax: `⟦KIND_3fa2b19c⟧` — the kind, then the first 8 hex digits of
 * HMAC-SHA256(salt, kind + value) (16 in the rare case of a collision inside one Redactor). The brackets are
 * U+27E6/U+27E7, which ordinary code and prose do not use, so placeholders are easy to find, are never
 * mistaken for a value by the detectors, and survive a model's answer unchanged.
 */

export const PLACEHOLDER_OPEN = '\u27E6';
export const PLACEHOLDER_CLOSE = '\u27E7';

const KIND = '[A-Z][A-Z0-9_]{0,31}';
const HEX = '[0-9a-f]{8}(?:[0-9a-f]{8})?';

/** Source of the placeholder pattern; build a fresh global RegExp from it (lastIndex is per object). */
export const PLACEHOLDER_SOURCE = `${PLACEHOLDER_OPEN}${KIND}_${HEX}${PLACEHOLDER_CLOSE}`;

/** The longest possible placeholder, in UTF-16 code units. */
export const MAX_PLACEHOLDER_LENGTH = 1 + 32 + 1 + 16 + 1;

const WHOLE = new RegExp(`^${PLACEHOLDER_SOURCE}$`);
const PREFIX = new RegExp(`^${PLACEHOLDER_OPEN}(?:[A-Z][A-Z0-9_]{0,31}[0-9a-f]{0,16})?$`);

/** A new global RegExp that finds placeholders. */
export function placeholderPattern(): RegExp {
  return new RegExp(PLACEHOLDER_SOURCE, 'g');
}

export function isPlaceholder(text: string): boolean {
  return WHOLE.test(text);
}

/** True when `tail` (starting with ⟦) could still grow into a placeholder. */
export function couldBePlaceholderPrefix(tail: string): boolean {
  return tail.length < MAX_PLACEHOLDER_LENGTH && PREFIX.test(tail);
}

export function formatPlaceholder(kind: string, hex: string): string {
  return `${PLACEHOLDER_OPEN}${kind}_${hex}${PLACEHOLDER_CLOSE}`;
}
