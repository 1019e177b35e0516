import * as vscode from 'vscode';
import { CommandIds } from '../core/commandIds';
import type { CompletionGate, CompletionState } from './completionGate';

const ICONS: Record<CompletionState, string> = { on: '$(sparkle)', off: '$(circle-slash)', snoozed: '$(clock)', paused: '$(debug-pause)' };

/** What the item shows, for tests and the accessible label. */
export interface CompletionStatusSnapshot {
  readonly state: CompletionState;
  readonly text: string;
  readonly tooltip: string;
  readonly accessibilityLabel: string;
}

/**
 * The completions state in the status bar: on / off / snoozed / paused (DeepSeek failing and no fallback serves
 * completions). A click toggles; the tooltip offers "Snooze for 5 minutes". Its accessible label starts with
 * "Inline completions", so the spend item stays the one whose label starts with "DeepSeek".
 */
export class CompletionStatusItem implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('deepseek.completions', vscode.StatusBarAlignment.Right, 99);
  private snapshotValue: CompletionStatusSnapshot | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;

  constructor(private readonly gate: CompletionGate, private readonly pausedReason: () => string | undefined) {
    this.item.name = 'DeepSeek Inline Completions';
    this.item.command = CommandIds.toggleInlineCompletions;
    this.update();
    this.item.show();
  }

  snapshot(): CompletionStatusSnapshot {
    return this.snapshotValue ?? this.update();
  }

  update(): CompletionStatusSnapshot {
    const paused = this.pausedReason();
    const state = this.gate.state(paused);
    const left = this.gate.snoozedFor();
    const minutes = `${Math.floor(left / 60_000)}:${String(Math.floor((left % 60_000) / 1000)).padStart(2, '0')}`;
    const words: Record<CompletionState, string> = {
      on: 'on',
      off: vscode.workspace.isTrusted ? 'off' : 'off (workspace not trusted)',
      snoozed: `snoozed for ${minutes}`,
      paused: `paused: ${paused ?? ''}`,
    };
    const text = `${ICONS[state]} FIM${state === 'snoozed' ? ` ${minutes}` : ''}`;
    const md = new vscode.MarkdownString(
      `**DeepSeek inline completions: ${words[state]}**\n\n` +
        `[${state === 'off' ? 'Turn on' : 'Turn off'}](command:${CommandIds.toggleInlineCompletions})` +
        (state === 'snoozed' ? ` · [Resume now](command:${CommandIds.snoozeInlineCompletions})` : state !== 'off' ? ` · [Snooze for 5 minutes](command:${CommandIds.snoozeInlineCompletions})` : ''),
    );
    md.isTrusted = { enabledCommands: [CommandIds.toggleInlineCompletions, CommandIds.snoozeInlineCompletions] };
    const accessibilityLabel = `Inline completions by DeepSeek: ${words[state]}`;
    this.item.text = text;
    this.item.tooltip = md;
    this.item.accessibilityInformation = { label: accessibilityLabel };
    this.item.backgroundColor = state === 'paused' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    clearInterval(this.timer);
    this.timer = state === 'snoozed' ? setInterval(() => this.update(), 1000) : undefined;
    this.snapshotValue = { state, text, tooltip: md.value, accessibilityLabel };
    return this.snapshotValue;
  }

  dispose(): void {
    clearInterval(this.timer);
    this.item.dispose();
  }
}
