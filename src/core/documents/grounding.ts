/**
 * DeepSeek-OCR's output to plain Markdown. The model writes a grounding pair before each block,
 * `<|ref|>label<|/ref|><|det|>[[x1,y1,x2,y2]]<|/det|>` (or `<|box|>…<|/box|>`), where the label is a layout
 * class (title, text, table, …): those pairs are dropped. In locate mode the ref holds the recognised words
 * instead: their text is kept. Tables come as HTML and become pipe tables; headings, lists and code are kept.
 *
 * Deterministic (the same pages give the same bytes): the text goes into a cache-friendly prompt.
 */
import type { OcrPage } from './types';

/** Layout classes DeepSeek-OCR (and the layout models it follows) labels blocks with; compared in lower case. */
const LAYOUT_CLASSES: ReadonlySet<string> = new Set([
  'title', 'sub_title', 'subtitle', 'doc_title', 'paragraph_title', 'section_title', 'text', 'paragraph', 'plain_text', 'content',
  'abstract', 'author', 'table', 'table_caption', 'table_footnote', 'image', 'figure', 'chart', 'picture', 'caption',
  'figure_caption', 'image_caption', 'chart_caption', 'header', 'page_header', 'footer', 'page_footer', 'page_number', 'number',
  'list', 'list_item', 'formula', 'equation', 'interline_equation', 'isolate_formula', 'formula_caption', 'footnote', 'reference',
  'code', 'algorithm', 'aside_text', 'seal', 'handwriting', 'sidebar', 'toc', 'catalog',
]);

const REF = /<\|ref\|>([\s\S]*?)<\|\/ref\|>/g;
/** Coordinates: a det or box pair with what it holds. */
const COORDINATES = /<\|(det|box)\|>[\s\S]*?<\|\/\1\|>/g;
/** Any other special token: `<|grounding|>`, `<|image|>`, an unmatched `<|ref|>` or `<|/det|>`, … */
const SPECIAL_TOKEN = /<\|\/?[A-Za-z_][A-Za-z0-9_]*\|>/g;

function dropTokens(text: string): string {
  const refsDone = text.replace(REF, (_, label: string) => (LAYOUT_CLASSES.has(label.trim().toLowerCase()) ? '' : label));
  return refsDone.replace(COORDINATES, '').replace(SPECIAL_TOKEN, '');
}

/** The text without grounding; a line that held only grounding goes too (it is no blank line of the page's). */
function dropGrounding(text: string): string {
  const kept: string[] = [];
  for (const line of text.replace(/\r\n?/g, '\n').replace(COORDINATES, (m) => m.replace(/\n/g, ' ')).split('\n')) {
    const clean = dropTokens(line);
    if (clean.trim() !== '' || clean === line) kept.push(clean);
  }
  return kept.join('\n');
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ', '#39': "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+\d*);/gi, (whole, name: string) => {
    const lower = name.toLowerCase();
    if (ENTITIES[lower] !== undefined) return ENTITIES[lower];
    const code = lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : lower.startsWith('#') ? parseInt(lower.slice(1), 10) : NaN;
    return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
  });
}

/** A cell's text on one line: inner tags gone (a `<br>` is a space), entities decoded, `|` escaped. */
function cellText(html: string): string {
  const text = decodeEntities(html.replace(/<br\s*\/?>/gi, ' ').replace(/<[^>]*>/g, ''));
  return text.replace(/\s+/g, ' ').trim().replace(/\\/g, '\\\\').replace(/\|/g, '\\|');
}

/** An HTML table's rows of cell texts (`<td>` and `<th>` alike; colspan and rowspan ignored; closing tags optional). */
function tableRows(html: string): string[][] {
  const rows: string[][] = [];
  for (const row of html.split(/<tr\b[^>]*>/i).slice(1)) {
    const cells = [...row.matchAll(/<t[dh]\b[^>]*>([\s\S]*?)(?=<\/?t[dhr]\b|<\/t(?:able|body|head|foot)\b|$)/gi)].map((m) => cellText(m[1]));
    if (cells.length > 0) rows.push(cells);
  }
  return rows;
}

/** Rows to a pipe table: the first row is the header, every row as wide as the widest. */
function pipeTable(rows: readonly string[][]): string {
  const width = Math.max(...rows.map((r) => r.length));
  const line = (cells: readonly string[]) => `| ${Array.from({ length: width }, (_, i) => cells[i] ?? '').join(' | ')} |`;
  return [line(rows[0]), line(Array.from({ length: width }, () => '---')), ...rows.slice(1).map(line)].join('\n');
}

function tablesToMarkdown(text: string): string {
  return text.replace(/<table\b[^>]*>([\s\S]*?)(?:<\/table>|$)/gi, (_, inner: string) => {
    const rows = tableRows(inner);
    return rows.length > 0 ? `\n\n${pipeTable(rows)}\n\n` : '\n\n';
  });
}

/**
 * Line endings to `\n`, trailing blanks off, at most one blank line in a row, nothing at either end; the lines
 * of a fenced code block are kept as they are.
 */
function normaliseWhitespace(text: string): string {
  const out: string[] = [];
  let fence: string | undefined;
  for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
    const marker = /^\s*(`{3,}|~{3,})/.exec(raw)?.[1];
    if (fence !== undefined) {
      out.push(raw);
      if (marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && raw.trim() === marker) fence = undefined;
      continue;
    }
    if (marker !== undefined) fence = marker;
    const line = raw.replace(/[ \t\u00a0]+$/, '');
    if (line === '' && (out.length === 0 || out[out.length - 1] === '')) continue;
    out.push(line);
  }
  while (out.length > 0 && out[out.length - 1].trim() === '') out.pop();
  return out.join('\n');
}

/** One page's text as Markdown. */
function pageToMarkdown(text: string): string {
  return normaliseWhitespace(tablesToMarkdown(dropGrounding(text)));
}

/**
 * The pages' text as one Markdown document, in page order, with `<!-- page N of M -->` between pages (an
 * empty page keeps its marker, so the numbers match the file's).
 */
export function groundingToMarkdown(pages: readonly OcrPage[]): string {
  const ordered = pages.map((page, position) => ({ page, position })).sort((a, b) => a.page.index - b.page.index || a.position - b.position);
  const total = ordered.length;
  const parts = ordered.map(({ page }, i) => {
    const body = pageToMarkdown(page.text);
    return i === 0 ? body : `<!-- page ${i + 1} of ${total} -->${body ? `\n\n${body}` : ''}`;
  });
  return parts.filter((p, i) => i > 0 || p !== '').join('\n\n');
}
