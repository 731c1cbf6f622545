// The conversation as the model sees it, and what the model has been told about the settings.
import { type ModeKind, type ResponseItem, startsUserTurn } from "@codex-ts/protocol";
import type { SessionRecorder } from "../session/recorder.js";

/** What the model has been told (serialized keys), so only changes are sent. */
export interface Told {
  permissions?: string;
  environment?: string;
  model?: string;
  mode?: ModeKind;
  skills?: string;
}

/**
 * The history of one session: items in order, each recorded as it enters (a recorder failure
 * never breaks the turn), plus the "told" state of the context messages.
 */
export class ContextHistory {
  private list: ResponseItem[];
  told: Told = {};

  constructor(
    initial: readonly ResponseItem[],
    private readonly recorder: SessionRecorder | undefined,
  ) {
    this.list = [...initial];
  }

  /** The items, live (read-only by convention; use `push`/`replace` to change them). */
  get items(): readonly ResponseItem[] {
    return this.list;
  }

  push(...items: ResponseItem[]): void {
    this.list.push(...items);
    try {
      this.recorder?.recordItems(items);
    } catch {
      // recording failures must not break the turn
    }
  }

  /** After compaction: a new history; everything about the context must be told again. */
  replace(items: ResponseItem[]): void {
    this.list = [];
    this.told = {};
    this.push(...items);
  }

  /**
   * Keep the first `length` items (a rollback; the caller records why). When context messages
   * (developer messages, environment context) go with them, what the model was told is
   * forgotten, so the next turn tells it again.
   */
  truncate(length: number): void {
    if (length >= this.list.length) return;
    const removed = this.list.slice(length);
    this.list = this.list.slice(0, length);
    const contextRemoved = removed.some((item) => item.type === "message" && item.role !== "assistant" && !startsUserTurn(item));
    if (contextRemoved) this.told = {};
  }

  snapshot(): ResponseItem[] {
    return [...this.list];
  }
}
