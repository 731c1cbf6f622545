// The conversation as the model sees it, and what the model has been told about the settings.
import type { ModeKind, ResponseItem } from "@codex-ts/protocol";
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

  snapshot(): ResponseItem[] {
    return [...this.list];
  }
}
