/**
 * Browser side of the chat rendering benchmark: streams chunks into the chat's StreamingMarkdown renderer
 * the way messages arrive from the host (one per task), and records frame gaps and long tasks.
 */
import { warmUp } from '../../src/webview/markdown';
import { StreamingMarkdown } from '../../src/webview/streamingMarkdown';

export interface RenderBenchResult {
  readonly wallMs: number;
  readonly longestFrameMs: number;
  readonly longestTaskMs: number;
  readonly frames: number;
  readonly finalChars: number;
  readonly codeBlocks: number;
  readonly longestFlushMs: number;
  readonly flushes: number;
}

declare global {
  interface Window {
    runRenderBench(chunks: string[], chunksPerMessage: number, intervalMs: number): Promise<RenderBenchResult>;
  }
}

const channel = new MessageChannel();
const queue: (() => void)[] = [];
channel.port1.onmessage = () => queue.shift()?.();
/** Yields to the event loop like a postMessage does, without setTimeout's 4 ms clamp. */
const nextTask = () => new Promise<void>((resolve) => {
  queue.push(resolve);
  channel.port2.postMessage(0);
});

/** Delivers `chunksPerMessage` chunks per host message, one message every `intervalMs` (0 = as fast as possible). */
window.runRenderBench = async (chunks: string[], chunksPerMessage: number, intervalMs: number): Promise<RenderBenchResult> => {
  warmUp(); // as the chat view does when it loads, before any answer arrives
  const container = document.getElementById('answer') as HTMLElement;
  const renderer = new StreamingMarkdown(container);
  const flushTimes: number[] = [];
  const flush = renderer.flush.bind(renderer);
  renderer.flush = () => {
    const t = performance.now();
    flush();
    flushTimes.push(performance.now() - t);
  };
  const gaps: number[] = [];
  let last = performance.now();
  let running = true;
  const tick = (t: number) => {
    gaps.push(t - last);
    last = t;
    if (running) requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick);
  const tasks: number[] = [];
  const observer = new PerformanceObserver((list) => list.getEntries().forEach((e) => tasks.push(e.duration)));
  try {
    observer.observe({ type: 'longtask' });
  } catch {
    // long-task timing unavailable: frame gaps still tell
  }
  const start = performance.now();
  for (let i = 0; i < chunks.length; i += chunksPerMessage) {
    for (let j = i; j < Math.min(i + chunksPerMessage, chunks.length); j++) renderer.append(chunks[j]);
    await (intervalMs > 0 ? new Promise((resolve) => setTimeout(resolve, intervalMs)) : nextTask());
  }
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  renderer.finish();
  await new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));
  const wallMs = performance.now() - start;
  running = false;
  observer.disconnect();
  return {
    wallMs,
    longestFrameMs: Math.max(...gaps.slice(1)),
    longestTaskMs: tasks.length ? Math.max(...tasks) : 0,
    frames: gaps.length,
    finalChars: container.textContent?.length ?? 0,
    codeBlocks: container.querySelectorAll('.code-block').length,
    longestFlushMs: Math.max(...flushTimes),
    flushes: flushTimes.length,
  };
};
