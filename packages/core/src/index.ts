export * from "./agents/index.js";
export * from "./client/index.js";
export * from "./config/index.js";
export * from "./session/index.js";
export * from "./tools/index.js";
export * from "./goals/index.js";
export * from "./mcp/index.js";
export * from "./permissions/index.js";
