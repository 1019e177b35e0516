import * as vscode from 'vscode';
import { checkConnection } from '../api/connectionCheck';
import { CommandIds } from '../core/commandIds';
import { API_KEY_ENV_VAR, validateApiKeyInput } from '../core/apiKey';
import type { Logger } from '../core/logger';
import type { EndpointIdentity } from '../core/endpointIdentity';
import type { ConfigurationService } from '../config/settings';
import type { RoleModels } from '../engine/roleModels';
import type { Notifier } from '../platform/notifier';
import type { ApiKeyStore } from '../platform/apiKeyStore';

export const SET_API_KEY_ACTION = 'Set API Key';

export interface ApiKeyCommandsDeps {
  readonly store: ApiKeyStore;
  readonly settings: ConfigurationService;
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** Keeps what `GET /models` listed for the new key, so each role's id is checked against it. */
  readonly models?: RoleModels;
  /** Learns from the key check's response what the endpoint is (the offline simulator says so). */
  readonly endpoints?: EndpointIdentity;
}

export type SetApiKeyResult = 'stored' | 'cancelled' | 'invalid';

/**
 * `DeepSeek: Set API Key`. With a string argument the key is stored without a prompt (the composition root
 * passes one on in test mode only); otherwise a password input box asks for it. After storing, `GET /models` checks the key in the background
 * and the user is told whether the endpoint accepted it.
 */
export async function setApiKey(deps: ApiKeyCommandsDeps, argument?: unknown): Promise<SetApiKeyResult> {
  let key: string | undefined;
  if (typeof argument === 'string') {
    const problem = validateApiKeyInput(argument);
    if (problem) {
      void deps.notifier.error(`DeepSeek: the API key was not saved. ${problem}`);
      return 'invalid';
    }
    key = argument.trim();
  } else {
    key = await vscode.window.showInputBox({
      title: 'DeepSeek: Set API Key',
      prompt: 'Paste your DeepSeek API key. It is kept in VS Code SecretStorage, never in settings.',
      placeHolder: 'sk-…',
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => validateApiKeyInput(value) ?? null,
    });
    if (key === undefined) {
      return 'cancelled';
    }
    key = key.trim();
  }
  await deps.store.store(key);
  deps.logger.info('API key stored in SecretStorage');
  void verifyKey(deps, key);
  return 'stored';
}

async function verifyKey(deps: ApiKeyCommandsDeps, key: string): Promise<void> {
  const baseUrl = deps.settings.get('baseUrl');
  const result = await checkConnection(baseUrl, key, undefined, deps.endpoints);
  if (result.ok) {
    deps.models?.remember(baseUrl, key, result.models);
    const models = result.models.length ? ` Models available: ${result.models.join(', ')}.` : '';
    const simulator = deps.endpoints?.isSimulator(baseUrl) ? ' (the offline simulator: requests do not reach DeepSeek)' : '';
    void deps.notifier.info(`DeepSeek API key saved and accepted by ${new URL(baseUrl).host}${simulator}.${models}`);
  } else if (result.failure.kind === 'auth') {
    const choice = await deps.notifier.error(`DeepSeek API key saved, but ${result.failure.message}`, SET_API_KEY_ACTION);
    if (choice === SET_API_KEY_ACTION) {
      await vscode.commands.executeCommand(CommandIds.setApiKey);
    }
  } else {
    void deps.notifier.warn(`DeepSeek API key saved. It could not be checked yet: ${result.failure.message}`);
  }
}

/** `DeepSeek: Clear API Key`: removes the stored key and says what remains in effect. */
export async function clearApiKey(deps: ApiKeyCommandsDeps): Promise<void> {
  const after = await deps.store.clear();
  deps.logger.info('API key removed from SecretStorage');
  if (after.source === 'environment') {
    void deps.notifier.info(
      `DeepSeek API key removed from SecretStorage. The ${API_KEY_ENV_VAR} environment variable is still set and will be used.`,
    );
  } else {
    void deps.notifier.info('DeepSeek API key removed. Requests need a key again.', SET_API_KEY_ACTION).then((choice) => {
      if (choice === SET_API_KEY_ACTION) {
        void vscode.commands.executeCommand(CommandIds.setApiKey);
      }
    });
  }
}

export const GET_KEY_ACTION = 'Get a Key';
const KEY_PAGE = 'https://platform.deepseek.com/api_keys';

/** Shown at activation when no key is available: says what is needed and offers to fix it. */
export async function promptForMissingKey(deps: ApiKeyCommandsDeps): Promise<void> {
  const choice = await deps.notifier.info(
    `DeepSeek Assistant needs an API key to talk to DeepSeek. Set one now (it is kept in SecretStorage), or set ${API_KEY_ENV_VAR} in the environment.`,
    SET_API_KEY_ACTION,
    GET_KEY_ACTION,
  );
  if (choice === SET_API_KEY_ACTION) {
    await vscode.commands.executeCommand(CommandIds.setApiKey);
  } else if (choice === GET_KEY_ACTION) {
    await vscode.env.openExternal(vscode.Uri.parse(KEY_PAGE));
  }
}
