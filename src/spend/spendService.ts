import * as vscode from 'vscode';
import type { Balance } from '../api/types';
import type { Logger } from '../core/logger';
import { resolvePrice, type ResolvedPrice } from '../core/pricing';
import { SpendLedger, type RecordInput, type SpendRecord } from '../core/spendLedger';
import { spendReport, type SpendView } from '../core/spendSummary';
import type { ConfigurationService } from '../config/settings';
import type { Notifier } from '../platform/notifier';

const STORAGE_KEY = 'deepseek.spendLedger.v1';
/** The balance is fetched at most this often (never per keystroke). */
export const BALANCE_REFRESH_MS = 5 * 60_000;

/**
 * Owns the spend ledger in the extension host: restores it from global storage (a corrupt store is reset
 * with a warning), records each request, persists after every change, and keeps the account balance.
 */
export class SpendService implements vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  private ledger: SpendLedger;
  private balance: { value: Balance; fetchedAt: number } | undefined;
  private balanceInFlight: Promise<void> | undefined;
  private lastBalanceAttempt = 0;

  constructor(
    private readonly storage: vscode.Memento,
    private readonly settings: ConfigurationService,
    notifier: Notifier,
    private readonly logger: Logger,
  ) {
    const { ledger, warning } = SpendLedger.restore(storage.get<unknown>(STORAGE_KEY));
    this.ledger = ledger;
    if (warning) {
      logger.warn(warning);
      void notifier.warn(warning);
      void this.persist();
    }
  }

  priceFor(model: string, at = new Date()): ResolvedPrice | undefined {
    return resolvePrice(this.settings.get('pricing'), model, at);
  }

  record(input: RecordInput): SpendRecord {
    const record = this.ledger.record(input);
    this.logger.info(
      `request ${record.surface} ${record.model}: hit ${record.hitTokens}, miss ${record.missTokens}, output ${record.outputTokens}` +
        ` → $${record.costUsd.toFixed(6)}${record.estimated ? ' (estimated)' : ''} [${record.priceLabel}]`,
    );
    void this.persist();
    this.emitter.fire();
    return record;
  }

  resetSession(): void {
    this.ledger.resetSession();
    void this.persist();
    this.emitter.fire();
  }

  view(): SpendView {
    const last = this.ledger.lastRecord;
    return {
      session: this.ledger.session,
      today: this.ledger.today,
      allTime: this.ledger.allTime,
      budgetUsd: this.settings.get('budget.session'),
      ...(last ? { priceLabel: last.priceLabel } : {}),
      ...(this.balance
        ? { balance: { amounts: this.balance.value.balances.map((b) => ({ currency: b.currency, total: b.total })), fetchedAt: this.balance.fetchedAt } }
        : {}),
      ...(last && last.provider !== 'DeepSeek' ? { fallbackProvider: last.provider } : {}),
    };
  }

  report(): string {
    return spendReport({
      view: this.view(),
      sessionByModel: this.ledger.breakdown('session', 'model'),
      sessionBySurface: this.ledger.breakdown('session', 'surface'),
      allTimeByModel: this.ledger.breakdown('allTime', 'model'),
      records: this.ledger.records,
      sessionStartedAt: this.ledger.sessionStartedAt,
      generatedAt: Date.now(),
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

  private async persist(): Promise<void> {
    try {
      await this.storage.update(STORAGE_KEY, this.ledger.toJSON());
    } catch (err) {
      this.logger.error('could not save the spend ledger', err);
    }
  }

  dispose(): void {
    this.emitter.dispose();
  }
}
