import * as assert from 'assert/strict';
import { readFileSync, readdirSync } from 'fs';
import * as path from 'path';
import { REDACTION_KINDS, Redactor, type RedactionKind } from '../../src/core/redaction';
import { REPO_ROOT } from '../harness/paths';

/**
 * The labelled redaction corpus (test/fixtures/redaction-corpus, see its README): recall on labelled secrets
 * and personal data, false positives on ordinary code. Prints the figures per kind and overall.
 */

interface Expectation {
  kind: RedactionKind;
  value: string;
}

interface Case {
  id: string;
  text: string;
  expect: Expectation[];
}

const CORPUS_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'redaction-corpus');
/** Written inside fake keys in the fixture files so secret scanners leave them alone; removed on load. */
const SCANNER_BREAK = '{{fake}}';

/** Every case of every .jsonl file in the corpus folder. */
function loadCorpus(): Case[] {
  return readdirSync(CORPUS_DIR)
    .filter((file) => file.endsWith('.jsonl'))
    .sort()
    .flatMap((file) =>
      readFileSync(path.join(CORPUS_DIR, file), 'utf8')
        .split('\n')
        .filter((line) => line.trim().length > 0)
        .map((line) => JSON.parse(line.split(SCANNER_BREAK).join('')) as Case),
    );
}

interface KindFigures {
  labelled: number;
  found: number;
  wrongSpans: number;
}

