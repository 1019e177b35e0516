import * as assert from 'assert/strict';
import {
  attachmentChipName,
  attachmentMeta,
  attachmentName,
  attachmentStatus,
  base64FromDataUrl,
  base64Length,
  CODE_URI_LIST,
  dataRefusal,
  formatBytes,
  isAttachableDrag,
  MAX_ATTACHMENT_BYTES,
  MAX_DROPPED_URIS,
  modeFullLabel,
  modeShortLabel,
  offersModeChoice,
  parseUriList,
  pasteTakesFiles,
  planDrop,
  skippedNotice,
  TEXT_URI_LIST,
  type DropDescription,
} from '../../src/webview/attachmentRules';
import { MAX_ATTACHMENT_DATA_CHARS, parseFromWebview, type AttachmentView } from '../../src/webview/protocol';

const drop = (data: Record<string, string>, files: DropDescription['files'] = []): DropDescription => ({
  types: [...Object.keys(data), ...(files.length ? ['Files'] : [])],
  files,
  getData: (type) => data[type] ?? '',
});

const image = (extra: Partial<AttachmentView> = {}): AttachmentView => ({
  kind: 'image',
  format: 'png',
  mode: 'text',
  modes: ['text', 'image'],
  state: 'pending',
  costs: { text: '~$0.0002', image: '~$0.0001' },
  ...extra,
});

describe('chat attachments: what a drop attaches', () => {
  it('a drag from VS Code\'s explorer goes as URIs, even when the browser lists files beside them', () => {
    const plan = planDrop(drop({ [CODE_URI_LIST]: 'file:///w/spec.pdf\r\nfile:///w/shot.png', [TEXT_URI_LIST]: 'file:///w/spec.pdf' }, [{ name: 'spec.pdf', type: 'application/pdf', size: 10 }]));
    assert.deepEqual(plan, { kind: 'uris', uris: ['file:///w/spec.pdf', 'file:///w/shot.png'], skipped: 0 });
  });

  it('files from the OS go as data, not as their paths (a remote host cannot read them)', () => {
    const files = [{ name: 'shot.png', type: 'image/png', size: 2048 }];
    assert.deepEqual(planDrop(drop({ [TEXT_URI_LIST]: 'file:///home/me/shot.png' }, files)), { kind: 'files', files });
  });

  it('a plain uri-list without files is used last; a drop of nothing attachable says what can be dropped', () => {
    assert.deepEqual(planDrop(drop({ [TEXT_URI_LIST]: '# a comment\nhttps://example.com/a.png\n' })), { kind: 'uris', uris: ['https://example.com/a.png'], skipped: 0 });
    const none = planDrop(drop({ 'text/plain': 'hello' }));
    assert.equal(none.kind, 'none');
    assert.match(none.kind === 'none' ? none.reason : '', /^Nothing to attach: drop image or document files/);
    assert.equal(planDrop(drop({ [CODE_URI_LIST]: '\n# only a comment\n' })).kind, 'none', 'an empty list attaches nothing');
  });

  it('at most 32 URIs go in one drop, and the notice counts the rest', () => {
    const list = Array.from({ length: 35 }, (_, i) => `file:///w/f${i}.png`).join('\n');
    const plan = planDrop(drop({ [CODE_URI_LIST]: list }));
    assert.equal(plan.kind, 'uris');
    if (plan.kind !== 'uris') return;
    assert.equal(plan.uris.length, MAX_DROPPED_URIS);
    assert.equal(plan.skipped, 3);
    assert.equal(skippedNotice(plan.skipped), 'Only the first 32 files were attached; 3 more were left out.');
    assert.equal(skippedNotice(1), 'Only the first 32 files were attached; 1 more was left out.');
    assert.equal(skippedNotice(0), undefined);
    // What the page sends, the host's validator accepts.
    assert.ok(parseFromWebview({ type: 'attachUris', uris: plan.uris }));
  });

  it('reads a uri-list line by line (CRLF or LF), skips comments, junk and duplicates; a JSON array too', () => {
    assert.deepEqual(parseUriList('file:///a.png\r\n#c\r\nfile:///a.png\r\nnot a uri\r\n vscode-remote://h/b.pdf \r\n'), ['file:///a.png', 'vscode-remote://h/b.pdf']);
    assert.deepEqual(parseUriList('["file:///a.png", 3, "file:///b.pdf"]'), ['file:///a.png', 'file:///b.pdf']);
    assert.deepEqual(parseUriList('[not json'), []);
    assert.deepEqual(parseUriList(''), []);
  });

  it('shows the drop zone only for files or URIs, not for dragged text', () => {
    assert.equal(isAttachableDrag(['Files']), true);
    assert.equal(isAttachableDrag([CODE_URI_LIST]), true);
    assert.equal(isAttachableDrag([TEXT_URI_LIST, 'text/plain']), true);
    assert.equal(isAttachableDrag(['text/plain', 'text/html']), false);
    assert.equal(isAttachableDrag([]), false);
  });
});

