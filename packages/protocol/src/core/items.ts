import * as z from "zod";
import {
  ImageDetail,
  MessagePhase,
  omittableField,
  ResponsesApiWebSearchAction,
  withUnknownTypeFallback,
} from "../responses.js";

/**
 * Core turn items (`TurnItem`), as codex-rs carries them in `item_started` / `item_completed`
 * events and persists them in rollouts. The tag is `type` with PascalCase variant names
 * (`"UserMessage"`, `"CommandExecution"`…); fields are snake_case — exactly what Codex 0.169
 * writes (see the captured fixtures in @codex-ts/rollout).
 *
 * Timing lives on the carrying event (`started_at_ms` / `completed_at_ms` of `item_started` /
 * `item_completed`), as in Codex.
 */

// ---------------------------------------------------------------------------------------
// user input

export const ByteRange = z.object({ start: z.number().int().nonnegative(), end: z.number().int().nonnegative() });
export const TextElement = z.object({
  byte_range: ByteRange,
  placeholder: omittableField(z.string()),
});
export type TextElement = z.infer<typeof TextElement>;

/** One piece of user input (core `UserInput`). */
export const UserInput = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string(), text_elements: z.array(TextElement).default([]) }),
  z.object({ type: z.literal("image"), image_url: z.string(), detail: omittableField(ImageDetail) }),
  z.object({ type: z.literal("local_image"), path: z.string(), detail: omittableField(ImageDetail) }),
  z.object({ type: z.literal("skill"), name: z.string(), path: z.string() }),
  z.object({ type: z.literal("mention"), name: z.string(), path: z.string() }),
]);
export type UserInput = z.infer<typeof UserInput>;

/** Concatenated text of the `text` inputs (Codex's `UserMessageItem::message`). */
export function userInputText(inputs: readonly UserInput[]): string {
  return inputs.map((input) => (input.type === "text" ? input.text : "")).join("");
}

// ---------------------------------------------------------------------------------------
// supporting shapes

/** `std::time::Duration` as serde writes it. */
export const SerdeDuration = z.object({ secs: z.number().int().nonnegative(), nanos: z.number().int().nonnegative() });
export type SerdeDuration = z.infer<typeof SerdeDuration>;

export function durationToMs(duration: SerdeDuration): number {
  return duration.secs * 1000 + Math.floor(duration.nanos / 1_000_000);
}
export function msToDuration(ms: number): SerdeDuration {
  const whole = Math.max(0, Math.floor(ms));
  return { secs: Math.floor(whole / 1000), nanos: (whole % 1000) * 1_000_000 };
}

/** What Codex understood a shell command to do (`read`, `list_files`, `search`, `unknown`). */
export const ParsedCommand = z.object({
  type: z.string(),
  cmd: z.string(),
  name: omittableField(z.string()),
  path: omittableField(z.string()),
  query: omittableField(z.string()),
});
export type ParsedCommand = z.infer<typeof ParsedCommand>;

/** `agent`, `user_shell`, `unified_exec_startup`, `unified_exec_interaction`, … */
export const ExecCommandSource = z.string();

/** Reads `inProgress` (camelCase builds of Codex) as `in_progress`. */
function itemStatus<const T extends readonly [string, ...string[]]>(values: T) {
  return z.preprocess((value) => (value === "inProgress" ? "in_progress" : value), z.enum(values));
}

export const CommandExecutionStatus = itemStatus(["in_progress", "completed", "failed", "declined"]);
export type CommandExecutionStatus = z.infer<typeof CommandExecutionStatus>;

/** One file's change in a patch. */
export const FileChange = z.discriminatedUnion("type", [
  z.object({ type: z.literal("add"), content: z.string() }),
  z.object({ type: z.literal("delete"), content: z.string() }),
  z.object({
    type: z.literal("update"),
    unified_diff: z.string(),
    move_path: z.string().nullable().default(null),
  }),
]);
export type FileChange = z.infer<typeof FileChange>;

