import { performance } from 'perf_hooks';
import { DeepSeekClient } from '../src/api/deepseekClient';
import {
  buildFimPrompt,
  buildNaiveFimPrompt,
  CompletionCache,
  completionMode,
  maxTokensFor,
  postProcessCompletion,
  stopSequences,
  TypingDebounce,
  type CompletionMode,
  type FimDocument,
  type FimPrompt,
} from '../src/core/completions';
import { DEFAULT_MODEL_ID } from '../src/core/models';
import { priceUsage, resolvePrice, type ResolvedPrice } from '../src/core/pricing';
import { DEFAULT_PRICING, PRICE_TABLE_AS_OF } from '../src/core/settingsSchema';
import { FakeDeepSeekServer } from '../test/fake-deepseek/server';
import { loadSampleRepo } from '../test/unit/promptWorkspace';

/**
 * Inline-completion benchmark (plain Node, no VS Code): figures, not pass/fail.
 *
 * 1. Keystroke → request overhead: buildFimPrompt + completion mode + postProcessCompletion of a typical
 *    completion, at 300 seeded cursor positions in a 5,000-line TypeScript file (target p95 < 10 ms).
 * 2. Requests per typed line: 48 lines of 40 characters typed into a 1,000-line file, TypingDebounce deciding
 *    when a request fires (when no keystroke arrives within its delay) and CompletionCache suppressing it
 *    when what was typed matches the start of the suggestion shown (typing through). Two typists: the steady
 *    one (40 ms per key, no pauses) and a realistic one (30–70 ms per key, and after a space or bracket a
 *    30% chance of a 150–600 ms pause). The model, seeded and explicit: a request's suggestion is the rest of
 *    the line as the user will type it, except with probability 0.3 it is right only for its first k
 *    characters (k uniform over the rest) and then diverges. Target ≤ 3 requests per line.
 * 3. Cache efficiency: every request of the realistic session goes to the fake DeepSeek server's
 *    `/beta/completions` through the real DeepSeekClient (its prefix-cache simulation, 64-token units, a
 *    fresh server per builder), once with buildFimPrompt and once with the naive sliding window at the same
 *    budget. Reports the share of FIM prompt tokens billed as cache hits (the suffix follows the cursor line,
 *    so it is always a miss; target ours ≥ 80%) and dollars per 1,000 completions at the default Flash
 *    prices, off-peak and peak.
 * The corpus is the sample repository's TypeScript (test/fixtures/sample-repo), concatenated in path order.
 */

const MODEL = DEFAULT_MODEL_ID;
const LANGUAGE = 'typescript';
const PATH = 'src/all.ts';
/** Wednesday 2026-11-04: 12:00 UTC is off-peak, 07:00 UTC is in the 06:00–10:00 peak window. */
const OFF_PEAK_AT = new Date(Date.UTC(2026, 10, 4, 12, 0));
const PEAK_AT = new Date(Date.UTC(2026, 10, 4, 7, 0));
const MISMATCH = 0.3;

/** mulberry32: a small seeded generator, so every run replays the same session. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The sample repository's .ts files, concatenated (repeated if needed) to `lines` lines. */
function corpus(lines: number): string {
  const sources = [...loadSampleRepo()].filter(([p]) => p.endsWith('.ts')).map(([, text]) => text.replace(/\n+$/, ''));
  const out: string[] = [];
  for (let round = 0; out.length < lines; round++) {
    for (const source of sources) out.push(...source.split('\n'));
  }
  return out.slice(0, lines).join('\n') + '\n';
}

