// A rollout that can be recorded to before its file exists: for a session that must start at
// once (a sub-agent spawned mid-turn) while its file is created in the background.
import type { RolloutItem } from "@codex-ts/protocol";
import { rolloutPath } from "./paths.js";
import type { RolloutResult } from "./result.js";
import { type CreateRolloutOptions, RolloutWriter } from "./writer.js";

export interface PendingRollout {
  /** Where the file is (or will be). */
  readonly path: string;
  readonly threadId: string;
  /** Records now if the file is open, else keeps the items (in order) until it is. */
  record(items: RolloutItem | readonly RolloutItem[]): void;
  /** Waits for the file, writes everything and closes it; the creation's error if it failed. */
  close(): Promise<RolloutResult<void>>;
}

/**
 * Starts creating a rollout (`RolloutWriter.create`) and returns at once. Items recorded before
 * the file is open are written right after its `session_meta`, in the order they came.
 */
export function createRolloutLater(options: CreateRolloutOptions & { threadId: string }): PendingRollout {
  const createdAt = options.createdAt ?? new Date();
  let waiting: RolloutItem[] | null = [];
  let writer: RolloutWriter | null = null;
  const opened = RolloutWriter.create({ ...options, createdAt }).then((result) => {
    if (result.ok) {
      writer = result.value;
      writer.record(waiting ?? []);
    }
    waiting = null;
    return result;
  });
  return {
    path: rolloutPath(options.codexHome, options.threadId, createdAt),
    threadId: options.threadId,
    record(items) {
      const list: readonly RolloutItem[] = Array.isArray(items) ? items : [items as RolloutItem];
      if (writer) writer.record(list);
      else waiting?.push(...list);
    },
    async close() {
      const result = await opened;
      if (!result.ok) return { ok: false, error: result.error };
      return result.value.close();
    },
  };
}
