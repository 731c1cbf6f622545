export * from "./jsonrpc.js";
export * from "./exec-events.js";
export * from "./responses.js";
export * from "./permissions.js";
