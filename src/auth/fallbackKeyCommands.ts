import * as vscode from 'vscode';
import { CommandIds } from '../core/commandIds';
import type { Logger } from '../core/logger';
import { describeProviderKeyOrigin, validateProviderKeyInput } from '../core/providers/providerKeys';
import type { ProviderSpec } from '../core/providers/providerSpec';
import type { Notifier } from '../platform/notifier';
import type { ProviderKeyStore } from '../platform/providerKeyStore';

export const OPEN_SETTINGS_ACTION = 'Open Settings';
const SET_FALLBACK_KEY_ACTION = 'Set Fallback Provider Key';

export interface FallbackKeyCommandsDeps {
  readonly keys: ProviderKeyStore;
  /** The providers in effect, DeepSeek first (the engine's `providers()`); the commands offer the fallbacks. */
  readonly providers: () => readonly ProviderSpec[];
  readonly notifier: Notifier;
  readonly logger: Logger;
}

export type SetFallbackKeyResult = 'stored' | 'cancelled' | 'invalid' | 'noProviders' | 'unknownProvider';
export type ClearFallbackKeyResult = 'cleared' | 'nothingStored' | 'cancelled' | 'noProviders' | 'unknownProvider';

/** Test mode only: the provider's name (skips the picker) and the key (skips the input box). */
export interface FallbackKeyArguments {
  readonly name?: unknown;
  readonly key?: unknown;
}

function originOf(spec: ProviderSpec): string {
  try {
    return new URL(spec.baseUrl).origin;
  } catch {
    return spec.baseUrl;
  }
}

/** Says how to add a fallback provider, offering the user settings where they go (the command does not wait for the answer). */
function explainNoFallbacks(deps: FallbackKeyCommandsDeps): 'noProviders' {
  void deps.notifier
    .info(
      'No fallback providers are configured. Add one to "deepseek.fallbackProviders" in your user settings ' +
        '(a name, an OpenAI-compatible baseUrl, models.chat and models.reasoner, and optionally apiKeyEnv), then set its key here.',
      OPEN_SETTINGS_ACTION,
    )
    .then((choice) => {
      if (choice === OPEN_SETTINGS_ACTION) {
        void vscode.commands.executeCommand('workbench.action.openGlobalSettings', { query: 'deepseek.fallbackProviders' });
      }
    });
  return 'noProviders';
}

