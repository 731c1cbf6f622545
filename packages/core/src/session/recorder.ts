// Where a session records what it did, and the rollout-line mapping of it.
import type { CompactedItem, ResponseItem, RolloutItem, TurnContextItem } from "@codex-ts/protocol";
import type { SessionEventMsg } from "./events.js";

/** Where the session records what it did (see `rolloutRecorder` for the rollout-line mapping). */
export interface SessionRecorder {
  /** History items, in order, as they enter the conversation. */
  recordItems(items: ResponseItem[]): void;
  /** Every event the session emits. */
  recordEvent(msg: SessionEventMsg): void;
  /** The settings a turn runs with (before its items). */
  recordTurnContext?(context: TurnContextItem): void;
  /** A compaction: the summary and the whole history that replaced the old one. */
  recordCompacted?(item: CompactedItem): void;
}

/**
 * A recorder that turns everything into rollout items (`response_item`, `event_msg`,
 * `turn_context`, `compacted`) for a sink such as @codex-ts/rollout's `RolloutWriter`.
 * Hook run events (`hook_started` / `hook_completed`) are transient, as in Codex, and not recorded.
 */
export function rolloutRecorder(sink: {
  record(items: RolloutItem | readonly RolloutItem[]): unknown;
}): SessionRecorder {
  return {
    recordItems: (items) =>
      sink.record(items.map((payload) => ({ type: "response_item" as const, payload }))),
    recordEvent: (msg) => {
      if (msg.type !== "hook_started" && msg.type !== "hook_completed")
        sink.record({ type: "event_msg", payload: msg });
    },
    recordTurnContext: (payload) => sink.record({ type: "turn_context", payload }),
    recordCompacted: (payload) => sink.record({ type: "compacted", payload }),
  };
}
