import * as vscode from 'vscode';
import type { ChatMessage } from '../api/types';
import type { ApiFailure } from '../core/apiErrors';
import { CommandIds } from '../core/commandIds';
import { docInstruction, explainInstruction, fixInstruction, problemList, testsInstruction, type InstructionTarget } from '../core/commandInstructions';
import { formatLineSpan, selectedLines } from '../core/lineSpan';
import type { Logger } from '../core/logger';
import type { ModelLimits, ModelRole } from '../core/models';
import type { ContextBlock } from '../core/prompt/blocks';
import { budgetFor, MESSAGE_OVERHEAD_TOKENS } from '../core/prompt/fitBudget';
import { buildPrompt } from '../core/prompt/promptBuilder';
import { fence } from '../core/prompt/serialize';
import { estimateTokens } from '../core/tokenEstimate';
import type { ConfigurationService } from '../config/settings';
import type { EngineEvent } from '../engine/engineEvents';
import { isNotSent, RequestEngine } from '../engine/requestEngine';
import type { Notifier } from '../platform/notifier';
import { draftNotes, SET_COMMIT_MESSAGE_COMMAND, type CommitMessages } from '../scm/commitMessages';
import { modalBudgetPolicy } from '../spend/budgetPolicy';
import { collectContext } from '../workspace/contextBlocks';
import type { ContextService } from '../workspace/contextService';

export const PARTICIPANT_ID = 'deepseek-assistant.deepseek';

/** The commands on a target (the reasoner's, as the palette's Explain and the chat's slash commands). */
type TargetCommand = 'explain' | 'fix' | 'tests' | 'doc';
const TARGET_COMMANDS: readonly string[] = ['explain', 'fix', 'tests', 'doc'];

/** A follow-up's prompt that means "the target of the previous answer". */
export const SAME_TARGET_PROMPT = 'the same code';

/** A stored user message longer than this is not kept in the result's metadata (its history turn sends the prompt only). */
const MAX_STORED_USER_CHARS = 200_000;

/** What the handler reads of a request (VS Code's ChatRequest has these, and so has the test hook's). */
export interface ParticipantRequest {
  readonly prompt: string;
  readonly command: string | undefined;
  readonly references: readonly vscode.ChatPromptReference[];
}

/** The turns before this request (VS Code's ChatContext). */
export interface ParticipantContext {
  readonly history: ReadonlyArray<vscode.ChatRequestTurn | vscode.ChatResponseTurn>;
}

/** What the handler writes (a part of VS Code's ChatResponseStream, so the test hook can record it). */
export type ParticipantStream = Pick<vscode.ChatResponseStream, 'markdown' | 'progress' | 'reference' | 'button'>;

/** What a result remembers (ChatResult.metadata): the command, its target, the exact user message sent. */
interface TurnMetadata {
  readonly command?: string;
  readonly target?: { readonly uri: string; readonly range?: readonly [number, number, number, number] };
  readonly sentUser?: string;
  readonly failed?: boolean;
}

export interface ParticipantDeps {
  readonly engine: RequestEngine;
  readonly contextService: ContextService;
  readonly settings: ConfigurationService;
  readonly notifier: Notifier;
  readonly logger: Logger;
  readonly commits: CommitMessages;
}

interface Target extends InstructionTarget {
  readonly uri: vscode.Uri;
  /** The selected part; undefined for the whole file. */
  readonly range: vscode.Range | undefined;
  readonly document: vscode.TextDocument;
  readonly rel: string;
}

function metadataOf(result: vscode.ChatResult | undefined): TurnMetadata {
  const m = result?.metadata as unknown;
  return typeof m === 'object' && m !== null ? (m as TurnMetadata) : {};
}

/** The files the request's references name (a `#file` or a selection's file), in order. */
function referencedUris(request: ParticipantRequest): vscode.Uri[] {
  return request.references
    .map((r) => (r.value instanceof vscode.Uri ? r.value : r.value instanceof vscode.Location ? r.value.uri : undefined))
    .filter((u): u is vscode.Uri => u !== undefined);
}

