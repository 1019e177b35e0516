import { createHash } from 'crypto';
import type { ChatContentPart, ChatMessage } from '../api/types';
import { parseDataUrl } from '../core/prompt/contentParts';
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
  /** Who asked, when another extension did (a `vscode.lm` request). */
  readonly caller?: string;
  /** The functions the request offered the model, and the `tool_choice` it carried. */
  readonly tools?: readonly string[];
  readonly toolChoice?: string;
  /** The names the user gave the images sent (sha256 of the bytes → "screenshot.png"), for their one-line entries. */
  readonly imageNames?: ReadonlyMap<string, string>;
}

/** "812 B", "24.1 KB", "3.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / (1024 * 1024)).toFixed(1)} MB`;
}

/** One line for an image part, never its bytes: `[image: screenshot.png · image/png · 24.1 KB · sha256 3f2a9c1b…]`. */
export function imagePartLine(url: string, names?: ReadonlyMap<string, string>): string {
  const parsed = parseDataUrl(url);
  if (!parsed) {
    // Not a data URL (the product sends none such): say where it points, without any query string.
    return `[image: ${url.replace(/[?#].*$/s, '').slice(0, 200)}]`;
  }
  const sha = createHash('sha256').update(parsed.data).digest('hex');
  const name = names?.get(sha);
  return `[image: ${name ? `${name} · ` : ''}${parsed.mime} · ${formatBytes(parsed.data.byteLength)} · sha256 ${sha.slice(0, 8)}…]`;
}

function renderPart(part: ChatContentPart, names: ReadonlyMap<string, string> | undefined): string[] {
  if (part.type === 'image_url') return [imagePartLine(part.image_url.url, names), ''];
  const fence = fenceFor(part.text);
  return [`${fence}text`, part.text, fence, ''];
}

function fenced(text: string, lang = 'text'): string[] {
  const fence = fenceFor(text);
  return [`${fence}${lang}`, text, fence, ''];
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
    `Sent ${new Date(last.at).toISOString().replace('T', ' ').slice(0, 19)} UTC to ${last.provider} (${last.endpoint}), model \`${last.model}\`${last.thinking ? ` (${last.thinking})` : ''}, from ${last.surface}${last.caller ? ` (asked by ${last.caller})` : ''}.`,
    '',
    ...(last.tools && last.tools.length > 0
      ? [`Tools offered: ${last.tools.map((t) => `\`${t}\``).join(', ')}${last.toolChoice ? `; tool_choice \`${last.toolChoice}\`` : ''}.`, '']
      : []),
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
  const images = last.messages.reduce((n, m) => n + (typeof m.content === 'string' ? 0 : m.content.filter((p) => p.type === 'image_url').length), 0);
  if (images > 0) {
    lines.splice(lines.indexOf(`## Messages (${last.messages.length}), exactly as sent`), 0,
      `${images} image(s) sent as they are: redaction covers text, not what an image shows.`, '');
  }
  last.messages.forEach((m, i) => {
    const heading = `### ${i + 1}. ${m.role}${m.toolCallId ? ` (answers tool call \`${m.toolCallId}\`)` : ''}`;
    if (typeof m.content === 'string') {
      lines.push(heading, '');
      if (m.content !== '' || !m.toolCalls) lines.push(...fenced(m.content));
    } else {
      lines.push(`${heading} (${m.content.length} parts)`, '', ...m.content.flatMap((p) => renderPart(p, last.imageNames)));
    }
    if (m.reasoningContent !== undefined) lines.push('Reasoning sent back (DeepSeek needs it after a tool call):', '', ...fenced(m.reasoningContent));
    for (const call of m.toolCalls ?? []) lines.push(`Tool call \`${call.id}\`: \`${call.name}\``, '', ...fenced(call.arguments, 'json'));
  });
  return `${lines.join('\n')}\n`;
}
