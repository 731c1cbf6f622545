/**
 * Approval decisions shared by the exec and apply_patch tools: when to ask, what to offer, and
 * the session-scoped "approved for session" memory.
 */
import { v7 as uuidv7 } from "uuid";
import { Policy, commandsForExecPolicy, evaluateExecApproval } from "@codex-ts/execpolicy";
import type { AskForApproval } from "@codex-ts/protocol";
import { checkWritable, type EffectivePermissions } from "../permissions/effective.js";
import type {
  ApprovalRequest,
  FileChangeSummary,
  ReviewDecision,
  ToolContext,
} from "./types.js";

/** What the tool should do after consulting policy (and possibly the user). */
export type Assessment =
  | { action: "run"; escalated: boolean }
  | { action: "ask"; escalated: boolean; reason?: string; proposedAmendment?: string[] }
  | { action: "reject"; reason: string };

export type ApprovalOutcome =
  | { kind: "approved"; forSession: boolean; amendment?: string[] }
  | { kind: "denied" }
  | { kind: "abort" };

export function isGranular(
  policy: AskForApproval,
): policy is Extract<AskForApproval, { granular: unknown }> {
  return typeof policy === "object" && policy !== null && "granular" in policy;
}

/** Decisions offered for a command approval, in display order (Codex order). */
export function execDecisions(proposedAmendment?: string[]): ReviewDecision[] {
  const out: ReviewDecision[] = ["approved", "approved_for_session"];
  if (proposedAmendment && proposedAmendment.length > 0) {
    out.push({ approved_execpolicy_amendment: { proposed_execpolicy_amendment: proposedAmendment } });
  }
  out.push("abort");
  return out;
}

export function patchDecisions(): ReviewDecision[] {
  return ["approved", "approved_for_session", "denied", "abort"];
}

function outcomeOf(decision: ReviewDecision): ApprovalOutcome {
  if (decision === "approved") return { kind: "approved", forSession: false };
  if (decision === "approved_for_session") return { kind: "approved", forSession: true };
  if (decision === "denied" || decision === "timed_out") return { kind: "denied" };
  if (decision === "abort") return { kind: "abort" };
  if ("network_policy_amendment" in decision) {
    return decision.network_policy_amendment.network_policy_amendment.action === "allow"
      ? { kind: "approved", forSession: false }
      : { kind: "denied" };
  }
  return {
    kind: "approved",
    forSession: false,
    amendment: decision.approved_execpolicy_amendment.proposed_execpolicy_amendment,
  };
}

type RequestBody =
  | Omit<Extract<ApprovalRequest, { kind: "exec" }>, "approvalId" | "availableDecisions">
  | Omit<Extract<ApprovalRequest, { kind: "patch" }>, "approvalId" | "availableDecisions">;

/**
 * Ask the user (through the session callback) unless every key was already approved for this
 * session. An abort signal during the wait counts as abort.
 */
export async function requestApproval(
  ctx: ToolContext,
  body: RequestBody,
  sessionKeys: string[],
  availableDecisions: ReviewDecision[],
): Promise<ApprovalOutcome> {
  if (sessionKeys.length > 0 && sessionKeys.every((k) => ctx.approvedForSession.has(k))) {
    return { kind: "approved", forSession: true };
  }
  if (ctx.signal.aborted) return { kind: "abort" };
  const request = { ...body, approvalId: uuidv7(), availableDecisions } as ApprovalRequest;
  let decision: ReviewDecision;
  try {
    decision = await new Promise<ReviewDecision>((resolve, reject) => {
      const onAbort = () => resolve("abort");
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      ctx.requestApproval(request).then(
        (d) => {
          ctx.signal.removeEventListener("abort", onAbort);
          resolve(d);
        },
        (e: unknown) => {
          ctx.signal.removeEventListener("abort", onAbort);
          reject(e);
        },
      );
    });
  } catch {
    // A failing approval callback must not run the action.
    return { kind: "denied" };
  }
  const outcome = outcomeOf(decision);
  if (outcome.kind === "approved" && outcome.forSession) {
    for (const k of sessionKeys) ctx.approvedForSession.add(k);
  }
  return outcome;
}

