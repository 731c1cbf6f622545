/**
 * The command orchestrator exec_command and shell_command share: parse → approval (exec policy,
 * escalation, inline permission requests) → spawn through the runner in the sandbox computed by
 * ../permissions (never from the command's workdir) → item events; plus the sandbox-denial retry
 * decision. The handlers (./handlers/) add only their own arguments and output formats.
 */
import { statSync } from "node:fs";
import path from "node:path";
import * as z from "zod";
import { prepareShellParsing } from "@codex-ts/execpolicy";
import { AdditionalPermissionProfile, materializeAdditionalPermissions } from "@codex-ts/protocol";
import { detectSandboxDenial } from "@codex-ts/sandboxing";
import { effectivePermissions, turnUnsandboxed } from "../permissions/effective.js";
import { runApplyPatch } from "./apply-patch/handler.js";
import { extractApplyPatchInvocation } from "./apply-patch/intercept.js";
import {
  assessCommand,
  coveredBySessionPrefix,
  execDecisions,
  execSessionKeys,
  isGranular,
  prefixKey,
  requestApproval,
} from "./approval.js";
import {
  isEmptyPermissions,
  permissionsCovered,
  permissionsParameterSchema,
} from "./permissions.js";
import type {
  FunctionToolSpec,
  ItemStatus,
  JsonSchema,
  RunningProcess,
  SpawnResult,
  ToolCall,
  ToolContext,
  ToolItem,
  ToolResult,
} from "./types.js";

// ---------------------------------------------------------------------------------------------
// Specs

export const sandboxPermissionsProp = {
  type: "string",
  description:
    'Sandbox permissions for the command. "require_escalated" asks to run it without sandbox restrictions (needs approval); "with_additional_permissions" keeps the sandbox but asks for the extra paths / network in `additional_permissions`; the default is "use_default".',
};
export const additionalPermissionsProp = {
  ...permissionsParameterSchema,
  description:
    'Only with sandbox_permissions "with_additional_permissions": the extra permissions this command needs. Relative paths are resolved against workdir.',
};
export const justificationProp = {
  type: "string",
  description:
    'Only with sandbox_permissions "require_escalated": a one-sentence reason the command needs to run outside the sandbox.',
};
export const prefixRuleProp = {
  type: "array",
  items: { type: "string" },
  description:
    'Only with sandbox_permissions "require_escalated": a command prefix (e.g. ["git", "pull"]) the user may allow for future commands.',
};

/** Output-waiting parameters shared by exec_command and write_stdin. */
export const yieldTimeProp = { type: "number", description: "How long to wait for output (in milliseconds) before returning." } as const;
export const maxOutputTokensProp = {
  type: "number",
  description: "Maximum number of tokens of output to return; the rest is truncated.",
} as const;


// Argument pieces exec_command and shell_command share.

export const SandboxPermissions = z.enum(["use_default", "require_escalated", "with_additional_permissions"]).optional();
export const PositiveNumber = z.number().finite().nonnegative().optional();

// ---------------------------------------------------------------------------------------------
// Shared: approval, spawn, items

export function userShell(ctx: ToolContext, requested?: string): string {
  return requested ?? ctx.shell ?? process.env.SHELL ?? "/bin/bash";
}

export function commandEnv(ctx: ToolContext, tty: boolean): Record<string, string> {
  const env: Record<string, string> = {};
  const source = ctx.env ?? process.env;
  for (const [k, v] of Object.entries(source)) if (v !== undefined) env[k] = v;
  // Keep output plain and non-interactive, as Codex does for model-run commands.
  env.NO_COLOR = "1";
  env.PAGER = "cat";
  env.GIT_PAGER = "cat";
  if (!tty) env.TERM = "dumb";
  return env;
}

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

export type Started =
  | { ok: true; process: RunningProcess; startedAt: number; escalated: boolean }
  | { ok: false; result: ToolResult };

