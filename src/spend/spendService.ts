import { randomUUID } from 'crypto';
import * as vscode from 'vscode';
import type { Balance } from '../api/types';
import type { Logger } from '../core/logger';
import { describeAppliedPrices, resolveProviderPrice, type ProviderPricing, type ResolvedPrice } from '../core/pricing';
import { PRIMARY_PROVIDER_NAME } from '../core/providers/providerSpec';
import { completionFigures } from '../core/completionStats';
import type { RecordInput, SpendLedger, SpendRecord, SpendTotals } from '../core/spendLedger';
import { spendReport, type SpendView } from '../core/spendSummary';
import type { ConfigurationService } from '../config/settings';
import type { Notifier } from '../platform/notifier';
import { SharedLedger } from './sharedLedger';

/** Where version 1 kept the whole ledger (globalState); migrated once into the shared ledger, then only read. */
export const LEGACY_STORAGE_KEY = 'deepseek.spendLedger.v1';
/** The balance is fetched at most this often (never per keystroke). */
export const BALANCE_REFRESH_MS = 5 * 60_000;
/** onDidChange fires at most this often for completion counts (they may come at every ghost-text display). */
export const COMPLETION_CHANGE_MS = 1_000;

export interface SpendServiceDeps {
  /** The shared ledger's directory (under the extension's global storage); undefined keeps it in memory. */
  readonly storageDir: string | undefined;
  /** globalState, for the version-1 ledger. */
  readonly legacyState: vscode.Memento;
  readonly settings: ConfigurationService;
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** The model the next chat request goes out with, for the readout's rate before any request. */
  readonly currentModel?: () => string;
}

/**
 * Owns the spend ledger in the extension host: the ledger every window shares (src/spend/sharedLedger.ts),
 * records each request, re-reads other windows' spend when this window gains focus or the files change, and
 * keeps the account balance.
 */
export class SpendService implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private readonly shared: SharedLedger;
  private readonly focus: vscode.Disposable;
  private readonly settings: ConfigurationService;
  private readonly logger: Logger;
  private readonly currentModel: (() => string) | undefined;
  private balance: { value: Balance; fetchedAt: number } | undefined;
  private balanceInFlight: Promise<void> | undefined;
  private lastBalanceAttempt = 0;
  private completionChange: ReturnType<typeof setTimeout> | undefined;
  /** Resolves when the ledger has been read (or failed to be, in which case it is this window's only). */
  readonly ready: Promise<void>;

  constructor(deps: SpendServiceDeps) {
    this.settings = deps.settings;
    this.logger = deps.logger;
    this.currentModel = deps.currentModel;
    this.shared = new SharedLedger({
      dir: deps.storageDir,
      legacyV1: () => deps.legacyState.get<unknown>(LEGACY_STORAGE_KEY),
      logger: deps.logger,
      warnUser: (message) => void deps.notifier.warn(message),
      onChange: () => this.emitter.fire(),
      newId: () => randomUUID(),
    });
    this.ready = this.shared.open();
    this.focus = vscode.window.onDidChangeWindowState((state) => {
      if (state.focused) void this.refresh();
    });
  }

  private get ledger(): SpendLedger {
    return this.shared.ledger;
  }

  /** Reads what other windows recorded since the last read (their spend counts in this window's figures). */
  async refresh(): Promise<void> {
    await this.shared.refresh();
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

  record(input: RecordInput): SpendRecord {
    const record = this.shared.record(input);
    this.logger.info(
      `request ${record.surface} ${record.model}: hit ${record.hitTokens}, miss ${record.missTokens}, output ${record.outputTokens}` +
        ` → ${record.unpriced ? 'unpriced' : `$${record.costUsd.toFixed(6)}`}${record.estimated ? ' (estimated)' : ''} [${record.priceLabel}]`,
    );
    this.emitter.fire();
    return record;
  }

  /** An inline completion was displayed (the provider's handleDidShowCompletionItem). */
  recordCompletionShown(): void {
    this.shared.recordCompletionUsage('shown');
    this.completionCountsChanged();
  }

  /** An inline completion was accepted in full (its accept command). */
  recordCompletionAccepted(): void {
    this.shared.recordCompletionUsage('accepted');
    this.completionCountsChanged();
  }

  /** An inline completion was accepted in part, `chars` characters of it (handleDidPartiallyAcceptCompletionItem). */
  recordCompletionPartiallyAccepted(chars: number): void {
    this.shared.recordCompletionUsage('partial', chars);
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

  /** Starts a new session in every window; today's and all-time figures are kept. */
  resetSession(): void {
    this.shared.resetSession();
    this.emitter.fire();
  }

  view(at = new Date()): SpendView {
    const last = this.ledger.lastRecord;
    const model = last?.model ?? this.currentModel?.();
    // DeepSeek's table describes DeepSeek's rates only: a fallback's request keeps just its own price label.
    const viaFallback = last !== undefined && last.provider !== PRIMARY_PROVIDER_NAME;
    const prices = model && !viaFallback ? describeAppliedPrices(this.settings.get('pricing'), model, at) : undefined;
    const unpricedByProvider = unpricedCounts(this.ledger.breakdown('session', 'provider'));
    return {
      session: this.ledger.session,
      today: this.ledger.today,
      allTime: this.ledger.allTime,
      budgetUsd: this.settings.get('budget.session'),
      ...(last ? { priceLabel: last.priceLabel } : {}),
      ...(prices ? { prices } : {}),
      ...(this.balance
        ? { balance: { amounts: this.balance.value.balances.map((b) => ({ currency: b.currency, total: b.total })), fetchedAt: this.balance.fetchedAt } }
        : {}),
      ...(viaFallback ? { fallbackProvider: last.provider } : {}),
      ...(unpricedByProvider ? { unpricedByProvider } : {}),
    };
  }

  report(): string {
    return spendReport({
      view: this.view(),
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

  /** Fetches the balance unless it was fetched (or tried) within BALANCE_REFRESH_MS. */
  refreshBalance(fetchBalance: () => Promise<Balance>, force = false): Promise<void> {
    const now = Date.now();
    if (this.balanceInFlight || (!force && now - this.lastBalanceAttempt < BALANCE_REFRESH_MS)) {
      return this.balanceInFlight ?? Promise.resolve();
    }
    this.lastBalanceAttempt = now;
    this.balanceInFlight = fetchBalance()
      .then((value) => {
        this.balance = { value, fetchedAt: Date.now() };
        this.emitter.fire();
      })
      .catch((err: unknown) => this.logger.debug('balance not refreshed', err instanceof Error ? err.message : err))
      .finally(() => {
        this.balanceInFlight = undefined;
      });
    return this.balanceInFlight;
  }

  /** Writes pending records synchronously (the window may be closing) and stops watching. */
  dispose(): void {
    clearTimeout(this.completionChange);
    this.shared.dispose();
    this.focus.dispose();
    this.emitter.dispose();
  }
}

/** Unpriced requests per provider (those with some); undefined when there are none. */
function unpricedCounts(byProvider: Readonly<Record<string, SpendTotals>>): Record<string, number> | undefined {
  const counts = Object.entries(byProvider).filter(([, t]) => t.unpricedRequests > 0).map(([name, t]) => [name, t.unpricedRequests] as const);
  return counts.length > 0 ? Object.fromEntries(counts) : undefined;
}
