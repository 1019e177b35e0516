import { SLASH_COMMANDS, type SlashCommandInfo } from './protocol';

/**
 * What the slash list should offer for the box's text and caret: the word typed after a `/` that starts the
 * box, up to the caret (`''` right after the slash); undefined when the list should be closed (no slash at the
 * start, or a space or line break already typed after the command).
 */
export function slashQuery(text: string, caret: number): string | undefined {
  const match = /^\/([^\s/]*)$/.exec(text.slice(0, caret));
  return match ? match[1].toLowerCase() : undefined;
}

/** The commands matching `query`: names that start with it first, then names that contain it, in list order. */
export function matchSlashCommands(query: string, commands: readonly SlashCommandInfo[] = SLASH_COMMANDS): SlashCommandInfo[] {
  const q = query.toLowerCase();
  const starts = commands.filter((c) => c.name.startsWith(q));
  const contains = commands.filter((c) => !c.name.startsWith(q) && c.name.includes(q));
  return [...starts, ...contains];
}
