import * as assert from 'assert/strict';
import { createHash } from 'crypto';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import type { ChatMessage } from '../../src/api/types';
import { AttachmentStore, imageRefFor, sha256Hex } from '../../src/chat/attachmentStore';
import { imageTokenEstimate, UNKNOWN_IMAGE_TOKENS } from '../../src/core/documents/imageTokens';
import { MemoryLogger } from '../../src/core/logger';
import { modelLimits, modelTakesImages, noVisionMessage } from '../../src/core/models';
import {
  buildPrompt,
  contentChars,
  contentTokens,
  Conversation,
  imageSize,
  isFileKind,
  isStableKind,
  renderPrefix,
  resolveImageParts,
  STABILITY_RANK,
  type BuiltPrompt,
  type ContextBlock,
  type ConversationState,
  type ImageRef,
} from '../../src/core/prompt';
import { Redactor } from '../../src/core/redaction/redactor';
import { targetsForImages, type ProviderTarget } from '../../src/engine/failoverRun';
import { renderLastRequest } from '../../src/engine/lastRequest';
import { redactingPreparer, redactMessage } from '../../src/engine/redactedStream';

/** A PNG's signature and IHDR chunk (enough for its size to be read), then `fill` bytes standing for pixels. */
function png(width: number, height: number, fill = 2000, seed = 1): Uint8Array {
  const b = Buffer.alloc(33 + fill);
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]).copy(b, 0);
  b.writeUInt32BE(13, 8);
  b.write('IHDR', 12, 'ascii');
  b.writeUInt32BE(width, 16);
  b.writeUInt32BE(height, 20);
  b[24] = 8;
  b[25] = 6;
  for (let i = 33; i < b.length; i++) b[i] = (i * 31 + seed * 7) & 0xff;
  return new Uint8Array(b);
}

const INSTRUCTIONS: ContextBlock = { kind: 'instructions', id: 'core', title: 'core', content: 'You are a careful assistant.' };
const PINNED: ContextBlock = { kind: 'pinnedFile', id: 'src/a.ts', title: 'src/a.ts', content: 'export const a = 1;\n' };

function refOf(name: string, data: Uint8Array): ImageRef {
  return imageRefFor({ name, mime: 'image/png', data }, sha256Hex(data));
}

/** Messages as the chat session sends them: image refs resolved from `bytes` (sha256 → data). */
function wire(built: BuiltPrompt, bytes: ReadonlyMap<string, Uint8Array>, missing: ImageRef[] = []): ChatMessage[] {
  return built.messages.map((m) => ({ role: m.role, content: resolveImageParts(m, (r) => bytes.get(r.sha256), (r) => missing.push(r)) }));
}

