import { fenceLanguage, highlight, markdownFragment, sanitizeFragment, type CodeBlock } from './markdown';

/**
 * Rendering work per frame, shared by every answer on the page, when text arrives faster than it renders (a
 * flood, or a long answer shown at once). The rest of a 16.7 ms frame is the browser's (style, layout and paint:
 * about 5 ms in the chat bench) and the messages arriving meanwhile (up to 5 ms in its flood).
 */
const FRAME_BUDGET_MS = 3;
/** A flush this long after the current budget window began belongs to a later frame: a new window. */
const NEW_WINDOW_AFTER_MS = 10;
/** Markdown rendered in one piece at most, in characters (a single longer block is rendered whole). */
const SLICE_CHARS = 1_000;
/** Committed text per group: the unit the browser skips laying out and painting while off screen, once closed. */
const GROUP_CHARS = 3_000;
/** An open tail longer than this (a long list or table still being written) shows as plain text until committed. */
const TAIL_MARKDOWN_LIMIT = 4_000;
/** Of the text not rendered yet (behind a flood), at most this much shows as plain text until its turn comes. */
const PENDING_SHOWN = 1_000;

/** When the budget window of the frame being rendered began; shared by all instances. */
let windowStartedAt = -Infinity;

/** Milliseconds of rendering budget left in this frame (frames are 16.7 ms apart, so a window is one frame's). */
function frameBudgetLeft(): number {
  const now = performance.now();
  if (now - windowStartedAt >= NEW_WINDOW_AFTER_MS) windowStartedAt = now;
  return windowStartedAt + FRAME_BUDGET_MS - now;
}

/** A fenced code block still open, as scanned. */
interface OpenFence {
  readonly char: string;
  readonly length: number;
  /** Where its opening line starts, and where its code starts (after that line). */
  readonly start: number;
  readonly codeStart: number;
  readonly info: string;
  /** Opened at column 0: the text can be split before and after it without changing what it renders as. */
  readonly topLevel: boolean;
}

/** The open code block at the end of a streaming answer, appended to line by line instead of re-rendered. */
interface LiveBlock {
  readonly start: number;
  readonly code: HTMLElement;
  /** The last, incomplete line, as plain text. */
  readonly partial: Text;
  readonly language: string;
  /** Characters of code (complete lines) already highlighted into `code`. */
  shown: number;
}

/** The closing line of `fence`: its character, at least as many, nothing after but spaces. */
function closes(line: string, fence: OpenFence): boolean {
  const rest = line.replace(/^ {0,3}/, '').trimEnd();
  return rest.length >= fence.length && rest.split('').every((c) => c === fence.char);
}

/**
 * Renders a Markdown answer while it streams, without re-rendering everything per chunk: text up to the last
 * split point — a blank line outside a code fence, or either side of a fence at column 0 — is rendered once
 * into a committed group; only the open tail is re-rendered, at most once per animation frame, and an open code
 * block at the end is appended to line by line (highlighted per chunk of lines; rendered whole once it closes).
 * Work per frame is bounded by a time budget shared by every answer on the page; rendering cost stays linear in
 * the answer's length.
 */
export class StreamingMarkdown {
  /** The text as received. */
  private received = '';
  /** The text being rendered: what was received, plus a final line end once finished. */
  private text = '';
  private committed = 0;
  private scanned = 0;
  private fence: OpenFence | undefined;
  /** Split points not yet committed, ascending. */
  private boundaries: number[] = [];
  private readonly committedBlocks: CodeBlock[] = [];
  private tailBlocks: CodeBlock[] = [];
  private readonly segments: HTMLElement;
  private readonly tail: HTMLElement;
  private group: HTMLElement | undefined;
  private groupChars = 0;
  private live: LiveBlock | undefined;
  /** What the tail shows now (committed offset and text length), to skip rendering it again unchanged. */
  private tailKey = '';
  private scheduled = false;

  constructor(
    container: HTMLElement,
    private readonly schedule: (callback: () => void) => void = (cb) => requestAnimationFrame(cb),
  ) {
    this.segments = document.createElement('div');
    this.segments.className = 'md-segments';
    this.tail = document.createElement('div');
    this.tail.className = 'md-tail';
    container.replaceChildren(this.segments, this.tail);
  }

  get value(): string {
    return this.received;
  }

  /** The code block behind a toolbar button (indexes are stable across committed segments and the tail). */
  block(index: number): CodeBlock | undefined {
    return this.committedBlocks[index] ?? this.tailBlocks[index - this.committedBlocks.length];
  }

  append(chunk: string): void {
    if (!chunk) return;
    this.received += chunk;
    this.text += chunk;
    this.requestFlush();
  }

