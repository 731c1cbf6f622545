// One function per op (codex-rs session/handlers.rs). `handleOp` is the switch `submit` calls
// after validating the op.
import type { Op } from "@codex-ts/protocol";
import { CompactTask } from "../tasks/compact.js";
import { RegularTask } from "../tasks/regular.js";
import type { TaskRunner } from "../tasks/task.js";
import { rollbackTurns } from "./rollback.js";
import type { SessionState } from "./state.js";

/** What the op handlers reach: the state, the task runner, and the session's own lifecycle. */
export interface OpContext {
  s: SessionState;
  tasks: TaskRunner;
  interrupt(): void;
  shutdown(subId: string): Promise<void>;
}

type OpOf<T extends Op["type"]> = Extract<Op, { type: T }>;

/**
 * `user_input`: settings overrides first; while a turn runs the input steers it (taken before its
 * next model request), else it starts a turn.
 */
export function userInput(c: OpContext, subId: string, op: OpOf<"user_input">): void {
  if (op.thread_settings && !c.s.applySettings(subId, op.thread_settings)) return;
  const active = c.s.active;
  if (active?.kind === "turn" && !active.controller.signal.aborted) {
    active.pendingInput.push(op.items);
    return;
  }
  const start: ConstructorParameters<typeof RegularTask>[0] = {
    input: op.items,
    outputSchema: op.final_output_json_schema,
  };
  if (op.client_id) start.clientId = op.client_id;
  c.tasks.spawn(subId, new RegularTask(start));
}

export function approval(c: OpContext, subId: string, op: OpOf<"exec_approval" | "patch_approval">): void {
  if (!c.s.approvals.answer(op.id, op.decision))
    c.s.emit(subId, { type: "warning", message: `no pending approval with id ${op.id}` });
}

export function permissionsResponse(
  c: OpContext,
  subId: string,
  op: OpOf<"request_permissions_response">,
): void {
  const grant = { permissions: op.response.permissions, scope: op.response.scope };
  if (!c.s.approvals.answerPermissions(op.id, grant)) {
    c.s.emit(subId, { type: "warning", message: `no pending permissions request with id ${op.id}` });
  }
}

export function handleOp(c: OpContext, subId: string, op: Op): void {
  switch (op.type) {
    case "user_input":
      userInput(c, subId, op);
      break;
    case "thread_settings":
      c.s.applySettings(subId, op.settings);
      break;
    case "interrupt":
      c.interrupt();
      break;
    case "exec_approval":
    case "patch_approval":
      approval(c, subId, op);
      break;
    case "request_permissions_response":
      permissionsResponse(c, subId, op);
      break;
    case "compact":
      c.tasks.spawn(subId, new CompactTask());
      break;
    case "shutdown":
      void c.shutdown(subId);
      break;
    case "thread_rollback":
      rollbackTurns(c.s, subId, op.num_turns);
      break;
    case "set_thread_name":
      c.s.emit(subId, { type: "warning", message: `op ${op.type} is not supported by this session` });
      break;
  }
}
