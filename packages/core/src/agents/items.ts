// The CollabAgentToolCall turn item, as Codex 0.169 records it (`item_completed` in the parent's
// rollout): the item a `multi_agent_v1` call shows, and its v2 / exec views for the surfaces.
import type { TurnItem } from "@codex-ts/protocol";
import type { ToolItem } from "../tools/index.js";
import { type AgentStatus, statusMessage, statusName } from "./status.js";

type CollabToolItem = Extract<ToolItem, { type: "collab_agent_tool_call" }>;

/**
 * Core shape (snake_case, AgentStatus values). The protocol's core `TurnItem` has no
 * CollabAgentToolCall variant yet (it reads unknown items as `Other`), hence the cast.
 */
export function collabTurnItem(item: CollabToolItem): TurnItem {
  const out: Record<string, unknown> = {
    type: "CollabAgentToolCall",
    id: item.id,
    tool: item.tool,
    status: item.status,
    sender_thread_id: item.senderThreadId,
    receiver_thread_ids: item.receivers.map((r) => r.threadId),
    receiver_agents: item.receivers.map((r) => ({ thread_id: r.threadId, agent_nickname: r.nickname })),
    agents_states: item.agentsStates,
  };
  if (item.prompt !== undefined) out.prompt = item.prompt;
  if (item.model !== undefined) out.model = item.model;
  if (item.reasoningEffort !== undefined) out.reasoning_effort = item.reasoningEffort;
  return out as unknown as TurnItem;
}

/** The core item's fields, for surfaces that map it (the app-server, `exec --json`). */
export interface CollabTurnItem {
  type: "CollabAgentToolCall";
  id: string;
  tool: CollabToolItem["tool"];
  status: CollabToolItem["status"];
  sender_thread_id: string;
  receiver_thread_ids: string[];
  prompt?: string | null;
  model?: string | null;
  reasoning_effort?: string | null;
  agents_states: Record<string, AgentStatus>;
}

export function isCollabTurnItem(item: { type: string }): item is CollabTurnItem {
  return item.type === "CollabAgentToolCall";
}

const V2_TOOL: Record<CollabToolItem["tool"], string> = {
  spawn_agent: "spawnAgent",
  send_input: "sendInput",
  resume_agent: "resumeAgent",
  wait: "wait",
  close_agent: "closeAgent",
};
const V2_STATUS: Record<string, string> = {
  pending_init: "pendingInit",
  running: "running",
  interrupted: "interrupted",
  completed: "completed",
  errored: "errored",
  shutdown: "shutdown",
  not_found: "notFound",
};

/** A v2 `collabAgentToolCall` ThreadItem. */
export function collabItemToV2(item: CollabTurnItem): Record<string, unknown> {
  const agentsStates: Record<string, { status: string; message: string | null }> = {};
  for (const [id, status] of Object.entries(item.agents_states))
    agentsStates[id] = { status: V2_STATUS[statusName(status)] ?? "running", message: statusMessage(status) };
  return {
    type: "collabAgentToolCall",
    id: item.id,
    tool: V2_TOOL[item.tool],
    status: item.status === "in_progress" ? "inProgress" : item.status,
    senderThreadId: item.sender_thread_id,
    receiverThreadIds: item.receiver_thread_ids,
    prompt: item.prompt ?? null,
    model: item.model ?? null,
    reasoningEffort: item.reasoning_effort ?? null,
    agentsStates,
  };
}

/** An `exec --json` `collab_tool_call` item (as Codex 0.169 prints it). */
export function collabItemToExec(item: CollabTurnItem, id: string): Record<string, unknown> {
  const agentsStates: Record<string, { status: string; message: string | null }> = {};
  for (const [thread, status] of Object.entries(item.agents_states))
    agentsStates[thread] = { status: statusName(status), message: statusMessage(status) };
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
