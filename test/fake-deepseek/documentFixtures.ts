import { deflateSync } from 'zlib';
import { crc32, makeZip } from './zip';

/**
 * Real, small documents for tests, built in code so variants (a 1001-page PDF, a big PNG) need not be
 * committed. The fake "recognises" exactly the text given here (recognition.ts); test/fixtures/documents/
 * holds a committed set made by generate.mjs from these builders.
 */

export interface PngOptions {
  readonly width: number;
  readonly height: number;
  /** Stored as a `tEXt` chunk with keyword `Text` (`iTXt` when it is not Latin-1): what the fake "reads". */
  readonly text?: string;
  /** Bytes of incompressible filler in an ancillary chunk, to make a file of a given size. */
  readonly paddingBytes?: number;
}

/** A decodable RGB PNG: a light page with dark bars where lines of text would be, and the text as metadata. */
export function makePng({ width, height, text, paddingBytes }: PngOptions): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // Bit depth.
  ihdr[9] = 2; // Truecolour.
  const rows: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(1 + width * 3, 0xf4);
    row[0] = 0; // Filter: none.
    const line = Math.floor((y - 8) / 14);
    const inBar = y >= 8 && (y - 8) % 14 < 7;
    const barEnd = Math.floor(width * (0.55 + 0.4 * (((line * 37) % 10) / 10)));
    for (let x = 8; inBar && x < Math.min(width - 8, barEnd); x++) {
      row.fill(line === 0 ? 0xb0 : 0x30, 1 + x * 3, 1 + x * 3 + 3);
      if (line === 0) row[1 + x * 3] = 0xe0; // The first line in red, as an error would be.
    }
    rows.push(row);
  }
  const chunks = [chunk('IHDR', ihdr)];
  if (text !== undefined) {
    const latin1 = [...text].every((c) => c.charCodeAt(0) > 0 && c.charCodeAt(0) <= 0xff);
    chunks.push(latin1
      ? chunk('tEXt', Buffer.concat([Buffer.from('Text\u0000', 'latin1'), Buffer.from(text, 'latin1')]))
      : chunk('iTXt', Buffer.concat([Buffer.from('Text\u0000\u0000\u0000\u0000\u0000', 'latin1'), Buffer.from(text, 'utf8')])));
  }
  if (paddingBytes && paddingBytes > 0) chunks.push(chunk('pdDg', filler(paddingBytes)));
  chunks.push(chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0)));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ...chunks]);
}

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])));
  return Buffer.concat([head, data, crc]);
}

