import * as vscode from 'vscode';
import { languageEnabled } from '../core/settingsSchema';
import type { ConfigurationService } from '../config/settings';
import type { ReadPolicy } from '../workspace/readPolicy';

/** What the completions status-bar item shows. */
export type CompletionState = 'on' | 'off' | 'snoozed' | 'paused';

export const SNOOZE_MS = 5 * 60_000;

/**
 * Whether ghost text may be asked for in a document: the setting (which a workspace can only switch off), the
 * language map, Workspace Trust, a snooze, and the read policy (ignored, excluded and secret files never leave
 * the machine). Cheap checks first; the read policy is asked last, once per request, for documents that pass the rest.
 */
export class CompletionGate implements vscode.Disposable {
  private snoozedUntil: number | undefined;
  private snoozeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly emitter = new vscode.EventEmitter<void>();
  /** Fires when the state may have changed (snooze started or ended). */
  readonly onDidChange = this.emitter.event;

  constructor(
    private readonly settings: ConfigurationService,
    private readonly readPolicy: () => ReadPolicy,
  ) {}

  /**
   * Why nothing may be sent from this document, or undefined when it may: the quick checks, then the read
   * policy (which may touch the disk, so the provider asks it once per request, after the debounce).
   */
  async refusal(document: vscode.TextDocument): Promise<string | undefined> {
    const quick = this.documentRefusal(document);
    if (quick) return quick;
    const verdict = await this.readPolicy().check(document.uri);
    return verdict.allowed ? undefined : verdict.reason;
  }

  /** The checks of a document that need no file access (cheap enough for every keystroke). */
  documentRefusal(document: vscode.TextDocument): string | undefined {
    const quick = this.quickRefusal(document.languageId);
    if (quick) return quick;
    if (document.uri.scheme === 'vscode-scm' || document.uri.scheme === 'output' || document.uri.scheme === 'vscode-settings') return 'not a file';
    return undefined;
  }

  /** The checks that need no file access (for the status bar and the toggle's message). */
  quickRefusal(languageId?: string): string | undefined {
    if (!this.settings.get('inlineCompletions.enabled')) return 'turned off (deepseek.inlineCompletions.enabled)';
    if (!vscode.workspace.isTrusted) return 'this workspace is not trusted';
    if (this.snoozedFor() > 0) return 'snoozed';
    if (languageId !== undefined && !languageEnabled(this.settings.get('inlineCompletions.languages'), languageId)) {
      return `off for ${languageId} (deepseek.inlineCompletions.languages)`;
    }
    return undefined;
  }

  state(pausedReason: string | undefined): CompletionState {
    if (!this.settings.get('inlineCompletions.enabled') || !vscode.workspace.isTrusted) return 'off';
    if (this.snoozedFor() > 0) return 'snoozed';
    return pausedReason ? 'paused' : 'on';
  }

  /** Milliseconds of snooze left (0 when not snoozed). */
  snoozedFor(now = Date.now()): number {
    return this.snoozedUntil !== undefined ? Math.max(0, this.snoozedUntil - now) : 0;
  }

  snooze(ms = SNOOZE_MS): void {
    this.snoozedUntil = Date.now() + ms;
    clearTimeout(this.snoozeTimer);
    this.snoozeTimer = setTimeout(() => this.resume(), ms);
    this.emitter.fire();
  }

  resume(): void {
    this.snoozedUntil = undefined;
    clearTimeout(this.snoozeTimer);
    this.snoozeTimer = undefined;
    this.emitter.fire();
  }

  dispose(): void {
    clearTimeout(this.snoozeTimer);
    this.emitter.dispose();
  }
}
