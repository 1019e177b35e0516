/**
 * What the fake "recognises" on a page, and how DeepSeek-OCR writes it back: in rich layout mode each block
 * comes after its grounding tokens (`<|ref|>kind<|/ref|><|det|>[[x1, y1, x2, y2]]<|/det|>`, coordinates on a
 * 0–999 grid, some blocks with `<|box|>` instead of `<|det|>`), headings as `#` lines and tables as HTML; in text
 * mode plain text only.
 */

export type Block =
  | { readonly kind: 'title'; readonly text: string; readonly level: 1 | 2 }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'table'; readonly rows: readonly (readonly string[])[] };

export type Page = readonly Block[];

/** Blocks from plain text (an image's caption): paragraphs split at blank lines, `# ` / `## ` lines as headings. */
export function blocksFromText(text: string): Block[] {
  const blocks: Block[] = [];
  for (const paragraph of text.replace(/\r\n?/g, '\n').split(/\n\s*\n/)) {
    const trimmed = paragraph.replace(/^\n+|\s+$/g, '');
    if (trimmed === '') continue;
    const heading = /^(#{1,2}) (.*)$/.exec(trimmed);
    if (heading && !trimmed.includes('\n')) blocks.push({ kind: 'title', text: heading[2], level: heading[1].length === 1 ? 1 : 2 });
    else blocks.push({ kind: 'text', text: trimmed });
  }
  return blocks;
}

const LAYOUT_KIND: Readonly<Record<Block['kind'], string>> = { title: 'title', text: 'text', table: 'table' };

/**
 * A page as rich layout recognition returns it: every block behind its grounding tokens. Without `grounding`,
 * the same Markdown without them (DeepSeek-OCR-2 asked to convert to Markdown without `<|grounding|>`).
 */
export function richText(page: Page, grounding = true): string {
  if (!grounding) return page.map(richBody).join('\n\n');
  const step = Math.max(1, Math.floor(900 / Math.max(1, page.length)));
  return page
    .map((block, i) => {
      const y1 = 40 + i * step;
      const y2 = Math.min(999, y1 + step - 10);
      const box = `[[60, ${y1}, 940, ${y2}]]`;
      // Tables and every third block carry `<|box|>`, as some model outputs do (deepseek-api.md names both).
      const where = block.kind === 'table' || i % 3 === 2 ? `<|box|>${box}<|/box|>` : `<|det|>${box}<|/det|>`;
      return `<|ref|>${LAYOUT_KIND[block.kind]}<|/ref|>${where}\n${richBody(block)}`;
    })
    .join('\n\n');
}

function richBody(block: Block): string {
  switch (block.kind) {
    case 'title':
      return `${'#'.repeat(block.level)} ${block.text}`;
    case 'text':
      return block.text;
    case 'table':
      return `<table>${block.rows.map((row) => `<tr>${row.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('')}</table>`;
  }
}

/** A page as text recognition returns it: the words only, blocks apart by a blank line, table cells by tabs. */
export function plainText(page: Page): string {
  return page
    .map((block) => (block.kind === 'table' ? block.rows.map((row) => row.join('\t')).join('\n') : block.text))
    .join('\n\n');
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function decodeXml(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (whole, name: string) => {
    switch (name) {
      case 'lt': return '<';
      case 'gt': return '>';
      case 'amp': return '&';
      case 'quot': return '"';
      case 'apos': return "'";
      default: {
        const code = name.startsWith('#x') ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return Number.isFinite(code) ? String.fromCodePoint(code) : whole;
      }
    }
  });
}
