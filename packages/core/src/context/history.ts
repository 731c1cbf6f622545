// The conversation as the model sees it, and what the model has been told about the settings.
import { type ModeKind, type ResponseItem, startsUserTurn } from "@codex-ts/protocol";
import type { SessionRecorder } from "../session/recorder.js";

/** What the model has been told (the texts it was sent), so only changes are sent. */
export interface Told {
  /** The permissions text. */
  permissions?: string;
  /** The environment context text without its date (see told.ts `environmentKey`). */
  environment?: string;
  /** The cwd AGENTS.md was last read for. */
  cwd?: string;
  model?: string;
  mode?: ModeKind;
  /** The skills section text ("" when none was shown). */
  skills?: string;
}

/**
 * The history of one session: items in order, each recorded as it enters (a recorder failure
 * never breaks the turn), plus the "told" state of the context messages.
 */
export class ContextHistory {
  private list: ResponseItem[];
  told: Told = {};
  /** How many times the history was replaced by a compaction (Codex's context window number). */
  windowNumber = 0;

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

  /** After compaction: a new history (a new context window); what it still holds of the context is read back from it. */
  replace(items: ResponseItem[]): void {
    this.list = [];
    this.told = {};
    this.windowNumber++;
    this.push(...items);
  }

  /**
   * Keep the first `length` items (a rollback; the caller records why). When context messages
   * (developer messages, environment context) go with them, what the model was told is read
   * back from what is left on the next turn (see context/told.ts).
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
