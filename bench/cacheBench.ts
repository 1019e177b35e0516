import { performance } from 'perf_hooks';
import { DeepSeekClient } from '../src/api/deepseekClient';
import { DEFAULT_MODEL_ID, decideThinking } from '../src/core/models';
import { resolvePrice, priceUsage, type ResolvedPrice } from '../src/core/pricing';
import {
  buildPrompt,
  budgetFor,
  Conversation,
  normalizeBlock,
  promptTokenLimit,
  renderBlock,
  STABILITY_RANK,
  type BuiltPrompt,
  type ContextBlock,
  type PromptMessage,
} from '../src/core/prompt';
import { DEFAULT_PRICING, PRICE_TABLE_AS_OF } from '../src/core/settingsSchema';
import { estimateTokens } from '../src/core/tokenEstimate';
import { FakeDeepSeekServer } from '../test/fake-deepseek/server';
import { buildRepoMap, lineRange, loadSampleRepo, workspaceBlocks, type EditorState, type Files } from '../test/unit/promptWorkspace';

/**
 * Cache-efficiency benchmark of the prompt builder (plain Node, no VS Code).
 *
 * Replays one scripted session on the sample repository (test/fixtures/sample-repo) against the fake DeepSeek
 * server's prefix-cache simulation (64-token units), through the real DeepSeekClient, once with our builder and
 * once with a naive builder, each against a fresh cache:
 *  - a 20-turn chat about the repository; between turns files are edited (deterministically: a line changed,
 *    a function or test appended, a pinned file and the repo map changed), the current file and selection move;
 *  - 10 Explain/Refactor commands interleaved with it, each a fresh one-turn prompt sharing the stable context.
 * Both builders get exactly the same blocks, questions and answers (answers of realistic length are scripted on
 * the fake server). The naive builder is a common design: all context ordered by relevance to the question
 * (keyword overlap) in the system message, and the history rebuilt on every turn with each earlier question's
 * current file and selection re-rendered from the files as they are now.
 *
 * Requests go out as the chat role does (deepseek-flash, thinking disabled). Reports prompt tokens, cache-hit
 * tokens, the hit share overall and after the first request, dollars per replay at the default prices
 * (DeepSeek's table as of PRICE_TABLE_AS_OF) at a fixed off-peak and a fixed peak moment — input (hits +
 * misses) and with the output — the naive/ours ratio with the targets (≥ 85% hits after the first request,
 * ≥ 3× cheaper input), and prompt assembly time of our builder.
 */

const PINNED = ['src/model/task.ts', 'src/services/taskService.ts', 'src/store/store.ts'];
const MODEL = DEFAULT_MODEL_ID;
const THINKING = decideThinking({ role: 'chat', model: MODEL }).thinking;
/** Wednesday 2026-11-04: 12:00 UTC is off-peak, 07:00 UTC is in the 06:00–10:00 peak window. */
const OFF_PEAK_AT = new Date(Date.UTC(2026, 10, 4, 12, 0));
const PEAK_AT = new Date(Date.UTC(2026, 10, 4, 7, 0));

function priceAt(at: Date): ResolvedPrice {
  const price = resolvePrice(DEFAULT_PRICING, MODEL, at);
  if (!price) throw new Error(`no default price for ${MODEL}`);
  return price;
}
const OFF_PEAK = priceAt(OFF_PEAK_AT);
const PEAK = priceAt(PEAK_AT);

interface Edit {
  readonly file: string;
  /** Replace this exact text (must occur) … */
  readonly from?: string;
  /** … with this, or append this to the file when `from` is not given. */
  readonly to: string;
}

interface Step {
  readonly kind: 'chat' | 'explain' | 'refactor';
  readonly edits?: readonly Edit[];
  readonly current: string;
  readonly selection: { readonly start: number; readonly end: number };
  readonly diagnostics?: readonly string[];
  readonly question: string;
}

