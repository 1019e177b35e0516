import * as vscode from 'vscode';
import { attachmentCosts, formatEstimate } from '../core/documents/attachmentCost';
import { VISION_FORMATS, type ExtractedText } from '../core/documents/types';
import { Redactor } from '../core/redaction';
import type { AttachmentMode, AttachmentView, ChipView } from '../webview/protocol';
import type { AttachedDocument, AttachedImage } from '../workspace/contextBlocks';
import { CANCELLED, type DocumentSource, type ExtractionService, type LoadedDocument } from './extractionService';

/** The note an image chip carries in image mode. */
export const IMAGE_MODE_NOTE = 'Sent as an image: redaction cannot see inside pictures';
/** The chat model takes images only up to its 48 MiB request. */
const MAX_IMAGE_BYTES = 48 * 1024 * 1024;
const CHIP_PREFIX = 'att:';

/** Redaction kinds as a sentence names them. */
const KIND_WORDS: Readonly<Record<string, string>> = {
  EMAIL: 'an e-mail address', PHONE: 'a phone number', CARD: 'a card number', IBAN: 'an IBAN', NATIONAL_ID: 'a national id number',
  IP: 'an IP address', AWS_KEY: 'an AWS key', JWT: 'a JWT', PRIVATE_KEY: 'a private key', URL_PASSWORD: 'a password in a URL',
};

interface Attachment {
  readonly id: string;
  readonly document: LoadedDocument;
  mode: AttachmentMode;
  state: AttachmentView['state'];
  progress?: string;
  error?: string;
  text?: ExtractedText;
  /** What the extraction cost ("$0.0006 (estimated)", "from cache"). */
  extractionCost?: string;
  cts?: vscode.CancellationTokenSource;
  running?: Promise<void>;
}

export interface ChatAttachmentsDeps {
  readonly extraction: ExtractionService;
  /** Whether the model of the chat's current role takes images. */
  readonly vision: () => boolean;
  /** The chat role's cache-miss price (USD per 1M tokens), for the estimates. */
  readonly missPricePerMTok: () => number;
  /** `deepseek.privacy.redact`. */
  readonly redact: () => boolean;
}

/** What the next question takes with it, once every extraction has finished. */
export interface QuestionAttachments {
  readonly ids: readonly string[];
  readonly documents: readonly AttachedDocument[];
  readonly images: readonly AttachedImage[];
}

/**
 * The images and documents attached to the chat's next question, as chips. A document goes as its extracted
 * text; an image as text or, on a model that takes images, as the image — the cheaper by default, the user's
 * choice after. Text mode extracts at once (progress in the chip, cancellable); a failure stays on the chip
 * until it is removed or retried. An image whose extracted text holds values redaction would replace cannot
 * go as an image while redaction is on (the text mode keeps them out of the prompt). Sent once: cleared when
 * the question that took them has been sent.
 */
export class ChatAttachments implements vscode.Disposable {
  private readonly items: Attachment[] = [];
  private next = 1;
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;

  constructor(private readonly deps: ChatAttachmentsDeps) {}

  static isChipId(id: string): boolean {
    return id.startsWith(CHIP_PREFIX);
  }

  /** Attaches a file; resolves with why not when it was refused (nothing attached then). */
  async add(source: DocumentSource): Promise<string | undefined> {
    const loaded = await this.deps.extraction.load(source);
    if (!loaded.ok) return loaded.message;
    const document = loaded.document;
    if (this.items.some((a) => a.document.hash === document.hash)) return `${document.label} is already attached.`;
    const text = await this.deps.extraction.cached(document);
    const item: Attachment = { id: `${CHIP_PREFIX}${this.next++}`, document, mode: 'text', state: 'pending', ...(text ? { text, extractionCost: 'from cache', state: 'ready' } : {}) };
    const costs = this.costs(item);
    if (this.modes(item).includes('image') && costs.cheaper === 'image' && this.imageRefusal(item) === undefined) item.mode = 'image';
    if (item.mode === 'image') item.state = 'ready';
    this.items.push(item);
    if (item.mode === 'text' && !item.text) this.startExtraction(item);
    this.emitter.fire();
    return undefined;
  }