export const PatchApplyStatus = itemStatus(["in_progress", "completed", "failed", "declined"]);
export type PatchApplyStatus = z.infer<typeof PatchApplyStatus>;

export const ToolCallStatus = itemStatus(["in_progress", "completed", "failed"]);
export type ToolCallStatus = z.infer<typeof ToolCallStatus>;

/** MCP `CallToolResult`, kept structurally loose (content blocks are MCP's). */
export const CallToolResult = z.looseObject({
  content: z.array(z.unknown()).default([]),
  structured_content: omittableField(z.unknown()),
  is_error: omittableField(z.boolean()),
});
export type CallToolResult = z.infer<typeof CallToolResult>;

export const DynamicToolCallOutputContentItem = z.discriminatedUnion("type", [
  z.object({ type: z.literal("input_text"), text: z.string() }),
  z.object({ type: z.literal("input_image"), image_url: z.string() }),
]);
export type DynamicToolCallOutputContentItem = z.infer<typeof DynamicToolCallOutputContentItem>;

// ---------------------------------------------------------------------------------------
// TurnItem variants

export const UserMessageTurnItem = z.object({
  type: z.literal("UserMessage"),
  id: z.string(),
  client_id: omittableField(z.string()),
  content: z.array(UserInput),
});

export const AgentMessageContent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("Text"), text: z.string() }),
]);
export type AgentMessageContent = z.infer<typeof AgentMessageContent>;

export const AgentMessageTurnItem = z.object({
  type: z.literal("AgentMessage"),
  id: z.string(),
  content: z.array(AgentMessageContent),
  phase: omittableField(MessagePhase),
});

export const PlanTurnItem = z.object({ type: z.literal("Plan"), id: z.string(), text: z.string() });

export const ReasoningTurnItem = z.object({
  type: z.literal("Reasoning"),
  id: z.string(),
  summary_text: z.array(z.string()),
  raw_content: z.array(z.string()).default([]),
});

export const CommandExecutionTurnItem = z.object({
  type: z.literal("CommandExecution"),
  id: z.string(),
  process_id: omittableField(z.string()),
  command: z.array(z.string()),
  /** Codex 0.169 writes a `file://` URI here; plain paths are accepted too. */
  cwd: z.string(),
  parsed_cmd: z.array(ParsedCommand).default([]),
  source: ExecCommandSource.default("agent"),
  interaction_input: omittableField(z.string()),
  status: CommandExecutionStatus,
  stdout: omittableField(z.string()),
  stderr: omittableField(z.string()),
  aggregated_output: omittableField(z.string()),
  exit_code: omittableField(z.number().int()),
  duration: omittableField(SerdeDuration),
  formatted_output: omittableField(z.string()),
});

export const FileChangeTurnItem = z.object({
  type: z.literal("FileChange"),
  id: z.string(),
  changes: z.record(z.string(), FileChange),
  status: omittableField(PatchApplyStatus),
  auto_approved: omittableField(z.boolean()),
  stdout: omittableField(z.string()),
  stderr: omittableField(z.string()),
});

export const McpToolCallTurnItem = z.object({
  type: z.literal("McpToolCall"),
  id: z.string(),
  server: z.string(),
  tool: z.string(),
  arguments: z.unknown(),
  /** The tool's `readOnlyHint` annotation, as Codex records it when the server declares one. */
  readOnlyHint: omittableField(z.boolean()),
  status: ToolCallStatus,
  result: omittableField(CallToolResult),
  error: omittableField(z.object({ message: z.string() })),
  duration: omittableField(SerdeDuration),
});

export const DynamicToolCallTurnItem = z.object({
  type: z.literal("DynamicToolCall"),
  id: z.string(),
  namespace: omittableField(z.string()),
  tool: z.string(),
  arguments: z.unknown(),
  status: ToolCallStatus,
  content_items: omittableField(z.array(DynamicToolCallOutputContentItem)),
  success: omittableField(z.boolean()),
  error: omittableField(z.string()),
  duration: omittableField(SerdeDuration),
});

