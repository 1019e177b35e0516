/**
 * Browser side of the chat rendering benchmark: streams chunks into the chat's own turn list (TurnList, which
 * builds the same DOM as the chat view: the turn, its question, the answer region with StreamingMarkdown, code
 * blocks with their header buttons, the footer and actions) the way messages arrive from the host (one per
 * task), and records frame gaps and long tasks.
 */
import { warmUp } from '../../src/webview/markdown';
import type { TurnView } from '../../src/webview/protocol';
import { StreamingMarkdown } from '../../src/webview/streamingMarkdown';
import { TurnList } from '../../src/webview/turnList';

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
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** Delivers `chunksPerMessage` chunks per host message, one message every `intervalMs` (0 = as fast as possible). */
window.runRenderBench = async (chunks: string[], chunksPerMessage: number, intervalMs: number): Promise<RenderBenchResult> => {
  warmUp(); // as the chat view does when it loads, before any answer arrives
  const container = document.getElementById('conversation') as HTMLElement;
  const flushTimes: number[] = [];
  const flush = StreamingMarkdown.prototype.flush;
  StreamingMarkdown.prototype.flush = function (this: StreamingMarkdown) {
    const t = performance.now();
    flush.call(this);
    flushTimes.push(performance.now() - t);
  };
  const turns = new TurnList(container, () => undefined);
  const started: TurnView = {
    id: 'bench', question: 'Refactor every module so that parsing is pure', role: 'chat', model: 'deepseek-flash',
    reasoning: '', answer: '', status: 'streaming', context: ['src/app.ts'],
  };
  turns.render([], document.createElement('p'));
  turns.update(started);
  await nextFrame();

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
  let answer = '';
  for (let i = 0; i < chunks.length; i += chunksPerMessage) {
    const text = chunks.slice(i, i + chunksPerMessage).join('');
    turns.delta(started.id, '', text, 0, answer.length);
    answer += text;
    await (intervalMs > 0 ? new Promise((resolve) => setTimeout(resolve, intervalMs)) : nextTask());
  }
  await nextFrame();
  turns.update({
    ...started, answer, status: 'done',
    footer: { model: 'deepseek-flash', hitTokens: 1200, missTokens: 300, outputTokens: 20_000, cost: '$0.0123', estimated: false },
  });
  // Until the whole answer shows as Markdown (a long tail may take a few frames to catch up).
  do await nextFrame(); while (container.querySelector('.pending-text'));
  await nextFrame();
  const wallMs = performance.now() - start;
  running = false;
  observer.disconnect();
  const answerRegion = container.querySelector('.answer') as HTMLElement;
  return {
    wallMs,
    longestFrameMs: Math.max(...gaps.slice(1)),
    longestTaskMs: tasks.length ? Math.max(...tasks) : 0,
    frames: gaps.length,
    finalChars: answerRegion.textContent?.length ?? 0,
    codeBlocks: answerRegion.querySelectorAll('.code-block').length,
    longestFlushMs: Math.max(...flushTimes),
    flushes: flushTimes.length,
  };
};
