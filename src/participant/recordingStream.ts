import * as vscode from 'vscode';
import { PARTICIPANT_ID, type DeepSeekParticipant, type ParticipantContext, type ParticipantStream } from './participant';

/** What the participant wrote for one request (the test API's `participant.run`). */
export interface ParticipantRun {
  /** Every markdown part, concatenated. */
  readonly markdown: string;
  readonly progress: readonly string[];
  /** `stream.reference` values: a URI as a string, a location as `<uri>#<first line>-<last line>` (1-based). */
  readonly references: readonly string[];
  readonly buttons: readonly vscode.Command[];
  /** The follow-ups offered after it, as the chat shows them: `/tests the same code`. */
  readonly followups: readonly string[];
  readonly result: vscode.ChatResult;
}

/** An earlier exchange of the chat, as the test hook takes it: what was asked and the run that answered it. */
export interface EarlierTurn {
  readonly prompt: string;
  readonly command?: string;
  readonly run: Pick<ParticipantRun, 'markdown' | 'result'>;
}

/** The history VS Code would pass for `turns`: a request turn and a response turn (its markdown as one part) each. */
function historyOf(turns: readonly EarlierTurn[]): ParticipantContext['history'] {
  return turns.flatMap((t) => [
    { prompt: t.prompt, command: t.command, references: [], toolReferences: [], participant: PARTICIPANT_ID } as unknown as vscode.ChatRequestTurn,
    { response: [new vscode.ChatResponseMarkdownPart(t.run.markdown)], result: t.run.result, participant: PARTICIPANT_ID, command: t.command } as unknown as vscode.ChatResponseTurn,
  ]);
}

/** A response stream that records what is written to it. */
class RecordingStream implements ParticipantStream {
  markdownText = '';
  readonly progressLines: string[] = [];
  readonly referenced: string[] = [];
  readonly buttons: vscode.Command[] = [];

  markdown(value: string | vscode.MarkdownString): void {
    this.markdownText += typeof value === 'string' ? value : value.value;
  }

  progress(value: string): void {
    this.progressLines.push(value);
  }

  reference(value: vscode.Uri | vscode.Location): void {
    this.referenced.push(value instanceof vscode.Location ? `${value.uri.toString()}#${value.range.start.line + 1}-${value.range.end.line + 1}` : value.toString());
  }

  button(command: vscode.Command): void {
    this.buttons.push(command);
  }
}

/**
 * Runs the participant's own handler (the one VS Code's chat calls) with a request built from `input`, the
 * earlier turns given (as VS Code's chat history would hold them), and a recording stream; then asks its follow-up provider, as the chat does after an answer.
 */
export async function recordingParticipantRun(
  participant: DeepSeekParticipant,
  input: {
    prompt: string;
    command?: string;
    references?: readonly { uri: vscode.Uri; range?: vscode.Range }[];
    token?: vscode.CancellationToken;
    history?: readonly EarlierTurn[];
  },
): Promise<ParticipantRun> {
  const stream = new RecordingStream();
  const references: vscode.ChatPromptReference[] = (input.references ?? []).map((r, i) => ({
    id: `vscode.file#${i}`,
    value: r.range ? new vscode.Location(r.uri, r.range) : r.uri,
  }));
  const source = input.token ? undefined : new vscode.CancellationTokenSource();
  try {
    const result = await participant.handle({ prompt: input.prompt, command: input.command, references }, { history: historyOf(input.history ?? []) }, stream, input.token ?? source!.token);
    const followups = participant.followups(result).map((f) => `${f.command ? `/${f.command} ` : ''}${f.prompt}`.trim());
    return { markdown: stream.markdownText, progress: stream.progressLines, references: stream.referenced, buttons: stream.buttons, followups, result };
  } finally {
    source?.dispose();
  }
}
