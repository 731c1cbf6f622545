// The tool seam, part 2: policies, approval requests and the events tools emit (see ./types.ts).

import type {
  AdditionalPermissionProfile,
  CoreSandboxPolicy,
  FileChange,
  NetworkApprovalContext,
  NetworkPolicyAmendment,
  ReviewDecision as ProtocolReviewDecision,
} from "@codex-ts/protocol";
import type { ContentItem } from "./types-calls.js";

// ---------------------------------------------------------------------------------------------
// Policies: the wire types come from @codex-ts/protocol (core, snake_case).

/** Codex ReviewDecision (snake_case core wire shape, from @codex-ts/protocol). */
export type ReviewDecision = ProtocolReviewDecision;

/**
 * The sandbox policy commands and patches run under: the protocol's `CoreSandboxPolicy`
 * (`{ type: "workspace-write", writable_roots, network_access, … }`), used as is.
 */
export type SandboxPolicy = CoreSandboxPolicy;

/**
 * True when core adds no sandbox of its own: `danger-full-access`, or `external-sandbox` (the
 * process is already confined by something else, as in Codex).
 */
export function runsUnsandboxed(policy: SandboxPolicy): boolean {
  return policy.type === "danger-full-access" || policy.type === "external-sandbox";
}

export type ApprovalRequest =
  | {
      kind: "exec";
      approvalId: string;
      callId: string;
      turnId: string;
      command: string[];
      cwd: string;
      reason?: string;
      /** Proposed execpolicy prefix rule the user may accept for the future. */
      proposedExecpolicyAmendment?: string[];
      /**
       * Set for a managed-network approval: the running command tried to reach this host through
       * the session's proxy. The decision is passed on as given (including network amendments).
       */
      networkApprovalContext?: NetworkApprovalContext;
      /** Allow/deny rules for that host the user may persist (`network_policy_amendment`). */
      proposedNetworkPolicyAmendments?: NetworkPolicyAmendment[];
      /**
       * The command asks to run with more permissions (`with_additional_permissions`), every path
       * absolute: approving grants them to this command (Codex `additional_permissions`).
       */
      additionalPermissions?: AdditionalPermissionProfile;
      availableDecisions: ReviewDecision[];
    }
  | {
      kind: "patch";
      approvalId: string;
      callId: string;
      turnId: string;
      changes: Record<string, FileChangeSummary>;
      reason?: string;
      grantRoot?: string;
      availableDecisions: ReviewDecision[];
    };

/** One file's change (protocol `FileChange`; `move_path` is null unless the file moves). */
export type FileChangeSummary = FileChange;

// ---------------------------------------------------------------------------------------------
// Events the tools emit (the session stamps/forwards them)

export type ItemStatus = "in_progress" | "completed" | "failed" | "declined";

export type ToolItem =
  | {
      type: "command_execution";
      id: string;
      /** The command as the model wrote it. */
      command: string;
      /** The argv actually run (e.g. ["/bin/bash", "-lc", "…"]): Codex's `command` field. */
      argv?: string[];
      cwd: string;
      processId?: string;
      /** Codex's ExecCommandSource (`unified_exec_startup` for exec_command); default `agent`. */
      source?: string;
      status: ItemStatus;
      aggregatedOutput?: string;
      exitCode?: number;
      durationMs?: number;
    }
  | {
      type: "file_change";
      id: string;
      changes: Record<string, FileChangeSummary>;
      status: ItemStatus;
    }
  | { type: "plan"; id: string; explanation?: string; plan: PlanStep[] }
  | { type: "image_view"; id: string; path: string }
  | { type: "web_search"; id: string; query: string }
  | {
      type: "dynamic_tool_call";
      id: string;
      tool: string;
      arguments: unknown;
      status: ItemStatus;
      success?: boolean;
      contentItems?: ContentItem[];
      durationMs?: number;
    }
  | {
      /** An MCP tool call (also the resource tools); `result` is MCP's `CallToolResult` as is. */
      type: "mcp_tool_call";
      id: string;
      server: string;
      tool: string;
      arguments: unknown;
      status: ItemStatus;
      readOnlyHint?: boolean;
      result?: Record<string, unknown>;
      error?: string;
      durationMs?: number;
    }
  | {
      /** A `multi_agent_v1` call (spawn_agent, wait, send_input, close_agent, resume_agent); see agents/items.ts. */
      type: "collab_agent_tool_call";
      id: string;
      tool: "spawn_agent" | "send_input" | "resume_agent" | "wait" | "close_agent";
      status: "in_progress" | "completed" | "failed";
      senderThreadId: string;
      receivers: { threadId: string; nickname: string | null }[];
      prompt?: string | null;
      model?: string | null;
      reasoningEffort?: string | null;
      /** Codex AgentStatus values by thread id (`"pending_init"`, `{completed: "…"}`, …). */
      agentsStates: Record<string, unknown>;
    };

export interface PlanStep {
  step: string;
  status: "pending" | "in_progress" | "completed";
}

export type ToolEvent =
  | { type: "item_started"; item: ToolItem; started_at_ms: number }
  | { type: "item_completed"; item: ToolItem; completed_at_ms: number; started_at_ms?: number }
  | {
      type: "exec_command_output_delta";
      call_id: string;
      stream: "stdout" | "stderr";
      chunk: string;
    }
  | { type: "terminal_interaction"; call_id: string; process_id: string; stdin: string }
  | { type: "plan_update"; explanation?: string; plan: PlanStep[] }
  | { type: "warning"; message: string };
