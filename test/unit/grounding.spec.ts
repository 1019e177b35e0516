import * as assert from 'assert/strict';
import { groundingToMarkdown } from '../../src/core/documents/grounding';
import type { OcrPage } from '../../src/core/documents/types';

const page = (text: string, index = 0): OcrPage => ({ index, text });
const one = (text: string) => groundingToMarkdown([page(text)]);

describe('grounding: DeepSeek-OCR output to plain Markdown', () => {
  it('drops layout labels with their boxes and keeps headings, paragraphs and lists', () => {
    const text = [
      '<|ref|>title<|/ref|><|det|>[[62, 40, 940, 88]]<|/det|>',
      '# Payment API',
      '',
      '<|ref|>text<|/ref|><|det|>[[62, 100, 940, 160]]<|/det|>',
      'Requests are signed with **HMAC**.',
      '',
      '<|ref|>sub_title<|/ref|><|det|>[[62,170,500,190]]<|/det|>',
      '## Limits',
      '<|ref|>list<|/ref|><|det|>[[62,200,500,260]]<|/det|>',
      '- 100 requests per minute',
      '- 1 MB per body',
    ].join('\n');
    assert.equal(one(text), '# Payment API\n\nRequests are signed with **HMAC**.\n\n## Limits\n- 100 requests per minute\n- 1 MB per body');
  });

  it('keeps the recognised words of a locate-mode ref and drops its coordinates', () => {
    assert.equal(one('Total: <|ref|>€ 1,204.50<|/ref|><|det|>[[10,10,80,20]]<|/det|> due'), 'Total: € 1,204.50 due');
    assert.equal(one('<|ref|>Title<|/ref|><|det|>[[1,2,3,4]]<|/det|>\nHello'), 'Hello', 'labels in any case');
  });

  it('removes <|box|> coordinates, <|grounding|>, <|image|> and unmatched tokens', () => {
    const text = '<|grounding|><|image|>Start <|box|>(10,20),(30,40)<|/box|>middle <|ref|>image<|/ref|><|box|>[[1,1,2,2]]<|/box|>end<|/det|> <|ref|>';
    assert.equal(one(text), 'Start middle end');
  });

  it('turns HTML tables into pipe tables with a header separator, escaping | and ignoring colspan', () => {
    const text = [
      '<|ref|>table<|/ref|><|det|>[[1,2,3,4]]<|/det|>',
      '<table><thead><tr><th>Field</th><th colspan="2">Meaning</th></tr></thead>',
      '<tbody><tr><td>mode</td><td>a | b</td><td>x&amp;y</td></tr>',
      '<tr><td><b>id</b></td><td>line one<br>line two</td></tr></tbody></table>',
      'After.',
    ].join('\n');
    assert.equal(one(text), [
      '| Field | Meaning |  |',
      '| --- | --- | --- |',
      '| mode | a \\| b | x&y |',
      '| id | line one line two |  |',
      '',
      'After.',
    ].join('\n'));
  });

  it('reads sloppy tables: no closing cell tags, no </table>, and drops an empty one', () => {
    assert.equal(one('<table><tr><td>a<td>b<tr><td>1<td>2'), '| a | b |\n| --- | --- |\n| 1 | 2 |');
    assert.equal(one('Before<table></table>After'), 'Before\n\nAfter');
  });

  it('keeps fenced code as it is, blank lines and indentation included', () => {
    const code = '```python\ndef f():\n\n\n    return 1   \n```';
    assert.equal(one(`Intro\n\n\n\n${code}\n\n\nOutro`), `Intro\n\n${code}\n\nOutro`);
  });

  it('normalises whitespace: CRLF, trailing blanks, runs of blank lines, both ends', () => {
    assert.equal(one('\r\n\r\n  Line one  \r\n\r\n\r\n\r\nLine two\t\n\n\n'), '  Line one\n\nLine two');
  });

  it('puts a page marker between pages in page order, keeping an empty page\'s marker', () => {
    const pages = [page('<|ref|>text<|/ref|><|det|>[[0,0,1,1]]<|/det|>Third', 2), page('First', 0), page('<|ref|>image<|/ref|><|det|>[[0,0,1,1]]<|/det|>', 1)];
    assert.equal(groundingToMarkdown(pages), 'First\n\n<!-- page 2 of 3 -->\n\n<!-- page 3 of 3 -->\n\nThird');
    assert.equal(groundingToMarkdown([page('Only')]), 'Only', 'one page: no marker');
    assert.equal(groundingToMarkdown([]), '');
  });

  it('is deterministic: the same pages give the same bytes', () => {
    const pages = [page('<|ref|>title<|/ref|><|det|>[[1,2,3,4]]<|/det|>\n# A\n<table><tr><td>x</td></tr></table>', 0), page('b', 1)];
    const first = groundingToMarkdown(pages);
    assert.equal(groundingToMarkdown(pages.map((p) => ({ ...p }))), first);
    assert.equal(first, '# A\n\n| x |\n| --- |\n\n<!-- page 2 of 2 -->\n\nb');
  });

  it('leaves ordinary text that merely looks like markup alone', () => {
    assert.equal(one('if (a < b && c > d) { x | y } <div>kept</div> 5 &lt; 6'), 'if (a < b && c > d) { x | y } <div>kept</div> 5 &lt; 6');
  });
});
