import type { EventMsg, ResponseItem, RolloutItem, TurnItem } from "@codex-ts/protocol";

/**
 * What a thread's rollout keeps.
 * - `limited` (default): what the model saw (response items, turn context, compactions) plus
 *   user/agent/reasoning messages, turn start/complete/abort with `turn_id`, token counts,
 *   compaction markers and the end events Codex keeps by default (patch, MCP, web search).
 * - `extended` (opt-in per thread, `persistExtendedHistory`): also command executions (output
 *   capped at {@link EXTENDED_OUTPUT_CAP_BYTES} bytes), file changes with status, MCP and dynamic
 *   tool calls, web search, image views, compaction and review-mode items, errors and warnings —
 *   enough to rebuild every ThreadItem.
 */
export type PersistenceMode = "limited" | "extended";

/** Command output kept per stream in extended mode. */
export const EXTENDED_OUTPUT_CAP_BYTES = 10_000;

const LIMITED_EVENTS: ReadonlySet<EventMsg["type"]> = new Set<EventMsg["type"]>([
  "user_message",
  "agent_message",
  "agent_reasoning",
  "agent_reasoning_raw_content",
  "token_count",
  "context_compacted",
  "entered_review_mode",
  "exited_review_mode",
  "thread_rolled_back",
  "turn_aborted",
  "task_started",
  "task_complete",
  "patch_apply_end",
  "mcp_tool_call_end",
  "web_search_end",
  "thread_goal_updated",
  "thread_goal_cleared",
]);

const EXTENDED_EVENTS: ReadonlySet<EventMsg["type"]> = new Set<EventMsg["type"]>([
  ...LIMITED_EVENTS,
  "exec_command_end",
  "view_image_tool_call",
  "error",
  "stream_error",
  "warning",
]);

/**
 * Turn items kept in limited mode: the conversation itself (no raw ResponseItem twin for Plan), and
 * sub-agent calls (Codex 0.169 writes CollabAgentToolCall items so thread/read shows them).
 */
const LIMITED_TURN_ITEMS: ReadonlySet<TurnItem["type"]> = new Set<TurnItem["type"]>([
  "UserMessage",
  "AgentMessage",
  "Reasoning",
  "Plan",
  "CollabAgentToolCall",
]);

function shouldPersistResponseItem(item: ResponseItem): boolean {
  return item.type !== "compaction_trigger" && item.type !== "other";
}

function shouldPersistEvent(event: EventMsg, mode: PersistenceMode): boolean {
  if (event.type === "item_completed") {
    return mode === "extended" ? event.item.type !== "Other" : LIMITED_TURN_ITEMS.has(event.item.type);
  }
  return (mode === "extended" ? EXTENDED_EVENTS : LIMITED_EVENTS).has(event.type);
}

/** Whether `item` belongs in a rollout under `mode`. */
export function shouldPersistRolloutItem(item: RolloutItem, mode: PersistenceMode): boolean {
  switch (item.type) {
    case "response_item":
      return shouldPersistResponseItem(item.payload);
    case "event_msg":
      return shouldPersistEvent(item.payload, mode);
    default:
      return true;
  }
}

/** Cuts `text` to at most `maxBytes` UTF-8 bytes without splitting a character. */
export function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, "utf8");
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // Step back over continuation bytes (10xxxxxx) so we end on a character boundary.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString("utf8");
}

function capOptional(text: string | undefined): string | undefined {
  return text === undefined ? undefined : truncateUtf8(text, EXTENDED_OUTPUT_CAP_BYTES);
}

/**
 * The form of `item` that is written: command output (stdout, stderr, aggregated and formatted
 * output) capped at {@link EXTENDED_OUTPUT_CAP_BYTES} bytes each. Other items are returned as is.
 */
export function prepareForPersistence(item: RolloutItem): RolloutItem {
  if (item.type !== "event_msg") return item;
  const event = item.payload;
  if (event.type === "exec_command_end") {
    return {
      type: "event_msg",
      payload: {
        ...event,
        stdout: truncateUtf8(event.stdout, EXTENDED_OUTPUT_CAP_BYTES),
        stderr: truncateUtf8(event.stderr, EXTENDED_OUTPUT_CAP_BYTES),
        aggregated_output: truncateUtf8(event.aggregated_output, EXTENDED_OUTPUT_CAP_BYTES),
        formatted_output: truncateUtf8(event.formatted_output, EXTENDED_OUTPUT_CAP_BYTES),
      },
    };
  }
  if (event.type === "item_completed" && event.item.type === "CommandExecution") {
    const commandItem = event.item;
    return {
      type: "event_msg",
      payload: {
        ...event,
        item: {
          ...commandItem,
          stdout: capOptional(commandItem.stdout),
          stderr: capOptional(commandItem.stderr),
          aggregated_output: capOptional(commandItem.aggregated_output),
          formatted_output: capOptional(commandItem.formatted_output),
        },
      },
    };
  }
  return item;
}
