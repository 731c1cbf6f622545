import * as z from "zod";
import { describeZodError } from "../jsonrpc.js";
import { AdditionalPermissionProfile, CoreSandboxPolicy, PermissionProfile, sandboxPolicyToPermissionProfile } from "../permissions.js";
import { MessagePhase, omittableField, ResponsesApiWebSearchAction } from "../responses.js";
import {
  CallToolResult,
  ExecCommandSource,
  FileChange,
  ParsedCommand,
  SerdeDuration,
  TextElement,
  TurnItem,
} from "./items.js";
import {
  ActivePermissionProfile,
  ApprovalsReviewer,
  AskForApproval,
  CollaborationMode,
  ModeKind,
  NetworkApprovalContext,
  NetworkPolicyAmendment,
  ReasoningSummary,
  ReviewDecision,
} from "./policy.js";
import { HookRunSummary } from "../v2/notifications.js";
import { ThreadGoalClearedEvent, ThreadGoalUpdatedEvent } from "./goals.js";

/**
 * Core events (`EventMsg`), tagged by `type` in snake_case, as codex-rs emits them to clients
 * and persists them in rollouts (`event_msg` lines). Only the variants codex-ts produces or
 * reads back are modeled; `parseEventMsg` reports any other `type` as `unknown` so readers can
 * skip it. Where Codex has two names for one event, the alias is read and the canonical name
 * written (`turn_started` → `task_started`, `turn_complete` → `task_complete`).
 */

// ---------------------------------------------------------------------------------------
// shared payload shapes

export const TokenUsage = z.object({
  input_tokens: z.number().int(),
  cached_input_tokens: z.number().int().default(0),
  cache_write_input_tokens: omittableField(z.number().int()),
  output_tokens: z.number().int(),
  reasoning_output_tokens: z.number().int().default(0),
  total_tokens: z.number().int(),
});
export type TokenUsage = z.infer<typeof TokenUsage>;

export const TokenUsageInfo = z.object({
  total_token_usage: TokenUsage,
  last_token_usage: TokenUsage,
  last_usage_includes_reasoning: omittableField(z.boolean()),
  model_context_window: z.number().int().nullable().default(null),
});
export type TokenUsageInfo = z.infer<typeof TokenUsageInfo>;

/** Rate-limit snapshot; kept loose (many provider-specific fields). */
export const RateLimitSnapshot = z.looseObject({ limit_id: omittableField(z.string()) });
export type RateLimitSnapshot = z.infer<typeof RateLimitSnapshot>;

/** Structured error classification Codex attaches to errors (`context_window_exceeded`, …). */
export const CodexErrorInfo = z.union([z.string(), z.record(z.string(), z.unknown())]);
export type CodexErrorInfo = z.infer<typeof CodexErrorInfo>;

export const TurnAbortReason = z.enum(["interrupted", "replaced", "review_ended"]);
export type TurnAbortReason = z.infer<typeof TurnAbortReason>;

/** Thread settings in force (what `thread_settings_applied` reports). */
export const ThreadSettings = z.object({
  model: z.string(),
  model_provider_id: z.string(),
  service_tier: omittableField(z.string()),
  approval_policy: AskForApproval,
  approvals_reviewer: ApprovalsReviewer.default("user"),
  requested_approvals_reviewer: omittableField(ApprovalsReviewer),
  permission_profile: PermissionProfile,
  active_permission_profile: omittableField(ActivePermissionProfile),
  cwd: z.string(),
  runtime_workspace_roots: z.array(z.string()).default([]),
  collaboration_mode: omittableField(CollaborationMode),
  reasoning_effort: omittableField(z.string()),
  reasoning_summary: omittableField(ReasoningSummary),
  personality: omittableField(z.string()),
  disabled_plugin_ids: z.array(z.string()).default([]),
});
export type ThreadSettings = z.infer<typeof ThreadSettings>;

// ---------------------------------------------------------------------------------------
// EventMsg variants

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S) =>
  z.object({ type: z.literal(type), ...shape });

export const TaskStartedEvent = ev("task_started", {
  turn_id: z.string(),
  /** The turn this one descends from (sub-agent turns); equals `turn_id` for a root turn. */
  root_turn_id: omittableField(z.string()),
  started_at: omittableField(z.number().int()),
  model_context_window: z.number().int().nullable().default(null),
  collaboration_mode_kind: ModeKind.default("default"),
});
export const TaskCompleteEvent = ev("task_complete", {
  turn_id: z.string(),
  last_agent_message: z.string().nullable().default(null),
  started_at: omittableField(z.number().int()),
  completed_at: omittableField(z.number().int()),
  duration_ms: omittableField(z.number().int()),
  time_to_first_token_ms: omittableField(z.number().int()),
});
export const TurnAbortedEvent = ev("turn_aborted", {
  turn_id: omittableField(z.string()),
  reason: TurnAbortReason,
  completed_at: omittableField(z.number().int()),
  duration_ms: omittableField(z.number().int()),
});