const chat = (current: string, start: number, end: number, question: string, edits?: Edit[], diagnostics?: string[]): Step => ({
  kind: 'chat', current, selection: { start, end }, question, edits, diagnostics,
});
const command = (kind: 'explain' | 'refactor', current: string, start: number, end: number, detail = ''): Step => ({
  kind,
  current,
  selection: { start, end },
  question: kind === 'explain' ? 'Explain the selected code.' : `Refactor the selected code${detail ? `: ${detail}` : '.'}`,
});

/** The scripted session: 20 chat turns with edits between them, and 10 commands interleaved. */
const SCRIPT: readonly Step[] = [
  chat('src/services/recurrence.ts', 95, 125, 'Why does `every 2 weeks on mon,thu` skip a whole extra week after Thursday?'),
  chat('src/services/recurrence.ts', 95, 125, 'Show me a fix for nextOccurrence and explain it.'),
  command('explain', 'src/utils/csv.ts', 18, 75),
  chat('src/services/recurrence.ts', 95, 125, 'I applied the fix. Does upcoming() still behave for monthly rules?', [
    { file: 'src/services/recurrence.ts', from: 'return addDays(base, 7 * rule.interval - today + first);', to: 'return addDays(base, 7 * (rule.interval - 1) + (7 - today + first));' },
  ]),
  chat('test/recurrence.test.ts', 20, 30, 'Add a test for the two-week case with days on Monday and Thursday.'),
  command('refactor', 'src/cli/args.ts', 68, 120, 'split parseArgs into smaller functions'),
  chat('test/recurrence.test.ts', 40, 51, 'Here is the test I added. Is the expectation right?', [
    { file: 'test/recurrence.test.ts', to: "\ndescribe('two-week rules', () => {\n  it('moves from Thursday to the Monday two weeks on', () => {\n    const rule = parseRecurrence('every 2 weeks on mon,thu');\n    assert.equal(nextOccurrence(rule, '2024-03-07'), '2024-03-18');\n  });\n});\n" },
  ]),
  chat('src/store/query.ts', 60, 110, 'How does parseQuery handle negated tags like -tag:later?'),
  command('explain', 'src/store/fileStore.ts', 70, 110),
  chat('src/store/query.ts', 150, 185, 'Why does matchesTerm treat project prefixes specially?'),
  chat('src/store/query.ts', 150, 185, 'I changed the project match to be exact. What breaks?', [
    { file: 'src/store/query.ts', from: "task.project === term.value || task.project.startsWith(`${term.value}-`);", to: 'task.project === term.value;' },
  ]),
  command('refactor', 'src/services/reminders.ts', 55, 80, 'make the sort comparator a named function'),
  chat('src/services/taskService.ts', 130, 185, 'Walk me through complete() for a recurring task that blocks other tasks.'),
  chat('src/services/taskService.ts', 130, 185, 'I changed the successor to keep notes only when they are not empty. Is that safe?', [
    { file: 'src/services/taskService.ts', from: 'notes: task.notes,', to: "notes: task.notes !== '' ? task.notes : undefined," },
  ]),
  command('explain', 'src/utils/fuzzy.ts', 1, 40),
  chat('src/cli/commands/edit.ts', 40, 70, 'Fix this error.', undefined, [
    "src/cli/commands/edit.ts:47:9 error TS2322: Type 'undefined' is not assignable to type 'string'.",
  ]),
  chat('src/cli/commands/edit.ts', 40, 70, 'Now the --due none case: is undefined right for patch.due, or should it be deleted?', [
    { file: 'src/cli/commands/edit.ts', from: '        patch.due = undefined;', to: '        delete patch.due;\n        patch.due = undefined;' },
  ]),
  command('refactor', 'src/store/migrations.ts', 38, 80, 'extract the v1 item conversion'),
  chat('src/model/task.ts', 95, 130, 'Should transition() keep startedAt when a done task is reopened?'),
  chat('src/model/task.ts', 150, 172, 'I added isRecurring to the model. Where should the CLI use it?', [
    { file: 'src/model/task.ts', to: '\n/** Whether the task repeats (has a recurrence rule). */\nexport function isRecurring(task: Task): boolean {\n  return task.recurrence !== undefined;\n}\n' },
  ]),
  command('explain', 'src/cli/table.ts', 20, 60),
  chat('src/cli/commands/list.ts', 15, 45, 'Add a --recurring flag to tt list that shows only recurring tasks.'),
  chat('src/cli/commands/list.ts', 15, 50, 'Review my change.', [
    { file: 'src/cli/commands/list.ts', from: "    { name: 'find', alias: 'f', type: 'string', description: 'fuzzy-match titles instead of a query', placeholder: 'TEXT' },", to: "    { name: 'find', alias: 'f', type: 'string', description: 'fuzzy-match titles instead of a query', placeholder: 'TEXT' },\n    { name: 'recurring', alias: 'r', type: 'boolean', description: 'only recurring tasks' }," },
  ]),
  command('refactor', 'src/services/importExport.ts', 50, 95, 'collect row errors with a helper'),
  chat('src/utils/dates.ts', 140, 187, 'Is parseUserDate safe across daylight-saving changes?'),
  chat('src/services/stats.ts', 50, 75, 'Why is throughput() off by one week at a year boundary?'),
  command('explain', 'src/config/config.ts', 55, 95),
  chat('src/services/stats.ts', 50, 75, 'Better now?', [
    { file: 'src/services/stats.ts', from: 'const first = addDays(startOfWeek(today), -7 * (weeks - 1));', to: 'const first = addDays(startOfWeek(today), -7 * Math.max(0, weeks - 1));' },
  ]),
  chat('docs/cli.md', 30, 50, 'Update the docs for the new --recurring flag.'),
  command('refactor', 'src/services/recurrence.ts', 60, 90, 'table-driven parsing of the simple forms'),
];

