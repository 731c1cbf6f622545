// Goals on a real session against the fake Responses server.
import { EventMsg } from "@codex-ts/protocol";
import { type FakeResponsesServer, fail, sse, turn, usage } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import type { SessionEvent } from "../session/events.js";
import { type Harness, say, startSession, useSessionDirs } from "../session/test-harness.js";
import { goalsFor } from "./feature.js";
import { type GoalEvent, GoalRuntime, type GoalRuntimeOptions } from "./runtime.js";

let server: FakeResponsesServer;
let work: string;
let harness: Harness | undefined;
useSessionDirs(
  "codex-goals-",
  (dirs) => {
    server = dirs.server;
    work = dirs.work;
  },
  async () => {
    await harness?.session.shutdown();
    harness = undefined;
  },
);

interface GoalRig extends Harness {
  runtime: GoalRuntime;
  goalEvents: GoalEvent[];
  /** Resolves after the n-th turn (counting from the first) ended. */
  turnsEnded(n: number): Promise<void>;
}

function start(now?: () => number, extra: Partial<GoalRuntimeOptions> = {}): GoalRig {
  const goalEvents: GoalEvent[] = [];
  const runtime = new GoalRuntime({
    threadId: "pending",
    onEvent: (e) => goalEvents.push(e),
    ...(now ? { now } : {}),
    ...extra,
  });
  harness = startSession(server, work, { toolProviders: [goalsFor(runtime)] });
  const rig = harness;
  const turnsEnded = async (n: number) => {
    await rig.waitFor(
      () =>
        rig.events.filter((e) => e.msg.type === "task_complete" || e.msg.type === "turn_aborted").length >= n,
    );
  };
  return { ...rig, runtime, goalEvents, turnsEnded };
}

const inputOf = (n: number): any[] => server.responsesRequests()[n]!.body.input;
const texts = (input: any[]) =>
  input.filter((i) => i.type === "message").map((i) => i.content.map((c: any) => c.text ?? "").join(""));
const turnStarts = (events: SessionEvent[]) => events.filter((e) => e.msg.type === "task_started").length;
const statuses = (events: GoalEvent[]) =>
  events.flatMap((e) => (e.type === "thread_goal_updated" ? [e.goal.status] : []));

/** Waits until the session was idle for a moment and nothing new started (no further continuation). */
async function settled(rig: Harness): Promise<void> {
  for (;;) {
    const before = rig.events.length;
    await new Promise((resolve) => setTimeout(resolve, 150));
    if (!rig.session.isBusy() && rig.events.length === before) return;
  }
}

/** A promise the test opens: a scripted response waits for it. */
function manualGate(): { gate: Promise<void>; open: () => void } {
  let open!: () => void;
  const gate = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { gate, open };
}

/** The model marks the goal complete, then answers. */
const completing = () => [
  turn([sse.functionCall("update_goal", { status: "complete" }, { callId: "u1" })], {
    usage: usage(100, 20),
  }),
  turn([sse.message("done", { phase: "final_answer" })], { usage: usage(100, 20) }),
];

/** Sets a goal whose first continuation turn hangs, and interrupts that turn. */
async function interruptFirstGoalTurn(rig: GoalRig): Promise<void> {
  rig.runtime.set({ objective: "job" });
  await server.waitForResponsesRequests(1);
  rig.session.submit({ type: "interrupt" });
  await rig.turnsEnded(1);
}

