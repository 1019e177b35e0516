import * as assert from 'assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { AttachmentStore } from '../../src/chat/attachmentStore';
import { ChatSession, type ChatSessionEvents } from '../../src/chat/chatSession';
import { ConversationStore } from '../../src/chat/conversationStore';
import { ConfigurationService } from '../../src/config/settings';
import { DECLINE_OVER_BUDGET } from '../../src/core/budget';
import { EndpointIdentity } from '../../src/core/endpointIdentity';
import { MemoryLogger } from '../../src/core/logger';
import { renderLastRequest } from '../../src/engine/lastRequest';
import { RequestEngine } from '../../src/engine/requestEngine';
import { RoleModels } from '../../src/engine/roleModels';
import { ApiKeyStore } from '../../src/platform/apiKeyStore';
import { Notifier } from '../../src/platform/notifier';
import { SpendService } from '../../src/spend/spendService';
import type { AttachedDocument, AttachedImage } from '../../src/workspace/contextBlocks';
import { ContextService } from '../../src/workspace/contextService';
import type { LoggedRequest } from '../fake-deepseek/types';
import { EXTENSION_ID } from '../harness/paths';
import { activateExtension, fakeServer } from './helpers';

type Part = { type: string; text?: string; image_url?: { url: string } };
type Body = { model: string; messages: { role: string; content: string | Part[] }[] };

class MemoryMemento implements vscode.Memento {
  private readonly values = new Map<string, unknown>();
  keys(): readonly string[] {
    return [...this.values.keys()];
  }
  get<T>(key: string, fallback?: T): T | undefined {
    return this.values.has(key) ? (this.values.get(key) as T) : fallback;
  }
  update(key: string, value: unknown): Thenable<void> {
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, value);
    return Promise.resolve();
  }
}

function memorySecrets(): vscode.SecretStorage {
  const values = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  return {
    get: (key: string) => Promise.resolve(values.get(key)),
    store: (key: string, value: string) => {
      values.set(key, value);
      changed.fire({ key });
      return Promise.resolve();
    },
    delete: (key: string) => {
      values.delete(key);
      changed.fire({ key });
      return Promise.resolve();
    },
    keys: () => Promise.resolve([...values.keys()]),
    onDidChange: changed.event,
  } as unknown as vscode.SecretStorage;
}

/**
 * Images and extracted document text through the real request pipeline, in real VS Code, against the fake
 * server: the same classes the extension wires (RequestEngine with redaction, ChatSession, ContextService,
 * AttachmentStore), built here so the test can hand the session attachments as the composer's chips will.
 * (The attach flow itself, paste, drop and the chip menu, is the host's and the page's: hostdocs and page test it.)
 */
