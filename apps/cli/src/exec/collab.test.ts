// exec --json: multi_agent_v1 calls become `collab_tool_call` items (as Codex 0.169 prints them).
import { describe, expect, it } from "vitest";
import { ExecEventMapper } from "./jsonl.js";

const item = (status: string, states: Record<string, unknown>, receivers: string[]) => ({
  type: "CollabAgentToolCall",
  id: "call_1",
  tool: "spawn_agent",
  status,
  sender_thread_id: "parent",
  receiver_thread_ids: receivers,
  receiver_agents: receivers.map((thread_id) => ({ thread_id, agent_nickname: "Ada" })),
  prompt: "do it",
  agents_states: states,
});

describe("collab_tool_call", () => {
  it("maps a spawn_agent item's start and completion", () => {
    const mapper = new ExecEventMapper();
    const started = mapper.map({
      type: "item_started",
      thread_id: "parent",
      turn_id: "t",
      item: item("in_progress", {}, []) as never,
      started_at_ms: 1,
    });
    const completed = mapper.map({
      type: "item_completed",
      thread_id: "parent",
      turn_id: "t",
      item: item("completed", { child: "pending_init" }, ["child"]) as never,
      completed_at_ms: 2,
    });
    expect(started).toEqual([
      {
        type: "item.started",
        item: {
          id: "item_0",
          type: "collab_tool_call",
          tool: "spawn_agent",
          sender_thread_id: "parent",
          receiver_thread_ids: [],
          prompt: "do it",
          agents_states: {},
          status: "in_progress",
        },
      },
    ]);
    expect(completed).toEqual([
      {
        type: "item.completed",
        item: {
          id: "item_0",
          type: "collab_tool_call",
          tool: "spawn_agent",
          sender_thread_id: "parent",
          receiver_thread_ids: ["child"],
          prompt: "do it",
          agents_states: { child: { status: "pending_init", message: null } },
          status: "completed",
        },
      },
    ]);
  });
});
