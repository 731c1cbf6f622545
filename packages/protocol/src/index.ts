export * from "./jsonrpc.js";
export * from "./exec-events.js";
