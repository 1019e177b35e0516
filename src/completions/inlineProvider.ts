import * as vscode from 'vscode';
import type { ApiFailure } from '../core/apiErrors';
import { DECLINE_OVER_BUDGET } from '../core/budget';
import { CompletionCache } from '../core/completions/completionCache';
import { buildFimPrompt } from '../core/completions/fimPrompt';
import { completionMode, maxTokensFor, postProcessCompletion, stopSequences } from '../core/completions/postProcess';
import { TypingDebounce } from '../core/completions/typingDebounce';
import type { Logger } from '../core/logger';
import type { FimOutcome, FimTask } from '../engine/requestEngine';
import type { CompletionGate } from './completionGate';

/** The command an accepted item runs (VS Code runs an item's command after Tab inserts it). */
export const ACCEPTED_COMMAND = 'deepseek.inlineCompletionAccepted';

/** Characters of raw text either side of the cursor that key the cache (typing through, backspace, undo). */
const CACHE_PREFIX_CHARS = 4000;
const CACHE_SUFFIX_CHARS = 1000;
/** Quiet backoff after network errors and 5xx: doubles from 2 s up to a minute. */
const BACKOFF_START_MS = 2000;
const BACKOFF_MAX_MS = 60_000;

/** How the provider reaches the rest of the extension. */
export interface CompletionDeps {
  readonly complete: (task: FimTask) => Promise<FimOutcome>;
  /** Shows a failure with its fix (Set API Key, Top Up): called at most once per kind per session. */
  readonly reportFailure: (failure: ApiFailure) => Promise<void>;
  readonly gate: CompletionGate;
  readonly relative: (uri: vscode.Uri) => string | undefined;
  readonly stats: { shown(): void; accepted(): void; partiallyAccepted(chars: number): void };
  readonly logger: Logger;
  /** For tests: milliseconds since the epoch. */
  readonly now?: () => number;
}

/** The suggestion on screen: where it was offered, what is left of it, and whether a part was accepted. */
interface Offered {
  readonly uri: string;
  readonly offset: number;
  readonly text: string;
  readonly partlyAccepted: boolean;
}

function sleep(ms: number, token: vscode.CancellationToken): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    const sub = token.onCancellationRequested(done);
    function done() {
      clearTimeout(timer);
      sub.dispose();
      resolve();
    }
  });
}

/**
 * Ghost text from DeepSeek's FIM. Per keystroke: the gate's cheap checks (setting, language, trust, snooze),
 * then the cache (typing through a shown suggestion, backspace and undo need no request), then a debounce
 * adapted to the typist, then the read policy, then one request per document — the previous one aborted on the
 * wire — with a prompt whose prefix stays byte-identical while the user types (src/core/completions/fimPrompt.ts),
 * post-processed so it never repeats what follows the cursor or inserts a placeholder. Failures stay quiet: 401/402 are shown once
 * per session with their fix, network errors and 5xx back off, a rate limit waits as long as asked.
 */
export class DeepSeekInlineCompletionProvider implements vscode.InlineCompletionItemProvider, vscode.Disposable {
  private readonly cache = new CompletionCache();
  private readonly debounce = new TypingDebounce();
  private readonly inFlight = new Map<string, vscode.CancellationTokenSource>();
  private readonly reported = new Set<string>();
  private backoffUntil = 0;
  private backoffMs = BACKOFF_START_MS;
  private offered: Offered | undefined;
  private readonly subscriptions: vscode.Disposable[] = [];
  private requestCount = 0;

  constructor(private readonly deps: CompletionDeps) {
    this.subscriptions.push(vscode.workspace.onDidChangeTextDocument((e) => this.onEdit(e)));
  }

  private now(): number {
    return this.deps.now?.() ?? Date.now();
  }

  /** Requests sent so far (for tests and the log). */
  get requests(): number {
    return this.requestCount;
  }

  async provideInlineCompletionItems(
    document: vscode.TextDocument,
    position: vscode.Position,
    context: vscode.InlineCompletionContext,
    token: vscode.CancellationToken,
  ): Promise<vscode.InlineCompletionItem[] | undefined> {
    if (this.deps.gate.documentRefusal(document)) return undefined;
    const text = document.getText();
    const offset = document.offsetAt(position);
    // Keyed by document too: a suggestion is only ever served back in the file it was made for.
    const keyPrefix = `${document.uri.toString()}\n${text.slice(Math.max(0, offset - CACHE_PREFIX_CHARS), offset)}`;
    const keySuffix = text.slice(offset, offset + CACHE_SUFFIX_CHARS);
    const line = document.lineAt(position.line).text;
    const linePrefix = line.slice(0, position.character);
    const lineSuffix = line.slice(position.character);
    const cached = this.cache.get(keyPrefix, keySuffix);
    if (cached !== undefined) {
      return this.items(document, position, offset, cached);
    }
    const explicit = context.triggerKind === vscode.InlineCompletionTriggerKind.Invoke;
    if (!explicit && this.now() < this.backoffUntil) return undefined;
    if (!explicit) {
      await sleep(this.debounce.delayMs(), token);
      if (token.isCancellationRequested) return undefined; // the user typed on: this keystroke's request never goes out
    }
    // The read policy (ignored, excluded, secret files) once per request, not per keystroke: it may touch the disk.
    if ((await this.deps.gate.refusal(document)) || token.isCancellationRequested) return undefined;
    const key = document.uri.toString();
    this.inFlight.get(key)?.cancel(); // at most one request per document: the older one is aborted on the wire
    const source = new vscode.CancellationTokenSource();
    const link = token.onCancellationRequested(() => source.cancel());
    this.inFlight.set(key, source);
    try {
      const mode = completionMode({
        linePrefix,
        lineSuffix,
        previousLine: position.line > 0 ? document.lineAt(position.line - 1).text : '',
        languageId: document.languageId,
      });
      const prompt = buildFimPrompt({ path: this.deps.relative(document.uri) ?? document.uri.path.split('/').pop() ?? 'untitled', languageId: document.languageId, text, offset });
      this.requestCount += 1;
      const outcome = await this.deps.complete({
        prefix: prompt.prefix,
        suffix: prompt.suffix,
        maxTokens: maxTokensFor(mode),
        stop: stopSequences(mode, document.languageId),
        token: source.token,
        budget: DECLINE_OVER_BUDGET,
      });
      if (outcome.kind !== 'completed') {
        this.onFailure(outcome);
        return undefined;
      }
      this.backoffMs = BACKOFF_START_MS;
      const insert = postProcessCompletion({
        text: outcome.text,
        mode,
        linePrefix,
        lineSuffix,
        followingLines: followingLines(document, position.line, 20),
      });
      if (insert === undefined) return undefined;
      this.cache.put(keyPrefix, keySuffix, insert);
      if (source.token.isCancellationRequested) return undefined;
      return this.items(document, position, offset, insert);
    } finally {
      link.dispose();
      if (this.inFlight.get(key) === source) this.inFlight.delete(key);
      source.dispose();
    }
  }

