import type { ChatMessage } from '../api/types';
import type { RedactionFinding } from '../core/redaction/redactor';
import { RedactionSummary } from '../core/redaction/redactor';

/** Exactly what the last request sent (after redaction), for `DeepSeek: Show Last Request`. */
export interface LastRequest {
  readonly at: number;
  readonly surface: string;
  readonly model: string;
  /** The thinking fields it carried, e.g. "thinking disabled", "thinking enabled, effort high"; absent when none. */
  readonly thinking?: string;
  /** "DeepSeek" or the fallback provider's name. */
  readonly provider: string;
  readonly endpoint: string;
  readonly messages: readonly ChatMessage[];
  readonly redacted: boolean;
  readonly findings: readonly RedactionFinding[];
}

function fenceFor(text: string): string {
  const longest = Math.max(2, ...Array.from(text.matchAll(/`{3,}/g), (m) => m[0].length));
  return '`'.repeat(longest + 1);
}

/** Markdown: the request's facts, the redactions (kind and placeholder, never the value), each message verbatim. */
export function renderLastRequest(last: LastRequest | undefined): string {
  if (!last) {
    return '# DeepSeek: last request\n\nNo request has been sent in this window yet.\n';
  }
  const summary = RedactionSummary.of(last.findings);
  const lines = [
    '# DeepSeek: last request',
    '',
    `Sent ${new Date(last.at).toISOString().replace('T', ' ').slice(0, 19)} UTC to ${last.provider} (${last.endpoint}), model \`${last.model}\`${last.thinking ? ` (${last.thinking})` : ''}, from ${last.surface}.`,
    '',
    '## Redactions',
    '',
  ];
  if (!last.redacted) {
    lines.push('Redaction is **off** (`deepseek.privacy.redact`): the text below was sent as is.');
  } else if (summary.total === 0) {
    lines.push('Nothing needed redacting.');
  } else {
    lines.push(`${summary.total} value(s) replaced before sending; the answer had them restored on this machine.`, '', '| kind | occurrences | placeholders |', '|---|---:|---|');
    for (const entry of summary.entries()) {
      const placeholders = [...new Set(last.findings.filter((f) => f.kind === entry.kind).map((f) => f.placeholder))];
      lines.push(`| ${entry.kind} | ${entry.occurrences} | ${placeholders.map((p) => `\`${p}\``).join(' ')} |`);
    }
  }
  lines.push('', `## Messages (${last.messages.length}), exactly as sent`, '');
  last.messages.forEach((m, i) => {
    const fence = fenceFor(m.content);
    lines.push(`### ${i + 1}. ${m.role}`, '', `${fence}text`, m.content, fence, '');
  });
  return `${lines.join('\n')}\n`;
}