/** The command_execution item of a request, in `status`. */
function commandItem(req: StartRequest, status: ItemStatus, extra: Partial<Extract<ToolItem, { type: "command_execution" }>> = {}) {
  return {
    type: "command_execution" as const,
    id: req.call.callId,
    command: req.display,
    argv: req.argv,
    cwd: req.cwd,
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

export function declined(req: StartRequest, kind: "denied" | "abort"): ToolResult {
  emitCompleted(req, "declined");
  return { output: "exec command rejected by user", success: false, ...(kind === "abort" ? { abortTurn: true } : {}) };
}

/** Spawn through the runner and stream output deltas. */
export async function spawnCommand(req: StartRequest, escalated: boolean): Promise<SpawnResult> {
  const { ctx } = req;
  const spawned = await ctx.runner.spawn({
    argv: req.argv,
    cwd: req.cwd,
    env: commandEnv(ctx, req.tty),
    tty: req.tty,
    sandbox: ctx.sandboxPolicy,
    escalated,
    signal: ctx.signal,
    permissions: effectivePermissions(ctx, req.grantedForCommand),
  });
  if (spawned.ok) {
    spawned.process.onOutput((chunk, stream) => {
      ctx.emit({ type: "exec_command_output_delta", call_id: req.call.callId, stream, chunk });
    });
  }
  return spawned;
}

/** Decide (policy + approval), then spawn through the runner. Emits item_started. */
export async function startCommand(req: StartRequest): Promise<Started> {
  const { ctx } = req;
  try {
    if (!statSync(req.cwd).isDirectory()) {
      return { ok: false, result: { output: `workdir ${req.cwd} is not a directory`, success: false } };
    }
  } catch {
    return { ok: false, result: { output: `workdir ${req.cwd} does not exist`, success: false } };
  }
  // Scripts the plain-script lexer cannot decide need execpolicy's tree-sitter grammar, which is
  // loaded on first need.
  try {
    await prepareShellParsing(req.argv);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, result: { output: `cannot check the command against the exec policy: ${message}`, success: false } };
  }
  const assessment = assessCommand({
    argv: req.argv,
    requestEscalation: req.requestEscalation,
    ...(req.justification !== undefined ? { justification: req.justification } : {}),
    ...(req.prefixRule !== undefined ? { prefixRule: req.prefixRule } : {}),
    policy: ctx.approvalPolicy,
    unsandboxed: turnUnsandboxed(ctx),
    ...(ctx.execPolicy ? { execPolicy: ctx.execPolicy } : {}),
  });
  emitStarted(req);
  if (assessment.action === "reject") {
    emitCompleted(req, "declined");
    return { ok: false, result: { output: assessment.reason, success: false } };
  }
  let asked = false;
  if (req.additionalPermissions) {
    const inline = await resolveInlinePermissions(req, assessment.action === "ask" ? assessment.proposedAmendment : undefined);
    if (!inline.ok) {
      if (inline.outcome) return { ok: false, result: declined(req, inline.outcome) };
      emitCompleted(req, "declined");
      return { ok: false, result: { output: inline.message, success: false } };
    }
    asked = inline.asked;
  } else {
    const skill = ctx.skillScript?.(req.argv, req.cwd);
    if (skill) {
      const outcome = await resolveSkillScript(req, skill, assessment.action === "ask" ? assessment.proposedAmendment : undefined);
      if (outcome === "denied" || outcome === "abort") return { ok: false, result: declined(req, outcome) };
      asked = outcome === "asked";
    }
  }
  let escalated = assessment.escalated;
  if (assessment.action === "ask" && !asked) {
    const outcome = await askExecApproval(req, assessment.reason, assessment.proposedAmendment);
    if (outcome.kind !== "approved") return { ok: false, result: declined(req, outcome.kind) };
  }
  let spawned = await spawnCommand(req, escalated);
  if (!spawned.ok && spawned.kind === "sandbox_unavailable" && ctx.approvalPolicy === "on-failure") {
    // on-failure: a command that cannot run in the sandbox may be retried outside it, if approved.
    const outcome = await askExecApproval(req, `could not run in the sandbox: ${spawned.error}`, undefined);
    if (outcome.kind !== "approved") return { ok: false, result: declined(req, outcome.kind) };
    escalated = true;
    spawned = await spawnCommand(req, escalated);
  }
  if (!spawned.ok) {
    emitCompleted(req, "failed");
    return { ok: false, result: { output: spawned.error, success: false } };
  }
  return { ok: true, process: spawned.process, startedAt: Date.now(), escalated };
}

type InlineOutcome =
  | { ok: true; asked: boolean }
  | { ok: false; message: string; outcome?: "denied" | "abort" };

/**
 * A command's inline `with_additional_permissions` (feature `exec_permission_approvals`, as in
 * Codex): already covered by the grants → nothing to ask; otherwise one command approval carries
 * the permissions (`additionalPermissions`, paths made absolute against the workdir) and, approved,
 * they apply to this command only. Declined → the command does not run.
 */
async function resolveInlinePermissions(req: StartRequest, proposed: string[] | undefined): Promise<InlineOutcome> {
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
async function resolveSkillScript(
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

/**
 * Whether a failed sandboxed run may be retried outside the sandbox after approval: under
 * on-request and on-failure, when the sandbox (not the command) caused the failure.
 */
export function sandboxDenialRetryable(
  ctx: ToolContext,
  escalated: boolean,
  exit: { exitCode: number; signal?: string },
  output: string,
): boolean {
  return (
    (ctx.approvalPolicy === "on-failure" || ctx.approvalPolicy === "on-request") &&
    !escalated &&
    !turnUnsandboxed(ctx) &&
    detectSandboxDenial(exit.exitCode, output, exit.signal ?? null)
  );
}

/** The approval reason for an escalated retry: the model's justification when it gave one. */
export function retryReason(req: StartRequest): string {
  return req.justification ?? "command failed in the sandbox; retry without sandbox?";
}

/** Route a shell `apply_patch` heredoc through the apply_patch tool, as Codex does. */
export async function maybeInterceptApplyPatch(
  call: ToolCall,
  ctx: ToolContext,
  script: string,
  workdir: string | undefined,
): Promise<ToolResult | undefined> {
  const invocation = extractApplyPatchInvocation(script, path.resolve(ctx.cwd, workdir ?? "."));
  if (!invocation) return undefined;
  ctx.emit({
    type: "warning",
    message: "apply_patch was requested via a shell command; use the apply_patch tool instead.",
  });
  return runApplyPatch(call, ctx, invocation.patch, invocation.cwd);
}

/** The spec properties exec_command and shell_command share (escalation and permission requests). */
export const commandPermissionProps = {
  sandbox_permissions: sandboxPermissionsProp,
  additional_permissions: additionalPermissionsProp,
  justification: justificationProp,
  prefix_rule: prefixRuleProp,
};

/**
 * A command tool's spec without the inline permission request (feature
 * `exec_permission_approvals` off), as Codex 0.169 shows it: `sandbox_permissions` is one of
 * `use_default` / `require_escalated` and there is no `additional_permissions`.
 */
export function withoutInlinePermissions(spec: FunctionToolSpec): FunctionToolSpec {
  const properties = spec.parameters.properties;
  if (!properties || !("additional_permissions" in properties)) return spec;
  const { additional_permissions: _dropped, ...rest } = properties;
  const sandbox_permissions: JsonSchema = {
    type: "string",
    enum: ["use_default", "require_escalated"],
    description:
      'Sandbox permissions for the command: "require_escalated" asks to run it without sandbox restrictions (needs approval); the default is "use_default".',
  };
  return { ...spec, parameters: { ...spec.parameters, properties: { ...rest, sandbox_permissions } } };
}

/** The argument fields behind those properties. */
export const commandPermissionArgs = {
  sandbox_permissions: SandboxPermissions,
  additional_permissions: AdditionalPermissionProfile.optional(),
  justification: z.string().optional(),
  prefix_rule: z.array(z.string()).optional(),
};

/**
 * After a sandbox denial: ask (with the model's justification) and, if approved, run the command
 * again outside the sandbox. Declined or failed → the tool result to return.
 */
export async function retryEscalated(
  req: StartRequest,
): Promise<{ ok: true; process: RunningProcess } | { ok: false; result: ToolResult }> {
  const outcome = await askExecApproval(req, retryReason(req), undefined);
  if (outcome.kind !== "approved") return { ok: false, result: declined(req, outcome.kind) };
  const retried = await spawnCommand(req, true);
  if (!retried.ok) {
    emitCompleted(req, "failed");
    return { ok: false, result: { output: retried.error, success: false } };
  }
  return { ok: true, process: retried.process };
}