/** The fallback to act on: the one named (test mode), else the user's pick from a list saying where each key comes from now. */
async function chooseFallback(
  deps: FallbackKeyCommandsDeps,
  title: string,
  name: unknown,
): Promise<ProviderSpec | 'noProviders' | 'unknownProvider' | 'cancelled'> {
  const fallbacks = deps.providers().filter((p) => !p.primary);
  if (fallbacks.length === 0) {
    return explainNoFallbacks(deps);
  }
  if (typeof name === 'string') {
    const named = fallbacks.find((p) => p.name === name);
    if (!named) {
      void deps.notifier.error(`DeepSeek: no fallback provider is named "${name}" in deepseek.fallbackProviders.`);
      return 'unknownProvider';
    }
    return named;
  }
  const items = await Promise.all(
    fallbacks.map(async (spec) => ({
      label: spec.name,
      description: spec.endpoint,
      detail: describeProviderKeyOrigin(await deps.keys.origin(spec)),
      spec,
    })),
  );
  const picked = await vscode.window.showQuickPick(items, {
    title,
    placeHolder: 'Which fallback provider?',
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return picked?.spec ?? 'cancelled';
}

/**
 * `DeepSeek: Set Fallback Provider Key`: pick a configured fallback, then type its key into a password box. The
 * key goes to SecretStorage under the provider's name and origin (never settings or logs), and is sent to that
 * origin only. `args` are honoured in test mode only (the composition root passes none otherwise).
 */
export async function setFallbackProviderKey(deps: FallbackKeyCommandsDeps, args: FallbackKeyArguments = {}): Promise<SetFallbackKeyResult> {
  const title = 'DeepSeek: Set Fallback Provider Key';
  const spec = await chooseFallback(deps, title, args.name);
  if (typeof spec === 'string') {
    return spec;
  }
  const origin = originOf(spec);
  let key: string | undefined;
  if (typeof args.key === 'string') {
    const problem = validateProviderKeyInput(args.key, spec.name);
    if (problem) {
      void deps.notifier.error(`DeepSeek: the key for ${spec.name} was not saved. ${problem}`);
      return 'invalid';
    }
    key = args.key.trim();
  } else {
    key = await vscode.window.showInputBox({
      title: `${title}: ${spec.name}`,
      prompt: `Paste the API key for ${spec.name}. It is kept in VS Code SecretStorage, never in settings, and sent only to ${origin}.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (value) => validateProviderKeyInput(value, spec.name) ?? null,
    });
    if (key === undefined) {
      return 'cancelled';
    }
    key = key.trim();
  }
  await deps.keys.store(spec, key);
  deps.logger.info(`fallback key for ${spec.name} (${origin}) stored in SecretStorage`);
  const overEnv = spec.apiKeyEnv ? ` It takes precedence over $${spec.apiKeyEnv}.` : '';
  void deps.notifier.info(`Key for ${spec.name} saved in SecretStorage; it is sent only to ${origin}.${overEnv}`);
  return 'stored';
}

/** `DeepSeek: Clear Fallback Provider Key`: pick a fallback and remove its stored key, saying what remains in effect. */
export async function clearFallbackProviderKey(deps: FallbackKeyCommandsDeps, args: FallbackKeyArguments = {}): Promise<ClearFallbackKeyResult> {
  const spec = await chooseFallback(deps, 'DeepSeek: Clear Fallback Provider Key', args.name);
  if (typeof spec === 'string') {
    return spec;
  }
  const before = await deps.keys.origin(spec);
  if (before.source !== 'secretStorage') {
    void deps.notifier.info(`No key for ${spec.name} is stored in SecretStorage; nothing changed (${describeProviderKeyOrigin(before)}).`);
    return 'nothingStored';
  }
  const after = await deps.keys.clear(spec);
  deps.logger.info(`fallback key for ${spec.name} (${originOf(spec)}) removed from SecretStorage`);
  if (after.source === 'environment' && spec.apiKeyEnv) {
    void deps.notifier.info(`Key for ${spec.name} removed from SecretStorage. $${spec.apiKeyEnv} is still set and will be used.`);
  } else {
    void deps.notifier.info(`Key for ${spec.name} removed. ${spec.name} needs a key again before it can take over.`, SET_FALLBACK_KEY_ACTION).then((choice) => {
      if (choice === SET_FALLBACK_KEY_ACTION) {
        void vscode.commands.executeCommand(CommandIds.setFallbackProviderKey);
      }
    });
  }
  return 'cleared';
}

/**
 * Registers both commands. Arguments (a provider's name, a key) are for tests only: any extension can run a
 * command, and one that could set a fallback's key could send the user's requests to an account it reads.
 * Outside test mode they are ignored and the user is asked.
 */
export function registerFallbackKeyCommands(deps: FallbackKeyCommandsDeps, testMode: boolean): vscode.Disposable[] {
  const accepted = (command: string, name: unknown, key: unknown): FallbackKeyArguments => {
    if (testMode) {
      return { name, key };
    }
    if (typeof name === 'string' || typeof key === 'string') {
      deps.logger.warn(`${command} was given arguments; ignored them and asked instead (arguments are accepted in test mode only)`);
    }
    return {};
  };
  return [
    vscode.commands.registerCommand(CommandIds.setFallbackProviderKey, (name?: unknown, key?: unknown) =>
      setFallbackProviderKey(deps, accepted('DeepSeek: Set Fallback Provider Key', name, key)),
    ),
    vscode.commands.registerCommand(CommandIds.clearFallbackProviderKey, (name?: unknown) =>
      clearFallbackProviderKey(deps, accepted('DeepSeek: Clear Fallback Provider Key', name, undefined)),
    ),
  ];
}
