import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import type { DeepSeekClient } from '../api/deepseekClient';
import type { ChatMessage, ChatResult, StreamTimeouts, ToolCall, ToolChoice, ToolSpec } from '../api/types';
import { Redactor, type RedactionFinding } from '../core/redaction/redactor';
import type { LastRequest } from './lastRequest';
import type { ApiKeyStore } from '../platform/apiKeyStore';
import type { ApiFailure } from '../core/apiErrors';
import { BudgetGate, estimateRequestCostUsd, type BudgetPolicy, type BudgetReservation } from '../core/budget';
import type { EndpointObserver } from '../core/endpointIdentity';
import type { Logger } from '../core/logger';
import { modelTakesImages, noVisionMessage, recoverFromModelError, type ModelLimits, type ModelRole } from '../core/models';
import { spendInputFor } from '../core/providers/attemptBilling';
import { fallbackLimits, providerChain, type ProviderSpec } from '../core/providers/providerSpec';
import { onceSucceeded } from '../core/onceSucceeded';
import type { SpendRecord, Surface } from '../core/spendLedger';
import { contentTokens } from '../core/prompt/contentParts';
import type { ConfigurationService } from '../config/settings';
import { toAbortSignal } from '../platform/cancellation';
import type { Notifier } from '../platform/notifier';
import type { SpendService } from '../spend/spendService';
import type { RoleModel, RoleModels } from './roleModels';
import type { EngineEvent, ProviderSwitchEvent } from './engineEvents';
import { runWithFailover, targetsForImages, type AttemptReport, type BuiltPrompt, type ProviderTarget } from './failoverRun';
import { ProviderHealth, type ProviderStatus, type ServingState } from './providerHealth';
import { ProviderClients, type FallbackKeySource } from './providerClients';
import { redactingPreparer, restoreToolCalls, restoringSink } from './redactedStream';
import { describeToolChoice, toolChoiceFor } from './toolChoice';
import { requestCompletion, type FimOutcome, type FimTask } from './completionRequests';

export type { FimOutcome, FimTask };

export type { FallbackKeySource };

export type { ModelRole };

export interface ChatTask<B extends BuiltPrompt = BuiltPrompt> {
  readonly surface: Surface;
  readonly role: ModelRole;
  /**
   * The prompt for a provider's window (its model's limits): called for each provider that will serve the
   * request, so a failover to a smaller window rebuilds the prompt instead of overflowing it. Context is
   * already gathered; building is pure and cheap.
   */
  readonly build: (limits: ModelLimits) => B;
  /** The most output tokens to ask for; capped by the model's output limit. */
  readonly maxTokens?: number;
  readonly token?: vscode.CancellationToken;
  /** Streamed text (placeholders restored) and provider switches, in order. */
  readonly onEvent?: (event: EngineEvent) => void;
  /**
   * What to do near and past the session budget: the surface decides (chat and commands pass the modal
   * policy from src/spend/budgetPolicy.ts; completions can decline silently). The engine opens no dialog.
   */
  readonly budget: BudgetPolicy;
  /** Functions the model may call (VS Code's language-model tools); passed to every provider. */
  readonly tools?: readonly ToolSpec[];
  /** `tool_choice`; a thinking request that asks for `required` or a named function gets `auto` (logged). */
  readonly toolChoice?: ToolChoice;
  /**
   * DeepSeek's model id for this request instead of the role's (a model picked in VS Code's own chat); the role
   * still decides the thinking switch and effort, and the fallbacks answer with their role's model.
   */
  readonly modelOverride?: string;
  /** Who asked, for the ledger and Show Last Request (e.g. the calling extension of a `vscode.lm` request). */
  readonly caller?: string;
}

/** Expected output when estimating a request's cost for the budget check. */
const EXPECTED_OUTPUT_TOKENS: Record<ModelRole, number> = { chat: 800, reasoner: 4000 };

const SALT_KEY = 'deepseek.redactionSalt';

/** Why a request was refused when redaction is on but the redactor could not start. */
export function redactorFailedMessage(err: unknown): string {
  const reason = err instanceof Error ? err.message : String(err);
  return `Not sent: redaction is on (deepseek.privacy.redact) but could not start, because VS Code's secret storage failed (${reason}). ` +
    'Nothing left this machine. Try again; if it keeps failing, check the system keychain.';
}

