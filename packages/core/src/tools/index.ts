// The tools of @codex-ts/core: seam types, the per-turn registry, and each tool.

export * from "./types.js";
export {
  buildToolRegistry,
  dispatchToolCall,
  webSearchSpec,
  type ToolCallHooks,
  type ToolProvider,
  type ToolProviderTurn,
} from "./registry.js";
export { parseArguments, type ParsedArgs } from "./args.js";

// Output truncation shared by every tool.
export {
  BYTES_PER_TOKEN,
  DEFAULT_OUTPUT_BYTES,
  bytesForTokens,
  truncateMiddle,
  truncateOutput,
  type TruncateOptions,
  type TruncatedText,
} from "./truncate.js";

// Approvals.
export {
  assessCommand,
  assessPatch,
  coveredBySessionPrefix,
  execDecisions,
  patchDecisions,
  pathsWritable,
  requestApproval,
  type ApprovalOutcome,
  type Assessment,
} from "./approval.js";

// apply_patch.
export {
  APPLY_PATCH_LARK_GRAMMAR,
  applyPatchFreeformSpec,
  applyPatchFunctionSpec,
  applyPatchHandler,
  runApplyPatch,
} from "./apply-patch/handler.js";
export { parsePatch, type Hunk, type ParseResult, type UpdateChunk } from "./apply-patch/parser.js";
export {
  applyChunks,
  commitPlan,
  planPatch,
  seekSequence,
  summarizeChanges,
  unifiedDiff,
  type PlannedChange,
} from "./apply-patch/apply.js";
export { extractApplyPatchInvocation } from "./apply-patch/intercept.js";

// exec_command / write_stdin / shell_command and the command runner.
export {
  DEFAULT_EXEC_YIELD_MS,
  DEFAULT_MAX_OUTPUT_TOKENS,
  DEFAULT_SHELL_TIMEOUT_MS,
  DEFAULT_WRITE_STDIN_YIELD_MS,
  MAX_YIELD_MS,
  MIN_YIELD_MS,
  execCommandHandler,
  execCommandSpec,
  shellCommandHandler,
  shellCommandSpec,
  writeStdinHandler,
  writeStdinSpec,
} from "./exec/handlers.js";
export { createLocalRunner, killProcessGroup, type LocalRunnerOptions, type SandboxWrapper } from "./exec/runner.js";
export { ExecSession, ExecSessionStore, HeadTailBuffer, sessionStoreFor } from "./exec/sessions.js";
export { guardSession, releaseSession } from "./exec/reaper.js";

// The other built-in tools.
export { updatePlanHandler, updatePlanSpec } from "./plan.js";
export { MAX_IMAGE_BYTES, sniffImage, viewImageHandler, viewImageSpec, type SniffedImage } from "./view-image.js";
export { encodePng, fitPngWithin, LEGACY_MAX_IMAGE_SIDE, type Raster } from "./png-resize.js";
export { requestUserInputHandler, requestUserInputSpec } from "./user-input.js";
export { dynamicToolHandler, dynamicToolSpec } from "./dynamic.js";
export {
  PERMISSIONS_DENIED_MESSAGE,
  isEmptyPermissions,
  permissionsCovered,
  requestPermissionsHandler,
  requestPermissionsSpec,
} from "./permissions.js";
export {
  DEFAULT_JS_REPL_TIMEOUT_MS,
  JS_REPL_RESET_TOOL,
  JS_REPL_TOOL,
  jsReplTools,
  parseJsReplInput,
} from "./js-repl/index.js";
