import * as assert from 'assert/strict';
import { createHash } from 'crypto';
import { mkdirSync, writeFileSync } from 'fs';
import * as path from 'path';
import type { Browser, Frame } from 'playwright-core';
import { FIXTURE_TEXT, makePdf, makePng } from '../fake-deepseek/documentFixtures';
import type { LoggedOcrUpload, LoggedRequest } from '../fake-deepseek/types';
import { launchChromium } from '../harness/browser';
import { MAX_ATTACHMENT_DATA_CHARS, type AttachmentView, type ChipView } from '../../src/webview/protocol';
import { measuredContrast, THEMES } from './contrast';
import { chatState, ScriptedChatPage } from './scriptedChatPage';
import { chatView, endDrag, pasteInto, playHostMessage, pngBase64, startDrag, UI_WAIT_MS, Workbench } from './workbench';

/**
 * Attaching images and documents to the chat: the attach button, a paste of a picture into the question box, a
 * drop of files onto the chat, and the attachment chips (state, progress, Cancel, the text or image choice with
 * its costs, remove). First against a scripted host (the page alone, what it posts and shows); then in a real
 * VS Code against the fake DeepSeek, in Light, Dark and High Contrast.
 *
 * The PDF test drops the file as the explorer of VS Code in a browser names it (vscode-remote://).
 */

const PNG = pngBase64(4, 3);

function attachment(extra: Partial<AttachmentView> = {}): AttachmentView {
  return {
    kind: 'image',
    format: 'png',
    mode: 'text',
    modes: ['text', 'image'],
    state: 'pending',
    costs: { text: '~$0.0002', image: '~$0.0001' },
    note: 'Text mode: the text is extracted (OCR) and redacted like any file',
    ...extra,
  };
}

const chip = (id: string, label: string, view: AttachmentView): ChipView => ({ id, kind: 'attachment', label, attachment: view });

