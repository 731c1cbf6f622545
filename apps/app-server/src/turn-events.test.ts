import type { SessionEventMsg } from "@codex-ts/core";
import { describe, expect, it } from "vitest";
import { NotificationGate } from "./notification-gate.js";
import { activeFlags, completedTurnView, endStatus, newTurnState, turnEventNotifications, turnView } from "./turn-events.js";

const msg = (value: Record<string, unknown>) => value as unknown as SessionEventMsg;
const ctx = (turn: ReturnType<typeof newTurnState> | null) => ({
  threadId: "t1",
  turn,
  threadTotal: <T>(total: T) => total,
  nowMs: () => 42,
});

describe("turnEventNotifications", () => {
  it("maps an agent message's start, delta and completion, and keeps the completed item", () => {
    const turn = newTurnState("turn-1", "regular", 5_000);
    const item = { type: "AgentMessage", id: "msg-1", content: [{ type: "Text", text: "hi" }] };
    const started = turnEventNotifications(msg({ type: "item_started", thread_id: "t1", turn_id: "turn-1", item }), ctx(turn));
    expect(started?.[0]?.[0]).toBe("item/started");
    expect(started?.[0]?.[1]).toMatchObject({ threadId: "t1", turnId: "turn-1", item: { type: "agentMessage", id: "msg-1" }, startedAtMs: 42 });
    const delta = { type: "agent_message_content_delta", thread_id: "t1", turn_id: "turn-1", item_id: "msg-1", delta: "h" };
    expect(turnEventNotifications(msg(delta), ctx(turn))).toEqual([
      ["item/agentMessage/delta", { threadId: "t1", turnId: "turn-1", itemId: "msg-1", delta: "h" }],
    ]);
    const done = turnEventNotifications(msg({ type: "item_completed", thread_id: "t1", turn_id: "turn-1", item }), ctx(turn));
    expect(done?.[0]?.[0]).toBe("item/completed");
    expect(turn.items).toHaveLength(1);
    turnEventNotifications(msg({ type: "item_completed", thread_id: "t1", turn_id: "turn-1", item }), ctx(turn));
    expect(turn.items, "a repeated completion replaces the item").toHaveLength(1);
  });

  it("announces reasoning summary parts, passes the event's indexes and decodes command output", () => {
    const turn = newTurnState("turn-1", "regular");
    expect(turnEventNotifications(msg({ type: "agent_reasoning_section_break", item_id: "r1", summary_index: 1 }), ctx(turn))).toEqual([
      ["item/reasoning/summaryPartAdded", { threadId: "t1", turnId: "turn-1", itemId: "r1", summaryIndex: 1 }],
    ]);
    const ids = { thread_id: "t1", turn_id: "turn-1", item_id: "r1", delta: "x" };
    expect(turnEventNotifications(msg({ type: "reasoning_content_delta", ...ids, summary_index: 1 }), ctx(turn))?.[0]?.[1]).toMatchObject({ summaryIndex: 1, itemId: "r1" });
    expect(turnEventNotifications(msg({ type: "reasoning_raw_content_delta", ...ids, content_index: 2 }), ctx(turn))?.[0]).toEqual([
      "item/reasoning/textDelta",
      { threadId: "t1", turnId: "turn-1", itemId: "r1", delta: "x", contentIndex: 2 },
    ]);
    const chunk = Buffer.from("out\n").toString("base64");
    expect(turnEventNotifications(msg({ type: "exec_command_output_delta", call_id: "c1", chunk }), ctx(turn))).toEqual([
      ["item/commandExecution/outputDelta", { threadId: "t1", turnId: "turn-1", itemId: "c1", delta: "out\n" }],
    ]);
  });

  it("adds the thread's earlier totals to token usage and reports rate limits", () => {
    const turn = newTurnState("turn-1", "regular");
    const usage = { input_tokens: 10, cached_input_tokens: 0, output_tokens: 5, reasoning_output_tokens: 0, total_tokens: 15 };
    const out = turnEventNotifications(
      msg({ type: "token_count", info: { total_token_usage: usage, last_token_usage: usage, model_context_window: 1000 }, rate_limits: { primary: { used_percent: 12.6, window_minutes: 300 } } }),
      { ...ctx(turn), threadTotal: <T>(total: T) => ({ ...(total as object), total_tokens: 100 }) as T },
    );
    expect(out?.map(([method]) => method)).toEqual(["thread/tokenUsage/updated", "account/rateLimits/updated"]);
    expect(out?.[0]?.[1]).toMatchObject({ tokenUsage: { total: { totalTokens: 100 }, last: { totalTokens: 15 }, modelContextWindow: 1000 } });
    expect(out?.[1]?.[1]).toMatchObject({ rateLimits: { primary: { usedPercent: 13, windowDurationMins: 300 } } });
  });

  it("records a turn's error (a retried stream error does not fail it); outside a turn errors are warnings", () => {
    const turn = newTurnState("turn-1", "regular");
    expect(turnEventNotifications(msg({ type: "stream_error", message: "retrying" }), ctx(turn))?.[0]?.[1]).toMatchObject({ willRetry: true });
    expect(endStatus(turn, false)).toBe("completed");
    turnEventNotifications(msg({ type: "error", message: "boom" }), ctx(turn));
    expect(endStatus(turn, false)).toBe("failed");
    expect(endStatus(turn, true)).toBe("interrupted");
    expect(turnEventNotifications(msg({ type: "error", message: "no turn" }), ctx(null))).toEqual([["warning", { threadId: "t1", message: "no turn" }]]);
  });

  it("leaves lifecycle events to the thread (null) and drops turn events between turns", () => {
    expect(turnEventNotifications(msg({ type: "task_started", turn_id: "x" }), ctx(null))).toBeNull();
    expect(turnEventNotifications(msg({ type: "turn_diff", unified_diff: "d" }), ctx(null))).toEqual([]);
  });
});

