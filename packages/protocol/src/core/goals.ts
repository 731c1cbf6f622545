import * as z from "zod";
import { omittableField } from "../responses.js";
import { ThreadGoalStatus } from "../v2/turn-requests.js";

/**
 * Thread goals as core events and rollout lines (`event_msg`). Codex 0.169 writes
 * `{"type":"thread_goal_updated","threadId":…,"goal":{…}}` (camelCase, `tokenBudget` left out
 * when there is none) when a goal is set; codex-ts writes one on every change (set, model tools,
 * accounting at turn boundaries) plus `thread_goal_cleared`, so a resumed thread finds its goal
 * in the rollout alone. `turnId` names the turn that changed the goal, when one did.
 */
export const GoalStatus = ThreadGoalStatus;
export type GoalStatus = z.infer<typeof GoalStatus>;

const Int = z.number().int();

/** A goal as rollout lines and core events carry it (the v2 `ThreadGoal`, `tokenBudget` omittable). */
export const GoalSnapshot = z.object({
  threadId: z.string(),
  objective: z.string(),
  status: GoalStatus,
  tokenBudget: omittableField(Int),
  tokensUsed: Int,
  timeUsedSeconds: Int,
  createdAt: Int,
  updatedAt: Int,
});
export type GoalSnapshot = z.infer<typeof GoalSnapshot>;

export const ThreadGoalUpdatedEvent = z.object({
  type: z.literal("thread_goal_updated"),
  threadId: z.string(),
  turnId: omittableField(z.string()),
  goal: GoalSnapshot,
});
export const ThreadGoalClearedEvent = z.object({
  type: z.literal("thread_goal_cleared"),
  threadId: z.string(),
});
