import * as assert from 'assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'fs';
import * as path from 'path';
import * as vscode from 'vscode';
import type { DeepSeekAssistantTestApi } from '../../src/app/publicApi';
import { CommandIds } from '../../src/core/commandIds';
import type { ChipView, HostMessage } from '../../src/webview/protocol';
import { makePdf, makePng } from '../fake-deepseek/documentFixtures';
import { selfHostedOcrConfig } from '../fake-deepseek/server';
import type { LoggedOcrUpload, LoggedRequest } from '../fake-deepseek/types';
import { REPO_ROOT } from '../harness/paths';
import { activateExtension, answerUploadConsent, discardAndCloseAllEditors, fakeServer, waitFor, waitForNotice } from './helpers';

const KEY = 'sk-documents-tests-0001';
const FIXTURES = ['error-screenshot.png', 'diagram.png', 'spec.pdf', 'notes.docx', 'slides.pptx'];

interface SentBody {
  messages: { role: string; content: string | { type: string; text?: string; image_url?: { url: string } }[] }[];
}

/**
 * Images and documents in real VS Code against the fake server: Extract Text (image preview tab, explorer
 * arguments), the cache by content hash, the first-upload consent, attachments in the chat (PDF as text, an
 * image as an image), redaction of what OCR found, and every failure leaving nothing half-done.
 */
