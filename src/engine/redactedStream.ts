import type { ChatContentPart, ChatMessage, StreamEvent } from '../api/types';
import type { Logger } from '../core/logger';
import { createStreamRestorer, RedactionSummary, type Redactor, type RedactionFinding } from '../core/redaction/redactor';
import type { AttemptSink } from './failoverRun';

export interface PreparedPrompt {
  readonly messages: readonly ChatMessage[];
  readonly findings: readonly RedactionFinding[];
}

/**
 * A message with its text redacted: string content as a whole, and each text part of parts content (one
 * redactor, so the same value gets the same placeholder in every part and message). Image parts pass
 * unchanged: pixels cannot be redacted. `images` counts them.
 */
export function redactMessage(redactor: Redactor, m: ChatMessage): { message: ChatMessage; findings: RedactionFinding[]; images: number } {
  if (typeof m.content === 'string') {
    const r = redactor.redact(m.content);
    return { message: { role: m.role, content: r.text }, findings: [...r.findings], images: 0 };
  }
  const findings: RedactionFinding[] = [];
  let images = 0;
  const content = m.content.map((p): ChatContentPart => {
    if (p.type !== 'text') {
      images++;
      return p;
    }
    const r = redactor.redact(p.text);
    findings.push(...r.findings);
    return { type: 'text', text: r.text };
  });
  return { message: { role: m.role, content }, findings, images };
}

/**
 * Redacts a built prompt's messages once per build (a failover to the same window sends the same bytes, and
 * so the same placeholders). Without a redactor the messages go as built. Images are sent as they are, and the
 * log says how many went unredacted.
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
        let images = 0;
        const messages = built.messages.map((m) => {
          if (!redactor) return m;
          const r = redactMessage(redactor, m);
          findings.push(...r.findings);
          images += r.images;
          return r.message;
        });
        if (findings.length > 0) {
          logger.info(`redacted ${findings.length} value(s) before sending: ${RedactionSummary.of(findings).entries().map((e) => `${e.occurrences} ${e.kind}`).join(', ')}`);
        }
        if (images > 0) {
          logger.info(`${images} image(s) sent unredacted: redaction covers text only, not what an image shows`);
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
