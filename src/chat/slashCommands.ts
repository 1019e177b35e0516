import type * as vscode from 'vscode';
import type { HostMessage, ModelChoice, SlashCommandName, TurnView } from '../webview/protocol';
import { liveEditor } from './liveEditor';
import { planSlashCommand, typedSlashCommand } from './slashPlan';

/** The reasoner's commands, as the chat runs them (the wiring passes ReasonerCommands; chat does not import it). */
export interface SlashCommandRunner {
  /** Runs `command` with the words typed after it on `editor`; resolves with the reason when it could not run. */
  runFromChat(command: Exclude<SlashCommandName, 'new'>, text: string, editor: vscode.TextEditor | undefined): Promise<{ readonly refused?: string; readonly outcome?: string }>;
}

/** What slash commands need of the chat. */
export interface SlashChat {
  readonly model: ModelChoice;
  newChat(): Promise<void>;
  ask(question: string, role: ModelChoice, options: { fromView?: boolean }): Promise<TurnView | 'busy'>;
}

export interface SlashCommandsDeps {
  readonly runner: SlashCommandRunner;
  readonly chat: SlashChat;
  /** The editor the chat works with (the active one, or the last one used before focus moved to the chat). */
  readonly editor: () => vscode.TextEditor | undefined;
  readonly post: (message: HostMessage) => void;
}

/**
 * The composer's slash commands: `/explain`, `/refactor`, `/fix`, `/tests` and `/doc` run the same commands as
 * the palette on the editor's selection, each as a conversation of its own; `/new` starts a new chat. A
 * command that cannot run says why in the composer (`askRefused`) and gives the typed text back.
 */
export class SlashCommands {
  constructor(private readonly deps: SlashCommandsDeps) {}

  /** Resolves once the command has run (for a proposal, once it was reviewed). */
  async run(name: SlashCommandName, text: string): Promise<void> {
    const plan = planSlashCommand(name, text);
    if (plan.kind === 'newChat') {
      await this.deps.chat.newChat();
      if (plan.question) await this.deps.chat.ask(plan.question, this.deps.chat.model, { fromView: true });
      return;
    }
    const result = await this.deps.runner.runFromChat(plan.command, plan.text, liveEditor(this.deps.editor()));
    if (result.refused) this.deps.post({ type: 'askRefused', reason: result.refused, text: typedSlashCommand(name, text) });
  }
}
