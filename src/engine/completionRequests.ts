import type * as vscode from 'vscode';
import type { ApiFailure } from '../core/apiErrors';
import type { BudgetPolicy, BudgetReservation } from '../core/budget';
import type { Logger } from '../core/logger';
import type { ResolvedPrice } from '../core/pricing';
import { spendInputFor } from '../core/providers/attemptBilling';
import { countsAgainstProvider } from '../core/providers/failoverPolicy';
import { fimRoute } from '../core/providers/fimRoute';
import type { ProviderSpec } from '../core/providers/providerSpec';
import type { Redactor, RedactionFinding } from '../core/redaction/redactor';
import type { RecordInput, SpendRecord } from '../core/spendLedger';
import { toAbortSignal } from '../platform/cancellation';
import type { LastRequest } from './lastRequest';
import type { ProviderClients } from './providerClients';
import type { ProviderHealth } from './providerHealth';

/** One fill-in-the-middle completion, as the completions surface asks for it. */
export interface FimTask {
  readonly prefix: string;
  readonly suffix?: string;
  readonly maxTokens?: number;
  readonly stop?: readonly string[];
  readonly token?: vscode.CancellationToken;
  readonly budget: BudgetPolicy;
}

export type FimOutcome =
  /** `text` has placeholders restored; `record` is the ledger entry (surface `completion`). */
  | { readonly kind: 'completed'; readonly text: string; readonly provider: string; readonly record?: SpendRecord }
  /** Nothing was sent: DeepSeek is failing and no fallback serves FIM. Quiet: the status bar says so. */
  | { readonly kind: 'paused'; readonly reason: string }
  | { readonly kind: 'failed'; readonly failure: ApiFailure; readonly provider: string }
  /** No key, or the budget policy declined. */
  | { readonly kind: 'notSent'; readonly notSent: 'noKey' | 'budget' };

/** What a completion request needs of the engine. */
export interface CompletionContext {
  readonly apiKey: string;
  /** DeepSeek first, then the fallbacks. */
  readonly chain: readonly ProviderSpec[];
  /** The chat role's model on DeepSeek (FIM is non-thinking, on Flash). */
  readonly chatModel: string;
  readonly health: ProviderHealth;
  readonly clients: ProviderClients;
  /** Undefined when redaction is off. */
  readonly redactor: Redactor | undefined;
  readonly admit: (model: string, maxTokens: number, text: string, budget: BudgetPolicy) => Promise<BudgetReservation | undefined>;
  readonly priceFor: (spec: ProviderSpec, model: string) => ResolvedPrice | undefined;
  /** Records a completion's spend; `endpoint` is the base URL it went to (the simulator's spend is kept apart). */
  readonly record: (input: RecordInput, endpoint: string) => SpendRecord;
  readonly sent: (last: LastRequest) => void;
  /** Completions paused (with why) or running again (undefined). */
  readonly paused: (reason: string | undefined) => void;
  readonly logger: Logger;
}

/**
 * A FIM completion through the provider chain: DeepSeek while its breaker allows, then only the fallbacks
 * marked `fim`; paused (nothing sent) when neither can answer (core/providers/fimRoute.ts). No retries: a
 * completion is only worth having now. A failure that says the provider is unwell moves to the next FIM
 * provider; anything else comes back for the surface to show once. Redacted before it leaves, restored on
 * return, billed with the provider's prices.
 */
export async function requestCompletion(ctx: CompletionContext, task: FimTask): Promise<FimOutcome> {
  const route = fimRoute(ctx.chain.map((spec) => ({ spec, available: ctx.health.available(spec) })));
  if ('paused' in route) {
    ctx.paused(route.paused);
    return { kind: 'paused', reason: route.paused };
  }
  ctx.paused(undefined);
  const primary = ctx.chain[0]!;
  const targets: Array<{ spec: ProviderSpec; key: string; model: string }> = [];
  for (const spec of route.targets) {
    const key = spec.primary ? ctx.apiKey : await ctx.clients.fallbackKey(spec, { endpoint: primary.endpoint, apiKey: ctx.apiKey });
    if (key) targets.push({ spec, key, model: spec.primary ? ctx.chatModel : spec.models!.chat });
  }
  if (targets.length === 0) return { kind: 'paused', reason: 'no provider that serves completions has a key' };
  const findings: RedactionFinding[] = [];
  const redact = (text: string) => {
    if (!ctx.redactor) return text;
    const r = ctx.redactor.redact(text);
    findings.push(...r.findings);
    return r.text;
  };
  const prefix = redact(task.prefix);
  const suffix = task.suffix !== undefined ? redact(task.suffix) : undefined;
  const reservation = await ctx.admit(ctx.chatModel, task.maxTokens ?? 64, prefix + (suffix ?? ''), task.budget);
  if (!reservation) return { kind: 'notSent', notSent: 'budget' };
  const cancellation = toAbortSignal(task.token);
  try {
    let last: FimOutcome | undefined;
    for (const [i, target] of targets.entries()) {
      if (!ctx.health.tryAcquire(target.spec) && i < targets.length - 1) continue;
      const client = ctx.clients.client(target.spec, target.key);
      ctx.sent({
        at: Date.now(), surface: 'completion', model: target.model, provider: target.spec.name, endpoint: client.endpoint,
        messages: [{ role: 'user', content: prefix }, ...(suffix ? [{ role: 'user' as const, content: `[suffix]\n${suffix}` }] : [])],
        redacted: ctx.redactor !== undefined, findings,
      });
      const result = await client.fim(
        { model: target.model, prompt: prefix, ...(suffix !== undefined ? { suffix } : {}), ...(task.maxTokens ? { maxTokens: task.maxTokens } : {}), ...(task.stop ? { stop: task.stop } : {}) },
        { signal: cancellation.signal },
      );
      const billed = spendInputFor('completion', target.spec.name, ctx.priceFor(target.spec, target.model), {
        model: result.model, reasoning: '', content: result.text, finishReason: result.finishReason, usage: result.usage, failure: result.failure, promptChars: result.promptChars,
      });
      const record = billed ? ctx.record(billed, target.spec.baseUrl) : undefined;
      if (!result.failure) {
        ctx.health.succeeded(target.spec, result.durationMs);
        const text = ctx.redactor ? ctx.redactor.restore(result.text) : result.text;
        return { kind: 'completed', text, provider: target.spec.name, ...(record ? { record } : {}) };
      }
      ctx.health.failed(target.spec, result.failure);
      last = { kind: 'failed', failure: result.failure, provider: target.spec.name };
      if (result.failure.kind === 'cancelled' || !countsAgainstProvider(result.failure)) break;
      ctx.logger.info(`providers: completion on ${target.spec.name} failed (${result.failure.kind}); ${i < targets.length - 1 ? 'next FIM provider' : 'no other FIM provider'}`);
    }
    return last ?? { kind: 'paused', reason: 'every provider that serves completions is skipped for now' };
  } finally {
    reservation.release();
    cancellation.dispose();
  }
}
