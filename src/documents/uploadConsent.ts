import * as vscode from 'vscode';
import type { Logger } from '../core/logger';

/** What the first upload of a window to an endpoint asks. */
export interface ConsentRequest {
  /** The file's name as the user knows it ("docs/spec.pdf", "pasted image.png"). */
  readonly fileName: string;
  /** Where the bytes go: the OCR endpoint's URL. */
  readonly endpoint: string;
  /** Who that is: "DeepSeek OCR", "OCR endpoint at http://…". */
  readonly label: string;
  /** "~$0.0006 for 3 pages", "unpriced (tokens reported by the endpoint)". */
  readonly estimate: string;
}

/** A consent question as it was put (kept for the test API and diagnostics). */
export interface ConsentQuestion {
  readonly message: string;
  readonly detail: string;
  readonly endpoint: string;
  readonly at: number;
  /** Still waiting for an answer. */
  readonly open: boolean;
}

export const UPLOAD = 'Upload';
const KEEP = 20;

/**
 * The first upload of a window to each OCR endpoint asks first, with a modal dialog naming the file, where it
 * goes and what it is estimated to cost: "Upload" or Cancel. Once allowed, later uploads to that endpoint in this
 * window go without asking (each one is still the user's own action). Questions to one endpoint are asked
 * one at a time; a second upload waits for the first answer.
 *
 * In test mode the dialog is not shown (a modal blocks the workbench, and the extension-host tests cannot
 * press its buttons): the question is kept and `answer` answers it, as the user would.
 */
export class UploadConsent {
  private readonly granted = new Set<string>();
  private readonly asking = new Map<string, Promise<boolean>>();
  private readonly history: { question: ConsentQuestion; answer?: (choice: string | undefined) => void }[] = [];

  constructor(private readonly logger: Logger, private readonly testHooks = false) {}

  async ask(request: ConsentRequest): Promise<boolean> {
    for (;;) {
      if (this.granted.has(request.endpoint)) return true;
      const pending = this.asking.get(request.endpoint);
      if (!pending) break;
      if (!(await pending)) return this.ask1(request); // declined for another file: this one is asked about itself
    }
    return this.ask1(request);
  }

  private ask1(request: ConsentRequest): Promise<boolean> {
    const asked = this.put(request).then((allowed) => {
      this.asking.delete(request.endpoint);
      if (allowed) this.granted.add(request.endpoint);
      this.logger.info(`ocr: upload of ${request.fileName} to ${request.endpoint} ${allowed ? 'allowed' : 'declined'} by the user`);
      return allowed;
    });
    this.asking.set(request.endpoint, asked);
    return asked;
  }

  private async put(request: ConsentRequest): Promise<boolean> {
    const message = `Upload ${request.fileName} to extract its text?`;
    const detail =
      `The file is sent to ${request.label} (${request.endpoint}). Estimated cost: ${request.estimate}. ` +
      'The text that comes back is cached, so the same file is not uploaded again. Asked once per window for each OCR endpoint.';
    const entry: { question: ConsentQuestion; answer?: (choice: string | undefined) => void } = {
      question: { message, detail, endpoint: request.endpoint, at: Date.now(), open: true },
    };
    this.history.push(entry);
    if (this.history.length > KEEP) this.history.shift();
    let choice: string | undefined;
    if (this.testHooks) {
      choice = await new Promise<string | undefined>((resolve) => {
        entry.answer = resolve;
      });
    } else {
      choice = await vscode.window.showWarningMessage(message, { modal: true, detail }, UPLOAD);
    }
    entry.question = { ...entry.question, open: false };
    delete entry.answer;
    return choice === UPLOAD;
  }

  /** The questions asked lately, oldest first. */
  questions(): readonly ConsentQuestion[] {
    return this.history.map((e) => e.question);
  }

  /** Test mode: answers the oldest question still open, as the user would. False when none is open. */
  answer(choice: 'Upload' | 'Cancel'): boolean {
    const open = this.history.find((e) => e.answer);
    if (!open?.answer) return false;
    open.answer(choice === 'Upload' ? UPLOAD : undefined);
    return true;
  }

  /**
   * Forgets what was allowed: the next upload to each endpoint asks again (as a new window does). Questions
   * still open are answered Cancel.
   */
  reset(): void {
    this.granted.clear();
    for (const entry of this.history) entry.answer?.(undefined);
  }
}
