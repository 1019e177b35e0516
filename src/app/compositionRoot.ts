import * as vscode from 'vscode';
import { checkConnection } from '../api/connectionCheck';
import { ApiKeyStore } from '../auth/apiKeyStore';
import { clearApiKey, promptForMissingKey, setApiKey, type ApiKeyCommandsDeps } from '../auth/apiKeyCommands';
import { ChatViewProvider } from '../chat/chatViewProvider';
import { CHAT_VIEW_ID, CommandIds } from '../commands/commandIds';
import { NOT_YET_AVAILABLE, showNotYetAvailable } from '../commands/notYetAvailable';
import { ConfigurationService } from '../config/settings';
import { describeEndpoint } from '../core/endpoint';
import { ChannelLogger } from '../platform/logger';
import { Notifier } from '../platform/notifier';
import { StatusBarController } from '../status/statusBar';
import type { DeepSeekAssistantApi } from './publicApi';

/**
 * The composition root: creates every service once, wires them together, and registers every disposable on
 * `context.subscriptions`. Nothing here waits on the network, so activation stays fast.
 */
export interface ActivationClock {
  /** Time to evaluate the bundle's modules (after VS Code read and compiled the file). */
  readonly bundleEvaluatedMs: number;
  /** performance.now() when activate() was entered. */
  readonly activateStartedAt: number;
}

export function compose(context: vscode.ExtensionContext, clock: ActivationClock): DeepSeekAssistantApi {
  const register = <T extends vscode.Disposable>(d: T): T => {
    context.subscriptions.push(d);
    return d;
  };

  const keyStore = register(new ApiKeyStore(context.secrets));
  const logger = register(
    new ChannelLogger(vscode.window.createOutputChannel('DeepSeek Assistant', { log: true }), () => keyStore.knownSecrets()),
  );
  const settings = register(new ConfigurationService(logger));
  const notifier = new Notifier(logger);
  const statusBar = register(new StatusBarController());
  const keyDeps: ApiKeyCommandsDeps = { store: keyStore, settings, notifier, logger };

  const chatView = register(
    new ChatViewProvider(
      context.extensionUri,
      {
        currentState: async () => {
          const key = await keyStore.resolve();
          const endpoint = describeEndpoint(settings.get('baseUrl'));
          return { keySource: key.source, endpointLabel: endpoint.label, simulated: endpoint.kind === 'local' };
        },
        runAction: async (action) => {
          if (action === 'setApiKey') {
            await vscode.commands.executeCommand(CommandIds.setApiKey);
          } else {
            await vscode.commands.executeCommand('workbench.action.openSettings', '@ext:deepseek-assistant.deepseek-assistant');
          }
        },
      },
      logger,
    ),
  );
  register(vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, chatView, { webviewOptions: { retainContextWhenHidden: false } }));

  const refresh = async (): Promise<void> => {
    const key = await keyStore.resolve();
    statusBar.update(key, settings.get('baseUrl'));
    await chatView.refresh();
  };

  register(vscode.commands.registerCommand(CommandIds.setApiKey, (key?: unknown) => setApiKey(keyDeps, key)));
  register(vscode.commands.registerCommand(CommandIds.clearApiKey, () => clearApiKey(keyDeps)));
  register(vscode.commands.registerCommand(CommandIds.openChat, () => vscode.commands.executeCommand(`${CHAT_VIEW_ID}.focus`)));
  register(
    vscode.commands.registerCommand(CommandIds.toggleInlineCompletions, async () => {
      const enabled = !settings.get('inlineCompletions.enabled');
      await settings.update('inlineCompletions.enabled', enabled);
      void notifier.info(
        `DeepSeek inline completions are now ${enabled ? 'on' : 'off'}. (Ghost text itself arrives in a coming version.)`,
      );
      return enabled;
    }),
  );
  for (const id of NOT_YET_AVAILABLE) {
    register(vscode.commands.registerCommand(id, () => showNotYetAvailable(notifier, id)));
  }

  register(keyStore.onDidChange(() => void refresh()));
  register(
    settings.onDidChange((keys) => {
      if (keys.includes('baseUrl')) {
        void refresh();
      }
    }),
  );

  const startup = keyStore.resolve().then((key) => {
    statusBar.update(key, settings.get('baseUrl'));
    if (key.source === 'none') {
      void promptForMissingKey(keyDeps);
    }
  });
  startup.catch((err: unknown) => logger.error('startup failed', err));

  const activateMs = performance.now() - clock.activateStartedAt;
  const activation = { bundleEvaluatedMs: clock.bundleEvaluatedMs, activateMs, totalMs: clock.bundleEvaluatedMs + activateMs };
  const version = String((context.extension.packageJSON as { version?: unknown }).version ?? '0.0.0');
  logger.info(
    `DeepSeek Assistant ${version} activated in ${activation.totalMs.toFixed(1)} ms ` +
      `(modules ${activation.bundleEvaluatedMs.toFixed(1)} ms, activate() ${activateMs.toFixed(1)} ms)`,
  );

  return {
    version,
    activation,
    apiKeySource: async () => (await keyStore.resolve()).source,
    checkConnection: async () => {
      const key = await keyStore.resolve();
      if (!key.key) {
        return { ok: false, failure: { kind: 'auth', retryable: false, message: 'No DeepSeek API key is set.' } };
      }
      return checkConnection(settings.get('baseUrl'), key.key);
    },
    statusBar: () => statusBar.snapshot(),
    recentNotices: () => notifier.recent(),
  };
}