function isResponseTurn(turn: vscode.ChatRequestTurn | vscode.ChatResponseTurn): turn is vscode.ChatResponseTurn {
  return 'response' in turn;
}

/** The markdown a response turn showed, concatenated (what the model answered, placeholders restored). */
function responseText(turn: vscode.ChatResponseTurn): string {
  return turn.response
    .map((part) => (part instanceof vscode.ChatResponseMarkdownPart ? part.value.value : ''))
    .join('');
}

/**
 * `@deepseek` in VS Code's own chat. `/explain`, `/fix`, `/tests`, `/doc` work on the request's reference (a
 * `#file` or a selection), else the active editor's selection, else its file, with the same instructions, the
 * same context gathering and the same cache-friendly prompt builder as the chat and the palette's commands, on
 * the reasoner; a question without a command goes to the chat role with the active file as context. `/commit`
 * writes the commit message as Generate Commit Message does. Every request goes through the one engine
 * (surface `participant` or `commit`): redacted, budgeted, priced, in the ledger.
 */
export class DeepSeekParticipant {
  constructor(private readonly deps: ParticipantDeps) {}

  register(extensionUri: vscode.Uri): vscode.Disposable[] {
    if (typeof vscode.chat?.createChatParticipant !== 'function') {
      this.deps.logger.info('participant: this VS Code has no chat participant API; @deepseek is not available');
      return [];
    }
    const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, (request, context, stream, token) => this.handle(request, context, stream, token));
    participant.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'icon.png');
    participant.followupProvider = { provideFollowups: (result) => this.followups(result) };
    return [participant];
  }

  /** Follow-ups: after /explain, tests and docs for the same code; after /fix, /tests or /doc, its explanation. */
  followups(result: vscode.ChatResult): vscode.ChatFollowup[] {
    const meta = metadataOf(result);
    if (meta.failed || result.errorDetails) return [];
    switch (meta.command) {
      case 'explain':
        return [
          { prompt: SAME_TARGET_PROMPT, command: 'tests', label: 'Write tests for it' },
          { prompt: SAME_TARGET_PROMPT, command: 'doc', label: 'Document it' },
        ];
      case 'fix':
      case 'tests':
      case 'doc':
        return [{ prompt: SAME_TARGET_PROMPT, command: 'explain', label: 'Explain it' }];
      default:
        return [];
    }
  }

  async handle(request: ParticipantRequest, context: ParticipantContext, stream: ParticipantStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    try {
      if (request.command === 'commit') return await this.commit(stream, token);
      if (request.command && TARGET_COMMANDS.includes(request.command)) return await this.onTarget(request.command as TargetCommand, request, context, stream, token);
      return await this.question(request, context, stream, token);
    } catch (err) {
      this.deps.logger.error('participant: the request failed', err);
      const message = `Something went wrong: ${err instanceof Error ? err.message : String(err)}`;
      stream.markdown(message);
      return { errorDetails: { message }, metadata: { failed: true } };
    }
  }

  private refuse(stream: ParticipantStream, message: string, command?: string): vscode.ChatResult {
    stream.markdown(message);
    return { errorDetails: { message }, metadata: { ...(command ? { command } : {}), failed: true } };
  }

  /** The code a command works on: a reference, else the previous answer's target (a follow-up), else the active editor. */
  private async target(request: ParticipantRequest, context: ParticipantContext): Promise<Target | { readonly refused: string }> {
    let uri: vscode.Uri | undefined;
    let range: vscode.Range | undefined;
    const reference = request.references.find((r) => r.value instanceof vscode.Uri || r.value instanceof vscode.Location);
    if (reference) {
      if (reference.value instanceof vscode.Location) {
        uri = reference.value.uri;
        range = reference.value.range.isEmpty ? undefined : reference.value.range;
      } else {
        uri = reference.value as vscode.Uri;
      }
    } else if (request.prompt.trim() === SAME_TARGET_PROMPT) {
      const previous = [...context.history].reverse().find((t): t is vscode.ChatResponseTurn => isResponseTurn(t) && metadataOf(t.result).target !== undefined);
      const t = previous ? metadataOf(previous.result).target : undefined;
      if (t) {
        uri = vscode.Uri.parse(t.uri);
        range = t.range ? new vscode.Range(t.range[0], t.range[1], t.range[2], t.range[3]) : undefined;
      }
    }
    if (!uri) {
      const editor = vscode.window.activeTextEditor;
      if (!editor) return { refused: 'Open a file (and select the code), or attach one with #file. Nothing was sent.' };
      uri = editor.document.uri;
      range = editor.selection.isEmpty ? undefined : new vscode.Range(editor.selection.start, editor.selection.end);
    }
    const verdict = await this.deps.contextService.readPolicy().check(uri);
    if (!verdict.allowed) return { refused: `Not sent: ${verdict.reason}.` };
    const document = await vscode.workspace.openTextDocument(uri);
    if (document.getText().includes('\u0000')) return { refused: 'Not sent: this looks like a binary file.' };
    const rel = this.deps.contextService.relative(uri) ?? uri.path.split('/').pop() ?? 'file';
    const whole = new vscode.Range(0, 0, Math.max(0, document.lineCount - 1), document.lineAt(Math.max(0, document.lineCount - 1)).text.length);
    const lines = selectedLines((range ?? whole).start, (range ?? whole).end);
    return { uri, range, document, rel, location: `${rel}:${formatLineSpan(lines)}`, languageId: document.languageId };
  }

  private async onTarget(command: TargetCommand, request: ParticipantRequest, context: ParticipantContext, stream: ParticipantStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const target = await this.target(request, context);
    if ('refused' in target) return this.refuse(stream, target.refused, command);
    const note = request.prompt.trim() === SAME_TARGET_PROMPT ? '' : request.prompt;
    let instruction: string;
    switch (command) {
      case 'explain':
        instruction = explainInstruction(target, note);
        break;
      case 'tests':
        instruction = testsInstruction(target, note);
        break;
      case 'doc':
        instruction = docInstruction(target, note);
        break;
      case 'fix': {
        const diagnostics = vscode.languages.getDiagnostics(target.uri).filter((d) => !target.range || d.range.intersection(target.range) !== undefined);
        if (diagnostics.length === 0 && note.trim() === '') {
          return this.refuse(stream, `There are no problems in ${target.location} to fix; describe what is wrong after /fix. Nothing was sent.`, command);
        }
        const problems = diagnostics.length > 0
          ? problemList(diagnostics.map((d) => ({
            severity: vscode.DiagnosticSeverity[d.severity],
            line: d.range.start.line + 1,
            message: d.message,
            ...(d.source ? { source: d.source } : {}),
            ...(d.code !== undefined ? { code: typeof d.code === 'object' ? String(d.code.value) : String(d.code) } : {}),
          })))
          : '- (none reported by VS Code; see the note)';
        instruction = fixInstruction(target, problems, note);
        break;
      }
    }
    const active = vscode.window.activeTextEditor;
    const editor = active && active.document.uri.toString() === target.uri.toString() ? active : undefined;
    const others = referencedUris(request).filter((u) => u.toString() !== target.uri.toString());
    const collected = await collectContext(this.deps.contextService, editor, { includeCurrentFile: false, includeSelection: false, pinned: others });
    const blocks: ContextBlock[] = [...collected.blocks, { kind: 'currentFile', id: target.rel, title: `${target.rel} (current file)`, content: target.document.getText() }];
    if (target.range) {
      const where = `${target.rel}:${target.range.start.line + 1}-${target.range.end.line + 1}`;
      blocks.push({ kind: 'selection', id: where, title: `Selection ${where}`, content: target.document.getText(target.range) });
    }
    const used = [target.range ? new vscode.Location(target.uri, target.range) : target.uri, ...this.usedFiles(blocks, [target.uri, ...others])];
    const meta: TurnMetadata = {
      command,
      target: { uri: target.uri.toString(), ...(target.range ? { range: [target.range.start.line, target.range.start.character, target.range.end.line, target.range.end.character] as const } : {}) },
    };
    return this.ask('reasoner', blocks, instruction, context, stream, token, used, meta);
  }

  /** A question without a command: the chat role, the active file (and selection) and referenced files as context. */
  private async question(request: ParticipantRequest, context: ParticipantContext, stream: ParticipantStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    if (request.prompt.trim() === '') return this.refuse(stream, 'Ask a question, or use /explain, /fix, /tests, /doc or /commit.');
    if (!vscode.workspace.isTrusted) stream.markdown('*This workspace is not trusted: no files were read; the question goes without them.*\n\n');
    const editor = vscode.window.activeTextEditor;
    const refs = referencedUris(request);
    const collected = await collectContext(this.deps.contextService, editor, { includeCurrentFile: true, includeSelection: true, pinned: refs });
    const candidates = [...(editor ? [editor.document.uri] : []), ...refs];
    return this.ask('chat', collected.blocks, request.prompt, context, stream, token, this.usedFiles(collected.blocks, candidates), {});
  }

  /** The files among `candidates` (and the related definitions) whose content is in `blocks`, for stream.reference. */
  private usedFiles(blocks: readonly ContextBlock[], candidates: readonly vscode.Uri[]): vscode.Uri[] {
    const byRel = new Map<string, vscode.Uri>();
    for (const uri of candidates) {
      const rel = this.deps.contextService.relative(uri);
      if (rel) byRel.set(rel, uri);
    }
    const root = this.deps.contextService.root;
    const used = new Map<string, vscode.Uri>();
    for (const block of blocks) {
      if (block.kind === 'pinnedFile' || block.kind === 'currentFile') {
        const uri = byRel.get(block.id);
        if (uri) used.set(uri.toString(), uri);
      } else if (block.kind === 'recentFile' && root && (vscode.workspace.workspaceFolders?.length ?? 0) === 1) {
        const uri = vscode.Uri.joinPath(root, block.id.split('#')[0]);
        used.set(uri.toString(), uri);
      }
    }
    return [...used.values()];
  }

  /**
   * Sends the question with its blocks through the engine, the earlier turns of this chat between the system
   * message and this turn (append-only: each earlier user message exactly as it was sent, each answer as shown),
   * and streams the answer as markdown.
   */
  private async ask(
    role: ModelRole,
    blocks: readonly ContextBlock[],
    question: string,
    context: ParticipantContext,
    stream: ParticipantStream,
    token: vscode.CancellationToken,
    used: readonly (vscode.Uri | vscode.Location)[],
    meta: TurnMetadata,
  ): Promise<vscode.ChatResult> {
    const history = historyMessages(context);
    let sentUser: string | undefined;
    const build = (limits: ModelLimits) => {
      const built = buildPrompt({ blocks, question, budget: budgetFor(role, this.deps.settings.get('context.maxTokens'), limits) });
      const [system, ...rest] = built.messages;
      const user = rest.at(-1);
      sentUser ??= user?.content;
      // The most recent earlier turns that fit in what the build left of the window (whole pairs, oldest dropped first).
      let room = built.promptTokenLimit - built.estimatedPromptTokens;
      const kept: ChatMessage[][] = [];
      for (let i = history.length - 1; i >= 0; i--) {
        const tokens = history[i].reduce((n, m) => n + estimateTokens(typeof m.content === 'string' ? m.content : '') + MESSAGE_OVERHEAD_TOKENS, 0);
        if (tokens > room) break;
        room -= tokens;
        kept.unshift(history[i]);
      }
      const messages: ChatMessage[] = [
        { role: system.role, content: system.content },
        ...kept.flat(),
        ...rest.map((m): ChatMessage => ({ role: m.role, content: m.content })),
      ];
      return { messages };
    };
    // The files used are listed once the request went out (not for one refused before sending: no key, budget).
    let referenced = false;
    const reference = () => {
      if (referenced) return;
      referenced = true;
      for (const u of used) stream.reference(u);
    };
    let thinking = false;
    const result = await this.deps.engine.chat({
      surface: 'participant',
      role,
      build,
      budget: modalBudgetPolicy(this.deps.notifier),
      token,
      onEvent: (event: EngineEvent) => {
        if (event.type === 'provider') {
          stream.progress(`${event.from}: ${event.why}; ${event.to} is answering`);
          if (event.midAnswer) stream.markdown(`\n\n*(${event.from} stopped mid-answer; ${event.to} answers again from the start.)*\n\n`);
        } else if (event.type === 'reasoning') {
          reference();
          if (!thinking) stream.progress('Thinking…');
          thinking = true;
        } else if (event.type === 'content') {
          reference();
          stream.markdown(event.text);
        }
      },
    });
    if (isNotSent(result)) return this.failed(stream, RequestEngine.notSentFailure(result), meta);
    if (result.failure) return this.failed(stream, result.failure, meta);
    reference();
    const stored = sentUser !== undefined && sentUser.length <= MAX_STORED_USER_CHARS ? { sentUser } : {};
    return { metadata: { ...meta, ...stored } };
  }

  private failed(stream: ParticipantStream, failure: ApiFailure, meta: TurnMetadata): vscode.ChatResult {
    if (failure.kind === 'cancelled' && failure.message !== RequestEngine.notSentFailure({ notSent: 'budget' }).message) {
      return { metadata: { ...meta, failed: true } };
    }
    if (failure.kind === 'auth') {
      stream.markdown(`${failure.message} Set it with **DeepSeek: Set API Key** (command \`${CommandIds.setApiKey}\`); it is kept in VS Code's secret storage.`);
      stream.button({ command: CommandIds.setApiKey, title: 'Set API Key' });
    } else {
      stream.markdown(`DeepSeek: ${failure.message}`);
    }
    return { errorDetails: { message: failure.message }, metadata: { ...meta, failed: true } };
  }

  /** /commit: the commit message for the staged changes (as Generate Commit Message writes it), and a button that puts it in the input box. */
  private async commit(stream: ParticipantStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
    const meta: TurnMetadata = { command: 'commit' };
    const repository = await this.deps.commits.repository();
    if ('refused' in repository) return this.refuse(stream, repository.refused, 'commit');
    stream.progress('Reading the changes…');
    const draft = await this.deps.commits.draft(repository, token);
    if (draft.kind === 'refused') return this.refuse(stream, draft.message, 'commit');
    if (draft.kind === 'failed') return this.failed(stream, draft.failure, meta);
    stream.markdown(`${fence(draft.message, 'text')}\n`);
    for (const note of draftNotes(draft)) stream.markdown(`\n${note.replace(/^DeepSeek: /, '')}\n`);
    stream.button({ command: SET_COMMIT_MESSAGE_COMMAND, title: 'Use as Commit Message', arguments: [draft.repository.rootUri.toString(), draft.message] });
    return { metadata: { ...meta, message: draft.message } };
  }
}

/** The earlier exchanges of this chat as prompt messages: one [user, assistant] pair per answered turn. */
function historyMessages(context: ParticipantContext): ChatMessage[][] {
  const pairs: ChatMessage[][] = [];
  let pendingUser: string | undefined;
  for (const turn of context.history) {
    if (!isResponseTurn(turn)) {
      pendingUser = `${turn.command ? `/${turn.command} ` : ''}${turn.prompt}`;
      continue;
    }
    const meta = metadataOf(turn.result);
    const answer = responseText(turn);
    // Failed turns and /commit (its diff is not kept) are not history.
    if (pendingUser !== undefined && !meta.failed && !turn.result.errorDetails && meta.command !== 'commit' && answer !== '') {
      pairs.push([{ role: 'user', content: meta.sentUser ?? pendingUser }, { role: 'assistant', content: answer }]);
    }
    pendingUser = undefined;
  }
  return pairs;
}
