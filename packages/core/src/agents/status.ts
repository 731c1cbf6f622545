// What a sub-agent is doing, in Codex's wire spelling, and the notification its parent reads.
import type { ResponseItem } from "@codex-ts/protocol";

/**
 * Codex's AgentStatus: `pending_init` → `running` → a final status (`{completed: message}`,
 * `{errored: reason}`, `interrupted`, `shutdown`); `not_found` for an unknown id.
 */
export type AgentStatus =
  | "pending_init"
  | "running"
  | "interrupted"
  | "shutdown"
  | "not_found"
  | { completed: string | null }
  | { errored: string };

/** Whether the agent stopped working (a `wait_agent` returns for it). */
export function isFinal(status: AgentStatus): boolean {
  return status !== "pending_init" && status !== "running";
}

/** The status name surfaces show (`completed`, `errored`, or the string itself). */
export function statusName(status: AgentStatus): string {
  if (typeof status === "string") return status;
  return "completed" in status ? "completed" : "errored";
}

/** The status's message: the final answer of a completed agent, the reason of an errored one. */
export function statusMessage(status: AgentStatus): string | null {
  if (typeof status === "string") return null;
  return "completed" in status ? status.completed : status.errored;
}

export const SUBAGENT_NOTIFICATION_OPEN = "<subagent_notification>";
export const SUBAGENT_NOTIFICATION_CLOSE = "</subagent_notification>";

/**
 * The user message the parent's next request carries once a child finished (as Codex 0.169:
 * `<subagent_notification>\n{"agent_path":…,"status":…}\n</subagent_notification>`).
 */
export function subagentNotification(agentId: string, status: AgentStatus): ResponseItem {
  const text = `${SUBAGENT_NOTIFICATION_OPEN}\n${JSON.stringify({ agent_path: agentId, status })}\n${SUBAGENT_NOTIFICATION_CLOSE}`;
  return { type: "message", role: "user", content: [{ type: "input_text", text }] };
}
