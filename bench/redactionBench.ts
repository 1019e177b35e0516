import { performance } from 'perf_hooks';
import { Redactor, createStreamRestorer } from '../src/core/redaction';

/**
 * Redaction micro-benchmark (plain Node, no VS Code): throughput of `redact()` on a generated ~1 MB corpus of
 * ordinary mixed source (TypeScript, Python, JSON, YAML, logs, lockfile entries, Markdown) with a sprinkle of
 * secrets, then of `restore()` and of the stream restorer on the redacted text. Returns lines to print;
 * figures, not pass/fail (target: 1 MB redacted in under 50 ms).
 */
export function benchRedaction(): string[] {
  const corpus = generateCorpus(1024 * 1024);
  const mb = corpus.length / (1024 * 1024);
  const redactor = new Redactor({ salt: 'bench-salt' });

  for (let i = 0; i < 3; i++) {
    redactor.redact(corpus);
  }
  const redactMs = median(time(7, () => redactor.redact(corpus)));
  const { text: redacted, findings } = redactor.redact(corpus);

  for (let i = 0; i < 3; i++) {
    redactor.restore(redacted);
  }
  const restoreMs = median(time(15, () => redactor.restore(redacted)));
  if (redactor.restore(redacted) !== corpus) {
    throw new Error('restore(redact(corpus)) differs from the corpus');
  }

  const chunks: string[] = [];
  for (let i = 0; i < redacted.length; i += 40) {
    chunks.push(redacted.slice(i, i + 40)); // about a streamed delta each
  }
  const streamMs = median(
    time(7, () => {
      const stream = createStreamRestorer(redactor);
      let out = '';
      for (const c of chunks) {
        out += stream.push(c);
      }
      out += stream.flush();
      if (out.length !== corpus.length) {
        throw new Error('stream restore lost text');
      }
    }),
  );

  const kinds = new Map<string, number>();
  for (const f of findings) {
    kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  }
  const kindList = [...kinds].map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `redaction: redact ${mb.toFixed(2)} MB mixed code in ${redactMs.toFixed(1)} ms median of 7 = ${(mb / (redactMs / 1000)).toFixed(1)} MB/s  [target < 50 ms/MB: ${redactMs / mb < 50 ? 'met' : 'MISSED'}]; ${findings.length} findings (${kindList})`,
    `redaction: restore ${mb.toFixed(2)} MB in ${restoreMs.toFixed(2)} ms = ${(mb / (restoreMs / 1000)).toFixed(0)} MB/s; stream restore in ${chunks.length.toLocaleString('en-US')} chunks of 40 chars: ${streamMs.toFixed(1)} ms = ${(mb / (streamMs / 1000)).toFixed(0)} MB/s (${((streamMs * 1000) / chunks.length).toFixed(2)} µs/chunk)`,
  ];
}

function time(runs: number, fn: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    out.push(performance.now() - t0);
  }
  return out;
}

