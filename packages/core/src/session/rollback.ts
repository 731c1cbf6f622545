// The `thread_rollback` op (codex-rs `Op::ThreadRollback`): drop the last N user turns from the
// conversation the model sees, record `thread_rolled_back` (what a rollout rebuild applies), and
// touch no file in the workspace. Refused while a task runs.
import { dropLastUserTurns } from "@codex-ts/protocol";
import type { SessionState } from "./state.js";

export function rollbackTurns(s: SessionState, subId: string, numTurns: number): void {
  if (s.active) {
    s.emit(subId, { type: "error", message: "cannot roll back while a turn is in progress" });
    return;
  }
  const kept = dropLastUserTurns(s.history.items, numTurns);
  s.history.truncate(kept.length);
  s.emit(subId, { type: "thread_rolled_back", num_turns: numTurns });
}
