import type { Frame } from 'playwright-core';

/**
 * WCAG 2.x contrast, measured on what the browser computed: the element's text colour against the first
 * opaque background found walking up from it (translucent layers are blended in on the way).
 */
type Rgba = readonly [number, number, number, number];

export function parseColor(css: string): Rgba | undefined {
  const m = /^rgba?\(\s*([\d.]+)[ ,]+([\d.]+)[ ,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/.exec(css.trim());
  if (!m) return undefined;
  const alpha = m[4] === undefined ? 1 : m[4].endsWith('%') ? Number(m[4].slice(0, -1)) / 100 : Number(m[4]);
  return [Number(m[1]), Number(m[2]), Number(m[3]), alpha];
}

/** `top` over `bottom` (bottom opaque). */
export function blend(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [top[0] * a + bottom[0] * (1 - a), top[1] * a + bottom[1] * (1 - a), top[2] * a + bottom[2] * (1 - a), 1];
}

function luminance([r, g, b]: Rgba): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrastRatio(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

/**
 * The contrast of the first element matching `selector` in the webview frame, as rendered now (hover or focus
 * the element first to measure that state). Throws when the element is missing.
 */
export async function measuredContrast(frame: Frame, selector: string): Promise<{ ratio: number; fg: string; bg: string }> {
  const colors = await frame.locator(selector).first().evaluate((node) => {
    const layers: string[] = [];
    let el: Element | null = node;
    while (el) {
      layers.push(getComputedStyle(el).backgroundColor);
      el = el.parentElement;
    }
    return { fg: getComputedStyle(node).color, layers };
  });
  let bg: Rgba = [255, 255, 255, 1];
  const stack: Rgba[] = [];
  for (const layer of colors.layers) {
    const c = parseColor(layer);
    if (!c || c[3] === 0) continue;
    stack.push(c);
    if (c[3] === 1) break;
  }
  // The body of a webview is painted by VS Code with the theme's background; stack[last] is the opaque base.
  for (const layer of stack.reverse()) bg = layer[3] === 1 ? layer : blend(layer, bg);
  const fgRaw = parseColor(colors.fg) ?? [0, 0, 0, 1];
  const fg = fgRaw[3] === 1 ? fgRaw : blend(fgRaw, bg);
  return { ratio: contrastRatio(fg, bg), fg: colors.fg, bg: `rgb(${bg.slice(0, 3).map(Math.round).join(', ')})` };
}

/** The colour themes the UI tests check, by the ids VS Code's settings use. */
export const THEMES = {
  darkModern: 'Default Dark Modern',
  lightModern: 'Default Light Modern',
  highContrast: 'Default High Contrast',
} as const;