describe('UI: chat attachments against a scripted host (the page in Chromium, no VS Code)', function () {
  let browser: Browser;
  let chat: ScriptedChatPage;
  const box = () => chat.page.getByRole('combobox', { name: 'Ask DeepSeek' });
  const hint = () => chat.page.locator('.composer-hint');
  const chips = () => chat.page.getByRole('list', { name: 'Context for the next request' });

  before(async () => {
    browser = await launchChromium();
  });

  beforeEach(async () => {
    chat = await ScriptedChatPage.open(browser);
    chat.page.setDefaultTimeout(UI_WAIT_MS);
    await chat.send({ type: 'state', state: chatState([]) });
  });

  afterEach(async () => {
    await chat?.page.close();
  });

  after(async () => {
    await browser?.close();
  });

  it('the paperclip in the composer\'s bar asks the host for its file dialog', async () => {
    const button = chat.page.locator('.composer-bar').getByRole('button', { name: 'Attach image or document', exact: true });
    assert.match((await button.getAttribute('title')) ?? '', /^Attach image or document/);
    assert.equal(await button.locator('svg.icon-paperclip').count(), 1);
    const before = await chat.count();
    await button.focus();
    await chat.page.keyboard.press('Enter');
    assert.deepEqual(await chat.nextPosted('attachFiles', before), { type: 'attachFiles' });
  });

  it('a pasted PNG goes to the host as its bytes; a text paste stays text', async () => {
    const before = await chat.count();
    assert.equal(await pasteInto(box(), { files: [{ name: 'image.png', type: 'image/png', base64: PNG }] }), true, 'the page takes the paste');
    const sent = await chat.nextPosted('attachData', before);
    assert.deepEqual(sent, { type: 'attachData', name: 'Pasted image.png', mime: 'image/png', data: PNG });
    const after = await chat.count();
    // Text with a picture of it beside (a word processor's copy) is a text paste: the page leaves it to the browser.
    assert.equal(await pasteInto(box(), { files: [{ name: 'image.png', type: 'image/png', base64: PNG }], data: { 'text/plain': 'a copied table' } }), false);
    assert.equal(await pasteInto(box(), { data: { 'text/plain': 'just text' } }), false);
    assert.equal(await chat.count(), after, 'nothing posted for a text paste');
  });

  it('a paste over the size limit is refused on the page with a clear notice, and nothing is sent', async () => {
    const before = await chat.count();
    const size = (MAX_ATTACHMENT_DATA_CHARS / 4) * 3 + 3;
    assert.equal(await pasteInto(box(), { largeFile: { name: 'huge.png', type: 'image/png', size } }), true);
    await hint().getByText('“huge.png” is too large to attach (48.0 MB; at most 48.0 MB).').waitFor();
    assert.equal(await hint().getAttribute('role'), 'status');
    assert.equal(await hint().getAttribute('aria-live'), 'polite');
    assert.equal(await pasteInto(box(), { largeFile: { name: 'empty.png', type: 'image/png', size: 0 } }), true);
    await hint().getByText('“empty.png” is empty: there is nothing to attach.').waitFor();
    assert.deepEqual((await chat.posted()).slice(before).map((m) => m.type), [], 'no message for either');
  });

  it('dragging files shows the drop zone; a drop from VS Code\'s explorer sends its URIs, one from the OS its bytes', async () => {
    const zone = chat.page.locator('.drop-zone');
    const target = chat.page.locator('.conversation');
    assert.equal(await zone.isVisible(), false);
    await startDrag(target, { data: { 'application/vnd.code.uri-list': 'file:///w/spec.pdf\r\nfile:///w/shot.png' } });
    await zone.getByText('Drop to attach').waitFor();
    assert.match(await zone.innerText(), /hold Shift/);
    let before = await chat.count();
    await endDrag(target, 'drop');
    assert.deepEqual(await chat.nextPosted('attachUris', before), { type: 'attachUris', uris: ['file:///w/spec.pdf', 'file:///w/shot.png'] });
    await zone.waitFor({ state: 'hidden' });
    // From the OS: the file's bytes.
    before = await chat.count();
    await startDrag(chat.page.locator('.composer'), { files: [{ name: 'error.png', type: 'image/png', base64: PNG }] });
    await zone.waitFor();
    await endDrag(chat.page.locator('.composer'), 'drop');
    assert.deepEqual(await chat.nextPosted('attachData', before), { type: 'attachData', name: 'error.png', mime: 'image/png', data: PNG });
    // Leaving without dropping: the zone goes, nothing is sent.
    before = await chat.count();
    await startDrag(target, { files: [{ name: 'error.png', type: 'image/png', base64: PNG }] });
    await zone.waitFor();
    await endDrag(target, 'dragleave');
    await zone.waitFor({ state: 'hidden' });
    // Dragged text is not an attachment: no drop zone.
    await startDrag(target, { data: { 'text/plain': 'words' } });
    assert.equal(await zone.isVisible(), false);
    assert.equal(await chat.count(), before);
  });

  it('an image chip shows its kind, the choice of text or image with each cost, and the host\'s note', async () => {
    await chat.send({ type: 'chips', chips: [chip('a1', 'Pasted image.png', attachment())] });
    const item = chips().getByRole('listitem', { name: /^Pasted image\.png, PNG image, sent as extracted text ~\$0\.0002$/ });
    await item.waitFor();
    assert.equal(await item.locator('svg.icon-image').count(), 1);
    const describedBy = await item.getAttribute('aria-describedby');
    assert.ok(describedBy);
    assert.equal(await chat.page.locator(`#${describedBy}`).innerText(), 'Text mode: the text is extracted (OCR) and redacted like any file');
    assert.match((await item.getAttribute('title')) ?? '', /Text mode: the text is extracted/);
    // The chip's name follows its mode: the radio group is found from the list, not from the chip's name.
    const group = chips().getByRole('radiogroup', { name: 'Send Pasted image.png as' });
    const text = group.getByRole('radio', { name: 'Extract text ~$0.0002', exact: true });
    const image = group.getByRole('radio', { name: 'Send image ~$0.0001 — not redacted', exact: true });
    assert.equal(await text.getAttribute('aria-checked'), 'true');
    assert.equal(await image.getAttribute('aria-checked'), 'false');
    assert.deepEqual((await group.getByRole('radio').allInnerTexts()).map((t) => t.trim()), ['Text ~$0.0002', 'Image ~$0.0001']);
    let before = await chat.count();
    await image.click();
    assert.deepEqual(await chat.nextPosted('setAttachmentMode', before), { type: 'setAttachmentMode', id: 'a1', mode: 'image' });
    // The host's new chips: the choice shows, and the focus stays on it through the re-render.
    await image.focus();
    await chat.send({ type: 'chips', chips: [chip('a1', 'Pasted image.png', attachment({ mode: 'image', state: 'ready', note: 'Image mode: the picture is sent as is (not redacted)' }))] });
    await image.and(chat.page.locator('[aria-checked="true"]')).waitFor();
    await chips().getByRole('listitem', { name: /^Pasted image\.png, PNG image, sent as the image ~\$0\.0001$/ }).waitFor();
    assert.equal(await image.evaluate((n) => n === document.activeElement), true, 'the focus survived the re-render');
    // The arrow keys move the choice (a radio group).
    before = await chat.count();
    await chat.page.keyboard.press('ArrowLeft');
    assert.deepEqual(await chat.nextPosted('setAttachmentMode', before), { type: 'setAttachmentMode', id: 'a1', mode: 'text' });
    // An image on a model without vision: text only, no choice.
    await chat.send({ type: 'chips', chips: [chip('a1', 'Pasted image.png', attachment({ modes: ['text'] }))] });
    await chips().getByRole('radiogroup').waitFor({ state: 'detached' });
  });

  it('a document shows its pages and progress with Cancel; a failure stays with its error until removed', async () => {
    const pdf = (extra: Partial<AttachmentView>) => chip('d1', 'spec.pdf', attachment({ kind: 'document', format: 'pdf', modes: ['text'], costs: { text: '~$0.0045' }, pages: 3, note: undefined, ...extra }));
    await chat.send({ type: 'chips', chips: [pdf({ state: 'extracting', progress: 'Recognising 3 pages… 4 s' })] });
    const item = chips().getByRole('listitem', { name: /^spec\.pdf, PDF · 3 pages, extracting: Recognising 3 pages… 4 s$/ });
    await item.waitFor();
    assert.equal(await item.locator('svg.icon-document').count(), 1);
    await item.getByText('Recognising 3 pages… 4 s').waitFor();
    assert.equal(await item.getByRole('radiogroup').count(), 0, 'a document goes as text only');
    let before = await chat.count();
    await item.getByRole('button', { name: 'Cancel extracting spec.pdf' }).click();
    assert.deepEqual(await chat.nextPosted('cancelAttachment', before), { type: 'cancelAttachment', id: 'd1' });
    await chat.send({ type: 'chips', chips: [pdf({ state: 'failed', error: 'Cancelled — nothing was sent.' })] });
    const failed = chips().getByRole('listitem', { name: /^spec\.pdf, PDF · 3 pages, failed: Cancelled — nothing was sent\.$/ });
    await failed.getByText('Cancelled — nothing was sent.').waitFor();
    assert.equal(await failed.getByRole('button', { name: /^Cancel/ }).count(), 0);
    // Delete on the focused chip removes it.
    await failed.focus();
    before = await chat.count();
    await chat.page.keyboard.press('Delete');
    assert.deepEqual(await chat.nextPosted('removeChip', before), { type: 'removeChip', id: 'd1' });
    // Or ×.
    before = await chat.count();
    await failed.getByRole('button', { name: 'Remove spec.pdf from context' }).click();
    assert.deepEqual(await chat.nextPosted('removeChip', before), { type: 'removeChip', id: 'd1' });
  });

  it('Backspace removes a focused chip too, and the focus moves to the next chip, or the question box', async () => {
    await chat.send({ type: 'chips', chips: [chip('a1', 'one.png', attachment()), chip('a2', 'two.png', attachment())] });
    const first = chips().getByRole('listitem', { name: /^one\.png,/ });
    await first.focus();
    const before = await chat.count();
    await chat.page.keyboard.press('Backspace');
    assert.deepEqual(await chat.nextPosted('removeChip', before), { type: 'removeChip', id: 'a1' });
    await chat.send({ type: 'chips', chips: [chip('a2', 'two.png', attachment())] });
    await first.waitFor({ state: 'detached' });
    assert.equal(await chips().getByRole('listitem', { name: /^two\.png,/ }).evaluate((n) => n === document.activeElement), true);
    await chat.page.keyboard.press('Delete');
    await chat.nextPosted('removeChip', before + 1);
    await chat.send({ type: 'chips', chips: [] });
    await chat.page.waitForFunction(() => document.activeElement?.getAttribute('aria-label') === 'Ask DeepSeek');
  });

  it('the host\'s attachment notice shows in the composer\'s notice line and stays through a state update, until the next question', async () => {
    await chat.send({ type: 'attachmentNotice', message: 'Not attached: this workspace is not trusted, so no file is uploaded.' });
    await hint().getByText('Not attached: this workspace is not trusted, so no file is uploaded.').waitFor();
    await chat.send({ type: 'state', state: chatState([]) });
    assert.equal(await hint().innerText(), 'Not attached: this workspace is not trusted, so no file is uploaded.');
    await box().fill('What does it say?');
    await box().press('Enter');
    await chat.nextPosted('ask');
    assert.equal(await hint().innerText(), '');
  });
});