describe('chat attachments: a paste', () => {
  it('attaches a pasted picture; a paste with text in it stays a text paste', () => {
    assert.equal(pasteTakesFiles(1, ''), true);
    assert.equal(pasteTakesFiles(1, '  \n'), true, 'whitespace is not text');
    assert.equal(pasteTakesFiles(1, 'a table copied from a word processor'), false);
    assert.equal(pasteTakesFiles(0, ''), false, 'nothing to attach');
    assert.equal(pasteTakesFiles(0, 'plain text'), false);
  });

  it('names pasted pictures so the chip says where they came from; keeps real names', () => {
    assert.equal(attachmentName({ name: 'image.png', type: 'image/png' }, true), 'Pasted image.png');
    assert.equal(attachmentName({ name: '', type: 'image/jpeg' }, true), 'Pasted image.jpg');
    assert.equal(attachmentName({ name: '', type: 'image/x-icon' }, false), 'Dropped file.xicon');
    assert.equal(attachmentName({ name: '', type: '' }, false), 'Dropped file.bin');
    assert.equal(attachmentName({ name: 'image.png', type: 'image/png' }, false), 'image.png', 'a dropped file keeps its name');
    assert.equal(attachmentName({ name: ' Error dialog.png ', type: 'image/png' }, true), 'Error dialog.png');
  });
});

describe('chat attachments: the size one message may carry', () => {
  it('base64 grows by 4/3, padded', () => {
    assert.equal(base64Length(0), 0);
    assert.equal(base64Length(1), 4);
    assert.equal(base64Length(3), 4);
    assert.equal(base64Length(4), 8);
    assert.equal(base64Length(MAX_ATTACHMENT_BYTES), MAX_ATTACHMENT_DATA_CHARS, 'the largest file fills the limit exactly');
  });

  it('refuses an empty file and one over the limit, by name and size; a file at the limit goes', () => {
    assert.equal(dataRefusal({ name: 'shot.png', size: 2048 }), undefined);
    assert.equal(dataRefusal({ name: 'edge.png', size: MAX_ATTACHMENT_BYTES }), undefined);
    assert.equal(dataRefusal({ name: 'huge.pdf', size: MAX_ATTACHMENT_BYTES + 1 }), '“huge.pdf” is too large to attach (48.0 MB; at most 48.0 MB).');
    assert.equal(dataRefusal({ name: 'scan.tiff', size: 60 * 1024 * 1024 }), '“scan.tiff” is too large to attach (60.0 MB; at most 48.0 MB).');
    assert.equal(dataRefusal({ name: 'blank.png', size: 0 }), '“blank.png” is empty: there is nothing to attach.');
    assert.equal(dataRefusal({ name: '  ', size: 0 }), '“The file” is empty: there is nothing to attach.');
  });

  it('formats sizes in binary units', () => {
    assert.equal(formatBytes(1), '1 byte');
    assert.equal(formatBytes(812), '812 bytes');
    assert.equal(formatBytes(3482), '3.4 KB');
    assert.equal(formatBytes(52_428_800), '50.0 MB');
  });

  it('takes the base64 out of a data URL, and nothing out of anything else', () => {
    assert.equal(base64FromDataUrl('data:image/png;base64,iVBORw0KGgo='), 'iVBORw0KGgo=');
    assert.equal(base64FromDataUrl('data:;base64,AAAA'), 'AAAA', 'a file without a type');
    assert.equal(base64FromDataUrl('data:text/plain,hello'), undefined, 'not base64');
    assert.equal(base64FromDataUrl('data:image/png;base64,<script>'), undefined);
    // What the page sends, the host's validator accepts; one character more, and it refuses.
    assert.ok(parseFromWebview({ type: 'attachData', name: 'a.png', mime: 'image/png', data: 'iVBORw0KGgo=' }));
    assert.equal(parseFromWebview({ type: 'attachData', name: 'a.png', mime: 'image/png', data: 'A'.repeat(MAX_ATTACHMENT_DATA_CHARS + 4) }), undefined);
  });
});

