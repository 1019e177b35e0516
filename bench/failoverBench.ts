import { DeepSeekClient } from '../src/api/deepseekClient';
import type { ChatMessage } from '../src/api/types';
import { fallbackProvider, primaryProvider } from '../src/core/providers/providerSpec';
import { runWithFailover, type ProviderTarget } from '../src/engine/failoverRun';
import { ProviderHealth } from '../src/engine/providerHealth';
import { FakeDeepSeekServer } from '../test/fake-deepseek/server';
import type { Fault } from '../test/fake-deepseek/types';

const RUNS = Number(process.env.BENCH_FAILOVER_RUNS ?? 15);
const OVERHEAD_REQUESTS = 200;
/** The bench's stream timers (the product's defaults are 30 s each; detection time scales with them). */
const TIMERS = { firstTokenMs: 1000, idleMs: 1000, maxQueueWaitMs: 1000 };

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(p * s.length) - 1))] ?? NaN;
};
const ms = (x: number) => `${x.toFixed(x < 10 ? 2 : 0)} ms`;

const FAULTS: Array<[string, Fault]> = [
  ['429, retry-after 60 s', { kind: 'status', status: 429, retryAfter: 60 }],
  ['500 (1 retry)', { kind: 'status', status: 500, times: 2 }],
  ['503 (1 retry)', { kind: 'status', status: 503, times: 2 }],
  ['402', { kind: 'status', status: 402 }],
  ['reset before headers (1 retry)', { kind: 'reset', times: 2 }],
  ['stall before first token', { kind: 'stall', afterChunks: 0, keepAliveMs: 200 }],
  ['stall mid-reasoning', { kind: 'stall', afterChunks: 4, keepAliveMs: 200 }],
  ['dropped mid-answer', { kind: 'drop', afterChunks: 4 }],
  ['malformed SSE line', { kind: 'malformed', afterChunks: 3 }],
  ['truncated JSON', { kind: 'truncated', afterChunks: 4 }],
];

/**
 * Failover, measured against two local fake servers: for each fault on the primary, the time from the request
 * start and from the moment the failure was detected (the switch) to the backup's first token, p50 / p95; and
 * the provider layer's own cost per request on the happy path (runWithFailover + breakers vs a bare client
 * call), plus what keeping one client per provider saves over building one per request.
 */
export async function benchFailover(): Promise<string[]> {
  const primary = new FakeDeepSeekServer({ chunkChars: 8, chunkDelayMs: 2 });
  const backup = new FakeDeepSeekServer({ chunkChars: 8, legacyEndpoint: true, models: ['backup-chat'] });
  const [pUrl, bUrl] = await Promise.all([primary.start(), backup.start()]);
  const reply = { reasoning: 'Thinking about it for a while before answering.', content: 'A Map keyed by id.' };
  const messages: ChatMessage[] = [{ role: 'user', content: 'Which structure?' }];
  const pClient = new DeepSeekClient({ baseUrl: pUrl, apiKey: 'sk-bench-primary' });
  const bClient = new DeepSeekClient({ baseUrl: bUrl, apiKey: 'sk-bench-backup' });
  const target = (health: ProviderHealth): ProviderTarget[] => ([
    { spec: primaryProvider(pUrl), client: pClient, model: 'deepseek-flash', limits: { contextTokens: 1_000_000, maxOutputTokens: 384_000 }, thinking: 'enabled' as const },
    { spec: fallbackProvider({ name: 'Backup', baseUrl: bUrl, models: { chat: 'backup-chat', reasoner: 'backup-chat' } }), client: bClient, model: 'backup-chat', limits: { contextTokens: 128_000, maxOutputTokens: 8_000 } },
  ] satisfies ProviderTarget[]).filter(() => health !== undefined);
  const lines = [`failover (two local fake servers, ${RUNS} runs per fault; stream timers ${TIMERS.firstTokenMs / 1000} s here, 30 s by default):`];
  try {
    for (const [name, fault] of FAULTS) {
      const fromStart: number[] = [];
      const fromFailure: number[] = [];
      for (let run = 0; run < RUNS; run++) {
        primary.reset();
        backup.reset();
        primary.configure({ replies: [reply, reply, reply] });
        backup.configure({ replies: [reply] });
        primary.injectFault(fault);
        const health = new ProviderHealth();
        const t0 = performance.now();
        let switchedAt: number | undefined;
        let backupFirstToken: number | undefined;
        let onBackup = false;
        const outcome = await runWithFailover({
          targets: target(health),
          build: () => ({ messages }),
          prepare: (b) => b.messages,
          signal: new AbortController().signal,
          health,
          timeouts: () => TIMERS,
          onSwitch: () => {
            switchedAt = performance.now();
            onBackup = true;
          },
          sink: () => ({
            onEvent: () => {
              if (onBackup && backupFirstToken === undefined) backupFirstToken = performance.now();
            },
            flush: () => undefined,
          }),
        });
        if (outcome.target.spec.name !== 'Backup' || outcome.result.failure || switchedAt === undefined || backupFirstToken === undefined) {
          throw new Error(`${name}: expected the backup to answer, got ${outcome.target.spec.name} ${outcome.result.failure?.message ?? ''}`);
        }
        fromStart.push(backupFirstToken - t0);
        fromFailure.push(backupFirstToken - switchedAt);
      }
      lines.push(`  ${name.padEnd(32)} start → backup's first token p50 ${ms(pct(fromStart, 0.5))}, p95 ${ms(pct(fromStart, 0.95))}; failure → first token p50 ${ms(pct(fromFailure, 0.5))}, p95 ${ms(pct(fromFailure, 0.95))}`);
    }

    // The provider layer's own cost on the happy path.
    primary.reset();
    primary.configure({ chunkDelayMs: 0 });
    const health = new ProviderHealth();
    const bare: number[] = [];
    const layered: number[] = [];
    const fresh: number[] = [];
    for (let i = 0; i < OVERHEAD_REQUESTS; i++) {
      primary.configure({ replies: [reply, reply, reply] });
      let t = performance.now();
      await pClient.streamChat({ model: 'deepseek-flash', messages, thinking: 'enabled' }, { maxRetries: 0 });
      bare.push(performance.now() - t);
      t = performance.now();
      await runWithFailover({ targets: target(health), build: () => ({ messages }), prepare: (b) => b.messages, signal: new AbortController().signal, health, timeouts: () => TIMERS });
      layered.push(performance.now() - t);
      t = performance.now();
      await new DeepSeekClient({ baseUrl: pUrl, apiKey: 'sk-bench-primary' }).streamChat({ model: 'deepseek-flash', messages, thinking: 'enabled' }, { maxRetries: 0 });
      fresh.push(performance.now() - t);
    }
    const warm = (xs: number[]) => xs.slice(20);
    lines.push(
      `  provider layer overhead per request (${OVERHEAD_REQUESTS} requests, happy path): median ${ms(pct(warm(layered), 0.5) - pct(warm(bare), 0.5))}` +
        ` (bare client ${ms(pct(warm(bare), 0.5))}, through runWithFailover ${ms(pct(warm(layered), 0.5))})`,
      `  a kept client vs a new client per request (as before): median ${ms(pct(warm(bare), 0.5))} vs ${ms(pct(warm(fresh), 0.5))}`,
    );
  } finally {
    await Promise.all([primary.stop(), backup.stop()]);
  }
  return lines;
}
