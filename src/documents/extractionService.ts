import { promises as fsp } from 'fs';
import * as nodePath from 'path';
import * as vscode from 'vscode';
import { createOcrClient, type OcrClient, type OcrEndpointConfig } from '../api/ocrClient';
import type { ConfigurationService } from '../config/settings';
import { formatEstimate } from '../core/documents/attachmentCost';
import { describeDocument } from '../core/documents/documentInfo';
import { groundingToMarkdown } from '../core/documents/grounding';
import { checkOcrLimits, ocrLimitsFromSettings } from '../core/documents/ocrLimits';
import type { DocumentFile, ExtractedText, OcrProgress } from '../core/documents/types';
import type { Logger } from '../core/logger';
import { formatUsd } from '../core/money';
import type { ApiKeyStore } from '../platform/apiKeyStore';
import type { SpendService } from '../spend/spendService';
import type { DocumentPolicy } from './documentPolicy';
import { contentHash, type OcrCache } from './ocrCache';
import { progressText, sizeLabel } from './progressText';
import type { UploadConsent } from './uploadConsent';

/** Where a document comes from. */
export type DocumentSource =
  /** A file in the workspace (explorer, active tab, `@` mention, a drop from the explorer): the read policy decides. */
  | { readonly kind: 'workspace'; readonly uri: vscode.Uri }
  /**
   * A file the user named themselves — picked in the file dialog, or the file a command was run on (the active
   * tab, the explorer): inside a workspace folder it is a workspace file like any other; outside, it is the
   * user's explicit choice (still never in an untrusted workspace, never a secret's name).
   */
  | { readonly kind: 'picked'; readonly uri: vscode.Uri }
  /** Bytes pasted or dropped from outside VS Code: the user's explicit choice, as a picked file outside the workspace. */
  | { readonly kind: 'bytes'; readonly name: string; readonly data: Uint8Array };

/** A document read and recognised, ready to extract or to send as an image. */
export interface LoadedDocument {
  readonly file: DocumentFile;
  /** How messages and the chip name it: "docs/spec.pdf", "pasted image.png". */
  readonly label: string;
  /** SHA-256 of its bytes (hex). */
  readonly hash: string;
}

export type LoadOutcome = { readonly ok: true; readonly document: LoadedDocument } | { readonly ok: false; readonly message: string };

export interface ExtractOptions {
  readonly token?: vscode.CancellationToken;
  /** Progress as the chip and the notification say it ("Uploading 2.1 MB…", "Recognising 3 pages… 4 s"). */
  readonly onProgress?: (text: string, progress: OcrProgress) => void;
}

export type ExtractOutcome =
  | {
      readonly ok: true;
      readonly text: ExtractedText;
      /** What it cost: "$0.0006", "unpriced", or "from cache" (nothing uploaded, nothing spent). */
      readonly cost: string;
    }
  | { readonly ok: false; readonly message: string; readonly cancelled?: true; readonly declined?: true };

/** Why an extraction that the user stopped did not finish. */
export const CANCELLED = 'Cancelled';

/** The most a file may be to be read at all: the OCR limit, or the chat's 48 MiB request for an image. */
const CHAT_IMAGE_BYTES = 48 * 1024 * 1024;

export interface ExtractionServiceDeps {
  readonly settings: ConfigurationService;
  readonly keyStore: ApiKeyStore;
  readonly spend: SpendService;
  readonly cache: OcrCache;
  readonly consent: UploadConsent;
  readonly policy: DocumentPolicy;
  readonly logger: Logger;
  /** The OCR client for a configuration (the real one; tests of the glue may pass another). */
  readonly createClient?: (config: OcrEndpointConfig) => OcrClient;
}

/**
 * Text from images and documents: read (through the document read policy, never in an untrusted workspace) →
 * recognised from its bytes → OCR limits checked before anything leaves → the cache by content hash and OCR
 * identity (a hit uploads nothing and spends nothing) → the first upload of the window to that endpoint asks →
 * uploaded (DeepSeek's OCR tool with the DeepSeek key, or the user's OpenAI-compatible endpoint with the key
 * from the environment variable `deepseek.ocr.apiKeyEnv` names) → grounding tokens to Markdown → cached →
 * recorded in the ledger as surface `ocr`. Every failure is a sentence naming the file; nothing half-done stays.
 */