  private find(id: string): Attachment | undefined {
    return this.items.find((a) => a.id === id);
  }

  private modes(item: Attachment): AttachmentMode[] {
    const info = item.document.file.info;
    return info.kind === 'image' && VISION_FORMATS.includes(info.format) && info.bytes <= MAX_IMAGE_BYTES && this.deps.vision() ? ['text', 'image'] : ['text'];
  }

  private costs(item: Attachment) {
    return attachmentCosts({
      info: item.document.file.info,
      ocrPricePerPageUsd: this.deps.extraction.pricePerPage() ?? 0,
      ...(item.text ? { cachedText: item.text.markdown } : {}),
      missPricePerMTok: this.deps.missPricePerMTok(),
      visionAvailable: this.modes(item).includes('image'),
    });
  }

  /** Why an image may not go as an image: redaction is on and its known text holds something it would replace. */
  private imageRefusal(item: Attachment): string | undefined {
    if (!this.deps.redact() || !item.text) return undefined;
    const findings = new Redactor({ salt: 'attachment-check' }).redact(item.text.markdown).findings;
    if (findings.length === 0) return undefined;
    const kinds = [...new Set(findings.map((f) => KIND_WORDS[f.kind] ?? 'a secret'))];
    return `${item.document.label} cannot go as an image: its text holds ${kinds.join(', ')}, which redaction (deepseek.privacy.redact) keeps out of prompts but cannot see inside a picture. Send it as text instead.`;
  }

  private startExtraction(item: Attachment): void {
    const cts = new vscode.CancellationTokenSource();
    item.cts = cts;
    item.state = 'extracting';
    delete item.error;
    item.progress = 'Starting…';
    item.running = this.deps.extraction
      .extract(item.document, {
        token: cts.token,
        onProgress: (text) => {
          item.progress = text;
          this.emitter.fire();
        },
      })
      .then(
        (outcome) => {
          if (outcome.ok) {
            item.text = outcome.text;
            item.extractionCost = outcome.cost;
            item.state = 'ready';
          } else if (outcome.cancelled && item.mode === 'image') {
            item.state = 'ready'; // stopped because the user chose to send the image itself
          } else {
            item.state = 'failed';
            item.error = outcome.message;
          }
        },
        (err: unknown) => {
          item.state = 'failed';
          item.error = `Text was not extracted from ${item.document.label}: ${err instanceof Error ? err.message : String(err)}`;
        },
      )
      .finally(() => {
        delete item.progress;
        delete item.cts;
        delete item.running;
        cts.dispose();
        this.emitter.fire();
      });
    this.emitter.fire();
  }

  /**
   * Text or image for an attachment; text on a failed or cancelled one retries its extraction. Resolves with
   * why not when refused (the mode stays).
   */
  setMode(id: string, mode: AttachmentMode): string | undefined {
    const item = this.find(id);
    if (!item) return 'That attachment is no longer in the chat.';
    if (mode === 'image') {
      if (!this.modes(item).includes('image')) {
        return item.document.file.info.kind !== 'image' || !VISION_FORMATS.includes(item.document.file.info.format)
          ? `${item.document.label} can go as text only (the chat model takes PNG, JPEG, GIF and WebP images).`
          : `${item.document.label} can go as text only: the chat's model does not take images.`;
      }
      const refused = this.imageRefusal(item);
      if (refused) return refused;
      item.cts?.cancel();
      item.mode = 'image';
      if (item.state !== 'extracting') item.state = 'ready';
      delete item.error;
      this.emitter.fire();
      return undefined;
    }
    item.mode = 'text';
    if (item.text) item.state = 'ready';
    else if (item.state !== 'extracting') this.startExtraction(item);
    this.emitter.fire();
    return undefined;
  }

