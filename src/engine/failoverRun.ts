import type { ChatMessage, ChatResult, StreamEvent, StreamTimeouts, ToolChoice, ToolSpec } from '../api/types';
import type { StreamOptions } from '../api/deepseekClient';
import type { ModelLimits, ReasoningEffort, ThinkingType } from '../core/models';
import { decideFailover, type FailoverPolicyOptions } from '../core/providers/failoverPolicy';
import type { ProviderSpec } from '../core/providers/providerSpec';
import type { ChatRequest } from '../api/types';
import type { ProviderSwitchEvent } from './engineEvents';
import type { ProviderHealth } from './providerHealth';

/** What the runner needs of a client: one streamed chat request. */
export interface StreamingClient {
  readonly endpoint: string;
  streamChat(request: ChatRequest, options?: StreamOptions): Promise<ChatResult>;
}

/** One provider as a request would be sent to it: its client (its own key), model, limits and thinking fields. */
export interface ProviderTarget {
  readonly spec: ProviderSpec;
  readonly client: StreamingClient;
  readonly model: string;
  readonly limits: ModelLimits;
  readonly thinking?: ThinkingType;
  readonly reasoningEffort?: ReasoningEffort;
}

/** A prompt as a surface built it for one provider's window. */
export interface BuiltPrompt {
  readonly messages: readonly ChatMessage[];
  /** The names of the images it carries (sha256 of the bytes → "screenshot.png"), for Show Last Request. */
  readonly imageNames?: ReadonlyMap<string, string>;
}

export interface AttemptReport<B> {
  readonly target: ProviderTarget;
  readonly result: ChatResult;
  readonly built: B;
  /** 0 for the first try on this provider, 1 for its first retry, … */
  readonly retry: number;
}

/** Receives one attempt's stream; `flush()` at the attempt's end (placeholders are restored across chunks). */
export interface AttemptSink {
  onEvent(event: StreamEvent): void;
  flush(): void;
}

export interface FailoverInput<B extends BuiltPrompt> {
  /** The providers in order (DeepSeek first); those without a key are left out by the caller. */
  readonly targets: readonly ProviderTarget[];
  /** The surface's prompt for a window; called once per distinct window, so a smaller one gets its own prompt. */
  readonly build: (limits: ModelLimits) => B;
  /** What is sent for a built prompt: its messages, redacted. */
  readonly prepare: (built: B) => readonly ChatMessage[];
  readonly maxTokens?: number;
  /** Functions the model may call, sent to every provider. */
  readonly tools?: readonly ToolSpec[];
  /** The `tool_choice` a target gets (a thinking one may not take every choice); undefined: none sent. */
  readonly toolChoice?: (target: ProviderTarget) => ToolChoice | undefined;
  readonly signal: AbortSignal;
  readonly health: ProviderHealth;
  /** Stream timers for an attempt: shorter when another provider could take over. */
  readonly timeouts: (target: ProviderTarget, hasNext: boolean) => Partial<StreamTimeouts>;
  readonly sink?: () => AttemptSink;
  readonly onSwitch?: (event: ProviderSwitchEvent) => void;
  /** Just before each attempt goes out, with exactly what it sends. */
  readonly onSend?: (target: ProviderTarget, messages: readonly ChatMessage[], built: B) => void;
  /** After each attempt (the engine records its spend here, so nothing billed is lost). */
  readonly onAttempt?: (report: AttemptReport<B>) => void;
  /** A refused model id: the target to try again with, once (DeepSeek's ids that heal). */
  readonly heal?: (target: ProviderTarget, result: ChatResult) => ProviderTarget | undefined;
  readonly policy?: FailoverPolicyOptions;
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly log?: (message: string) => void;
}

export interface FailoverOutcome<B> {
  /** The result of the attempt that answered, or of the last one when none did. */
  readonly result: ChatResult;
  readonly target: ProviderTarget;
  /** The prompt that attempt sent. */
  readonly built: B;
  /** The prompt built for the first provider tried (DeepSeek's window, normally). */
  readonly firstBuilt: B;
  readonly attempts: readonly AttemptReport<B>[];
  readonly switches: readonly ProviderSwitchEvent[];
  /** Providers not tried because their circuit breaker is open (DeepSeek, while it keeps failing). */
  readonly skipped: readonly string[];
}

/**
 * The targets a request may go to when it carries `images` image parts: with none, all of them; with some, those
 * whose model takes images (`takesImages`), and the names of the others (skipped for this request only).
 */
export function targetsForImages<T extends ProviderTarget>(targets: readonly T[], images: number, takesImages: (target: T) => boolean): { readonly targets: T[]; readonly skipped: string[] } {
  if (images === 0) return { targets: [...targets], skipped: [] };
  return { targets: targets.filter(takesImages), skipped: targets.filter((t) => !takesImages(t)).map((t) => t.spec.name) };
}