// ---------------------------------------------------------------------------------------------
// apply_patch

/**
 * Whether the turn's effective permissions let tools write every path (resolved by
 * @codex-ts/sandboxing, so protected names like `.git` inside a writable root stay read-only and
 * symlinks are judged by their targets, as in Codex).
 */
export function pathsWritable(paths: string[], permissions: EffectivePermissions): boolean {
  return checkWritable(permissions, paths).ok;
}

/** Codex's patch safety: auto-apply inside writable roots, otherwise ask (or reject). */
export function assessPatch(paths: string[], policy: AskForApproval, permissions: EffectivePermissions): Assessment {
  if (policy === "untrusted") return { action: "ask", escalated: false };
  if (pathsWritable(paths, permissions)) return { action: "run", escalated: false };
  const reason = "writing outside of the project; rejected by user approval settings";
  if (policy === "never") return { action: "reject", reason };
  if (isGranular(policy) && !policy.granular.sandbox_approval) return { action: "reject", reason };
  return {
    action: "ask",
    escalated: true,
    reason: "The patch writes outside the writable roots of the sandbox.",
  };
}

export function patchSessionKeys(changes: Record<string, FileChangeSummary>): string[] {
  const keys: string[] = [];
  for (const [p, c] of Object.entries(changes)) {
    keys.push(`patch:${p}`);
    if (c.type === "update" && c.move_path) keys.push(`patch:${c.move_path}`);
  }
  return keys;
}

// ---------------------------------------------------------------------------------------------
// Commands

/**
 * Codex's exec approval requirement, computed by @codex-ts/execpolicy (rules first, then the
 * approval policy's heuristics: known-safe commands, dangerous commands, escalation requests).
 */
export function assessCommand(input: {
  argv: string[];
  requestEscalation: boolean;
  /** The model's one-sentence reason for an escalation request (shown as the approval reason). */
  justification?: string;
  prefixRule?: string[];
  policy: AskForApproval;
  /** True when the turn runs without core's sandbox (disabled / external profile). */
  unsandboxed: boolean;
  execPolicy?: Policy;
}): Assessment {
  // on-failure (deprecated) asks the same questions up front as on-request; its extra
  // behaviour — retrying outside the sandbox after a denial — lives in the exec handlers.
  const approvalPolicy = input.policy === "on-failure" ? "on-request" : input.policy;
  const requirement = evaluateExecApproval(input.execPolicy ?? Policy.empty(), input.argv, {
    approvalPolicy,
    sandbox: input.unsandboxed ? "unrestricted" : "restricted",
    requestsSandboxOverride: input.requestEscalation,
    ...(input.prefixRule ? { prefixRule: input.prefixRule } : {}),
  });
  switch (requirement.type) {
    case "forbidden":
      return { action: "reject", reason: requirement.reason };
    case "needs-approval": {
      const reason = requirement.reason ?? (input.requestEscalation ? input.justification : undefined);
      return {
        action: "ask",
        escalated: input.requestEscalation,
        ...(reason !== undefined ? { reason } : {}),
        ...(requirement.proposedAmendment ? { proposedAmendment: requirement.proposedAmendment } : {}),
      };
    }
    case "skip":
      return { action: "run", escalated: requirement.bypassSandbox };
  }
}

export function execSessionKeys(argv: string[]): string[] {
  return [`exec:${JSON.stringify(argv)}`];
}

export function prefixKey(prefix: string[]): string {
  return `exec-prefix:${JSON.stringify(prefix)}`;
}

/** Whether prefixes accepted earlier in this session cover every simple command of argv. */
export function coveredBySessionPrefix(argv: string[], approved: Set<string>): boolean {
  const { commands } = commandsForExecPolicy(argv);
  if (commands.length === 0) return false;
  return commands.every((cmd) => {
    for (let n = 1; n <= cmd.length; n++) if (approved.has(prefixKey(cmd.slice(0, n)))) return true;
    return false;
  });
}
