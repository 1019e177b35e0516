import * as vscode from 'vscode';
import type { BudgetPolicy } from '../core/budget';
import type { Notifier } from '../platform/notifier';

/**
 * The budget policy of chat and commands: a modal "Send Anyway" question before a request that may go past
 * the session budget, and the 80% warning as a notification (once per crossing; the gate decides when).
 */
export function modalBudgetPolicy(notifier: Notifier): BudgetPolicy {
  return {
    confirmOverBudget: async (check) =>
      (await vscode.window.showWarningMessage(check.message ?? 'This request may exceed the session budget.', { modal: true }, 'Send Anyway')) === 'Send Anyway',
    warnNearBudget: (message) => void notifier.warn(message),
  };
}
