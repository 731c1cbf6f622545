import * as z from "zod";

/**
 * The JSON a lifecycle hook command reads on stdin and may print on stdout (Codex / Claude Code
 * command-hook protocol; snake_case in, camelCase out, as both write it). The app-server view of
 * hook runs (HookRunSummary, hook/started, hooks/list) lives in `v2`.
 */

const common = {
  session_id: z.string(),
  turn_id: z.string().nullable(),
  transcript_path: z.string().nullable(),
  cwd: z.string(),
  model: z.string(),
};
const permissionMode = { permission_mode: z.string() };
const toolFields = { tool_name: z.string(), tool_input: z.unknown(), tool_use_id: z.string() };

export const HookCommandInput = z.discriminatedUnion("hook_event_name", [
  z.object({
    ...common,
    ...permissionMode,
    hook_event_name: z.literal("SessionStart"),
    source: z.enum(["startup", "resume", "clear", "compact"]),
  }),
  z.object({ ...common, ...permissionMode, hook_event_name: z.literal("UserPromptSubmit"), prompt: z.string() }),
  z.object({ ...common, ...permissionMode, ...toolFields, hook_event_name: z.literal("PreToolUse") }),
  z.object({
    ...common,
    ...permissionMode,
    ...toolFields,
    hook_event_name: z.literal("PostToolUse"),
    tool_response: z.unknown(),
  }),
  z.object({
    ...common,
    ...permissionMode,
    hook_event_name: z.literal("Stop"),
    stop_hook_active: z.boolean(),
    last_assistant_message: z.string().nullable(),
  }),
  z.object({
    ...common,
    ...permissionMode,
    hook_event_name: z.literal("SubagentStart"),
    agent_id: z.string(),
    agent_type: z.string(),
  }),
  z.object({
    ...common,
    ...permissionMode,
    hook_event_name: z.literal("SubagentStop"),
    agent_id: z.string(),
    agent_type: z.string(),
    agent_transcript_path: z.string().nullable(),
    stop_hook_active: z.boolean(),
    last_assistant_message: z.string().nullable(),
  }),
  z.object({ ...common, hook_event_name: z.literal("PreCompact"), trigger: z.enum(["manual", "auto"]) }),
  z.object({ ...common, hook_event_name: z.literal("PostCompact"), trigger: z.enum(["manual", "auto"]) }),
]);
export type HookCommandInput = z.infer<typeof HookCommandInput>;

/** What a hook may print on stdout (exit 0). Unknown fields are ignored. */
export const HookCommandOutput = z.object({
  continue: z.boolean().optional(),
  stopReason: z.string().nullish(),
  suppressOutput: z.boolean().optional(),
  systemMessage: z.string().nullish(),
  decision: z.enum(["block", "approve"]).nullish(),
  reason: z.string().nullish(),
  hookSpecificOutput: z
    .object({
      hookEventName: z.string().optional(),
      additionalContext: z.string().nullish(),
      permissionDecision: z.enum(["allow", "deny", "ask"]).nullish(),
      permissionDecisionReason: z.string().nullish(),
      updatedInput: z.unknown().optional(),
    })
    .nullish(),
});
export type HookCommandOutput = z.infer<typeof HookCommandOutput>;
