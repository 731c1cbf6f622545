export * from "./types.js";
export { buildToolRegistry, dispatchToolCall } from "./registry.js";
export {
  BYTES_PER_TOKEN,
  DEFAULT_OUTPUT_BYTES,
  bytesForTokens,
  truncateMiddle,
  truncateOutput,
  type TruncateOptions,
  type TruncatedText,
} from "./truncate.js";
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
export {
  assessPatch,
  execDecisions,
  patchDecisions,
  pathsWritable,
  requestApproval,
  writableRoots,
  type ApprovalOutcome,
  type Assessment,
} from "./approval.js";
