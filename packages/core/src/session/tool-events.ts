// Tool events → session events: items (with their legacy twins, as Codex emits them), the turn
// diff after each patch, command output deltas, plan updates.
import path from "node:path";
import type { EventMsg, FileChange, TurnItem } from "@codex-ts/protocol";
import type { ToolEvent, ToolItem } from "../tools/index.js";
import { collabTurnItem } from "../agents/items.js";
import type { SessionState } from "./state.js";
import { TurnDiffTracker } from "./turn-diff.js";

/** The turn's diff tracker (a new turn starts a new one). */
function turnDiff(s: SessionState, turnId: string): TurnDiffTracker {
  if (s.turnDiff?.turnId !== turnId) s.turnDiff = { turnId, tracker: new TurnDiffTracker() };
  return s.turnDiff.tracker;
}

export function forwardToolEvent(s: SessionState, subId: string, turnId: string, event: ToolEvent): void {
  switch (event.type) {
    case "item_started": {
      if (event.item.type === "command_execution") {
        s.services.runningCommands.set(event.item.id, {
          subId,
          turnId,
          command: event.item.argv ?? [event.item.command],
          cwd: event.item.cwd,
        });
      }
      if (event.item.type === "file_change") {
        // Baseline for the turn diff: the files as they are before this patch writes them.
        const paths = Object.entries(event.item.changes).flatMap(([file, c]) =>
          c.type === "update" && c.move_path ? [file, c.move_path] : [file],
        );
        turnDiff(s, turnId).snapshot(paths.map((p) => path.resolve(s.settingsState.cwd, p)));
      }
      const item = toTurnItem(event.item);
      s.emit(subId, {
        type: "item_started",
        thread_id: s.threadId,
        turn_id: turnId,
        item,
        started_at_ms: event.started_at_ms,
      });
      if (item.type === "FileChange") {
        // Legacy twin, as Codex emits it alongside the item events.
        s.emit(subId, {
          type: "patch_apply_begin",
          call_id: item.id,
          turn_id: turnId,
          auto_approved: s.settingsState.approvalPolicy === "never",
          changes: item.changes,
        });
      }
      if (item.type === "McpToolCall") s.emit(subId, mcpLegacyEvent(item));
      return;
    }
    case "item_completed": {
      if (event.item.type === "command_execution") s.services.runningCommands.delete(event.item.id);
      const item = toTurnItem(event.item);
      if (item.type === "FileChange" && item.status !== "in_progress") {
        // Legacy twin: what real Codex shows when it reads our (legacy-mode) rollouts.
        const success = item.status === "completed";
        const letter = (c: FileChange) => (c.type === "add" ? "A" : c.type === "delete" ? "D" : "M");
        const stdout = success
          ? `Success. Updated the following files:\n${Object.entries(item.changes)
              .map(([file, c]) => `${letter(c)} ${file}\n`)
              .join("")}`
          : "";
        s.emit(subId, {
          type: "patch_apply_end",
          call_id: item.id,
          turn_id: turnId,
          stdout,
          stderr: "",
          success,
          changes: item.changes,
          status: item.status,
        });
      }
      // Legacy twin of a finished ImageView item, for clients of the old event stream.
      if (item.type === "ImageView") s.emit(subId, { type: "view_image_tool_call", call_id: item.id, path: item.path });
      s.emit(subId, {
        type: "item_completed",
        thread_id: s.threadId,
        turn_id: turnId,
        item,
        completed_at_ms: event.completed_at_ms,
      });
      if (item.type === "McpToolCall") s.emit(subId, mcpLegacyEvent(item));
      if (item.type === "FileChange" && item.status === "completed") {
        const unified = turnDiff(s, turnId).unifiedDiff(s.settingsState.cwd);
        if (unified !== "") s.emit(subId, { type: "turn_diff", unified_diff: unified });
      }
      return;
    }
    case "exec_command_output_delta":
      s.emit(subId, {
        type: "exec_command_output_delta",
        call_id: event.call_id,
        stream: event.stream,
        chunk: Buffer.from(event.chunk, "utf8").toString("base64"),
      });
      return;
    case "terminal_interaction":
      s.emit(subId, { type: "terminal_interaction", call_id: event.call_id, process_id: event.process_id, stdin: event.stdin });
      return;
    case "plan_update": {
      const msg: EventMsg = { type: "plan_update", plan: event.plan };
      if (event.explanation) msg.explanation = event.explanation;
      s.emit(subId, msg);
      return;
    }
    case "warning":
      s.emit(subId, { type: "warning", message: event.message });
      return;
  }
}