const SENTENCES = [
  'The function first normalises its input, so everything after that point can assume a canonical form.',
  'Note that the comparison is done on ISO date strings, which sort correctly as plain strings.',
  'This branch only runs when the rule lists explicit weekdays; otherwise the interval alone decides.',
  'Because tasks are immutable, every change returns a new object and the store replaces the old one.',
  'The transaction wrapper matters here: without it a failure halfway would leave a partial update behind.',
  'Errors that users can cause are reported as ValidationError with every problem listed at once.',
  'The loop is linear in the number of tasks, which is fine for the file sizes this tool is meant for.',
  'A subtle point is the off-by-one between the inclusive start and the exclusive end of the range.',
  'The helper keeps the public signature unchanged, so callers in the CLI do not need to change.',
  'I would add a test that pins this behaviour down before changing it, using FixedClock for the date.',
  'Sorting is stable in modern engines, so ties keep the order in which tasks were added.',
  'The regular expression is anchored at both ends, so partial matches such as 2024-1-01 are rejected.',
  'Keep the early return: it avoids building the index when there is nothing to look up.',
  'The event is emitted after the store write, so listeners always observe the persisted state.',
  'If you want this to be configurable, read the value from Config rather than adding a constant.',
  'This mirrors the behaviour documented in docs/cli.md, so update the documentation with the code.',
];

/** A deterministic answer of realistic length: prose, a code block based on the selection, a short list. */
function answerFor(index: number, step: Step, selection: string): string {
  const pick = (k: number) => SENTENCES[(index * 7 + k * 5) % SENTENCES.length];
  const paragraph = (k: number) => [pick(k), pick(k + 1), pick(k + 2), pick(k + 3)].join(' ');
  const codeLines = selection.split('\n').slice(0, 24);
  codeLines.splice(Math.min(3, codeLines.length), 0, `  // ${step.kind === 'refactor' ? 'extracted' : 'note'}: see the explanation above (${index + 1})`);
  const lang = step.current.endsWith('.md') ? 'markdown' : 'ts';
  return [
    `Looking at \`${step.current}\` lines ${step.selection.start}–${step.selection.end}: ${paragraph(0)}`,
    paragraph(4),
    `Here is the ${step.kind === 'refactor' ? 'refactored' : 'relevant'} code:`,
    `\`\`\`${lang}\n${codeLines.join('\n')}\n\`\`\``,
    paragraph(8),
    ['Summary:', `- ${pick(12)}`, `- ${pick(13)}`, `- ${pick(14)}`].join('\n'),
  ].join('\n\n');
}

