/**
 * What "DeepSeek: Show Provider Status" says: one section per provider, in the order requests try them. Pure,
 * so the wording is unit-tested; the glue (src/status/providerStatusDocument.ts) only shows the Markdown.
 */
import type { FailureKind } from '../apiErrors';
import type { BreakerSnapshot } from './circuitBreaker';
import { describeProviderKeyOrigin, type ProviderKeyOrigin } from './providerKeys';

/** One provider's health as src/engine/providerHealth.ts keeps it (its `ProviderStatus` is this type). */
export interface ProviderStatusFacts {
  readonly id: string;
  readonly name: string;
  readonly endpoint: string;
  readonly primary: boolean;
  readonly breaker: BreakerSnapshot;
  /** Newest first, at most providerHealth.ts's RECENT_FAILURES; messages never contain a key. */
  readonly recentFailures: readonly { readonly at: number; readonly kind: FailureKind; readonly status?: number; readonly message: string }[];
  /** Time to first token of recent successful requests, ms: median, 95th percentile, the latest, and how many. */
  readonly latency: { readonly samples: number; readonly p50Ms?: number; readonly p95Ms?: number; readonly lastMs?: number };
  readonly requests: number;
  readonly failures: number;
  readonly lastSuccessAt?: number;
}

export interface ProviderStatusReportInput {
  readonly now: number;
  /** By provider id. A provider missing here is reported as "key not checked". */
  readonly keySources: Readonly<Record<string, ProviderKeyOrigin>>;
}

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const stamp = (ms: number) => new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/**
 * Text from elsewhere (a server's error message, a provider's name) made inert in Markdown: no links, images,
 * HTML or emphasis, and on one line so it cannot end a table row.
 */
export function inertMarkdown(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/[\\`*_{}[\]()<>#+!|~&]/g, (c) => `\\${c}`);
}

function duration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

/** The breaker in words: "healthy", "skipped until 14:03:10 UTC after 3 failures in a row", "probing: the next request tests it". */
export function describeBreaker(breaker: BreakerSnapshot): string {
  const inARow = plural(breaker.consecutiveFailures, 'failure');
  switch (breaker.state) {
    case 'closed':
      return breaker.consecutiveFailures > 0 ? `healthy (${inARow} in a row so far)` : 'healthy';
    case 'open':
      return breaker.openUntil !== undefined
        ? `skipped until ${clock(breaker.openUntil)} UTC after ${inARow} in a row`
        : `skipped after ${inARow} in a row`;
    case 'halfOpen':
      return 'probing: the next request tests it';
  }
}

function latencyLine(latency: ProviderStatusFacts['latency'], lastSuccessAt: number | undefined): string {
  if (latency.samples === 0 || latency.p50Ms === undefined) {
    return lastSuccessAt === undefined ? 'no successful request yet' : 'not measured yet';
  }
  const parts = [`p50 ${duration(latency.p50Ms)}`];
  if (latency.p95Ms !== undefined) parts.push(`p95 ${duration(latency.p95Ms)}`);
  if (latency.lastMs !== undefined) parts.push(`last ${duration(latency.lastMs)}`);
  return `${parts.join(' · ')} (${plural(latency.samples, 'request')})`;
}

function failureKind(f: ProviderStatusFacts['recentFailures'][number]): string {
  return f.status !== undefined ? `${f.kind} (${f.status})` : f.kind;
}

function section(status: ProviderStatusFacts, position: number, input: ProviderStatusReportInput): string[] {
  const role = status.primary ? 'primary' : `fallback ${position}`;
  const key = input.keySources[status.id];
  const lines = [
    `## ${inertMarkdown(status.name)} — ${role}`,
    '',
    `- Host: \`${status.endpoint.replace(/`/g, '')}\``,
    `- State: ${describeBreaker(status.breaker)}`,
    `- Requests: ${status.requests}, failures: ${status.failures}`,
    `- First token: ${latencyLine(status.latency, status.lastSuccessAt)}`,
    `- Last success: ${status.lastSuccessAt !== undefined ? `${clock(status.lastSuccessAt)} UTC` : 'none yet'}`,
    `- Key: ${key ? describeProviderKeyOrigin(key) : 'not checked'}`,
    '',
  ];
  if (status.recentFailures.length === 0) {
    lines.push('No recent failures.');
  } else {
    lines.push('Recent failures, newest first:', '', '| time (UTC) | kind | message |', '|---|---|---|');
    for (const f of status.recentFailures) {
      lines.push(`| ${clock(f.at)} | ${failureKind(f)} | ${inertMarkdown(f.message)} |`);
    }
  }
  return lines;
}

/** The Markdown that "DeepSeek: Show Provider Status" opens. */
export function renderProviderStatus(statuses: readonly ProviderStatusFacts[], input: ProviderStatusReportInput): string {
  const fallbacks = statuses.filter((s) => !s.primary).length;
  const lines = [
    '# DeepSeek provider status',
    '',
    `Generated ${stamp(input.now)} UTC. Figures are for this window since it opened.`,
    '',
    fallbacks === 0
      ? 'No fallback providers are configured: add them to `deepseek.fallbackProviders` in your user settings, and set their keys with "DeepSeek: Set Fallback Provider Key".'
      : `Requests go to the first provider below that is not skipped; a provider is skipped for a while after failures in a row, then one request tests it again. ${plural(fallbacks, 'fallback')} configured.`,
    '',
  ];
  let position = 0;
  for (const status of statuses) {
    if (!status.primary) position += 1;
    lines.push(...section(status, position, input), '');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
