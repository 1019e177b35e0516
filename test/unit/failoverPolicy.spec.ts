import * as assert from 'assert/strict';
import type { ApiFailure } from '../../src/core/apiErrors';
import { CircuitBreaker } from '../../src/core/providers/circuitBreaker';
import { backoffMs, decideFailover, parseRetryAfter } from '../../src/core/providers/failoverPolicy';
import { fimRoute } from '../../src/core/providers/fimRoute';
import { fallbackKeySecretName, fallbackLimits, fallbackProvider, providerChain } from '../../src/core/providers/providerSpec';

const failure = (kind: ApiFailure['kind'], extra: Partial<ApiFailure> = {}): ApiFailure => ({ kind, retryable: true, message: kind, ...extra });
const decide = (f: ApiFailure, o: { retries?: number; hasFallback?: boolean; midStream?: boolean } = {}) =>
  decideFailover({ failure: f, retries: o.retries ?? 0, hasFallback: o.hasFallback ?? true, midStream: o.midStream ?? false }, { random: () => 0.5 });

describe('failover policy', () => {
  it('never fails over what the user must fix: 400, 401, 403, 404, 422, model ids, cancel', () => {
    for (const f of [failure('auth', { status: 401 }), failure('invalid', { status: 422 }), failure('model', { status: 400 }), failure('cancelled'), failure('unknown')]) {
      assert.equal(decide(f).action, 'stop', f.kind);
    }
  });

  it('retries 429, 5xx and connection failures with backoff, then fails over (or stops without a fallback)', () => {
    for (const kind of ['rateLimit', 'server', 'network'] as const) {
      const first = decide(failure(kind));
      assert.equal(first.action, 'retry', kind);
      assert.equal(first.action === 'retry' && first.delayMs, 500);
      assert.equal(decide(failure(kind), { retries: 2 }).action, 'failover');
      assert.equal(decide(failure(kind), { retries: 2, hasFallback: false }).action, 'stop');
    }
  });

  it("honours a short retry-after and fails over at once past the cap", () => {
    const short = decide(failure('rateLimit', { status: 429, retryAfterMs: 3000 }));
    assert.deepEqual(short.action === 'retry' && short.delayMs, 3000);
    assert.equal(decide(failure('rateLimit', { status: 429, retryAfterMs: 60_000 })).action, 'failover');
    assert.equal(decide(failure('rateLimit', { status: 429, retryAfterMs: 60_000 }), { hasFallback: false }).action, 'stop');
  });

  it('fails over timeouts, broken streams and 402; a failure mid-stream is never retried on the same provider', () => {
    assert.equal(decide(failure('timeout')).action, 'failover');
    assert.equal(decide(failure('stream'), { midStream: true }).action, 'failover');
    assert.equal(decide(failure('server'), { midStream: true }).action, 'failover');
    assert.equal(decide(failure('balance', { status: 402 })).action, 'failover');
    assert.equal(decide(failure('balance', { status: 402 }), { hasFallback: false }).action, 'stop');
  });

  it('backs off exponentially with jitter, capped', () => {
    assert.equal(backoffMs(0, { random: () => 0.5 }), 500);
    assert.equal(backoffMs(1, { random: () => 0.5 }), 1000);
    assert.equal(backoffMs(10, { random: () => 0.5 }), 4000);
    assert.equal(backoffMs(0, { random: () => 0 }), 400);
    assert.equal(backoffMs(0, { random: () => 1 }), 600);
  });

  it('reads retry-after as seconds, an HTTP date or retry-after-ms', () => {
    const h = (o: Record<string, string>) => ({ get: (n: string) => o[n] ?? null });
    assert.equal(parseRetryAfter(h({ 'retry-after': '3' })), 3000);
    assert.equal(parseRetryAfter(h({ 'retry-after': '0.5' })), 500);
    assert.equal(parseRetryAfter(h({ 'retry-after-ms': '250', 'retry-after': '9' })), 250);
    assert.equal(parseRetryAfter(h({ 'retry-after': new Date(10_000).toUTCString() }), 4_000), 6000);
    assert.equal(parseRetryAfter(h({ 'retry-after': 'soon' })), undefined);
    assert.equal(parseRetryAfter(h({})), undefined);
  });
});

