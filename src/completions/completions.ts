import * as vscode from 'vscode';
import type { ApiFailure } from '../core/apiErrors';
import { CommandIds } from '../core/commandIds';
import type { Logger } from '../core/logger';
import type { ConfigurationService } from '../config/settings';
import type { FimOutcome, FimTask } from '../engine/requestEngine';
import type { Notifier } from '../platform/notifier';
import type { ReadPolicy } from '../workspace/readPolicy';
import { CompletionGate } from './completionGate';
import { CompletionStatusItem, type CompletionStatusSnapshot } from './completionStatusItem';
import { ACCEPTED_COMMAND, DeepSeekInlineCompletionProvider } from './inlineProvider';

export interface CompletionsDeps {
  readonly settings: ConfigurationService;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly readPolicy: () => ReadPolicy;
  readonly relative: (uri: vscode.Uri) => string | undefined;
  readonly complete: (task: FimTask) => Promise<FimOutcome>;
  readonly reportFailure: (failure: ApiFailure) => Promise<void>;
  /** Why completions are paused (DeepSeek failing, no FIM fallback), read for the status bar. */
  readonly pausedReason: () => string | undefined;
  /** Fires when the providers' health (and so the paused state) changes. */
  readonly onDidChangeHealth: vscode.Event<void>;
  readonly stats: { shown(): void; accepted(): void; partiallyAccepted(chars: number): void };
}

/** The completions surface, as the composition root and the test API see it. */
export interface Completions extends vscode.Disposable {
  status(): CompletionStatusSnapshot;
  /** FIM requests the provider has sent in this window. */
  readonly requests: number;
}

/**
 * Inline completions: the provider for every language (the gate decides per document), the status-bar item,
 * Toggle (whose message says what is true now, including when a workspace or Workspace Trust keeps them off)
 * and Snooze.
 */
export function registerCompletions(deps: CompletionsDeps): Completions {
  const disposables: vscode.Disposable[] = [];
  const gate = new CompletionGate(deps.settings, deps.readPolicy);
  const provider = new DeepSeekInlineCompletionProvider({
    complete: deps.complete,
    reportFailure: deps.reportFailure,
    gate,
    relative: deps.relative,
    stats: deps.stats,
    logger: deps.logger,
  });
  const item = new CompletionStatusItem(gate, deps.pausedReason);
  disposables.push(gate, provider, item);
  disposables.push(vscode.languages.registerInlineCompletionItemProvider({ pattern: '**' }, provider));
  disposables.push(vscode.commands.registerCommand(ACCEPTED_COMMAND, () => provider.accepted()));
  disposables.push(
    vscode.commands.registerCommand(CommandIds.toggleInlineCompletions, async () => {
      const enabled = !deps.settings.get('inlineCompletions.enabled');
      await deps.settings.update('inlineCompletions.enabled', enabled);
      if (enabled) {
        gate.resume();
        provider.resetNotices();
      }
      item.update();
      void deps.notifier.info(toggleMessage(enabled, gate, deps.settings));
      return deps.settings.get('inlineCompletions.enabled');
    }),
    vscode.commands.registerCommand(CommandIds.snoozeInlineCompletions, () => {
      if (gate.snoozedFor() > 0) {
        gate.resume();
        void deps.notifier.info('DeepSeek inline completions resumed.');
      } else {
        gate.snooze();
        void deps.notifier.info('DeepSeek inline completions snoozed for 5 minutes. Run the command again to resume now.');
      }
    }),
  );
  const refresh = () => item.update();
  disposables.push(gate.onDidChange(refresh), deps.onDidChangeHealth(refresh), deps.settings.onDidChange(refresh));
  disposables.push(vscode.workspace.onDidGrantWorkspaceTrust(refresh));
  return {
    status: () => item.snapshot(),
    get requests() {
      return provider.requests;
    },
    dispose: () => {
      for (const d of disposables.reverse()) d.dispose();
    },
  };
}

/** What Toggle says: the state that holds now, not just what was written. */
function toggleMessage(enabled: boolean, gate: CompletionGate, settings: ConfigurationService): string {
  if (!enabled) return 'DeepSeek inline completions are off. Toggle again to turn them on.';
  if (!settings.get('inlineCompletions.enabled')) {
    return "You turned DeepSeek inline completions on in your settings, but this workspace's settings switch them off (deepseek.inlineCompletions.enabled), so they stay off here.";
  }
  if (!vscode.workspace.isTrusted) return 'DeepSeek inline completions are on, but this workspace is not trusted: they stay off until you trust it.';
  const language = vscode.window.activeTextEditor?.document.languageId;
  const refusal = language ? gate.quickRefusal(language) : undefined;
  if (refusal) return `DeepSeek inline completions are on, but ${refusal} — so none in this file.`;
  return 'DeepSeek inline completions are on: ghost text appears as you type; Tab accepts, Esc dismisses.';
}
