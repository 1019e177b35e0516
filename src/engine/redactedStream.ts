import type { ChatContentPart, ChatMessage, StreamEvent, ToolCall } from '../api/types';
import type { Logger } from '../core/logger';
import { createStreamRestorer, RedactionSummary, type Redactor, type RedactionFinding } from '../core/redaction/redactor';
import type { AttemptSink } from './failoverRun';

export interface PreparedPrompt {
  readonly messages: readonly ChatMessage[];
  readonly findings: readonly RedactionFinding[];
}

/**
 * A message with its text redacted: string content as a whole, and each text part of parts content (one
 * redactor, so the same value gets the same placeholder in every part and message), the arguments of the tool
 * calls it made, and the reasoning it sends back. Image parts pass unchanged: pixels cannot be redacted.
 * `images` counts them. Text that came from the model already holds placeholders, and redacting a placeholder
 * changes nothing: reasoning and arguments the model sent go back byte for byte unless they hold a new secret.
 */
export function redactMessage(redactor: Redactor, m: ChatMessage): { message: ChatMessage; findings: RedactionFinding[]; images: number } {
  const findings: RedactionFinding[] = [];
  const text = (value: string): string => {
    const r = redactor.redact(value);
    findings.push(...r.findings);
    return r.text;
  };
  let images = 0;
  const content = typeof m.content === 'string'
    ? text(m.content)
    : m.content.map((p): ChatContentPart => {
      if (p.type !== 'text') {
        images++;
        return p;
      }
      return { type: 'text', text: text(p.text) };
    });
  const message: ChatMessage = {
    role: m.role,
    content,
    ...(m.toolCalls ? { toolCalls: m.toolCalls.map((c) => ({ id: c.id, name: c.name, arguments: text(c.arguments) })) } : {}),
    ...(m.reasoningContent !== undefined ? { reasoningContent: text(m.reasoningContent) } : {}),
    ...(m.toolCallId !== undefined ? { toolCallId: m.toolCallId } : {}),
  };
  return { message, findings, images };
}

/**
 * Tool calls with placeholders restored in their arguments, for this machine (the tool runs on the real
 * values). The arguments are JSON: each string in them is restored and the whole written again, so a value
 * with a quote or a backslash cannot break the JSON; arguments without placeholders keep their bytes.
 */
export function restoreToolCalls(redactor: Redactor | undefined, calls: readonly ToolCall[]): ToolCall[] {
  if (!redactor) return [...calls];
  return calls.map((call) => {
    if (redactor.restore(call.arguments) === call.arguments) return call;
    const restoreIn = (v: unknown): unknown => {
      if (typeof v === 'string') return redactor.restore(v);
      if (Array.isArray(v)) return v.map(restoreIn);
      if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [redactor.restore(k), restoreIn(x)]));
      return v;
    };
    return { ...call, arguments: JSON.stringify(restoreIn(JSON.parse(call.arguments))) };
  });
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
