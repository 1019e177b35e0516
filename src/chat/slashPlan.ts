import type { SlashCommandName } from '../webview/protocol';

/**
 * What a slash command typed in the chat does (pure, tested in plain Node): `/new [question]` starts a new
 * chat and asks the question in it; every other command runs the reasoner command of that name on the
 * editor's selection (or the function around the cursor), with what follows it as the command's words.
 */
export type SlashPlan =
  | { readonly kind: 'newChat'; readonly question?: string }
  | { readonly kind: 'command'; readonly command: Exclude<SlashCommandName, 'new'>; readonly text: string };

export function planSlashCommand(name: SlashCommandName, text: string): SlashPlan {
  const rest = text.trim();
  if (name === 'new') return rest ? { kind: 'newChat', question: rest } : { kind: 'newChat' };
  return { kind: 'command', command: name, text: rest };
}

/** The command as the user typed it, to put back in the composer when it cannot run: "/explain why reduce?". */
export function typedSlashCommand(name: SlashCommandName, text: string): string {
  const rest = text.trim();
  return rest ? `/${name} ${rest}` : `/${name}`;
}