/**
 * A chat result with placeholders restored in `content` and `reasoning`, the answer as the model sent it
 * (`rawContent`, for the prompt history), and the ledger record (undefined when nothing was billed).
 */
export type EngineResult<B extends BuiltPrompt = BuiltPrompt> = ChatResult & {
  readonly rawContent: string;
  /** The reasoning as the model sent it (placeholders not restored): what a later request must send back after a tool call. */
  readonly rawReasoning?: string;
  /** The tool calls as the model sent them (placeholders not restored in their arguments); `toolCalls` has them restored. */
  readonly rawToolCalls?: readonly ToolCall[];
  /** The ledger record of the attempt that answered (undefined when nothing was billed for it). */
  readonly record?: SpendRecord;
  /** Who answered (or failed last): "DeepSeek" or a fallback's name, and its host. */
  readonly provider: string;
  readonly endpoint: string;
  /** The provider switches on the way, in order (empty when DeepSeek answered at once). */
  readonly switches: readonly ProviderSwitchEvent[];
  /** Providers skipped because their circuit breaker is open. */
  readonly skipped: readonly string[];
  /** Fallback providers left out of this request because it carries images and their model takes none. */
  readonly skippedForImages?: readonly string[];
  /** Every attempt's ledger record, failed and interrupted ones included. */
  readonly records: readonly SpendRecord[];
  /** What redaction replaced in the prompt the answering attempt sent (empty with redaction off or nothing found). */
  readonly findings?: readonly RedactionFinding[];
  /** The prompt the answering attempt sent, and the one built for the first provider tried. */
  readonly built?: B;
  readonly firstBuilt?: B;
};

/** Nothing was sent: no API key, or the user declined to go past the session budget. */
export interface NotSent {
  readonly notSent: 'noKey' | 'budget';
}

export function isNotSent(result: EngineResult | NotSent): result is NotSent {
  return 'notSent' in result;
}

/** A result for a request refused before anything was sent. */
function notSentResult(model: string, failure: ApiFailure, provider: ProviderSpec): EngineResult<never> {
  return {
    model, reasoning: '', content: '', rawContent: '', finishReason: undefined, usage: undefined, partial: false,
    failure, durationMs: 0, firstTokenMs: undefined, promptChars: 0, provider: provider.name, endpoint: provider.endpoint, switches: [], skipped: [], records: [],
  };
}



/** How many image parts the messages carry. */
export function imagePartCount(messages: readonly ChatMessage[]): number {
  return messages.reduce((n, m) => n + (typeof m.content === 'string' ? 0 : m.content.filter((p) => p.type === 'image_url').length), 0);
}

/** What the request carries for its role's thinking, as Show Last Request says it. */
function thinkingText(use: RoleModel): string | undefined {
  const d = use.decision;
  if (d.thinking === undefined) return undefined;
  return d.thinking === 'enabled' ? `thinking enabled${d.reasoningEffort ? `, effort ${d.reasoningEffort}` : ''}` : 'thinking disabled';
}

/**
 * The one request pipeline every surface goes through: key → role's model (ids that heal, the thinking switch,
 * limits) → redactor → budget → the provider chain (src/engine/failoverRun.ts: DeepSeek, then the user's
 * fallbacks; each with its own key, client, limits, prices and circuit breaker) → for each attempt: the
 * surface's prompt built for that provider's window, redacted, streamed with placeholders restored as they
 * arrive, and recorded in the ledger with that provider's prices. A request refused for its model id is sent
 * again once with the role's equivalent, and the user is told. Surfaces get a result with partial output kept
 * on failure. With redaction on, a request whose redactor cannot start is not sent (privacy fails closed). The
 * budget gate reserves each admitted request's estimate until its spend is recorded.
 */
