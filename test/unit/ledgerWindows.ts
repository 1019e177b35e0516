import { mkdtempSync, rmSync } from 'fs';
import { tmpdir } from 'os';
import * as path from 'path';
import { MemoryLogger } from '../../src/core/logger';
import { SharedLedger, type SharedLedgerOptions } from '../../src/spend/sharedLedger';

export interface LedgerWindow {
  readonly shared: SharedLedger;
  readonly logger: MemoryLogger;
  readonly warnings: string[];
}

/**
 * For a mocha `describe`: a fresh temporary ledger directory per test, and `window()` to open another VS Code
 * window's SharedLedger on it (no file watching, no polling: tests drive refreshes). All are disposed and the
 * directory removed after each test.
 */
export function ledgerWindows(): {
  readonly dir: string;
  window(extra?: Partial<SharedLedgerOptions>): Promise<LedgerWindow>;
  /** A window that crashed: it is never disposed. */
  forget(shared: SharedLedger): void;
} {
  let dir = '';
  const open: SharedLedger[] = [];
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'deepseek-ledger-'));
  });
  afterEach(() => {
    for (const l of open.splice(0)) l.dispose();
    rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
    async window(extra = {}) {
      const logger = new MemoryLogger();
      const warnings: string[] = [];
      const shared = new SharedLedger({ dir, logger, watch: false, pollMs: 0, warnUser: (m) => warnings.push(m), ...extra });
      open.push(shared);
      await shared.open();
      return { shared, logger, warnings };
    },
    forget(shared) {
      open.splice(open.indexOf(shared), 1);
    },
  };
}
