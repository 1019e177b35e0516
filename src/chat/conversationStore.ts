import type * as vscode from 'vscode';
import type { ImageRef } from '../core/prompt/contentParts';
import type { ConversationState } from '../core/prompt/conversation';
import type { TurnView } from '../webview/protocol';

/** A turn as stored: what the view shows, and when. What was sent lives in the conversation's `prompt`. */
export interface StoredTurn extends TurnView {
  readonly at: number;
  /** The words sent for this turn when they differ from what it shows (a command's instruction); used by Retry. */
  readonly prompt?: string;
  /**
   * Whether this turn's exchange went into the conversation's prompt history (what the next request repeats):
   * false for a turn that failed or was stopped before any answer. Absent in turns stored before it existed.
   */
  readonly committed?: boolean;
  /** The images sent with the question, by reference (Regenerate and Edit re-send them); absent when none. */
  readonly images?: readonly ImageRef[];
}

export interface StoredConversation {
  readonly id: string;
  readonly title: string;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly turns: readonly StoredTurn[];
  /** The prompt builder's frozen prefix and history: exactly what was sent, so the next request hits the cache. */
  readonly prompt?: ConversationState;
}

interface PersistedV1 {
  readonly version: 1;
  readonly activeId: string | undefined;
  readonly conversations: readonly StoredConversation[];
}

const KEY = 'deepseek.chat.conversations.v1';
const MAX_CONVERSATIONS = 50;
/** The longest title a rename keeps. */
export const MAX_TITLE_LENGTH = 200;
export const CORRUPT_HISTORY_WARNING = 'DeepSeek chat history for this workspace was unreadable and has been reset.';

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isTurn(v: unknown): v is StoredTurn {
  return isRecord(v) && typeof v.id === 'string' && typeof v.question === 'string' && typeof v.answer === 'string' &&
    typeof v.reasoning === 'string' && (v.role === 'chat' || v.role === 'reasoner') &&
    typeof v.model === 'string' && ['streaming', 'done', 'stopped', 'error'].includes(v.status as string) &&
    Array.isArray(v.context) && typeof v.at === 'number';
}

function isConversation(v: unknown): v is StoredConversation {
  return isRecord(v) && typeof v.id === 'string' && typeof v.title === 'string' && typeof v.createdAt === 'number' &&
    typeof v.updatedAt === 'number' && Array.isArray(v.turns) && v.turns.every(isTurn);
}

/** A title as the user typed it, trimmed and capped; undefined when nothing is left. */
export function conversationTitle(raw: string): string | undefined {
  const title = raw.replace(/\s+/g, ' ').trim().slice(0, MAX_TITLE_LENGTH).trim();
  return title === '' ? undefined : title;
}

