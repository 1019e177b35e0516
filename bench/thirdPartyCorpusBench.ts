import { existsSync, readFileSync } from 'fs';
import * as path from 'path';
import { Redactor } from '../src/core/redaction';

/**
 * Recall and false positives of `src/core/redaction` on a corpus nobody on this project wrote: gitleaks's
 * rule tests and Presidio's recognizer tests, kept outside the repository at
 * `../shared/corpora/secrets-thirdparty.json` (relative to the repository root). Figures, not pass/fail;
 * skipped with a note when the corpus is not there (a user's clone has no `../shared`).
 *
 * Scoring follows the corpus's README: a positive is found when its `secret` no longer occurs in the
 * redacted text; a negative (`secret: null`) is a false positive when anything in it is redacted.
 * `out_of_scope` positives are reported but not scored; `disputed` negatives (which still contain something
 * the product redacts) are reported separately.
 */

interface CorpusCase {
  source: string;
  kind: string;
  text: string;
  secret: string | null;
  out_of_scope?: boolean;
  disputed?: boolean;
  generated?: boolean;
}

interface KindFigures {
  total: number;
  found: number;
}

export interface ThirdPartyFigures {
  recall: number;
  found: number;
  positives: number;
  falsePositives: number;
  negatives: number;
  perKind: Map<string, KindFigures>;
  outOfScope: Map<string, KindFigures>;
  disputedHit: number;
  disputed: number;
  misses: CorpusCase[];
  falsePositiveCases: CorpusCase[];
}

export const THIRD_PARTY_CORPUS = path.join('..', 'shared', 'corpora', 'secrets-thirdparty.json');

export function loadThirdPartyCorpus(repoRoot: string): CorpusCase[] | undefined {
  const file = path.resolve(repoRoot, THIRD_PARTY_CORPUS);
  if (!existsSync(file)) {
    return undefined;
  }
  return (JSON.parse(readFileSync(file, 'utf8')) as { cases: CorpusCase[] }).cases;
}

export function scoreThirdPartyCorpus(cases: readonly CorpusCase[]): ThirdPartyFigures {
  const redactor = new Redactor({ salt: 'third-party-corpus' });
  const perKind = new Map<string, KindFigures>();
  const outOfScope = new Map<string, KindFigures>();
  const misses: CorpusCase[] = [];
  const falsePositiveCases: CorpusCase[] = [];
  let found = 0;
  let positives = 0;
  let negatives = 0;
  let disputed = 0;
  let disputedHit = 0;
  const bump = (map: Map<string, KindFigures>, kind: string, hit: boolean) => {
    const f = map.get(kind) ?? { total: 0, found: 0 };
    f.total++;
    f.found += hit ? 1 : 0;
    map.set(kind, f);
  };
  for (const c of cases) {
    const result = redactor.redact(c.text);
    if (c.secret === null) {
      const hit = result.findings.length > 0;
      if (c.disputed) {
        disputed++;
        disputedHit += hit ? 1 : 0;
      } else {
        negatives++;
        if (hit) {
          falsePositiveCases.push(c);
        }
      }
      continue;
    }
    const hit = !result.text.includes(c.secret);
    if (c.out_of_scope) {
      bump(outOfScope, c.kind, hit);
      continue;
    }
    positives++;
    found += hit ? 1 : 0;
    bump(perKind, c.kind, hit);
    if (!hit) {
      misses.push(c);
    }
  }
  return {
    recall: positives === 0 ? 1 : found / positives,
    found,
    positives,
    falsePositives: falsePositiveCases.length,
    negatives,
    perKind,
    outOfScope,
    disputedHit,
    disputed,
    misses,
    falsePositiveCases,
  };
}

const pct = (n: number, d: number) => (d === 0 ? '—' : (n / d).toFixed(3));

/** Lines for `npm run bench`; `verbose` adds every miss and false positive (for tuning, not for the bench). */
export function benchThirdPartyCorpus(repoRoot: string, verbose = false): string[] {
  const cases = loadThirdPartyCorpus(repoRoot);
  if (!cases) {
    return [`redaction, third-party corpus: skipped (${THIRD_PARTY_CORPUS} not found next to the repository)`];
  }
  const f = scoreThirdPartyCorpus(cases);
  const fpRate = f.falsePositives / f.negatives;
  const lines = [
    `redaction, third-party corpus (gitleaks + Presidio test cases, ${cases.length} cases): recall ${f.recall.toFixed(3)} (${f.found}/${f.positives})` +
      `  [target ≥ 0.97: ${f.recall >= 0.97 ? 'met' : 'MISSED'}]; false positives ${f.falsePositives}/${f.negatives} = ${(fpRate * 100).toFixed(1)}%` +
      `  [target ≤ 2%: ${fpRate <= 0.02 ? 'met' : 'MISSED'}]`,
    `  recall per kind: ${[...f.perKind].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${pct(v.found, v.total)} (${v.found}/${v.total})`).join(', ')}`,
    `  out of scope, not scored: ${[...f.outOfScope].sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k} ${v.found}/${v.total}`).join(', ')}`,
    `  disputed negatives (contain something the product redacts), not scored: ${f.disputedHit}/${f.disputed} redacted`,
  ];
  if (verbose) {
    for (const c of f.misses) {
      lines.push(`  MISS ${c.kind} ${c.source.split('/').pop()} ${JSON.stringify(c.text.slice(0, 300))} secret=${JSON.stringify(c.secret)}`);
    }
    const redactor = new Redactor({ salt: 'third-party-corpus' });
    for (const c of f.falsePositiveCases) {
      const r = redactor.redact(c.text);
      const values = r.findings.map((x) => `${x.kind}:${JSON.stringify(redactor.restore(x.placeholder))}`).join(' ');
      lines.push(`  FP   ${c.kind} ${c.source.split('/').pop()} ${JSON.stringify(c.text.slice(0, 300))} -> ${values}`);
    }
  }
  return lines;
}

if (require.main === module) {
  // `node out/bench/thirdPartyCorpusBench.js [--verbose]` from the repository root
  for (const line of benchThirdPartyCorpus(path.resolve(__dirname, '..', '..'), process.argv.includes('--verbose'))) {
    console.log(line);
  }
}