describe("turn views", () => {
  it("shows items only once the turn ended, with its duration", () => {
    const turn = newTurnState("turn-1", "regular", 10_000);
    turn.items.push({ type: "agentMessage", id: "m", text: "x" } as never);
    expect(turnView(turn, "inProgress").items).toEqual([]);
    expect(turnView(turn, "inProgress")).not.toHaveProperty("hookRuns");
    const done = completedTurnView(turn, "completed", [], 12_500);
    expect(done).toMatchObject({ status: "completed", completedAt: 12, durationMs: 2_500, hookRuns: [], startedAt: 10 });
    expect(done.items).toHaveLength(1);
  });

  it("reports what the turn waits for", () => {
    const turn = newTurnState("turn-1", "regular");
    turn.pending.set(1, { id: 1, kind: "tool", resolved: false });
    expect(activeFlags(turn)).toEqual([]);
    turn.pending.set(2, { id: 2, kind: "approval", resolved: false });
    turn.pending.set(3, { id: 3, kind: "approval", resolved: false });
    turn.pending.set(4, { id: 4, kind: "userInput", resolved: false });
    expect(activeFlags(turn)).toEqual(["waitingOnApproval", "waitingOnUserInput"]);
  });
});

describe("NotificationGate", () => {
  it("queues in order while any pause is held and delivers once the last is lifted", () => {
    const out: string[] = [];
    const gate = new NotificationGate((method) => out.push(method));
    gate.emit("a", null);
    const first = gate.pause();
    const second = gate.pause();
    gate.emit("b", null);
    first();
    first();
    gate.emit("c", null);
    expect(out).toEqual(["a"]);
    second();
    expect(out).toEqual(["a", "b", "c"]);
    gate.emit("d", null);
    expect(out).toEqual(["a", "b", "c", "d"]);
  });
});