function toTurnItem(item: ToolItem): TurnItem {
  switch (item.type) {
    case "command_execution": {
      const out: TurnItem = {
        type: "CommandExecution",
        id: item.id,
        // Codex's `command` is the argv actually run (e.g. ["/bin/bash", "-lc", "…"]).
        command: item.argv ?? [item.command],
        cwd: item.cwd,
        parsed_cmd: [],
        source: item.source ?? "agent",
        status: item.status,
      };
      if (item.processId) out.process_id = item.processId;
      if (item.aggregatedOutput !== undefined) out.aggregated_output = item.aggregatedOutput;
      if (item.exitCode !== undefined) out.exit_code = item.exitCode;
      if (item.durationMs !== undefined)
        out.duration = {
          secs: Math.floor(item.durationMs / 1000),
          nanos: (item.durationMs % 1000) * 1_000_000,
        };
      return out;
    }
    case "file_change": {
      return { type: "FileChange", id: item.id, changes: coreFileChanges(item.changes), status: item.status };
    }
    case "plan":
      return {
        type: "Plan",
        id: item.id,
        text: [item.explanation, ...item.plan.map((p) => `- [${p.status}] ${p.step}`)]
          .filter(Boolean)
          .join("\n"),
      };
    case "image_view":
      return { type: "ImageView", id: item.id, path: item.path };
    case "web_search":
      return {
        type: "WebSearch",
        id: item.id,
        query: item.query,
        action: { type: "search", query: item.query },
      };
    case "dynamic_tool_call": {
      const out: TurnItem = {
        type: "DynamicToolCall",
        id: item.id,
        tool: item.tool,
        arguments: item.arguments,
        status: item.status === "declined" ? "failed" : item.status,
      };
      if (item.success !== undefined) out.success = item.success;
      if (item.contentItems) {
        out.content_items = item.contentItems.map((c) =>
          c.type === "input_text"
            ? { type: "input_text", text: c.text }
            : { type: "input_image", image_url: c.image_url },
        );
      }
      if (item.durationMs !== undefined)
        out.duration = {
          secs: Math.floor(item.durationMs / 1000),
          nanos: (item.durationMs % 1000) * 1_000_000,
        };
      return out;
    }
    case "mcp_tool_call": {
      // As Codex records it: `readOnlyHint` when the tool declares it, MCP's camelCase result.
      const out: Record<string, unknown> = {
        type: "McpToolCall",
        id: item.id,
        server: item.server,
        tool: item.tool,
        arguments: item.arguments,
        ...(item.readOnlyHint !== undefined ? { readOnlyHint: item.readOnlyHint } : {}),
        status: item.status === "declined" ? "failed" : item.status,
      };
      if (item.result) out.result = item.result;
      if (item.error !== undefined) out.error = { message: item.error };
      if (item.durationMs !== undefined)
        out.duration = {
          secs: Math.floor(item.durationMs / 1000),
          nanos: (item.durationMs % 1000) * 1_000_000,
        };
      return out as TurnItem;
    }
    case "collab_agent_tool_call":
      return collabTurnItem(item);
  }
}

/** The legacy twin of an McpToolCall item: `mcp_tool_call_begin`, or `_end` once it finished. */
function mcpLegacyEvent(item: Extract<TurnItem, { type: "McpToolCall" }>): EventMsg {
  const invocation = { server: item.server, tool: item.tool, arguments: item.arguments };
  if (item.status === "in_progress") return { type: "mcp_tool_call_begin", call_id: item.id, invocation };
  return {
    type: "mcp_tool_call_end",
    call_id: item.id,
    invocation,
    duration: item.duration ?? { secs: 0, nanos: 0 },
    result: item.result ? { Ok: item.result } : { Err: item.error?.message ?? "failed" },
  };
}

/** A tool's file changes in core's wire shape (`move_path` always present on updates). */
export function coreFileChanges(
  changes: Extract<ToolItem, { type: "file_change" }>["changes"],
): Record<string, FileChange> {
  const out: Record<string, FileChange> = {};
  for (const [file, change] of Object.entries(changes)) {
    out[file] =
      change.type === "update"
        ? { type: "update", unified_diff: change.unified_diff, move_path: change.move_path ?? null }
        : change;
  }
  return out;
}