export const UserMessageEvent = ev("user_message", {
  client_id: omittableField(z.string()),
  message: z.string(),
  images: omittableField(z.array(z.string())),
  local_images: z.array(z.string()).default([]),
  text_elements: z.array(TextElement).default([]),
});
export const AgentMessageEvent = ev("agent_message", { message: z.string(), phase: omittableField(MessagePhase) });
export const AgentReasoningEvent = ev("agent_reasoning", { text: z.string() });
export const AgentReasoningRawContentEvent = ev("agent_reasoning_raw_content", { text: z.string() });
// Streamed text, tied to its item (Codex 0.169 has no item-less `agent_message_delta`,
// `agent_reasoning_delta` or `agent_reasoning_raw_content_delta` any more: they read as unknown).
const contentDelta = { thread_id: z.string(), turn_id: z.string(), item_id: z.string(), delta: z.string() };
export const AgentMessageContentDeltaEvent = ev("agent_message_content_delta", contentDelta);
export const ReasoningContentDeltaEvent = ev("reasoning_content_delta", {
  ...contentDelta,
  summary_index: z.number().int().default(0),
});
export const ReasoningRawContentDeltaEvent = ev("reasoning_raw_content_delta", {
  ...contentDelta,
  content_index: z.number().int().default(0),
});
export const AgentReasoningSectionBreakEvent = ev("agent_reasoning_section_break", {
  item_id: omittableField(z.string()),
  summary_index: omittableField(z.number().int()),
});

export const TokenCountEvent = ev("token_count", {
  info: TokenUsageInfo.nullable().default(null),
  rate_limits: RateLimitSnapshot.nullable().default(null),
});

const execCommon = {
  call_id: z.string(),
  process_id: omittableField(z.string()),
  turn_id: z.string().default(""),
  command: z.array(z.string()),
  cwd: z.string(),
  parsed_cmd: z.array(ParsedCommand).default([]),
  source: ExecCommandSource.default("agent"),
  interaction_input: omittableField(z.string()),
};
export const ExecCommandBeginEvent = ev("exec_command_begin", execCommon);
export const ExecCommandOutputDeltaEvent = ev("exec_command_output_delta", {
  call_id: z.string(),
  stream: z.enum(["stdout", "stderr"]),
  /** Base64 of the raw bytes, as Codex sends it. */
  chunk: z.string(),
});
/** The model wrote to a running unified-exec process (`write_stdin`), as Codex's TerminalInteractionEvent. */
export const TerminalInteractionEvent = ev("terminal_interaction", {
  call_id: z.string(),
  process_id: z.string(),
  stdin: z.string(),
});
export const ExecCommandEndEvent = ev("exec_command_end", {
  ...execCommon,
  stdout: z.string().default(""),
  stderr: z.string().default(""),
  aggregated_output: z.string().default(""),
  exit_code: z.number().int(),
  duration: SerdeDuration,
  formatted_output: z.string().default(""),
  status: omittableField(z.enum(["completed", "failed", "declined"])),
});

export const PatchApplyBeginEvent = ev("patch_apply_begin", {
  call_id: z.string(),
  turn_id: z.string().default(""),
  auto_approved: z.boolean(),
  changes: z.record(z.string(), FileChange),
});
export const PatchApplyEndEvent = ev("patch_apply_end", {
  call_id: z.string(),
  turn_id: z.string().default(""),
  stdout: z.string().default(""),
  stderr: z.string().default(""),
  success: z.boolean(),
  changes: z.record(z.string(), FileChange).default({}),
  status: omittableField(z.enum(["completed", "failed", "declined"])),
});

export const ExecApprovalRequestEvent = ev("exec_approval_request", {
  call_id: z.string(),
  approval_id: omittableField(z.string()),
  turn_id: z.string().default(""),
  command: z.array(z.string()),
  cwd: z.string(),
  reason: omittableField(z.string()),
  /** Set when a sandboxed command's network attempt was blocked by the managed proxy. */
  network_approval_context: omittableField(NetworkApprovalContext),
  proposed_execpolicy_amendment: omittableField(z.array(z.string())),
  /** Allow/deny rules for the host the user may persist instead of answering once. */
  proposed_network_policy_amendments: omittableField(z.array(NetworkPolicyAmendment)),
  available_decisions: omittableField(z.array(ReviewDecision)),
  parsed_cmd: z.array(ParsedCommand).default([]),
  /** The command asks to run with more permissions (`with_additional_permissions`); approving grants them. */
  additional_permissions: omittableField(AdditionalPermissionProfile),
});
export const ApplyPatchApprovalRequestEvent = ev("apply_patch_approval_request", {
  call_id: z.string(),
  turn_id: z.string().default(""),
  changes: z.record(z.string(), FileChange),
  reason: omittableField(z.string()),
  grant_root: omittableField(z.string()),
});