export class ExtractionService implements vscode.Disposable {
  private readonly running = new Set<vscode.CancellationTokenSource>();
  private readonly progressLog: string[] = [];
  /** Uploads under way, by content hash and OCR identity. */
  private readonly inFlight = new Map<string, Promise<ExtractOutcome>>();

  constructor(private readonly deps: ExtractionServiceDeps) {}

  /** Reads a document from its source through the policy, and tells what it is from its bytes. */
  async load(source: DocumentSource): Promise<LoadOutcome> {
    const maxBytes = Math.max(ocrLimitsFromSettings(this.deps.settings.get('ocr.maxFileMB'), 1).maxBytes, CHAT_IMAGE_BYTES);
    let name: string;
    let label: string;
    let data: Uint8Array;
    if (source.kind === 'bytes') {
      name = nodePath.basename(source.name.replace(/\\/g, '/')) || 'pasted file';
      label = name;
      const refused = this.deps.policy.checkUserFile(name);
      if (refused) return { ok: false, message: `${label} was not attached: ${refused}.` };
      if (source.data.byteLength > maxBytes) return { ok: false, message: `${label} is ${sizeLabel(source.data.byteLength)}, more than the ${sizeLabel(maxBytes)} that can be extracted or sent.` };
      data = source.data;
    } else {
      const uri = source.uri;
      name = nodePath.basename(uri.path);
      const inWorkspace = source.kind === 'workspace' || vscode.workspace.getWorkspaceFolder(uri) !== undefined;
      let fsPath: string;
      let size: number;
      if (inWorkspace) {
        const verdict = await this.deps.policy.checkWorkspaceFile(uri);
        label = verdict.allowed ? verdict.label : vscode.workspace.asRelativePath(uri);
        if (!verdict.allowed) return { ok: false, message: `${label} was not read: ${verdict.reason}.` };
        fsPath = verdict.fsPath;
        size = verdict.size;
      } else {
        label = uri.scheme === 'file' ? uri.fsPath : name;
        const refused = uri.scheme !== 'file' ? 'only files on this machine can be attached' : this.deps.policy.checkUserFile(name);
        if (refused) return { ok: false, message: `${label} was not read: ${refused}.` };
        fsPath = uri.fsPath;
        try {
          const stat = await fsp.stat(fsPath);
          if (!stat.isFile()) return { ok: false, message: `${label} is not a regular file.` };
          size = stat.size;
        } catch {
          return { ok: false, message: `${label} could not be read.` };
        }
      }
      if (size > maxBytes) return { ok: false, message: `${label} is ${sizeLabel(size)}, more than the ${sizeLabel(maxBytes)} that can be extracted or sent.` };
      try {
        data = new Uint8Array(await fsp.readFile(fsPath));
      } catch {
        return { ok: false, message: `${label} could not be read.` };
      }
    }
    const info = describeDocument(name, data);
    if ('error' in info) return { ok: false, message: info.error };
    return { ok: true, document: { file: { name, data, info }, label, hash: contentHash(data) } };
  }

  /** The client for the OCR settings in effect, or why there is none (no key, no endpoint set). */
  private async client(): Promise<{ client: OcrClient; config: OcrEndpointConfig; baseUrl: string } | { refused: string }> {
    const s = this.deps.settings;
    const create = this.deps.createClient ?? createOcrClient;
    const timeoutMs = s.get('ocr.timeoutSeconds') * 1000;
    if (s.get('ocr.provider') === 'openaiCompatible') {
      const baseUrl = s.get('ocr.baseUrl');
      if (!baseUrl) return { refused: 'deepseek.ocr.provider is "openaiCompatible" but deepseek.ocr.baseUrl is not set' };
      const envName = s.get('ocr.apiKeyEnv');
      const apiKey = envName ? process.env[envName]?.trim() || undefined : undefined;
      const config: OcrEndpointConfig = { provider: 'openaiCompatible', baseUrl, apiKey, model: s.get('ocr.model'), grounding: s.get('ocr.grounding'), timeoutMs };
      return { client: create(config), config, baseUrl };
    }
    const key = await this.deps.keyStore.resolve();
    if (!key.key) return { refused: 'no DeepSeek API key is set (DeepSeek: Set API Key)' };
    const baseUrl = s.get('baseUrl');
    const config: OcrEndpointConfig = { provider: 'deepseek', baseUrl, apiKey: key.key, purpose: s.get('ocr.purpose'), timeoutMs };
    return { client: create(config), config, baseUrl };
  }

