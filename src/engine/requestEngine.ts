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
import { decideThinking } from '../core/models';
import { onceSucceeded } from '../core/onceSucceeded';
import type { SpendRecord, Surface } from '../core/spendLedger';
import { estimateTokens } from '../core/tokenEstimate';
import type { ConfigurationService } from '../config/settings';
import { toAbortSignal } from '../platform/cancellation';
import type { Notifier } from '../platform/notifier';
import type { SpendService } from '../spend/spendService';

export type ModelRole = 'chat' | 'reasoner';

export interface ChatTask {
  readonly surface: Surface;
  readonly role: ModelRole;
  readonly messages: readonly ChatMessage[];
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

/**
 * The one request pipeline every surface goes through: key → redactor → budget → redact → client (streamed,
 * placeholders restored as they arrive) → ledger. The surface brings the messages, context already in them
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

  modelFor(role: ModelRole): string {
    return this.settings.get(role === 'chat' ? 'models.chat' : 'models.reasoner');
  }

  async client(): Promise<DeepSeekClient | undefined> {
    const key = await this.keyStore.resolve();
    return key.key ? new DeepSeekClient({ baseUrl: this.settings.get('baseUrl'), apiKey: key.key }) : undefined;
  }

  /**
   * Runs a chat request. Returns NotSent when nothing was sent: no key, or the user declined to go past the
   * session budget. Failures come back in the result; the surface decides how to show them.
   */
  async chat(task: ChatTask): Promise<EngineResult | NotSent> {
    const client = await this.client();
    if (!client) {
      return { notSent: 'noKey' };
    }
    const model = this.modelFor(task.role);
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
      this.last = { at: Date.now(), surface: task.surface, model, endpoint: client.endpoint, messages, redacted: redact, findings };
      this.lastEmitter.fire();
      if (findings.length > 0) {
        this.logger.info(`redacted ${findings.length} value(s) before sending: ${RedactionSummary.of(findings).entries().map((e) => `${e.occurrences} ${e.kind}`).join(', ')}`);
      }
      const reasoningRestorer = redactor ? createStreamRestorer(redactor) : undefined;
      const contentRestorer = redactor ? createStreamRestorer(redactor) : undefined;
      const onEvent = task.onEvent;
      const thinking = decideThinking({ role: task.role, model, override: this.settings.get('models.thinking') }).thinking;
      const result = await client.streamChat(
        { model, messages, ...(task.maxTokens ? { maxTokens: task.maxTokens } : {}), ...(thinking ? { thinking } : {}) },
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
