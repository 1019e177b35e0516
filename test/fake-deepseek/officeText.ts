import { decodeXml, type Block, type Page } from './documentBlocks';

/**
 * The text of DOCX and PPTX files, read from their XML by pattern (enough for the fixtures and for files Word
 * and PowerPoint write; nested tables and text boxes are flattened or skipped).
 */

/** `word/document.xml`: paragraphs (`Heading1`/`Heading2`/`Title` styles as headings) and tables, as one page. */
export function docxPages(documentXml: string): Page[] {
  const body = /<w:body>([\s\S]*)<\/w:body>/.exec(documentXml)?.[1] ?? documentXml;
  const blocks: Block[] = [];
  for (const match of body.matchAll(/<w:tbl>[\s\S]*?<\/w:tbl>|<w:p[ >][\s\S]*?<\/w:p>/g)) {
    const xml = match[0];
    if (xml.startsWith('<w:tbl>')) {
      const rows = [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((row) =>
        [...row[0].matchAll(/<w:tc(?:\s[^>]*)?>[\s\S]*?<\/w:tc>/g)].map((cell) => runs(cell[0], 'w:t')));
      if (rows.length) blocks.push({ kind: 'table', rows });
      continue;
    }
    const text = runs(xml, 'w:t');
    if (text.trim() === '') continue;
    const style = /<w:pStyle w:val="([^"]+)"/.exec(xml)?.[1] ?? '';
    if (/^(Heading1|Title)$/.test(style)) blocks.push({ kind: 'title', text, level: 1 });
    else if (/^Heading[2-9]$/.test(style)) blocks.push({ kind: 'title', text, level: 2 });
    else blocks.push({ kind: 'text', text });
  }
  return [blocks];
}

/** `ppt/slides/slideN.xml` in slide-number order: one page per slide; title placeholders as headings, tables kept. */
export function pptxPages(entries: ReadonlyMap<string, Buffer>): Page[] {
  const slides = [...entries.keys()]
    .map((name) => ({ name, n: Number(/^ppt\/slides\/slide(\d+)\.xml$/.exec(name)?.[1] ?? NaN) }))
    .filter((s) => Number.isFinite(s.n))
    .sort((a, b) => a.n - b.n);
  return slides.map(({ name }) => {
    const xml = entries.get(name)?.toString('utf8') ?? '';
    const blocks: Block[] = [];
    for (const match of xml.matchAll(/<p:sp>[\s\S]*?<\/p:sp>|<a:tbl>[\s\S]*?<\/a:tbl>/g)) {
      const shape = match[0];
      if (shape.startsWith('<a:tbl>')) {
        const rows = [...shape.matchAll(/<a:tr[ >][\s\S]*?<\/a:tr>/g)].map((row) =>
          [...row[0].matchAll(/<a:tc(?:\s[^>]*)?>[\s\S]*?<\/a:tc>/g)].map((cell) => runs(cell[0], 'a:t')));
        if (rows.length) blocks.push({ kind: 'table', rows });
        continue;
      }
      const title = /<p:ph\s+type="(?:title|ctrTitle)"/.test(shape);
      for (const paragraph of shape.matchAll(/<a:p>[\s\S]*?<\/a:p>/g)) {
        const text = runs(paragraph[0], 'a:t');
        if (text.trim() === '') continue;
        blocks.push(title ? { kind: 'title', text, level: 1 } : { kind: 'text', text });
      }
    }
    return blocks;
  });
}

/** The text of every `<tag>…</tag>` run in the XML, joined. */
function runs(xml: string, tag: string): string {
  const pattern = new RegExp(`<${tag}(?:\\s[^>]*)?>([^<]*)</${tag}>`, 'g');
  return [...xml.matchAll(pattern)].map((m) => decodeXml(m[1])).join('');
}