  /**
   * Renders what arrived so far: new complete blocks once, then the tail. When text arrives faster than it
   * renders, blocks are committed until the frame's budget is spent and what is left shows as plain text (a
   * bounded amount of it); another frame is scheduled.
   */
  flush(): void {
    this.scan();
    let sliced = false;
    // Within the frame's budget (taken once: a flush that runs long does not open the next frame's window); a
    // small backlog (one slice) is rendered at once whatever the budget says.
    const deadline = performance.now() + frameBudgetLeft();
    const withinBudget = () => performance.now() < deadline;
    while (this.boundaries.length > 0 && (withinBudget() || (!sliced && (this.boundaries.at(-1) as number) - this.committed <= SLICE_CHARS))) {
      let upTo = this.boundaries.shift() as number;
      while (this.boundaries.length > 0 && this.boundaries[0] - this.committed <= SLICE_CHARS) upTo = this.boundaries.shift() as number;
      this.commit(upTo);
      sliced = true;
    }
    if (this.boundaries.length > 0) {
      this.showPending();
      this.requestFlush();
      return;
    }
    const fence = this.fence;
    if (fence?.topLevel && fence.start === this.committed) {
      this.renderLive(fence);
      return;
    }
    const key = `${this.committed}:${this.text.length}`;
    if (key === this.tailKey) return;
    const tailText = this.text.slice(this.committed);
    if (tailText.length > TAIL_MARKDOWN_LIMIT || (sliced && !withinBudget() && tailText.length > SLICE_CHARS)) {
      this.showPending();
      if (tailText.length <= TAIL_MARKDOWN_LIMIT) this.requestFlush(); // rendered as Markdown next frame
      return;
    }
    const offset: CodeBlock[] = [...this.committedBlocks];
    const fragment = markdownFragment(tailText, offset);
    this.tailBlocks = offset.slice(this.committedBlocks.length);
    this.live = undefined;
    this.tail.replaceChildren(fragment);
    this.tailKey = key;
  }

  /**
   * The stream ended: render what is left, in the same bounded slices. Committed groups stay as they are
   * (re-rendering a long answer in one piece would cost one long frame at the end); every split was made where
   * the Markdown renders the same in pieces.
   */
  finish(): void {
    if (!this.text.endsWith('\n')) this.text += '\n';
    this.scan();
    this.fence = undefined; // a code block left open ends with the answer
    this.boundary(this.text.length);
    this.flush();
  }

  private requestFlush(): void {
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  private commit(upTo: number): void {
    const source = this.text.slice(this.committed, upTo);
    const fragment = markdownFragment(source, this.committedBlocks);
    if (!this.group || this.groupChars >= GROUP_CHARS) {
      // A full group is closed: only closed groups are skipped off screen (content-visibility), so the newest
      // text is always laid out (and an answer shorter than a group never is skipped at all).
      this.group?.classList.add('md-closed');
      this.group = document.createElement('div');
      this.group.className = 'md-group';
      this.segments.append(this.group);
      this.groupChars = 0;
    }
    this.group.append(fragment);
    this.groupChars += source.length;
    this.committed = upTo;
  }

  /** Text not rendered yet, as plain text (at most PENDING_SHOWN characters of it). */
  private showPending(): void {
    const pending = this.text.slice(this.committed, this.committed + PENDING_SHOWN);
    const plain = document.createElement('div');
    plain.className = 'pending-text';
    plain.textContent = pending;
    this.tailBlocks = [];
    this.live = undefined;
    this.tail.replaceChildren(plain);
    this.tailKey = '';
  }

  /** The open code block at the end: complete lines are highlighted and appended once, the last line is plain. */
  private renderLive(fence: OpenFence): void {
    let live = this.live;
    if (!live || live.start !== fence.start) {
      // The same block the Markdown renderer makes (header, buttons, index), empty; filled below.
      const offset: CodeBlock[] = [...this.committedBlocks];
      const fragment = markdownFragment(`~~~${fence.info}\n~~~\n`, offset);
      const code = fragment.querySelector('pre > code') as HTMLElement;
      const partial = document.createTextNode('');
      code.replaceChildren(partial);
      live = { start: fence.start, code, partial, language: fenceLanguage(fence.info), shown: 0 };
      this.live = live;
      this.tail.replaceChildren(fragment);
      this.tailKey = '';
    }
    const code = this.text.slice(fence.codeStart);
    const complete = Math.max(0, this.scanned - fence.codeStart);
    if (complete > live.shown) {
      const template = document.createElement('template');
      template.innerHTML = highlight(code.slice(live.shown, complete), live.language);
      sanitizeFragment(template.content);
      live.code.insertBefore(template.content, live.partial);
      live.shown = complete;
    }
    const partial = code.slice(complete);
    if (live.partial.data !== partial) live.partial.data = partial;
    this.tailBlocks = [{ code, language: live.language }];
  }

  private boundary(at: number): void {
    if (at > (this.boundaries.at(-1) ?? this.committed)) this.boundaries.push(at);
  }

  /** Finds split points in the newly arrived complete lines. */
  private scan(): void {
    let lineStart = this.scanned;
    for (;;) {
      const end = this.text.indexOf('\n', lineStart);
      if (end < 0) break;
      const line = this.text.slice(lineStart, end);
      const fence = this.fence;
      if (fence) {
        if (closes(line, fence)) {
          this.fence = undefined;
          if (fence.topLevel) this.boundary(end + 1);
        }
      } else {
        const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(line);
        if (open && !(open[2][0] === '`' && open[3].includes('`'))) {
          const topLevel = open[1] === '';
          this.fence = { char: open[2][0], length: open[2].length, start: lineStart, codeStart: end + 1, info: open[3], topLevel };
          if (topLevel) this.boundary(lineStart);
        } else if (line.trim() === '') {
          this.boundary(end + 1);
        }
      }
      lineStart = end + 1;
    }
    this.scanned = lineStart;
  }
}