/** Every attachment state at once, as the host sends them: to measure and screenshot what a user can meet. */
function everyState(): ChipView[] {
  return [
    chip('p1', 'Pasted image.png', attachment()),
    chip('d1', 'spec.pdf', attachment({ kind: 'document', format: 'pdf', modes: ['text'], pages: 12, state: 'extracting', progress: 'Recognising 12 pages… 14 s', costs: { text: '~$0.0180' }, note: undefined })),
    chip('d2', 'scan.pdf', attachment({ kind: 'document', format: 'pdf', modes: ['text'], state: 'failed', error: 'The OCR service refused the file: it has 1,204 pages (at most 1,000).', costs: {}, note: undefined })),
  ];
}

const AA_TEXT = 4.5;
const NON_TEXT = 3;

/** A WCAG contrast check of one element of the chat, as rendered now (hovered first when asked), logged for the artifact. */
async function checkContrast(wb: Workbench, chat: Frame, theme: string, what: string, selector: string, options: { hover?: boolean; min?: number } = {}): Promise<void> {
  const target = chat.locator(selector).first();
  await target.waitFor();
  if (options.hover) await target.hover();
  else await wb.page.mouse.move(1, 1);
  const m = await measuredContrast(chat, selector);
  const min = options.min ?? AA_TEXT;
  console.log(`      contrast ${theme} · ${what}${options.hover ? ' (hover)' : ''}: ${m.ratio.toFixed(2)}:1`);
  assert.ok(m.ratio >= min, `${what}${options.hover ? ' (hover)' : ''} in ${theme}: ${m.ratio.toFixed(2)}:1 (${m.fg} on ${m.bg}), needs ${min}:1`);
}

