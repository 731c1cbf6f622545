// A thread goal's state and the rules that change it: pure functions, no clock or session.
import type { GoalSnapshot, GoalStatus, v2 } from "@codex-ts/protocol";

export type { GoalStatus };

/**
 * A goal as the runtime keeps it. Time is kept in milliseconds so sub-second remainders
 * survive accounting boundaries (clients see whole seconds).
 */
export interface Goal {
  threadId: string;
  objective: string;
  status: GoalStatus;
  tokenBudget: number | null;
  tokensUsed: number;
  timeUsedMs: number;
  /** Unix seconds. */
  createdAt: number;
  updatedAt: number;
}

/** Statuses in which the goal still has work to do (create_goal refuses while one exists). */
export function isUnfinished(status: GoalStatus): boolean {
  return status !== "complete";
}

/** Whether the goal is over its token budget. */
export function overBudget(goal: Pick<Goal, "tokenBudget" | "tokensUsed">): boolean {
  return goal.tokenBudget !== null && goal.tokensUsed >= goal.tokenBudget;
}

export function remainingTokens(goal: Pick<Goal, "tokenBudget" | "tokensUsed">): number | null {
  return goal.tokenBudget === null ? null : Math.max(0, goal.tokenBudget - goal.tokensUsed);
}

/** The app-server v2 `ThreadGoal`. */
export function toThreadGoal(goal: Goal): v2.ThreadGoal {
  return {
    threadId: goal.threadId,
    objective: goal.objective,
    status: goal.status,
    tokenBudget: goal.tokenBudget,
    tokensUsed: goal.tokensUsed,
    timeUsedSeconds: Math.floor(goal.timeUsedMs / 1000),
    createdAt: goal.createdAt,
    updatedAt: goal.updatedAt,
  };
}

/** The rollout/tool shape: as `ThreadGoal`, with `tokenBudget` left out when there is none (as Codex writes it). */
export function toSnapshot(goal: Goal): GoalSnapshot {
  const { tokenBudget, ...rest } = toThreadGoal(goal);
  return tokenBudget === null ? rest : { ...rest, tokenBudget };
}

export function fromSnapshot(snapshot: GoalSnapshot): Goal {
  return {
    threadId: snapshot.threadId,
    objective: snapshot.objective,
    status: snapshot.status,
    tokenBudget: snapshot.tokenBudget ?? null,
    tokensUsed: snapshot.tokensUsed,
    timeUsedMs: snapshot.timeUsedSeconds * 1000,
    createdAt: snapshot.createdAt,
    updatedAt: snapshot.updatedAt,
  };
}

export type GoalResult<T> = { ok: true; value: T } | { ok: false; error: string };

const MAX_OBJECTIVE_CHARS = 20_000;

function checkObjective(objective: string): string | undefined {
  if (objective.trim() === "") return "goal objective must not be empty";
  if (objective.length > MAX_OBJECTIVE_CHARS)
    return `goal objective is longer than ${MAX_OBJECTIVE_CHARS} characters`;
  return undefined;
}

function checkBudget(budget: number | null | undefined): string | undefined {
  if (budget === null || budget === undefined) return undefined;
  if (!Number.isSafeInteger(budget) || budget <= 0) return "goal budgets must be positive when provided";
  return undefined;
}

/** The status a client asked for, unless the budget limit takes precedence (over budget: not active, not paused). */
function withBudget(goal: Goal, requested: GoalStatus): GoalStatus {
  return (requested === "active" || requested === "paused") && overBudget(goal) ? "budgetLimited" : requested;
}

export interface SetGoalRequest {
  objective?: string | null;
  status?: GoalStatus | null;
  tokenBudget?: number | null;
}

/**
 * `thread/goal/set`: creates a goal (an objective is required then) or updates the current one's
 * objective, status or budget, keeping its usage — a complete goal too (as Codex 0.169 does; the
 * model's `create_goal` is what replaces a complete goal). Over its budget, a goal asked to be
 * `active` or `paused` is `budgetLimited` instead: the budget limit takes precedence.
 */
export function setGoal(
  current: Goal | null,
  request: SetGoalRequest,
  threadId: string,
  nowSeconds: number,
): GoalResult<Goal> {
  const objective = request.objective ?? undefined;
  const budgetError = checkBudget(request.tokenBudget);
  if (budgetError) return { ok: false, error: budgetError };
  if (objective !== undefined) {
    const objectiveError = checkObjective(objective);
    if (objectiveError) return { ok: false, error: objectiveError };
  }
  if (current === null) {
    if (objective === undefined)
      return { ok: false, error: `cannot update goal for thread ${threadId}: no goal exists` };
    const goal: Goal = {
      threadId,
      objective,
      status: "active",
      tokenBudget: request.tokenBudget ?? null,
      tokensUsed: 0,
      timeUsedMs: 0,
      createdAt: nowSeconds,
      updatedAt: nowSeconds,
    };
    goal.status = withBudget(goal, request.status ?? "active");
    return { ok: true, value: goal };
  }
  const next: Goal = { ...current, updatedAt: nowSeconds };
  if (objective !== undefined) next.objective = objective;
  if (request.tokenBudget !== undefined && request.tokenBudget !== null)
    next.tokenBudget = request.tokenBudget;
  if (request.status) next.status = withBudget(next, request.status);
  else if (next.status === "budgetLimited" && !overBudget(next)) next.status = "active";
  return { ok: true, value: next };
}

/** `create_goal` (model tool): only when no unfinished goal exists. */
export function createGoal(
  current: Goal | null,
  objective: string,
  tokenBudget: number | null,
  threadId: string,
  nowSeconds: number,
): GoalResult<Goal> {
  if (current && isUnfinished(current.status)) {
    return {
      ok: false,
      error:
        "cannot create a new goal because this thread has an unfinished goal; complete the existing goal first",
    };
  }
  const objectiveError = checkObjective(objective) ?? checkBudget(tokenBudget);
  if (objectiveError) return { ok: false, error: objectiveError };
  return {
    ok: true,
    value: {
      threadId,
      objective,
      status: "active",
      tokenBudget,
      tokensUsed: 0,
      timeUsedMs: 0,
      createdAt: nowSeconds,
      updatedAt: nowSeconds,
    },
  };
}

/** The statuses the model may set with `update_goal`. */
export type ModelGoalStatus = "complete" | "blocked" | "paused";

/**
 * `update_goal` (model tool). The model cannot resume a goal, nor budget- or usage-limit one;
 * a budget-limited goal may only be completed (the budget limit takes precedence over a pause).
 */
export function updateGoalByModel(
  current: Goal | null,
  status: ModelGoalStatus,
  nowSeconds: number,
): GoalResult<Goal> {
  if (!current) return { ok: false, error: "this thread has no goal to update; use create_goal first" };
  if (current.status === "complete") return { ok: false, error: "the goal is already complete" };
  if (current.status === "budgetLimited" && status !== "complete") {
    return { ok: false, error: `the goal is budget-limited; it can only be marked complete, not ${status}` };
  }
  if (current.status === "usageLimited" && status !== "complete") {
    return { ok: false, error: `the goal is usage-limited; it can only be marked complete, not ${status}` };
  }
  return { ok: true, value: { ...current, status, updatedAt: nowSeconds } };
}