describe('documents and images: Extract Text, attachments, OCR through the fake', function () {
  this.timeout(120_000);
  const fake = fakeServer();
  const config = () => vscode.workspace.getConfiguration('deepseek');
  let dir: string;
  const uri = (name: string) => vscode.Uri.file(path.join(dir, name));
  const ocrUploads = async (): Promise<(LoggedRequest & { body: LoggedOcrUpload })[]> =>
    (await fake.requests()).filter((r) => r.route === '/tools/ocr') as (LoggedRequest & { body: LoggedOcrUpload })[];
  const chatBodies = async (): Promise<SentBody[]> => (await fake.requests()).filter((r) => r.route === '/chat/completions').map((r) => r.body as SentBody);
  const attachmentChips = async (api: DeepSeekAssistantTestApi): Promise<ChipView[]> => (await api.chatState()).chips.filter((c) => c.kind === 'attachment');

  async function clearAttachments(api: DeepSeekAssistantTestApi): Promise<void> {
    for (const chip of await attachmentChips(api)) await api.sendFromChatView({ type: 'removeChip', id: chip.id });
  }

  /** The attachment notices among what the host posted to the view. */
  const notices = (posted: readonly HostMessage[]): string[] => posted.flatMap((m) => (m.type === 'attachmentNotice' ? [m.message] : []));

  /** Attaches workspace files as a drop from the explorer would; the attachment notices the host posted meanwhile. */
  async function attach(api: DeepSeekAssistantTestApi, ...names: string[]): Promise<string[]> {
    return notices(await api.sendFromChatView({ type: 'attachUris', uris: names.map((n) => uri(n).toString()) }));
  }

  async function chipSettled(api: DeepSeekAssistantTestApi, label: RegExp): Promise<ChipView> {
    return waitFor(`the attachment ${label} to settle`, async () =>
      (await attachmentChips(api)).find((c) => label.test(c.label) && (c.attachment?.state === 'ready' || c.attachment?.state === 'failed')));
  }

  before(async () => {
    const root = vscode.workspace.workspaceFolders![0].uri.fsPath;
    dir = path.join(root, 'attach');
    mkdirSync(path.join(dir, 'private'), { recursive: true });
    for (const name of FIXTURES) copyFileSync(path.join(REPO_ROOT, 'test', 'fixtures', 'documents', name), path.join(dir, name));
    writeFileSync(path.join(dir, 'private', 'scan.png'), makePng({ width: 64, height: 32, text: 'PRIVATE-SCAN-7731' }));
    writeFileSync(path.join(dir, 'readme.txt'), 'not a document\n');
    await config().update('context.exclude', ['**/private/**'], vscode.ConfigurationTarget.Workspace);
    await activateExtension();
    await vscode.commands.executeCommand(CommandIds.setApiKey, KEY);
  });

  beforeEach(async () => {
    await fake.reset();
    await discardAndCloseAllEditors();
    const api = await activateExtension();
    await api.documents.clearCache();
    api.documents.resetConsent();
    await clearAttachments(api);
    await api.newChat();
  });

  after(async () => {
    const api = await activateExtension();
    await clearAttachments(api);
    await api.documents.clearCache();
    for (const key of ['ocr.maxPages', 'ocr.maxFileMB']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await config().update('context.exclude', undefined, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand(CommandIds.clearApiKey);
    await discardAndCloseAllEditors();
    rmSync(dir, { recursive: true, force: true });
  });

  it('extracts the text of the image in an image preview tab into a Markdown document, asking once where it goes', async () => {
    const api = await activateExtension();
    await vscode.commands.executeCommand('vscode.openWith', uri('diagram.png'), 'imagePreview.previewEditor');
    await waitFor('the image preview tab', () => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
      return input instanceof vscode.TabInputCustom && input.uri.fsPath === uri('diagram.png').fsPath ? true : undefined;
    });
    const running = vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText);
    const question = await answerUploadConsent(api, 'Upload');
    assert.match(question.message, /attach\/diagram\.png/, 'names the file');
    assert.match(question.detail, /DeepSeek OCR \(http:\/\/127\.0\.0\.1:\d+/, 'says where it goes');
    assert.match(question.detail, /Estimated cost: ~\$\d+\.\d+ for 1 page/);
    const opened = await running;
    assert.equal(opened.length, 1);
    const text = (await vscode.workspace.openTextDocument(opened[0])).getText();
    assert.match(text, /^# Text of attach\/diagram\.png/);
    assert.match(text, /DeepSeek OCR · 1 page · \$\d/);
    assert.match(text, /Browser -> API gateway -> Orders service -> Postgres/);
    assert.doesNotMatch(text, /<\|(ref|det|box|grounding)\|>/, 'no grounding tokens');
    const uploads = await ocrUploads();
    assert.equal(uploads.length, 1);
    assert.equal(uploads[0].body.filename, 'diagram.png');
    assert.equal(uploads[0].headers.authorization, `Bearer ${KEY}`);
  });

  it('uploads nothing the second time: the same bytes come from the cache, which says so, and nothing is spent', async () => {
    const api = await activateExtension();
    const first = vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, uri('notes.docx'));
    await answerUploadConsent(api, 'Upload');
    assert.equal((await first).length, 1);
    assert.equal((await ocrUploads()).length, 1);
    const spent = api.spend().session;

    // Another name, the same bytes: still the cache (by content, not by path).
    copyFileSync(path.join(dir, 'notes.docx'), path.join(dir, 'notes-copy.docx'));
    const [again] = await vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, undefined, [uri('notes-copy.docx')]);
    const text = (await vscode.workspace.openTextDocument(again)).getText();
    assert.match(text, /· from cache\*/);
    assert.match(text, /We agreed to move the launch to March\./);
    assert.equal((await ocrUploads()).length, 1, 'nothing uploaded again');
    assert.deepEqual(api.spend().session, spent, 'nothing spent');
    assert.equal(api.documents.consentQuestions().filter((q) => q.at >= Date.now() - 60_000).length >= 1, true);
  });

  it('uploads nothing when the first-upload question is declined, and says so', async () => {
    const api = await activateExtension();
    const since = Date.now();
    const running = vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, uri('slides.pptx'));
    await answerUploadConsent(api, 'Cancel');
    assert.deepEqual(await running, [], 'no document opened');
    await waitForNotice(api, /attach\/slides\.pptx was not uploaded: you cancelled the upload to DeepSeek OCR/, since);
    assert.deepEqual(await ocrUploads(), []);
  });

  it('attaches a PDF to the chat: its text goes with the question, the turn names it, the 3 pages are in the ledger', async () => {
    const api = await activateExtension();
    const before = api.spend().session;
    assert.deepEqual(await attach(api, 'spec.pdf'), [], 'no notice');
    await answerUploadConsent(api, 'Upload');
    const chip = await chipSettled(api, /spec\.pdf$/);
    assert.equal(chip.attachment?.state, 'ready', JSON.stringify(chip));
    assert.deepEqual(chip.attachment?.modes, ['text'], 'a document goes as text only');
    assert.equal(chip.attachment?.pages, 3);
    assert.ok(api.documents.progress().some((p) => /^Uploading \d+ (bytes|KB)…$/.test(p)), api.documents.progress().join(' | '));

    const turn = await api.askInChat('What do the status codes mean?');
    assert.equal(turn?.status, 'done', JSON.stringify(turn));
    assert.ok(turn.context.some((c) => /attach\/spec\.pdf \(text, 3 pages\)/.test(c)), turn.context.join(' | '));
    const sent = JSON.stringify((await chatBodies()).at(-1));
    assert.match(sent, /Orders API specification/);
    assert.match(sent, /409 \| The order already exists/);
    assert.deepEqual(await attachmentChips(api), [], 'the attachment went with that question and left the composer');
    const after = api.spend().session;
    assert.equal(after.requests, before.requests + 2, 'the extraction and the chat request');
    assert.ok(after.costUsd > before.costUsd);
    await vscode.commands.executeCommand(CommandIds.showSpend);
    const report = await waitFor('the spend document', () => vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'deepseek-spend'));
    assert.match(report.getText(), /ocr/i, 'the ledger shows the OCR surface');
  });

  it('waits for an extraction still running when the question is sent, then sends its text', async () => {
    const api = await activateExtension();
    await fake.configure({ ocrMsPerPage: 400 });
    await attach(api, 'slides.pptx');
    await answerUploadConsent(api, 'Upload');
    assert.equal((await attachmentChips(api))[0]?.attachment?.state, 'extracting');
    const turn = await api.askInChat('Summarise the slides');
    assert.equal(turn?.status, 'done', JSON.stringify(turn));
    assert.ok(turn.context.some((c) => /attach\/slides\.pptx \(text, 2 pages\)/.test(c)), turn.context.join(' | '));
    const sent = JSON.stringify((await chatBodies()).at(-1));
    assert.match(sent, /Quarterly review/);
    assert.match(sent, /Hire two engineers/);
  });

  it('keeps the personal values OCR found out of the chat request, and restores them in the answer', async () => {
    const api = await activateExtension();
    await attach(api, 'error-screenshot.png');
    const [chip] = await attachmentChips(api);
    assert.ok(chip?.attachment, 'attached');
    if (chip.attachment.mode === 'image') {
      assert.match(chip.attachment.note ?? '', /redaction cannot see inside pictures/);
      await api.sendFromChatView({ type: 'setAttachmentMode', id: chip.id, mode: 'text' });
    }
    await answerUploadConsent(api, 'Upload');
    const ready = await chipSettled(api, /error-screenshot\.png$/);
    assert.equal(ready.attachment?.state, 'ready', JSON.stringify(ready));
    // Its text is known now and holds an e-mail address and a key: it may not go as a picture.
    const refused = await api.sendFromChatView({ type: 'setAttachmentMode', id: chip.id, mode: 'image' });
    assert.ok(notices(refused).some((m) => /cannot go as an image: its text holds an e-mail address/.test(m)), JSON.stringify(refused));

    const turn = await api.askInChat('Why does this crash?');
    assert.equal(turn?.status, 'done', JSON.stringify(turn));
    const requests = (await fake.requests()).filter((r) => r.route === '/chat/completions');
    const raw = JSON.stringify(requests.at(-1)!.body);
    assert.match(raw, /Cannot read properties of undefined/, 'the stack trace went');
    assert.doesNotMatch(raw, /jane\.doe@example\.com/);
    assert.doesNotMatch(raw, /sk-live-4f9a2c7e1b8d4e6fa3c5b7d9e0f1a2b3/);
    assert.deepEqual(requests.at(-1)!.images ?? [], [], 'no picture went');
    const placeholder = /Reported by (⟦EMAIL_[0-9a-f]{8}⟧)/.exec(raw)?.[1];
    assert.ok(placeholder, 'the address went as a placeholder');

    await fake.configure({ replies: [{ content: `Ask ${placeholder} about it.` }] });
    const answered = await api.askInChat('Who reported it?');
    assert.equal(answered?.answer, 'Ask jane.doe@example.com about it.', 'the placeholder the model echoed is restored locally');
  });

  it('sends an image as an image_url part in image mode, and uploads nothing for OCR', async () => {
    const api = await activateExtension();
    await attach(api, 'diagram.png');
    const [chip] = await attachmentChips(api);
    assert.ok(chip?.attachment?.modes.includes('image'), JSON.stringify(chip));
    await api.sendFromChatView({ type: 'setAttachmentMode', id: chip.id, mode: 'image' });
    const image = (await attachmentChips(api))[0];
    assert.equal(image.attachment?.mode, 'image');
    assert.match(image.attachment?.costs.image ?? '', /\$\d/);
    const turn = await api.askInChat('What does this diagram show?');
    assert.equal(turn?.status, 'done', JSON.stringify(turn));
    const chat = (await fake.requests()).filter((r) => r.route === '/chat/completions').at(-1)!;
    assert.equal(chat.images?.length, 1);
    assert.equal(chat.images?.[0].mime, 'image/png');
    assert.match(JSON.stringify(chat.body), /"type":"image_url"/);
    assert.deepEqual(await ocrUploads(), [], 'image mode uploads nothing to OCR');
  });

  it('attaches pasted bytes, and refuses pasted data that is no image or document with a clear notice', async () => {
    const api = await activateExtension();
    api.documents.resetConsent();
    const png = makePng({ width: 40, height: 20, text: 'PASTED-77' });
    assert.deepEqual(notices(await api.sendFromChatView({ type: 'attachData', name: 'image.png', mime: 'image/png', data: png.toString('base64') })), []);
    assert.equal((await attachmentChips(api))[0]?.label, 'image.png');
    const posted = await api.sendFromChatView({ type: 'attachData', name: 'notes.txt', mime: 'text/plain', data: Buffer.from('hello').toString('base64') });
    assert.ok(notices(posted).some((m) => /notes\.txt is not an image or a PDF, DOCX or PPTX/.test(m)), JSON.stringify(posted));
    const secret = await api.sendFromChatView({ type: 'attachData', name: '.env.png', mime: 'image/png', data: png.toString('base64') });
    assert.ok(notices(secret).some((m) => /secret or key file/.test(m)), JSON.stringify(secret));
    assert.equal((await attachmentChips(api)).length, 1);
    api.documents.cancelAll();
  });

  it('refuses a file the read policy excludes, and one that is not a document, uploading nothing', async () => {
    const api = await activateExtension();
    const since = Date.now();
    assert.deepEqual(await vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, uri('private/scan.png')), []);
    await waitForNotice(api, /attach\/private\/scan\.png was not read: attach\/private\/scan\.png matches files\.exclude or deepseek\.context\.exclude/, since);
    const posted = await attach(api, 'private/scan.png');
    assert.ok(posted.some((m) => /matches files\.exclude/.test(m)), JSON.stringify(posted));
    await vscode.commands.executeCommand(CommandIds.extractText, uri('readme.txt'));
    await waitForNotice(api, /attach\/readme\.txt is not an image or a PDF, DOCX or PPTX document/, since);
    await vscode.commands.executeCommand(CommandIds.addToChat, uri('readme.txt'));
    await waitForNotice(api, /Add to Chat cannot attach it/, since);
    assert.deepEqual(await ocrUploads(), []);
    assert.doesNotMatch(JSON.stringify(await fake.requests()), /PRIVATE-SCAN-7731/);
  });

  it('checks the page limit before uploading, with a message naming the file and the setting', async () => {
    const api = await activateExtension();
    await config().update('ocr.maxPages', 2, vscode.ConfigurationTarget.Global);
    try {
      const since = Date.now();
      assert.deepEqual(await vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, uri('spec.pdf')), []);
      await waitForNotice(api, /attach\/spec\.pdf has 3 pages; DeepSeek OCR takes up to 2/, since);
      assert.deepEqual(await ocrUploads(), [], 'refused before anything left');
      assert.deepEqual(api.documents.consentQuestions().filter((q) => q.at >= since), [], 'not even asked');
    } finally {
      await config().update('ocr.maxPages', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  for (const failure of [
    { name: 'a file the server finds too large (413)', setup: () => fake.configure({ ocrMaxBytes: 64 }), says: /File too large|too large/i },
    { name: 'too many pages for the server', setup: () => fake.configure({ ocrMaxPages: 1 }), says: /Too many pages|pages/i },
    { name: 'a 4xx', setup: () => fake.injectFault({ kind: 'status', status: 422, message: 'Unsupported document', path: '/tools/ocr', times: 2 }), says: /Unsupported document|422/ },
    { name: 'a 5xx', setup: () => fake.injectFault({ kind: 'status', status: 500, path: '/tools/ocr', times: 5 }), says: /server|500/i },
  ]) {
    it(`says clearly what went wrong on ${failure.name}, keeps nothing, and uploads again next time`, async () => {
      const api = await activateExtension();
      await failure.setup();
      const since = Date.now();
      const running = vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, uri('spec.pdf'));
      await answerUploadConsent(api, 'Upload');
      assert.deepEqual(await running, []);
      const notice = await waitForNotice(api, /Text was not extracted from attach\/spec\.pdf: /, since);
      assert.match(notice.message, failure.says);
      assert.doesNotMatch(notice.message, new RegExp(KEY));
      const uploads = (await ocrUploads()).length;
      assert.ok(uploads >= 1);

      // In the chat: the chip fails with the reason and the question is refused until it is removed.
      await attach(api, 'spec.pdf');
      const chip = await chipSettled(api, /spec\.pdf$/);
      assert.equal(chip.attachment?.state, 'failed');
      assert.match(chip.attachment?.error ?? '', failure.says);
      const refused = await api.sendFromChatView({ type: 'ask', text: 'Summarise it', model: 'chat' });
      assert.ok(refused.some((m) => m.type === 'askRefused' && /Not sent: attach\/spec\.pdf is attached but/.test(m.reason)), JSON.stringify(refused));
      assert.deepEqual((await fake.requests()).filter((r) => r.route === '/chat/completions'), [], 'no question sent');
      await clearAttachments(api);

      await fake.reset();
      const again = vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, uri('spec.pdf'));
      assert.equal((await again).length, 1, 'extracted once the server accepts it');
      assert.equal((await ocrUploads()).length, 1, 'nothing was cached from the failure');
    });
  }

  it('cancels an extraction in progress: the upload stops, nothing is kept, and the chip can be retried', async () => {
    const api = await activateExtension();
    writeFileSync(path.join(dir, 'long.pdf'), makePdf([['One'], ['Two'], ['Three'], ['Four'], ['Five'], ['Six']]));
    await fake.configure({ ocrMsPerPage: 2_000 });
    const since = Date.now();
    const running = vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, uri('long.pdf'));
    await answerUploadConsent(api, 'Upload');
    await waitFor('the upload to reach the server', async () => ((await ocrUploads()).length > 0 ? true : undefined));
    assert.equal(api.documents.cancelAll(), 1);
    assert.deepEqual(await running, []);
    await waitForNotice(api, /Text extraction from attach\/long\.pdf cancelled; nothing was kept/, since);
    assert.equal(api.documents.inProgress(), 0);

    // The chat's chip: Cancel leaves it failed "Cancelled"; Text retries it.
    await attach(api, 'long.pdf');
    await waitFor('the chip to extract', async () => ((await attachmentChips(api))[0]?.attachment?.state === 'extracting' ? true : undefined));
    const [chip] = await attachmentChips(api);
    await api.sendFromChatView({ type: 'cancelAttachment', id: chip.id });
    const cancelled = await chipSettled(api, /long\.pdf$/);
    assert.equal(cancelled.attachment?.state, 'failed');
    assert.equal(cancelled.attachment?.error, 'Cancelled');
    await fake.configure({ ocrMsPerPage: 0 });
    await api.sendFromChatView({ type: 'setAttachmentMode', id: chip.id, mode: 'text' });
    const retried = await chipSettled(api, /long\.pdf$/);
    assert.equal(retried.attachment?.state, 'ready', JSON.stringify(retried));
    assert.equal(retried.attachment?.pages, 6);
  });

  it('extracts through a self-hosted OpenAI-compatible endpoint: its own key from the environment, asked about anew, unpriced', async () => {
    const api = await activateExtension();
    const url = process.env.FAKE_DEEPSEEK_URL!;
    process.env.DOCS_TEST_OCR_KEY = 'sk-selfhosted-ocr-0009';
    await fake.configure(selfHostedOcrConfig());
    await config().update('ocr.provider', 'openaiCompatible', vscode.ConfigurationTarget.Global);
    await config().update('ocr.baseUrl', `${url}/v1`, vscode.ConfigurationTarget.Global);
    await config().update('ocr.apiKeyEnv', 'DOCS_TEST_OCR_KEY', vscode.ConfigurationTarget.Global);
    try {
      const since = Date.now();
      const running = vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, uri('diagram.png'));
      const question = await answerUploadConsent(api, 'Upload');
      assert.match(question.detail, /OCR endpoint at .*127\.0\.0\.1/);
      assert.match(question.detail, /unpriced/);
      const [doc] = await running;
      assert.ok(doc, JSON.stringify(api.recentNotices().filter((n) => n.at >= since)));
      const text = (await vscode.workspace.openTextDocument(doc)).getText();
      assert.match(text, /OCR endpoint at .* · 1 page · unpriced/);
      assert.match(text, /Browser -> API gateway/);
      const sent = (await fake.requests()).filter((r) => r.route === '/chat/completions');
      assert.equal(sent.length, 1);
      assert.equal(sent[0].headers.authorization, 'Bearer sk-selfhosted-ocr-0009', 'the endpoint\'s own key, not DeepSeek\'s');
      assert.match(JSON.stringify(sent[0].body), /"type":"image_url"/);
      // A PDF is refused before anything leaves: such an endpoint takes images only.
      assert.deepEqual(await vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText, uri('spec.pdf')), []);
      await waitForNotice(api, /takes images only/, since);
      assert.equal((await fake.requests()).filter((r) => r.route === '/chat/completions').length, 1);
    } finally {
      for (const key of ['ocr.provider', 'ocr.baseUrl', 'ocr.apiKeyEnv']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
      delete process.env.DOCS_TEST_OCR_KEY;
      await fake.reset();
    }
  });

  it('Add to Chat reveals the chat and attaches the explorer selection', async () => {
    const api = await activateExtension();
    const added = await vscode.commands.executeCommand<number>(CommandIds.addToChat, uri('diagram.png'), [uri('diagram.png'), uri('notes.docx')]);
    assert.equal(added, 2);
    const labels = (await attachmentChips(api)).map((c) => c.label);
    assert.deepEqual(labels, ['attach/diagram.png', 'attach/notes.docx']);
    await waitFor('the chat view to show', () => (api.chatViewVisible() ? true : undefined));
    api.documents.cancelAll();
  });

  it('lists images and documents in the @ search, and attaches one named with @ instead of pinning it', async () => {
    const api = await activateExtension();
    const posted = await api.sendFromChatView({ type: 'searchFiles', requestId: 7, query: 'attach/diagram' });
    const results = posted.find((m): m is Extract<HostMessage, { type: 'fileResults' }> => m.type === 'fileResults');
    const found = results?.files.find((f) => f.label === 'attach/diagram.png');
    assert.ok(found, JSON.stringify(results));
    assert.equal(results?.files.some((f) => f.label.includes('private/scan.png')), false, 'excluded files are not listed');
    await api.sendFromChatView({ type: 'pinFile', path: found.path });
    const chips = (await api.chatState()).chips;
    assert.ok(chips.some((c) => c.kind === 'attachment' && c.label === 'attach/diagram.png'), JSON.stringify(chips));
    assert.equal(chips.some((c) => c.kind === 'pinned'), false);
    api.documents.cancelAll();
  });

  it('says what it needs when there is no file to act on', async () => {
    const api = await activateExtension();
    await discardAndCloseAllEditors();
    const since = Date.now();
    assert.deepEqual(await vscode.commands.executeCommand<vscode.Uri[]>(CommandIds.extractText), []);
    await waitForNotice(api, /Extract Text needs a file/, since);
    assert.equal(await vscode.commands.executeCommand<number>(CommandIds.addToChat), 0);
    await waitForNotice(api, /Add to Chat needs a file/, since);
  });
});