for (const theme of [THEMES.lightModern, THEMES.darkModern, THEMES.highContrast]) {
  describe(`UI: chat attachments, every state (${theme}, real VS Code)`, function () {
    let wb: Workbench;
    let chat: Frame;
    const name = theme.replace(/^Default /, '').replace(/\W+/g, '-').toLowerCase();

    before(async () => {
      wb = await Workbench.openWithKey(`ui-attachments-${name}`, `sk-ui-attachments-${name}-0001`, { 'workbench.colorTheme': theme });
      chat = await wb.openChat();
    });

    afterEach(async function () {
      await wb.screenshotIfFailed(this.currentTest);
    });

    after(async () => {
      await wb?.close();
    });

    it('chips, the mode switch, the notice and the drop zone read at WCAG AA, hover states included', async () => {
      const showEveryState = async () => {
        await playHostMessage(chat, { type: 'chips', chips: everyState() });
        await playHostMessage(chat, { type: 'attachmentNotice', message: 'Not attached: “notes.key” is not an image or a document DeepSeek can read.' });
      };
      await showEveryState();
      // The host posts its own chips whenever the editor's context changes (a late editor event in a fresh
      // window): the states played here are played again when that replaced them.
      const check = async (what: string, selector: string, options?: { hover?: boolean; min?: number }) => {
        if (!(await chat.locator(selector).first().isVisible())) await showEveryState();
        await checkContrast(wb, chat, theme, what, selector, options);
      };
      await check('attach button (icon)', '.attach-button', { min: NON_TEXT });
      await check('attach button (icon)', '.attach-button', { hover: true, min: NON_TEXT });
      await check('attachment name', '.chip-attachment .chip-label');
      await check('attachment kind and pages', '.chip-attachment .attachment-meta');
      await check('"Send as"', '.attachment-modes-label');
      await check('mode: chosen', '.attachment-mode[aria-checked="true"]');
      await check('mode: other', '.attachment-mode[aria-checked="false"]');
      await check('mode: other', '.attachment-mode[aria-checked="false"]', { hover: true });
      await check('extraction progress', '.attachment-status.attachment-extracting');
      await check('Cancel', '.attachment-cancel');
      await check('Cancel', '.attachment-cancel', { hover: true });
      await check('extraction error', '.attachment-status.attachment-failed');
      await check('attachment remove ×', '.chip-attachment .chip-remove');
      await check('attachment remove ×', '.chip-attachment .chip-remove', { hover: true });
      await check('attachment notice', '.composer-hint');
      await wb.screenshot(`attachments-${name}-01-chips`);
      // The focused mode shows a focus ring.
      await chat.locator('.attachment-mode[aria-checked="true"]').first().focus();
      await wb.screenshot(`attachments-${name}-02-mode-focused`);
      // The drop zone, while files are dragged over the chat.
      const conversation = chat.locator('.conversation');
      await startDrag(conversation, { files: [{ name: 'shot.png', type: 'image/png', base64: PNG }] });
      await chat.locator('.drop-zone').waitFor();
      await check('drop zone title', '.drop-zone-title');
      await check('drop zone hint', '.drop-zone-hint');
      await wb.screenshot(`attachments-${name}-03-drop-zone`);
      await endDrag(conversation, 'dragleave');
      await chat.locator('.drop-zone').waitFor({ state: 'hidden' });
    });
  });
}