describe('chat images: image parts and document text through the request pipeline', function () {
  const fake = fakeServer();
  const config = () => vscode.workspace.getConfiguration('deepseek');
  const disposables: vscode.Disposable[] = [];
  let logger: MemoryLogger;
  let engine: RequestEngine;
  let settings: ConfigurationService;
  let contextService: ContextService;
  let store: ConversationStore;
  let attachmentsDir: string;
  let screenshot: Uint8Array;
  /** What the composer's chips hold for the next question. */
  let images: AttachedImage[] = [];
  let documents: AttachedDocument[] = [];

  const events: ChatSessionEvents = { turn: () => undefined, delta: () => undefined, busy: () => undefined };

  function session(conversation = store.startNew()): ChatSession {
    const s = new ChatSession(conversation, {
      store,
      engine,
      settings,
      contextService,
      logger,
      budget: DECLINE_OVER_BUDGET,
      attachments: new AttachmentStore(attachmentsDir, logger),
      contextFor: () => ({ editor: undefined, options: { includeCurrentFile: false, includeSelection: false, pinned: [], images, documents } }),
    }, events);
    disposables.push(s);
    return s;
  }

  async function chats(): Promise<LoggedRequest[]> {
    return (await fake.requests()).filter((r) => r.route === '/chat/completions');
  }

  const lastUser = (r: LoggedRequest) => (r.body as Body).messages.filter((m) => m.role === 'user').at(-1)!;

  before(async () => {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(extension);
    await activateExtension();
    screenshot = new Uint8Array(readFileSync(path.join(extension.extensionUri.fsPath, 'test', 'fixtures', 'documents', 'error-screenshot.png')));
    attachmentsDir = path.join(mkdtempSync(path.join(tmpdir(), 'chat-images-')), 'attachments');
    logger = new MemoryLogger();
    settings = new ConfigurationService(logger);
    const secrets = memorySecrets();
    const keyStore = new ApiKeyStore(secrets, {});
    await keyStore.store('sk-chat-images-tests-0001');
    const notifier = new Notifier(logger, true);
    const models = new RoleModels({ settings, notifier, logger, globalState: new MemoryMemento() });
    const endpoints = new EndpointIdentity();
    const spend = new SpendService({ storageDir: undefined, simulatorStorageDir: undefined, endpoints, legacyState: new MemoryMemento(), settings, notifier, logger });
    engine = new RequestEngine(secrets, keyStore, settings, spend, notifier, logger, models, undefined, endpoints);
    contextService = new ContextService(extension.extensionUri, settings, logger);
    store = new ConversationStore(new MemoryMemento());
    disposables.push(settings, keyStore, models, spend, engine, contextService);
  });

  beforeEach(async () => {
    await fake.reset();
    images = [];
    documents = [];
  });

  after(async () => {
    await config().update('models.reasoner', undefined, vscode.ConfigurationTarget.Global);
    for (const d of disposables.reverse()) d.dispose();
    rmSync(path.dirname(attachmentsDir), { recursive: true, force: true });
  });

  it('a screenshot goes to Flash as an image part after the question; the next turn re-sends it in place and hits the cache', async () => {
    const chat = session();
    images = [{ name: 'error-screenshot.png', mime: 'image/png', data: screenshot }];
    const first = await chat.ask({ question: 'What does this error say?', role: 'chat', surface: 'chat' });
    assert.equal(first?.status, 'done', JSON.stringify(first?.error));
    assert.ok(first.context.includes('error-screenshot.png (image)'), JSON.stringify(first.context));
    const [sent] = await chats();
    const content = lastUser(sent).content as Part[];
    assert.ok(Array.isArray(content), 'parts');
    assert.equal(content[0].type, 'text');
    assert.match(content[0].text!, /What does this error say\?/);
    assert.equal(content[1].type, 'image_url');
    assert.equal(content[1].image_url!.url, `data:image/png;base64,${Buffer.from(screenshot).toString('base64')}`);
    assert.equal(sent.images?.length, 1, 'the fake read one image');

    // Show Last Request: one line for the image, never its base64.
    const shown = renderLastRequest(engine.lastRequest);
    assert.match(shown, /\[image: error-screenshot\.png · image\/png · [\d.]+ (?:B|KB) · sha256 [0-9a-f]{8}…\]/);
    assert.ok(!shown.includes(Buffer.from(screenshot).toString('base64').slice(0, 32)));

    // The chip is gone; the next question still carries the image in its first turn, byte for byte.
    images = [];
    const second = await chat.ask({ question: 'How do I fix it?', role: 'chat', surface: 'chat' });
    assert.equal(second?.status, 'done');
    const [, next] = await chats();
    const before = (sent.body as Body).messages;
    const after = (next.body as Body).messages;
    assert.deepEqual(after.slice(0, before.length), before, 'the first request is a prefix of the second');
    assert.equal(typeof lastUser(next).content, 'string', 'no image on the new turn');
    assert.ok(next.cache && next.cache.hit > 0, `cache hit ${JSON.stringify(next.cache)}`);
    const imageTokens = sent.images?.[0]?.tokens;
    assert.ok(imageTokens !== undefined && imageTokens > 0);
    assert.ok(next.cache.hit >= imageTokens, 'the image tokens are in the cached prefix');
  });

  it('a personal value in a document\'s extracted text never reaches the request; Show Last Request lists the redaction', async () => {
    const chat = session();
    documents = [{ id: 'invoice.pdf', markdown: '# Invoice\n\nBill to: jane.doe@example.com\nKey: sk-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c', pages: 1, format: 'pdf' }];
    const turn = await chat.ask({ question: 'Who is billed?', role: 'chat', surface: 'chat' });
    assert.equal(turn?.status, 'done', JSON.stringify(turn?.error));
    assert.ok(turn.context.includes('invoice.pdf (text, 1 page)'));
    const [sent] = await chats();
    const body = JSON.stringify(sent.body);
    assert.ok(body.includes('## Document: invoice.pdf (extracted text, 1 page)'), 'the document is a block of the prompt');
    assert.ok(!body.includes('jane.doe@example.com'), 'no e-mail left the machine');
    assert.ok(!body.includes('sk-4f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c'), 'no key left the machine');
    assert.ok(renderLastRequest(engine.lastRequest).includes('EMAIL'), 'Show Last Request lists the redaction');
  });

  it('a model that takes no images: the question is not sent, and the turn says how to fix it', async () => {
    const refusal = 'deepseek-v4-pro does not take images. Send the image as text (its chip\'s menu), or set the reasoner to deepseek-flash.';
    // A chat whose history already holds an image, asked on Flash first.
    const earlier = session();
    images = [{ name: 'error-screenshot.png', mime: 'image/png', data: screenshot }];
    assert.equal((await earlier.ask({ question: 'Read this', role: 'chat', surface: 'chat' }))?.status, 'done');
    images = [];
    await fake.reset();
    await config().update('models.reasoner', 'deepseek-v4-pro', vscode.ConfigurationTarget.Global);
    try {
      await waitForSetting(() => settings.get('models.reasoner') === 'deepseek-v4-pro');
      const chat = session();
      images = [{ name: 'error-screenshot.png', mime: 'image/png', data: screenshot }];
      const turn = await chat.ask({ question: 'What is this?', role: 'reasoner', surface: 'chat' });
      assert.equal(turn?.status, 'error');
      assert.equal(turn.error?.message, refusal);
      assert.equal(turn.error?.action, 'openSettings');
      // No new image, but the history carries one: the engine refuses to send it to Pro as well.
      images = [];
      const followUp = await earlier.ask({ question: 'Think harder about it', role: 'reasoner', surface: 'chat' });
      assert.equal(followUp?.status, 'error');
      assert.equal(followUp.error?.message, refusal);
      assert.equal(followUp.error?.action, 'openSettings');
      assert.equal((await chats()).length, 0, 'nothing was sent');
    } finally {
      await config().update('models.reasoner', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Regenerate re-sends the image; a chat reopened after its bytes are gone says so instead of failing', async () => {
    const chat = session();
    images = [{ name: 'error-screenshot.png', mime: 'image/png', data: screenshot }];
    const first = await chat.ask({ question: 'Read this', role: 'chat', surface: 'chat' });
    assert.equal(first?.status, 'done');
    images = [];
    const again = chat.resend(first.id, { kind: 'regenerate' }, 'busy');
    assert.ok('pending' in again);
    assert.equal((await again.pending)?.status, 'done');
    const [asked, regenerated] = await chats();
    assert.deepEqual((regenerated.body as Body).messages, (asked.body as Body).messages, 'the same request again, image included');

    rmSync(attachmentsDir, { recursive: true, force: true });
    const reopened = session(store.get(chat.id)!);
    const later = await reopened.ask({ question: 'And now?', role: 'chat', surface: 'chat' });
    assert.equal(later?.status, 'done', JSON.stringify(later?.error));
    const last = (await chats()).at(-1)!;
    const firstUser = (last.body as Body).messages.find((m) => m.role === 'user')!;
    assert.deepEqual((firstUser.content as Part[])[1], { type: 'text', text: '[image no longer available: error-screenshot.png]' });
    assert.ok(logger.lines.some((l) => /image error-screenshot\.png .* are gone/.test(l.message)), 'logged');
  });
});

async function waitForSetting(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !ok(); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(ok(), 'the setting took effect');
}