export const McpInvocation = z.object({ server: z.string(), tool: z.string(), arguments: omittableField(z.unknown()) });
export const McpToolCallBeginEvent = ev("mcp_tool_call_begin", { call_id: z.string(), invocation: McpInvocation });
export const McpToolCallEndEvent = ev("mcp_tool_call_end", {
  call_id: z.string(),
  invocation: McpInvocation,
  duration: SerdeDuration,
  /** serde `Result<CallToolResult, String>`: `{"Ok": …}` or `{"Err": "…"}`. */
  result: z.union([z.object({ Ok: CallToolResult }), z.object({ Err: z.string() })]),
});
export const WebSearchBeginEvent = ev("web_search_begin", { call_id: z.string() });
export const WebSearchEndEvent = ev("web_search_end", {
  call_id: z.string(),
  query: z.string(),
  action: ResponsesApiWebSearchAction,
});
export const ViewImageToolCallEvent = ev("view_image_tool_call", { call_id: z.string(), path: z.string() });

export const ItemStartedEvent = ev("item_started", {
  thread_id: z.string(),
  turn_id: z.string(),
  item: TurnItem,
  started_at_ms: omittableField(z.number().int()),
});
export const ItemCompletedEvent = ev("item_completed", {
  thread_id: z.string(),
  turn_id: z.string(),
  item: TurnItem,
  started_at_ms: omittableField(z.number().int()),
  completed_at_ms: omittableField(z.number().int()),
});

export const ErrorEvent = ev("error", {
  message: z.string(),
  codex_error_info: omittableField(CodexErrorInfo),
});
export const StreamErrorEvent = ev("stream_error", {
  message: z.string(),
  codex_error_info: omittableField(CodexErrorInfo),
  additional_details: omittableField(z.string()),
});
export const WarningEvent = ev("warning", { message: z.string() });
export const ContextCompactedEvent = ev("context_compacted", {});
export const ThreadSettingsAppliedEvent = ev("thread_settings_applied", {
  thread_id: z.string(),
  thread_settings: ThreadSettings,
});
export const ThreadNameUpdatedEvent = ev("thread_name_updated", {
  thread_id: z.string(),
  thread_name: omittableField(z.string()),
});
export const PlanUpdateEvent = ev("plan_update", {
  explanation: omittableField(z.string()),
  plan: z.array(z.object({ step: z.string(), status: z.enum(["pending", "in_progress", "completed"]) })),
});
export const TurnDiffEvent = ev("turn_diff", { unified_diff: z.string() });
/**
 * The model asked for more permissions (`request_permissions` tool, or a command's inline
 * `with_additional_permissions`): codex-rs `RequestPermissionsEvent`. Answered by the
 * `request_permissions_response` op with `id` = `call_id`. Paths in `permissions` are absolute
 * (resolved against `cwd`).
 */
export const RequestPermissionsEvent = ev("request_permissions", {
  call_id: z.string(),
  turn_id: z.string(),
  reason: omittableField(z.string()),
  permissions: AdditionalPermissionProfile,
  cwd: omittableField(z.string()),
});
export const EnteredReviewModeEvent = ev("entered_review_mode", {
  target: omittableField(z.unknown()),
  user_facing_hint: omittableField(z.string()),
});
export const ExitedReviewModeEvent = ev("exited_review_mode", { review_output: omittableField(z.unknown()) });
/** The last `num_turns` user turns were dropped from the thread (codex-rs `ThreadRolledBackEvent`). */
export const ThreadRolledBackEvent = ev("thread_rolled_back", { num_turns: z.number().int().nonnegative() });
export const SessionConfiguredEvent = ev("session_configured", {
  session_id: z.string(),
  thread_id: omittableField(z.string()),
  forked_from_id: omittableField(z.string()),
  thread_name: omittableField(z.string()),
  model: z.string(),
  model_provider_id: z.string(),
  approval_policy: AskForApproval,
  permission_profile: omittableField(PermissionProfile),
  /** Older payloads carry only the legacy policy: it is upgraded to `permission_profile` when read. */
  sandbox_policy: omittableField(CoreSandboxPolicy),
  cwd: z.string(),
  reasoning_effort: omittableField(z.string()),
  rollout_path: omittableField(z.string()),
}).transform(({ sandbox_policy, ...event }) =>
  event.permission_profile || !sandbox_policy
    ? event
    : { ...event, permission_profile: sandboxPolicyToPermissionProfile(sandbox_policy) },
);
export const ShutdownCompleteEvent = ev("shutdown_complete", {});