/** An estimate as a chip shows it ("~$0.0002", "<$0.0001") as dollars, to compare two modes. */
function estimateUsd(label: string): number {
  const match = /(<)?~?\$(\d+(?:\.\d+)?)/.exec(label);
  assert.ok(match, `a cost in “${label}”`);
  return Number(match[2]) / (match[1] ? 2 : 1);
}

describe('UI: chat attachments end to end (real VS Code against the fake DeepSeek)', function () {
  let wb: Workbench;
  let chat: Frame;
  const { box, lastTurn, ask } = chatView(() => chat);
  const chipList = () => chat.getByRole('list', { name: 'Context for the next request' });
  const attachmentChips = () => chipList().locator('.chip-attachment');
  const chatRequests = (): LoggedRequest[] => wb.env.fake.requests.filter((r) => r.route === '/chat/completions');
  const ocrUploads = (): LoggedOcrUpload[] => wb.env.fake.requests.filter((r) => r.route === '/tools/ocr').map((r) => r.body as LoggedOcrUpload);
  const answered = () => lastTurn().locator('.turn-footer', { hasText: /output tokens/ }).waitFor();
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  /** Every user message's text of the last chat request, parts joined. */
  const lastUserText = (): string => {
    const body = chatRequests().at(-1)?.body as { messages: { role: string; content: string | { type: string; text?: string }[] }[] } | undefined;
    return (body?.messages ?? [])
      .filter((m) => m.role === 'user')
      .map((m) => (typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join('\n')))
      .join('\n');
  };
  const screenshot = makePng({ width: 160, height: 48, text: 'Build failed: expected ";" at src/app.ts:3' });
  const diagram = makePng({ width: 200, height: 64, text: FIXTURE_TEXT.diagram });
  const spec = makePdf(FIXTURE_TEXT.spec.map((page) => [...page]));

  before(async () => {
    wb = await Workbench.openWithKey('ui-attachments-flow', 'sk-ui-attachments-flow-0001');
    mkdirSync(path.join(wb.env.workspace, 'docs'), { recursive: true });
    writeFileSync(path.join(wb.env.workspace, 'docs', 'spec.pdf'), spec);
    writeFileSync(path.join(wb.env.workspace, 'docs', 'diagram.png'), diagram);
    chat = await wb.openChat();
  });

  afterEach(async function () {
    await wb.screenshotIfFailed(this.currentTest);
  });

  after(async () => {
    await wb?.close();
  });

  it('a PNG pasted into the question box becomes a chip with its mode switch, each mode\'s cost, the cheaper chosen', async () => {
    assert.equal(await pasteInto(box(), { files: [{ name: 'image.png', type: 'image/png', base64: screenshot.toString('base64') }] }), true);
    const item = chipList().getByRole('listitem', { name: /^Pasted image\.png, PNG image, / });
    await item.waitFor();
    const group = chipList().getByRole('radiogroup', { name: 'Send Pasted image.png as' });
    const text = group.getByRole('radio', { name: /^Extract text .*\$\d/ });
    const image = group.getByRole('radio', { name: /^Send image .*\$\d.* — not redacted$/ });
    await text.waitFor();
    await image.waitFor();
    const checked = await group.locator('[aria-checked="true"]').getAttribute('aria-label');
    const other = await group.locator('[aria-checked="false"]').getAttribute('aria-label');
    assert.ok(checked && other, 'one mode is chosen');
    assert.ok(estimateUsd(checked) <= estimateUsd(other), `the cheaper mode is the default: ${checked} vs ${other}`);
    await wb.screenshot('attachments-flow-01-pasted');
  });

  it('a question sent with the pasted image as an image is answered, and the image went to the model', async () => {
    const image = chipList().getByRole('radio', { name: /^Send image / });
    if ((await image.getAttribute('aria-checked')) !== 'true') {
      await image.click();
      await image.and(chat.locator('[aria-checked="true"]')).waitFor();
    }
    wb.env.fake.configure({ chunkDelayMs: 0, replies: [{ content: 'The build failed on a missing semicolon.' }] });
    const before = chatRequests().length;
    await ask('What does the screenshot say?');
    await answered();
    assert.equal(chatRequests().length - before, 1);
    const images = chatRequests().at(-1)?.images ?? [];
    assert.deepEqual(images.map((i) => i.sha256), [sha256(screenshot)], 'the pasted bytes, as an image part');
    assert.equal(ocrUploads().length, 0, 'nothing was uploaded for OCR');
    await attachmentChips().first().waitFor({ state: 'detached' }); // sent once: the chip goes with the question
    await wb.screenshot('attachments-flow-02-answered');
  });

  it('a PNG dragged from the OS and dropped onto the chat attaches it; Delete on the chip removes it', async () => {
    const conversation = chat.locator('.conversation');
    await startDrag(conversation, { files: [{ name: 'dropped.png', type: 'image/png', base64: PNG }] });
    await chat.getByText('Drop to attach').waitFor();
    await wb.screenshot('attachments-flow-03-dragging');
    await endDrag(conversation, 'drop');
    await chat.locator('.drop-zone').waitFor({ state: 'hidden' });
    const item = chipList().getByRole('listitem', { name: /^dropped\.png, PNG image, / });
    await item.waitFor();
    await item.focus();
    await chat.locator(':focus').press('Delete');
    await item.waitFor({ state: 'detached' });
  });

  it('a PDF dropped from the explorer (a uri-list) asks before its first upload, shows its progress, and its text goes with the question', async () => {
    wb.env.fake.configure({ ocrMsPerPage: 700 });
    const conversation = chat.locator('.conversation');
    // The file as VS Code's explorer in a browser names it: vscode-remote://<this server>/<path>.
    const uri = `vscode-remote://${new URL(wb.page.url()).host}${path.join(wb.env.workspace, 'docs', 'spec.pdf')}`;
    await startDrag(conversation, { data: { 'application/vnd.code.uri-list': uri, 'text/uri-list': uri } });
    await endDrag(conversation, 'drop');
    // The first upload of the window says where the file goes, in VS Code's own dialog.
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.getByText(/Upload .*spec\.pdf to extract its text\?/).waitFor();
    await wb.screenshot('attachments-flow-04-consent');
    await dialog.getByRole('button', { name: 'Upload', exact: true }).click();
    const item = chipList().getByRole('listitem', { name: /spec\.pdf, PDF · 3 pages, / });
    await item.waitFor();
    await chipList().getByRole('button', { name: /^Cancel extracting .*spec\.pdf$/ }).waitFor();
    await wb.screenshot('attachments-flow-05-extracting');
    await chipList().getByRole('listitem', { name: /spec\.pdf, PDF · 3 pages, sent as extracted text/ }).waitFor();
    assert.deepEqual(ocrUploads().map((u) => [u.filename, u.sha256]), [['spec.pdf', sha256(spec)]], 'uploaded once, these bytes');
    wb.env.fake.configure({ ocrMsPerPage: 0, chunkDelayMs: 0, replies: [{ content: '409 means the order already exists.' }] });
    const before = chatRequests().length;
    await ask('Which status code means the order already exists?');
    // Its own answer: the turn before also has a footer, and the question waits for nothing here but is sent later.
    await lastTurn().getByRole('region', { name: 'Answer' }).getByText('409 means the order already exists.').waitFor();
    await answered();
    assert.equal(chatRequests().length - before, 1, 'one request for the question');
    // The document's text is a context block of the request (wherever the prompt builder puts it), its table kept.
    const sent = JSON.stringify(chatRequests().at(-1)?.body ?? {});
    assert.ok(sent.includes('The order already exists') && sent.includes('Orders API specification'), `the extracted text went with the question (OCR read: ${JSON.stringify(ocrUploads()[0]?.text?.slice(0, 120))}; request names spec.pdf: ${sent.includes('spec.pdf')}; ${sent.length} characters)`);
    assert.match(lastUserText(), /Which status code means the order already exists\?/);
    // The only image is the first question's, repeated with the history: a document goes as text, never as an image.
    assert.deepEqual((chatRequests().at(-1)?.images ?? []).map((i) => i.sha256), [sha256(screenshot)]);
  });

  it('the attach button opens VS Code\'s file dialog; the picked image is attached', async () => {
    await chat.getByRole('button', { name: 'Attach image or document', exact: true }).click();
    // This VS Code's open dialog is its simple in-workbench one: a path box.
    const input = wb.page.locator('.quick-input-widget input.input');
    await input.waitFor({ state: 'visible' });
    // It opens in the workspace folder (its path in the box, the folder's entries listed); then the path is typed on.
    await wb.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: /^docs$/ }).first().waitFor();
    await input.press('End');
    await input.pressSequentially('docs/diagram.png');
    await wb.page.locator('.quick-input-list .monaco-list-row').filter({ hasText: 'diagram.png' }).first().waitFor();
    await input.press('Enter');
    await chipList().getByRole('listitem', { name: /diagram\.png, PNG image, / }).waitFor();
    await wb.screenshot('attachments-flow-06-picked');
  });
});
