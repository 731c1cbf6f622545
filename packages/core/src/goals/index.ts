export { goalsFor } from "./feature.js";
export {
  createGoal,
  fromSnapshot,
  type Goal,
  type GoalResult,
  isUnfinished,
  type ModelGoalStatus,
  overBudget,
  remainingTokens,
  type SetGoalRequest,
  setGoal,
  toSnapshot,
  toThreadGoal,
  updateGoalByModel,
} from "./model.js";
export {
  budgetLimitMessage,
  COMPLETION_REPORT,
  continuationMessage,
  GOAL_OBJECTIVE_ITEM,
  objectiveItem,
} from "./prompts.js";
export { goalFromEvents } from "./reconcile.js";
export {
  GOAL_TURN_ORIGIN,
  type GoalEvent,
  type GoalHost,
  GoalRuntime,
  type GoalRuntimeOptions,
} from "./runtime.js";
export {
  CREATE_GOAL_SPEC,
  GET_GOAL_SPEC,
  goalToolHandlers,
  goalToolOutput,
  UPDATE_GOAL_SPEC,
} from "./tools.js";