/**
 * A lifecycle hook handler started / finished (codex-rs `HookStartedEvent` /
 * `HookCompletedEvent`: `turn_id` + `run`). `run` is carried in the app-server v2 shape
 * (camelCase `HookRunSummary`) so it maps 1:1 onto `hook/started` / `hook/completed` and
 * `Turn.hookRuns`. Codex never persists these in rollouts.
 */
export const HookStartedEvent = ev("hook_started", {
  turn_id: z.string().nullable().default(null),
  run: HookRunSummary,
});
export const HookCompletedEvent = ev("hook_completed", {
  turn_id: z.string().nullable().default(null),
  run: HookRunSummary,
});

/** Why the server answered with another model than requested (codex-rs `ModelRerouteReason`). */
export const ModelRerouteReason = z.enum(["high_risk_cyber_activity"]);
export type ModelRerouteReason = z.infer<typeof ModelRerouteReason>;
/** The server used another model than the one requested (codex-rs `ModelRerouteEvent`). */
export const ModelRerouteEvent = ev("model_reroute", {
  from_model: z.string(),
  to_model: z.string(),
  reason: ModelRerouteReason,
});

const EVENT_ALIASES: Readonly<Record<string, string>> = {
  turn_started: "task_started",
  turn_complete: "task_complete",
};

const EventMsgUnion = z.discriminatedUnion("type", [
  TaskStartedEvent,
  TaskCompleteEvent,
  TurnAbortedEvent,
  UserMessageEvent,
  AgentMessageEvent,
  AgentMessageContentDeltaEvent,
  AgentReasoningEvent,
  ReasoningContentDeltaEvent,
  AgentReasoningRawContentEvent,
  ReasoningRawContentDeltaEvent,
  AgentReasoningSectionBreakEvent,
  TokenCountEvent,
  ExecCommandBeginEvent,
  ExecCommandOutputDeltaEvent,
  TerminalInteractionEvent,
  ExecCommandEndEvent,
  PatchApplyBeginEvent,
  PatchApplyEndEvent,
  ExecApprovalRequestEvent,
  ApplyPatchApprovalRequestEvent,
  McpToolCallBeginEvent,
  McpToolCallEndEvent,
  WebSearchBeginEvent,
  WebSearchEndEvent,
  ViewImageToolCallEvent,
  ItemStartedEvent,
  ItemCompletedEvent,
  ErrorEvent,
  StreamErrorEvent,
  WarningEvent,
  ContextCompactedEvent,
  ThreadSettingsAppliedEvent,
  ThreadNameUpdatedEvent,
  PlanUpdateEvent,
  TurnDiffEvent,
  RequestPermissionsEvent,
  EnteredReviewModeEvent,
  ExitedReviewModeEvent,
  ThreadRolledBackEvent,
  SessionConfiguredEvent,
  ShutdownCompleteEvent,
  HookStartedEvent,
  HookCompletedEvent,
  ModelRerouteEvent,
  ThreadGoalUpdatedEvent,
  ThreadGoalClearedEvent,
]);

/** A core event. Legacy aliases (`turn_started`, `turn_complete`) read as their canonical names. */
export const EventMsg = z.preprocess((value) => {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return value;
  const type = (value as { type?: unknown }).type;
  const alias = typeof type === "string" ? EVENT_ALIASES[type] : undefined;
  return alias === undefined ? value : { ...value, type: alias };
}, EventMsgUnion);
export type EventMsg = z.infer<typeof EventMsg>;
export type EventMsgType = EventMsg["type"];

export const KNOWN_EVENT_MSG_TYPES: ReadonlySet<string> = new Set([
  ...EventMsgUnion.options.map((option) => ("shape" in option ? option : option.in).shape.type.value),
  ...Object.keys(EVENT_ALIASES),
]);

/** An event with the submission id it answers (`Event` in codex-rs). */
export const CoreEvent = z.object({ id: z.string(), msg: EventMsg });
export type CoreEvent = z.infer<typeof CoreEvent>;

export type ParsedEventMsg =
  | { kind: "event"; event: EventMsg }
  | { kind: "unknown"; type: string }
  | { kind: "invalid"; reason: string };

/** Tolerant reading of one event payload: unknown types are reported, never thrown. */
export function parseEventMsg(value: unknown): ParsedEventMsg {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "invalid", reason: "event must be a JSON object" };
  }
  const type = (value as { type?: unknown }).type;
  if (typeof type !== "string") return { kind: "invalid", reason: "event has no string `type`" };
  if (!KNOWN_EVENT_MSG_TYPES.has(type)) return { kind: "unknown", type };
  const parsed = EventMsg.safeParse(value);
  return parsed.success
    ? { kind: "event", event: parsed.data }
    : { kind: "invalid", reason: `${type}: ${describeZodError(parsed.error)}` };
}
