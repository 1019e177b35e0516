import * as vscode from 'vscode';
import { describeKeySource, type ResolvedApiKey } from '../core/apiKey';
import { describeEndpoint } from '../core/endpoint';
import { CommandIds } from '../commands/commandIds';

export interface StatusSnapshot {
  readonly text: string;
  readonly tooltip: string;
  readonly accessibilityLabel: string;
  readonly command: string | undefined;
}

/**
 * The DeepSeek status-bar item. For now it shows whether a key is set and which endpoint requests go to
 * (saying plainly when that is a local simulator); the spend readout builds on it.
 */
export class StatusBarController implements vscode.Disposable {
  private readonly item: vscode.StatusBarItem;
  private snapshotValue: StatusSnapshot = { text: '', tooltip: '', accessibilityLabel: '', command: undefined };

  constructor() {
    this.item = vscode.window.createStatusBarItem('deepseek.status', vscode.StatusBarAlignment.Right, 100);
    this.item.name = 'DeepSeek';
  }

  update(key: ResolvedApiKey, baseUrl: string): void {
    const endpoint = describeEndpoint(baseUrl);
    const simulated = endpoint.kind === 'local';
    const lines = [
      '**DeepSeek Assistant**',
      '',
      `Endpoint: ${endpoint.label}`,
      '',
      describeKeySource(key.source),
    ];
    let text: string;
    let accessibilityLabel: string;
    let command: string;
    if (key.source === 'none') {
      text = '$(key) DeepSeek: set key';
      accessibilityLabel = 'DeepSeek: no API key set. Activate to set one.';
      command = CommandIds.setApiKey;
      lines.push('', 'Click to set an API key.');
      this.item.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      text = simulated ? '$(beaker) DeepSeek (simulator)' : '$(sparkle) DeepSeek';
      accessibilityLabel = simulated ? 'DeepSeek: offline simulator, ready' : 'DeepSeek: ready';
      command = CommandIds.openChat;
      lines.push('', 'Click to open the chat.');
      this.item.backgroundColor = undefined;
    }
    const tooltip = lines.join('\n');
    this.item.text = text;
    this.item.tooltip = new vscode.MarkdownString(tooltip);
    this.item.accessibilityInformation = { label: accessibilityLabel, role: 'button' };
    this.item.command = command;
    this.item.show();
    this.snapshotValue = { text, tooltip, accessibilityLabel, command };
  }

  snapshot(): StatusSnapshot {
    return this.snapshotValue;
  }

  dispose(): void {
    this.item.dispose();
  }
}
