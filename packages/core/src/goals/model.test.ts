import { v2 } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { createGoal, type Goal, setGoal, toSnapshot, toThreadGoal, updateGoalByModel } from "./model.js";
import { goalFromEvents } from "./reconcile.js";

const T = "thread-1";
const base = (over: Partial<Goal> = {}): Goal => ({
  threadId: T,
  objective: "ship it",
  status: "active",
  tokenBudget: null,
  tokensUsed: 0,
  timeUsedMs: 0,
  createdAt: 100,
  updatedAt: 100,
  ...over,
});

describe("goal rules", () => {
  it("set creates an active goal, needs an objective to create, and rejects bad budgets (Codex 0.169's messages)", () => {
    const created = setGoal(null, { objective: "ship it", tokenBudget: 500 }, T, 7);
    expect(created).toEqual({ ok: true, value: base({ tokenBudget: 500, createdAt: 7, updatedAt: 7 }) });
    expect(setGoal(null, { status: "paused" }, T, 7)).toEqual({
      ok: false,
      error: `cannot update goal for thread ${T}: no goal exists`,
    });
    expect(setGoal(null, { objective: "   " }, T, 7)).toEqual({
      ok: false,
      error: "goal objective must not be empty",
    });
    expect(setGoal(null, { objective: "x", tokenBudget: 0 }, T, 7)).toEqual({
      ok: false,
      error: "goal budgets must be positive when provided",
    });
    expect(setGoal(null, { objective: "x", tokenBudget: 1.5 }, T, 7).ok).toBe(false);
  });

  it("set keeps usage and status when the objective changes, even on a complete goal (as Codex 0.169)", () => {
    const used = base({ tokensUsed: 900, tokenBudget: 1000, status: "paused" });
    expect(setGoal(used, { objective: "ship it well" }, T, 9)).toMatchObject({
      ok: true,
      value: { objective: "ship it well", tokensUsed: 900, status: "paused", updatedAt: 9 },
    });
    const done = base({ status: "complete", tokensUsed: 50 });
    expect(setGoal(done, { objective: "next thing" }, T, 9)).toMatchObject({
      ok: true,
      value: { objective: "next thing", tokensUsed: 50, status: "complete", createdAt: 100 },
    });
  });

  it("over budget, active or paused is asked for in vain: the budget limit takes precedence", () => {
    const spent = base({ tokensUsed: 1000, tokenBudget: 1000, status: "budgetLimited" });
    expect(setGoal(spent, { status: "active" }, T, 9)).toMatchObject({
      ok: true,
      value: { status: "budgetLimited" },
    });
    expect(setGoal(spent, { status: "paused" }, T, 9)).toMatchObject({
      ok: true,
      value: { status: "budgetLimited" },
    });
    expect(setGoal(spent, { status: "complete" }, T, 9)).toMatchObject({
      ok: true,
      value: { status: "complete" },
    });
    expect(setGoal(spent, { tokenBudget: 50 }, T, 9)).toMatchObject({
      ok: true,
      value: { status: "budgetLimited", tokenBudget: 50 },
    });
    expect(setGoal(spent, { status: "active", tokenBudget: 5000 }, T, 9)).toMatchObject({
      ok: true,
      value: { status: "active", tokenBudget: 5000 },
    });
    expect(setGoal(spent, { tokenBudget: 5000 }, T, 9)).toMatchObject({
      ok: true,
      value: { status: "active" },
    });
  });

  it("create_goal fails while an unfinished goal exists and replaces a complete one", () => {
    for (const status of ["active", "paused", "blocked", "usageLimited", "budgetLimited"] as const) {
      const result = createGoal(base({ status }), "other", null, T, 1);
      expect(result).toMatchObject({ ok: false, error: expect.stringContaining("unfinished goal") });
    }
    expect(createGoal(base({ status: "complete" }), "other", 10, T, 1)).toMatchObject({
      ok: true,
      value: { objective: "other", tokenBudget: 10, status: "active" },
    });
    expect(createGoal(null, "x", -3, T, 1).ok).toBe(false);
  });

  it("update_goal: complete/blocked/paused, never out of complete; a budget- or usage-limited goal can only complete", () => {
    expect(updateGoalByModel(null, "complete", 1)).toMatchObject({
      ok: false,
      error: expect.stringContaining("no goal"),
    });
    expect(updateGoalByModel(base(), "paused", 2)).toMatchObject({
      ok: true,
      value: { status: "paused", updatedAt: 2 },
    });
    expect(updateGoalByModel(base({ status: "paused" }), "blocked", 2)).toMatchObject({
      ok: true,
      value: { status: "blocked" },
    });
    expect(updateGoalByModel(base({ status: "complete" }), "paused", 2).ok).toBe(false);
    expect(updateGoalByModel(base({ status: "budgetLimited" }), "paused", 2)).toMatchObject({
      ok: false,
      error: expect.stringContaining("budget-limited"),
    });
    expect(updateGoalByModel(base({ status: "budgetLimited" }), "complete", 2)).toMatchObject({
      ok: true,
      value: { status: "complete" },
    });
    expect(updateGoalByModel(base({ status: "usageLimited" }), "blocked", 2).ok).toBe(false);
  });

  it("wire shapes: ThreadGoal in whole seconds (remainder kept inside), the rollout shape without a null budget", () => {
    const goal = base({ timeUsedMs: 2999, tokenBudget: null });
    const wire = toThreadGoal(goal);
    expect(wire.timeUsedSeconds).toBe(2);
    expect(v2.ThreadGoal.safeParse(wire).success).toBe(true);
    expect(toSnapshot(goal)).not.toHaveProperty("tokenBudget");
    expect(toSnapshot(base({ tokenBudget: 4 }))).toHaveProperty("tokenBudget", 4);
  });

  it("reconciles from rollout events: the last update wins, a later clear removes it, other threads are ignored", () => {
    const updated = (objective: string, threadId = T) => ({
      type: "thread_goal_updated" as const,
      threadId,
      goal: { ...toSnapshot(base({ objective })), threadId },
    });
    expect(goalFromEvents([updated("a"), updated("b")], T)?.objective).toBe("b");
    expect(goalFromEvents([updated("a"), { type: "thread_goal_cleared", threadId: T }], T)).toBeNull();
    expect(goalFromEvents([updated("a"), updated("parent", "other")], T)?.objective).toBe("a");
    expect(goalFromEvents([], T)).toBeNull();
  });
});
