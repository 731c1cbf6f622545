export * from "./client/index.js";
export * from "./config/index.js";
