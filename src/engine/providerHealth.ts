import type { ApiFailure } from '../core/apiErrors';
import { CircuitBreaker, type BreakerOptions } from '../core/providers/circuitBreaker';
import { countsAgainstProvider } from '../core/providers/failoverPolicy';
import type { ProviderSpec } from '../core/providers/providerSpec';
import type { ProviderStatusFacts } from '../core/providers/providerStatusReport';
import type { ServingFacts } from '../core/providers/servingStatus';

/**
 * What Show Provider Status and the status bar know about one provider, and who is serving: the shapes the pure
 * report (core/providers/providerStatusReport.ts) and status line (core/providers/servingStatus.ts) read.
 */
export type ProviderStatus = ProviderStatusFacts;
export type ProviderFailureEntry = ProviderStatus['recentFailures'][number];
export type ServingState = ServingFacts;

export const RECENT_FAILURES = 10;
const LATENCY_SAMPLES = 50;

interface Entry {
  spec: ProviderSpec;
  readonly breaker: CircuitBreaker;
  readonly failures: ProviderFailureEntry[];
  readonly firstTokenMs: number[];
  requests: number;
  failureCount: number;
  lastSuccessAt?: number;
}

function percentile(sorted: readonly number[], p: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1));
  return sorted[i];
}

/**
 * The health of every provider in this window: a circuit breaker each, recent failures and latency. The
 * failover runner asks it which providers to try and reports each attempt; it never sends anything itself.
 */
export class ProviderHealth {
  private readonly entries = new Map<string, Entry>();
  private lastServedBy: string | undefined;
  private listeners: Array<() => void> = [];

  constructor(
    private readonly breakerOptions: BreakerOptions = {},
    private readonly now: () => number = Date.now,
  ) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.push(listener);
    return { dispose: () => (this.listeners = this.listeners.filter((l) => l !== listener)) };
  }

  private changed(): void {
    for (const l of this.listeners) l();
  }

  private entry(spec: ProviderSpec): Entry {
    let e = this.entries.get(spec.id);
    if (!e) {
      e = { spec, breaker: new CircuitBreaker({ now: this.now, ...this.breakerOptions }), failures: [], firstTokenMs: [], requests: 0, failureCount: 0 };
      this.entries.set(spec.id, e);
    } else {
      e.spec = spec; // settings may have changed its URL or limits; the breaker's history stays
    }
    return e;
  }

  /** Whether to send to this provider now (claims the half-open probe when it is due). */
  tryAcquire(spec: ProviderSpec): boolean {
    const e = this.entry(spec);
    const before = e.breaker.state;
    const ok = e.breaker.tryAcquire();
    if (before !== e.breaker.state) this.changed();
    return ok;
  }

  /** Forgets every provider's history (breakers closed). */
  reset(): void {
    this.entries.clear();
    this.lastServedBy = undefined;
    this.changed();
  }

  /** Whether the provider would be tried now (its breaker closed, or a probe due), claiming nothing. */
  available(spec: ProviderSpec): boolean {
    return this.entry(spec).breaker.available;
  }

  /** A probe claimed with tryAcquire that was never sent. */
  release(spec: ProviderSpec): void {
    this.entry(spec).breaker.release();
  }

  succeeded(spec: ProviderSpec, firstTokenMs: number | undefined): void {
    const e = this.entry(spec);
    e.requests += 1;
    e.lastSuccessAt = this.now();
    if (firstTokenMs !== undefined) {
      e.firstTokenMs.push(firstTokenMs);
      if (e.firstTokenMs.length > LATENCY_SAMPLES) e.firstTokenMs.shift();
    }
    e.breaker.success();
    this.lastServedBy = spec.id;
    this.changed();
  }

  /** A failed attempt. Only failures that say the provider is unwell count towards its breaker. */
  failed(spec: ProviderSpec, failure: ApiFailure): void {
    const e = this.entry(spec);
    e.requests += 1;
    if (failure.kind === 'cancelled') {
      e.breaker.release();
      return;
    }
    e.failureCount += 1;
    e.failures.unshift({ at: this.now(), kind: failure.kind, ...(failure.status !== undefined ? { status: failure.status } : {}), message: failure.message });
    if (e.failures.length > RECENT_FAILURES) e.failures.pop();
    if (countsAgainstProvider(failure)) e.breaker.failure();
    else e.breaker.release();
    this.changed();
  }

  status(specs: readonly ProviderSpec[]): ProviderStatus[] {
    return specs.map((spec) => {
      const e = this.entry(spec);
      const sorted = [...e.firstTokenMs].sort((a, b) => a - b);
      const p50 = percentile(sorted, 0.5);
      const p95 = percentile(sorted, 0.95);
      const last = e.firstTokenMs[e.firstTokenMs.length - 1];
      return {
        id: spec.id,
        name: spec.name,
        endpoint: spec.endpoint,
        primary: spec.primary,
        breaker: e.breaker.snapshot(),
        recentFailures: [...e.failures],
        latency: { samples: sorted.length, ...(p50 !== undefined ? { p50Ms: p50 } : {}), ...(p95 !== undefined ? { p95Ms: p95 } : {}), ...(last !== undefined ? { lastMs: last } : {}) },
        requests: e.requests,
        failures: e.failureCount,
        ...(e.lastSuccessAt !== undefined ? { lastSuccessAt: e.lastSuccessAt } : {}),
      };
    });
  }

  serving(primary: ProviderSpec): ServingState {
    const e = this.entry(primary);
    const degraded = e.breaker.state !== 'closed';
    const served = this.lastServedBy ? this.entries.get(this.lastServedBy) : undefined;
    const fallback = served && !served.spec.primary ? served.spec.name : undefined;
    const reason = e.failures[0]?.message;
    return { primaryDegraded: degraded, ...(fallback ? { fallbackServing: fallback } : {}), ...(reason && (degraded || fallback) ? { reason } : {}) };
  }
}
