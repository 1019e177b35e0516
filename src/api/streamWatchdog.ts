import type { StreamTimeouts } from './types';

export type StallReason = 'firstToken' | 'idle' | 'queue';

/**
 * Watches a streaming request for silence, which the SDK's own timeout does not cover once headers arrive.
 * `bytes()` is called for every network read (keep-alive comments included); `token()` once tokens flow.
 * Before the first token, keep-alives count as life (DeepSeek queues requests that way) up to
 * `maxQueueWaitMs`; after it, silence longer than `idleMs` is a stall. Checks run on a coarse timer, so the
 * per-chunk cost is two assignments.
 */
export class StreamWatchdog {
  private lastBytes: number;
  private readonly startedAt: number;
  private firstTokenAt: number | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private fired: StallReason | undefined;
  private paused = false;
  private responded = false;

  constructor(
    private readonly timeouts: StreamTimeouts,
    private readonly onStall: (reason: StallReason) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.startedAt = this.now();
    this.lastBytes = this.startedAt;
    const smallest = Math.min(timeouts.firstTokenMs, timeouts.idleMs, timeouts.maxQueueWaitMs);
    this.timer = setInterval(() => this.check(), Math.max(5, Math.min(1000, smallest / 4)));
  }

  /**
   * Bytes arrived. Before the first token they are life (DeepSeek queues with keep-alives); once tokens flow,
   * only tokens are progress: a server that sends keep-alive comments and nothing else is stalled.
   */
  bytes(): void {
    if (this.firstTokenAt === undefined) {
      this.lastBytes = this.now();
    }
  }

  /** A new attempt starts (the SDK retries after backing off): silence counts from here. */
  attempt(): void {
    this.paused = false;
    this.lastBytes = this.now();
  }

  /** An error response arrived; the SDK may back off before retrying, which is not silence. */
  errorResponse(): void {
    this.paused = true;
  }

  /** A successful response's headers arrived. */
  response(): void {
    this.responded = true;
    this.lastBytes = this.now();
  }

  /** Whether a successful response started: later failures are mid-stream, not connection failures. */
  get hasResponded(): boolean {
    return this.responded;
  }

  token(): void {
    if (this.firstTokenAt === undefined) {
      this.firstTokenAt = this.now();
    }
    this.lastBytes = this.now();
  }

  get reason(): StallReason | undefined {
    return this.fired;
  }

  get timeToFirstToken(): number | undefined {
    return this.firstTokenAt === undefined ? undefined : this.firstTokenAt - this.startedAt;
  }

  stop(): void {
    if (this.timer !== undefined) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Exposed for tests with a fake clock. */
  check(): void {
    if (this.fired || this.paused) {
      return;
    }
    const now = this.now();
    const silence = now - this.lastBytes;
    let reason: StallReason | undefined;
    if (this.firstTokenAt === undefined) {
      if (silence > this.timeouts.firstTokenMs) reason = 'firstToken';
      else if (now - this.startedAt > this.timeouts.maxQueueWaitMs) reason = 'queue';
    } else if (silence > this.timeouts.idleMs) {
      reason = 'idle';
    }
    if (reason) {
      this.fired = reason;
      this.stop();
      this.onStall(reason);
    }
  }
}

/**
 * Wraps fetch so the watchdog sees each attempt start, each response, and every chunk read from the network
 * (keep-alive comments included).
 */
export function activityFetch(watchdog: StreamWatchdog, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    watchdog.attempt();
    const response = await base(input, init);
    if (!response.ok) {
      watchdog.errorResponse();
      return response;
    }
    watchdog.response();
    if (!response.body) {
      return response;
    }
    const observed = response.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          watchdog.bytes();
          controller.enqueue(chunk);
        },
      }),
    );
    return new Response(observed, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}
