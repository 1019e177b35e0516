import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import type { Balance } from '../api/types';
import { ocrPriceLabel } from '../core/documents/ocrPrice';
import { endpointOrigin } from '../core/endpoint';
import type { EndpointIdentity } from '../core/endpointIdentity';
import type { Logger } from '../core/logger';
import { describeAppliedPrices, resolveProviderPrice, type ProviderPricing, type ResolvedPrice } from '../core/pricing';
import { PRIMARY_PROVIDER_NAME } from '../core/providers/providerSpec';
import { completionFigures } from '../core/completionStats';
import type { RecordInput, SpendLedger, SpendRecord, SpendTotals } from '../core/spendLedger';
import { spendReport, type SpendView } from '../core/spendSummary';
import type { ConfigurationService } from '../config/settings';
import type { Notifier } from '../platform/notifier';
import type { SharedLedger } from './sharedLedger';
import { SpendLedgers, type LedgerName } from './spendLedgers';

/** Where version 1 kept the whole ledger (globalState); migrated once into the shared ledger, then only read. */
export const LEGACY_STORAGE_KEY = 'deepseek.spendLedger.v1';
/** The balance is fetched at most this often (never per keystroke). */
export const BALANCE_REFRESH_MS = 5 * 60_000;
/** onDidChange fires at most this often for completion counts (they may come at every ghost-text display). */
export const COMPLETION_CHANGE_MS = 1_000;

export interface SpendServiceDeps {
  /** The shared ledger's directory (under the extension's global storage); undefined keeps it in memory. */
  readonly storageDir: string | undefined;
  /** The offline simulator's ledger's directory, beside it; undefined keeps it in memory. */
  readonly simulatorStorageDir: string | undefined;
  /** What the endpoints' responses said: the simulator's spend goes to its own ledger. */
  readonly endpoints: EndpointIdentity;
  /** globalState, for the version-1 ledger. */
  readonly legacyState: vscode.Memento;
  readonly settings: ConfigurationService;
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** The model the next chat request goes out with, for the readout's rate before any request. */
  readonly currentModel?: () => string;
}

/**
 * Owns the spend ledgers in the extension host: DeepSeek's and the offline simulator's, each shared by every
 * window (src/spend/spendLedgers.ts, sharedLedger.ts); records each request in the ledger of the endpoint that
 * answered it, re-reads other windows' spend when this window gains focus or the files change, and keeps the
 * balance each endpoint reported. The figures shown (status bar, budget, Show Spend) are those of the ledger of
 * the endpoint requests go to now: the simulator's only while `deepseek.baseUrl` is the simulator.
 */
