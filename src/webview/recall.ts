/**
 * Terminal-like recall of earlier questions for the composer: Up walks back through every earlier question,
 * Down walks forward, and past the newest it gives back the draft that was in the box before the walk began.
 * Pure (no DOM): the composer decides when a key means "recall" (see `isBrowsing`).
 */
export class QuestionRecall {
  /** `entries.length` means "not browsing": the box holds the user's own draft. */
  private index: number;
  private draft = '';

  constructor(private entries: string[], private readonly limit = 100) {
    this.index = entries.length;
  }

  /** The questions kept, oldest first (what the page persists). */
  get all(): readonly string[] {
    return this.entries;
  }

  /** True while the box shows a recalled question exactly as it was asked (not edited since). */
  isBrowsing(current: string): boolean {
    return this.index < this.entries.length && this.entries[this.index] === current;
  }

  /** One question further back, or undefined at the oldest (or with none). `current` is the box's text now. */
  back(current: string): string | undefined {
    if (!this.isBrowsing(current)) {
      if (this.entries.length === 0) return undefined;
      // A new walk starts from the newest; what the box held is the draft Down comes back to.
      this.draft = current;
      this.index = this.entries.length;
    }
    if (this.index === 0) return undefined;
    this.index--;
    return this.entries[this.index];
  }

  /** One question forward; past the newest, the draft. Undefined when not browsing. */
  forward(current: string): string | undefined {
    if (!this.isBrowsing(current)) return undefined;
    this.index++;
    return this.index === this.entries.length ? this.draft : this.entries[this.index];
  }

  /** A question was sent: it becomes the newest (not repeated when it is the newest already), the walk ends. */
  record(question: string): void {
    if (this.entries[this.entries.length - 1] !== question) this.entries.push(question);
    if (this.entries.length > this.limit) this.entries = this.entries.slice(-this.limit);
    this.index = this.entries.length;
    this.draft = '';
  }
}
