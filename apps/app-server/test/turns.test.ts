import { fail, sse, turn, usage } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { findItem, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("turns", () => {
  it("runs a plain turn: thread/start, turn/start, streamed deltas, turn/completed", async () => {
    fx.fake.enqueue(
      turn([sse.reasoning("thinking hard"), sse.message("Hello there!", { deltas: 3 })], { usage: usage(10, 5) }),
    );
    const s = await fx.boot();
    const started = await s.call("thread/start", { cwd: fx.workDir });
    const threadId = started.thread.id;
    expect(started.thread.status).toEqual({ type: "idle" });
    expect(started.cwd).toBe(fx.workDir);
    expect(started.model).toBe("gpt-test");
    expect(started.modelProvider).toBe("fake");
    const announced = await s.waitForNotification("thread/started", (p) => p.thread.id === threadId);
    expect(s.messages.indexOf(announced)).toBeGreaterThan(s.messages.findIndex((m) => m.result?.thread?.id === threadId));

    const { turn: t } = await s.call("turn/start", { threadId, input: [{ type: "text", text: "hi" }] });
    expect(t.status).toBe("inProgress");
    const completed = await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(completed.params.turn.status).toBe("completed");
    expect(completed.params.turn.error).toBeNull();

    const deltas = s.notifications("item/agentMessage/delta").map((m) => m.params.delta).join("");
    expect(deltas).toBe("Hello there!");
    const agent = s.notifications("item/completed").find((m) => m.params.item.type === "agentMessage");
    expect(agent?.params.item.text).toBe("Hello there!");
    expect(typeof agent?.params.completedAtMs).toBe("number");
    const reasoning = s.notifications("item/reasoning/summaryTextDelta").map((m) => m.params.delta).join("");
    expect(reasoning).toBe("thinking hard");
    const usageNote = await s.waitForNotification("thread/tokenUsage/updated", (p) => p.threadId === threadId);
    expect(usageNote.params.tokenUsage.total.totalTokens).toBe(15);

    // Every turn-scoped notification names the thread and the turn.
    for (const m of s.notifications()) {
      if (m.method.startsWith("item/")) expect(m.params).toMatchObject({ threadId, turnId: t.id });
    }
    // The response to turn/start precedes turn/started; status goes active then idle.
    const responseIndex = s.messages.findIndex((m) => m.result?.turn?.id === t.id);
    const startedIndex = s.messages.findIndex((m) => m.method === "turn/started");
    expect(responseIndex).toBeLessThan(startedIndex);
    // (idle may follow turn/completed by a tick: wait for it, then check the whole sequence)
    await s.waitForNotification("thread/status/changed", (p) => p.status.type === "idle");
    const statuses = s.notifications("thread/status/changed").map((m) => m.params.status.type);
    expect(statuses).toEqual(["active", "idle"]);

    const read = await s.call("thread/read", { threadId, includeTurns: true });
    expect(read.thread.turns).toHaveLength(1);
    expect(read.thread.turns[0]!.items.map((i) => i.type)).toEqual(["userMessage", "reasoning", "agentMessage"]);
  });

  it("ends a turn failed with the error when the model server fails", async () => {
    fx.fake.enqueue(fail.status(400, { body: { error: { message: "bad request from fake" } } }));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const { completed } = await runTurn(s, thread.id, "boom");
    expect(completed.params.turn.status).toBe("failed");
    expect(completed.params.turn.error!.message).toBeTruthy();
    const error = s.notifications("error").at(-1);
    expect(error?.params).toMatchObject({ threadId: thread.id, turnId: completed.params.turn.id, willRetry: false });
  });

  it("runs turns on several threads at once, each notification tagged with its thread", async () => {
    const s = await fx.boot();
    const a = (await s.call("thread/start", { cwd: fx.workDir })).thread.id;
    const b = (await s.call("thread/start", { cwd: fx.workDir })).thread.id;
    fx.fake.enqueue(turn([sse.message("from one")]), turn([sse.message("from two")]));
    const [ta, tb] = await Promise.all([
      s.call("turn/start", { threadId: a, input: [{ type: "text", text: "one" }] }),
      s.call("turn/start", { threadId: b, input: [{ type: "text", text: "two" }] }),
    ]);
    const [ca, cb] = await Promise.all([
      s.waitForNotification("turn/completed", (p) => p.threadId === a),
      s.waitForNotification("turn/completed", (p) => p.threadId === b),
    ]);
    expect(ca.params.turn.id).toBe(ta.turn.id);
    expect(cb.params.turn.id).toBe(tb.turn.id);
    const texts = [ca, cb].map((c) => findItem(c.params.turn.items, "agentMessage")?.text).sort();
    expect(texts).toEqual(["from one", "from two"]);
  });

  it("rebuilds every item of a persistExtendedHistory thread after a restart", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("exec_command", { cmd: "echo extended", yield_time_ms: 10_000 })]),
      turn([sse.message("ran it")]),
    );
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir, persistExtendedHistory: true });
    await runTurn(first, thread.id, "run");
    const live = (await first.call("thread/read", { threadId: thread.id, includeTurns: true })).thread.turns;
    expect(await first.close()).toBe(0);

    const second = await fx.boot();
    const resumed = await second.call("thread/resume", { threadId: thread.id });
    const items = resumed.thread.turns[0]!.items;
    expect(items.map((i) => i.type)).toEqual(["userMessage", "commandExecution", "agentMessage"]);
    const command = findItem(items, "commandExecution");
    expect(command!.aggregatedOutput).toContain("extended");
    expect(command!.exitCode).toBe(0);
    expect(resumed.thread.turns.map((t: { items: unknown[] }) => t.items.length)).toEqual(live.map((t: { items: unknown[] }) => t.items.length));
  });

  it("flushes the rollout when the client disconnects mid-turn", async () => {
    fx.fake.enqueue(turn([sse.functionCall("exec_command", { cmd: "sleep 30", yield_time_ms: 60_000 })]));
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir });
    await first.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "remember me" }] });
    await first.waitForNotification("item/started", (p) => p.item.type === "commandExecution");
    expect(await first.close()).toBe(0);

    const second = await fx.boot();
    const read = await second.call("thread/read", { threadId: thread.id, includeTurns: true });
    expect(read.thread.turns).toHaveLength(1);
    expect(read.thread.turns[0]!.status).toBe("interrupted");
    expect(read.thread.turns[0]!.items[0]).toMatchObject({ type: "userMessage" });
    expect(JSON.stringify(read.thread.turns[0]!.items[0])).toContain("remember me");
  });

  it("honours optOutNotificationMethods", async () => {
    fx.fake.enqueue(turn([sse.message("quiet", { deltas: 2 })]));
    const s = await fx.boot({ capabilities: { experimentalApi: true, optOutNotificationMethods: ["item/agentMessage/delta", "thread/started"] } });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "hi");
    expect(s.notifications("item/agentMessage/delta")).toHaveLength(0);
    expect(s.notifications("thread/started")).toHaveLength(0);
    expect(s.notifications("item/completed").length).toBeGreaterThan(0);
  });
});
