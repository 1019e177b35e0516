/**
 * An append-only conversation: what was sent stays sent, byte for byte.
 *
 * - The system message (instructions, project facts, repo map, pinned files) is frozen by the first turn. When a
 *   stable block changes later (a pinned file is edited), the change is attached to the *new* turn's user message
 *   (as a diff or the updated text) instead of rewriting the system message, so the whole earlier prompt keeps
 *   hitting the cache.
 * - Each turn is frozen as the exact user text that was sent (with the context attached then) and the model's
 *   answer exactly as it came back (only the answer; earlier turns' reasoning is never sent back, as the API
 *   requires). Later turns append; nothing is re-rendered.
 * - Last resort, when the history alone no longer fits the window: the oldest whole turns are dropped from the
 *   front (see promptBuilder.ts). That changes the bytes after the system message once and is counted in
 *   `cacheBreaks`; later turns are append-only again from the new start.
 * - Regenerate / Edit and Resend take back only the last exchange (`dropLast`): what remains is exactly the
 *   prefix of that exchange's request, so the request sent again repeats it and hits the cache.
 *
 * The conversation also remembers what each file (and stable block) looked like when it was last shown, so a turn
 * can say "unchanged since shown earlier" or send only a diff.
 */
import { estimateTokens } from '../tokenEstimate';
import { imageRefTokens, type ImageRef } from './contentParts';
import { MESSAGE_OVERHEAD_TOKENS } from './fitBudget';
import type { PromptMessage } from './serialize';

/** How a block was attached to a turn: what the model saw of it. */
export interface TurnAttachment {
  /** blockKey() of the block. */
  readonly key: string;
  /** `full` = whole text; `changes` = a diff against the previous version; `unchanged` = a reference. */
  readonly mode: 'full' | 'changes' | 'unchanged';
  /** The block's full (normalised) content at that time; undefined when it was cut short (not fully known). */
  readonly content: string | undefined;
}

/** One completed exchange, as sent and received. */
export interface FrozenTurn {
  readonly user: string;
  readonly assistant: string;
  /** Estimated tokens of the user message: its text and its images. */
  readonly userTokens: number;
  readonly assistantTokens: number;
  readonly attachments: readonly TurnAttachment[];
  /**
   * Images the user message carried after its text, by reference (their bytes are in the attachment store);
   * absent when it carried none. Every later request re-sends them in the same place.
   */
  readonly images?: readonly ImageRef[];
}

/** The user message of a turn: its text, and its images when it has any. */
export function userMessage(user: string, images: readonly ImageRef[] | undefined): PromptMessage {
  return images && images.length > 0 ? { role: 'user', content: user, images } : { role: 'user', content: user };
}

/** Estimated tokens of images. */
export function imagesTokens(images: readonly ImageRef[] | undefined): number {
  return (images ?? []).reduce((n, image) => n + imageRefTokens(image), 0);
}

/** The frozen system message and the content of each stable block shown in it. */
export interface SystemPrefix {
  readonly text: string;
  /** Estimated tokens of `text` (without the message overhead). */
  readonly tokens: number;
  /** blockKey → normalised content (for a block cut short: its full content when it was cut). */
  readonly shown: ReadonlyMap<string, string>;
}

/** What the model has seen of a block: its content, and how many diffs in a row led to it. */
export interface KnownContent {
  readonly content: string;
  readonly diffChain: number;
}

/** A turn built but not yet committed (see buildPrompt and Conversation.commit). */
export interface PendingTurn {
  /** The conversation revision the prompt was built against. */
  readonly baseRevision: number;
  readonly system: SystemPrefix;
  /** Index of the first turn still sent (greater than the conversation's when this build dropped turns). */
  readonly startTurn: number;
  readonly user: string;
  readonly userTokens: number;
  readonly attachments: readonly TurnAttachment[];
  /** The images this turn's user message carries after its text. */
  readonly images?: readonly ImageRef[];
}

