import * as vscode from 'vscode';
import type { Logger } from '../core/logger';

export type NoticeSeverity = 'info' | 'warning' | 'error';

export interface Notice {
  readonly severity: NoticeSeverity;
  readonly message: string;
  readonly actions: readonly string[];
  readonly at: number;
}

const KEEP = 50;

/**
 * Every message the extension shows the user goes through here: it is logged, kept in a short history
 * (exposed on the extension's API for diagnostics and tests), then shown with its actions.
 */
export class Notifier {
  private readonly history: Notice[] = [];
  /** Test mode only: how to answer a notice still waiting for a click, as if the user pressed one of its buttons. */
  private readonly waiting = new Map<Notice, (action: string) => void>();

  /** `testHooks`: keep notices with buttons answerable by `click` (the extension-host tests cannot press VS Code's buttons). */
  constructor(private readonly logger: Logger, private readonly testHooks = false) {}

  /**
   * Test mode only: presses `action` on the latest notice matching `pattern` that still waits for an answer.
   * False when there is none (or not in test mode).
   */
  click(pattern: RegExp, action: string): boolean {
    const notice = [...this.waiting.keys()].reverse().find((n) => pattern.test(n.message) && n.actions.includes(action));
    const answer = notice ? this.waiting.get(notice) : undefined;
    if (!notice || !answer) return false;
    this.waiting.delete(notice);
    answer(action);
    return true;
  }

  info<A extends string>(message: string, ...actions: A[]): Thenable<A | undefined> {
    return this.show('info', message, actions);
  }

  warn<A extends string>(message: string, ...actions: A[]): Thenable<A | undefined> {
    return this.show('warning', message, actions);
  }

  error<A extends string>(message: string, ...actions: A[]): Thenable<A | undefined> {
    return this.show('error', message, actions);
  }

  recent(): readonly Notice[] {
    return [...this.history];
  }

  private show<A extends string>(severity: NoticeSeverity, message: string, actions: A[]): Thenable<A | undefined> {
    const notice: Notice = { severity, message, actions, at: Date.now() };
    this.history.push(notice);
    if (this.history.length > KEEP) {
      const dropped = this.history.shift();
      if (dropped) this.waiting.delete(dropped);
    }
    const logLine = actions.length ? `${message} [${actions.join(' | ')}]` : message;
    let shown: Thenable<A | undefined>;
    switch (severity) {
      case 'info':
        this.logger.info(`notice: ${logLine}`);
        shown = vscode.window.showInformationMessage(message, ...actions);
        break;
      case 'warning':
        this.logger.warn(`notice: ${logLine}`);
        shown = vscode.window.showWarningMessage(message, ...actions);
        break;
      case 'error':
        this.logger.error(`notice: ${logLine}`);
        shown = vscode.window.showErrorMessage(message, ...actions);
        break;
    }
    if (!this.testHooks || actions.length === 0) {
      return shown;
    }
    return new Promise<A | undefined>((resolve) => {
      this.waiting.set(notice, (action) => resolve(action as A));
      shown.then((choice) => {
        this.waiting.delete(notice);
        resolve(choice);
      });
    });
  }
}
