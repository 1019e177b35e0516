import * as vscode from 'vscode';
import type { ToolChoice } from '../api/types';
import type { ApiKeyStore } from '../platform/apiKeyStore';
import type { ConfigurationService } from '../config/settings';
import { CommandIds } from '../core/commandIds';
import { describeEndpoint } from '../core/endpoint';
import type { Logger } from '../core/logger';
import { within } from '../core/within';
import { lmCatalogue, type CatalogueEntry } from '../core/lm/modelCatalogue';
import { ReasoningMemory } from '../core/lm/reasoningMemory';
import { prepareExchange } from '../core/lm/toolExchange';
import type { Notifier } from '../platform/notifier';
import { isNotSent, RequestEngine } from '../engine/requestEngine';
import type { RoleModels } from '../engine/roleModels';
import { modalBudgetPolicy } from '../spend/budgetPolicy';
import { countTokens, toChatMessages, toolInput, toToolSpecs } from './lmMessages';

/** VS Code's vendor for our models (package.json `languageModelChatProviders`). */
export const LM_VENDOR = 'deepseek';

/** A model as VS Code holds it, with what a request needs to find its role again. */
export interface DeepSeekLmModel extends vscode.LanguageModelChatInformation {
  readonly role: CatalogueEntry['role'];
  readonly model: string;
}

export interface DeepSeekChatProviderDeps {
  readonly engine: RequestEngine;
  readonly models: RoleModels;
  readonly keyStore: ApiKeyStore;
  readonly settings: ConfigurationService;
  readonly notifier: Notifier;
  readonly logger: Logger;
  /** Where the reasoning owed back after tool calls is kept across reloads (the workspace state). */
  readonly state?: vscode.Memento;
}

/** The workspace-state key of the reasoning memory (src/core/lm/reasoningMemory.ts). */
export const REASONING_MEMORY_KEY = 'deepseek.lm.reasoningMemory';
/** Saves are put off this long, so a burst of tool calls writes once. */
const SAVE_DELAY_MS = 2_000;

/** `GET /models` is waited for this long when the user asks for the list; after that the roles' ids are offered. */
const LIST_WAIT_MS = 5_000;

/**
 * DeepSeek in VS Code's own chat and for every extension using `vscode.lm`: our roles as models (Flash, Flash
 * thinking, Pro thinking), each request through the one engine — providers and failover, redaction and
 * restore, the budget, pricing and the ledger (surface `lm`, with the caller where VS Code names it). The
 * caller's messages are sent as they come (no rewording), so an exchange's requests share their prefix and
 * DeepSeek's cache hits. Tool calls pass through under the thinking-mode rule (src/core/lm/toolExchange.ts).
 */