function applyEdits(files: Files, edits: readonly Edit[] = []): Files {
  let out = files;
  for (const e of edits) {
    const text = out.get(e.file);
    if (text === undefined) throw new Error(`bench edit: no file ${e.file}`);
    if (e.from !== undefined && !text.includes(e.from)) throw new Error(`bench edit: ${e.file} does not contain ${JSON.stringify(e.from)}`);
    out = new Map(out).set(e.file, e.from === undefined ? text + e.to : text.replace(e.from, e.to));
  }
  return out;
}

/** One prepared request of the replay: identical for both builders. */
interface Request {
  readonly index: number;
  readonly step: Step;
  readonly files: Files;
  readonly blocks: ContextBlock[];
  readonly answer: string;
}

/** Walks the script once: file states, editor states (recent files = the last two other files viewed in chat), blocks and answers. */
function prepare(): Request[] {
  let files = loadSampleRepo();
  const viewed: string[] = [];
  return SCRIPT.map((step, index) => {
    files = applyEdits(files, step.edits);
    const repoMap = buildRepoMap(files);
    const recent = step.kind === 'chat' ? viewed.filter((p) => p !== step.current).slice(-2) : [];
    const state: EditorState = { pinned: PINNED, recent, current: step.current, selection: step.selection, diagnostics: step.diagnostics };
    if (step.kind === 'chat' && viewed.at(-1) !== step.current) {
      viewed.push(step.current);
    }
    const selection = lineRange(files.get(step.current) ?? '', step.selection.start, step.selection.end);
    return { index, step, files, blocks: workspaceBlocks(files, state, repoMap), answer: answerFor(index, step, selection) };
  });
}

/** A prompt builder under test: messages for each request, told the answer afterwards. */
interface Builder {
  readonly name: string;
  build(request: Request): readonly PromptMessage[];
  answered(request: Request, answer: string): void;
}

const BUDGET = budgetFor('chat');

/**
 * Ours: one Conversation for the chat, a one-shot prompt per command. With `commandsInChat` the commands are
 * turns of the chat instead (how the extension ran them before they got conversations of their own), so
 * each resends the whole chat history.
 */
function oursBuilder(options: { commandsInChat?: boolean } = {}): Builder & { conversation: Conversation; builds: BuiltPrompt[] } {
  const conversation = new Conversation();
  const builds: BuiltPrompt[] = [];
  const inChat = (r: Request) => r.step.kind === 'chat' || options.commandsInChat === true;
  let pending: BuiltPrompt | undefined;
  return {
    name: options.commandsInChat ? 'ours, commands as chat turns' : 'ours',
    conversation,
    builds,
    build(r) {
      pending = buildPrompt({ blocks: r.blocks, question: r.step.question, conversation: inChat(r) ? conversation : undefined, budget: BUDGET });
      builds.push(pending);
      return pending.messages;
    },
    answered(r, answer) {
      if (inChat(r) && pending) {
        conversation.commit(pending, answer);
      }
    },
  };
}

const STOPWORDS = new Set(['the', 'and', 'for', 'this', 'that', 'with', 'does', 'how', 'why', 'what', 'should', 'when', 'are', 'you', 'now', 'here', 'show', 'code', 'selected', 'explain', 'refactor']);

function keywords(question: string): string[] {
  return [...new Set(question.toLowerCase().split(/[^a-z0-9_]+/).filter((w) => w.length >= 3 && !STOPWORDS.has(w)))].sort();
}