describe('images and documents in the prompt', () => {
  const shot = png(800, 600, 3000, 1);
  const other = png(2048, 1024, 1500, 2);
  const shotRef = refOf('screenshot.png', shot);
  const otherRef = refOf('diagram.png', other);
  const bytes = new Map([[shotRef.sha256, shot], [otherRef.sha256, other]]);

  describe('image headers and estimates', () => {
    it('reads the pixel size of PNG, GIF, JPEG and WebP headers; anything else says it does not know', () => {
      assert.deepEqual(imageSize(png(800, 600)), { width: 800, height: 600 });
      const gif = Buffer.from('GIF89a\x20\x03\x58\x02\x00\x00', 'latin1');
      assert.deepEqual(imageSize(new Uint8Array(gif)), { width: 800, height: 600 });
      // JPEG: SOI, an APP0 segment, then SOF0 with height 600 and width 800.
      const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 0x4a, 0x46, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x02, 0x58, 0x03, 0x20, 0x03, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
      assert.deepEqual(imageSize(new Uint8Array(jpeg)), { width: 800, height: 600 });
      const webp = Buffer.alloc(30);
      webp.write('RIFF', 0, 'ascii');
      webp.write('WEBP', 8, 'ascii');
      webp.write('VP8X', 12, 'ascii');
      webp.writeUIntLE(799, 24, 3);
      webp.writeUIntLE(599, 27, 3);
      assert.deepEqual(imageSize(new Uint8Array(webp)), { width: 800, height: 600 });
      assert.equal(imageSize(new Uint8Array(Buffer.from('not an image at all, just text'))), undefined);
      assert.equal(imageSize(new Uint8Array([0x89, 0x50])), undefined, 'a cut-off header');
    });

    it('counts an image part by its size, not by the length of its base64', () => {
      const url = `data:image/png;base64,${Buffer.from(shot).toString('base64')}`;
      const parts: ChatMessage['content'] = [{ type: 'text', text: 'What does this show?' }, { type: 'image_url', image_url: { url } }];
      assert.equal(contentTokens(parts), contentTokens('What does this show?') + imageTokenEstimate(800, 600));
      assert.ok(contentChars(parts) < url.length / 2, 'the estimate for a missing usage is not the base64 length');
      assert.ok(contentChars(parts) >= 'What does this show?'.length + Math.ceil((imageTokenEstimate(800, 600) * 10) / 3));
      assert.equal(contentTokens([{ type: 'image_url', image_url: { url: 'https://example.com/x.png' } }]), UNKNOWN_IMAGE_TOKENS);
    });
  });

  describe('the new turn carries its images as parts after its text', () => {
    it('sends [text, image, image] in the order attached, the text as it would be without images', () => {
      const plain = buildPrompt({ blocks: [INSTRUCTIONS, PINNED], question: 'What is wrong in these?' });
      const built = buildPrompt({ blocks: [INSTRUCTIONS, PINNED], question: 'What is wrong in these?', images: [shotRef, otherRef] });
      const sent = wire(built, bytes);
      const last = sent.at(-1)!;
      assert.equal(last.role, 'user');
      assert.ok(Array.isArray(last.content));
      const parts = last.content as Exclude<ChatMessage['content'], string>;
      assert.deepEqual(parts[0], { type: 'text', text: plain.messages.at(-1)!.content });
      assert.deepEqual(parts.slice(1).map((p) => p.type), ['image_url', 'image_url']);
      assert.equal((parts[1] as { image_url: { url: string } }).image_url.url, `data:image/png;base64,${Buffer.from(shot).toString('base64')}`);
      assert.equal((parts[2] as { image_url: { url: string } }).image_url.url, `data:image/png;base64,${Buffer.from(other).toString('base64')}`);
      assert.equal(typeof sent[0].content, 'string', 'the system message stays text');
      assert.equal(built.estimatedPromptTokens - plain.estimatedPromptTokens, imageTokenEstimate(800, 600) + imageTokenEstimate(2048, 1024));
    });

    it('re-sends the same image parts in the same place on every later turn: history stays byte-identical', () => {
      const conversation = new Conversation();
      const first = buildPrompt({ blocks: [INSTRUCTIONS, PINNED], question: 'What does this screenshot show?', conversation, images: [shotRef] });
      const firstSent = wire(first, bytes);
      conversation.commit(first, 'A stack trace from the parser.');
      const second = buildPrompt({ blocks: [INSTRUCTIONS, PINNED], question: 'And how do I fix it?', conversation });
      const secondSent = wire(second, bytes);
      assert.deepEqual(secondSent.slice(0, firstSent.length), firstSent, 'the earlier request is a prefix of the later one');
      assert.deepEqual(secondSent[firstSent.length], { role: 'assistant', content: 'A stack trace from the parser.' });
      assert.equal(typeof secondSent.at(-1)!.content, 'string', 'the new turn without images is plain text');
      assert.ok(renderPrefix(second.messages).startsWith(renderPrefix(first.messages)));
      assert.equal(second.breaksCache, false);
      // A third turn with a new image: the first image is still in its place.
      conversation.commit(second, 'Check the null case.');
      const third = buildPrompt({ blocks: [INSTRUCTIONS, PINNED], question: 'Same here?', conversation, images: [otherRef] });
      const thirdSent = wire(third, bytes);
      assert.deepEqual(thirdSent.slice(0, secondSent.length - 1), secondSent.slice(0, -1));
      assert.equal(conversation.historyImages().map((i) => i.name).join(','), 'screenshot.png');
    });

    it('counts image tokens when fitting the window: context is trimmed to make room, the images never cut', () => {
      const big: ContextBlock = { kind: 'currentFile', id: 'src/big.ts', title: 'src/big.ts', content: 'const x = 1; // padding\n'.repeat(400) };
      const budget = { contextTokens: 4000, reserveOutputTokens: 1000 };
      const without = buildPrompt({ blocks: [INSTRUCTIONS, big], question: 'Look', budget });
      assert.equal(without.droppedBlocks.length + without.includedBlocks.filter((b) => b.truncated).length, 0, 'fits without the images');
      const withImages = buildPrompt({ blocks: [INSTRUCTIONS, big], question: 'Look', budget, images: [otherRef, shotRef] });
      const current = withImages.includedBlocks.find((b) => b.id === 'src/big.ts');
      assert.ok(current === undefined || current.truncated, 'the current file gave way to the images');
      assert.ok(withImages.estimatedPromptTokens <= withImages.promptTokenLimit, `${withImages.estimatedPromptTokens} ≤ ${withImages.promptTokenLimit}`);
      assert.equal(withImages.messages.at(-1)!.images?.length, 2);
    });

    it('Regenerate (dropLast) and the same images again repeat the earlier request byte for byte', () => {
      const conversation = new Conversation();
      const t1 = buildPrompt({ blocks: [INSTRUCTIONS], question: 'First', conversation, images: [shotRef] });
      conversation.commit(t1, 'one');
      const t2 = buildPrompt({ blocks: [INSTRUCTIONS], question: 'Second', conversation, images: [otherRef] });
      const t2Sent = wire(t2, bytes);
      conversation.commit(t2, 'two');
      const dropped = conversation.dropLast();
      assert.deepEqual(dropped?.images, [otherRef], 'the dropped turn gives its images back for the resend');
      const again = buildPrompt({ blocks: [INSTRUCTIONS], question: 'Second', conversation, images: dropped!.images! });
      assert.deepEqual(wire(again, bytes), t2Sent);
    });
  });

  describe('images whose bytes are gone', () => {
    it('are sent as "[image no longer available: name]", counted once as a cache break', () => {
      const conversation = new Conversation();
      const t1 = buildPrompt({ blocks: [INSTRUCTIONS], question: 'What is this?', conversation, images: [shotRef] });
      conversation.commit(t1, 'A chart.');
      const gone: ImageRef[] = [];
      const t2 = buildPrompt({ blocks: [INSTRUCTIONS], question: 'Redraw it', conversation });
      const sent = wire(t2, new Map(), gone);
      assert.deepEqual(sent[1].content, [{ type: 'text', text: conversation.turns[0].user }, { type: 'text', text: '[image no longer available: screenshot.png]' }]);
      assert.deepEqual(gone.map((g) => g.name), ['screenshot.png']);
      const before = conversation.cacheBreaks;
      assert.equal(conversation.imageLost(shotRef.sha256), true);
      assert.equal(conversation.imageLost(shotRef.sha256), false, 'the same loss is not counted twice');
      assert.equal(conversation.cacheBreaks, before + 1);
      const restored = Conversation.fromJSON(JSON.parse(JSON.stringify(conversation.toJSON())) as ConversationState);
      assert.equal(restored.imageLost(shotRef.sha256), false, 'nor after a reload');
      assert.equal(restored.cacheBreaks, before + 1);
    });
  });

  describe('persisted chats', () => {
    it('round-trip image references (not bytes) through JSON, and rebuild the same request', () => {
      const conversation = new Conversation();
      const t1 = buildPrompt({ blocks: [INSTRUCTIONS, PINNED], question: 'What is this?', conversation, images: [shotRef] });
      conversation.commit(t1, 'A chart.');
      const json = JSON.stringify(conversation.toJSON());
      assert.ok(!json.includes(Buffer.from(shot).toString('base64').slice(0, 40)), 'no bytes in the saved chat');
      assert.ok(json.includes(shotRef.sha256));
      const restored = Conversation.fromJSON(JSON.parse(json) as ConversationState);
      const next = (c: Conversation) => wire(buildPrompt({ blocks: [INSTRUCTIONS, PINNED], question: 'More', conversation: c }), bytes);
      assert.deepEqual(next(restored), next(conversation));
      assert.ok(restored.historyTokens() > imageTokenEstimate(800, 600), 'a reloaded chat still counts its image when fitting the window');
    });

    it('load chats saved before images existed, and leave out malformed references', () => {
      const old: ConversationState = {
        version: 1,
        system: { text: 'You are a careful assistant.', shown: [] },
        turns: [{ user: 'Hi', assistant: 'Hello', attachments: [] }],
        startTurn: 0,
        cacheBreaks: 0,
      };
      const c = Conversation.fromJSON(old);
      assert.deepEqual(c.historyMessages(), [{ role: 'user', content: 'Hi' }, { role: 'assistant', content: 'Hello' }]);
      const odd = { ...old, turns: [{ user: 'Hi', assistant: 'Hello', attachments: [], images: [{ sha256: 'not-a-hash', mime: 'image/png', name: 'x', bytes: 1 }, shotRef] }] };
      const d = Conversation.fromJSON(odd as unknown as ConversationState);
      assert.deepEqual(d.historyImages(), [shotRef]);
    });
  });

  describe('documents: extracted text is a stable prompt block', () => {
    const doc: ContextBlock = { kind: 'document', id: 'docs/spec.pdf', title: 'docs/spec.pdf (extracted text, 3 pages)', content: '# Spec\n\n| a | b |\n|---|---|\n| 1 | 2 |' };

    it('ranks right after pinned files, in the system message, fenced as Markdown; not a workspace file', () => {
      assert.equal(STABILITY_RANK.document, STABILITY_RANK.pinnedFile + 1);
      assert.equal(isStableKind('document'), true);
      assert.equal(isFileKind('document'), false);
      const recent: ContextBlock = { kind: 'recentFile', id: 'src/r.ts', title: 'src/r.ts', content: 'r' };
      const built = buildPrompt({ blocks: [recent, doc, PINNED, INSTRUCTIONS], question: 'Summarise the spec' });
      const system = built.messages[0].content;
      assert.ok(system.indexOf('## Pinned file: src/a.ts') < system.indexOf('## Document: docs/spec.pdf (extracted text, 3 pages)'));
      assert.ok(system.includes('```markdown\n# Spec\n\n| a | b |'), 'headings and tables kept, in a fence');
      assert.deepEqual(built.includedBlocks.find((b) => b.kind === 'document')?.placement, 'system');
      const again = buildPrompt({ blocks: [INSTRUCTIONS, PINNED, doc, recent], question: 'Summarise the spec' });
      assert.equal(JSON.stringify(again.messages), JSON.stringify(built.messages), 'deterministic in any input order');
    });

    it('attached mid-chat: goes with the new turn once, then stays in the history, never re-sent', () => {
      const conversation = new Conversation();
      const t1 = buildPrompt({ blocks: [INSTRUCTIONS], question: 'Hello', conversation });
      conversation.commit(t1, 'Hi.');
      const t2 = buildPrompt({ blocks: [INSTRUCTIONS, doc], question: 'What does the spec say?', conversation });
      assert.equal(t2.breaksCache, false);
      assert.ok(t2.messages.at(-1)!.content.includes('## Document: docs/spec.pdf'));
      conversation.commit(t2, 'It says a and b.');
      const t3 = buildPrompt({ blocks: [INSTRUCTIONS, doc], question: 'And table 1?', conversation });
      assert.ok(!t3.messages.at(-1)!.content.includes('# Spec'));
      assert.equal(t3.includedBlocks.find((b) => b.kind === 'document')?.placement, 'history');
    });

    it('a personal value in a document never reaches the prepared messages', () => {
      const secret: ContextBlock = {
        kind: 'document', id: 'scan.png', title: 'scan.png (extracted text, 1 page)',
        content: 'Invoice for jane.doe@example.com\nAPI key: sk-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c\n',
      };
      // In a fresh chat the document is in the system message; attached later, in the turn's text part beside an image.
      const fresh = buildPrompt({ blocks: [INSTRUCTIONS, secret], question: 'Who is billed?', images: [shotRef] });
      const conversation = new Conversation();
      const t1 = buildPrompt({ blocks: [INSTRUCTIONS], question: 'Hello', conversation });
      conversation.commit(t1, 'Hi.');
      const later = buildPrompt({ blocks: [INSTRUCTIONS, secret], question: 'Who is billed?', conversation, images: [shotRef] });
      assert.ok(JSON.stringify(later.messages.at(-1)).includes('jane.doe@example.com'), 'the document is in the turn (test premise)');
      for (const built of [fresh, later]) {
        const redactor = new Redactor({ salt: 'unit-test-salt' });
        const logger = new MemoryLogger();
        const prepared = redactingPreparer(redactor, logger).prepare({ messages: wire(built, bytes) });
        const text = JSON.stringify(prepared.messages);
        assert.ok(!text.includes('jane.doe@example.com'), 'no e-mail');
        assert.ok(!text.includes('sk-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c'), 'no key');
        assert.ok(prepared.findings.some((f) => f.kind === 'EMAIL'));
        assert.ok(prepared.findings.length >= 2, JSON.stringify(prepared.findings.map((f) => f.kind)));
        assert.ok(logger.lines.some((l) => /1 image\(s\) sent unredacted/.test(l.message)), 'the log says the image went unredacted');
      }
    });
  });

  describe('redaction of parts', () => {
    it('redacts every text part with the same placeholders as string content; images pass unchanged', () => {
      const redactor = new Redactor({ salt: 'unit-test-salt' });
      const url = `data:image/png;base64,${Buffer.from(shot).toString('base64')}`;
      const asString = redactMessage(redactor, { role: 'user', content: 'mail jane.doe@example.com' });
      const asParts = redactMessage(redactor, {
        role: 'user',
        content: [{ type: 'text', text: 'mail jane.doe@example.com' }, { type: 'image_url', image_url: { url } }, { type: 'text', text: 'again jane.doe@example.com' }],
      });
      const parts = asParts.message.content as Exclude<ChatMessage['content'], string>;
      assert.equal(parts[0].type === 'text' && parts[0].text, asString.message.content);
      assert.deepEqual(parts[1], { type: 'image_url', image_url: { url } });
      const placeholder = asString.findings[0].placeholder;
      assert.ok(parts[2].type === 'text' && parts[2].text === `again ${placeholder}`);
      assert.equal(asParts.images, 1);
      assert.equal(asParts.findings.length, 2);
    });

    it('without redaction the messages go as built and nothing is logged about images', () => {
      const logger = new MemoryLogger();
      const messages: ChatMessage[] = [{ role: 'user', content: [{ type: 'text', text: 'jane.doe@example.com' }] }];
      const prepared = redactingPreparer(undefined, logger).prepare({ messages });
      assert.equal(prepared.messages[0], messages[0]);
      assert.deepEqual(logger.lines, []);
    });
  });

  describe('Show Last Request', () => {
    it('lists an image part as one line (name, type, size, hash), never its base64', () => {
      const url = `data:image/png;base64,${Buffer.from(shot).toString('base64')}`;
      const sha = createHash('sha256').update(shot).digest('hex');
      const text = renderLastRequest({
        at: Date.UTC(2026, 11, 2, 18, 0, 0), surface: 'chat', model: 'deepseek-flash', provider: 'DeepSeek', endpoint: 'api.deepseek.com',
        messages: [{ role: 'system', content: 'rules' }, { role: 'user', content: [{ type: 'text', text: 'What is this?' }, { type: 'image_url', image_url: { url } }] }],
        redacted: true, findings: [], imageNames: new Map([[sha, 'screenshot.png']]),
      });
      const size = `${(shot.byteLength / 1024).toFixed(1)} KB`;
      assert.ok(text.includes(`[image: screenshot.png · image/png · ${size} · sha256 ${sha.slice(0, 8)}…]`), text);
      assert.ok(!text.includes(Buffer.from(shot).toString('base64').slice(0, 24)), 'no base64');
      assert.ok(text.includes('### 2. user (2 parts)'));
      assert.ok(text.includes('```text\nWhat is this?\n```'));
      assert.ok(text.includes('1 image(s) sent as they are'));
    });
  });

  describe('which models take images', () => {
    it('Flash does (both ids); Pro and other ids do not, unless the user says `vision: true`', () => {
      assert.equal(modelTakesImages('deepseek-flash'), true);
      assert.equal(modelTakesImages('DeepSeek-V4-Flash'), true);
      assert.equal(modelTakesImages('deepseek-v4-pro'), false);
      assert.equal(modelTakesImages('qwen2.5-vl'), false);
      assert.equal(modelTakesImages('qwen2.5-vl', { 'qwen2.5-vl': { vision: true } }), true);
      assert.equal(modelTakesImages('deepseek-flash', { 'deepseek-flash': { vision: false } }), false);
      assert.equal(modelLimits('qwen2.5-vl', { 'qwen2.5-vl': { vision: true } }).source, 'default', 'a vision-only entry changes no limit');
      assert.equal(noVisionMessage('deepseek-v4-pro'), 'deepseek-v4-pro does not take images. Send the image as text (its chip\'s menu), or set the reasoner to deepseek-flash.');
    });

    it('failover leaves out the fallbacks whose model takes no images, only for requests that carry some', () => {
      const target = (name: string, model: string) => ({ spec: { name }, model }) as unknown as ProviderTarget;
      const all = [target('Vision', 'qwen2.5-vl'), target('Text', 'llama-3')];
      const takes = (t: ProviderTarget) => modelTakesImages(t.model, { 'qwen2.5-vl': { vision: true } });
      assert.deepEqual(targetsForImages(all, 0, takes).targets.map((t) => t.spec.name), ['Vision', 'Text']);
      const withImages = targetsForImages(all, 2, takes);
      assert.deepEqual(withImages.targets.map((t) => t.spec.name), ['Vision']);
      assert.deepEqual(withImages.skipped, ['Text']);
    });
  });

  describe('attachment store', () => {
    let dir: string;
    beforeEach(() => {
      dir = mkdtempSync(path.join(tmpdir(), 'attachments-'));
    });
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('keeps bytes by their hash, once, and reads them back across instances', async () => {
      const store = new AttachmentStore(path.join(dir, 'attachments'));
      const sha = await store.put(shot);
      assert.equal(sha, createHash('sha256').update(shot).digest('hex'));
      assert.equal(await store.put(shot), sha);
      assert.deepEqual(readdirSync(path.join(dir, 'attachments')), [sha], 'one file, named by its hash, no temp left');
      const later = new AttachmentStore(path.join(dir, 'attachments'));
      assert.deepEqual(await later.get(sha), shot);
    });

    it('says gone for a missing file, a changed one, or a name that is not a hash', async () => {
      const logger = new MemoryLogger();
      const store = new AttachmentStore(path.join(dir, 'attachments'), logger);
      const sha = await store.put(shot);
      assert.equal(await store.get(sha256Hex(other)), undefined);
      writeFileSync(path.join(dir, 'attachments', sha), Buffer.from('tampered'));
      assert.equal(await new AttachmentStore(path.join(dir, 'attachments'), logger).get(sha), undefined);
      assert.ok(logger.lines.some((l) => /changed on disk/.test(l.message)));
      assert.equal(await store.get('../../etc/passwd'), undefined);
    });

    it('without a directory keeps bytes in memory for the window', async () => {
      const store = new AttachmentStore(undefined);
      const sha = await store.put(other);
      assert.deepEqual(await store.get(sha), other);
      assert.equal(await new AttachmentStore(undefined).get(sha), undefined);
    });

    it('a reference carries the size read from the header when the attachment did not say', () => {
      const ref = imageRefFor({ name: 'a.png', mime: 'image/png', data: shot }, sha256Hex(shot));
      assert.deepEqual({ width: ref.width, height: ref.height, bytes: ref.bytes }, { width: 800, height: 600, bytes: shot.byteLength });
    });
  });
});