export class SpendService implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly ledgers: SpendLedgers;
  private readonly focus: vscode.Disposable;
  private readonly endpointsChanged: { dispose(): void };
  private readonly settings: ConfigurationService;
  private readonly logger: Logger;
  private readonly currentModel: (() => string) | undefined;
  /** The balance each ledger's endpoint reported (the simulator's is play money). */
  private readonly balances = new Map<LedgerName, { value: Balance; fetchedAt: number }>();
  private readonly balanceInFlight = new Map<LedgerName, Promise<void>>();
  private readonly lastBalanceAttempt = new Map<LedgerName, number>();
  private completionChange: ReturnType<typeof setTimeout> | undefined;
  /** Resolves when the ledger has been read (or failed to be, in which case it is this window's only). */
  readonly ready: Promise<void>;

  constructor(deps: SpendServiceDeps) {
    this.settings = deps.settings;
    this.logger = deps.logger;
    this.currentModel = deps.currentModel;
    this.ledgers = new SpendLedgers({
      dirs: { deepseek: deps.storageDir, simulator: deps.simulatorStorageDir },
      endpoints: deps.endpoints,
      legacyV1: () => deps.legacyState.get<unknown>(LEGACY_STORAGE_KEY),
      logger: deps.logger,
      warnUser: (message) => void deps.notifier.warn(message),
      onChange: () => this.emitter.fire(),
      newId: () => randomUUID(),
    });
    this.ready = this.ledgers.open();
    this.focus = vscode.window.onDidChangeWindowState((state) => {
      if (state.focused) void this.refresh();
    });
    // Learning that an endpoint is (or no longer is) the simulator switches the figures shown.
    this.endpointsChanged = deps.endpoints.onDidChange(() => this.emitter.fire());
  }

  /** Which ledger the figures shown belong to: that of the endpoint requests go to now. */
  get shownLedger(): LedgerName {
    return this.ledgers.nameFor(this.settings.get('baseUrl'));
  }

  private get ledger(): SpendLedger {
    return this.ledgers.get(this.shownLedger).ledger;
  }

  /** Reads what other windows recorded since the last read (their spend counts in this window's figures). */
  async refresh(): Promise<void> {
    await this.ledgers.refresh();
  }

  /** The rates for a request to DeepSeek's `model` now: the user's table, else DeepSeek's defaults for a model it lacks. */
  priceFor(model: string, at = new Date()): ResolvedPrice | undefined {
    return this.priceForProvider({ primary: true }, model, at);
  }

  /**
   * The rates for a request to `model` at a provider now: DeepSeek as `priceFor`; a fallback from its own
   * `pricing` only (never DeepSeek's), undefined — recorded as unpriced — when it has none for the model.
   * Pass the spec's `name` too and the label names its table ("… (Backup prices)").
   */
  priceForProvider(spec: ProviderPricing, model: string, at = new Date()): ResolvedPrice | undefined {
    return resolveProviderPrice(spec, this.settings.get('pricing'), model, at);
  }

  /**
   * Records a request that went to `endpoint` (its base URL): in the simulator's ledger when the offline
   * simulator answered it, else in DeepSeek's.
   */
  record(input: RecordInput, endpoint: string): SpendRecord {
    const { record, ledger } = this.ledgers.record(input, endpoint);
    this.logger.info(
      `request ${record.surface} ${record.model}${ledger === 'simulator' ? ' (offline simulator, its own ledger)' : ''}: ` +
        `${record.pages !== undefined ? `${record.pages} page(s), ` : ''}hit ${record.hitTokens}, miss ${record.missTokens}, output ${record.outputTokens}` +
        ` → ${record.unpriced ? 'unpriced' : `$${record.costUsd.toFixed(6)}`}${record.estimated ? ' (estimated)' : ''} [${record.priceLabel}]`,
    );
    this.emitter.fire();
    return record;
  }

  /**
   * Records one extraction (surface `ocr`): DeepSeek's OCR tool priced per page (an estimate); an endpoint
   * with no per-page price (a self-hosted one) unpriced. Tokens from the endpoint's usage when it reported any.
   */
  recordOcr(input: OcrRecordInput): SpendRecord {
    const priced = input.pricePerPageUsd !== undefined && Number.isFinite(input.pricePerPageUsd) && input.pricePerPageUsd >= 0;
    return this.record(
      {
        model: input.model,
        provider: input.provider,
        surface: 'ocr',
        usage: { kind: 'reported', hitTokens: 0, missTokens: input.usage?.promptTokens ?? 0, outputTokens: input.usage?.outputTokens ?? 0 },
        price: undefined,
        pages: input.pages,
        ...(priced ? { perPage: { usd: input.pricePerPageUsd as number, label: ocrPriceLabel(input.pricePerPageUsd as number) } } : {}),
      },
      input.endpoint,
    );
  }

  /** An inline completion was displayed (the provider's handleDidShowCompletionItem). */
  recordCompletionShown(): void {
    this.shownShared().recordCompletionUsage('shown');
    this.completionCountsChanged();
  }

  /** An inline completion was accepted in full (its accept command). */
  recordCompletionAccepted(): void {
    this.shownShared().recordCompletionUsage('accepted');
    this.completionCountsChanged();
  }

  /** An inline completion was accepted in part, `chars` characters of it (handleDidPartiallyAcceptCompletionItem). */
  recordCompletionPartiallyAccepted(chars: number): void {
    this.shownShared().recordCompletionUsage('partial', chars);
    this.completionCountsChanged();
  }

  /** Fires onDidChange once after a burst of counts (the status line does not show them; the open report does). */
  private completionCountsChanged(): void {
    if (this.completionChange) return;
    this.completionChange = setTimeout(() => {
      this.completionChange = undefined;
      this.emitter.fire();
    }, COMPLETION_CHANGE_MS);
    this.completionChange.unref?.();
  }

  /** The shared ledger completions count in: that of the endpoint they go to now. */
  private shownShared(): SharedLedger {
    return this.ledgers.get(this.shownLedger);
  }

  /** Starts a new session in every window, in both ledgers; today's and all-time figures are kept. */
  resetSession(): void {
    this.ledgers.resetSession();
    this.emitter.fire();
  }

  view(at = new Date()): SpendView {
    const last = this.ledger.lastRecord;
    const model = last?.model ?? this.currentModel?.();
    // DeepSeek's table describes DeepSeek's rates only: a fallback's request keeps just its own price label.
    const viaFallback = last !== undefined && last.provider !== PRIMARY_PROVIDER_NAME;
    const prices = model && !viaFallback ? describeAppliedPrices(this.settings.get('pricing'), model, at) : undefined;
    const unpricedByProvider = unpricedCounts(this.ledger.breakdown('session', 'provider'));
    const simulated = this.shownLedger === 'simulator';
    const balance = this.balances.get(this.shownLedger);
    return {
      session: this.ledger.session,
      today: this.ledger.today,
      allTime: this.ledger.allTime,
      budgetUsd: this.settings.get('budget.session'),
      ...(last ? { priceLabel: last.priceLabel } : {}),
      ...(prices ? { prices } : {}),
      ...(balance
        ? { balance: { amounts: balance.value.balances.map((b) => ({ currency: b.currency, total: b.total })), fetchedAt: balance.fetchedAt } }
        : {}),
      ...(viaFallback ? { fallbackProvider: last.provider } : {}),
      ...(unpricedByProvider ? { unpricedByProvider } : {}),
      ...(simulated ? { simulated: true as const } : {}),
    };
  }

  /** The Show Spend document: the shown ledger in full, the other one's totals apart when it has any. */
  report(): string {
    const other = this.ledgers.get(this.shownLedger === 'simulator' ? 'deepseek' : 'simulator').ledger;
    return spendReport({
      view: this.view(),
      ...(other.allTime.requests > 0
        ? { apart: { simulated: this.shownLedger !== 'simulator', session: other.session, today: other.today, allTime: other.allTime } }
        : {}),
      ...(this.shownLedger === 'simulator' ? { endpoint: endpointOrigin(this.settings.get('baseUrl')) ?? this.settings.get('baseUrl') } : {}),
      sessionByModel: this.ledger.breakdown('session', 'model'),
      sessionBySurface: this.ledger.breakdown('session', 'surface'),
      sessionByProvider: this.ledger.breakdown('session', 'provider'),
      allTimeByModel: this.ledger.breakdown('allTime', 'model'),
      records: this.ledger.records,
      sessionStartedAt: this.ledger.sessionStartedAt,
      generatedAt: Date.now(),
      completions: {
        session: completionFigures(this.ledger.completions('session'), this.ledger.breakdown('session', 'surface').completion),
        allTime: completionFigures(this.ledger.completions('allTime'), this.ledger.breakdown('allTime', 'surface').completion),
      },
    });
  }

  /**
   * Fetches the balance of `endpoint` (the base URL it is asked for) unless that ledger's balance was fetched
   * (or tried) within BALANCE_REFRESH_MS. The simulator's balance is kept apart from DeepSeek's.
   */
  refreshBalance(fetchBalance: () => Promise<Balance>, options: { readonly endpoint: string; readonly force?: boolean }): Promise<void> {
    const ledger = this.ledgers.nameFor(options.endpoint);
    const now = Date.now();
    const inFlight = this.balanceInFlight.get(ledger);
    if (inFlight || (!options.force && now - (this.lastBalanceAttempt.get(ledger) ?? 0) < BALANCE_REFRESH_MS)) {
      return inFlight ?? Promise.resolve();
    }
    this.lastBalanceAttempt.set(ledger, now);
    const pending = fetchBalance()
      .then((value) => {
        // The response says whose balance it is (the simulator's carries its header).
        this.balances.set(this.ledgers.nameFor(options.endpoint), { value, fetchedAt: Date.now() });
        this.emitter.fire();
      })
      .catch((err: unknown) => this.logger.debug('balance not refreshed', err instanceof Error ? err.message : err))
      .finally(() => this.balanceInFlight.delete(ledger));
    this.balanceInFlight.set(ledger, pending);
    return pending;
  }

  /** Writes pending records synchronously (the window may be closing) and stops watching. */
  dispose(): void {
    clearTimeout(this.completionChange);
    this.ledgers.dispose();
    this.endpointsChanged.dispose();
    this.focus.dispose();
    this.emitter.dispose();
  }
}

/** One extraction, as recordOcr takes it. */
export interface OcrRecordInput {
  readonly provider: string;
  readonly model: string;
  readonly pages: number;
  /** USD per page; undefined = no price (a self-hosted endpoint): recorded as unpriced. */
  readonly pricePerPageUsd: number | undefined;
  /** The base URL the file went to (the simulator's extractions go to its own ledger). */
  readonly endpoint: string;
  readonly usage?: { readonly promptTokens: number; readonly outputTokens: number };
}

/** Unpriced requests per provider (those with some); undefined when there are none. */
function unpricedCounts(byProvider: Readonly<Record<string, SpendTotals>>): Record<string, number> | undefined {
  const counts = Object.entries(byProvider).filter(([, t]) => t.unpricedRequests > 0).map(([name, t]) => [name, t.unpricedRequests] as const);
  return counts.length > 0 ? Object.fromEntries(counts) : undefined;
}
