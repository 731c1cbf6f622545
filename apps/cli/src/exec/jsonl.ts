import type { ExecThreadEvent, ExecThreadItem, ExecUsage, TurnItem } from "@codex-ts/protocol";
import { shellJoin } from "@codex-ts/rollout";
import { type CollabTurnItem, collabItemToExec, isCollabTurnItem, type SessionEventMsg } from "@codex-ts/core";

/**
 * Turns core session events into the `exec --json` thread events (the JSONL stream
 * `@openai/codex-sdk` parses). Item ids are `item_0`, `item_1`, … in order of first appearance.
 */
export class ExecEventMapper {
  private nextItem = 0;
  private readonly ids = new Map<string, string>();
  private todo: { id: string; items: { text: string; completed: boolean }[] } | null = null;
  private usage: ExecUsage = zeroUsage();
  private turnError: string | null = null;
  lastAgentMessage: string | null = null;

  /** The error message that failed the current turn, if any. */
  get turnFailed(): string | null {
    return this.turnError;
  }

  map(msg: SessionEventMsg): ExecThreadEvent[] {
    switch (msg.type) {
      case "task_started":
        this.usage = zeroUsage();
        this.turnError = null;
        this.todo = null;
        return [{ type: "turn.started" }];
      case "token_count": {
        const last = msg.info?.last_token_usage;
        if (last) {
          this.usage.input_tokens += last.input_tokens;
          this.usage.cached_input_tokens += last.cached_input_tokens;
          this.usage.cache_write_input_tokens += last.cache_write_input_tokens ?? 0;
          this.usage.output_tokens += last.output_tokens;
          this.usage.reasoning_output_tokens += last.reasoning_output_tokens;
        }
        return [];
      }
      case "item_started":
        return this.itemStarted(msg.item);
      case "item_completed":
        return this.itemCompleted(msg.item);
      case "plan_update": {
        const items = msg.plan.map((step) => ({ text: step.step, completed: step.status === "completed" }));
        if (this.todo) {
          this.todo.items = items;
          return [{ type: "item.updated", item: { id: this.todo.id, type: "todo_list", items } }];
        }
        this.todo = { id: this.newId(), items };
        return [{ type: "item.started", item: { id: this.todo.id, type: "todo_list", items } }];
      }
      case "warning":
        return [{ type: "item.completed", item: { id: this.newId(), type: "error", message: msg.message } }];
      case "error":
        this.turnError = msg.message;
        return [{ type: "error", message: msg.message }];
      case "task_complete":
        return [...this.closeTodo(), this.turnError ? this.failed(this.turnError) : { type: "turn.completed", usage: { ...this.usage } }];
      case "turn_aborted":
        return [...this.closeTodo(), this.failed(this.turnError ?? `turn ${msg.reason}`)];
      default:
        return [];
    }
  }

  private failed(message: string): ExecThreadEvent {
    return { type: "turn.failed", error: { message } };
  }

  private closeTodo(): ExecThreadEvent[] {
    if (!this.todo) return [];
    const done: ExecThreadEvent = { type: "item.completed", item: { id: this.todo.id, type: "todo_list", items: this.todo.items } };
    this.todo = null;
    return [done];
  }

  private newId(): string {
    const id = `item_${this.nextItem}`;
    this.nextItem += 1;
    return id;
  }

  private idFor(coreId: string): string {
    let id = this.ids.get(coreId);
    if (!id) {
      id = this.newId();
      this.ids.set(coreId, id);
    }
    return id;
  }

  private itemStarted(item: TurnItem): ExecThreadEvent[] {
    const mapped = this.convert(item, true);
    return mapped ? [{ type: "item.started", item: mapped }] : [];
  }

  private itemCompleted(item: TurnItem): ExecThreadEvent[] {
    const mapped = this.convert(item, false);
    if (!mapped) return [];
    if (mapped.type === "agent_message") this.lastAgentMessage = mapped.text;
    return [{ type: "item.completed", item: mapped }];
  }

  /** The exec item for a core item, or null for items exec does not show. */
  private convert(item: TurnItem, starting: boolean): ExecThreadItem | null {
    switch (item.type) {
      case "AgentMessage":
        if (starting) return null;
        return { id: this.idFor(item.id), type: "agent_message", text: item.content.map((c) => c.text).join("") };
      case "Reasoning": {
        if (starting) return null;
        const text = item.summary_text.join("\n\n");
        return text.trim() ? { id: this.idFor(item.id), type: "reasoning", text } : null;
      }
      case "CommandExecution": {
        const out: ExecThreadItem = {
          id: this.idFor(item.id),
          type: "command_execution",
          command: shellJoin(item.command),
          aggregated_output: item.aggregated_output ?? "",
          status: starting ? "in_progress" : item.status === "in_progress" ? "completed" : item.status,
        };
        if (!starting && item.exit_code !== undefined) out.exit_code = item.exit_code;
        return out;
      }
      case "FileChange": {
        if (starting) return null;
        const changes = Object.entries(item.changes).map(([path, change]) => ({ path, kind: change.type }));
        const status = item.status === "failed" || item.status === "declined" ? item.status : "completed";
        return { id: this.idFor(item.id), type: "file_change", changes, status };
      }
      case "McpToolCall": {
        const out: ExecThreadItem = {
          id: this.idFor(item.id),
          type: "mcp_tool_call",
          server: item.server,
          tool: item.tool,
          arguments: item.arguments,
          // As Codex prints them: both keys always, null while the call runs or when they do not apply.
          result: null,
          error: null,
          status: starting ? "in_progress" : item.status === "failed" ? "failed" : "completed",
        };
        // Core records MCP's camelCase `structuredContent` (as Codex); older items have `structured_content`.
        if (!starting && item.result) out.result = { content: item.result.content, structured_content: item.result.structuredContent ?? item.result.structured_content ?? null };
        if (!starting && item.error) out.error = item.error;
        return out;
      }
      case "WebSearch":
        return { id: this.idFor(item.id), type: "web_search", query: item.query };
      default:
        // multi_agent_v1 calls (the protocol's TurnItem has no CollabAgentToolCall variant yet).
        if (isCollabTurnItem(item as { type: string })) {
          const collab = item as unknown as CollabTurnItem;
          return collabItemToExec(collab, this.idFor(collab.id)) as unknown as ExecThreadItem;
        }
        return null;
    }
  }
}

function zeroUsage(): ExecUsage {
  return { input_tokens: 0, cached_input_tokens: 0, cache_write_input_tokens: 0, output_tokens: 0, reasoning_output_tokens: 0 };
}
