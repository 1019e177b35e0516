/**
 * A circuit breaker per provider. Closed: requests go through. After `threshold` failures in a row it opens:
 * the provider is skipped for `coolDownMs`. Then it is half-open: exactly one real request probes it; success
 * closes the breaker, failure opens it again for a longer cool-down (doubling, capped). Pure, with a clock.
 */
export type BreakerState = 'closed' | 'open' | 'halfOpen';

export interface BreakerOptions {
  /** Failures in a row that open the breaker. Default 3. */
  readonly threshold?: number;
  /** First cool-down. Default 30 s. */
  readonly coolDownMs?: number;
  /** Longest cool-down after repeated failed probes. Default 5 min. */
  readonly maxCoolDownMs?: number;
  readonly now?: () => number;
}

export interface BreakerSnapshot {
  readonly state: BreakerState;
  readonly consecutiveFailures: number;
  /** While open: when the next probe is allowed (ms since the epoch). */
  readonly openUntil?: number;
  /** How many times it opened since the window started. */
  readonly opened: number;
}

export class CircuitBreaker {
  private failures = 0;
  private openedAt: number | undefined;
  private coolDown: number;
  private probing = false;
  private timesOpened = 0;
  private readonly threshold: number;
  private readonly baseCoolDown: number;
  private readonly maxCoolDown: number;
  private readonly now: () => number;

  constructor(options: BreakerOptions = {}) {
    this.threshold = options.threshold ?? 3;
    this.baseCoolDown = options.coolDownMs ?? 30_000;
    this.maxCoolDown = options.maxCoolDownMs ?? 5 * 60_000;
    this.coolDown = this.baseCoolDown;
    this.now = options.now ?? Date.now;
  }

  get state(): BreakerState {
    if (this.openedAt === undefined) return 'closed';
    return this.now() - this.openedAt >= this.coolDown ? 'halfOpen' : 'open';
  }

  /**
   * Whether a request may go to this provider now. In half-open state the first caller gets the probe
   * (`true`) and everyone else is refused until it reports back.
   */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state === 'open' || this.probing) return false;
    this.probing = true;
    return true;
  }

  /** Whether tryAcquire would let a request through now, without claiming anything. */
  get available(): boolean {
    const state = this.state;
    return state === 'closed' || (state === 'halfOpen' && !this.probing);
  }

  /** Gives back a probe that was never sent (cancelled before it reached the provider). */
  release(): void {
    this.probing = false;
  }

  success(): void {
    this.failures = 0;
    this.openedAt = undefined;
    this.coolDown = this.baseCoolDown;
    this.probing = false;
  }

  failure(): void {
    this.failures += 1;
    if (this.probing) {
      // The probe failed: open again, for longer.
      this.probing = false;
      this.coolDown = Math.min(this.maxCoolDown, this.coolDown * 2);
      this.open();
      return;
    }
    if (this.openedAt === undefined && this.failures >= this.threshold) {
      this.open();
    }
  }

  private open(): void {
    this.openedAt = this.now();
    this.timesOpened += 1;
  }

  snapshot(): BreakerSnapshot {
    const state = this.state;
    return {
      state,
      consecutiveFailures: this.failures,
      ...(state === 'open' && this.openedAt !== undefined ? { openUntil: this.openedAt + this.coolDown } : {}),
      opened: this.timesOpened,
    };
  }
}