  /** The cached text of a loaded document for the OCR settings in effect, if it was extracted before. */
  async cached(document: LoadedDocument): Promise<ExtractedText | undefined> {
    const made = await this.client();
    if ('refused' in made) return undefined;
    const hit = await this.deps.cache.get(document.hash, made.client.identity);
    return hit ? { markdown: hit.markdown, pages: hit.pages, hash: hit.hash, provider: hit.provider, cached: true } : undefined;
  }

  /** The OCR price per page in effect (USD), or undefined for an endpoint with no per-page price. */
  pricePerPage(): number | undefined {
    return this.deps.settings.get('ocr.provider') === 'deepseek' ? this.deps.settings.get('ocr.pricePerPage') : undefined;
  }

  /** `load`, then `extract`. */
  async extractSource(source: DocumentSource, options: ExtractOptions = {}): Promise<ExtractOutcome & { label?: string }> {
    const loaded = await this.load(source);
    if (!loaded.ok) return loaded;
    return { ...(await this.extract(loaded.document, options)), label: loaded.document.label };
  }

  /** Extracts the text of a loaded document: limits, cache, consent, upload, Markdown, cache, ledger. */
  async extract(document: LoadedDocument, options: ExtractOptions = {}): Promise<ExtractOutcome> {
    const { file, label } = document;
    if (!vscode.workspace.isTrusted) {
      return { ok: false, message: `Text was not extracted from ${label}: the workspace is not trusted — trust the folder first (Manage Workspace Trust).` };
    }
    const made = await this.client();
    if ('refused' in made) return { ok: false, message: `Text was not extracted from ${label}: ${made.refused}.` };
    const { client, config, baseUrl } = made;
    const s = this.deps.settings;
    const limits = ocrLimitsFromSettings(s.get('ocr.maxFileMB'), s.get('ocr.maxPages'));
    const overLimit = checkOcrLimits(label, file.info, limits, config.provider, config.baseUrl);
    if (overLimit) return { ok: false, message: `Text was not extracted: ${overLimit}` };

    const hit = await this.deps.cache.get(document.hash, client.identity);
    if (hit) {
      this.deps.logger.info(`ocr: ${label} from the cache (${hit.pages} page(s), extracted ${new Date(hit.at).toISOString()}); nothing uploaded`);
      return { ok: true, text: { markdown: hit.markdown, pages: hit.pages, hash: hit.hash, provider: hit.provider, cached: true }, cost: 'from cache' };
    }

    // The same bytes already on their way to this endpoint (a chip and Extract Text at once): wait for them.
    const key = `${document.hash}\n${client.identity}`;
    const inFlight = this.inFlight.get(key);
    if (inFlight) {
      const first = await inFlight;
      if (first.ok) return { ok: true, text: { ...first.text, cached: true }, cost: 'from cache' };
    }
    const run = (async (): Promise<ExtractOutcome> => {
      const price = this.pricePerPage();
      const pages = file.info.pages;
      const estimate = price === undefined
        ? 'unpriced (the endpoint reports tokens, priced by its own terms)'
        : pages !== undefined
          ? `${formatEstimate(price * pages)} for ${pages} ${pages === 1 ? 'page' : 'pages'}`
          : `${formatEstimate(price)} per page`;
      const cts = new vscode.CancellationTokenSource();
      const outer = options.token?.onCancellationRequested(() => cts.cancel());
      if (options.token?.isCancellationRequested) cts.cancel();
      this.running.add(cts);
      try {
        const allowed = await Promise.race([
          this.deps.consent.ask({ fileName: label, endpoint: client.endpoint, label: client.label, estimate }),
          new Promise<false>((resolve) => cts.token.onCancellationRequested(() => resolve(false))),
        ]);
        if (cts.token.isCancellationRequested) return { ok: false, message: CANCELLED, cancelled: true };
        if (!allowed) return { ok: false, message: `${label} was not uploaded: you cancelled the upload to ${client.label}.`, declined: true };

        const abort = new AbortController();
        const aborting = cts.token.onCancellationRequested(() => abort.abort());
        const report = (p: OcrProgress) => {
          const text = progressText(p);
          this.progressLog.push(text);
          if (this.progressLog.length > 50) this.progressLog.shift();
          options.onProgress?.(text, p);
        };
        // The client reports the upload; the recognising line counts the seconds until the answer.
        let recognisingSince: number | undefined;
        let knownPages = pages;
        const ticker = setInterval(() => {
          if (recognisingSince !== undefined) report({ phase: 'recognising', elapsedMs: Date.now() - recognisingSince, ...(knownPages !== undefined ? { pages: knownPages } : {}) });
        }, 1000);
        report({ phase: 'uploading', sentBytes: 0, totalBytes: file.data.byteLength });
        let outcome;
        try {
          outcome = await client.extract(file, {
            signal: abort.signal,
            onProgress: (p) => {
              if (p.phase === 'recognising') {
                recognisingSince ??= Date.now() - p.elapsedMs;
                if (p.pages !== undefined) knownPages = p.pages;
              }
              report(p);
            },
          });
        } finally {
          clearInterval(ticker);
          aborting.dispose();
        }
        if (cts.token.isCancellationRequested) {
          this.deps.logger.info(`ocr: extraction of ${label} cancelled by the user`);
          return { ok: false, message: CANCELLED, cancelled: true };
        }
        if (!outcome.ok) {
          this.deps.logger.warn(`ocr: extraction of ${label} failed (${outcome.failure.kind}${outcome.failure.status ? ` ${outcome.failure.status}` : ''})`);
          return { ok: false, message: `Text was not extracted from ${label}: ${outcome.failure.message}` };
        }
        const response = outcome.response;
        const markdown = groundingToMarkdown(response.pages);
        const pageCount = response.pages.length;
        const text: ExtractedText = { markdown, pages: pageCount, hash: document.hash, provider: client.label, cached: false };
        try {
          await this.deps.cache.put({ hash: document.hash, identity: client.identity, markdown, pages: pageCount, provider: client.label, at: Date.now() });
        } catch (err) {
          this.deps.logger.warn(`ocr: could not cache the text of ${label} (${err instanceof Error ? err.message : String(err)}); it will be uploaded again next time`);
        }
        let cost: string;
        try {
          const record = this.deps.spend.recordOcr({
            provider: config.provider === 'deepseek' ? 'DeepSeek' : client.label,
            model: response.model ?? (config.provider === 'deepseek' ? 'deepseek-ocr' : config.model),
            pages: pageCount,
            pricePerPageUsd: price,
            endpoint: baseUrl,
            ...(response.usage ? { usage: response.usage } : {}),
          });
          cost = record.unpriced ? 'unpriced' : `${formatUsd(record.costUsd)} (estimated)`;
        } catch (err) {
          // The text was paid for and is kept; the ledger's failure is logged, not hidden behind a lost result.
          this.deps.logger.error(`ocr: recording the extraction of ${label} in the spend ledger failed`, err);
          cost = 'not recorded (see the log)';
        }
        this.deps.logger.info(`ocr: ${label} extracted by ${client.label}: ${pageCount} page(s), ${cost}`);
        return { ok: true, text, cost };
      } finally {
        outer?.dispose();
        this.running.delete(cts);
        cts.dispose();
      }
    })();
    this.inFlight.set(key, run);
    try {
      return await run;
    } finally {
      if (this.inFlight.get(key) === run) this.inFlight.delete(key);
    }
  }

  /** Stops every extraction in progress (test mode: the tests cannot press a notification's Cancel). */
  cancelAll(): number {
    const count = this.running.size;
    for (const cts of this.running) cts.cancel();
    return count;
  }

  /** How many extractions are in progress. */
  get inProgress(): number {
    return this.running.size;
  }

  /** The progress lines reported lately, oldest first. */
  recentProgress(): readonly string[] {
    return [...this.progressLog];
  }

  dispose(): void {
    this.cancelAll();
  }
}