function expectWellFormed(rig: GoalRig) {
  for (const e of [...rig.events.map((x) => x.msg), ...rig.goalEvents]) {
    const parsed = EventMsg.safeParse(e);
    expect(parsed.success, `${e.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }
}

describe("goal continuation on a real session", () => {
  it("set on an idle session starts a turn with the objective and the budget, continues until update_goal complete, then stops", async () => {
    server.enqueue(
      turn([sse.message("looking around", { phase: "final_answer" })], { usage: usage(100, 20) }),
      ...completing(),
    );
    const rig = start();
    const set = rig.runtime.set({ objective: "write hello.txt", tokenBudget: 10_000 });
    expect(set).toMatchObject({ ok: true, value: { status: "active", tokensUsed: 0 } });
    await rig.turnsEnded(2);
    await settled(rig);

    expect(server.responsesRequests()).toHaveLength(3);
    expect(server.unscripted).toEqual([]);
    const first = inputOf(0);
    expect(first).toContainEqual({
      type: "function_call_output",
      name: "goal_objective",
      namespace: "agent",
      output: "write hello.txt",
    });
    const opening = texts(first).at(-1)!;
    expect(opening).toMatch(/^<codex_internal_context source="goal">/);
    expect(opening).toContain("- Tokens used: 0\n- Token budget: 10000\n- Tokens remaining: 10000");
    // The second continuation reports the first turn's usage; the objective is not repeated.
    const second = inputOf(1);
    expect(texts(second).at(-1)).toContain(
      "- Tokens used: 120\n- Token budget: 10000\n- Tokens remaining: 9880",
    );
    expect(second.filter((i) => i.name === "goal_objective")).toHaveLength(1);
    // update_goal answers with the goal and how to report usage.
    const output = JSON.parse(
      inputOf(2).find((i) => i.type === "function_call_output" && i.call_id === "u1").output,
    );
    expect(output).toMatchObject({
      goal: { status: "complete", tokensUsed: 240, tokenBudget: 10000 },
      remainingTokens: 9760,
    });
    expect(output.completionBudgetReport).toEqual(expect.any(String));
    // The tokens of the response after completion do not count.
    expect(rig.runtime.get()).toMatchObject({ status: "complete", tokensUsed: 240 });
    expect(statuses(rig.goalEvents)).toEqual(["active", "active", "active", "complete"]);
    const turnIds = rig.events.flatMap((e) => (e.msg.type === "task_started" ? [e.msg.turn_id] : []));
    expect(
      rig.goalEvents.map((e) => (e.type === "thread_goal_updated" ? (e.turnId ?? null) : "cleared")),
    ).toEqual([null, turnIds[0], turnIds[1], turnIds[1]]);
    expectWellFormed(rig);
  });

  it("a goal over its token budget becomes budgetLimited, the rest of the turn is steered to wrap up, and no turn follows", async () => {
    server.enqueue(
      turn([sse.functionCall("get_goal", {}, { callId: "g1" })], { usage: usage(6000, 20) }),
      turn([sse.message("summary of progress", { phase: "final_answer" })], { usage: usage(100, 20) }),
    );
    const rig = start();
    rig.runtime.set({ objective: "big job", tokenBudget: 5000 });
    await rig.turnsEnded(1);
    await settled(rig);

    expect(server.responsesRequests()).toHaveLength(2);
    const steer = texts(inputOf(1)).at(-1)!;
    expect(steer).toContain("used up its token budget");
    expect(steer).toContain("<objective>\nbig job\n</objective>");
    expect(steer).toContain("- Tokens used: 6020\n- Token budget: 5000");
    // Tokens of the wrap-up request still count; the status stays budgetLimited.
    expect(rig.runtime.get()).toMatchObject({ status: "budgetLimited", tokensUsed: 6140 });
    expect(statuses(rig.goalEvents)).toEqual(["active", "budgetLimited", "budgetLimited"]);
    expect(turnStarts(rig.events)).toBe(1);
    expectWellFormed(rig);
  });

  it("no wrap-up steering when update_goal completes the goal in the response that crossed the budget", async () => {
    server.enqueue(
      turn([sse.functionCall("update_goal", { status: "complete" }, { callId: "u1" })], {
        usage: usage(6000, 20),
      }),
      turn([sse.message("done", { phase: "final_answer" })], { usage: usage(100, 20) }),
    );
    const rig = start();
    rig.runtime.set({ objective: "big job", tokenBudget: 5000 });
    await rig.turnsEnded(1);
    await settled(rig);
    expect(texts(inputOf(1)).join("\n")).not.toContain("used up its token budget");
    expect(rig.runtime.get()).toMatchObject({ status: "complete", tokensUsed: 6020 });
  });

  it("a usage-limit error makes the goal usageLimited and stops continuation", async () => {
    server.enqueue(
      fail.status(429, {
        body: { error: { type: "usage_limit_reached", message: "You've hit your usage limit." } },
      }),
    );
    const rig = start();
    rig.runtime.set({ objective: "job" });
    await rig.turnsEnded(1);
    await settled(rig);
    expect(server.responsesRequests()).toHaveLength(1);
    expect(rig.runtime.get()?.status).toBe("usageLimited");
    expect(turnStarts(rig.events)).toBe(1);
  });

  it("another turn failure marks the goal blocked (as Codex 0.169 does)", async () => {
    server.enqueue(fail.status(400, { body: { error: { message: "bad request" } } }));
    const rig = start();
    rig.runtime.set({ objective: "job" });
    await rig.turnsEnded(1);
    await settled(rig);
    expect(rig.runtime.get()?.status).toBe("blocked");
  });

  it("an interrupt leaves the goal active but starts nothing until the user acts; setting it active again continues", async () => {
    server.enqueue(
      turn([sse.message("working", { phase: "final_answer" })], { usage: usage(100, 20), hold: true }),
      ...completing(),
    );
    const rig = start();
    await interruptFirstGoalTurn(rig);
    await settled(rig);
    expect(rig.runtime.get()?.status).toBe("active");
    expect(turnStarts(rig.events)).toBe(1);
    const interruptedTurn = rig.runtime.get() && rig.goalEvents.at(-1);
    expect(interruptedTurn).toMatchObject({ type: "thread_goal_updated", turnId: expect.any(String) });

    rig.runtime.set({ status: "active" });
    await rig.turnsEnded(2);
    await settled(rig);
    expect(rig.runtime.get()?.status).toBe("complete");
    expect(turnStarts(rig.events)).toBe(2);
  });

  it("after an interrupt, the user's next turn goes first and the goal continues after it", async () => {
    server.enqueue(
      turn([sse.message("working", { phase: "final_answer" })], { usage: usage(100, 20), hold: true }),
      turn([sse.message("hello user", { phase: "final_answer" })], { usage: usage(100, 20) }),
      ...completing(),
    );
    const rig = start();
    await interruptFirstGoalTurn(rig);
    rig.session.submit(say("what are you doing?"));
    await rig.turnsEnded(3);
    await settled(rig);
    expect(texts(inputOf(1)).at(-1)).toBe("what are you doing?");
    // The objective is given again after the user's turn.
    expect(inputOf(2).filter((i) => i.name === "goal_objective")).toHaveLength(2);
    expect(rig.runtime.get()).toMatchObject({ status: "complete", tokensUsed: 240 });
  });

  it("user input while a continuation runs goes into it before the next request; the goal continues after", async () => {
    const { gate, open } = manualGate();
    server.enqueue(
      turn([sse.message("working", { phase: "final_answer" })], { usage: usage(100, 20), gate }),
      turn([sse.message("hello user", { phase: "final_answer" })], { usage: usage(100, 20) }),
      ...completing(),
    );
    const rig = start();
    rig.runtime.set({ objective: "job" });
    await server.waitForResponsesRequests(1);
    rig.session.submit(say("user says hi"));
    open();
    await rig.turnsEnded(2);
    await settled(rig);
    expect(texts(inputOf(1)).at(-1)).toBe("user says hi");
    expect(texts(inputOf(2)).at(-1)).toMatch(/^<codex_internal_context source="goal">/);
    expect(server.responsesRequests()).toHaveLength(4);
    expect(rig.runtime.get()?.status).toBe("complete");
  });

  it("a goal set while the user's turn runs starts only after that turn", async () => {
    const { gate, open } = manualGate();
    server.enqueue(
      turn([sse.message("user turn", { phase: "final_answer" })], { usage: usage(100, 20), gate }),
      ...completing(),
    );
    const rig = start();
    rig.session.submit(say("first"));
    await server.waitForResponsesRequests(1);
    expect(rig.runtime.set({ objective: "job" }).ok).toBe(true);
    open();
    await rig.turnsEnded(2);
    await settled(rig);
    expect(texts(inputOf(0)).at(-1)).toBe("first");
    expect(texts(inputOf(1)).at(-1)).toMatch(/^<codex_internal_context source="goal">/);
    // The user's turn counted toward the goal once the goal existed.
    expect(rig.runtime.get()).toMatchObject({ status: "complete", tokensUsed: 240 });
  });
});

describe("continuation turns without tool calls", () => {
  const plain = (text: string) =>
    turn([sse.message(text, { phase: "final_answer" })], { usage: usage(10, 5) });

  it("go on without a limit, as Codex 0.169 does", async () => {
    server.enqueue(plain("a"), plain("b"), plain("c"), ...completing());
    const rig = start();
    rig.runtime.set({ objective: "job" });
    await rig.turnsEnded(4);
    await settled(rig);
    expect(turnStarts(rig.events)).toBe(4);
    expect(rig.runtime.get()?.status).toBe("complete");
  });

  it("stop after maxTurnsWithoutToolCalls in a row (a turn with a tool call resets the count); the goal stays active", async () => {
    server.enqueue(
      plain("a"),
      turn([sse.functionCall("get_goal", {}, { callId: "g1" })], { usage: usage(10, 5) }),
      plain("b"),
      plain("c"),
      plain("d"),
    );
    const rig = start(undefined, { maxTurnsWithoutToolCalls: 2 });
    rig.runtime.set({ objective: "job" });
    await rig.turnsEnded(4);
    await settled(rig);
    expect(turnStarts(rig.events)).toBe(4);
    expect(server.responsesRequests()).toHaveLength(5);
    expect(rig.runtime.get()?.status).toBe("active");
    expect(rig.runtime.isWorking()).toBe(false);
  });
});

describe("goal tools in a user's turn", () => {
  it("create_goal starts a goal (objective given before the next request), refuses a second one, and the goal continues after the turn", async () => {
    server.enqueue(
      turn(
        [
          sse.functionCall(
            "create_goal",
            { objective: "model goal", token_budget: 50_000 },
            { callId: "c1" },
          ),
        ],
        { usage: usage(100, 20) },
      ),
      turn([sse.functionCall("create_goal", { objective: "again" }, { callId: "c2" })], {
        usage: usage(100, 20),
      }),
      turn([sse.functionCall("get_goal", {}, { callId: "g1" })], { usage: usage(100, 20) }),
      turn([sse.message("on it", { phase: "final_answer" })], { usage: usage(100, 20) }),
      ...completing(),
    );
    const rig = start();
    rig.session.submit(say("make a goal with a 50k budget"));
    await rig.turnsEnded(2);
    await settled(rig);
    // The tools are offered as Codex 0.169 lists them.
    const tools = server.responsesRequests()[0]!.body.tools.map((t: any) => t.name);
    expect(tools).toEqual(expect.arrayContaining(["get_goal", "create_goal", "update_goal"]));
    const second = inputOf(1);
    const created = second.findIndex((i) => i.type === "function_call_output" && i.call_id === "c1");
    expect(JSON.parse(second[created].output)).toMatchObject({
      goal: { objective: "model goal", status: "active", tokenBudget: 50000 },
      remainingTokens: 50000,
      completionBudgetReport: null,
    });
    expect(second[created + 1]).toEqual({
      type: "function_call_output",
      name: "goal_objective",
      namespace: "agent",
      output: "model goal",
    });
    const refused = inputOf(2).find((i) => i.type === "function_call_output" && i.call_id === "c2");
    expect(refused.output).toContain("unfinished goal");
    // After the user's turn, a continuation turn follows; the objective is not repeated in it.
    const continuation = inputOf(4);
    expect(texts(continuation).at(-1)).toMatch(/^<codex_internal_context source="goal">/);
    expect(continuation.filter((i) => i.name === "goal_objective")).toHaveLength(1);
    expect(rig.runtime.get()).toMatchObject({ objective: "model goal", status: "complete" });
    expectWellFormed(rig);
  });
});

/** A `task_started` event of submission `id`. */
function turnStarted(id: string, turnId: string): SessionEvent {
  return {
    id,
    msg: {
      type: "task_started",
      turn_id: turnId,
      model_context_window: null,
      collaboration_mode_kind: "default",
    },
  };
}

describe("goal accounting", () => {
  it("wall-clock time counts while active, at boundaries, keeping sub-second remainders", () => {
    let clock = 1_000_000;
    const runtime = new GoalRuntime({ threadId: "t", now: () => clock });
    runtime.set({ objective: "job" });
    clock += 700;
    runtime.observe(turnStarted("s1", "turn-1"));
    clock += 700;
    runtime.observe({
      id: "s1",
      msg: { type: "task_complete", turn_id: "turn-1", last_agent_message: null },
    });
    expect(runtime.get()?.timeUsedMs).toBe(1400);
    runtime.set({ status: "paused" });
    clock += 5000;
    runtime.set({ status: "active" });
    clock += 600;
    runtime.observe(turnStarted("s2", "turn-2"));
    // 0.7 + 0.7 + 0.6 s while active (the paused 5 s do not count): 2 s, not the 0 s whole-second boundaries would give.
    expect(runtime.get()?.timeUsedMs).toBe(2000);
  });

  it("a running turn is given a changed objective before its next request, once", () => {
    const runtime = new GoalRuntime({ threadId: "t" });
    runtime.set({ objective: "first" });
    expect(runtime.takeRequestItems()).toEqual([]);
    runtime.observe(turnStarted("s1", "turn-1"));
    runtime.set({ objective: "second" });
    expect(runtime.takeRequestItems()).toEqual([
      { type: "function_call_output", name: "goal_objective", namespace: "agent", output: "second" },
    ]);
    expect(runtime.takeRequestItems()).toEqual([]);
  });

  it("counts each response's tokens while active and publishes them with the turn id", () => {
    const events: GoalEvent[] = [];
    const runtime = new GoalRuntime({ threadId: "t", onEvent: (e) => events.push(e) });
    runtime.set({ objective: "job", tokenBudget: 100 });
    runtime.observe(turnStarted("s1", "turn-1"));
    const usageEvent = (total: number): SessionEvent => ({
      id: "s1",
      msg: {
        type: "token_count",
        info: {
          total_token_usage: {
            input_tokens: 0,
            cached_input_tokens: 0,
            output_tokens: 0,
            reasoning_output_tokens: 0,
            total_tokens: total,
          },
          // As Codex counts: uncached input plus output (the 20 cached input tokens do not count).
          last_token_usage: {
            input_tokens: total,
            cached_input_tokens: 20,
            output_tokens: 20,
            reasoning_output_tokens: 5,
            total_tokens: total + 20,
          },
          model_context_window: null,
        },
        rate_limits: null,
      },
    });
    runtime.observe(usageEvent(60));
    runtime.observe(usageEvent(60));
    expect(runtime.get()).toMatchObject({ tokensUsed: 120, status: "budgetLimited" });
    expect(runtime.takeRequestItems()).toHaveLength(1);
    expect(runtime.takeRequestItems()).toHaveLength(0);
    expect(events.at(-1)).toMatchObject({
      type: "thread_goal_updated",
      turnId: "turn-1",
      goal: { status: "budgetLimited", tokenBudget: 100 },
    });
    expect(runtime.clear()).toBe(true);
    expect(runtime.clear()).toBe(false);
    expect(events.at(-1)).toEqual({ type: "thread_goal_cleared", threadId: "t" });
  });
});