/** Keyword overlap: occurrences of each question word in the block, capped at 5 per word. */
function relevance(words: readonly string[], block: ContextBlock): number {
  const text = `${block.title}\n${block.content}`.toLowerCase();
  let score = 0;
  for (const w of words) {
    let count = 0;
    for (let at = text.indexOf(w); at >= 0 && count < 5; at = text.indexOf(w, at + w.length)) count++;
    score += count;
  }
  return score;
}

/**
 * The naive builder: the instructions, then every context block ordered by relevance to the current question in
 * the system message; the history rebuilt each turn, every earlier question re-rendered with its file and
 * selection as they are now; the question last. Over the budget it drops the oldest turns, then the least
 * relevant blocks. Deterministic (no timestamps), so the cache sees only what the design itself changes.
 */
function naiveBuilder(): Builder {
  const history: Array<{ step: Step; answer: string }> = [];
  const limit = promptTokenLimit(BUDGET);
  return {
    name: 'naive',
    build(r) {
      const words = keywords(r.step.question);
      const instructions = r.blocks.filter((b) => b.kind === 'instructions').map(normalizeBlock);
      const scored = r.blocks
        .filter((b) => b.kind !== 'instructions')
        .map((b) => ({ block: normalizeBlock(b), score: relevance(words, b) }))
        .sort((a, b) => b.score - a.score || STABILITY_RANK[a.block.kind] - STABILITY_RANK[b.block.kind] || (a.block.id < b.block.id ? -1 : a.block.id > b.block.id ? 1 : 0));
      const turns = r.step.kind === 'chat' ? [...history] : [];
      const turnMessages = (t: { step: Step; answer: string }): PromptMessage[] => {
        const text = r.files.get(t.step.current) ?? '';
        const file: ContextBlock = { kind: 'currentFile', id: t.step.current, title: t.step.current, content: text };
        const sel: ContextBlock = { kind: 'selection', id: t.step.current, title: `${t.step.current}:${t.step.selection.start}-${t.step.selection.end}`, content: lineRange(text, t.step.selection.start, t.step.selection.end) };
        const user = [renderBlock(normalizeBlock(file)), renderBlock(normalizeBlock(sel)), t.step.question].join('\n\n');
        return [{ role: 'user', content: user }, { role: 'assistant', content: t.answer }];
      };
      const assemble = (): PromptMessage[] => [
        { role: 'system', content: [...instructions.map((b) => renderBlock(b)), ...scored.map((s) => renderBlock(s.block))].join('\n\n') },
        ...turns.flatMap(turnMessages),
        { role: 'user', content: r.step.question },
      ];
      let messages = assemble();
      const size = (ms: readonly PromptMessage[]) => ms.reduce((n, m) => n + estimateTokens(m.content) + 4, 0);
      while (size(messages) > limit && (turns.length > 0 || scored.length > 0)) {
        if (turns.length > 0) turns.shift();
        else scored.pop();
        messages = assemble();
      }
      return messages;
    },
    answered(r, answer) {
      if (r.step.kind === 'chat') {
        history.push({ step: r.step, answer });
      }
    },
  };
}

interface Totals {
  readonly requests: number;
  readonly prompt: number[];
  readonly hit: number[];
  readonly output: number[];
  readonly kinds: string[];
}

