import type * as vscode from 'vscode';
import type { Logger } from '../core/logger';
import { scrubSecrets } from '../core/scrub';

function render(value: unknown): string {
  if (value instanceof Error) {
    return value.stack ?? `${value.name}: ${value.message}`;
  }
  if (typeof value === 'string') {
    return value;
  }
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/**
 * The extension's one logger: a LogOutputChannel ("DeepSeek Assistant") whose level the user controls with
 * "Developer: Set Log Level". Every line is scrubbed of the API key and anything shaped like a credential.
 */
export class ChannelLogger implements Logger, vscode.Disposable {
  constructor(
    private readonly channel: vscode.LogOutputChannel,
    private readonly knownSecrets: () => Iterable<string>,
  ) {}

  private line(message: string | Error, args: unknown[]): string {
    const text = [message, ...args].map(render).join(' ');
    return scrubSecrets(text, this.knownSecrets());
  }

  trace(message: string, ...args: unknown[]): void { this.channel.trace(this.line(message, args)); }
  debug(message: string, ...args: unknown[]): void { this.channel.debug(this.line(message, args)); }
  info(message: string, ...args: unknown[]): void { this.channel.info(this.line(message, args)); }
  warn(message: string, ...args: unknown[]): void { this.channel.warn(this.line(message, args)); }
  error(message: string | Error, ...args: unknown[]): void { this.channel.error(this.line(message, args)); }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