let counter = 0;
export function newId(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}${(counter++).toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * Conversations of this workspace, kept in workspaceState so they survive reloads. Unreadable data is reset
 * with a warning instead of breaking the chat.
 */
export class ConversationStore {
  private conversations: StoredConversation[] = [];
  private activeId: string | undefined;
  readonly warning: string | undefined;

  constructor(private readonly memento: vscode.Memento) {
    const raw = memento.get<unknown>(KEY);
    if (raw === undefined) {
      return;
    }
    if (isRecord(raw) && raw.version === 1 && Array.isArray(raw.conversations) && raw.conversations.every(isConversation)) {
      const data = raw as unknown as PersistedV1;
      // A turn still "streaming" when the window closed was cut off: keep it, marked stopped.
      this.conversations = data.conversations.map((c) => ({
        ...c,
        turns: c.turns.map((t) => (t.status === 'streaming' ? { ...t, status: 'stopped' as const } : t)),
      }));
      this.activeId = typeof data.activeId === 'string' ? data.activeId : undefined;
    } else {
      this.warning = CORRUPT_HISTORY_WARNING;
      void this.save();
    }
  }

  /** The conversation the view shows (a new one when there is none). */
  active(): StoredConversation {
    return (this.activeId !== undefined ? this.get(this.activeId) : undefined) ?? this.add('New chat');
  }

  /** Adds an empty conversation and makes it the active one (not saved yet). */
  private add(title: string): StoredConversation {
    const conversation: StoredConversation = { id: newId('c'), title, createdAt: Date.now(), updatedAt: Date.now(), turns: [] };
    this.conversations.push(conversation);
    this.activeId = conversation.id;
    return conversation;
  }

  /** Starts a new conversation (an empty active one is reused). */
  startNew(): StoredConversation {
    const current = this.activeId !== undefined ? this.get(this.activeId) : undefined;
    if (current && current.turns.length === 0) {
      return current;
    }
    const created = this.add('New chat');
    void this.save();
    return created;
  }

  open(id: string): StoredConversation | undefined {
    const found = this.get(id);
    if (found) {
      this.activeId = id;
      void this.save();
    }
    return found;
  }

  /** Past conversations with at least one turn, newest first. */
  list(): StoredConversation[] {
    return this.conversations.filter((c) => c.turns.length > 0).sort((a, b) => b.updatedAt - a.updatedAt);
  }

  get(id: string): StoredConversation | undefined {
    return this.conversations.find((c) => c.id === id);
  }

  /**
   * Ids of the listed conversations whose title, questions or answers contain `query` (case-insensitive),
   * newest first; an empty query matches them all.
   */
  search(query: string): string[] {
    const needle = query.trim().toLocaleLowerCase();
    const matches = (text: string) => text.toLocaleLowerCase().includes(needle);
    return this.list()
      .filter((c) => needle === '' || matches(c.title) || c.turns.some((t) => matches(t.question) || matches(t.answer)))
      .map((c) => c.id);
  }

  /**
   * Renames a conversation (trimmed, at most MAX_TITLE_LENGTH characters) and saves; its place in the history
   * (last update) stays. Returns the renamed conversation, or undefined for an unknown id or an empty title.
   */
  rename(id: string, title: string): StoredConversation | undefined {
    const found = this.get(id);
    const cleaned = conversationTitle(title);
    if (!found || cleaned === undefined) return undefined;
    const renamed = { ...found, title: cleaned };
    this.replace(renamed);
    void this.save();
    return renamed;
  }

  /**
   * Deletes a conversation and saves. When it was the one shown, the most recent other conversation is shown,
   * or a new chat when none is left. False for an unknown id.
   */
  delete(id: string): boolean {
    if (!this.get(id)) return false;
    this.conversations = this.conversations.filter((c) => c.id !== id);
    if (this.activeId === id) {
      this.activeId = this.list()[0]?.id;
      if (this.activeId === undefined) this.add('New chat');
    }
    void this.save();
    return true;
  }

  /** A new conversation titled `title`, made the active one (the view shows it). */
  create(title: string): StoredConversation {
    const conversation = this.add(title);
    void this.save();
    return conversation;
  }

  /**
   * Stores a conversation's new state, by its id (its session is its only writer); `persist` also saves.
   * A conversation dropped meanwhile (over the limit) is added back: a turn is never lost.
   */
  put(conversation: StoredConversation, persist = true): void {
    if (this.conversations.some((c) => c.id === conversation.id)) {
      this.replace(conversation);
    } else {
      this.conversations.push(conversation);
    }
    if (persist) void this.save();
  }

  private replace(conversation: StoredConversation): void {
    this.conversations = this.conversations.map((c) => (c.id === conversation.id ? conversation : c));
  }

  async save(): Promise<void> {
    const kept = this.conversations
      .filter((c) => c.turns.length > 0 || c.id === this.activeId)
      .sort((a, b) => b.updatedAt - a.updatedAt)
      .slice(0, MAX_CONVERSATIONS);
    this.conversations = kept;
    const data: PersistedV1 = { version: 1, activeId: this.activeId, conversations: kept };
    await this.memento.update(KEY, data);
  }
}
