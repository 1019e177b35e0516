import { inflateSync } from 'zlib';
import type { Block, Page } from './documentBlocks';

/**
 * The text of a PDF, read the simple way: page objects (`/Type /Page`, not `/Pages`) in file order, each
 * page's content streams (inflated when `/FlateDecode`), and the strings its `Tj`, `'`, `"` and `TJ` operators
 * show. A line set in a font of 16 pt or more is a heading; a `TJ` whose strings are apart by a gap of 1000
 * or more (a thousandth of the font size each) is a table row, its strings the cells. Object streams and
 * encrypted files are not read (their pages are counted but come out empty).
 */

/** How many page objects a PDF has. */
export function countPdfPages(text: string): number {
  return [...text.matchAll(/\/Type\s*\/Page(?![A-Za-z])/g)].length;
}

/** The pages of a PDF given as latin1 text (every byte one character). */
export function pdfPages(text: string): Page[] {
  const objects = new Map<number, string>();
  const order: number[] = [];
  for (const m of text.matchAll(/(\d+)\s+\d+\s+obj\b([\s\S]*?)\bendobj/g)) {
    const n = Number(m[1]);
    objects.set(n, m[2]);
    order.push(n);
  }
  const pages: Page[] = [];
  for (const n of order) {
    const body = objects.get(n) ?? '';
    const dict = body.split(/\bstream\b/)[0];
    if (!/\/Type\s*\/Page(?![A-Za-z])/.test(dict)) continue;
    const contents = /\/Contents\s*(?:(\d+)\s+\d+\s+R|\[([^\]]*)\])/.exec(dict);
    const refs = contents?.[1] !== undefined
      ? [Number(contents[1])]
      : [...(contents?.[2] ?? '').matchAll(/(\d+)\s+\d+\s+R/g)].map((r) => Number(r[1]));
    const content = refs.map((ref) => streamData(objects.get(ref) ?? '')).join('\n');
    pages.push(blocksOf(textLines(content)));
  }
  return pages;
}

/** The decoded data of a stream object, or '' when it cannot be read. */
function streamData(body: string): string {
  const start = /\bstream\r?\n/.exec(body);
  if (!start) return '';
  const dict = body.slice(0, start.index);
  const from = start.index + start[0].length;
  const declared = /\/Length\s+(\d+)(?!\s+\d+\s+R)/.exec(dict);
  const end = declared ? from + Number(declared[1]) : body.lastIndexOf('endstream');
  const data = body.slice(from, end);
  const raw = declared ? data : data.replace(/\r?\n$/, '');
  if (!/\/FlateDecode/.test(dict)) return raw;
  try {
    return inflateSync(Buffer.from(raw, 'latin1')).toString('latin1');
  } catch {
    return '';
  }
}

interface Line {
  readonly cells: string[];
  readonly size: number;
}

type Operand = number | string | { readonly str: string } | Operand[];