/** JSON form, for persisting a chat across reloads. */
export interface ConversationState {
  readonly version: 1;
  readonly system?: { readonly text: string; readonly shown: ReadonlyArray<readonly [string, string]> };
  readonly turns: ReadonlyArray<{
    readonly user: string;
    readonly assistant: string;
    readonly attachments: readonly TurnAttachment[];
    /** Absent in chats saved before images could be sent, and in turns without images. */
    readonly images?: readonly ImageRef[];
  }>;
  readonly startTurn: number;
  readonly cacheBreaks: number;
  /** SHA-256 of images whose bytes were found gone (each counted once as a cache break); absent when none. */
  readonly lostImages?: readonly string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const SHA256 = /^[0-9a-f]{64}$/;

/** Image references read back from JSON: well-formed ones kept, anything else left out. */
function readImages(raw: unknown): ImageRef[] | undefined {
  if (!Array.isArray(raw)) return undefined;
  const images = raw.flatMap((v): ImageRef[] => {
    if (!isRecord(v) || typeof v.sha256 !== 'string' || !SHA256.test(v.sha256) || typeof v.mime !== 'string' || typeof v.name !== 'string' || typeof v.bytes !== 'number') return [];
    const size = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? n : undefined);
    const width = size(v.width);
    const height = size(v.height);
    return [{ sha256: v.sha256, mime: v.mime, name: v.name, bytes: v.bytes, ...(width ? { width } : {}), ...(height ? { height } : {}) }];
  });
  return images.length > 0 ? images : undefined;
}

export class Conversation {
  private systemPrefix: SystemPrefix | undefined;
  private readonly turnList: FrozenTurn[] = [];
  private start = 0;
  private breaks = 0;
  private rev = 0;
  private readonly lost = new Set<string>();

  /** The frozen system message, once the first turn is committed. */
  get system(): SystemPrefix | undefined {
    return this.systemPrefix;
  }

  /** Every committed turn, including any dropped from the front. */
  get turns(): readonly FrozenTurn[] {
    return this.turnList;
  }

  /** Index of the first turn still sent; turns before it were dropped to fit the window. */
  get startTurn(): number {
    return this.start;
  }

  /** How many times a commit rewrote something already sent (dropped turns or replaced the system message). */
  get cacheBreaks(): number {
    return this.breaks;
  }

  /** Increases with every commit; a prompt built against an older revision cannot be committed. */
  get revision(): number {
    return this.rev;
  }

  /** The user/assistant messages sent from turn `from` on (default: the current start). */
  historyMessages(from: number = this.start): PromptMessage[] {
    const out: PromptMessage[] = [];
    for (const turn of this.turnList.slice(from)) {
      out.push(userMessage(turn.user, turn.images), { role: 'assistant', content: turn.assistant });
    }
    return out;
  }

  /** The images of the turns from `from` on (default: the current start), in order. */
  historyImages(from: number = this.start): ImageRef[] {
    return this.turnList.slice(from).flatMap((t) => t.images ?? []);
  }

  /**
   * Notes that an image's bytes are gone, so what is sent in its place differs from what was sent before: counted
   * as a cache break the first time (true), not again for the same image (false).
   */
  imageLost(sha256: string): boolean {
    if (this.lost.has(sha256)) return false;
    this.lost.add(sha256);
    this.breaks++;
    return true;
  }

  /** Estimated tokens of the history from turn `from` on, message overheads included. */
  historyTokens(from: number = this.start): number {
    let sum = 0;
    for (let i = from; i < this.turnList.length; i++) {
      sum += this.turnList[i].userTokens + this.turnList[i].assistantTokens + 2 * MESSAGE_OVERHEAD_TOKENS;
    }
    return sum;
  }