  private items(document: vscode.TextDocument, position: vscode.Position, offset: number, insert: string): vscode.InlineCompletionItem[] {
    const uri = document.uri.toString();
    const current = this.offered;
    // Typing through the suggestion on screen is the same suggestion: counted as shown once.
    const same = current !== undefined && current.uri === uri && current.text.endsWith(insert) && offset - current.offset === current.text.length - insert.length;
    if (!same) this.deps.stats.shown();
    this.offered = same && current ? { ...current, offset, text: insert } : { uri, offset, text: insert, partlyAccepted: false };
    return [new vscode.InlineCompletionItem(insert, new vscode.Range(position, position), { command: ACCEPTED_COMMAND, title: 'Accepted', arguments: [insert] })];
  }

  /** Tab accepted a suggestion (the item's command). */
  accepted(): void {
    // A suggestion accepted word by word and then with Tab counts once, as partly accepted.
    if (!this.offered?.partlyAccepted) this.deps.stats.accepted();
    this.offered = undefined;
  }

  /**
   * Keystrokes feed the debounce and abort the document's request in flight. An edit that inserts, at the offered position, several characters at once that
   * start the offered suggestion (not all of it) is a partial accept (Ctrl+→ accepts a word): VS Code's stable
   * API has no partial-accept hook, so it is recognised from the edit.
   */
  private onEdit(e: vscode.TextDocumentChangeEvent): void {
    // Only the user's typing counts: output channels and other documents change without a keystroke.
    if (e.contentChanges.length === 0 || e.document !== vscode.window.activeTextEditor?.document) return;
    this.debounce.keystroke(this.now());
    // The user typed on: a request still in flight for this document is for text that no longer is; abort it on
    // the wire at once (the next pause asks again) rather than wait for VS Code to drop it.
    this.inFlight.get(e.document.uri.toString())?.cancel();
    const offered = this.offered;
    if (!offered || offered.uri !== e.document.uri.toString()) return;
    const change = e.contentChanges[0]!;
    if (e.contentChanges.length === 1 && change.rangeLength === 0 && change.rangeOffset === offered.offset && change.text.length > 1 &&
        change.text.length < offered.text.length && offered.text.startsWith(change.text)) {
      if (!offered.partlyAccepted) this.deps.stats.partiallyAccepted(change.text.length);
      this.offered = { ...offered, offset: offered.offset + change.text.length, text: offered.text.slice(change.text.length), partlyAccepted: true };
    }
  }

  private onFailure(outcome: Exclude<FimOutcome, { kind: 'completed' }>): void {
    if (outcome.kind === 'paused') return; // the status bar says so; nothing per keystroke
    if (outcome.kind === 'notSent') {
      if (outcome.notSent === 'noKey') this.once('noKey', { kind: 'auth', retryable: false, message: 'DeepSeek needs an API key for inline completions.' });
      return;
    }
    const failure = outcome.failure;
    switch (failure.kind) {
      case 'cancelled':
        return;
      case 'auth':
      case 'balance':
      case 'model':
        this.once(failure.kind, failure);
        return;
      case 'rateLimit':
        this.backoffUntil = this.now() + (failure.retryAfterMs ?? this.backoffMs);
        return;
      default:
        this.backoffUntil = this.now() + this.backoffMs;
        this.deps.logger.info(`completions: ${failure.message}; quiet for ${Math.round(this.backoffMs / 1000)} s`);
        this.backoffMs = Math.min(BACKOFF_MAX_MS, this.backoffMs * 2);
    }
  }

  /** One notification per kind per session, never per keystroke. */
  private once(kind: string, failure: ApiFailure): void {
    if (this.reported.has(kind)) return;
    this.reported.add(kind);
    void this.deps.reportFailure(failure);
  }

  /** A new key, or the user turned completions on again: failures may be shown again. */
  resetNotices(): void {
    this.reported.clear();
    this.backoffUntil = 0;
    this.backoffMs = BACKOFF_START_MS;
  }

  dispose(): void {
    for (const source of this.inFlight.values()) source.cancel();
    this.inFlight.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}

function followingLines(document: vscode.TextDocument, line: number, count: number): string[] {
  const out: string[] = [];
  for (let i = line + 1; i < Math.min(document.lineCount, line + 1 + count); i++) out.push(document.lineAt(i).text);
  return out;
}
