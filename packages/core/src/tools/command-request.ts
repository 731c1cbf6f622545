/**
 * One command as the orchestrator handles it (StartRequest) and its command_execution item
 * events: started, completed, declined.
 */
import path from "node:path";
import type { AdditionalPermissionProfile } from "@codex-ts/protocol";
import type { ItemStatus, ToolCall, ToolContext, ToolItem, ToolResult } from "./types.js";

export interface StartRequest {
  call: ToolCall;
  ctx: ToolContext;
  argv: string[];
  /** What the user sees in items and approvals. */
  display: string;
  cwd: string;
  tty: boolean;
  requestEscalation: boolean;
  justification?: string;
  prefixRule?: string[];
  /** Inline `with_additional_permissions` request (paths may be relative to `cwd`). */
  additionalPermissions?: AdditionalPermissionProfile;
  /** What was granted for this command's inline request (set by startCommand). */
  grantedForCommand?: AdditionalPermissionProfile;
  /** Set when item_started is emitted. */
  startedAtMs?: number;
}

/** The arguments exec_command and shell_command share, after each tool's own parsing. */
export interface ShellCommandRequestArgs {
  command: string;
  shell: string;
  tty: boolean;
  login?: boolean | undefined;
  workdir?: string | undefined;
  sandbox_permissions?: string | undefined;
  additional_permissions?: AdditionalPermissionProfile | undefined;
  justification?: string | undefined;
  prefix_rule?: string[] | undefined;
}

/** A shell script (`<shell> -lc <command>`, or `-c` without login) as one StartRequest. */
export function shellStartRequest(call: ToolCall, ctx: ToolContext, a: ShellCommandRequestArgs): StartRequest {
  return {
    call,
    ctx,
    argv: [a.shell, a.login === false ? "-c" : "-lc", a.command],
    display: a.command,
    cwd: path.resolve(ctx.cwd, a.workdir ?? "."),
    tty: a.tty,
    requestEscalation: a.sandbox_permissions === "require_escalated",
    ...(a.sandbox_permissions === "with_additional_permissions"
      ? { additionalPermissions: a.additional_permissions ?? { network: null, file_system: null } }
      : {}),
    ...(a.justification !== undefined ? { justification: a.justification } : {}),
    ...(a.prefix_rule !== undefined ? { prefixRule: a.prefix_rule } : {}),
  };
}

/** The command_execution item of a request, in `status`. */
function commandItem(req: StartRequest, status: ItemStatus, extra: Partial<Extract<ToolItem, { type: "command_execution" }>> = {}) {
  return {
    type: "command_execution" as const,
    id: req.call.callId,
    command: req.display,
    argv: req.argv,
    cwd: req.cwd,
    // As Codex: a unified-exec command (exec_command) is `unified_exec_startup`, shell_command `agent`.
    ...(req.call.name === "exec_command" ? { source: "unified_exec_startup" } : {}),
    status,
    ...extra,
  };
}

export function emitStarted(req: StartRequest, processId?: string): void {
  req.startedAtMs = Date.now();
  req.ctx.emit({
    type: "item_started",
    item: commandItem(req, "in_progress", processId !== undefined ? { processId } : {}),
    started_at_ms: req.startedAtMs,
  });
}

export function emitCompleted(
  req: StartRequest,
  status: "completed" | "failed" | "declined",
  extra: { aggregatedOutput?: string; exitCode?: number; durationMs?: number; processId?: string } = {},
): void {
  req.ctx.emit({
    type: "item_completed",
    item: commandItem(req, status, extra),
    completed_at_ms: Date.now(),
    ...(req.startedAtMs !== undefined ? { started_at_ms: req.startedAtMs } : {}),
  });
}

export function declined(req: StartRequest, kind: "denied" | "abort"): ToolResult {
  emitCompleted(req, "declined");
  return { output: "exec command rejected by user", success: false, ...(kind === "abort" ? { abortTurn: true } : {}) };
}
