import type { Notifier } from '../platform/notifier';
import { CommandTitles, type CommandId } from './commandIds';

/** What each not-yet-built command tells the user, instead of failing silently. */
export const PLANNED: Readonly<Partial<Record<CommandId, string>>> = {
  'deepseek.explainSelection': 'Explain, Refactor and Fix on the reasoner',
  'deepseek.refactorSelection': 'Explain, Refactor and Fix on the reasoner',
  'deepseek.fixDiagnostics': 'Explain, Refactor and Fix on the reasoner',
};

export function notYetAvailableMessage(commandId: CommandId): string {
  const feature = PLANNED[commandId] ?? 'this feature';
  return `DeepSeek: ${CommandTitles[commandId]} is not available yet — it arrives with ${feature} in a coming version of DeepSeek Assistant. Nothing was sent.`;
}

export function showNotYetAvailable(notifier: Notifier, commandId: CommandId): void {
  void notifier.info(notYetAvailableMessage(commandId));
}

export const NOT_YET_AVAILABLE = Object.keys(PLANNED) as CommandId[];