/** Deterministic bytes that do not compress (xorshift). */
function filler(n: number): Buffer {
  const out = Buffer.alloc(n);
  let x = 0x2545f491;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * A decodable baseline JPEG: uniform grey (every block's DC difference 0, no AC coefficients, with one-code
 * Huffman tables), the text in a `COM` segment, which is what the fake "reads".
 */
export function makeJpeg({ width, height, text }: { width: number; height: number; text?: string }): Buffer {
  const segment = (marker: number, payload: Buffer) => {
    const head = Buffer.from([0xff, marker, 0, 0]);
    head.writeUInt16BE(payload.length + 2, 2);
    return Buffer.concat([head, payload]);
  };
  const sof = Buffer.alloc(9);
  sof[0] = 8; // Precision.
  sof.writeUInt16BE(height, 1);
  sof.writeUInt16BE(width, 3);
  sof[5] = 1; // One component (grey): id 1, sampling 1×1, quantisation table 0.
  sof[6] = 1;
  sof[7] = 0x11;
  sof[8] = 0;
  const oneCode = (tableClass: number) => Buffer.concat([Buffer.from([tableClass << 4]), Buffer.from([1, ...new Array<number>(15).fill(0)]), Buffer.from([0])]);
  // Two bits a block (DC category 0, then end of block), padded with ones.
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const scan = Buffer.alloc(Math.ceil((2 * blocks) / 8));
  const usedBits = 2 * blocks;
  if (usedBits % 8) scan[scan.length - 1] = (1 << (8 - (usedBits % 8))) - 1;
  return Buffer.concat([
    Buffer.from([0xff, 0xd8]),
    segment(0xe0, Buffer.from([0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0])),
    ...(text !== undefined ? [segment(0xfe, Buffer.from(text, 'utf8'))] : []),
    segment(0xdb, Buffer.concat([Buffer.from([0]), Buffer.alloc(64, 1)])),
    segment(0xc0, sof),
    segment(0xc4, oneCode(0)),
    segment(0xc4, oneCode(1)),
    segment(0xda, Buffer.from([1, 1, 0x00, 0, 63, 0])),
    scan,
    Buffer.from([0xff, 0xd9]),
  ]);
}

/**
 * A decodable GIF89a: every pixel the first of two palette colours, coded as LZW "clear, pixel" pairs (so the
 * code size stays at 3 bits), and the text in a comment extension, which is what the fake "reads".
 */
export function makeGif({ width, height, text }: { width: number; height: number; text?: string }): Buffer {
  const screen = Buffer.alloc(7);
  screen.writeUInt16LE(width, 0);
  screen.writeUInt16LE(height, 2);
  screen[4] = 0x80; // A global palette of two colours.
  const palette = Buffer.from([0xf4, 0xf4, 0xf4, 0x30, 0x30, 0x30]);
  const subBlocks = (data: Buffer) => {
    const out: Buffer[] = [];
    for (let i = 0; i < data.length; i += 255) {
      const piece = data.subarray(i, i + 255);
      out.push(Buffer.from([piece.length]), piece);
    }
    return Buffer.concat([...out, Buffer.from([0])]);
  };
  const comment = text !== undefined ? Buffer.concat([Buffer.from([0x21, 0xfe]), subBlocks(Buffer.from(text, 'utf8'))]) : Buffer.alloc(0);
  const descriptor = Buffer.alloc(10);
  descriptor[0] = 0x2c;
  descriptor.writeUInt16LE(width, 5);
  descriptor.writeUInt16LE(height, 7);
  // Codes of 3 bits, least significant bit first: (clear = 4, pixel 0) per pixel, then end of information = 5.
  const codes = [...Array.from({ length: width * height }, () => [4, 0]).flat(), 5];
  const lzw = Buffer.alloc(Math.ceil((codes.length * 3) / 8));
  codes.forEach((code, i) => {
    for (let bit = 0; bit < 3; bit++) {
      if (code & (1 << bit)) lzw[(i * 3 + bit) >> 3] |= 1 << ((i * 3 + bit) & 7);
    }
  });
  return Buffer.concat([Buffer.from('GIF89a', 'latin1'), screen, palette, comment, descriptor, Buffer.from([2]), subBlocks(lzw), Buffer.from([0x3b])]);
}

/**
 * A PDF with one page per entry, each a list of lines: `# Heading` / `## Heading` set large (the fake reads
 * them as headings), `a | b | c` as a table row (cells apart by wide gaps), anything else as a paragraph line.
 * Content streams are uncompressed unless `compress` (then `/FlateDecode`).
 */
export function makePdf(pages: readonly (readonly string[])[], options: { compress?: boolean } = {}): Buffer {
  const objects: (string | Buffer)[] = [];
  const pageCount = pages.length;
  // 1: catalog, 2: page tree, 3: font, then a page and its content stream per page.
  const kids = pages.map((_, i) => `${4 + 2 * i} 0 R`).join(' ');
  objects.push('<< /Type /Catalog /Pages 2 0 R >>');
  objects.push(`<< /Type /Pages /Kids [${kids}] /Count ${pageCount} >>`);
  objects.push('<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>');
  pages.forEach((lines, i) => {
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents ${5 + 2 * i} 0 R >>`);
    const content = Buffer.from(pageContent(lines), 'latin1');
    const data = options.compress ? deflateSync(content) : content;
    objects.push(Buffer.concat([
      Buffer.from(`<< /Length ${data.length}${options.compress ? ' /Filter /FlateDecode' : ''} >>\nstream\n`, 'latin1'),
      data,
      Buffer.from('\nendstream', 'latin1'),
    ]));
  });
  const parts: Buffer[] = [Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n', 'latin1')];
  const offsets: number[] = [];
  let length = parts[0].length;
  objects.forEach((body, i) => {
    offsets.push(length);
    const part = Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`, 'latin1'), typeof body === 'string' ? Buffer.from(body, 'latin1') : body, Buffer.from('\nendobj\n', 'latin1')]);
    parts.push(part);
    length += part.length;
  });
  const xref = [`xref\n0 ${objects.length + 1}\n`, '0000000000 65535 f \n', ...offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`)].join('');
  parts.push(Buffer.from(`${xref}trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${length}\n%%EOF\n`, 'latin1'));
  return Buffer.concat(parts);
}

function pdfString(text: string): string {
  return `(${text.replace(/[\\()]/g, (c) => `\\${c}`)})`;
}

function pageContent(lines: readonly string[]): string {
  const out: string[] = [];
  let y = 740;
  for (const line of lines) {
    const heading = /^(#{1,2}) (.*)$/.exec(line);
    const size = heading ? (heading[1].length === 1 ? 20 : 16) : 11;
    const cells = heading ? [] : line.split(' | ');
    const shown = heading
      ? `${pdfString(heading[2])} Tj`
      : cells.length > 1
        ? `[${cells.map(pdfString).join(' -4000 ')}] TJ`
        : `${pdfString(line)} Tj`;
    out.push(`BT /F1 ${size} Tf 72 ${y} Td ${shown} ET`);
    y -= size + 10;
  }
  return `${out.join('\n')}\n`;
}

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A DOCX block: a heading, a paragraph, or a table (rows of cells). */
export type DocxBlock = { readonly heading: string; readonly level?: 1 | 2 } | { readonly paragraph: string } | { readonly table: readonly (readonly string[])[] };

/** A minimal Word document (styles for the headings included) with these blocks in order. */
export function makeDocx(blocks: readonly DocxBlock[]): Buffer {
  const W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"';
  const run = (text: string) => `<w:r><w:t xml:space="preserve">${xml(text)}</w:t></w:r>`;
  const body = blocks.map((block) => {
    if ('heading' in block) return `<w:p><w:pPr><w:pStyle w:val="Heading${block.level ?? 1}"/></w:pPr>${run(block.heading)}</w:p>`;
    if ('paragraph' in block) return `<w:p>${run(block.paragraph)}</w:p>`;
    const rows = block.table.map((row) => `<w:tr>${row.map((cell) => `<w:tc><w:tcPr><w:tcW w:w="2400" w:type="dxa"/></w:tcPr><w:p>${run(cell)}</w:p></w:tc>`).join('')}</w:tr>`);
    return `<w:tbl><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/></w:tblPr>${rows.join('')}</w:tbl>`;
  });
  const style = (id: string, name: string, size: number) =>
    `<w:style w:type="paragraph" w:styleId="${id}"><w:name w:val="${name}"/><w:basedOn w:val="Normal"/><w:next w:val="Normal"/><w:pPr><w:keepNext/><w:outlineLvl w:val="${id === 'Heading1' ? 0 : 1}"/></w:pPr><w:rPr><w:b/><w:sz w:val="${size}"/></w:rPr></w:style>`;
  return makeZip([
    { name: '[Content_Types].xml', data: `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/word/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/></Types>` },
    { name: '_rels/.rels', data: `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>` },
    { name: 'word/_rels/document.xml.rels', data: `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/></Relationships>` },
    { name: 'word/styles.xml', data: `${XML_HEAD}<w:styles ${W}><w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/></w:style>${style('Heading1', 'heading 1', 32)}${style('Heading2', 'heading 2', 26)}<w:style w:type="table" w:styleId="TableGrid"><w:name w:val="Table Grid"/><w:tblPr><w:tblBorders><w:top w:val="single" w:sz="4"/><w:left w:val="single" w:sz="4"/><w:bottom w:val="single" w:sz="4"/><w:right w:val="single" w:sz="4"/><w:insideH w:val="single" w:sz="4"/><w:insideV w:val="single" w:sz="4"/></w:tblBorders></w:tblPr></w:style></w:styles>` },
    { name: 'word/document.xml', data: `${XML_HEAD}<w:document ${W}><w:body>${body.join('')}<w:sectPr><w:pgSz w:w="12240" w:h="15840"/></w:sectPr></w:body></w:document>` },
  ]);
}

/** A slide: its title and body paragraphs. */
export interface PptxSlide {
  readonly title: string;
  readonly body: readonly string[];
}

/**
 * A small PPTX with these slides in order: the parts the fake and a reader of slide XML need (content types,
 * presentation, slides). It omits the master, layout and theme PowerPoint itself wants.
 */
export function makePptx(slides: readonly PptxSlide[]): Buffer {
  const NS = 'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main"';
  const shape = (id: number, name: string, placeholder: string, paragraphs: readonly string[]) =>
    `<p:sp><p:nvSpPr><p:cNvPr id="${id}" name="${name}"/><p:cNvSpPr/><p:nvPr><p:ph type="${placeholder}"${placeholder === 'body' ? ' idx="1"' : ''}/></p:nvPr></p:nvSpPr><p:spPr/><p:txBody><a:bodyPr/><a:lstStyle/>${paragraphs.map((text) => `<a:p><a:r><a:rPr lang="en-US"/><a:t>${xml(text)}</a:t></a:r></a:p>`).join('')}</p:txBody></p:sp>`;
  const entries: { name: string; data: string }[] = [
    {
      name: '[Content_Types].xml',
      data: `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/ppt/presentation.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>${slides.map((_, i) => `<Override PartName="/ppt/slides/slide${i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.presentationml.slide+xml"/>`).join('')}</Types>`,
    },
    { name: '_rels/.rels', data: `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="ppt/presentation.xml"/></Relationships>` },
    {
      name: 'ppt/presentation.xml',
      data: `${XML_HEAD}<p:presentation ${NS}><p:sldIdLst>${slides.map((_, i) => `<p:sldId id="${256 + i}" r:id="rId${i + 1}"/>`).join('')}</p:sldIdLst><p:sldSz cx="9144000" cy="6858000"/><p:notesSz cx="6858000" cy="9144000"/></p:presentation>`,
    },
    {
      name: 'ppt/_rels/presentation.xml.rels',
      data: `${XML_HEAD}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">${slides.map((_, i) => `<Relationship Id="rId${i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/slide" Target="slides/slide${i + 1}.xml"/>`).join('')}</Relationships>`,
    },
  ];
  slides.forEach((slide, i) => {
    entries.push({
      name: `ppt/slides/slide${i + 1}.xml`,
      data: `${XML_HEAD}<p:sld ${NS}><p:cSld><p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr><p:grpSpPr/>${shape(2, 'Title 1', 'title', [slide.title])}${shape(3, 'Content 2', 'body', slide.body)}</p:spTree></p:cSld></p:sld>`,
    });
  });
  return makeZip(entries);
}