/** The first few exported declarations' first lines: what the lead's provider would pass as related definitions. */
function relatedDefinitions(text: string): string[] {
  return text.split('\n').filter((l) => /^export (?:interface|type|function|class) /.test(l)).slice(0, 4);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

interface CursorContext {
  readonly linePrefix: string;
  readonly lineSuffix: string;
  readonly previousLine: string;
  readonly followingLines: string[];
}

/** What the provider reads from the editor at the cursor (20 following lines). */
function cursorContext(text: string, offset: number): CursorContext {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const lineEnd = nl < 0 ? text.length : nl;
  const prevStart = lineStart === 0 ? 0 : text.lastIndexOf('\n', lineStart - 2) + 1;
  const following: string[] = [];
  for (let at = lineEnd + 1; at > 0 && at <= text.length && following.length < 20; ) {
    const next = text.indexOf('\n', at);
    following.push(text.slice(at, next < 0 ? text.length : next));
    at = next < 0 ? -1 : next + 1;
  }
  return {
    linePrefix: text.slice(lineStart, offset),
    lineSuffix: text.slice(offset, lineEnd),
    previousLine: lineStart === 0 ? '' : text.slice(prevStart, lineStart - 1),
    followingLines: following,
  };
}

const TYPICAL: Record<CompletionMode, string> = {
  singleLine: 'tasks.filter((task) => task.status === "done").length;',
  multiLine: '\n  const total = tasks.length;\n  if (total === 0) {\n    return 0;\n  }\n  return total;\n}\n\nexport function next() {',
};

function overhead(): string[] {
  const text = corpus(5_000);
  const header = relatedDefinitions(text);
  const random = rng(1);
  const samples: number[] = [];
  for (let i = 0; i < 350; i++) {
    const offset = Math.floor(random() * text.length);
    const t0 = performance.now();
    buildFimPrompt({ path: PATH, languageId: LANGUAGE, text, offset }, { header });
    const ctx = cursorContext(text, offset);
    const mode = completionMode({ ...ctx, languageId: LANGUAGE });
    postProcessCompletion({ text: TYPICAL[mode], mode, ...ctx });
    const ms = performance.now() - t0;
    if (i >= 50) samples.push(ms); // the first 50 warm the JIT
  }
  samples.sort((a, b) => a - b);
  const p95 = percentile(samples, 95);
  return [
    `completions: keystroke → request overhead (prompt + mode + post-processing) in a 5,000-line TS file (${(text.length / 1024).toFixed(0)} KB): ` +
      `p50 ${percentile(samples, 50).toFixed(3)} ms, p95 ${p95.toFixed(3)} ms, max ${samples[samples.length - 1].toFixed(3)} ms over ${samples.length} positions  [target p95 < 10 ms: ${p95 < 10 ? 'met' : 'MISSED'}]`,
  ];
}

interface FiredRequest {
  readonly doc: FimDocument;
  readonly ours: FimPrompt;
  readonly mode: CompletionMode;
  readonly suggestion: string;
}

interface Session {
  readonly lines: number;
  readonly keystrokes: number;
  readonly typedThrough: number;
  readonly requests: FiredRequest[];
}

type Typist = 'steady' | 'realistic';

/** Where the session edits (0-based lines of the 1,000-line file): it types 12 new lines below each. */
const SPOTS = [180, 420, 610, 880];
const LINES_PER_SPOT = 12;
const LINE_CHARS = 40;

/**
 * Replays the typing session: every keystroke asks the cache first (a typed-through hit shows the rest and
 * sends nothing); otherwise a request is due after the debounce delay, and fires if no keystroke comes first.
 */
function simulate(typist: Typist, seed: number): Session {
  const random = rng(seed);
  let text = corpus(1_000);
  const header = relatedDefinitions(text);
  const sources = text.split('\n').map((l) => l.trim()).filter((l) => l.length >= LINE_CHARS);
  const debounce = new TypingDebounce();
  const cache = new CompletionCache();
  const requests: FiredRequest[] = [];
  let keystrokes = 0;
  let typedThrough = 0;
  let now = 0;
  let pending: { at: number; fire: () => void } | undefined;

  const flush = (until: number) => {
    if (pending && pending.at <= until) {
      pending.fire();
    }
    pending = undefined;
  };

  /** A keystroke at `now` that left the cursor at `offset`, `typed` characters into `target`. */
  const keystroke = (offset: number, target: string, typed: number) => {
    flush(now);
    keystrokes++;
    debounce.keystroke(now);
    const doc: FimDocument = { path: PATH, languageId: LANGUAGE, text, offset };
    const ours = buildFimPrompt(doc, { header });
    if (cache.get(ours.prefix, ours.suffix) !== undefined) {
      typedThrough++;
      return;
    }
    pending = {
      at: now + debounce.delayMs(),
      fire: () => {
        const ctx = cursorContext(doc.text, doc.offset);
        const mode = completionMode({ ...ctx, languageId: LANGUAGE });
        const suggestion = modelSuggestion(target.slice(typed), random);
        cache.put(ours.prefix, ours.suffix, suggestion);
        requests.push({ doc, ours, mode, suggestion });
      },
    };
  };

  let lines = 0;
  for (const spot of SPOTS) {
    now += 5_000; // navigating to the spot
    let offset = lineEnd(text, spot + lines);
    for (let l = 0; l < LINES_PER_SPOT; l++, lines++) {
      const target = sources[Math.floor(random() * sources.length)].slice(0, LINE_CHARS);
      const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
      const indent = /^[ \t]*/.exec(text.slice(lineStart, offset))?.[0] ?? '';
      // Enter, auto-indented
      text = `${text.slice(0, offset)}\n${indent}${text.slice(offset)}`;
      offset += 1 + indent.length;
      now += gap(typist, random, '\n');
      keystroke(offset, target, 0);
      for (let c = 0; c < target.length; c++) {
        text = text.slice(0, offset) + target[c] + text.slice(offset);
        offset++;
        now += gap(typist, random, target[c - 1] ?? '');
        keystroke(offset, target, c + 1);
      }
      now += 1_200; // reading what was typed, before the next line
    }
    flush(now);
  }
  flush(Infinity);
  return { lines, keystrokes, typedThrough, requests };
}

function lineEnd(text: string, line: number): number {
  let at = -1;
  for (let i = 0; i <= line; i++) at = text.indexOf('\n', at + 1);
  return at;
}

/** Time since the previous keystroke, given the character typed before it. */
function gap(typist: Typist, random: () => number, previous: string): number {
  if (typist === 'steady') {
    return 40;
  }
  const base = 30 + random() * 40;
  return /[\s(,.]/.test(previous) && random() < 0.3 ? base + 150 + random() * 450 : base;
}

/** The model: the rest of the line as the user will type it, or (with probability MISMATCH) right only for its first k characters. */
function modelSuggestion(rest: string, random: () => number): string {
  if (rest === '' || random() >= MISMATCH) {
    return rest;
  }
  const k = Math.floor(random() * rest.length);
  return `${rest.slice(0, k)}${rest[k] === 'q' ? 'z' : 'q'}ueue);`;
}

function requestsPerLine(): { lines: string[]; realistic: Session } {
  const out: string[] = [];
  let realistic: Session | undefined;
  for (const typist of ['steady', 'realistic'] as const) {
    const s = simulate(typist, 7);
    if (typist === 'realistic') realistic = s;
    const perLine = s.requests.length / s.lines;
    out.push(
      `completions: requests per typed line, ${typist} typist (${typist === 'steady' ? '40 ms per key' : '30–70 ms per key, pauses after words'}), ${s.lines} lines of ${LINE_CHARS} chars: ` +
        `${perLine.toFixed(2)} (${s.requests.length} requests for ${s.keystrokes} keystrokes, ${s.typedThrough} typed-through cache hits)  [target ≤ 3: ${perLine <= 3 ? 'met' : 'MISSED'}]`,
    );
  }
  if (!realistic) throw new Error('no realistic session');
  return { lines: out, realistic };
}

interface Billed {
  readonly requests: number;
  readonly prompt: number;
  readonly hit: number;
  readonly output: number;
  /** Hits over the prompt only (the part before the cursor that a cache can serve). */
  readonly prefixTokens: number;
}

async function replay(requests: readonly FiredRequest[], prompt: (r: FiredRequest) => FimPrompt): Promise<Billed> {
  const server = new FakeDeepSeekServer();
  const baseUrl = await server.start();
  const client = new DeepSeekClient({ baseUrl, apiKey: 'sk-bench', maxRetries: 0 });
  let promptTokens = 0;
  let hit = 0;
  let output = 0;
  try {
    for (const r of requests) {
      const p = prompt(r);
      server.configure({ fimReply: r.suggestion });
      const result = await client.fim({ model: MODEL, prompt: p.prefix, suffix: p.suffix, maxTokens: maxTokensFor(r.mode), stop: stopSequences(r.mode, LANGUAGE) });
      if (!result.usage || result.failure) {
        throw new Error(`FIM request failed: ${result.failure?.message ?? 'no usage'}`);
      }
      promptTokens += result.usage.hitTokens + result.usage.missTokens;
      hit += result.usage.hitTokens;
      output += result.usage.outputTokens;
    }
    const prefixTokens = server.requests.reduce((sum, e) => sum + (e.cache ? e.cache.hit + e.cache.miss : 0), 0);
    return { requests: requests.length, prompt: promptTokens, hit, output, prefixTokens };
  } finally {
    await server.stop();
  }
}

function priceAt(at: Date): ResolvedPrice {
  const price = resolvePrice(DEFAULT_PRICING, MODEL, at);
  if (!price) throw new Error(`no default price for ${MODEL}`);
  return price;
}

function perThousand(b: Billed, price: ResolvedPrice): number {
  const cost = priceUsage(price, { hitTokens: b.hit, missTokens: b.prompt - b.hit, outputTokens: b.output });
  return (cost.totalUsd / b.requests) * 1_000;
}

async function cacheEfficiency(session: Session): Promise<string[]> {
  const ours = await replay(session.requests, (r) => r.ours);
  const naive = await replay(session.requests, (r) => buildNaiveFimPrompt(r.doc));
  const offPeak = priceAt(OFF_PEAK_AT);
  const peak = priceAt(PEAK_AT);
  const share = (b: Billed) => (100 * b.hit) / b.prompt;
  const line = (name: string, b: Billed) =>
    `  ${name.padEnd(6)} ${share(b).toFixed(1)}% of ${b.prompt} FIM prompt tokens were cache hits (${((100 * b.hit) / b.prefixTokens).toFixed(1)}% of the prompt before the cursor), ` +
    `${(b.prompt / b.requests).toFixed(0)} tokens per request; $ per 1,000 completions: off-peak $${perThousand(b, offPeak).toFixed(4)}, peak $${perThousand(b, peak).toFixed(4)}`;
  return [
    `completions: cache efficiency on the realistic session (${session.requests.length} FIM requests in a 1,000-line file, fake server's 64-token prefix cache, prices ${PRICE_TABLE_AS_OF}: ${offPeak.label} / ${peak.label})`,
    line('ours', ours),
    line('naive', naive),
    `  naive/ours cost per completion: ${(perThousand(naive, offPeak) / perThousand(ours, offPeak)).toFixed(2)}×  [target ours ≥ 80% hits: ${share(ours) >= 80 ? 'met' : 'MISSED'}]`,
  ];
}

export async function benchCompletions(): Promise<string[]> {
  const lines = overhead();
  const { lines: perLine, realistic } = requestsPerLine();
  lines.push(...perLine);
  lines.push(...(await cacheEfficiency(realistic)));
  return lines;
}
