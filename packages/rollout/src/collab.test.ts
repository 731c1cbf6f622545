import { parseRolloutLine, type RolloutLine, v2 } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { reconstructThread } from "./index.js";

const official = v2.createOfficialSchemaValidator();

function lines(...payloads: Record<string, unknown>[]): RolloutLine[] {
  return payloads.map((payload, i) => {
    const parsed = parseRolloutLine({
      timestamp: new Date(1000 * (i + 1)).toISOString(),
      type: "event_msg",
      payload,
    });
    if (parsed.kind !== "line") throw new Error(`bad test line ${JSON.stringify(payload)}`);
    return parsed.line;
  });
}

/** A CollabAgentToolCall as Codex 0.169 writes it in a parent's rollout. */
function collab(
  id: string,
  tool: string,
  status: string,
  states: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  return {
    type: "CollabAgentToolCall",
    id,
    tool,
    status,
    sender_thread_id: "parent-thread",
    receiver_thread_ids: ["child-thread"],
    receiver_agents: [{ thread_id: "child-thread", agent_nickname: "Euclid" }],
    agents_states: states,
    ...extra,
  };
}

describe("reconstructThread: multi-agent calls", () => {
  it("shows CollabAgentToolCall items as v2 collabAgentToolCall items (official schema)", () => {
    const { turns } = reconstructThread(
      lines(
        { type: "task_started", turn_id: "t1" },
        {
          type: "item_completed",
          thread_id: "parent-thread",
          turn_id: "t1",
          item: collab(
            "c1",
            "spawn_agent",
            "completed",
            { "child-thread": "pending_init" },
            { prompt: "count files", model: "gpt-5", reasoning_effort: "low" },
          ),
          completed_at_ms: 2000,
        },
        {
          type: "item_started",
          thread_id: "parent-thread",
          turn_id: "t1",
          item: collab("c2", "wait", "in_progress", {}),
          started_at_ms: 2500,
        },
        {
          type: "item_completed",
          thread_id: "parent-thread",
          turn_id: "t1",
          item: collab("c2", "wait", "completed", { "child-thread": { completed: "42 files" } }),
          completed_at_ms: 3000,
        },
        { type: "task_complete", turn_id: "t1" },
      ),
    );
    const items = turns[0]!.items;
    expect(items.map((item) => [item.type, item.id])).toEqual([
      ["collabAgentToolCall", "c1"],
      ["collabAgentToolCall", "c2"],
    ]);
    expect(items[0]).toMatchObject({
      tool: "spawnAgent",
      status: "completed",
      senderThreadId: "parent-thread",
      receiverThreadIds: ["child-thread"],
      prompt: "count files",
      model: "gpt-5",
      reasoningEffort: "low",
      agentsStates: { "child-thread": { status: "pendingInit", message: null } },
    });
    expect(items[1]).toMatchObject({
      tool: "wait",
      prompt: null,
      agentsStates: { "child-thread": { status: "completed", message: "42 files" } },
    });
    for (const item of items) {
      expect(v2.ThreadItem.safeParse(item).success).toBe(true);
      const checked = official.validateMessage({
        method: "item/completed",
        params: { threadId: "parent-thread", turnId: "t1", item, completedAtMs: 3000 },
      });
      expect(checked).toMatchObject({ valid: true, definition: expect.any(String) });
    }
  });

  it("maps errored and unknown agents", () => {
    const { turns } = reconstructThread(
      lines(
        { type: "task_started", turn_id: "t1" },
        {
          type: "item_completed",
          thread_id: "parent-thread",
          turn_id: "t1",
          item: collab("c1", "close_agent", "failed", {
            "child-thread": { errored: "boom" },
            other: "not_found",
          }),
        },
      ),
    );
    expect(turns[0]!.items[0]).toMatchObject({
      tool: "closeAgent",
      status: "failed",
      agentsStates: {
        "child-thread": { status: "errored", message: "boom" },
        other: { status: "notFound", message: null },
      },
    });
  });
});