/** The committed fixtures' contents (test/fixtures/documents/), so tests can name what each file says. */
export const FIXTURE_TEXT = {
  errorScreenshot: [
    "TypeError: Cannot read properties of undefined (reading 'map')",
    '    at renderList (src/list.ts:42:17)',
    '    at App (src/app.tsx:18:5)',
    '',
    'Reported by jane.doe@example.com',
    'DEEPSEEK_KEY=sk-live-4f9a2c7e1b8d4e6fa3c5b7d9e0f1a2b3',
  ].join('\n'),
  diagram: ['# Request flow', '', 'Browser -> API gateway -> Orders service -> Postgres'].join('\n'),
  spec: [
    ['# Orders API specification', 'The Orders API lets a client create, list and cancel orders.'],
    ['## Status codes', 'Code | Meaning', '200 | The order was created', '409 | The order already exists'],
    ['Orders older than 90 days are archived and can no longer be cancelled.'],
  ],
  slides: [
    { title: 'Quarterly review', body: ['Revenue grew 12% over the quarter'] },
    { title: 'Next steps', body: ['Ship the orders export', 'Hire two engineers'] },
  ],
  notes: [
    { heading: 'Meeting notes' },
    { paragraph: 'We agreed to move the launch to March.' },
    { table: [['Owner', 'Task'], ['Ana', 'Release notes'], ['Ben', 'Load test']] },
  ],
} as const satisfies {
  errorScreenshot: string;
  diagram: string;
  spec: readonly (readonly string[])[];
  slides: readonly PptxSlide[];
  notes: readonly DocxBlock[];
};

/** The committed fixtures, by file name: what generate.mjs writes. */
export function fixtureFiles(): Record<string, Buffer> {
  return {
    'error-screenshot.png': makePng({ width: 320, height: 120, text: FIXTURE_TEXT.errorScreenshot }),
    'diagram.png': makePng({ width: 480, height: 200, text: FIXTURE_TEXT.diagram }),
    'spec.pdf': makePdf(FIXTURE_TEXT.spec),
    'slides.pptx': makePptx(FIXTURE_TEXT.slides),
    'notes.docx': makeDocx(FIXTURE_TEXT.notes),
  };
}