describe('circuit breaker', () => {
  it('opens after three failures in a row, lets one probe through after the cool-down, and closes on success', () => {
    let now = 0;
    const b = new CircuitBreaker({ now: () => now, coolDownMs: 1000 });
    b.failure();
    b.failure();
    assert.equal(b.state, 'closed');
    b.failure();
    assert.equal(b.state, 'open');
    assert.equal(b.tryAcquire(), false);
    assert.equal(b.snapshot().openUntil, 1000);
    now = 1000;
    assert.equal(b.state, 'halfOpen');
    assert.equal(b.tryAcquire(), true, 'the probe');
    assert.equal(b.tryAcquire(), false, 'only one probe at a time');
    assert.equal(b.available, false);
    b.success();
    assert.equal(b.state, 'closed');
    assert.equal(b.snapshot().consecutiveFailures, 0);
  });

  it('a failed probe opens it again for twice as long, capped', () => {
    let now = 0;
    const b = new CircuitBreaker({ now: () => now, coolDownMs: 1000, maxCoolDownMs: 3000, threshold: 1 });
    b.failure();
    now = 1000;
    assert.ok(b.tryAcquire());
    b.failure();
    assert.equal(b.snapshot().openUntil, 3000);
    now = 3000;
    assert.ok(b.tryAcquire());
    b.failure();
    assert.equal(b.snapshot().openUntil, 6000, 'capped at 3 s');
    assert.equal(b.snapshot().opened, 3);
  });

  it('a probe given back (never sent) lets the next request probe', () => {
    let now = 0;
    const b = new CircuitBreaker({ now: () => now, coolDownMs: 10, threshold: 1 });
    b.failure();
    now = 10;
    assert.ok(b.tryAcquire());
    b.release();
    assert.ok(b.tryAcquire());
  });
});

describe('provider specs', () => {
  const backup = { name: 'Backup', baseUrl: 'https://llm.example.com/v1/', models: { chat: 'ds-v4-flash', reasoner: 'ds-v4-flash' } };

  it('puts DeepSeek first, then the fallbacks in the user\'s order', () => {
    const chain = providerChain('https://api.deepseek.com', [backup, { ...backup, name: 'Local', baseUrl: 'http://127.0.0.1:8000/v1' }]);
    assert.deepEqual(chain.map((p) => [p.name, p.primary, p.endpoint]), [['DeepSeek', true, 'api.deepseek.com'], ['Backup', false, 'llm.example.com'], ['Local', false, '127.0.0.1:8000']]);
    assert.equal(chain[1]!.baseUrl, 'https://llm.example.com/v1', 'trailing slash dropped');
    assert.equal(chain[1]!.fim, false, 'a fallback serves FIM only when the user says so');
    assert.equal(fallbackProvider({ ...backup, fim: true }).fim, true);
  });

  it("binds a fallback's stored key to its name and origin: a changed host never gets the old key", () => {
    const a = fallbackKeySecretName(fallbackProvider(backup));
    assert.equal(a, 'deepseek.fallbackKey:Backup@https://llm.example.com');
    assert.notEqual(fallbackKeySecretName(fallbackProvider({ ...backup, baseUrl: 'https://evil.example.com/v1' })), a);
    assert.equal(fallbackKeySecretName(fallbackProvider({ ...backup, baseUrl: 'https://llm.example.com/other' })), a, 'same origin, same key');
  });

  it("takes a fallback's own limits over what its model id says", () => {
    const spec = fallbackProvider({ ...backup, limits: { contextTokens: 32_000 } });
    assert.deepEqual(fallbackLimits(spec, 'unknown-model'), { contextTokens: 32_000, maxOutputTokens: 8_000 });
    assert.deepEqual(fallbackLimits(fallbackProvider(backup), 'unknown-model'), { contextTokens: 128_000, maxOutputTokens: 8_000 });
  });
});

describe('where an inline completion may go', () => {
  const deepseek = providerChain('https://api.deepseek.com', [])[0]!;
  const chatOnly = fallbackProvider({ name: 'ChatOnly', baseUrl: 'https://a.example', models: { chat: 'm', reasoner: 'm' } });
  const fimHost = fallbackProvider({ name: 'Local', baseUrl: 'http://127.0.0.1:8000/v1', models: { chat: 'm', reasoner: 'm' }, fim: true });

  it('DeepSeek first, then only fallbacks marked fim', () => {
    const route = fimRoute([{ spec: deepseek, available: true }, { spec: chatOnly, available: true }, { spec: fimHost, available: true }]);
    assert.deepEqual('targets' in route && route.targets.map((s) => s.name), ['DeepSeek', 'Local']);
  });

  it('skips DeepSeek while its breaker is open when a FIM fallback can answer', () => {
    const route = fimRoute([{ spec: deepseek, available: false }, { spec: fimHost, available: true }]);
    assert.deepEqual('targets' in route && route.targets.map((s) => s.name), ['Local']);
  });

  it('pauses quietly when DeepSeek is failing and only chat fallbacks exist (never asks a chat host for FIM)', () => {
    const route = fimRoute([{ spec: deepseek, available: false }, { spec: chatOnly, available: true }]);
    assert.ok('paused' in route);
    assert.match(route.paused, /no fallback provider serves completions/);
    const probing = fimRoute([{ spec: deepseek, available: true }, { spec: chatOnly, available: true }]);
    assert.deepEqual('targets' in probing && probing.targets.map((s) => s.name), ['DeepSeek'], 'resumes when DeepSeek can be probed');
  });
});