describe('chat attachments: the chip\'s wording', () => {
  it('says what the attachment is', () => {
    assert.equal(attachmentMeta(image()), 'PNG image');
    assert.equal(attachmentMeta({ ...image(), kind: 'document', format: 'pdf', pages: 12 }), 'PDF · 12 pages');
    assert.equal(attachmentMeta({ ...image(), kind: 'document', format: 'pdf', pages: 1 }), 'PDF · 1 page');
    assert.equal(attachmentMeta({ ...image(), kind: 'document', format: 'docx' }), 'DOCX document', 'pages unknown');
  });

  it('shows the progress while extracting and the error when it failed; nothing when all is well', () => {
    assert.equal(attachmentStatus(image({ state: 'extracting', progress: 'Recognising 12 pages… 14 s' })), 'Recognising 12 pages… 14 s');
    assert.equal(attachmentStatus(image({ state: 'extracting' })), 'Extracting text…');
    assert.equal(attachmentStatus(image({ state: 'failed', error: 'The OCR service refused the file: too many pages (1,204; at most 1,000).' })), 'The OCR service refused the file: too many pages (1,204; at most 1,000).');
    assert.equal(attachmentStatus(image({ state: 'failed', error: '  ' })), 'The text could not be extracted.');
    assert.equal(attachmentStatus(image({ state: 'ready' })), undefined);
    assert.equal(attachmentStatus(image({ state: 'pending' })), undefined);
  });

  it('names each mode with its cost; the image mode says it is not redacted', () => {
    assert.equal(modeShortLabel('text', '~$0.0002'), 'Text ~$0.0002');
    assert.equal(modeShortLabel('image', '~$0.0001'), 'Image ~$0.0001');
    assert.equal(modeShortLabel('image', undefined), 'Image');
    assert.equal(modeFullLabel('text', '~$0.0002'), 'Extract text ~$0.0002');
    assert.equal(modeFullLabel('image', '~$0.0001'), 'Send image ~$0.0001 — not redacted');
    assert.equal(modeFullLabel('image', undefined), 'Send image — not redacted');
  });

  it('offers the choice only for an image that can go both ways and has not failed', () => {
    assert.equal(offersModeChoice(image()), true);
    assert.equal(offersModeChoice(image({ modes: ['text'] })), false, 'a model without vision');
    assert.equal(offersModeChoice(image({ state: 'failed' })), false);
    assert.equal(offersModeChoice({ ...image(), kind: 'document', format: 'pdf', modes: ['text'] }), false);
  });

  it('the chip\'s accessible name says what it is, how it goes and how far it is', () => {
    assert.equal(attachmentChipName('shot.png', image()), 'shot.png, PNG image, sent as extracted text ~$0.0002');
    assert.equal(attachmentChipName('shot.png', image({ mode: 'image', state: 'ready' })), 'shot.png, PNG image, sent as the image ~$0.0001');
    assert.equal(
      attachmentChipName('spec.pdf', { ...image(), kind: 'document', format: 'pdf', pages: 3, modes: ['text'], state: 'extracting', progress: 'Recognising 3 pages… 4 s' }),
      'spec.pdf, PDF · 3 pages, extracting: Recognising 3 pages… 4 s',
    );
    assert.equal(attachmentChipName('bad.pdf', { ...image(), kind: 'document', format: 'pdf', state: 'failed', error: 'Too large' }), 'bad.pdf, PDF document, failed: Too large');
  });
});
