/**
 * The page's icons: simple 16×16 line drawings made here (the CSP allows no icon font), stroked in
 * `currentColor` so they take the theme's colour of the button they sit in. Each is built once and cloned.
 */
const SVG = 'http://www.w3.org/2000/svg';

/** Path data per icon, drawn on a 16×16 grid with a 1.3 px stroke. */
const DRAWINGS = {
  /** Two overlapping sheets. */
  copy: ['M5.5 5.5h7v8h-7z', 'M3.5 10.5v-8h7'],
  /** A check mark. */
  check: ['M3 8.5l3.2 3.2L13 4.8'],
  /** An arrow down into a text line with a caret: insert at the cursor. */
  insert: ['M8 2v7', 'M5 6.5L8 9.5l3-3', 'M2.5 13h11', 'M8 11.5v3'],
  /** A sheet with a plus/minus change bar: apply to the file (opens a diff). */
  apply: ['M4 1.5h5.5l3 3v10h-8.5z', 'M9.5 1.5v3h3', 'M6.5 8h4', 'M8.5 6v4', 'M6.5 12h4'],
  /** A circular arrow: ask again. */
  regenerate: ['M13 8a5 5 0 1 1-1.6-3.7', 'M13 2.5v2.8h-2.8'],
  /** A pencil. */
  edit: ['M10.5 2.5l3 3-8 8H2.5v-3z', 'M9 4l3 3'],
  /** A spark: DeepSeek's turn. */
  spark: ['M8 1.5c.6 3.3 1.9 4.9 5.5 6.5-3.6 1.6-4.9 3.2-5.5 6.5-.6-3.3-1.9-4.9-5.5-6.5 3.6-1.6 4.9-3.2 5.5-6.5z'],
  /** A slash in a box: a command's turn. */
  command: ['M2.5 2.5h11v11h-11z', 'M9.5 5l-3 6'],
  /** A paperclip: attach a file. */
  paperclip: ['M10.8 5.2l-4.6 4.6a1.3 1.3 0 0 0 1.8 1.8l5-5a2.7 2.7 0 0 0-3.8-3.8l-5.1 5.1a4.1 4.1 0 0 0 5.8 5.8l4.4-4.4'],
  /** A framed picture with a hill and a sun: an image attachment. */
  image: ['M2 3.5h12v9H2z', 'M2 11l3.5-3.5 3 3 2-2 3.5 3.5', 'M10.5 5.5h.01'],
  /** A sheet with lines of text: a document attachment. */
  document: ['M4 1.5h5.5l3 3v10h-8.5z', 'M9.5 1.5v3h3', 'M6 8h4.5', 'M6 10.5h4.5', 'M6 13h3'],
} as const;

export type IconName = keyof typeof DRAWINGS;

const built = new Map<IconName, SVGSVGElement>();

/** A fresh copy of the icon, hidden from assistive technology (the button around it carries the name). */
export function icon(name: IconName): SVGSVGElement {
  let template = built.get(name);
  if (!template) {
    template = document.createElementNS(SVG, 'svg');
    template.setAttribute('viewBox', '0 0 16 16');
    template.setAttribute('width', '16');
    template.setAttribute('height', '16');
    template.setAttribute('aria-hidden', 'true');
    template.setAttribute('focusable', 'false');
    template.setAttribute('class', `icon icon-${name}`);
    for (const d of DRAWINGS[name]) {
      const path = document.createElementNS(SVG, 'path');
      path.setAttribute('d', d);
      template.append(path);
    }
    built.set(name, template);
  }
  return template.cloneNode(true) as SVGSVGElement;
}