function sleepFor(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

const hasOutput = (r: ChatResult) => r.content !== '' || r.reasoning !== '';

/**
 * Sends one request down the provider chain: each provider's circuit breaker is asked first (a provider whose
 * breaker is open is skipped while another can answer; when every one is open, the first is tried anyway);
 * failures are retried, failed over or shown by core/providers/failoverPolicy.ts. Every attempt is reported
 * (and so billed) as it ends. Pure of VS Code: plain Node tests drive it against two fake servers.
 */
export async function runWithFailover<B extends BuiltPrompt>(input: FailoverInput<B>): Promise<FailoverOutcome<B>> {
  const { health, signal } = input;
  const log = input.log ?? (() => undefined);
  const sleep = input.sleep ?? sleepFor;
  if (input.targets.length === 0) throw new Error('runWithFailover needs at least one provider');
  const builds = new Map<string, B>();
  const buildFor = (limits: ModelLimits): B => {
    const key = `${limits.contextTokens}/${limits.maxOutputTokens}`;
    let built = builds.get(key);
    if (!built) {
      built = input.build(limits);
      builds.set(key, built);
    }
    return built;
  };
  const attempts: AttemptReport<B>[] = [];
  const switches: ProviderSwitchEvent[] = [];
  let firstBuilt: B | undefined;
  let last: { target: ProviderTarget; result: ChatResult; built: B } | undefined;
  // Which providers to try: skip open breakers while someone else can answer.
  const open = input.targets.filter((t) => health.available(t.spec));
  const order = open.length > 0 ? open : [input.targets[0]!];
  const skipped = input.targets.filter((t) => !order.includes(t)).map((t) => t.spec.name);
  for (const name of skipped) log(`${name}: skipped, its circuit breaker is open`);
  for (let i = 0; i < order.length; i++) {
    let target = order[i]!;
    const forced = !health.tryAcquire(target.spec); // an open breaker tried anyway: no probe was claimed
    if (forced) log(`${target.spec.name}: tried although its breaker is open (no other provider is available)`);
    const hasNext = order.slice(i + 1).length > 0;
    let retries = 0;
    let healed = false;
    for (;;) {
      const built = buildFor(target.limits);
      firstBuilt ??= built;
      const messages = input.prepare(built);
      input.onSend?.(target, messages, built);
      const sink = input.sink?.();
      const maxTokens = input.maxTokens ? Math.min(input.maxTokens, target.limits.maxOutputTokens) : undefined;
      const toolChoice = input.tools && input.tools.length > 0 ? input.toolChoice?.(target) : undefined;
      const result = await target.client.streamChat(
        {
          model: target.model,
          messages,
          ...(maxTokens ? { maxTokens } : {}),
          ...(target.thinking ? { thinking: target.thinking } : {}),
          ...(target.reasoningEffort ? { reasoningEffort: target.reasoningEffort } : {}),
          ...(input.tools && input.tools.length > 0 ? { tools: input.tools } : {}),
          ...(toolChoice ? { toolChoice } : {}),
        },
        { signal, maxRetries: 0, timeouts: input.timeouts(target, hasNext), ...(sink ? { onEvent: (e: StreamEvent) => sink.onEvent(e) } : {}) },
      );
      sink?.flush();
      const report: AttemptReport<B> = { target, result, built, retry: retries };
      attempts.push(report);
      input.onAttempt?.(report);
      last = { target, result, built };
      if (!result.failure) {
        health.succeeded(target.spec, result.firstTokenMs);
        return { result, target, built, firstBuilt, attempts, switches, skipped };
      }
      health.failed(target.spec, result.failure);
      if (!healed && input.heal && !signal.aborted) {
        const next = input.heal(target, result);
        if (next) {
          healed = true;
          target = next;
          continue;
        }
      }
      const decision = decideFailover(
        { failure: result.failure, retries, hasFallback: hasNext, midStream: hasOutput(result) },
        { maxRetries: hasNext ? 1 : 2, ...input.policy },
      );
      log(`${target.spec.name} ${target.model}: ${result.failure.kind}${result.failure.status ? ` ${result.failure.status}` : ''} → ${decision.action} (${decision.why})`);
      if (decision.action === 'retry') {
        await sleep(decision.delayMs, signal);
        if (signal.aborted) return { result, target, built, firstBuilt, attempts, switches, skipped };
        retries += 1;
        continue;
      }
      if (decision.action === 'stop') {
        return { result, target, built, firstBuilt, attempts, switches, skipped };
      }
      const to = order[i + 1]!;
      const event: ProviderSwitchEvent = {
        type: 'provider', from: target.spec.name, to: to.spec.name, midAnswer: hasOutput(result), why: decision.why, message: result.failure.message,
      };
      switches.push(event);
      input.onSwitch?.(event);
      break;
    }
  }
  // Unreachable in practice (the last provider never fails over), but keep the types honest.
  return { ...last!, firstBuilt: firstBuilt!, attempts, switches, skipped };
}