function median(xs: number[]): number {
  return [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
}

/** Deterministic pseudo-random generator (mulberry32), so every run measures the same text. */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** ~`size` characters of ordinary code with about one secret or personal datum per 8 KB. */
export function generateCorpus(size: number): string {
  const rand = rng(42);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const chars = (alphabet: string, n: number) => {
    let s = '';
    for (let i = 0; i < n; i++) {
      s += alphabet[Math.floor(rand() * alphabet.length)];
    }
    return s;
  };
  const B62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const HEX = '0123456789abcdef';
  const names = ['user', 'order', 'invoice', 'session', 'cart', 'product', 'account', 'report', 'widget', 'queue'];
  const ident = () => pick(names) + pick(['Id', 'Count', 'List', 'Map', 'Service', 'Handler', 'Store', 'Cache']);
  const snippets: (() => string)[] = [
    () => `export async function load${pick(['User', 'Order', 'Report'])}(id: string, opts: LoadOptions = {}): Promise<${pick(['User', 'Order', 'Report'])} | undefined> {\n  const ${ident()} = await this.repo.findOne({ where: { id }, relations: ['items', 'owner'] });\n  if (!opts.includeDeleted && row?.deletedAt) {\n    return undefined;\n  }\n  logger.debug(\`loaded \${id} in \${Date.now() - started} ms\`);\n  return row;\n}\n\n`,
    () => `def ${pick(names)}_summary(items: list[dict], *, limit: int = 100) -> dict:\n    """Aggregate ${pick(names)} rows for the dashboard."""\n    total = sum(item["amount"] for item in items[:limit])\n    return {"total": round(total, 2), "count": len(items), "version": "${Math.floor(rand() * 5)}.${Math.floor(rand() * 20)}.${Math.floor(rand() * 9)}"}\n\n`,
    () => `{\n  "name": "@acme/${pick(names)}",\n  "version": "${Math.floor(rand() * 3)}.${Math.floor(rand() * 12)}.${Math.floor(rand() * 30)}",\n  "main": "dist/index.js",\n  "dependencies": { "lodash": "^4.17.21", "zod": "~3.22.4" }\n}\n`,
    () => `"node_modules/${pick(names)}-utils": {\n  "version": "1.${Math.floor(rand() * 9)}.0",\n  "resolved": "https://registry.npmjs.org/${pick(names)}-utils/-/${pick(names)}-utils-1.0.0.tgz",\n  "integrity": "sha512-${chars(B62 + '+/', 86)}==",\n  "dev": true\n},\n`,
    () => `server:\n  host: 0.0.0.0\n  port: ${8000 + Math.floor(rand() * 999)}\nlogging:\n  level: ${pick(['info', 'debug', 'warn'])}\nfeatures:\n  - ${pick(names)}\n  - ${pick(names)}\n`,
    () => `[2024-01-${10 + Math.floor(rand() * 18)} 12:${10 + Math.floor(rand() * 49)}:07,118] INFO  ${pick(names)}.sync done in ${Math.floor(rand() * 900)} ms (request_id=${chars(HEX, 8)}-${chars(HEX, 4)}-4${chars(HEX, 3)}-a${chars(HEX, 3)}-${chars(HEX, 12)}, peer=10.0.${Math.floor(rand() * 255)}.${Math.floor(rand() * 255)})\n`,
    () => `commit ${chars(HEX, 40)}\nAuthor: CI Bot <ci-bot>\n\n    Bump ${pick(names)} to 2.${Math.floor(rand() * 9)}.1\n\n`,
    () => `## ${pick(names)} API\n\nCall \`GET /api/v1/${pick(names)}s/:id\` with a bearer token. The response is cached for 60 seconds; see [the guide](https://docs.acme.io/${pick(names)}).\n\n`,
    () => `.${pick(names)}-card {\n  color: #${chars(HEX, 6)};\n  padding: ${Math.floor(rand() * 24)}px;\n  border-radius: 0.375rem;\n}\n`,
    () => `for (let i = 0; i < ${ident()}.length; i++) {\n  const key = \`\${prefix}:\${i}\`;\n  cache.set(key, values[i] ?? null);\n}\n`,
  ];
  const secrets: (() => string)[] = [
    () => `DB_PASSWORD=${chars(B62, 14)}\n`,
    () => `const client = new OpenAI({ apiKey: 'sk-${chars(HEX, 32)}' });\n`,
    () => `Contact: ${pick(['ana', 'li', 'tom', 'eva'])}.${pick(['smith', 'wong', 'garcia'])}@mail-${chars(HEX, 4)}.com\n`,
    () => `Accepted publickey for deploy from 81.${Math.floor(rand() * 200) + 1}.${Math.floor(rand() * 250)}.${Math.floor(rand() * 250) + 1} port 51234\n`,
    () => `GITHUB_TOKEN=ghp_${chars(B62, 36)}\n`,
    () => `DATABASE_URL=postgres://app:${chars(B62, 16)}@db.acme.io:5432/app\n`,
    () => `headers: { 'X-Signing': '${chars(B62, 32)}' }\n`,
  ];
  const parts: string[] = [];
  let length = 0;
  let nextSecret = 8 * 1024;
  while (length < size) {
    const s = length >= nextSecret ? pick(secrets)() : pick(snippets)();
    if (length >= nextSecret) {
      nextSecret += 8 * 1024;
    }
    parts.push(s);
    length += s.length;
  }
  return parts.join('').slice(0, size);
}
