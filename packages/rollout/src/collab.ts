// A `multi_agent_v1` call (core `CollabAgentToolCall`) as its v2 `collabAgentToolCall` item.
import type { CollabAgentToolCallTurnItem, CoreAgentStatus, v2 } from "@codex-ts/protocol";

type CollabV2 = Extract<v2.ThreadItem, { type: "collabAgentToolCall" }>;
type AgentStateV2 = CollabV2["agentsStates"][string];

const V2_TOOL: Record<CollabAgentToolCallTurnItem["tool"], CollabV2["tool"]> = {
  spawn_agent: "spawnAgent",
  send_input: "sendInput",
  resume_agent: "resumeAgent",
  wait: "wait",
  close_agent: "closeAgent",
};

const V2_STATUS: Record<Extract<CoreAgentStatus, string>, AgentStateV2["status"]> = {
  pending_init: "pendingInit",
  running: "running",
  interrupted: "interrupted",
  shutdown: "shutdown",
  not_found: "notFound",
};

/** One core AgentStatus (`"running"`, `{completed: msg}`, `{errored: reason}`) as a v2 CollabAgentState. */
export function agentStateToV2(status: CoreAgentStatus): AgentStateV2 {
  if (typeof status === "string") return { status: V2_STATUS[status], message: null };
  return "completed" in status
    ? { status: "completed", message: status.completed }
    : { status: "errored", message: status.errored };
}

/** The v2 item (every field, schema key order); the times are the carrying event's. */
export function collabItemToV2(
  item: CollabAgentToolCallTurnItem,
  startedAtMs: number | null,
  completedAtMs: number | null,
): CollabV2 {
  const agentsStates: CollabV2["agentsStates"] = {};
  for (const [thread, status] of Object.entries(item.agents_states))
    agentsStates[thread] = agentStateToV2(status);
  return {
    type: "collabAgentToolCall",
    id: item.id,
    tool: V2_TOOL[item.tool],
    status: item.status === "in_progress" ? "inProgress" : item.status,
    senderThreadId: item.sender_thread_id,
    receiverThreadIds: [...item.receiver_thread_ids],
    prompt: item.prompt ?? null,
    model: item.model ?? null,
    reasoningEffort: item.reasoning_effort ?? null,
    agentsStates,
    startedAtMs,
    completedAtMs,
  };
}
