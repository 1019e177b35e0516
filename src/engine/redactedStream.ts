import type { ChatMessage, StreamEvent } from '../api/types';
import type { Logger } from '../core/logger';
import { createStreamRestorer, RedactionSummary, type Redactor, type RedactionFinding } from '../core/redaction/redactor';
import type { AttemptSink } from './failoverRun';

export interface PreparedPrompt {
  readonly messages: readonly ChatMessage[];
  readonly findings: readonly RedactionFinding[];
}

/**
 * Redacts a built prompt's messages once per build (a failover to the same window sends the same bytes, and
 * so the same placeholders). Without a redactor the messages go as built.
 */
export function redactingPreparer<B extends { readonly messages: readonly ChatMessage[] }>(redactor: Redactor | undefined, logger: Logger): {
  prepare(built: B): PreparedPrompt;
  findingsOf(messages: readonly ChatMessage[]): readonly RedactionFinding[];
} {
  const prepared = new Map<B, PreparedPrompt>();
  return {
    prepare(built) {
      let p = prepared.get(built);
      if (!p) {
        const findings: RedactionFinding[] = [];
        const messages = built.messages.map((m) => {
          if (!redactor) return m;
          const r = redactor.redact(m.content);
          findings.push(...r.findings);
          return { role: m.role, content: r.text };
        });
        if (findings.length > 0) {
          logger.info(`redacted ${findings.length} value(s) before sending: ${RedactionSummary.of(findings).entries().map((e) => `${e.occurrences} ${e.kind}`).join(', ')}`);
        }
        p = { messages, findings };
        prepared.set(built, p);
      }
      return p;
    },
    findingsOf(messages) {
      return [...prepared.values()].find((p) => p.messages === messages)?.findings ?? [];
    },
  };
}

/**
 * One attempt's stream with placeholders restored as they arrive (a placeholder split across chunks is held
 * until it is whole), passed on to the surface; `flush` gives what was held when the attempt ends.
 */
export function restoringSink(redactor: Redactor | undefined, onEvent: (event: StreamEvent) => void): AttemptSink {
  const reasoningRestorer = redactor ? createStreamRestorer(redactor) : undefined;
  const contentRestorer = redactor ? createStreamRestorer(redactor) : undefined;
  return {
    onEvent: (event) => {
      const restorer = event.type === 'reasoning' ? reasoningRestorer : contentRestorer;
      const text = restorer ? restorer.push(event.text) : event.text;
      if (text) onEvent({ type: event.type, text });
    },
    flush: () => {
      const tailReasoning = reasoningRestorer?.flush();
      const tailContent = contentRestorer?.flush();
      if (tailReasoning) onEvent({ type: 'reasoning', text: tailReasoning });
      if (tailContent) onEvent({ type: 'content', text: tailContent });
    },
  };
}
