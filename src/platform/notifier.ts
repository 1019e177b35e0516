import * as vscode from 'vscode';
import type { Logger } from '../core/logger';

export type NoticeSeverity = 'info' | 'warning' | 'error';

export interface Notice {
  readonly severity: NoticeSeverity;
  readonly message: string;
  readonly actions: readonly string[];
  readonly at: number;
  /** Present for a notice that closes itself (`showUntil`): true while it is still shown. */
  readonly open?: boolean;
}

const KEEP = 50;

/** The button a progress notification shows when it can be cancelled. */
const CANCEL = 'Cancel';

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

  /**
   * A notification that stays until `settled` settles and then closes itself — however it was settled. VS Code
   * gives extensions no way to close an ordinary notification (microsoft/vscode#48960), so this one is a
   * progress notification: its message may carry command links (`[Apply](command:…)`), and with `onCancel`
   * its Cancel button calls that (in test mode `click(pattern, 'Cancel')` does too). Kept in `recent()` with
   * `open` true until it closes.
   */
  showUntil(message: string, settled: Thenable<unknown>, onCancel?: () => void): void {
    const notice: Notice = { severity: 'info', message, actions: onCancel ? [CANCEL] : [], at: Date.now(), open: true };
    this.history.push(notice);
    if (this.history.length > KEEP) {
      const dropped = this.history.shift();
      if (dropped) this.waiting.delete(dropped);
    }
    this.logger.info(`notice (until decided): ${message}${onCancel ? ` [${CANCEL}]` : ''}`);
    const close = () => {
      this.waiting.delete(notice);
      const at = this.history.indexOf(notice);
      if (at >= 0) this.history[at] = { ...notice, open: false };
    };
    if (this.testHooks && onCancel) this.waiting.set(notice, () => onCancel());
    void vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: message, cancellable: onCancel !== undefined }, (_progress, token) => {
      const cancelled = token.onCancellationRequested(() => onCancel?.());
      return Promise.resolve(settled).then(
        () => undefined,
        () => undefined,
      ).finally(() => {
        cancelled.dispose();
        close();
      });
    });
  }
}
