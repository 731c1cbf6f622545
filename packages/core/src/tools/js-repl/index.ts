export {
  DEFAULT_JS_REPL_TIMEOUT_MS,
  JS_REPL_PRAGMA,
  JS_REPL_RESET_TOOL,
  JS_REPL_TOOL,
  jsReplTools,
  parseJsReplInput,
} from "./handler.js";
export { KERNEL_MARK, KERNEL_SOURCE } from "./kernel.js";
export { type ExecOutcome, JsReplKernel, type NestedToolRunner } from "./manager.js";
