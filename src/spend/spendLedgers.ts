/**
 * DeepSeek's spend ledger and the offline simulator's, kept apart (plain Node, no `vscode`). A request whose
 * answer came from the bundled offline simulator (its response carried SIMULATOR_HEADER, see
 * src/core/endpointIdentity.ts) is recorded in the simulator's ledger, in a directory of its own; everything
 * else — DeepSeek, a local or custom endpoint, a fallback provider — in DeepSeek's. So simulated spend never
 * reaches a real key's totals, budget or history, and history written before the split stays DeepSeek's
 * (the version-1 ledger is migrated into DeepSeek's only).
 */
import type { EndpointIdentity } from '../core/endpointIdentity';
import type { RecordInput, SpendRecord } from '../core/spendLedger';
import { SharedLedger, type SharedLedgerOptions } from './sharedLedger';

/** Which ledger: DeepSeek's (real keys, real money) or the bundled offline simulator's (no money). */
export type LedgerName = 'deepseek' | 'simulator';

export const LEDGER_NAMES: readonly LedgerName[] = ['deepseek', 'simulator'];

export interface SpendLedgersOptions extends Omit<SharedLedgerOptions, 'dir' | 'legacyV1'> {
  /** Each ledger's directory; undefined keeps that ledger in memory. */
  readonly dirs: Readonly<Record<LedgerName, string | undefined>>;
  /** The version-1 ledger (globalState): DeepSeek's history, migrated into DeepSeek's ledger only. */
  readonly legacyV1?: () => unknown;
  /** What the endpoints' responses said (which one is the simulator). */
  readonly endpoints: Pick<EndpointIdentity, 'isSimulator'>;
}

export class SpendLedgers {
  private readonly ledgers: Readonly<Record<LedgerName, SharedLedger>>;

  constructor(private readonly options: SpendLedgersOptions) {
    const { dirs, legacyV1, endpoints: _endpoints, ...shared } = options;
    this.ledgers = {
      deepseek: new SharedLedger({ ...shared, dir: dirs.deepseek, ...(legacyV1 ? { legacyV1 } : {}) }),
      simulator: new SharedLedger({ ...shared, dir: dirs.simulator }),
    };
  }

  /** The ledger for requests to `endpoint` (a base URL, or any URL on it): the simulator's once it said so. */
  nameFor(endpoint: string): LedgerName {
    return this.options.endpoints.isSimulator(endpoint) ? 'simulator' : 'deepseek';
  }

  get(name: LedgerName): SharedLedger {
    return this.ledgers[name];
  }

  /** Records a request that went to `endpoint` in its ledger. */
  record(input: RecordInput, endpoint: string): { readonly record: SpendRecord; readonly ledger: LedgerName } {
    const ledger = this.nameFor(endpoint);
    return { record: this.ledgers[ledger].record(input), ledger };
  }

  /** Loads both ledgers (migrating version 1 into DeepSeek's on first use). Resolves even on failure. */
  async open(): Promise<void> {
    await Promise.all(LEDGER_NAMES.map((name) => this.ledgers[name].open()));
  }

  /** Reads what other windows recorded since the last read, in both ledgers. */
  async refresh(): Promise<void> {
    await Promise.all(LEDGER_NAMES.map((name) => this.ledgers[name].refresh()));
  }

  /** Writes pending events of both ledgers now. */
  async flush(): Promise<void> {
    await Promise.all(LEDGER_NAMES.map((name) => this.ledgers[name].flush()));
  }

  /** Starts a new session in both ledgers, in every window. */
  resetSession(): void {
    for (const name of LEDGER_NAMES) this.ledgers[name].resetSession();
  }

  dispose(): void {
    for (const name of LEDGER_NAMES) this.ledgers[name].dispose();
  }
}
