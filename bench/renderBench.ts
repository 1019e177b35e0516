import * as esbuild from 'esbuild';
import { readFileSync } from 'fs';
import * as path from 'path';
import { launchChromium } from '../test/harness/browser';
import { REPO_ROOT } from '../test/harness/paths';
import { countTokens } from '../test/fake-deepseek/tokenizer';
import type { RenderBenchResult } from './page/renderBenchPage';

const TARGET_TOKENS = 20_000;
const CHUNKS = 5_000;
/** The chat view's width in the sidebar, in CSS pixels (VS Code's default sidebar is about 300 px wide). */
const SIDEBAR_WIDTH = 300;
/** The longest frame the chat may take while an answer streams (two frames at 60 Hz would be 33 ms). */
const FRAME_TARGET_MS = 30;

/** A realistic long answer: headings, prose, lists, tables and code blocks, deterministic. */
export function longAnswer(): string {
  const parts: string[] = [];
  for (let i = 0; countTokens(parts.join('')) < TARGET_TOKENS; i++) {
    parts.push(
      `## Step ${i + 1}: refactor module ${i}\n\n`,
      `The function \`process${i}\` mixes parsing with I/O. Split it so that **parsing** is pure and the caller owns the file handle; this makes it testable and lets the cache of results be shared.\n\n`,
      `- keep the public signature of \`load${i}()\` stable\n- move validation into \`validate${i}()\`\n- add a unit test for the empty input\n\n`,
      `| option | before | after |\n|---|---:|---:|\n| parse time | ${10 + i} ms | ${4 + (i % 3)} ms |\n| allocations | ${200 + i} | ${90 + i} |\n\n`,
      '```ts\n' +
        `export function validate${i}(input: string): Result<Config, string> {\n` +
        `  const trimmed = input.trim();\n  if (trimmed.length === 0) {\n    return err('empty input');\n  }\n` +
        `  const parsed = parseConfig(trimmed);\n  return parsed.ok ? ok(normalise(parsed.value, ${i})) : err(parsed.error);\n}\n` +
        '```\n\n',
    );
  }
  return parts.join('');
}

/** Splits text into n chunks of similar size (like streamed deltas). */
export function chunk(text: string, n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(text.slice(Math.floor((i * text.length) / n), Math.floor(((i + 1) * text.length) / n)));
  return out;
}

/**
 * Renders a 20,000-token answer arriving in 5,000 chunks into the chat's turn list in headless Chromium, at the
 * sidebar's width; reports script time and frames.
 */
export async function benchRender(): Promise<string[]> {
  const built = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, 'bench', 'page', 'renderBenchPage.ts')],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
  });
  const script = built.outputFiles[0].text;
  const answer = longAnswer();
  const chunks = chunk(answer, CHUNKS);
  const browser = await launchChromium();
  try {
    const css = readFileSync(path.join(REPO_ROOT, 'media', 'chat.css'), 'utf8');
    const lines = [
      `chat rendering, ${countTokens(answer).toLocaleString('en-US')}-token answer (${answer.length.toLocaleString('en-US')} chars) in ${chunks.length.toLocaleString('en-US')} chunks, headless Chromium, chat view ${SIDEBAR_WIDTH} px wide:`,
    ];
    const scenarios = [
      { name: 'flood (every chunk its own message, no pause)', perMessage: 1, intervalMs: 0 },
      { name: '10× DeepSeek speed (host batches every 30 ms)', perMessage: 15, intervalMs: 30 },
    ];
    for (const scenario of scenarios) {
      // The chat view's own layout at a sidebar's width; the page's script is given the webview's API as a stub.
      const page = await browser.newPage({ viewport: { width: SIDEBAR_WIDTH, height: 900 } });
      await page.setContent(`<!DOCTYPE html><html><head><style>${css}</style></head><body><main id="root"><section class="conversation" id="conversation"></section></main></body></html>`);
      await page.addScriptTag({ content: 'window.acquireVsCodeApi = () => ({ postMessage() {}, getState() { return undefined; }, setState() {} });' });
      await page.addScriptTag({ content: script });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('Performance.enable');
      const scriptTime = async () => {
        const { metrics } = await cdp.send('Performance.getMetrics');
        return (metrics.find((m) => m.name === 'ScriptDuration')?.value ?? 0) * 1000;
      };
      const before = await scriptTime();
      const result = await page.evaluate(
        ([c, per, interval]) =>
          (globalThis as unknown as { runRenderBench(chunks: string[], per: number, interval: number): Promise<RenderBenchResult> })
            .runRenderBench(c, per, interval),
        [chunks, scenario.perMessage, scenario.intervalMs] as const,
      );
      const scriptMs = (await scriptTime()) - before;
      lines.push(
        `  ${scenario.name}:`,
        `    script time ${scriptMs.toFixed(0)} ms [target < 2000 ms: ${scriptMs < 2000 ? 'met' : 'MISSED'}], wall ${result.wallMs.toFixed(0)} ms, ${result.frames} frames`,
        `    longest frame ${result.longestFrameMs.toFixed(1)} ms [target ≤ ${FRAME_TARGET_MS} ms: ${result.longestFrameMs <= FRAME_TARGET_MS ? 'met' : 'MISSED'}], longest task ${result.longestTaskMs.toFixed(1)} ms; ${result.flushes} incremental renders, the longest ${result.longestFlushMs.toFixed(1)} ms`,
        `    rendered ${result.codeBlocks} code blocks, ${result.finalChars.toLocaleString('en-US')} characters of text`,
      );
      await page.close();
    }
    return lines;
  } finally {
    await browser.close();
  }
}