/** The text lines a content stream shows: one per text object or text positioning move. */
function textLines(content: string): Line[] {
  const lines: Line[] = [];
  let size = 12;
  let cells: string[] = [];
  const flush = () => {
    const kept = cells.map((c) => c.trim());
    if (kept.some((c) => c !== '')) lines.push({ cells: kept.filter((c) => c !== ''), size });
    cells = [];
  };
  const stack: Operand[][] = [[]];
  const push = (operand: Operand) => stack[stack.length - 1].push(operand);
  let at = 0;
  while (at < content.length) {
    const ch = content[at];
    if (/\s/.test(ch)) {
      at++;
    } else if (ch === '%') {
      while (at < content.length && content[at] !== '\n' && content[at] !== '\r') at++;
    } else if (ch === '(') {
      const { str, next } = literalString(content, at);
      push({ str });
      at = next;
    } else if (ch === '<' && content[at + 1] !== '<') {
      const close = content.indexOf('>', at);
      const hex = content.slice(at + 1, close < 0 ? content.length : close).replace(/\s/g, '');
      push({ str: Buffer.from(hex.length % 2 ? `${hex}0` : hex, 'hex').toString('latin1') });
      at = close < 0 ? content.length : close + 1;
    } else if (ch === '[') {
      stack.push([]);
      at++;
    } else if (ch === ']') {
      const array = stack.length > 1 ? stack.pop() ?? [] : [];
      push(array);
      at++;
    } else if (ch === '<' || ch === '>') {
      at += 2; // Dictionary delimiters (inline images' parameters): not text.
    } else {
      const word = /^(?:\/[^\s/[\]()<>%]*|[+-]?(?:\d+\.?\d*|\.\d+)|[A-Za-z'"*]+|.)/.exec(content.slice(at, at + 64))?.[0] ?? ch;
      at += word.length;
      if (word.startsWith('/')) {
        push(word);
        continue;
      }
      if (/^[+-]?(?:\d|\.\d)/.test(word)) {
        push(Number(word));
        continue;
      }
      const operands = stack[stack.length - 1];
      stack.length = 1;
      stack[0] = [];
      switch (word) {
        case 'BT':
        case 'ET':
        case 'Td':
        case 'TD':
        case 'T*':
        case 'Tm':
          flush();
          break;
        case 'Tf': {
          const s = operands[operands.length - 1];
          if (typeof s === 'number') size = s;
          break;
        }
        case 'Tj':
        case "'":
        case '"': {
          if (word !== 'Tj') flush();
          const s = operands[operands.length - 1];
          if (typeof s === 'object' && !Array.isArray(s)) cells[Math.max(0, cells.length - 1)] = (cells[cells.length - 1] ?? '') + s.str;
          break;
        }
        case 'TJ': {
          const array = operands[operands.length - 1];
          if (!Array.isArray(array)) break;
          if (cells.length === 0) cells.push('');
          for (const item of array) {
            if (typeof item === 'number') {
              if (item <= -1000) cells.push('');
              else if (item < -200) cells[cells.length - 1] += ' ';
            } else if (typeof item === 'object' && !Array.isArray(item)) {
              cells[cells.length - 1] += item.str;
            }
          }
          break;
        }
        default:
          break;
      }
    }
  }
  flush();
  return lines;
}

/** A `(…)` string from `at`: balanced parentheses, backslash escapes, octal codes. */
function literalString(content: string, at: number): { str: string; next: number } {
  let depth = 0;
  let out = '';
  let i = at;
  for (; i < content.length; i++) {
    const ch = content[i];
    if (ch === '\\') {
      const next = content[++i];
      const octal = /^[0-7]{1,3}/.exec(content.slice(i, i + 3));
      if (octal) {
        out += String.fromCharCode(parseInt(octal[0], 8) & 0xff);
        i += octal[0].length - 1;
      } else if (next === '\r' || next === '\n') {
        if (next === '\r' && content[i + 1] === '\n') i++;
      } else {
        out += ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[next] ?? next;
      }
    } else if (ch === '(') {
      if (depth++ > 0) out += ch;
    } else if (ch === ')') {
      if (--depth === 0) return { str: out, next: i + 1 };
      out += ch;
    } else {
      out += ch;
    }
  }
  return { str: out, next: i };
}

/** Lines into blocks: big type as headings, runs of multi-cell lines as one table, the rest as paragraphs. */
function blocksOf(lines: readonly Line[]): Block[] {
  const blocks: Block[] = [];
  let table: string[][] | undefined;
  for (const line of lines) {
    if (line.cells.length > 1) {
      if (!table) {
        table = [];
        blocks.push({ kind: 'table', rows: table });
      }
      table.push(line.cells);
      continue;
    }
    table = undefined;
    const text = line.cells[0];
    if (line.size >= 16) blocks.push({ kind: 'title', text, level: line.size >= 18 ? 1 : 2 });
    else blocks.push({ kind: 'text', text });
  }
  return blocks;
}
