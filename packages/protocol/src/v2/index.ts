export * from "./common.js";
export * from "./policy.js";
export * from "./requests.js";
export * from "./thread.js";
