/**
 * A loaded thread's recorded history: core's recorder callbacks turn items and events into rollout
 * lines (kept in memory for `thread/read` and written through the thread store), and the thread's
 * token totals continue across resumes (core counts from zero in every session).
 */
import type { SessionEventMsg } from "@codex-ts/core";
import type { ResponseItem, RolloutItem, RolloutLine } from "@codex-ts/protocol";
import { type PersistenceMode, prepareForPersistence, shouldPersistRolloutItem } from "@codex-ts/rollout";
import type { StoredThread, ThreadStore } from "@codex-ts/thread-store";
import type { Logger } from "./log.js";

/** `total_token_usage` of the last token_count event in `lines`, numbers only; null when none. */
export function lastTokenTotal(lines: readonly RolloutLine[]): Record<string, number> | null {
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as { type: string; payload: { type?: string; info?: { total_token_usage?: Record<string, unknown> } | null } };
    if (line.type !== "event_msg" || line.payload?.type !== "token_count" || !line.payload.info?.total_token_usage) continue;
    const total: Record<string, number> = {};
    for (const [key, value] of Object.entries(line.payload.info.total_token_usage)) if (typeof value === "number") total[key] = value;
    return total;
  }
  return null;
}

/** `sessionTotal` plus `base` (the thread's totals before this session), key by key. */
export function addTokenBase<T extends object | null | undefined>(base: Record<string, number> | null, sessionTotal: T): T {
  if (!base || !sessionTotal) return sessionTotal;
  const sum: Record<string, unknown> = { ...sessionTotal };
  for (const [key, value] of Object.entries(base)) {
    const current = sum[key];
    if (typeof current === "number") sum[key] = current + value;
    else if (current === undefined || current === null) sum[key] = value;
  }
  return sum as T;
}

export interface ThreadRecorderInit {
  threadId: string;
  mode: PersistenceMode;
  /** null: nothing is written (an ephemeral thread). */
  store: ThreadStore | null;
  history: readonly RolloutLine[];
  log: Logger;
  /** Told the stored thread after every successful write (preview, updatedAt, path). */
  onStored: (stored: StoredThread) => void;
}

export class ThreadRecorder {
  readonly #init: ThreadRecorderInit;
  readonly #lines: RolloutLine[];
  #unflushed: RolloutLine[] = [];
  /** The last write (every earlier one settled before it started). */
  #writes: Promise<void> = Promise.resolve();
  /** The write that will take the lines recorded since the current one started (not begun yet). */
  #next: Promise<void> | null = null;
  /** Writes started or queued and not finished yet. */
  #writing = 0;
  #scheduled = false;
  /** The thread's token totals before this session (the last persisted token_count). */
  readonly #tokenBase: Record<string, number> | null;

  constructor(init: ThreadRecorderInit) {
    this.#init = init;
    this.#lines = [...init.history];
    this.#tokenBase = lastTokenTotal(init.history);
  }

  /** Every line of the thread so far (the loaded history and what this session recorded). */
  get lines(): readonly RolloutLine[] {
    return this.#lines;
  }

  /** The thread's total for core's session total `sessionTotal`. */
  threadTotal<T extends object | null | undefined>(sessionTotal: T): T {
    return addTokenBase(this.#tokenBase, sessionTotal);
  }

  /** The recorder core's session writes to. */
  readonly sink = {
    recordItems: (items: ResponseItem[]) => {
      for (const item of items) this.record({ type: "response_item", payload: item } as RolloutItem);
    },
    recordEvent: (msg: SessionEventMsg) => {
      // Persisted totals are the whole thread's (core counts from zero again after a resume).
      const payload =
        msg.type === "token_count" && msg.info ? { ...msg, info: { ...msg.info, total_token_usage: this.threadTotal(msg.info.total_token_usage) } } : msg;
      this.record({ type: "event_msg", payload } as RolloutItem);
    },
    recordTurnContext: (payload: unknown) => this.record({ type: "turn_context", payload } as RolloutItem),
    recordCompacted: (payload: unknown) => this.record({ type: "compacted", payload } as RolloutItem),
  };

  record(item: RolloutItem): void {
    if (!shouldPersistRolloutItem(item, this.#init.mode)) return;
    const prepared = prepareForPersistence(item);
    const line = { timestamp: new Date().toISOString(), ...prepared } as RolloutLine;
    this.#lines.push(line);
    if (!this.#init.store) return;
    this.#unflushed.push(line);
    // Written as they are recorded (the lines of one synchronous run together), so a crash mid-turn
    // keeps the turn's prompt and everything recorded before it.
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => {
      this.#scheduled = false;
      void this.flush();
    });
  }

  /** True while some recorded line is not written yet (none with an ephemeral thread). */
  get dirty(): boolean {
    return this.#unflushed.length > 0 || this.#writing > 0;
  }

  /**
   * Writes every line recorded so far to the store, in order; resolves once they are written (a
   * failed write is logged, never thrown). One write runs at a time: lines recorded meanwhile go
   * together in the next one, so a busy turn costs a few appends, not one per line.
   */
  flush(): Promise<void> {
    const store = this.#init.store;
    if (!store) return Promise.resolve();
    if (this.#unflushed.length === 0 && !this.#next) return this.#writes;
    if (this.#next) return this.#next;
    const { threadId, mode, log, onStored } = this.#init;
    this.#writing += 1;
    const next = this.#writes.then(async () => {
      this.#next = null;
      const batch = this.#unflushed;
      this.#unflushed = [];
      if (batch.length === 0) return;
      const items = batch.map((line) => ({ type: line.type, payload: line.payload }) as RolloutItem);
      try {
        const result = await store.append(threadId, items, { mode });
        if (result.ok) onStored(result.value);
        else log.error(`thread ${threadId}: cannot persist history: ${result.error.message}`);
      } catch (error) {
        log.error(`thread ${threadId}: cannot persist history: ${error instanceof Error ? error.message : String(error)}`);
      } finally {
        this.#writing -= 1;
      }
    });
    this.#next = next;
    this.#writes = next;
    return next;
  }
}
