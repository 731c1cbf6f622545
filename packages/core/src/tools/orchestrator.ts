/**
 * The command orchestrator exec_command and shell_command share: parse → approval (exec policy,
 * escalation, inline permission requests) → spawn through the runner in the sandbox computed by
 * ../permissions (never from the command's workdir) → item events; plus the sandbox-denial retry
 * decision. The handlers (./handlers/) add only their own arguments and output formats. The
 * request and its item events are in ./command-request.ts, the approvals in ./command-approval.ts,
 * the shared spec and argument pieces in ./command-spec.ts.
 */
import { statSync } from "node:fs";
import path from "node:path";
import { prepareShellParsing } from "@codex-ts/execpolicy";
import { detectSandboxDenial } from "@codex-ts/sandboxing";
import { effectivePermissions, turnUnsandboxed } from "../permissions/effective.js";
import { runApplyPatch } from "./apply-patch/handler.js";
import { extractApplyPatchInvocation } from "./apply-patch/intercept.js";
import { assessCommand } from "./approval.js";
import { askExecApproval, resolveInlinePermissions, resolveSkillScript } from "./command-approval.js";
import { declined, emitCompleted, emitStarted, type StartRequest } from "./command-request.js";
import type { RunningProcess, SpawnResult, ToolCall, ToolContext, ToolResult } from "./types.js";

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

export type Started =
  | { ok: true; process: RunningProcess; startedAt: number; escalated: boolean }
  | { ok: false; result: ToolResult };

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