export const WebSearchTurnItem = z.object({
  type: z.literal("WebSearch"),
  id: z.string(),
  query: z.string(),
  action: ResponsesApiWebSearchAction,
});

export const ImageViewTurnItem = z.object({ type: z.literal("ImageView"), id: z.string(), path: z.string() });

export const ImageGenerationTurnItem = z.object({
  type: z.literal("ImageGeneration"),
  id: z.string(),
  status: z.string(),
  revised_prompt: omittableField(z.string()),
  result: z.string(),
  saved_path: omittableField(z.string()),
});

export const HookPromptTurnItem = z.object({
  type: z.literal("HookPrompt"),
  id: z.string(),
  fragments: z.array(z.object({ text: z.string(), hookRunId: z.string() })),
});

export const ContextCompactionTurnItem = z.object({ type: z.literal("ContextCompaction"), id: z.string() });

/** Codex's AgentStatus: a string (`pending_init`, `running`, …) or `{completed: msg}` / `{errored: reason}`. */
export const CoreAgentStatus = z.union([
  z.enum(["pending_init", "running", "interrupted", "shutdown", "not_found"]),
  z.object({ completed: z.string().nullable() }),
  z.object({ errored: z.string() }),
]);
export type CoreAgentStatus = z.infer<typeof CoreAgentStatus>;

/** One `multi_agent_v1` tool call (spawn_agent, send_input, wait, …) as Codex 0.169 records it. */
export const CollabAgentToolCallTurnItem = z.object({
  type: z.literal("CollabAgentToolCall"),
  id: z.string(),
  tool: z.enum(["spawn_agent", "send_input", "resume_agent", "wait", "close_agent"]),
  status: ToolCallStatus,
  sender_thread_id: z.string(),
  receiver_thread_ids: z.array(z.string()),
  receiver_agents: omittableField(
    z.array(z.object({ thread_id: z.string(), agent_nickname: omittableField(z.string()), agent_role: omittableField(z.string()) })),
  ),
  prompt: omittableField(z.string()),
  model: omittableField(z.string()),
  reasoning_effort: omittableField(z.string()),
  agents_states: z.record(z.string(), CoreAgentStatus),
});
export type CollabAgentToolCallTurnItem = z.infer<typeof CollabAgentToolCallTurnItem>;

/** A turn item this version does not model; the carrying event is still usable. */
export const OtherTurnItem = z.object({ type: z.literal("Other") });

const TURN_ITEM_TYPES = [
  "UserMessage",
  "AgentMessage",
  "Plan",
  "Reasoning",
  "CommandExecution",
  "FileChange",
  "McpToolCall",
  "DynamicToolCall",
  "WebSearch",
  "ImageView",
  "ImageGeneration",
  "HookPrompt",
  "ContextCompaction",
  "CollabAgentToolCall",
  "Other",
] as const;

/** One item of a turn (core `TurnItem`); unknown variants read as `{type: "Other"}`. */
export const TurnItem = withUnknownTypeFallback(
  TURN_ITEM_TYPES,
  "Other",
  z.discriminatedUnion("type", [
    UserMessageTurnItem,
    AgentMessageTurnItem,
    PlanTurnItem,
    ReasoningTurnItem,
    CommandExecutionTurnItem,
    FileChangeTurnItem,
    McpToolCallTurnItem,
    DynamicToolCallTurnItem,
    WebSearchTurnItem,
    ImageViewTurnItem,
    ImageGenerationTurnItem,
    HookPromptTurnItem,
    ContextCompactionTurnItem,
    CollabAgentToolCallTurnItem,
    OtherTurnItem,
  ]),
);
export type TurnItem = z.infer<typeof TurnItem>;
export type TurnItemType = TurnItem["type"];
