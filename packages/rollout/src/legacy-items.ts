/**
 * Legacy per-kind rollout events (`user_message`, `agent_message`, `exec_command_end`,
 * `patch_apply_end`, `mcp_tool_call_end`, `web_search_end`, `view_image_tool_call`,
 * `context_compacted`, review mode) as v2 thread items. Built without a second validation, as in
 * ./v2-items.ts. Reasoning (`agent_reasoning*`) is merged across events by the reconstruction.
 */
import { type EventMsg, formatReviewOutput, ReviewOutput, type v2 } from "@codex-ts/protocol";
import {
  AGENT_MESSAGE_EXTRAS,
  commandExecutionItem,
  durationMs,
  fileChanges,
  MCP_EXTRAS,
  mcpResult,
  textElements,
  webSearchAction,
} from "./v2-items.js";

/** A legacy event as its v2 item; `null` when the event carries no item. */
export function legacyEventToV2(event: EventMsg, id: string): v2.ThreadItem | null {
  const times = { startedAtMs: null, completedAtMs: null };
  switch (event.type) {
    case "user_message":
      return {
        type: "userMessage",
        id,
        content: [
          ...(event.message === ""
            ? []
            : [
                {
                  type: "text" as const,
                  text: event.message,
                  text_elements: textElements(event.text_elements),
                },
              ]),
          ...(event.images ?? []).map((url): v2.UserInput => ({ type: "image", detail: null, url })),
          ...event.local_images.map(
            (localPath): v2.UserInput => ({ type: "localImage", path: localPath, detail: null }),
          ),
        ],
        clientId: event.client_id ?? null,
        ...times,
      };
    case "agent_message":
      return {
        type: "agentMessage",
        id,
        text: event.message,
        phase: event.phase ?? null,
        ...AGENT_MESSAGE_EXTRAS,
        ...times,
      };
    case "exec_command_end":
      return commandExecutionItem(
        event.call_id,
        event,
        {
          status: event.status ?? (event.exit_code === 0 ? "completed" : "failed"),
          aggregatedOutput: event.aggregated_output,
          exitCode: event.exit_code,
        },
        times,
      );
    case "patch_apply_end":
      return {
        type: "fileChange",
        id: event.call_id,
        changes: fileChanges(event.changes),
        status: event.status ?? (event.success ? "completed" : "failed"),
        ...times,
      };
    case "mcp_tool_call_end": {
      const okResult = "Ok" in event.result ? event.result.Ok : null;
      return {
        type: "mcpToolCall",
        id: event.call_id,
        server: event.invocation.server,
        tool: event.invocation.tool,
        status: okResult !== null && okResult.is_error !== true ? "completed" : "failed",
        arguments: event.invocation.arguments ?? null,
        ...MCP_EXTRAS,
        result: okResult === null ? null : mcpResult(okResult),
        error: "Err" in event.result ? { message: event.result.Err } : null,
        durationMs: durationMs(event.duration),
        ...times,
      };
    }
    case "web_search_end":
      return {
        type: "webSearch",
        id: event.call_id,
        query: event.query,
        action: webSearchAction(event.action),
        results: null,
        ...times,
      };
    case "view_image_tool_call":
      return { type: "imageView", id: event.call_id, path: event.path, ...times };
    case "context_compacted":
      return { type: "contextCompaction", id, ...times };
    case "entered_review_mode":
      return { type: "enteredReviewMode", id, review: event.user_facing_hint ?? "", ...times };
    case "exited_review_mode":
      return { type: "exitedReviewMode", id, review: reviewText(event.review_output), ...times };
    default:
      return null;
  }
}

/** The review as Codex shows it (explanation, then the findings); "" when there is none. */
function reviewText(output: unknown): string {
  const parsed = ReviewOutput.safeParse(output);
  return output !== null && output !== undefined && parsed.success ? formatReviewOutput(parsed.data) : "";
}

export const LEGACY_ITEM_EVENTS: ReadonlySet<string> = new Set([
  "user_message",
  "agent_message",
  "exec_command_end",
  "patch_apply_end",
  "mcp_tool_call_end",
  "web_search_end",
  "view_image_tool_call",
  "context_compacted",
  "entered_review_mode",
  "exited_review_mode",
]);

/** Legacy events whose items have no id of their own (Codex numbers them `item-N`). */
export const GENERATED_ID_EVENTS: ReadonlySet<string> = new Set([
  "user_message",
  "agent_message",
  "context_compacted",
  "entered_review_mode",
  "exited_review_mode",
]);
