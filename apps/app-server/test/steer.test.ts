/**
 * turn/start while a turn runs steers it, as real Codex 0.169 does (checked side by side with the
 * fake model): the answer is the running turn (inProgress, startedAt null), the input appears as a
 * userMessage item of that turn before the model's next request, which carries it after the tool
 * output; one turn/completed, and thread/read shows one turn with both user messages.
 */
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const text = (value: string) => [{ type: "text", text: value, text_elements: [] }];

describe("turn/start on a busy thread", () => {
  it("joins the running turn (steering) instead of failing", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("exec_command", { cmd: "sleep 1; echo done", yield_time_ms: 10_000 }, { callId: "c1" })]),
      turn([sse.message("after steer", { phase: "final_answer" })]),
    );
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const { turn: first } = await s.call("turn/start", { threadId: thread.id, input: text("first prompt") });
    await s.waitForNotification("item/started", (p) => p.item.type === "commandExecution");

    const { turn: joined } = await s.call("turn/start", { threadId: thread.id, input: text("steered text") });
    expect(joined).toMatchObject({ id: first.id, status: "inProgress", items: [], startedAt: null, completedAt: null, error: null });

    const completed = await s.waitForNotification("turn/completed", (p) => p.turn.id === first.id);
    expect(completed.params.turn.status).toBe("completed");
    expect(s.notifications("turn/started")).toHaveLength(1);
    expect(s.notifications("turn/completed")).toHaveLength(1);

    // The steered input is a userMessage of the same turn, announced after the command finished.
    const users = s
      .notifications("item/completed")
      .filter((m) => m.params.item.type === "userMessage")
      .map((m) => ({ turnId: m.params.turnId, text: m.params.item.content[0].text }));
    expect(users).toEqual([
      { turnId: first.id, text: "first prompt" },
      { turnId: first.id, text: "steered text" },
    ]);
    const order = s.messages
      .filter((m) => m.method === "item/completed")
      .map((m) => m.params.item.type as string)
      .filter((type) => type !== "reasoning");
    expect(order).toEqual(["userMessage", "commandExecution", "userMessage", "agentMessage"]);

    // The model's second request: the tool output, then the steered message.
    const input = fx.fake.responsesRequests()[1]?.body.input as { type: string; role?: string; content?: { text: string }[] }[];
    const tail = input.slice(-2).map((item) => (item.type === "message" ? `${item.role}:${item.content?.[0]?.text}` : item.type));
    expect(tail).toEqual(["function_call_output", "user:steered text"]);

    const read = await s.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(read.thread.turns).toHaveLength(1);
    const items = read.thread.turns[0]?.items.map((item) => item.type).filter((type) => type !== "commandExecution");
    expect(items).toEqual(["userMessage", "userMessage", "agentMessage"]);
  });

  it("still refuses while a manual compaction runs", async () => {
    fx.fake.enqueue(turn([sse.message("summary")], { hold: true }));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await s.call("thread/compact/start", { threadId: thread.id });
    const started = await s.waitForNotification("turn/started");
    const busy = await s.request("turn/start", { threadId: thread.id, input: text("now") });
    expect(busy.error).toMatchObject({ code: -32600 });
    expect(busy.error?.message).toContain("already has a turn in progress");
    await s.call("turn/interrupt", { threadId: thread.id, turnId: started.params.turn.id });
    await s.waitForNotification("turn/completed");
  });
});
