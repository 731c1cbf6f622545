// The model's goal tools as Codex 0.169 offers them: get_goal, create_goal, update_goal.
import * as z from "zod";
import { parseArguments } from "../tools/args.js";
import { functionToolSpec } from "../tools/function-spec.js";
import type { ToolHandler, ToolResult } from "../tools/types.js";
import { type Goal, type GoalResult, remainingTokens, toSnapshot } from "./model.js";
import { COMPLETION_REPORT } from "./prompts.js";
import type { GoalRuntime } from "./runtime.js";

export const GET_GOAL_SPEC = functionToolSpec(
  "get_goal",
  "Read this thread's goal: objective, status, token budget, tokens and time used so far, and the tokens left in the budget.",
  {},
  [],
);

export const CREATE_GOAL_SPEC = functionToolSpec(
  "create_goal",
  "Start a goal for this thread, only when the user (or system/developer instructions) explicitly asks for one; never turn an ordinary task into a goal on your own.\nGive token_budget only when the user asked for a token budget. Fails while the thread has a goal that is not complete; change a goal's status with update_goal.",
  {
    objective: {
      type: "string",
      description:
        "Required. The concrete objective to pursue. Starts a new active goal when the thread has none, or replaces a completed one.",
    },
    token_budget: {
      type: "integer",
      description: "A positive token budget for the goal. Leave it out unless the user asked for one.",
    },
  },
  ["objective"],
);

export const UPDATE_GOAL_SPEC = functionToolSpec(
  "update_goal",
  [
    "Change the status of this thread's goal.",
    "`complete`: only when the objective is achieved and verified and no required work remains; never just because the budget runs low or you are stopping. For a goal with a token budget, tell the user the final token usage from the result.",
    "`blocked`: only when the same blocker has stopped progress for at least three consecutive goal turns (the user's turn and automatic continuations count) and you cannot get past it without the user or a change outside. A goal resumed after being blocked starts that count again. Not for work that is merely hard, slow or unclear.",
    "`paused`: only when the user explicitly asks to pause the goal, never on your own; report the returned status and stop working on the goal. A budget limit takes precedence over a pause.",
    "Resuming a goal, and budget or usage limits, are up to the user and the system, not this tool.",
  ].join("\n"),
  {
    status: {
      type: "string",
      enum: ["complete", "blocked", "paused"],
      description:
        "Required. `complete` when the objective is achieved; `blocked` after three consecutive goal turns stuck on the same blocker; `paused` only at the user's explicit request.",
    },
  },
  ["status"],
);

/** What the goal tools answer: the goal, the budget left, and on completion how to report usage. */
export function goalToolOutput(goal: Goal | null): string {
  return JSON.stringify({
    goal: goal ? toSnapshot(goal) : null,
    remainingTokens: goal ? remainingTokens(goal) : null,
    completionBudgetReport: goal?.status === "complete" ? COMPLETION_REPORT : null,
  });
}

function answer(result: GoalResult<Goal>): ToolResult {
  return result.ok
    ? { output: goalToolOutput(result.value), success: true }
    : { output: result.error, success: false };
}

const CreateArgs = z.object({ objective: z.string(), token_budget: z.number().int().nullish() });
const UpdateArgs = z.object({ status: z.enum(["complete", "blocked", "paused"]) });

/** The three goal tools, acting on `runtime`. */
export function goalToolHandlers(runtime: GoalRuntime): ToolHandler[] {
  return [
    {
      spec: GET_GOAL_SPEC,
      handle: async () => ({ output: goalToolOutput(runtime.get()), success: true }),
    },
    {
      spec: CREATE_GOAL_SPEC,
      handle: async (call) => {
        const args = parseArguments(call, CreateArgs);
        if (!args.ok) return { output: args.error, success: false };
        return answer(runtime.createByModel(args.value.objective, args.value.token_budget ?? null));
      },
    },
    {
      spec: UPDATE_GOAL_SPEC,
      handle: async (call) => {
        const args = parseArguments(call, UpdateArgs);
        if (!args.ok) return { output: args.error, success: false };
        return answer(runtime.updateByModel(args.value.status));
      },
    },
  ];
}
