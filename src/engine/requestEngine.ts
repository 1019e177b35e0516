import { randomBytes } from 'crypto';
import * as vscode from 'vscode';
import { DeepSeekClient } from '../api/deepseekClient';
import type { ChatMessage, ChatResult, StreamEvent } from '../api/types';
import { createStreamRestorer, Redactor, RedactionSummary, type RedactionFinding } from '../core/redaction/redactor';
import type { LastRequest } from './lastRequest';
import type { ApiKeyStore } from '../platform/apiKeyStore';
import type { ApiFailure } from '../core/apiErrors';
import { BudgetGate, estimateRequestCostUsd, type BudgetPolicy, type BudgetReservation } from '../core/budget';
import type { Logger } from '../core/logger';
import { recoverFromModelError, type ModelRole } from '../core/models';
import { onceSucceeded } from '../core/onceSucceeded';
import type { SpendRecord, Surface } from '../core/spendLedger';
import { estimateTokens } from '../core/tokenEstimate';
import type { ConfigurationService } from '../config/settings';
import { toAbortSignal } from '../platform/cancellation';
import type { Notifier } from '../platform/notifier';
import type { SpendService } from '../spend/spendService';
import type { RoleModel, RoleModels } from './roleModels';

export type { ModelRole };

export interface ChatTask {
  readonly surface: Surface;
  readonly role: ModelRole;
  readonly messages: readonly ChatMessage[];
  /** The most output tokens to ask for; capped by the model's output limit. */
  readonly maxTokens?: number;
  readonly token?: vscode.CancellationToken;
  readonly onEvent?: (event: StreamEvent) => void;
  /**
   * What to do near and past the session budget: the surface decides (chat and commands pass the modal
   * policy from src/spend/budgetPolicy.ts; completions can decline silently). The engine opens no dialog.
   */
  readonly budget: BudgetPolicy;
}

/** Expected output when estimating a request's cost for the budget check. */
const EXPECTED_OUTPUT_TOKENS: Record<ModelRole, number> = { chat: 800, reasoner: 4000 };

const PROVIDER = 'DeepSeek';
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
export type EngineResult = ChatResult & { readonly rawContent: string; readonly record?: SpendRecord };

/** Nothing was sent: no API key, or the user declined to go past the session budget. */
export interface NotSent {
  readonly notSent: 'noKey' | 'budget';
}

export function isNotSent(result: EngineResult | NotSent): result is NotSent {
  return 'notSent' in result;
}

/** A result for a request refused before anything was sent. */
function notSentResult(model: string, failure: ApiFailure): EngineResult {
  return {
    model, reasoning: '', content: '', rawContent: '', finishReason: undefined, usage: undefined, partial: false,
    failure, durationMs: 0, firstTokenMs: undefined, promptChars: 0,
  };
}

/** What the request carries for its role's thinking, as Show Last Request says it. */
function thinkingText(use: RoleModel): string | undefined {
  const d = use.decision;
  if (d.thinking === undefined) return undefined;
  return d.thinking === 'enabled' ? `thinking enabled${d.reasoningEffort ? `, effort ${d.reasoningEffort}` : ''}` : 'thinking disabled';
}