  /** Stops an extraction in progress: the chip stays, failed "Cancelled". */
  cancel(id: string): void {
    this.find(id)?.cts?.cancel();
  }

  /** Removes an attachment (stopping its extraction). */
  remove(id: string): void {
    const at = this.items.findIndex((a) => a.id === id);
    if (at < 0) return;
    const [item] = this.items.splice(at, 1);
    item?.cts?.cancel();
    this.emitter.fire();
  }

  /** Whether anything is attached. */
  get count(): number {
    return this.items.length;
  }

  chips(): ChipView[] {
    return this.items.map((item) => {
      const info = item.document.file.info;
      const costs = this.costs(item);
      const modes = this.modes(item);
      const textCost = formatEstimate(costs.text.usd) + (item.text?.cached ? ' (text cached)' : '');
      const attachment: AttachmentView = {
        kind: info.kind,
        format: info.format,
        mode: item.mode,
        modes,
        state: item.state,
        ...(item.progress !== undefined ? { progress: item.progress } : {}),
        ...(item.error !== undefined ? { error: item.error } : {}),
        ...(item.text ? { pages: item.text.pages } : info.pages !== undefined ? { pages: info.pages } : {}),
        costs: { text: textCost, ...(costs.image && modes.includes('image') ? { image: formatEstimate(costs.image.usd) } : {}) },
        note: item.mode === 'image'
          ? IMAGE_MODE_NOTE
          : `Text mode: the extracted text is redacted like any file${item.extractionCost ? ` (extraction: ${item.extractionCost})` : ''}`,
      };
      return { id: item.id, kind: 'attachment', label: item.document.label, detail: info.kind === 'image' ? 'Image' : 'Document', attachment };
    });
  }

  /**
   * Waits for every extraction in progress, then what the next question takes: the documents' text and the
   * images. Refused (with the reason) while an attachment failed, or for an image whose text turned out to hold
   * values redaction keeps out: nothing is sent then, and the chips stay.
   */
  async forQuestion(): Promise<QuestionAttachments | { readonly refused: string }> {
    for (;;) {
      const running = this.items.map((a) => a.running).filter((r): r is Promise<void> => r !== undefined);
      if (running.length === 0) break;
      await Promise.all(running);
    }
    const failed = this.items.find((a) => a.state === 'failed');
    if (failed) {
      const why = failed.error === CANCELLED ? 'its extraction was cancelled' : (failed.error ?? 'its extraction failed');
      return { refused: `Not sent: ${failed.document.label} is attached but ${why.replace(/\.$/, '')}. Remove its chip, or retry it (Text), then send again.` };
    }
    const documents: AttachedDocument[] = [];
    const images: AttachedImage[] = [];
    for (const item of this.items) {
      const { file, label } = item.document;
      if (item.mode === 'image') {
        const refused = this.imageRefusal(item);
        if (refused) return { refused: `Not sent: ${refused}` };
        images.push({ name: label, mime: file.info.mime, data: file.data, ...(file.info.width ? { width: file.info.width } : {}), ...(file.info.height ? { height: file.info.height } : {}) });
      } else if (item.text) {
        documents.push({ id: label, markdown: item.text.markdown, pages: item.text.pages, format: file.info.format });
      }
    }
    return { ids: this.items.map((a) => a.id), documents, images };
  }

  /** After the question that took them was sent: those attachments leave the composer. */
  consume(ids: readonly string[]): void {
    let changed = false;
    for (const id of ids) {
      const at = this.items.findIndex((a) => a.id === id);
      if (at >= 0) {
        this.items.splice(at, 1);
        changed = true;
      }
    }
    if (changed) this.emitter.fire();
  }

  dispose(): void {
    for (const item of this.items) item.cts?.cancel();
    this.items.length = 0;
    this.emitter.dispose();
  }
}
