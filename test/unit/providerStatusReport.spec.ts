import * as assert from 'assert/strict';
import type { ApiFailure } from '../../src/core/apiErrors';
import { describeBreaker, inertMarkdown, renderProviderStatus, type ProviderStatusFacts } from '../../src/core/providers/providerStatusReport';
import { providerChain } from '../../src/core/providers/providerSpec';
import { ProviderHealth } from '../../src/engine/providerHealth';

const T0 = Date.UTC(2026, 11, 2, 14, 2, 40);

const healthy = (over: Partial<ProviderStatusFacts> = {}): ProviderStatusFacts => ({
  id: 'deepseek',
  name: 'DeepSeek',
  endpoint: 'api.deepseek.com',
  primary: true,
  breaker: { state: 'closed', consecutiveFailures: 0, opened: 0 },
  recentFailures: [],
  latency: { samples: 0 },
  requests: 0,
  failures: 0,
  ...over,
});

/** The lines of the section that starts with `## <name>`. */
function sectionOf(markdown: string, name: string): string {
  const start = markdown.indexOf(`## ${name}`);
  assert.ok(start >= 0, `a section for ${name}`);
  const next = markdown.indexOf('\n## ', start + 3);
  return markdown.slice(start, next < 0 ? undefined : next);
}

describe('provider status report (Show Provider Status)', () => {
  it('says the breaker state in words', () => {
    assert.equal(describeBreaker({ state: 'closed', consecutiveFailures: 0, opened: 0 }), 'healthy');
    assert.equal(describeBreaker({ state: 'closed', consecutiveFailures: 2, opened: 0 }), 'healthy (2 failures in a row so far)');
    assert.equal(
      describeBreaker({ state: 'open', consecutiveFailures: 3, openUntil: Date.UTC(2026, 11, 2, 14, 3, 10), opened: 1 }),
      'skipped until 14:03:10 UTC after 3 failures in a row',
    );
    assert.equal(describeBreaker({ state: 'open', consecutiveFailures: 1, opened: 1 }), 'skipped after 1 failure in a row');
    assert.equal(describeBreaker({ state: 'halfOpen', consecutiveFailures: 3, opened: 1 }), 'probing: the next request tests it');
  });

  it('has one section per provider, in order: name, host, role, state, counts, latency, key, failures', () => {
    const statuses: ProviderStatusFacts[] = [
      healthy({
        breaker: { state: 'open', consecutiveFailures: 3, openUntil: Date.UTC(2026, 11, 2, 14, 3, 10), opened: 1 },
        requests: 7,
        failures: 3,
        latency: { samples: 4, p50Ms: 420, p95Ms: 1250, lastMs: 380 },
        lastSuccessAt: Date.UTC(2026, 11, 2, 14, 1, 2),
        recentFailures: [
          { at: Date.UTC(2026, 11, 2, 14, 2, 40), kind: 'server', status: 503, message: 'api.deepseek.com is busy (503).' },
          { at: Date.UTC(2026, 11, 2, 14, 2, 10), kind: 'timeout', message: 'No first token within 30 s.' },
        ],
      }),
      healthy({ id: 'fallback:Backup', name: 'Backup', endpoint: 'llm.example.com:8443', primary: false, requests: 3, latency: { samples: 3, p50Ms: 900, p95Ms: 2100, lastMs: 950 }, lastSuccessAt: T0 }),
      healthy({ id: 'fallback:Spare', name: 'Spare', endpoint: 'spare.example.org', primary: false, breaker: { state: 'halfOpen', consecutiveFailures: 4, opened: 2 } }),
    ];
    const md = renderProviderStatus(statuses, {
      now: T0,
      keySources: {
        deepseek: { source: 'secretStorage', apiKeyEnv: 'DEEPSEEK_API_KEY' },
        'fallback:Backup': { source: 'environment', apiKeyEnv: 'BACKUP_KEY' },
        'fallback:Spare': { source: 'none' },
      },
    });
    assert.match(md, /^# DeepSeek provider status\n\nGenerated 2026-12-02 14:02:40 UTC\./);
    assert.match(md, /2 fallbacks configured/);
    const order = ['## DeepSeek', '## Backup', '## Spare'].map((h) => md.indexOf(h));
    assert.deepEqual([...order].sort((a, b) => a - b), order, 'providers in the order requests try them');

    assert.equal(
      sectionOf(md, 'DeepSeek'),
      [
        '## DeepSeek — primary',
        '',
        '- Host: `api.deepseek.com`',
        '- State: skipped until 14:03:10 UTC after 3 failures in a row',
        '- Requests: 7, failures: 3',
        '- First token: p50 420 ms · p95 1.25 s · last 380 ms (4 requests)',
        '- Last success: 14:01:02 UTC',
        '- Key: key in SecretStorage',
        '',
        'Recent failures, newest first:',
        '',
        '| time (UTC) | kind | message |',
        '|---|---|---|',
        '| 14:02:40 | server (503) | api.deepseek.com is busy \\(503\\). |',
        '| 14:02:10 | timeout | No first token within 30 s. |',
        '',
      ].join('\n'),
    );
    const backup = sectionOf(md, 'Backup');
    assert.match(backup, /^## Backup — fallback 1\n/);
    assert.match(backup, /- Host: `llm\.example\.com:8443`/);
    assert.match(backup, /- State: healthy\n/);
    assert.match(backup, /- Key: from \$BACKUP_KEY\n/);
    assert.match(backup, /No recent failures\./);
    const spare = sectionOf(md, 'Spare');
    assert.match(spare, /^## Spare — fallback 2\n/);
    assert.match(spare, /- State: probing: the next request tests it/);
    assert.match(spare, /- First token: no successful request yet/);
    assert.match(spare, /- Last success: none yet/);
    assert.match(spare, /- Key: no key/);
    assert.ok(md.endsWith('\n') && !md.endsWith('\n\n'));
  });

  it('says how to add a fallback when none is configured, and "not checked" for a key it was not told about', () => {
    const md = renderProviderStatus([healthy()], { now: T0, keySources: {} });
    assert.match(md, /No fallback providers are configured: add them to `deepseek\.fallbackProviders` in your user settings/);
    assert.match(md, /- Key: not checked/);
    assert.match(md, /- Requests: 0, failures: 0/);
  });

  it('keeps a server\'s message inert: no link, image, HTML or table break', () => {
    const hostile = 'Bad | row\n![x](https://evil.example/t.png) <img src=x> [click](command:workbench.action.terminal.new) **bold**';
    const md = renderProviderStatus(
      [healthy({ recentFailures: [{ at: T0, kind: 'unknown', message: hostile }] })],
      { now: T0, keySources: {} },
    );
    const row = md.split('\n').find((l) => l.startsWith('| 14:02:40'));
    assert.ok(row);
    assert.equal(row.split(/(?<!\\)\|/).length, 5, 'still three cells');
    for (const live of [/!\[/, /\]\(/, /(?<!\\)</, /\*\*/]) assert.doesNotMatch(row, live);
    assert.equal(inertMarkdown('a\n\nb'), 'a b');
    assert.equal(inertMarkdown('[x](y)'), '\\[x\\]\\(y\\)');
  });

  it('reads what ProviderHealth reports (a ProviderStatus is what the report takes)', () => {
    let now = T0;
    const health = new ProviderHealth({ threshold: 2, coolDownMs: 30_000 }, () => now);
    const [deepseek, backup] = providerChain('https://api.deepseek.com', [
      { name: 'Backup', baseUrl: 'https://llm.example.com/v1', models: { chat: 'c', reasoner: 'r' } },
    ]);
    const busy: ApiFailure = { kind: 'server', status: 503, message: 'busy (503)', retryable: true };
    health.failed(deepseek, busy);
    now += 1000;
    health.failed(deepseek, busy);
    health.succeeded(backup, 640);
    const md = renderProviderStatus(health.status([deepseek, backup]), { now, keySources: {} });
    assert.match(sectionOf(md, 'DeepSeek'), /State: skipped until 14:03:11 UTC after 2 failures in a row/);
    assert.match(sectionOf(md, 'DeepSeek'), /Requests: 2, failures: 2/);
    assert.match(sectionOf(md, 'Backup'), /Host: `llm\.example\.com`/);
    assert.match(sectionOf(md, 'Backup'), /First token: p50 640 ms · p95 640 ms · last 640 ms \(1 request\)/);
    now += 30_000;
    assert.match(renderProviderStatus(health.status([deepseek, backup]), { now, keySources: {} }), /probing: the next request tests it/);
  });
});
