import { markdownFragment, type CodeBlock } from './markdown';

/** Characters of Markdown committed per frame at most (when text arrives faster than it renders). */
const COMMIT_BUDGET = 4_000;
/** A tail longer than this waits as plain text until the committed part reaches it. */
const TAIL_MARKDOWN_LIMIT = 8_000;

/**
 * Renders a Markdown answer while it streams, without re-rendering everything per chunk: text up to the
 * last blank line outside a code fence is rendered once into a committed segment; only the open tail is
 * re-rendered, at most once per animation frame. Rendering cost stays linear in the answer's length.
 */
export class StreamingMarkdown {
  private text = '';
  private committed = 0;
  private scanned = 0;
  private inFence = false;
  /** Blank-line positions outside fences, not yet committed, ascending. */
  private boundaries: number[] = [];
  private readonly committedBlocks: CodeBlock[] = [];
  private tailBlocks: CodeBlock[] = [];
  private readonly segments: HTMLElement;
  private readonly tail: HTMLElement;
  private scheduled = false;

  constructor(
    container: HTMLElement,
    private readonly schedule: (callback: () => void) => void = (cb) => requestAnimationFrame(cb),
  ) {
    this.segments = document.createElement('div');
    this.tail = document.createElement('div');
    container.replaceChildren(this.segments, this.tail);
  }

  get value(): string {
    return this.text;
  }

  /** The code block behind a toolbar button (indexes are stable across committed segments and the tail). */
  block(index: number): CodeBlock | undefined {
    return this.committedBlocks[index] ?? this.tailBlocks[index - this.committedBlocks.length];
  }

  append(chunk: string): void {
    if (!chunk) return;
    this.text += chunk;
    this.requestFlush();
  }

  /**
   * Renders what arrived so far: new complete blocks once, then the tail. Work per frame is bounded: when
   * text arrives faster than it can be rendered, at most COMMIT_BUDGET characters are committed per frame and
   * a long tail is shown as plain text until it is reached; another frame is scheduled.
   */
  flush(): void {
    this.scan();
    const limit = this.committed + COMMIT_BUDGET;
    let upTo = this.committed;
    while (this.boundaries.length > 0 && (this.boundaries[0] <= limit || upTo === this.committed)) {
      upTo = this.boundaries.shift() as number;
      if (upTo > limit) break;
    }
    if (upTo > this.committed) {
      const segment = document.createElement('div');
      segment.append(markdownFragment(this.text.slice(this.committed, upTo), this.committedBlocks));
      this.segments.append(segment);
      this.committed = upTo;
    }
    const tailText = this.text.slice(this.committed);
    if (tailText.length > TAIL_MARKDOWN_LIMIT) {
      this.tailBlocks = [];
      const plain = document.createElement('div');
      plain.className = 'pending-text';
      plain.textContent = tailText;
      this.tail.replaceChildren(plain);
      this.requestFlush();
      return;
    }
    const offset: CodeBlock[] = [...this.committedBlocks];
    const fragment = markdownFragment(tailText, offset);
    this.tailBlocks = offset.slice(this.committedBlocks.length);
    this.tail.replaceChildren(fragment);
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

  /**
   * The stream ended: render what is left. Committed segments stay as they are (re-rendering a long answer
   * in one piece would cost one long frame at the end); every segment was split at a blank line outside
   * code fences, so it renders as the same Markdown.
   */
  finish(): void {
    if (!this.text.endsWith('\n')) this.text += '\n';
    this.flush();
  }

  /** Finds blank lines outside fences in the newly arrived complete lines. */
  private scan(): void {
    let lineStart = this.scanned;
    for (;;) {
      const end = this.text.indexOf('\n', lineStart);
      if (end < 0) break;
      const line = this.text.slice(lineStart, end);
      if (/^\s{0,3}(```|~~~)/.test(line)) {
        this.inFence = !this.inFence;
      } else if (!this.inFence && line.trim() === '') {
        this.boundaries.push(end + 1);
      }
      lineStart = end + 1;
    }
    this.scanned = lineStart;
  }
}
