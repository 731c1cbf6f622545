export * from "./events.js";
export * from "./items.js";
export * from "./ops.js";
export * from "./policy.js";
export * from "./review.js";
export * from "./rollback.js";
export * from "./permissions-v2.js";
export { GoalSnapshot, GoalStatus, ThreadGoalClearedEvent, ThreadGoalUpdatedEvent } from "./goals.js";
