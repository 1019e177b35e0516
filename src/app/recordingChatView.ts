import { ChatViewProvider } from '../chat/chatViewProvider';
import type { HostMessage } from '../webview/protocol';

const KEPT = 500;

/**
 * The chat view in test mode: it also keeps the last messages the host posted to the page, so the
 * extension-host tests (which cannot read the webview) can see what the page was told — an `actionResult`,
 * an `askRefused`. Built only in `ExtensionMode.Test`.
 */
export class RecordingChatView extends ChatViewProvider {
  private readonly kept: HostMessage[] = [];
  private posted = 0;

  override post(message: HostMessage): void {
    this.kept.push(message);
    if (this.kept.length > KEPT) this.kept.shift();
    this.posted++;
    super.post(message);
  }

  /** How many messages have been posted so far (pass it to `since`). */
  mark(): number {
    return this.posted;
  }

  /** The messages posted after `mark` (the last 500 at most). */
  since(mark: number): HostMessage[] {
    const count = Math.min(this.posted - mark, this.kept.length);
    return count > 0 ? this.kept.slice(this.kept.length - count) : [];
  }
}
