/**
 * A command's approvals: the plain exec approval (unless a session approval covers it), an inline
 * `with_additional_permissions` request, and a skill script's permissions. Each is one command
 * approval request built by execApprovalBody.
 */
import { type AdditionalPermissionProfile, materializeAdditionalPermissions } from "@codex-ts/protocol";
import { turnUnsandboxed } from "../permissions/effective.js";
import { coveredBySessionPrefix, execDecisions, execSessionKeys, isGranular, prefixKey, requestApproval } from "./approval.js";
import type { StartRequest } from "./command-request.js";
import { isEmptyPermissions, permissionsCovered } from "./permissions.js";

export type AskOutcome = { kind: "approved" } | { kind: "denied" } | { kind: "abort" };

/** A command approval request for `req` (every approval of a command starts from this). */
function execApprovalBody(
  req: StartRequest,
  reason: string | undefined,
  proposed: string[] | undefined,
  additionalPermissions?: AdditionalPermissionProfile,
) {
  return {
    kind: "exec" as const,
    callId: req.call.callId,
    turnId: req.ctx.turnId,
    command: req.argv,
    cwd: req.cwd,
    ...(reason !== undefined ? { reason } : {}),
    ...(proposed ? { proposedExecpolicyAmendment: proposed } : {}),
    ...(additionalPermissions ? { additionalPermissions } : {}),
  };
}

/** Ask the user about a command (unless a session approval covers it). */
export async function askExecApproval(req: StartRequest, reason: string | undefined, proposed: string[] | undefined): Promise<AskOutcome> {
  const { ctx } = req;
  if (coveredBySessionPrefix(req.argv, ctx.approvedForSession)) return { kind: "approved" };
  const outcome = await requestApproval(ctx, execApprovalBody(req, reason, proposed), execSessionKeys(req.argv), execDecisions(proposed));
  if (outcome.kind === "approved" && outcome.amendment) {
    ctx.approvedForSession.add(prefixKey(outcome.amendment));
    await ctx.onExecpolicyAmendment?.(outcome.amendment);
  }
  return outcome.kind === "approved" ? { kind: "approved" } : outcome;
}

export type InlineOutcome =
  | { ok: true; asked: boolean }
  | { ok: false; message: string; outcome?: "denied" | "abort" };

/**
 * A command's inline `with_additional_permissions` (feature `exec_permission_approvals`, as in
 * Codex): already covered by the grants → nothing to ask; otherwise one command approval carries
 * the permissions (`additionalPermissions`, paths made absolute against the workdir) and, approved,
 * they apply to this command only. Declined → the command does not run.
 */
export async function resolveInlinePermissions(req: StartRequest, proposed: string[] | undefined): Promise<InlineOutcome> {
  const { ctx } = req;
  const requested = req.additionalPermissions;
  if (!ctx.execPermissionApprovals) {
    return {
      ok: false,
      message:
        "additional permissions are disabled; enable `features.exec_permission_approvals` before using `with_additional_permissions`",
    };
  }
  if (!requested || isEmptyPermissions(requested)) {
    return {
      ok: false,
      message:
        'sandbox_permissions "with_additional_permissions" needs additional_permissions (file_system read/write paths or network.enabled = true); the command was not run',
    };
  }
  if (turnUnsandboxed(ctx)) return { ok: true, asked: false };
  if (permissionsCovered(requested, ctx.grantedPermissions?.() ?? null, req.cwd)) return { ok: true, asked: false };
  if (ctx.approvalPolicy === "never" || (isGranular(ctx.approvalPolicy) && !ctx.approvalPolicy.granular.sandbox_approval)) {
    return { ok: false, message: "additional permissions need approval, which the approval policy does not allow; the command was not run" };
  }
  const permissions = materializeAdditionalPermissions(requested, req.cwd);
  const outcome = await requestApproval(ctx, execApprovalBody(req, req.justification, proposed, permissions), [], ["approved", "abort"]);
  if (outcome.kind !== "approved") return { ok: false, message: "exec command rejected by user", outcome: outcome.kind };
  req.grantedForCommand = permissions;
  return { ok: true, asked: true };
}

/**
 * A skill script (a program inside the folder of a skill that declares permissions): one command
 * approval carrying the skill's permissions, approvable for the session (then later runs of the
 * script get them without asking). A policy that may not ask runs it with the turn's sandbox only.
 */
export async function resolveSkillScript(
  req: StartRequest,
  skill: { skill: string; script: string; permissions: AdditionalPermissionProfile },
  proposed: string[] | undefined,
): Promise<"asked" | "not_asked" | "denied" | "abort"> {
  const { ctx } = req;
  if (turnUnsandboxed(ctx)) return "not_asked";
  const policy = ctx.approvalPolicy;
  if (policy === "never" || (isGranular(policy) && !policy.granular.skill_approval)) return "not_asked";
  const reason = `runs a script of the skill \`${skill.skill}\` with the skill's permissions`;
  const outcome = await requestApproval(
    ctx,
    execApprovalBody(req, reason, proposed, skill.permissions),
    [`skill-script:${skill.script}`],
    ["approved", "approved_for_session", "abort"],
  );
  if (outcome.kind !== "approved") return outcome.kind;
  req.grantedForCommand = skill.permissions;
  return "asked";
}
