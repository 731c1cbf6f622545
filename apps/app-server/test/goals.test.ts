// thread/goal/* against the built server and the fake model (every message checked by the harness
// against the official schema). Behaviours follow real Codex 0.169 as observed with the same fake.
import { readFileSync } from "node:fs";
import { fail, sse, turn, usage } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { type AppServerProcess, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const inputOf = (n: number): any[] => fx.fake.responsesRequests()[n]!.body.input;
const lastText = (input: any[]): string => {
  const message = input.filter((i) => i.type === "message").at(-1);
  return message.content.map((c: any) => c.text ?? "").join("");
};

/** Waits until the thread is idle and stays so (no further continuation turn starts). */
async function settled(s: AppServerProcess, threadId: string): Promise<void> {
  for (;;) {
    const before = s.messages.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
    const statuses = s.notifications("thread/status/changed").filter((m) => m.params.threadId === threadId);
    const idle = statuses.at(-1)?.params.status.type !== "active";
    if (idle && s.messages.length === before) return;
  }
}

/** The model marks the goal complete, then answers. */
const completing = () => [
  turn([sse.functionCall("update_goal", { status: "complete" }, { callId: "u1" })], {
    usage: usage(100, 20),
  }),
  turn([sse.message("done", { phase: "final_answer" })], { usage: usage(100, 20) }),
];

const goalUpdates = (s: AppServerProcess) => s.notifications("thread/goal/updated").map((m) => m.params);

describe("thread goals", () => {
  it("set/get/clear with notifications; continuation until update_goal complete and no turn after", async () => {
    fx.fake.enqueue(
      turn([sse.message("looking around", { phase: "final_answer" })], { usage: usage(100, 20) }),
      ...completing(),
    );
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    expect(await s.call("thread/goal/get", { threadId: thread.id })).toEqual({ goal: null });

    const set = await s.call("thread/goal/set", { threadId: thread.id, objective: "write hello" });
    expect(set.goal).toMatchObject({
      threadId: thread.id,
      objective: "write hello",
      status: "active",
      tokenBudget: null,
      tokensUsed: 0,
      timeUsedSeconds: 0,
    });
    await s.waitForNotification("thread/goal/updated", (p) => p.goal.status === "complete");
    await settled(s, thread.id);

    expect(fx.fake.responsesRequests()).toHaveLength(3);
    expect(fx.fake.unscripted).toEqual([]);
    expect(inputOf(0)).toContainEqual({
      type: "function_call_output",
      name: "goal_objective",
      namespace: "agent",
      output: "write hello",
    });
    expect(lastText(inputOf(0))).toContain(
      "- Tokens used: 0\n- Token budget: none\n- Tokens remaining: unbounded",
    );
    expect(lastText(inputOf(1))).toContain("- Tokens used: 120");

    // As in Codex: the response first, then the goal's notification, then the turn it starts.
    const answered = s.messages.findIndex((m) => m.result?.goal?.objective === "write hello");
    const announced = s.messages.findIndex((m) => m.method === "thread/goal/updated");
    const begun = s.messages.findIndex((m) => m.method === "turn/started");
    expect(answered).toBeGreaterThanOrEqual(0);
    expect(answered).toBeLessThan(announced);
    expect(announced).toBeLessThan(begun);
    const turns = s.notifications("turn/started").map((m) => m.params.turn.id);
    expect(turns).toHaveLength(2);
    const updates = goalUpdates(s);
    expect(updates.map((u) => [u.turnId, u.goal.status, u.goal.tokensUsed])).toEqual([
      [null, "active", 0],
      [turns[0], "active", 120],
      [turns[1], "active", 240],
      [turns[1], "complete", 240],
    ]);
    expect((await s.call("thread/goal/get", { threadId: thread.id })).goal).toMatchObject({
      status: "complete",
      tokensUsed: 240,
    });

    expect(await s.call("thread/goal/clear", { threadId: thread.id })).toEqual({ cleared: true });
    await s.waitForNotification("thread/goal/cleared", (p) => p.threadId === thread.id);
    expect(await s.call("thread/goal/clear", { threadId: thread.id })).toEqual({ cleared: false });
    expect(s.notifications("thread/goal/cleared")).toHaveLength(1);
    expect(await s.call("thread/goal/get", { threadId: thread.id })).toEqual({ goal: null });
  });

  it("bad params and unknown threads get JSON-RPC errors", async () => {
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    // Codex 0.169's codes and messages.
    const noGoal = await s.request("thread/goal/set", { threadId: thread.id, status: "paused" });
    expect(noGoal.error).toEqual({
      code: -32600,
      message: `cannot update goal for thread ${thread.id}: no goal exists`,
    });
    const badBudget = await s.request("thread/goal/set", {
      threadId: thread.id,
      objective: "x",
      tokenBudget: -5,
    });
    expect(badBudget.error).toEqual({ code: -32600, message: "goal budgets must be positive when provided" });
    const empty = await s.request("thread/goal/set", { threadId: thread.id, objective: "   " });
    expect(empty.error).toEqual({ code: -32600, message: "goal objective must not be empty" });
    const unknown = await s.request("thread/goal/get", { threadId: "00000000-0000-7000-8000-000000000000" });
    expect(unknown.error).toEqual({
      code: -32600,
      message: "thread not found: 00000000-0000-7000-8000-000000000000",
    });
  });

  it("a budget that runs out makes the goal budgetLimited: the turn is steered to wrap up and continuation stops", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("get_goal", {}, { callId: "g1" })], { usage: usage(6000, 20) }),
      turn([sse.message("summary", { phase: "final_answer" })], { usage: usage(100, 20) }),
    );
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await s.call("thread/goal/set", { threadId: thread.id, objective: "big job", tokenBudget: 5000 });
    await s.waitForNotification("turn/completed");
    await settled(s, thread.id);
    expect(fx.fake.responsesRequests()).toHaveLength(2);
    expect(lastText(inputOf(1))).toContain("used up its token budget");
    expect(goalUpdates(s).map((u) => u.goal.status)).toEqual(["active", "budgetLimited", "budgetLimited"]);
    expect((await s.call("thread/goal/get", { threadId: thread.id })).goal).toMatchObject({
      status: "budgetLimited",
      tokensUsed: 6140,
      tokenBudget: 5000,
    });
  });

  it("a usage-limit error makes the goal usageLimited and stops continuation", async () => {
    fx.fake.enqueue(
      fail.status(429, {
        body: { error: { type: "usage_limit_reached", message: "You've hit your usage limit." } },
      }),
    );
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await s.call("thread/goal/set", { threadId: thread.id, objective: "job" });
    await s.waitForNotification("thread/goal/updated", (p) => p.goal.status === "usageLimited");
    await settled(s, thread.id);
    expect(fx.fake.responsesRequests()).toHaveLength(1);
    expect(s.notifications("turn/started")).toHaveLength(1);
  });

  it("interrupt: the goal stays active and waits (Codex 0.169); set active resumes it; a user message during a goal turn goes first", async () => {
    let open!: () => void;
    const gate = new Promise<void>((resolve) => {
      open = resolve;
    });
    fx.fake.enqueue(
      turn([sse.message("working", { phase: "final_answer" })], { usage: usage(100, 20), hold: true }),
      turn([sse.message("working again", { phase: "final_answer" })], { usage: usage(100, 20), gate }),
      turn([sse.message("hello user", { phase: "final_answer" })], { usage: usage(100, 20) }),
      ...completing(),
    );
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await s.call("thread/goal/set", { threadId: thread.id, objective: "job" });
    const first = await s.waitForNotification("turn/started");
    await fx.fake.waitForResponsesRequests(1);
    await s.call("turn/interrupt", { threadId: thread.id, turnId: first.params.turn.id });
    await s.waitForNotification("turn/completed", (p) => p.turn.status === "interrupted");
    await settled(s, thread.id);
    expect((await s.call("thread/goal/get", { threadId: thread.id })).goal?.status).toBe("active");
    expect(s.notifications("turn/started")).toHaveLength(1);

    await s.call("thread/goal/set", { threadId: thread.id, status: "active" });
    const second = await s.waitForNotification("turn/started", (p) => p.turn.id !== first.params.turn.id);
    await fx.fake.waitForResponsesRequests(2);
    await s.call("turn/steer", {
      threadId: thread.id,
      expectedTurnId: second.params.turn.id,
      input: [{ type: "text", text: "user says hi" }],
    });
    open();
    await s.waitForNotification("thread/goal/updated", (p) => p.goal.status === "complete");
    await settled(s, thread.id);
    expect(lastText(inputOf(2))).toBe("user says hi");
    expect(lastText(inputOf(3))).toMatch(/^<codex_internal_context source="goal">/);
  });

  it("a resumed thread shows its goal (from the store and the rollout); a thread that is not loaded answers from the store", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("update_goal", { status: "paused" }, { callId: "p1" })], {
        usage: usage(100, 20),
      }),
    );
    fx.fake.enqueue(turn([sse.message("paused", { phase: "final_answer" })], { usage: usage(100, 20) }));
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir });
    await first.call("thread/goal/set", { threadId: thread.id, objective: "keep going", tokenBudget: 9000 });
    await first.waitForNotification("thread/goal/updated", (p) => p.goal.status === "paused");
    await settled(first, thread.id);
    await first.dispose();

    const rollout = readFileSync(thread.path!, "utf8");
    const goalLines = rollout.split("\n").filter((line) => line.includes('"thread_goal_updated"'));
    expect(goalLines.length).toBeGreaterThanOrEqual(2);
    expect(JSON.parse(goalLines.at(-1)!).payload).toMatchObject({
      type: "thread_goal_updated",
      goal: { status: "paused", tokenBudget: 9000 },
    });

    const second = await fx.boot();
    expect((await second.call("thread/goal/get", { threadId: thread.id })).goal).toMatchObject({
      objective: "keep going",
      status: "paused",
    });
    const resumed = await second.call("thread/resume", { threadId: thread.id });
    // The goal's internal context is not shown as the user's words.
    const userTexts = resumed.thread.turns.flatMap((t) =>
      t.items.flatMap((i) => (i.type === "userMessage" ? [JSON.stringify(i.content)] : [])),
    );
    expect(userTexts.join("\n")).not.toContain("codex_internal_context");
    expect(resumed.thread.turns).toHaveLength(1);
    const snapshot = await second.waitForNotification("thread/goal/updated", (p) => p.threadId === thread.id);
    expect(snapshot.params).toMatchObject({
      turnId: null,
      goal: { objective: "keep going", status: "paused", tokensUsed: 120, tokenBudget: 9000 },
    });
    const response = second.messages.findIndex((m) => m.result?.thread?.id === thread.id);
    expect(response).toBeLessThan(second.messages.indexOf(snapshot));
    expect((await second.call("thread/goal/get", { threadId: thread.id })).goal).toMatchObject({
      status: "paused",
    });
    // Paused: resuming the thread starts nothing by itself.
    await settled(second, thread.id);
    expect(second.notifications("turn/started")).toHaveLength(0);
  });

  it("a goal set while the thread is not loaded is stored, and the thread works on it once resumed (as Codex 0.169)", async () => {
    fx.fake.enqueue(
      turn([sse.message("hello", { phase: "final_answer" })], { usage: usage(10, 5) }),
      ...completing(),
    );
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir });
    await first.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "hi" }] });
    await first.waitForNotification("turn/completed");
    await first.dispose();

    const second = await fx.boot();
    const set = await second.call("thread/goal/set", { threadId: thread.id, objective: "while away" });
    expect(set.goal).toMatchObject({ objective: "while away", status: "active" });
    await second.waitForNotification("thread/goal/updated", (p) => p.threadId === thread.id);
    expect(fx.fake.responsesRequests()).toHaveLength(1);

    await second.call("thread/resume", { threadId: thread.id });
    await second.waitForNotification("thread/goal/updated", (p) => p.goal.status === "complete");
    await settled(second, thread.id);
    expect(fx.fake.responsesRequests()).toHaveLength(3);
    expect(fx.fake.responsesRequests()[1]!.body.input).toContainEqual({
      type: "function_call_output",
      name: "goal_objective",
      namespace: "agent",
      output: "while away",
    });
  });
});
