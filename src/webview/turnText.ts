/**
 * The words a turn shows and announces: pure (no DOM), so they are tested in plain Node.
 */
import type { TurnView } from './protocol';

export function formatSeconds(ms: number): string {
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/**
 * The reasoning's summary line. `measuredMs` is the thinking time the page measured itself (from when the
 * reasoning started showing to the answer's first text), used until the host's `thoughtMs` arrives; with
 * neither, no duration is shown (never a made-up "0.0 s").
 */
export function reasoningSummary(view: TurnView, measuredMs?: number): string {
  if (view.status === 'streaming' && !view.answer) return 'Thinking…';
  const ms = typeof view.thoughtMs === 'number' ? view.thoughtMs : measuredMs;
  const parts = [ms !== undefined ? `Thought for ${formatSeconds(ms)}` : 'Thought'];
  if (view.reasoningTokens) parts.push(`${view.reasoningTokens.toLocaleString('en-US')} tokens`);
  return parts.join(' · ');
}

/** The line under a stopped turn: whether anything of the answer arrived. */
export function stoppedLine(answer: string): string {
  return answer.trim() === '' ? 'Stopped before an answer arrived.' : 'Stopped — the answer above is incomplete.';
}

/** Who answered a turn, as its heading and announcement name it: a fallback provider by name, else DeepSeek. */
export function answeredBy(view: TurnView): string {
  return typeof view.footer?.provider === 'string' && view.footer.provider !== '' ? view.footer.provider : 'DeepSeek';
}

/**
 * The answer's first sentence as plain words, for a screen reader: Markdown marks, code blocks and link targets
 * dropped, at most `max` characters (cut at a word, with "…").
 */
export function firstSentence(markdown: string, max = 150): string {
  const text = markdown
    .slice(0, 4_000) // the first sentence is near the start; a long answer costs no more than a short one
    .replace(/^\s{0,3}(```|~~~)[^\n]*\n[\s\S]*?(?:^\s{0,3}\1[^\n]*$|(?![\s\S]))/gm, ' (code block) ')
    .replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/^\s{0,3}#{1,6}\s+(.*?)[\s#]*$/gm, (_, heading: string) => (/[.!?:]$/.test(heading) ? heading : `${heading}.`))
    .replace(/^\s{0,3}(>\s?|[-*+]\s+|\d+[.)]\s+)/gm, '')
    .replace(/^\s*\|?[\s:|-]*-[\s:|-]*\|?\s*$/gm, ' ')
    .replace(/\|/g, ' ')
    .replace(/(\*\*|__|\*|_|~~|`)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  const end = /[.!?…](?=\s|$)/.exec(text);
  let sentence = end ? text.slice(0, end.index + 1) : text;
  if (sentence.length > max) {
    const cut = sentence.slice(0, max - 1);
    const space = cut.lastIndexOf(' ');
    sentence = `${(space > max / 2 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
  }
  return sentence;
}

/** The one announcement made when an answer finishes (or stops, or fails). */
export function finishedAnnouncement(view: TurnView): string {
  if (view.status === 'stopped') return stoppedLine(view.answer);
  if (view.status === 'error') return view.error?.message ?? 'The answer failed.';
  const first = firstSentence(view.answer);
  return first === '' ? `${answeredBy(view)} answered.` : `${answeredBy(view)} answered: ${first}`;
}
