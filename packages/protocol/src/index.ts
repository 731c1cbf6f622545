export * from "./jsonrpc.js";