/**
 * The one request pipeline every surface goes through: key → role's model (ids that heal, the thinking switch,
 * limits) → redactor → budget → redact → client (streamed, placeholders restored as they arrive) → ledger. A
 * request refused for its model id (400/404 naming the ids the API serves, or `/models` not listing it) is sent
 * again once with the role's equivalent, and the user is told. The surface brings the messages, context already in them
 * (built with src/workspace and the prompt builder), and its budget policy; one provider only, failover
 * between providers is not in it yet. Surfaces get a ChatResult with partial output kept on failure; the
 * ledger is updated for every request that reached the API, aborted ones priced as estimates. With redaction
 * on, a request whose redactor cannot start is not sent (privacy fails closed). The budget gate reserves each
 * admitted request's estimate until its spend is recorded.
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

  constructor(
    private readonly secrets: vscode.SecretStorage,
    private readonly keyStore: ApiKeyStore,
    private readonly settings: ConfigurationService,
    private readonly spend: SpendService,
    private readonly notifier: Notifier,
    private readonly logger: Logger,
    private readonly models: RoleModels,
  ) {}

  get inFlight(): number {
    return this.active;
  }

  get lastRequest(): LastRequest | undefined {
    return this.last;
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

  /** What a role sends now: id, thinking fields, limits, and the picker's label. */
  roleModel(role: ModelRole): RoleModel {
    return this.models.forRole(role);
  }

  /**
   * Runs a chat request. Returns NotSent when nothing was sent: no key, or the user declined to go past the
   * session budget. Failures come back in the result; the surface decides how to show them.
   */
  async chat(task: ChatTask): Promise<EngineResult | NotSent> {
    const key = await this.keyStore.resolve();
    if (!key.key) {
      return { notSent: 'noKey' };
    }
    const apiKey = key.key;
    const baseUrl = this.settings.get('baseUrl');
    const client = new DeepSeekClient({ baseUrl, apiKey });
    let use = this.models.forRole(task.role, apiKey);
    // What the endpoint serves is read lazily, never awaited here: a refused id is healed below either way.
    void this.models.ensureListed(client, baseUrl, apiKey);
    if (use.switched) {
      this.models.announce(task.role, use.switched);
    }
    const model = use.model;
    // Redact before anything leaves the machine; placeholders are stable, so the prefix cache still hits.
    const redact = this.settings.get('privacy.redact');
    let redactor: Redactor | undefined;
    if (redact) {
      try {
        redactor = await this.getRedactor();
      } catch (err) {
        this.logger.error('redaction could not start; the request was not sent', err);
        return notSentResult(model, { kind: 'unknown', retryable: true, message: redactorFailedMessage(err) });
      }
    }
    const reservation = await this.admit(model, task);
    if (!reservation) {
      return { notSent: 'budget' };
    }
    const cancellation = toAbortSignal(task.token);
    this.setActive(+1);
    try {
      const findings: RedactionFinding[] = [];
      const messages = task.messages.map((m) => {
        if (!redactor) return m;
        const r = redactor.redact(m.content);
        findings.push(...r.findings);
        return { role: m.role, content: r.text };
      });
      if (findings.length > 0) {
        this.logger.info(`redacted ${findings.length} value(s) before sending: ${RedactionSummary.of(findings).entries().map((e) => `${e.occurrences} ${e.kind}`).join(', ')}`);
      }
      const send = async (target: RoleModel): Promise<ChatResult> => {
        const thinking = thinkingText(target);
        this.last = {
          at: Date.now(), surface: task.surface, model: target.model, ...(thinking ? { thinking } : {}),
          endpoint: client.endpoint, messages, redacted: redact, findings,
        };
        this.lastEmitter.fire();
        const reasoningRestorer = redactor ? createStreamRestorer(redactor) : undefined;
        const contentRestorer = redactor ? createStreamRestorer(redactor) : undefined;
        const onEvent = task.onEvent;
        const maxTokens = task.maxTokens ? Math.min(task.maxTokens, target.limits.maxOutputTokens) : undefined;
        const sent = await client.streamChat(
          {
            model: target.model,
            messages,
            ...(maxTokens ? { maxTokens } : {}),
            ...(target.decision.thinking ? { thinking: target.decision.thinking } : {}),
            ...(target.decision.reasoningEffort ? { reasoningEffort: target.decision.reasoningEffort } : {}),
          },
          {
            signal: cancellation.signal,
            ...(onEvent
              ? {
                  onEvent: (event: StreamEvent) => {
                    const restorer = event.type === 'reasoning' ? reasoningRestorer : contentRestorer;
                    const text = restorer ? restorer.push(event.text) : event.text;
                    if (text) onEvent({ type: event.type, text });
                  },
                }
              : {}),
          },
        );
        if (onEvent) {
          const tailReasoning = reasoningRestorer?.flush();
          const tailContent = contentRestorer?.flush();
          if (tailReasoning) onEvent({ type: 'reasoning', text: tailReasoning });
          if (tailContent) onEvent({ type: 'content', text: tailContent });
        }
        return sent;
      };
      let result = await send(use);
      const healed = this.healModel(task.role, use, result, { baseUrl, apiKey, cancelled: cancellation.signal.aborted });
      if (healed) {
        // Once: whatever the second answer is, it is the answer (a second refusal is shown, never retried).
        use = healed;
        result = await send(use);
      }
      const record = this.recordSpend(task.surface, result);
      void this.spend.refreshBalance(() => client.balance());
      const restored = {
        ...result,
        rawContent: result.content,
        content: redactor ? redactor.restore(result.content) : result.content,
        reasoning: redactor ? redactor.restore(result.reasoning) : result.reasoning,
      };
      return record ? { ...restored, record } : restored;
    } finally {
      // After the spend is recorded (or the request failed): the estimate no longer holds budget.
      reservation.release();
      cancellation.dispose();
      this.setActive(-1);
    }
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

  private recordSpend(surface: Surface, result: ChatResult): SpendRecord | undefined {
    const failedBeforeSending = result.failure && !result.usage && result.reasoning === '' && result.content === '' &&
      ['auth', 'balance', 'invalid', 'model', 'network', 'rateLimit', 'server'].includes(result.failure.kind);
    if (failedBeforeSending) {
      return undefined; // The API refused or was never reached: nothing billed.
    }
    return this.spend.record({
      model: result.model,
      provider: PROVIDER,
      surface,
      price: this.spend.priceFor(result.model),
      ...(result.finishReason ? { finishReason: result.finishReason } : {}),
      usage: result.usage
        ? { kind: 'reported', hitTokens: result.usage.hitTokens, missTokens: result.usage.missTokens, outputTokens: result.usage.outputTokens, reasoningTokens: result.usage.reasoningTokens }
        : { kind: 'estimate', sent: result.promptChars, received: result.content, reasoning: result.reasoning },
    });
  }

  /**
   * Admits the request against the session budget (every window's session spend, plus the estimates of this
   * window's requests still running); undefined when the task's policy declined to go past it.
   */
  private async admit(model: string, task: ChatTask): Promise<BudgetReservation | undefined> {
    const budgetUsd = this.settings.get('budget.session');
    let nextEstimateUsd = 0;
    if (budgetUsd > 0) {
      await this.spend.refresh(); // Other windows' spend counts against the same session.
      const promptTokens = task.messages.reduce((n, m) => n + estimateTokens(m.content), 0);
      nextEstimateUsd = estimateRequestCostUsd(this.spend.priceFor(model), promptTokens, task.maxTokens ?? EXPECTED_OUTPUT_TOKENS[task.role]);
    }
    // No await between reading the session spend and the gate's reservation: concurrent requests see each other.
    const admission = await this.budgetGate.admit({ budgetUsd, sessionSpentUsd: this.spend.view().session.costUsd, nextEstimateUsd }, task.budget);
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
    this.activeEmitter.dispose();
    this.lastEmitter.dispose();
  }
}
