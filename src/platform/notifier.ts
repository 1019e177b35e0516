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

  constructor(private readonly logger: Logger) {}

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
    this.history.push({ severity, message, actions, at: Date.now() });
    if (this.history.length > KEEP) {
      this.history.shift();
    }
    const logLine = actions.length ? `${message} [${actions.join(' | ')}]` : message;
    switch (severity) {
      case 'info':
        this.logger.info(`notice: ${logLine}`);
        return vscode.window.showInformationMessage(message, ...actions);
      case 'warning':
        this.logger.warn(`notice: ${logLine}`);
        return vscode.window.showWarningMessage(message, ...actions);
      case 'error':
        this.logger.error(`notice: ${logLine}`);
        return vscode.window.showErrorMessage(message, ...actions);
    }
  }
}
