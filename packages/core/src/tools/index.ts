export * from "./types.js";
export { buildToolRegistry, dispatchToolCall } from "./registry.js";
