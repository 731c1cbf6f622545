export { APPROVAL_NEVER_MESSAGE, CANCELLED_MESSAGE, DECLINED_MESSAGE, toolNeedsApproval } from "./approval.js";
export { callOutputForModel, IMAGE_DETAIL_META_KEY } from "./output.js";
export { type McpElicitationRequest, type McpProgress, McpRuntime, type McpSessionOptions } from "./runtime.js";
export { mcpNamespace, RESOURCE_TOOL_SPECS } from "./specs.js";
export { mcpFor, mcpRuntimeOf } from "./feature.js";