export class RequestEngine implements vscode.Disposable {
  private readonly activeEmitter = new vscode.EventEmitter<number>();
  /** Fires with the number of requests in flight. */
  readonly onDidChangeActive = this.activeEmitter.event;
  private active = 0;
  private readonly budgetGate = new BudgetGate();
  private last: LastRequest | undefined;
  private readonly lastEmitter = new vscode.EventEmitter<void>();
  readonly onDidSend = this.lastEmitter.event;
  private readonly healthEmitter = new vscode.EventEmitter<void>();
  /** Fires when a provider's health changes (a failure, a success, a breaker opening or closing). */
  readonly onDidChangeHealth = this.healthEmitter.event;
  private readonly health = new ProviderHealth();
  private readonly healthListener = this.health.onDidChange(() => this.healthEmitter.fire());
  private readonly clients: ProviderClients;
  private balanceNoticeShown = false;

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly keyStore: ApiKeyStore,
    private readonly settings: ConfigurationService,
    private readonly spend: SpendService,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
    private readonly models: RoleModels,
    fallbackKeys: FallbackKeySource = { resolve: async () => ({ key: undefined }) },
    /** Learns from every response which endpoint is the offline simulator (src/core/endpointIdentity.ts). */
    endpoints?: EndpointObserver,
  ) {
    this.clients = new ProviderClients(fallbackKeys, logger, notifier, endpoints);
  }

  get inFlight(): number {
    return this.active;
  }

  get lastRequest(): LastRequest | undefined {
    return this.last;
  }

  /** DeepSeek first, then the user's fallbacks in order. */
  providers(): ProviderSpec[] {
    return providerChain(this.settings.get('baseUrl'), this.settings.get('fallbackProviders'));
  }

  providerStatus(): ProviderStatus[] {
    return this.health.status(this.providers());
  }

  /** Closes every breaker and forgets failures: the next request goes to DeepSeek first again. */
  resetProviderHealth(): void {
    this.health.reset();
    this.balanceNoticeShown = false;
  }

  serving(): ServingState {
    const state = this.health.serving(this.providers()[0]!);
    return this.completionsPaused !== undefined ? { ...state, completionsPaused: this.completionsPaused } : state;
  }

  /**
   * One Redactor per window, keyed by a per-installation random salt kept in SecretStorage. A failure (the
   * secret storage refused) is not kept: the next request tries again.
   */
  private readonly getRedactor = onceSucceeded(async () => {
    let salt = await this.secrets.get(SALT_KEY);
    if (!salt) {
      salt = randomBytes(32).toString('hex');
      await this.secrets.store(SALT_KEY, salt);
    }
    return new Redactor({ salt });
  });

  /**
   * What `GET /models` lists for the key in effect (read once per endpoint and key, then kept): VS Code's model
   * list. Undefined without a key, or when the list could not be read.
   */
  async listedModels(): Promise<readonly string[] | undefined> {
    const key = await this.keyStore.resolve();
    if (!key.key) return undefined;
    const spec = this.providers()[0]!;
    return this.models.ensureListed(this.clients.client(spec, key.key), spec.baseUrl, key.key);
  }

  /** What a role sends now: id, thinking fields, limits, and the picker's label. */
  roleModel(role: ModelRole): RoleModel {
    return this.models.forRole(role);
  }

  /** The fallbacks that can be sent to: those with a key of their own (src/engine/providerClients.ts). */
  private async fallbackTargets(role: ModelRole, specs: readonly ProviderSpec[], primary: { endpoint: string; apiKey: string }): Promise<ProviderTarget[]> {
    const targets: ProviderTarget[] = [];
    const overrides = this.settings.get('models.limits');
    for (const spec of specs) {
      const key = await this.clients.fallbackKey(spec, primary);
      if (!key) continue;
      const model = spec.models![role];
      targets.push({ spec, client: this.clients.client(spec, key), model, limits: fallbackLimits(spec, model, overrides) });
    }
    return targets;
  }

  /** Stream timers: with another provider to take over, DeepSeek's queue is not waited out. */
  private timeoutsFor(hasNext: boolean): Partial<StreamTimeouts> {
    const firstTokenMs = this.settings.get('failover.firstTokenSeconds') * 1000;
    const idleMs = this.settings.get('failover.stallSeconds') * 1000;
    return hasNext ? { firstTokenMs, maxQueueWaitMs: firstTokenMs, idleMs } : { idleMs };
  }

  /**
   * Runs a chat request. Returns NotSent when nothing was sent: no key, or the user declined to go past the
   * session budget. Failures come back in the result; the surface decides how to show them.
   */
  async chat<B extends BuiltPrompt>(task: ChatTask<B>): Promise<EngineResult<B> | NotSent> {
    const key = await this.keyStore.resolve();
    if (!key.key) {
      return { notSent: 'noKey' };
    }
    const apiKey = key.key;
    const [primarySpec, ...fallbackSpecs] = this.providers() as [ProviderSpec, ...ProviderSpec[]];
    const baseUrl = primarySpec.baseUrl;
    const client = this.clients.client(primarySpec, apiKey);
    // A model picked in VS Code's own chat stands in for the role's id; the role still decides thinking.
    const use = task.modelOverride
      ? this.models.describe(task.role, task.modelOverride, task.modelOverride)
      : this.models.forRole(task.role, apiKey);
    // What the endpoint serves is read lazily, never awaited here: a refused id is healed below either way.
    void this.models.ensureListed(client, baseUrl, apiKey);
    if (use.switched) {
      this.models.announce(task.role, use.switched);
    }
    // Redact before anything leaves the machine; placeholders are stable, so the prefix cache still hits.
    const redact = this.settings.get('privacy.redact');
    let redactor: Redactor | undefined;
    if (redact) {
      try {
        redactor = await this.getRedactor();
      } catch (err) {
        this.logger.error('redaction could not start; the request was not sent', err);
        return notSentResult(use.model, { kind: 'unknown', retryable: true, message: redactorFailedMessage(err) }, primarySpec);
      }
    }
    const primary: ProviderTarget = this.primaryTarget(primarySpec, client, use);
    const keyed = await this.fallbackTargets(task.role, fallbackSpecs, { endpoint: primarySpec.endpoint, apiKey });
    const firstBuilt = task.build(primary.limits);
    // A request with images goes only to models that take them: never sent to DeepSeek's model when it does
    // not (the user is told how to fix it), and fallbacks whose model does not are left out of this request.
    const images = imagePartCount(firstBuilt.messages);
    const overrides = this.settings.get('models.limits');
    if (images > 0 && !use.vision) {
      this.logger.info(`chat: ${images} image(s) and ${use.model} takes none; not sent`);
      return notSentResult(use.model, { kind: 'model', retryable: false, message: noVisionMessage(use.model) }, primarySpec);
    }
    const { targets: fallbacks, skipped: skippedForImages } = targetsForImages(keyed, images, (t) => modelTakesImages(t.model, overrides));
    for (const name of skippedForImages) this.logger.info(`providers: ${name}: skipped for this request, its model takes no images`);
    const reservation = await this.admit(use.model, task.role, task.maxTokens, firstBuilt.messages, task.budget, fallbacks);
    if (!reservation) {
      return { notSent: 'budget' };
    }
    const cancellation = toAbortSignal(task.token);
    this.setActive(+1);
    const records: SpendRecord[] = [];
    let answeredRecord: SpendRecord | undefined;
    const preparer = redactingPreparer<B>(redactor, this.logger);
    let sentFindings: readonly RedactionFinding[] = [];
    const tools = task.tools && task.tools.length > 0 ? task.tools : undefined;
    let toldDowngrade = false;
    // Thinking mode refuses `required` and a named function: such a target gets `auto`, and the log says so once.
    const toolChoiceOf = (target: ProviderTarget) => {
      const thinking = target.thinking === 'enabled' || (target.thinking === undefined && task.role === 'reasoner');
      const { choice, downgraded } = toolChoiceFor(task.toolChoice, thinking);
      if (downgraded && !toldDowngrade) {
        toldDowngrade = true;
        this.logger.info(`tools: ${target.spec.name} ${target.model} thinks, and thinking mode refuses tool_choice ${describeToolChoice(task.toolChoice!)}; sent auto instead`);
      }
      return choice;
    };
    if (task.caller) this.logger.info(`${task.surface}: request from ${task.caller}${tools ? ` with ${tools.length} tool(s)` : ''}`);
    try {
      const onEvent = task.onEvent;
      const outcome = await runWithFailover<B>({
        targets: [primary, ...fallbacks],
        build: (limits) => (limits === primary.limits ? firstBuilt : task.build(limits)),
        prepare: (built) => preparer.prepare(built).messages,
        ...(task.maxTokens ? { maxTokens: task.maxTokens } : {}),
        ...(tools ? { tools, toolChoice: toolChoiceOf } : {}),
        signal: cancellation.signal,
        health: this.health,
        timeouts: (_target, hasNext) => this.timeoutsFor(hasNext),
        log: (message) => this.logger.info(`providers: ${message}`),
        onSend: (target, messages, built) => {
          const findings = preparer.findingsOf(messages);
          sentFindings = findings;
          const thinking = target.spec.primary ? thinkingText(this.describeTarget(target, use)) : undefined;
          const choice = tools ? toolChoiceOf(target) : undefined;
          this.last = {
            at: Date.now(), surface: task.surface, model: target.model, ...(thinking ? { thinking } : {}),
            ...(task.caller ? { caller: task.caller } : {}),
            ...(tools ? { tools: tools.map((t) => t.name), ...(choice ? { toolChoice: describeToolChoice(choice) } : {}) } : {}),
            provider: target.spec.name, endpoint: target.client.endpoint, messages, redacted: redact, findings,
            ...(built.imageNames ? { imageNames: built.imageNames } : {}),
          };
          this.lastEmitter.fire();
        },
        ...(onEvent ? { sink: () => restoringSink(redactor, onEvent) } : {}),
        onAttempt: (report) => {
          answeredRecord = this.recordSpend(task.surface, report, task.caller);
          if (answeredRecord) records.push(answeredRecord);
        },
        onSwitch: (event) => {
          this.logger.warn(`providers: ${event.from} → ${event.to}: ${event.why}${event.midAnswer ? ' (mid-answer; what arrived is kept)' : ''}`);
          if (event.from === primarySpec.name && /402/.test(event.why)) this.tellBalanceEmpty(event.to);
          onEvent?.(event);
        },
        heal: (target, result) => {
          if (!target.spec.primary) return undefined;
          const healed = this.healModel(task.role, this.describeTarget(target, use), result, { baseUrl, apiKey, cancelled: cancellation.signal.aborted });
          return healed ? this.primaryTarget(primarySpec, client, healed) : undefined;
        },
      });
      if (outcome.target.spec.primary) void this.spend.refreshBalance(() => client.balance(), { endpoint: baseUrl });
      const result = outcome.result;
      const failure = result.failure ? this.explainFailure(result.failure, outcome.target.spec, outcome.switches) : undefined;
      return {
        ...result,
        failure,
        rawContent: result.content,
        content: redactor ? redactor.restore(result.content) : result.content,
        reasoning: redactor ? redactor.restore(result.reasoning) : result.reasoning,
        rawReasoning: result.reasoning,
        ...(result.toolCalls ? { toolCalls: restoreToolCalls(redactor, result.toolCalls), rawToolCalls: result.toolCalls } : {}),
        provider: outcome.target.spec.name,
        endpoint: outcome.target.client.endpoint,
        switches: outcome.switches,
        skipped: outcome.skipped,
        ...(skippedForImages.length > 0 ? { skippedForImages } : {}),
        records,
        findings: sentFindings,
        built: outcome.built,
        firstBuilt: outcome.firstBuilt,
        ...(answeredRecord ? { record: answeredRecord } : {}),
      };
    } finally {
      // After the spend is recorded (or the request failed): the estimate no longer holds budget.
      reservation.release();
      cancellation.dispose();
      this.setActive(-1);
    }
  }

  /** One inline completion through the provider chain (src/engine/completionRequests.ts). */
  async complete(task: FimTask): Promise<FimOutcome> {
    const key = await this.keyStore.resolve();
    if (!key.key) return { kind: 'notSent', notSent: 'noKey' };
    let redactor: Redactor | undefined;
    if (this.settings.get('privacy.redact')) {
      try {
        redactor = await this.getRedactor();
      } catch (err) {
        this.logger.error('redaction could not start; the completion was not sent', err);
        return { kind: 'failed', provider: 'DeepSeek', failure: { kind: 'unknown', retryable: true, message: redactorFailedMessage(err) } };
      }
    }
    return requestCompletion({
      apiKey: key.key,
      chain: this.providers(),
      chatModel: this.models.forRole('chat', key.key).model,
      health: this.health,
      clients: this.clients,
      redactor,
      admit: (model, maxTokens, text, budget) => this.admit(model, 'chat', maxTokens, [{ role: 'user', content: text }], budget),
      priceFor: (spec, model) => this.spend.priceForProvider(spec, model), // its own table, or none: unpriced
      record: (input, endpoint) => this.spend.record(input, endpoint),
      sent: (last) => {
        this.last = last;
        this.lastEmitter.fire();
      },
      paused: (reason) => {
        if (reason === this.completionsPaused) return;
        this.completionsPaused = reason;
        this.healthEmitter.fire();
      },
      logger: this.logger,
    }, task);
  }

  /** Why completions are paused (DeepSeek failing, no FIM fallback), or undefined while they can be served. */
  get completionsPausedReason(): string | undefined {
    return this.completionsPaused;
  }

  private completionsPaused: string | undefined;

  private primaryTarget(spec: ProviderSpec, client: DeepSeekClient, use: RoleModel): ProviderTarget {
    return {
      spec, client, model: use.model, limits: use.limits,
      ...(use.decision.thinking ? { thinking: use.decision.thinking } : {}),
      ...(use.decision.reasoningEffort ? { reasoningEffort: use.decision.reasoningEffort } : {}),
    };
  }

  /** The RoleModel a primary target was made from (the healed one after an id switch). */
  private describeTarget(target: ProviderTarget, use: RoleModel): RoleModel {
    return target.model === use.model ? use : this.models.describe(use.role, use.configured, target.model);
  }

  /** Once per window: DeepSeek answered 402 and a fallback took over. */
  private tellBalanceEmpty(to: string): void {
    if (this.balanceNoticeShown) return;
    this.balanceNoticeShown = true;
    void this.notifier.warn(`DeepSeek's balance is empty (402): ${to} is answering instead. Top up to use DeepSeek again.`, 'Top Up').then((choice) => {
      if (choice === 'Top Up') void vscode.env.openExternal(vscode.Uri.parse('https://platform.deepseek.com/top_up'));
    });
  }

  /**
   * The failure to show: a fallback's own words about its key point at its own command, and a failure after a
   * switch says what happened on the way ("DeepSeek: … Then Backup: …").
   */
  private explainFailure(failure: ApiFailure, spec: ProviderSpec, switches: readonly ProviderSwitchEvent[]): ApiFailure {
    let message = failure.message;
    if (!spec.primary && failure.kind === 'auth') {
      message = `${spec.name} (${spec.endpoint}) rejected its API key (${failure.status ?? 401}). Set it with "DeepSeek: Set Fallback Provider Key".`;
    }
    if (switches.length > 0 && failure.kind !== 'cancelled') {
      const path = switches.map((s) => `${s.from}: ${s.message}`).join(' ');
      message = `${path} Then ${spec.name}: ${message}`;
    }
    return message === failure.message ? failure : { ...failure, message };
  }

  /**
   * After a refusal of the model id (400/404 about the id, nothing streamed): the role's equivalent from what
   * `/models` lists (or the ids the refusal names), to send the request again with once, and the user told.
   * Undefined for any other outcome, and when nothing fits.
   */
  private healModel(role: ModelRole, use: RoleModel, result: ChatResult, ctx: { baseUrl: string; apiKey: string; cancelled: boolean }): RoleModel | undefined {
    const failure = result.failure;
    if (ctx.cancelled || failure?.kind !== 'model' || !failure.modelError || result.content !== '' || result.reasoning !== '') {
      return undefined;
    }
    const detail = failure.modelError;
    const available = detail.listed ?? this.models.listed(ctx.baseUrl, ctx.apiKey);
    if (detail.listed) {
      this.models.remember(ctx.baseUrl, ctx.apiKey, detail.listed);
    } else if (detail.supported.length > 0) {
      this.models.remember(ctx.baseUrl, ctx.apiKey, detail.supported); // the API's own list of what it serves
    }
    const change = recoverFromModelError({
      role,
      model: use.model,
      status: failure.status,
      message: detail.apiMessage ?? failure.message,
      ...(available ? { available } : {}),
      tried: [use.model],
    });
    if (!change) {
      this.logger.info(`model ${use.model} refused (${failure.status ?? '?'}); no equivalent to retry with`);
      return undefined;
    }
    this.models.announce(role, change, true);
    return this.models.describe(role, use.configured, change.model, change);
  }

  private recordSpend(surface: Surface, report: AttemptReport<unknown>, caller?: string): SpendRecord | undefined {
    const input = spendInputFor(surface, report.target.spec.name, this.spend.priceForProvider(report.target.spec, report.result.model), report.result, caller);
    return input ? this.spend.record(input, report.target.spec.baseUrl) : undefined; // undefined: the API refused or was never reached
  }

  /**
   * Admits the request against the session budget (every window's session spend, plus the estimates of this
   * window's requests still running); undefined when the task's policy declined to go past it.
   */
  private async admit(
    model: string,
    role: ModelRole,
    maxTokens: number | undefined,
    messages: readonly ChatMessage[],
    budget: BudgetPolicy,
    /** The other providers that may serve it: the estimate is the dearest of them (a priced one; fails closed). */
    fallbacks: readonly ProviderTarget[] = [],
  ): Promise<BudgetReservation | undefined> {
    const budgetUsd = this.settings.get('budget.session');
    let nextEstimateUsd = 0;
    if (budgetUsd > 0) {
      await this.spend.refresh(); // Other windows' spend counts against the same session.
      const promptTokens = messages.reduce((n, m) => n + contentTokens(m.content), 0);
      const output = maxTokens ?? EXPECTED_OUTPUT_TOKENS[role];
      nextEstimateUsd = Math.max(
        estimateRequestCostUsd(this.spend.priceFor(model), promptTokens, output),
        ...fallbacks.map((t) => estimateRequestCostUsd(this.spend.priceForProvider(t.spec, t.model), promptTokens, output)),
      );
    }
    // No await between reading the session spend and the gate's reservation: concurrent requests see each other.
    const admission = await this.budgetGate.admit({ budgetUsd, sessionSpentUsd: this.spend.view().session.costUsd, nextEstimateUsd }, budget);
    if (admission.check.level === 'exceeds') {
      this.logger.info(`budget: ${admission.check.message ?? ''} → ${admission.admitted ? 'sent anyway' : 'not sent'}`);
    }
    return admission.admitted ? admission.reservation : undefined;
  }

  /** The failure to show for a request that was not sent. */
  static notSentFailure(result: NotSent): ApiFailure {
    return result.notSent === 'noKey'
      ? { kind: 'auth', retryable: false, message: 'DeepSeek needs an API key before it can answer.' }
      : { kind: 'cancelled', retryable: false, message: 'Not sent: the session budget would be exceeded.' };
  }

  /** Tells the user what went wrong with the action that fixes it. */
  async reportFailure(failure: ApiFailure): Promise<void> {
    if (failure.kind === 'cancelled') {
      return;
    }
    if (failure.kind === 'auth') {
      const choice = await this.notifier.error(failure.message, 'Set API Key');
      if (choice === 'Set API Key') await vscode.commands.executeCommand('deepseek.setApiKey');
    } else if (failure.kind === 'model') {
      const choice = await this.notifier.error(failure.message, 'Open Settings');
      if (choice === 'Open Settings') await vscode.commands.executeCommand('workbench.action.openSettings', 'deepseek.models');
    } else if (failure.kind === 'balance') {
      const choice = await this.notifier.error(failure.message, 'Top Up');
      if (choice === 'Top Up') await vscode.env.openExternal(vscode.Uri.parse('https://platform.deepseek.com/top_up'));
    } else {
      await this.notifier.error(`DeepSeek: ${failure.message}`);
    }
  }

  private setActive(delta: number): void {
    this.active += delta;
    this.activeEmitter.fire(this.active);
  }

  dispose(): void {
    this.healthListener.dispose();
    this.healthEmitter.dispose();
    this.activeEmitter.dispose();
    this.lastEmitter.dispose();
  }
}
