import { bundleLoadStartedAt } from './platform/loadClock';
import type * as vscode from 'vscode';
import type { DeepSeekAssistantApi } from './app/publicApi';
import { compose } from './app/compositionRoot';

/** Every import above has been evaluated by the time this line runs. */
const bundleEvaluatedMs = performance.now() - bundleLoadStartedAt;

export function activate(context: vscode.ExtensionContext): DeepSeekAssistantApi {
  return compose(context, { bundleEvaluatedMs, activateStartedAt: performance.now() });
}

export function deactivate(): void {
  // Everything is registered on context.subscriptions and disposed by VS Code.
}
