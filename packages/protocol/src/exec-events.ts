import * as z from "zod";

/**
 * The JSONL events `codex exec --json` prints, one per line, as `@openai/codex-sdk` parses them.
 * snake_case, as Codex writes them. Optional fields are omitted rather than null, as Codex does.
 */

export const ExecCommandExecutionStatus = z.enum(["in_progress", "completed", "failed", "declined"]);
export type ExecCommandExecutionStatus = z.infer<typeof ExecCommandExecutionStatus>;

export const ExecCommandExecutionItem = z.object({
  id: z.string(),
  type: z.literal("command_execution"),
  command: z.string(),
  aggregated_output: z.string(),
  exit_code: z.number().int().optional(),
  status: ExecCommandExecutionStatus,
});

export const ExecPatchChangeKind = z.enum(["add", "delete", "update"]);
export const ExecFileUpdateChange = z.object({ path: z.string(), kind: ExecPatchChangeKind });

export const ExecFileChangeItem = z.object({
  id: z.string(),
  type: z.literal("file_change"),
  changes: z.array(ExecFileUpdateChange),
  status: z.enum(["in_progress", "completed", "failed", "declined"]),
});

export const ExecMcpToolCallItem = z.object({
  id: z.string(),
  type: z.literal("mcp_tool_call"),
  server: z.string(),
  tool: z.string(),
  arguments: z.unknown(),
  // Codex prints both keys on every item: null until the call ends, then the one that applies.
  result: z
    .object({ content: z.array(z.unknown()), structured_content: z.unknown().optional() })
    .nullable()
    .optional(),
  error: z.object({ message: z.string() }).nullable().optional(),
  status: z.enum(["in_progress", "completed", "failed"]),
});

export const ExecAgentMessageItem = z.object({
  id: z.string(),
  type: z.literal("agent_message"),
  text: z.string(),
});

export const ExecReasoningItem = z.object({
  id: z.string(),
  type: z.literal("reasoning"),
  text: z.string(),
});

export const ExecWebSearchItem = z.object({
  id: z.string(),
  type: z.literal("web_search"),
  query: z.string(),
});

export const ExecErrorItem = z.object({
  id: z.string(),
  type: z.literal("error"),
  message: z.string(),
});

export const ExecTodoListItem = z.object({
  id: z.string(),
  type: z.literal("todo_list"),
  items: z.array(z.object({ text: z.string(), completed: z.boolean() })),
});

/** A `multi_agent_v1` tool call (spawn_agent, send_input, wait, …) as `exec --json` prints it. */
export const ExecCollabToolCallItem = z.object({
  id: z.string(),
  type: z.literal("collab_tool_call"),
  tool: z.enum(["spawn_agent", "send_input", "resume_agent", "wait", "close_agent"]),
  sender_thread_id: z.string(),
  receiver_thread_ids: z.array(z.string()),
  prompt: z.string().nullable(),
  agents_states: z.record(
    z.string(),
    z.object({
      status: z.enum([
        "pending_init",
        "running",
        "interrupted",
        "completed",
        "errored",
        "shutdown",
        "not_found",
      ]),
      message: z.string().nullable(),
    }),
  ),
  status: z.enum(["in_progress", "completed", "failed"]),
});

export const ExecThreadItem = z.discriminatedUnion("type", [
  ExecAgentMessageItem,
  ExecReasoningItem,
  ExecCommandExecutionItem,
  ExecFileChangeItem,
  ExecMcpToolCallItem,
  ExecWebSearchItem,
  ExecTodoListItem,
  ExecErrorItem,
  ExecCollabToolCallItem,
]);
export type ExecThreadItem = z.infer<typeof ExecThreadItem>;

export const ExecUsage = z.object({
  input_tokens: z.number().int(),
  cached_input_tokens: z.number().int(),
  cache_write_input_tokens: z.number().int(),
  output_tokens: z.number().int(),
  reasoning_output_tokens: z.number().int(),
});
export type ExecUsage = z.infer<typeof ExecUsage>;

export const ExecThreadEvent = z.discriminatedUnion("type", [
  z.object({ type: z.literal("thread.started"), thread_id: z.string() }),
  z.object({ type: z.literal("turn.started") }),
  z.object({ type: z.literal("turn.completed"), usage: ExecUsage }),
  z.object({ type: z.literal("turn.failed"), error: z.object({ message: z.string() }) }),
  z.object({ type: z.literal("item.started"), item: ExecThreadItem }),
  z.object({ type: z.literal("item.updated"), item: ExecThreadItem }),
  z.object({ type: z.literal("item.completed"), item: ExecThreadItem }),
  z.object({ type: z.literal("error"), message: z.string() }),
]);
export type ExecThreadEvent = z.infer<typeof ExecThreadEvent>;
