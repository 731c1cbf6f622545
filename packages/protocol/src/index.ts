export * from "./jsonrpc.js";
export * from "./exec-events.js";
export * from "./responses.js";
export * from "./permissions.js";
export * as v2 from "./v2/index.js";
export * from "./core/index.js";
export * from "./rollout.js";
export * from "./generate/index.js";
export * from "./hooks.js";
