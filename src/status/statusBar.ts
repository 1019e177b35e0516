import * as vscode from 'vscode';
import { describeKeySource, type ResolvedApiKey } from '../core/apiKey';
import type { EndpointDescription } from '../core/endpoint';
import { degradedStatus } from '../core/providers/servingStatus';
import { statusLine, statusTooltip, type SpendView } from '../core/spendSummary';
import { CommandIds } from '../core/commandIds';
import type { ServingState } from '../engine/providerHealth';

export interface StatusSnapshot {
  readonly text: string;
  readonly tooltip: string;
  readonly accessibilityLabel: string;
  readonly command: string | undefined;
  readonly level: 'normal' | 'warning' | 'error' | 'noKey';
}

export interface StatusState {
  readonly key: ResolvedApiKey;
  /** Where requests go, as far as its responses told (src/core/endpointIdentity.ts). */
  readonly endpoint: EndpointDescription;
  readonly spend: SpendView;
  /** The short form (`deepseek.statusBar.compact`). */
  readonly compact?: boolean;
  readonly streaming: boolean;
  /** Which provider answers (the engine's `serving()`); while DeepSeek is failing the item says who serves instead. */
  readonly serving?: ServingState;
}

/**
 * The DeepSeek status-bar item: `DeepSeek $0.0031 · 82% cached` (session spend and cache-hit rate), a spinner
 * while a request streams, warning colours near the budget, the fallback provider when one is in use; the
 * offline simulator's own figures as `$(beaker) Simulator …`; the tooltip has the details and a click opens the
 * full breakdown. While DeepSeek is failing it turns to a warning naming the provider that serves instead, its
 * tooltip linking to Show Provider Status. Without a key it asks for one instead.
 *
 * VS Code tells an extension nothing about the status bar's width: when items do not fit it hides whole
 * items, lowest priority first (they return as the window widens; the status bar's context menu lists them by
 * `name`, and can hide any of them for good). So the item does not guess: `deepseek.statusBar.compact` gives
 * the short form `$(sparkle) $0.0031 · 82%` for a narrow window, and the tooltip and accessible label always
 * carry the full figures.
 */
export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private snapshotValue: StatusSnapshot = { text: '', tooltip: '', accessibilityLabel: '', command: undefined, level: 'normal' };
  private staleTimer: ReturnType<typeof setTimeout> | undefined;

  /** `onStale` is called when the tooltip's rate ("off-peak until 01:00 UTC") runs out, to update it then. */
  constructor(private readonly onStale?: () => void) {
    this.item = vscode.window.createStatusBarItem('deepseek.status', vscode.StatusBarAlignment.Right, 100);
    // The name VS Code shows in the status bar's context menu (where items are hidden and shown again).
    this.item.name = 'DeepSeek Spend';
  }

  update(state: StatusState): void {
    clearTimeout(this.staleTimer);
    this.staleTimer = undefined;
    const changesAt = state.spend.prices?.changesAt;
    if (changesAt !== undefined && this.onStale) {
      const onStale = this.onStale;
      // A second past the change, so the new rate is the one read; at most a day ahead (timers are capped).
      this.staleTimer = setTimeout(() => onStale(), Math.min(Math.max(0, changesAt - Date.now()) + 1000, 24 * 3600_000));
    }
    const endpoint = state.endpoint;
    // The simulator's own ledger is shown only while the endpoint is the simulator; both say the same.
    const simulated = endpoint.simulator || state.spend.simulated === true;
    const keyLine = describeKeySource(state.key.source);
    let snapshot: StatusSnapshot;
    let linksProviderStatus = false;
    if (state.key.source === 'none') {
      snapshot = {
        text: '$(key) DeepSeek: set key',
        accessibilityLabel: 'DeepSeek: no API key set. Activate to set one.',
        tooltip: ['**DeepSeek Assistant**', '', `Endpoint: ${endpoint.label}`, '', keyLine, '', 'Click to set an API key.'].join('\n'),
        command: CommandIds.setApiKey,
        level: 'noKey',
      };
    } else {
      const options = { streaming: state.streaming, simulated, compact: state.compact === true };
      const degraded = state.serving ? degradedStatus(state.spend, state.serving, options) : undefined;
      const line = degraded ?? statusLine(state.spend, options);
      const tooltip = statusTooltip(state.spend, { endpoint: endpoint.label, key: keyLine });
      linksProviderStatus = degraded !== undefined;
      snapshot = {
        text: line.text,
        accessibilityLabel: line.accessibilityLabel,
        tooltip: degraded ? `${degraded.tooltipHeader}\n\n---\n\n${tooltip}` : tooltip,
        command: CommandIds.showSpend,
        level: line.level,
      };
    }
    this.item.text = snapshot.text;
    const tooltip = new vscode.MarkdownString(snapshot.tooltip);
    if (linksProviderStatus) {
      // The one command link the tooltip may carry: Show Provider Status, while DeepSeek is failing.
      tooltip.isTrusted = { enabledCommands: [CommandIds.showProviderStatus] };
    }
    this.item.tooltip = tooltip;
    this.item.accessibilityInformation = { label: snapshot.accessibilityLabel, role: 'button' };
    this.item.command = snapshot.command;
    this.item.backgroundColor =
      snapshot.level === 'error'
        ? new vscode.ThemeColor('statusBarItem.errorBackground')
        : snapshot.level === 'warning' || snapshot.level === 'noKey'
          ? new vscode.ThemeColor('statusBarItem.warningBackground')
          : undefined;
    this.item.show();
    this.snapshotValue = snapshot;
  }

  snapshot(): StatusSnapshot {
    return this.snapshotValue;
  }

  dispose(): void {
    clearTimeout(this.staleTimer);
    this.item.dispose();
  }
}