  /**
   * What the model will have seen of each tracked block if the prompt starts with `system` and the turns from
   * `from` on. A diff counts only if the version it applies to is itself known.
   */
  knownContents(system: SystemPrefix | undefined, from: number = this.start): Map<string, KnownContent> {
    const known = new Map<string, KnownContent>();
    for (const [key, content] of system?.shown ?? []) {
      known.set(key, { content, diffChain: 0 });
    }
    for (const turn of this.turnList.slice(from)) {
      for (const a of turn.attachments) {
        const before = known.get(a.key);
        if (a.content === undefined) {
          known.delete(a.key);
        } else if (a.mode === 'full') {
          known.set(a.key, { content: a.content, diffChain: 0 });
        } else if (a.mode === 'changes') {
          if (before) {
            known.set(a.key, { content: a.content, diffChain: before.diffChain + 1 });
          } else {
            known.delete(a.key);
          }
        }
      }
    }
    return known;
  }

  /**
   * Appends the turn a prompt was built for, with the model's answer. Pass the answer exactly as the model
   * returned it — before restoring any redaction placeholders, and without its reasoning — so the next prompt
   * repeats exactly what the model produced. Throws when the prompt was built against an earlier revision.
   */
  commit(built: { readonly pending: PendingTurn }, answer: string): void {
    const p = built.pending;
    if (p.baseRevision !== this.rev) {
      throw new Error('This prompt was built for an earlier state of the conversation; build it again.');
    }
    const systemChanged = this.systemPrefix !== undefined && this.systemPrefix.text !== p.system.text;
    const dropped = p.startTurn > this.start;
    if (systemChanged || dropped) {
      this.breaks++;
    }
    this.systemPrefix = p.system;
    this.start = p.startTurn;
    this.turnList.push({
      user: p.user,
      assistant: answer,
      userTokens: p.userTokens,
      assistantTokens: estimateTokens(answer),
      attachments: p.attachments,
      ...(p.images && p.images.length > 0 ? { images: p.images } : {}),
    });
    this.rev++;
  }

  /**
   * Takes back the last committed exchange, to ask its question again or an edited one (Regenerate, Edit and
   * Resend). The frozen system message, the start and the earlier turns stay exactly as that exchange's request
   * sent them, so a prompt built now repeats that request byte for byte up to its last user message and keeps
   * hitting the prefix cache. A commit that broke the cache stays counted: those bytes went out. Prompts built
   * before the rollback can no longer be committed. Returns the exchange taken back, or undefined when no turn
   * is still sent (nothing changes then).
   */
  dropLast(): FrozenTurn | undefined {
    if (this.turnList.length === 0 || this.turnList.length <= this.start) {
      return undefined;
    }
    const dropped = this.turnList.pop();
    this.rev++;
    return dropped;
  }

  toJSON(): ConversationState {
    return {
      version: 1,
      ...(this.systemPrefix ? { system: { text: this.systemPrefix.text, shown: [...this.systemPrefix.shown] } } : {}),
      turns: this.turnList.map((t) => ({ user: t.user, assistant: t.assistant, attachments: t.attachments, ...(t.images ? { images: t.images } : {}) })),
      startTurn: this.start,
      cacheBreaks: this.breaks,
      ...(this.lost.size > 0 ? { lostImages: [...this.lost].sort() } : {}),
    };
  }

  static fromJSON(state: ConversationState): Conversation {
    const c = new Conversation();
    if (state.system) {
      c.systemPrefix = { text: state.system.text, tokens: estimateTokens(state.system.text), shown: new Map(state.system.shown) };
    }
    for (const t of state.turns) {
      const images = readImages((t as { images?: unknown }).images);
      c.turnList.push({
        user: t.user,
        assistant: t.assistant,
        userTokens: estimateTokens(t.user) + imagesTokens(images),
        assistantTokens: estimateTokens(t.assistant),
        attachments: t.attachments,
        ...(images ? { images } : {}),
      });
    }
    const lost: unknown = (state as { lostImages?: unknown }).lostImages;
    if (Array.isArray(lost)) {
      for (const sha of lost) if (typeof sha === 'string' && SHA256.test(sha)) c.lost.add(sha);
    }
    c.start = Math.min(Math.max(0, Math.floor(state.startTurn)), c.turnList.length);
    c.breaks = state.cacheBreaks;
    c.rev = c.turnList.length;
    return c;
  }
}
