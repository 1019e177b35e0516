import { markdownFragment, type CodeBlock } from './markdown';

/**
 * Renders a Markdown answer while it streams, without re-rendering everything per chunk: text up to the
 * last blank line outside a code fence is rendered once into a committed segment; only the open tail is
 * re-rendered, at most once per animation frame. `finish()` renders the whole answer once more, so the
 * final DOM is exactly what a one-shot render gives.
 */
export class StreamingMarkdown {
  private text = '';
  private committed = 0;
  private scanned = 0;
  private inFence = false;
  private lastBoundary = 0;
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
    if (!this.scheduled) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.flush();
      });
    }
  }

  /** Renders what arrived so far: new complete blocks once, then the tail. */
  flush(): void {
    this.scan();
    if (this.lastBoundary > this.committed) {
      const segment = document.createElement('div');
      segment.append(markdownFragment(this.text.slice(this.committed, this.lastBoundary), this.committedBlocks));
      this.segments.append(segment);
      this.committed = this.lastBoundary;
    }
    this.tailBlocks = [];
    const tailText = this.text.slice(this.committed);
    const offset: CodeBlock[] = [...this.committedBlocks];
    const fragment = markdownFragment(tailText, offset);
    this.tailBlocks = offset.slice(this.committedBlocks.length);
    this.tail.replaceChildren(fragment);
  }

  /** Final render of the whole answer in one pass. */
  finish(): void {
    this.committedBlocks.length = 0;
    this.tailBlocks = [];
    const segment = document.createElement('div');
    segment.append(markdownFragment(this.text, this.committedBlocks));
    this.segments.replaceChildren(segment);
    this.tail.replaceChildren();
    this.committed = this.text.length;
    this.scanned = this.text.length;
    this.lastBoundary = this.text.length;
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
        this.lastBoundary = end + 1;
      }
      lineStart = end + 1;
    }
    this.scanned = lineStart;
  }
}
