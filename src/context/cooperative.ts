import { performance } from 'perf_hooks';

/**
 * Keeps long work from holding the event loop: `pause()` is free until `sliceMs` of synchronous work have
 * passed since the last yield, then waits one `setImmediate` turn (timers, I/O callbacks and the editor's
 * own messages run in between). Used by the walk, the index build and the ranking.
 */
export class Slicer {
  private since = performance.now();

  constructor(private readonly sliceMs = 8) {}

  /** Whether the current slice is used up (callers with cheap steps can check before awaiting). */
  get due(): boolean {
    return performance.now() - this.since >= this.sliceMs;
  }

  async pause(): Promise<void> {
    if (!this.due) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}

/**
 * Runs `work` on every item of `queue`, at most `concurrency` at a time, in no particular order; `work` may
 * push more items while it runs (a walk adds the subfolders it finds). Resolves when the queue is empty and all work is done.
 */
export async function drain<T>(queue: T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let running = 0;
  let failed: unknown;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      while (failed === undefined && running < concurrency && queue.length > 0) {
        const item = queue.pop() as T; // order does not matter to callers; pop is O(1)
        running++;
        work(item).then(
          () => {
            running--;
            pump();
          },
          (err: unknown) => {
            running--;
            failed ??= err;
            pump();
          },
        );
      }
      if (running === 0 && (queue.length === 0 || failed !== undefined)) resolve();
    };
    pump();
  });
  if (failed !== undefined) throw failed;
}

/**
 * A stable merge sort that pauses between slices (`slicer`), for arrays too large to sort in one turn of the
 * event loop (100,000 paths take 100–180 ms with `Array.prototype.sort`). Sorts `items` in place.
 */
export async function sortInSlices<T>(items: T[], compare: (a: T, b: T) => number, slicer: Slicer): Promise<void> {
  const n = items.length;
  if (n < 2) return;
  let src = items;
  let dst: T[] = new Array<T>(n);
  // Runs of 32 by insertion sort, then bottom-up merges.
  const RUN = 32;
  for (let lo = 0; lo < n; lo += RUN) {
    const hi = Math.min(lo + RUN, n);
    for (let i = lo + 1; i < hi; i++) {
      const item = src[i];
      let j = i - 1;
      while (j >= lo && compare(src[j], item) > 0) {
        src[j + 1] = src[j];
        j--;
      }
      src[j + 1] = item;
    }
    if ((lo & 4095) === 0) await slicer.pause();
  }
  for (let width = RUN; width < n; width *= 2) {
    let steps = 0;
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (i < mid && j < hi) {
        dst[k++] = compare(src[j], src[i]) < 0 ? src[j++] : src[i++];
        if ((++steps & 2047) === 0 && slicer.due) await slicer.pause();
      }
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    [src, dst] = [dst, src];
  }
  if (src !== items) {
    for (let i = 0; i < n; i++) items[i] = src[i];
  }
}

/** Index of the first element not less than `key` in a sorted array. */
export function lowerBound<T>(items: readonly T[], key: T, compare: (a: T, b: T) => number): number {
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compare(items[mid], key) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
