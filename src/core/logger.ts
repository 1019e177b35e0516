/**
 * The one logging interface. The extension's implementation is `ChannelLogger` (src/platform/logger.ts, a
 * LogOutputChannel); `MemoryLogger` keeps the lines in memory for tests that build services themselves
 * (test/suite/pinned.test.ts).
 */
export interface Logger {
  trace(message: string, ...args: unknown[]): void;
  debug(message: string, ...args: unknown[]): void;
  info(message: string, ...args: unknown[]): void;
  warn(message: string, ...args: unknown[]): void;
  error(message: string | Error, ...args: unknown[]): void;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export class MemoryLogger implements Logger {
  readonly lines: { level: LogLevel; message: string }[] = [];
  trace(message: string): void { this.lines.push({ level: 'trace', message }); }
  debug(message: string): void { this.lines.push({ level: 'debug', message }); }
  info(message: string): void { this.lines.push({ level: 'info', message }); }
  warn(message: string): void { this.lines.push({ level: 'warn', message }); }
  error(message: string | Error): void {
    this.lines.push({ level: 'error', message: message instanceof Error ? message.message : message });
  }
}