async function replay(builder: Builder, requests: readonly Request[]): Promise<Totals> {
  const server = new FakeDeepSeekServer({ chunkChars: 400 });
  const baseUrl = await server.start();
  const client = new DeepSeekClient({ baseUrl, apiKey: 'sk-bench', maxRetries: 0 });
  const totals: Totals = { requests: 0, prompt: [], hit: [], output: [], kinds: [] };
  try {
    for (const r of requests) {
      const messages = builder.build(r);
      server.configure({ replies: [{ content: r.answer }] });
      const result = await client.streamChat({ model: MODEL, messages, ...(THINKING ? { thinking: THINKING } : {}) });
      if (!result.usage || result.failure) {
        throw new Error(`request ${r.index + 1} failed: ${result.failure?.message ?? 'no usage'}`);
      }
      builder.answered(r, result.content);
      totals.prompt.push(result.usage.hitTokens + result.usage.missTokens);
      totals.hit.push(result.usage.hitTokens);
      totals.output.push(result.usage.outputTokens);
      totals.kinds.push(r.step.kind === 'chat' ? 'chat' : 'command');
    }
  } finally {
    await server.stop();
  }
  return { ...totals, requests: totals.prompt.length };
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const pct = (part: number, whole: number) => (whole === 0 ? 0 : (100 * part) / whole);
const fmtPct = (x: number) => `${x.toFixed(1)}%`;
const fmtInt = (n: number) => n.toLocaleString('en-US');

/** Input dollars (hits + misses) at a price; exact pico-dollar sums, divided once. */
function inputUsd(hit: number, miss: number, price: ResolvedPrice = OFF_PEAK): number {
  const cost = priceUsage(price, { hitTokens: hit, missTokens: miss, outputTokens: 0 });
  return cost.totalUsd;
}

function totalUsd(hit: number, miss: number, output: number, price: ResolvedPrice): number {
  return priceUsage(price, { hitTokens: hit, missTokens: miss, outputTokens: output }).totalUsd;
}

interface Figures {
  readonly prompt: number;
  readonly hit: number;
  readonly output: number;
  readonly share: number;
  readonly shareAfterFirst: number;
  /** Input dollars at the off-peak price. */
  readonly usd: number;
}

function figures(t: Totals, only?: string): Figures {
  const keep = (i: number) => only === undefined || t.kinds[i] === only;
  const prompt = sum(t.prompt.filter((_, i) => keep(i)));
  const hit = sum(t.hit.filter((_, i) => keep(i)));
  const output = sum(t.output.filter((_, i) => keep(i)));
  const promptAfter = sum(t.prompt.filter((_, i) => i > 0 && keep(i)));
  const hitAfter = sum(t.hit.filter((_, i) => i > 0 && keep(i)));
  return { prompt, hit, output, share: pct(hit, prompt), shareAfterFirst: pct(hitAfter, promptAfter), usd: inputUsd(hit, prompt - hit) };
}

/** Dollars per replay at one price: input, and input + output. */
function dollars(f: Figures, price: ResolvedPrice): string {
  return `input $${inputUsd(f.hit, f.prompt - f.hit, price).toFixed(6)}, with output $${totalUsd(f.hit, f.prompt - f.hit, f.output, price).toFixed(6)}`;
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const quantile = (xs: readonly number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/** Our builder's assembly time over the whole script, offline; the first pass warms up. */
function assemblyTimes(requests: readonly Request[]): number[] {
  let times: number[] = [];
  for (let pass = 0; pass < 3; pass++) {
    times = [];
    const conversation = new Conversation();
    for (const r of requests) {
      const t0 = performance.now();
      const built = buildPrompt({ blocks: r.blocks, question: r.step.question, conversation: r.step.kind === 'chat' ? conversation : undefined, budget: BUDGET });
      times.push(performance.now() - t0);
      if (r.step.kind === 'chat') conversation.commit(built, r.answer);
    }
  }
  return times;
}

export async function benchCache(): Promise<string[]> {
  const started = performance.now();
  const requests = prepare();
  const ours = oursBuilder();
  const oursTotals = await replay(ours, requests);
  const naiveTotals = await replay(naiveBuilder(), requests);
  const inChatTotals = await replay(oursBuilder({ commandsInChat: true }), requests);
  const times = assemblyTimes(requests);

  const o = figures(oursTotals);
  const n = figures(naiveTotals);
  const oChat = figures(oursTotals, 'chat');
  const oCmd = figures(oursTotals, 'command');
  const c = figures(inChatTotals);
  const ratio = n.usd / o.usd;
  const peakRatio = inputUsd(n.hit, n.prompt - n.hit, PEAK) / inputUsd(o.hit, o.prompt - o.hit, PEAK);
  const totalRatio = totalUsd(n.hit, n.prompt - n.hit, n.output, OFF_PEAK) / totalUsd(o.hit, o.prompt - o.hit, o.output, OFF_PEAK);
  const rate = (p: ResolvedPrice) => `hit $${p.cacheHit} / miss $${p.cacheMiss} / output $${p.output} per 1M`;
  const chats = requests.filter((r) => r.step.kind === 'chat').length;
  const commands = requests.length - chats;
  const edits = requests.reduce((k, r) => k + (r.step.edits?.length ?? 0), 0);
  const repoFiles = requests[0].files.size;
  const repoKb = [...requests[0].files.values()].reduce((k, t) => k + t.length, 0) / 1024;
  const lastChat = ours.builds[requests.map((r) => r.step.kind).lastIndexOf('chat')];
  const row = (name: string, f: Figures) =>
    `  ${name.padEnd(6)} prompt ${fmtInt(f.prompt).padStart(9)} tok, cache hits ${fmtInt(f.hit).padStart(9)} tok (${fmtPct(f.share)} overall, ${fmtPct(f.shareAfterFirst)} after the first request), output ${fmtInt(f.output)} tok\n` +
    `         per replay off-peak: ${dollars(f, OFF_PEAK)}; peak: ${dollars(f, PEAK)}`;
  return [
    `prompt cache efficiency: ${requests.length} requests on the sample repository (${repoFiles} files, ${repoKb.toFixed(0)} KB) — ${chats}-turn chat with ${edits} file edits between turns + ${commands} explain/refactor commands; fake server prefix cache (64-token units), ${MODEL} at DeepSeek's prices as of ${PRICE_TABLE_AS_OF}: ${OFF_PEAK.label} at ${OFF_PEAK_AT.toISOString().slice(0, 16)}Z: ${rate(OFF_PEAK)}; ${PEAK.label} at ${PEAK_AT.toISOString().slice(0, 16)}Z: ${rate(PEAK)}`,
    row('ours', o),
    `           chat turns: ${fmtPct(oChat.shareAfterFirst)} hits after the first; commands: ${fmtPct(oCmd.share)} hits; cache breaks in the chat: ${ours.conversation.cacheBreaks}; last chat prompt ≈ ${fmtInt(lastChat?.estimatedPromptTokens ?? 0)} estimated tokens of ${fmtInt(promptTokenLimit(BUDGET))}`,
    row('naive', n),
    `  naive/ours input cost: ${ratio.toFixed(2)}× off-peak, ${peakRatio.toFixed(2)}× peak  [target ≥ 3×: ${ratio >= 3 ? 'met' : 'MISSED'}]` +
      ` (of which fewer tokens sent: ${(n.prompt / o.prompt).toFixed(2)}×; with no cache at all, off-peak: ours $${inputUsd(0, o.prompt).toFixed(6)}, naive $${inputUsd(0, n.prompt).toFixed(6)}); with output: ${totalRatio.toFixed(2)}×`,
    `  ours cache hits after the first request: ${fmtPct(o.shareAfterFirst)}  [target ≥ 85%: ${o.shareAfterFirst >= 85 ? 'met' : 'MISSED'}]`,
    `  commands as turns of the chat (before they had conversations of their own): prompt ${fmtInt(c.prompt)} tok vs ${fmtInt(o.prompt)} one-shot ` +
      `(${(c.prompt / o.prompt).toFixed(2)}×), ${fmtPct(c.shareAfterFirst)} hits after the first; input off-peak $${c.usd.toFixed(6)} vs $${o.usd.toFixed(6)} ` +
      `(${(c.usd / o.usd).toFixed(2)}×); naive/that ${(n.usd / c.usd).toFixed(2)}×`,
    `  prompt assembly (ours, warm, ${times.length} builds): median ${median(times).toFixed(2)} ms, p90 ${quantile(times, 0.9).toFixed(2)} ms, max ${Math.max(...times).toFixed(2)} ms per build`,
    `  (benchmark took ${((performance.now() - started) / 1000).toFixed(1)} s)`,
  ];
}
