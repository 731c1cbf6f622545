// The CollabAgentToolCall turn item, as Codex 0.169 records it (`item_completed` in the parent's
// rollout): the item a `multi_agent_v1` call shows, and its v2 / exec views for the surfaces.
import type { CollabAgentToolCallTurnItem, ExecThreadItem } from "@codex-ts/protocol";
import type { ToolItem } from "../tools/index.js";
import { type AgentStatus, statusMessage, statusName } from "./status.js";

type CollabToolItem = Extract<ToolItem, { type: "collab_agent_tool_call" }>;
type CollabExecItem = Extract<ExecThreadItem, { type: "collab_tool_call" }>;

/** The core item's fields, for surfaces that map it (the app-server, `exec --json`). */
export type CollabTurnItem = CollabAgentToolCallTurnItem;

/** Core shape (snake_case, AgentStatus values), as Codex writes it in `item_completed`. */
export function collabTurnItem(item: CollabToolItem): CollabTurnItem {
  // Codex's key order; prompt, model and reasoning_effort only when set.
  return {
    type: "CollabAgentToolCall",
    id: item.id,
    tool: item.tool,
    status: item.status,
    sender_thread_id: item.senderThreadId,
    receiver_thread_ids: item.receivers.map((r) => r.threadId),
    receiver_agents: item.receivers.map((r) => ({
      thread_id: r.threadId,
      agent_nickname: r.nickname ?? undefined,
    })),
    ...(item.prompt != null ? { prompt: item.prompt } : {}),
    ...(item.model != null ? { model: item.model } : {}),
    ...(item.reasoningEffort != null ? { reasoning_effort: item.reasoningEffort } : {}),
    agents_states: item.agentsStates as Record<string, AgentStatus>,
  };
}

export function isCollabTurnItem(item: { type: string }): item is CollabTurnItem {
  return item.type === "CollabAgentToolCall";
}

/** An `exec --json` `collab_tool_call` item (as Codex 0.169 prints it). */
export function collabItemToExec(
  item: CollabTurnItem,
  id: string,
): Extract<ExecThreadItem, { type: "collab_tool_call" }> {
  const agentsStates: CollabExecItem["agents_states"] = {};
  for (const [thread, status] of Object.entries(item.agents_states))
    agentsStates[thread] = {
      status: statusName(status) as CollabExecItem["agents_states"][string]["status"],
      message: statusMessage(status),
    };
  return {
    id,
    type: "collab_tool_call",
    tool: item.tool,
    sender_thread_id: item.sender_thread_id,
    receiver_thread_ids: item.receiver_thread_ids,
    prompt: item.prompt ?? null,
    agents_states: agentsStates,
    status: item.status,
  };
}
