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
  #writes: Promise<void> = Promise.resolve();
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
    if (this.#init.store) this.#unflushed.push(line);
  }

  /** Writes recorded lines to the store (in order); resolves when they are on disk. */
  flush(): Promise<void> {
    const store = this.#init.store;
    if (!store) return Promise.resolve();
    const batch = this.#unflushed;
    this.#unflushed = [];
    if (batch.length === 0) return this.#writes;
    const items = batch.map((line) => ({ type: line.type, payload: line.payload }) as RolloutItem);
    const { threadId, mode, log, onStored } = this.#init;
    this.#writes = this.#writes.then(async () => {
      const result = await store.append(threadId, items, { mode });
      if (result.ok) onStored(result.value);
      else log.error(`thread ${threadId}: cannot persist history: ${result.error.message}`);
    });
    return this.#writes;
  }
}
