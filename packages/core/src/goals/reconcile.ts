// A thread's goal as its rollout last recorded it.
import type { EventMsg } from "@codex-ts/protocol";
import { fromSnapshot, type Goal } from "./model.js";

/**
 * The goal after replaying a thread's events in order (the rollout's `event_msg` payloads):
 * the last `thread_goal_updated` wins unless a `thread_goal_cleared` came after it. Events of
 * other threads (a forked rollout's parent) are ignored when `threadId` is given.
 */
export function goalFromEvents(events: Iterable<EventMsg>, threadId?: string): Goal | null {
  let goal: Goal | null = null;
  for (const event of events) {
    if (event.type === "thread_goal_updated") {
      if (threadId !== undefined && event.threadId !== threadId) continue;
      goal = { ...fromSnapshot(event.goal), threadId: threadId ?? event.goal.threadId };
    } else if (event.type === "thread_goal_cleared") {
      if (threadId !== undefined && event.threadId !== threadId) continue;
      goal = null;
    }
  }
  return goal;
}