export class DeepSeekChatProvider implements vscode.LanguageModelChatProvider<DeepSeekLmModel>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeLanguageModelChatInformation = this.changed.event;
  private readonly memory: ReasoningMemory;
  private readonly subscriptions: vscode.Disposable[];
  private saveTimer: NodeJS.Timeout | undefined;

  constructor(private readonly deps: DeepSeekChatProviderDeps) {
    this.memory = ReasoningMemory.fromStorage(deps.state?.get<unknown>(REASONING_MEMORY_KEY));
    this.subscriptions = [
      deps.keyStore.onDidChange(() => this.changed.fire()),
      deps.models.onDidChange(() => this.changed.fire()),
      deps.settings.onDidChange((keys) => {
        if (keys.includes('baseUrl') || keys.some((k) => k.startsWith('models.'))) this.changed.fire();
      }),
    ];
  }

  async provideLanguageModelChatInformation(options: vscode.PrepareLanguageModelChatModelOptions, token: vscode.CancellationToken): Promise<DeepSeekLmModel[]> {
    let key = await this.deps.keyStore.resolve();
    if (!key.key && !options.silent) {
      // VS Code's "Manage Models" asked: the user sets the key here, as the status bar's prompt would.
      await vscode.commands.executeCommand(CommandIds.setApiKey);
      key = await this.deps.keyStore.resolve();
    }
    if (!key.key || token.isCancellationRequested) return [];
    // What `/models` listed when it was read (Set API Key, or lazily after a request; models.onDidChange then
    // refreshes VS Code's list). VS Code asks silently at startup: no request then. When the user asks (Manage
    // Models), it is read now.
    const listed = options.silent
      ? this.deps.models.listed(this.deps.settings.get('baseUrl'), key.key)
      : await within(this.deps.engine.listedModels(), LIST_WAIT_MS);
    const chat = this.deps.engine.roleModel('chat');
    const reasoner = this.deps.engine.roleModel('reasoner');
    const entries = lmCatalogue({
      chatModel: chat.model,
      reasonerModel: reasoner.model,
      ...(listed ? { listed } : {}),
      deepseekEndpoint: describeEndpoint(this.deps.settings.get('baseUrl')).kind === 'deepseek',
    });
    return entries.map((entry) => this.information(entry));
  }

  private information(entry: CatalogueEntry): DeepSeekLmModel {
    const use = this.deps.models.describe(entry.role, entry.model, entry.model);
    const { contextTokens, maxOutputTokens } = use.limits;
    // The window holds prompt and answer: what the prompt may use is what the longest answer leaves.
    const maxInputTokens = Math.max(Math.floor(contextTokens / 2), contextTokens - maxOutputTokens);
    const thinking = use.decision.thinking === 'enabled' ? `thinking${use.decision.reasoningEffort ? ` ${use.decision.reasoningEffort}` : ''}` : 'no thinking';
    return {
      id: entry.id,
      name: entry.name,
      family: entry.model,
      version: entry.model,
      detail: thinking,
      tooltip: `${entry.model} on ${describeEndpoint(this.deps.settings.get('baseUrl')).label}: ${use.label}. Through DeepSeek Assistant: redacted, cached, priced.`,
      maxInputTokens,
      maxOutputTokens,
      capabilities: { toolCalling: true, imageInput: use.vision },
      role: entry.role,
      model: entry.model,
    };
  }

  async provideLanguageModelChatResponse(
    model: DeepSeekLmModel,
    messages: readonly vscode.LanguageModelChatRequestMessage[],
    options: vscode.ProvideLanguageModelChatResponseOptions,
    progress: vscode.Progress<vscode.LanguageModelResponsePart>,
    token: vscode.CancellationToken,
  ): Promise<void> {
    const use = this.deps.models.describe(model.role, model.model, model.model);
    const thinking = use.decision.thinking === 'enabled';
    const converted = toChatMessages(messages);
    if (converted.dropped.length > 0) this.deps.logger.info(`lm: parts not sent (no model here takes them): ${converted.dropped.join(', ')}`);
    const exchange = prepareExchange(converted.messages, this.memory, thinking);
    if (exchange.asText > 0) {
      this.deps.logger.info(`lm: ${exchange.asText} tool exchange(s) sent as text: the reasoning DeepSeek's thinking mode needs back after a tool call is not known (another model made the calls, or it was forgotten)`);
    }
    const tools = toToolSpecs(options.tools);
    const toolChoice: ToolChoice | undefined = tools.length === 0 ? undefined : options.toolMode === vscode.LanguageModelChatToolMode.Required ? 'required' : 'auto';
    const caller = callerOf(options);
    const maxTokens = positiveInt(options.modelOptions?.['max_tokens'] ?? options.modelOptions?.['maxTokens']);
    const result = await this.deps.engine.chat({
      surface: 'lm',
      role: model.role,
      modelOverride: model.model,
      build: () => ({ messages: exchange.messages as typeof converted.messages }),
      budget: modalBudgetPolicy(this.deps.notifier),
      token,
      ...(maxTokens ? { maxTokens } : {}),
      ...(tools.length > 0 ? { tools } : {}),
      ...(toolChoice ? { toolChoice } : {}),
      ...(caller ? { caller } : {}),
      onEvent: (event) => {
        if (event.type === 'content' && event.text !== '') progress.report(new vscode.LanguageModelTextPart(event.text));
      },
    });
    if (isNotSent(result)) {
      throw new Error(result.notSent === 'noKey' ? 'DeepSeek needs an API key: run "DeepSeek: Set API Key".' : RequestEngine.notSentFailure(result).message);
    }
    if (result.failure) {
      if (result.failure.kind === 'cancelled' && token.isCancellationRequested) throw new vscode.CancellationError();
      throw new Error(`DeepSeek: ${result.failure.message}`);
    }
    const calls = result.toolCalls ?? [];
    const raw = result.rawToolCalls ?? [];
    for (const call of calls) progress.report(new vscode.LanguageModelToolCallPart(call.id, call.name, toolInput(call.arguments)));
    // Only DeepSeek's own reasoning is owed back; a fallback's turns go as they are.
    this.memory.remember({ reasoning: result.rawReasoning ?? '', content: result.content, calls: raw.map((c) => ({ id: c.id, arguments: c.arguments })) });
    this.scheduleSave();
  }

  /** Keeps the memory in the workspace state a little later (one write for a burst of requests). */
  private scheduleSave(): void {
    if (!this.deps.state || this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.save();
    }, SAVE_DELAY_MS);
  }

  private save(): void {
    this.deps.state?.update(REASONING_MEMORY_KEY, this.memory.toStorage()).then(undefined, (err: unknown) => this.deps.logger.warn('lm: the reasoning memory could not be saved', err));
  }

  async provideTokenCount(_model: DeepSeekLmModel, text: string | vscode.LanguageModelChatRequestMessage): Promise<number> {
    return countTokens(text);
  }

  dispose(): void {
    if (this.saveTimer) {
      clearTimeout(this.saveTimer);
      this.saveTimer = undefined;
      this.save();
    }
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }
}

/**
 * The extension that asked, where VS Code says: `requestInitiator` is not in the 1.104 API; newer builds pass
 * the calling extension's id, or "core" for VS Code's own chat. Only an extension-id-shaped string is taken (it
 * reaches the ledger and the log).
 */
function callerOf(options: vscode.ProvideLanguageModelChatResponseOptions): string | undefined {
  const value = (options as { readonly requestInitiator?: unknown }).requestInitiator;
  if (value === 'core') return 'VS Code chat';
  return typeof value === 'string' && /^[\w.-]{1,200}$/.test(value) ? value : undefined;
}

function positiveInt(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}