describe('redaction corpus: recall and false positives', () => {
  const corpus = loadCorpus();
  const positives = corpus.filter((c) => c.expect.length > 0);
  const negatives = corpus.filter((c) => c.expect.length === 0);
  const redactor = new Redactor({ salt: 'corpus-salt' });

  const perKind = new Map<RedactionKind, KindFigures>(REDACTION_KINDS.map((k) => [k, { labelled: 0, found: 0, wrongSpans: 0 }]));
  const misses: string[] = [];
  const wrong: string[] = [];
  const negativeHits: string[] = [];
  let negativeCasesHit = 0;

  const findingsOf = (text: string) => {
    const result = redactor.redact(text);
    return { result, found: result.findings.map((f) => ({ kind: f.kind, value: redactor.restore(f.placeholder) })) };
  };

  before(() => {
    for (const c of positives) {
      const { found } = findingsOf(c.text);
      for (const e of c.expect) {
        const fig = perKind.get(e.kind)!;
        fig.labelled++;
        if (found.some((f) => f.kind === e.kind && f.value === e.value)) {
          fig.found++;
        } else {
          misses.push(`${c.id}: ${e.kind} ${JSON.stringify(e.value.slice(0, 40))}`);
        }
      }
      for (const f of found) {
        if (!c.expect.some((e) => e.kind === f.kind && e.value === f.value)) {
          perKind.get(f.kind)!.wrongSpans++;
          wrong.push(`${c.id}: ${f.kind} ${JSON.stringify(f.value.slice(0, 40))}`);
        }
      }
    }
    for (const c of negatives) {
      const { found } = findingsOf(c.text);
      if (found.length > 0) {
        negativeCasesHit++;
        for (const f of found) {
          perKind.get(f.kind)!.wrongSpans++;
          negativeHits.push(`${c.id}: ${f.kind} ${JSON.stringify(f.value.slice(0, 40))}`);
        }
      }
    }
  });

  const totals = () => {
    let labelled = 0;
    let found = 0;
    let wrongSpans = 0;
    for (const f of perKind.values()) {
      labelled += f.labelled;
      found += f.found;
      wrongSpans += f.wrongSpans;
    }
    return { labelled, found, wrongSpans };
  };

  it('prints recall and false-positive figures per kind and overall', () => {
    const t = totals();
    const lines = [
      `corpus: ${positives.length} positive cases (${t.labelled} labelled values), ${negatives.length} negative cases`,
      `${'kind'.padEnd(15)} ${'labelled'.padStart(8)} ${'found'.padStart(6)} ${'recall'.padStart(7)} ${'wrong spans'.padStart(12)}`,
    ];
    for (const [kind, f] of perKind) {
      lines.push(
        `${kind.padEnd(15)} ${String(f.labelled).padStart(8)} ${String(f.found).padStart(6)} ${(f.labelled ? f.found / f.labelled : 1).toFixed(3).padStart(7)} ${String(f.wrongSpans).padStart(12)}`,
      );
    }
    lines.push(
      `${'overall'.padEnd(15)} ${String(t.labelled).padStart(8)} ${String(t.found).padStart(6)} ${(t.found / t.labelled).toFixed(3).padStart(7)} ${String(t.wrongSpans).padStart(12)}`,
      `false-positive rate on negative cases: ${negativeCasesHit}/${negatives.length} = ${(negativeCasesHit / negatives.length).toFixed(3)}; ` +
        `wrongly redacted spans in positive cases: ${wrong.length}`,
    );
    for (const m of misses) {
      lines.push(`  missed  ${m}`);
    }
    for (const w of [...wrong, ...negativeHits]) {
      lines.push(`  wrong   ${w}`);
    }
    console.log(lines.map((l) => `      ${l}`).join('\n'));
  });

  it('is large enough: at least 150 positive and 150 negative cases, every kind labelled at least 5 times', () => {
    assert.ok(positives.length >= 150, `${positives.length} positive cases`);
    assert.ok(negatives.length >= 150, `${negatives.length} negative cases`);
    for (const [kind, f] of perKind) {
      assert.ok(f.labelled >= 5, `${kind}: only ${f.labelled} labelled values`);
    }
    assert.equal(new Set(corpus.map((c) => c.id)).size, corpus.length, 'case ids are unique');
    for (const c of corpus) {
      assert.equal(/(?:^|-)neg-/.test(c.id), c.expect.length === 0, `${c.id}: ids say whether a case is negative`);
    }
  });

  it('finds at least 95% of labelled values overall and 90% of each kind', () => {
    const t = totals();
    assert.ok(t.found / t.labelled >= 0.95, `overall recall ${(t.found / t.labelled).toFixed(3)}; missed:\n${misses.join('\n')}`);
    for (const [kind, f] of perKind) {
      if (f.labelled > 0) {
        assert.ok(f.found / f.labelled >= 0.9, `${kind} recall ${(f.found / f.labelled).toFixed(3)}; missed:\n${misses.join('\n')}`);
      }
    }
  });

  it('redacts something in at most 3% of negative cases and rarely redacts a wrong span in positive cases', () => {
    const rate = negativeCasesHit / negatives.length;
    assert.ok(rate <= 0.03, `false-positive rate ${rate.toFixed(3)}:\n${negativeHits.join('\n')}`);
    assert.ok(wrong.length <= Math.ceil(totals().labelled * 0.03), `wrong spans in positive cases:\n${wrong.join('\n')}`);
  });

  it('leaves no labelled value in the redacted text of any positive case', () => {
    for (const c of positives) {
      const { text } = redactor.redact(c.text);
      for (const e of c.expect) {
        assert.ok(!text.includes(e.value), `${c.id}: ${e.kind} value still present`);
      }
    }
  });

  it('restores every case exactly, and redacting a redacted case changes nothing', () => {
    for (const c of [...positives, ...negatives]) {
      const once = redactor.redact(c.text);
      assert.equal(redactor.restore(once.text), c.text, `${c.id}: restore(redact(x)) !== x`);
      const twice = redactor.redact(once.text);
      assert.equal(twice.text, once.text, `${c.id}: redaction is not idempotent`);
      assert.deepEqual(twice.findings, [], `${c.id}: a placeholder was redacted again`);
    }
  });

  it('gives the same placeholders to the same corpus in a fresh Redactor with the same salt', () => {
    const other = new Redactor({ salt: 'corpus-salt' });
    for (const c of positives) {
      assert.equal(other.redact(c.text).text, redactor.redact(c.text).text, c.id);
    }
  });
});
