/** `exec_command`, `write_stdin` and `shell_command`. */
import { statSync } from "node:fs";
import path from "node:path";
import * as z from "zod";
import { prepareShellParsing } from "@codex-ts/execpolicy";
import { AdditionalPermissionProfile } from "@codex-ts/protocol";
import { detectSandboxDenial } from "@codex-ts/sandboxing";
import { runApplyPatch } from "../apply-patch/handler.js";
import { extractApplyPatchInvocation } from "../apply-patch/intercept.js";
import { parseArguments } from "../args.js";
import {
  assessCommand,
  coveredBySessionPrefix,
  execDecisions,
  execSessionKeys,
  prefixKey,
  requestApproval,
} from "../approval.js";
import {
  askPermissions,
  isEmptyPermissions,
  PERMISSIONS_DENIED_MESSAGE,
  permissionsCovered,
  permissionsParameterSchema,
} from "../permissions.js";
import { BYTES_PER_TOKEN, DEFAULT_OUTPUT_BYTES, truncateMiddle } from "../truncate.js";
import type {
  FunctionToolSpec,
  RunningProcess,
  SpawnResult,
  ToolCall,
  ToolContext,
  ToolHandler,
  ToolResult,
} from "../types.js";
import { effectivePermissions, turnUnsandboxed } from "../../permissions/effective.js";
import { type ExecSession, sessionStoreFor } from "./sessions.js";

export const DEFAULT_EXEC_YIELD_MS = 10_000;
export const DEFAULT_WRITE_STDIN_YIELD_MS = 250;
export const MIN_YIELD_MS = 250;
export const MAX_YIELD_MS = 30_000;
export const DEFAULT_SHELL_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_OUTPUT_TOKENS = 10_000;

// ---------------------------------------------------------------------------------------------
// Specs

const sandboxPermissionsProp = {
  type: "string",
  description:
    'Sandbox permissions for the command. "require_escalated" asks to run it without sandbox restrictions (needs approval); "with_additional_permissions" keeps the sandbox but asks for the extra paths / network in `additional_permissions`; the default is "use_default".',
};
const additionalPermissionsProp = {
  ...permissionsParameterSchema,
  description:
    'Only with sandbox_permissions "with_additional_permissions": the extra permissions this command needs. Relative paths are resolved against workdir.',
};
const justificationProp = {
  type: "string",
  description:
    'Only with sandbox_permissions "require_escalated": a one-sentence reason the command needs to run outside the sandbox.',
};
const prefixRuleProp = {
  type: "array",
  items: { type: "string" },
  description:
    'Only with sandbox_permissions "require_escalated": a command prefix (e.g. ["git", "pull"]) the user may allow for future commands.',
};

/** Output-waiting parameters shared by exec_command and write_stdin. */
const yieldTimeProp = { type: "number", description: "How long to wait for output (in milliseconds) before returning." } as const;
const maxOutputTokensProp = {
  type: "number",
  description: "Maximum number of tokens of output to return; the rest is truncated.",
} as const;

export function execCommandSpec(): FunctionToolSpec {
  return {
    type: "function",
    name: "exec_command",
    description:
      "Runs a command, optionally in a PTY, and returns its output; if it is still running after the yield time, returns a session ID to continue with write_stdin.",
    strict: false,
    parameters: {
      type: "object",
      properties: {
        cmd: { type: "string", description: "The shell command to run." },
        workdir: {
          type: "string",
          description: "Working directory for the command; defaults to the turn's cwd.",
        },
        shell: { type: "string", description: "Shell binary to launch; defaults to the user's shell." },
        login: { type: "boolean", description: "Run the shell with login (-l) semantics. Defaults to true." },
        tty: {
          type: "boolean",
          description:
            "Allocate a pseudo-terminal for the command. Defaults to false (plain pipes); use true for interactive programs.",
        },
        yield_time_ms: yieldTimeProp,
        max_output_tokens: maxOutputTokensProp,
        sandbox_permissions: sandboxPermissionsProp,
        additional_permissions: additionalPermissionsProp,
        justification: justificationProp,
        prefix_rule: prefixRuleProp,
      },
      required: ["cmd"],
      additionalProperties: false,
    },
  };
}

export function writeStdinSpec(): FunctionToolSpec {
  return {
    type: "function",
    name: "write_stdin",
    description:
      "Writes characters to the stdin of a running exec_command session and returns the output produced since the last call.",
    strict: false,
    parameters: {
      type: "object",
      properties: {
        session_id: { type: "number", description: "ID of the running exec_command session." },
        chars: { type: "string", description: "Characters to write; may be empty to just poll for output." },
        yield_time_ms: yieldTimeProp,
        max_output_tokens: maxOutputTokensProp,
      },
      required: ["session_id"],
      additionalProperties: false,
    },
  };
}

export function shellCommandSpec(): FunctionToolSpec {
  return {
    type: "function",
    name: "shell_command",
    description:
      "Runs a shell script in the user's default shell and returns its output.\n- Always set `workdir`; avoid `cd` unless necessary.",
    strict: false,
    parameters: {
      type: "object",
      properties: {
        command: { type: "string", description: "The shell script to run in the user's default shell." },
        workdir: { type: "string", description: "The working directory to run the command in." },
        login: { type: "boolean", description: "Run the shell with login shell semantics. Defaults to true." },
        timeout_ms: { type: "number", description: "Timeout for the command in milliseconds." },
        sandbox_permissions: sandboxPermissionsProp,
        additional_permissions: additionalPermissionsProp,
        justification: justificationProp,
        prefix_rule: prefixRuleProp,
      },
      required: ["command"],
      additionalProperties: false,
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Arguments

const SandboxPermissions = z.enum(["use_default", "require_escalated", "with_additional_permissions"]).optional();
const PositiveNumber = z.number().finite().nonnegative().optional();

const ExecArgs = z.object({
  cmd: z.string().min(1, "cmd must not be empty"),
  workdir: z.string().optional(),
  shell: z.string().optional(),
  login: z.boolean().optional(),
  tty: z.boolean().optional(),
  yield_time_ms: PositiveNumber,
  max_output_tokens: PositiveNumber,
  sandbox_permissions: SandboxPermissions,
  additional_permissions: AdditionalPermissionProfile.optional(),
  justification: z.string().optional(),
  prefix_rule: z.array(z.string()).optional(),
});

const WriteStdinArgs = z.object({
  session_id: z.number().int(),
  chars: z.string().optional(),
  yield_time_ms: PositiveNumber,
  max_output_tokens: PositiveNumber,
});

const ShellCommandArgs = z.object({
  command: z.string().min(1, "command must not be empty"),
  workdir: z.string().optional(),
  login: z.boolean().optional(),
  timeout_ms: PositiveNumber,
  sandbox_permissions: SandboxPermissions,
  additional_permissions: AdditionalPermissionProfile.optional(),
  justification: z.string().optional(),
  prefix_rule: z.array(z.string()).optional(),
});

// ---------------------------------------------------------------------------------------------
// Shared: approval, spawn, items

function userShell(ctx: ToolContext, requested?: string): string {
  return requested ?? ctx.shell ?? process.env.SHELL ?? "/bin/bash";
}

function commandEnv(ctx: ToolContext, tty: boolean): Record<string, string> {
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

function clampYield(ms: number | undefined, fallback: number): number {
  const v = ms ?? fallback;
  return Math.min(MAX_YIELD_MS, Math.max(MIN_YIELD_MS, v));
}

function outputBudget(maxOutputTokens: number | undefined): number {
  if (maxOutputTokens === undefined || maxOutputTokens <= 0) return DEFAULT_MAX_OUTPUT_TOKENS * BYTES_PER_TOKEN;
  return Math.floor(maxOutputTokens * BYTES_PER_TOKEN);
}

interface StartRequest {
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
interface ShellCommandRequestArgs {
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
function shellStartRequest(call: ToolCall, ctx: ToolContext, a: ShellCommandRequestArgs): StartRequest {
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

type Started =
  | { ok: true; process: RunningProcess; startedAt: number; escalated: boolean }
  | { ok: false; result: ToolResult };

function emitStarted(req: StartRequest, processId?: string): void {
  req.startedAtMs = Date.now();
  req.ctx.emit({
    type: "item_started",
    item: {
      type: "command_execution",
      id: req.call.callId,
      command: req.display,
      argv: req.argv,
      cwd: req.cwd,
      status: "in_progress",
      ...(processId !== undefined ? { processId } : {}),
    },
    started_at_ms: req.startedAtMs,
  });
}

function emitCompleted(
  req: StartRequest,
  status: "completed" | "failed" | "declined",
  extra: { aggregatedOutput?: string; exitCode?: number; durationMs?: number; processId?: string } = {},
): void {
  req.ctx.emit({
    type: "item_completed",
    item: {
      type: "command_execution",
      id: req.call.callId,
      command: req.display,
      argv: req.argv,
      cwd: req.cwd,
      status,
      ...extra,
    },
    completed_at_ms: Date.now(),
    ...(req.startedAtMs !== undefined ? { started_at_ms: req.startedAtMs } : {}),
  });
}

type AskOutcome = { kind: "approved" } | { kind: "denied" } | { kind: "abort" };

/** Ask the user about a command (unless a session approval covers it). */
async function askExecApproval(req: StartRequest, reason: string | undefined, proposed: string[] | undefined): Promise<AskOutcome> {
  const { ctx } = req;
  if (coveredBySessionPrefix(req.argv, ctx.approvedForSession)) return { kind: "approved" };
  const outcome = await requestApproval(
    ctx,
    {
      kind: "exec",
      callId: req.call.callId,
      turnId: ctx.turnId,
      command: req.argv,
      cwd: req.cwd,
      ...(reason !== undefined ? { reason } : {}),
      ...(proposed ? { proposedExecpolicyAmendment: proposed } : {}),
    },
    execSessionKeys(req.argv),
    execDecisions(proposed),
  );
  if (outcome.kind === "approved" && outcome.amendment) {
    ctx.approvedForSession.add(prefixKey(outcome.amendment));
    await ctx.onExecpolicyAmendment?.(outcome.amendment);
  }
  return outcome.kind === "approved" ? { kind: "approved" } : outcome;
}

function declined(req: StartRequest, kind: "denied" | "abort"): ToolResult {
  emitCompleted(req, "declined");
  return { output: "exec command rejected by user", success: false, ...(kind === "abort" ? { abortTurn: true } : {}) };
}

/** Spawn through the runner and stream output deltas. */
async function spawnCommand(req: StartRequest, escalated: boolean): Promise<SpawnResult> {
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
async function startCommand(req: StartRequest): Promise<Started> {
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
  if (req.additionalPermissions) {
    const inline = await resolveInlinePermissions(req);
    if (!inline.ok) {
      emitCompleted(req, "declined");
      return { ok: false, result: { output: inline.message, success: false } };
    }
  }
  let escalated = assessment.escalated;
  if (assessment.action === "ask") {
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
 * A command's inline `with_additional_permissions`: already covered by the grants → nothing to
 * ask; otherwise the client is asked (through the same seam as request_permissions) and what it
 * grants applies to this command (and to its scope). Nothing granted → the command does not run.
 */
async function resolveInlinePermissions(req: StartRequest): Promise<{ ok: true } | { ok: false; message: string }> {
  const { ctx } = req;
  const requested = req.additionalPermissions;
  if (!requested || isEmptyPermissions(requested)) {
    return {
      ok: false,
      message:
        'sandbox_permissions "with_additional_permissions" needs additional_permissions (file_system read/write paths or network.enabled = true); the command was not run',
    };
  }
  if (turnUnsandboxed(ctx)) return { ok: true };
  if (permissionsCovered(requested, ctx.grantedPermissions?.() ?? null, req.cwd)) return { ok: true };
  const outcome = await askPermissions(ctx, req.call.callId, requested, req.cwd, req.justification);
  if (!outcome.ok) {
    const denied = outcome.message === PERMISSIONS_DENIED_MESSAGE;
    return { ok: false, message: `${denied ? "additional permissions denied by the user" : outcome.message}; the command was not run` };
  }
  req.grantedForCommand = outcome.granted;
  return { ok: true };
}

function wallTime(ms: number): string {
  return `${(ms / 1000).toFixed(4)} seconds`;
}

function chunkId(): string {
  return Math.floor(Math.random() * 0xffffff)
    .toString(16)
    .padStart(6, "0");
}

function formatUnifiedOutput(opts: {
  wallMs: number;
  output: string;
  exitCode?: number;
  sessionId?: number;
  maxBytes: number;
}): string {
  const t = truncateMiddle(opts.output, { maxBytes: opts.maxBytes });
  const lines = [`Chunk ID: ${chunkId()}`, `Wall time: ${wallTime(opts.wallMs)}`];
  if (opts.exitCode !== undefined) lines.push(`Process exited with code ${opts.exitCode}`);
  if (opts.sessionId !== undefined) lines.push(`Process running with session ID ${opts.sessionId}`);
  lines.push(`Original token count: ${Math.ceil(t.originalBytes / BYTES_PER_TOKEN)}`);
  lines.push("Output:");
  return `${lines.join("\n")}\n${t.text}`;
}

// ---------------------------------------------------------------------------------------------
// exec_command / write_stdin

/**
 * Emit item_completed when the session's process exits, unless `hold(exit)` says the handler
 * takes care of it (a sandbox denial it may retry); a held completion is emitted by `flush`.
 */
function watchExit(
  req: StartRequest,
  session: ExecSession,
  hold: (exit: { exitCode: number; signal?: string }) => boolean,
): { flush(): void; drop(): void } {
  let held: (() => void) | undefined;
  let dropped = false;
  void session.process.exited.then((exit) => {
    if (dropped) return;
    const status = exit.exitCode === 0 ? "completed" : "failed";
    const emit = () =>
      emitCompleted(req, status, {
        aggregatedOutput: truncateMiddle(session.aggregated.text(), { maxBytes: DEFAULT_OUTPUT_BYTES }).text,
        exitCode: exit.exitCode,
        durationMs: Date.now() - session.startedAt,
        processId: String(session.id),
      });
    if (hold(exit)) held = emit;
    else emit();
  });
  return {
    flush: () => {
      const emit = held;
      held = undefined;
      emit?.();
    },
    drop: () => {
      dropped = true;
      held = undefined;
    },
  };
}

/**
 * Whether a failed sandboxed run may be retried outside the sandbox after approval: under
 * on-request and on-failure, when the sandbox (not the command) caused the failure.
 */
function sandboxDenialRetryable(
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
function retryReason(req: StartRequest): string {
  return req.justification ?? "command failed in the sandbox; retry without sandbox?";
}

/** Route a shell `apply_patch` heredoc through the apply_patch tool, as Codex does. */
async function maybeInterceptApplyPatch(
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

async function handleExecCommand(call: ToolCall, ctx: ToolContext): Promise<ToolResult> {
  const args = parseArguments(call, ExecArgs);
  if (!args.ok) return { output: args.error, success: false };
  const a = args.value;
  const intercepted = await maybeInterceptApplyPatch(call, ctx, a.cmd, a.workdir);
  if (intercepted) return intercepted;
  const req = shellStartRequest(call, ctx, { ...a, command: a.cmd, shell: userShell(ctx, a.shell), tty: a.tty ?? false });
  const started = await startCommand(req);
  if (!started.ok) return started.result;
  const store = sessionStoreFor(ctx);
  let proc = started.process;
  let escalated = started.escalated;
  const maxBytes = outputBudget(a.max_output_tokens);
  for (;;) {
    const session = store.add(proc, a.cmd);
    let detached = false;
    const attemptEscalated = escalated;
    // While the handler still waits on the process, a sandbox denial is the handler's to report.
    const watcher = watchExit(
      req,
      session,
      (exit) => !detached && sandboxDenialRetryable(ctx, attemptEscalated, exit, session.aggregated.text()),
    );
    const { output, exit } = await session.collect(clampYield(a.yield_time_ms, DEFAULT_EXEC_YIELD_MS), ctx.signal);
    const wallMs = Date.now() - session.startedAt;
    if (exit === undefined) {
      detached = true;
      watcher.flush();
      return { output: formatUnifiedOutput({ wallMs, output, sessionId: session.id, maxBytes }), success: true };
    }
    store.remove(session.id);
    if (!ctx.signal.aborted && sandboxDenialRetryable(ctx, escalated, exit, session.aggregated.text())) {
      // The sandbox blocked the command: ask to run it again outside the sandbox.
      watcher.drop();
      const outcome = await askExecApproval(req, retryReason(req), undefined);
      if (outcome.kind !== "approved") return declined(req, outcome.kind);
      const retried = await spawnCommand(req, true);
      if (!retried.ok) {
        emitCompleted(req, "failed");
        return { output: retried.error, success: false };
      }
      proc = retried.process;
      escalated = true;
      continue;
    }
    watcher.flush();
    return { output: formatUnifiedOutput({ wallMs, output, exitCode: exit.exitCode, maxBytes }), success: true };
  }
}

async function handleWriteStdin(call: ToolCall, ctx: ToolContext): Promise<ToolResult> {
  const args = parseArguments(call, WriteStdinArgs);
  if (!args.ok) return { output: args.error, success: false };
  const a = args.value;
  const store = sessionStoreFor(ctx);
  const session = store.get(a.session_id);
  if (!session) {
    return { output: `write_stdin failed: unknown session id ${a.session_id} (the process may have exited)`, success: false };
  }
  const startedAt = Date.now();
  if (a.chars && a.chars.length > 0) {
    if (session.exit !== undefined) {
      // Still hand back the final output below; the write itself cannot happen.
    } else {
      session.process.write(a.chars);
    }
  }
  const { output, exit } = await session.collect(clampYield(a.yield_time_ms, DEFAULT_WRITE_STDIN_YIELD_MS), ctx.signal);
  const wallMs = Date.now() - startedAt;
  const maxBytes = outputBudget(a.max_output_tokens);
  if (exit !== undefined) {
    store.remove(session.id);
    return { output: formatUnifiedOutput({ wallMs, output, exitCode: exit.exitCode, maxBytes }), success: true };
  }
  return { output: formatUnifiedOutput({ wallMs, output, sessionId: session.id, maxBytes }), success: true };
}

// ---------------------------------------------------------------------------------------------
// shell_command

/** Collect a process's output until it exits, the timeout passes, or the turn is interrupted. */
async function waitForCommand(
  proc: RunningProcess,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<{ output: string; exit: { exitCode: number; signal?: string }; timedOut: boolean; interrupted: boolean }> {
  proc.closeStdin();
  let output = "";
  proc.onOutput((chunk) => {
    output += chunk;
  });
  let timedOut = false;
  let interrupted = false;
  const timer = setTimeout(() => {
    timedOut = true;
    proc.kill("SIGKILL");
  }, timeoutMs);
  const onAbort = () => {
    interrupted = true;
    proc.kill("SIGKILL");
  };
  signal.addEventListener("abort", onAbort, { once: true });
  if (signal.aborted) onAbort();
  const exit = await proc.exited;
  clearTimeout(timer);
  signal.removeEventListener("abort", onAbort);
  return { output, exit, timedOut, interrupted };
}

async function handleShellCommand(call: ToolCall, ctx: ToolContext): Promise<ToolResult> {
  const args = parseArguments(call, ShellCommandArgs);
  if (!args.ok) return { output: args.error, success: false };
  const a = args.value;
  const intercepted = await maybeInterceptApplyPatch(call, ctx, a.command, a.workdir);
  if (intercepted) return intercepted;
  const req = shellStartRequest(call, ctx, { ...a, shell: userShell(ctx), tty: false });
  const started = await startCommand(req);
  if (!started.ok) return started.result;
  const timeoutMs = a.timeout_ms ?? DEFAULT_SHELL_TIMEOUT_MS;
  let run = await waitForCommand(started.process, timeoutMs, ctx.signal);
  if (!run.timedOut && !run.interrupted && sandboxDenialRetryable(ctx, started.escalated, run.exit, run.output)) {
    // The sandbox blocked the command; offer to run it again without the sandbox.
    const outcome = await askExecApproval(req, retryReason(req), undefined);
    if (outcome.kind !== "approved") return declined(req, outcome.kind);
    const retried = await spawnCommand(req, true);
    if (!retried.ok) {
      emitCompleted(req, "failed");
      return { output: retried.error, success: false };
    }
    run = await waitForCommand(retried.process, timeoutMs, ctx.signal);
  }
  const { output, exit, timedOut, interrupted } = run;
  const durationMs = Date.now() - started.startedAt;
  const exitCode = timedOut ? 124 : exit.exitCode;
  let body = output;
  if (timedOut) body = `command timed out after ${timeoutMs} milliseconds\n${output}`;
  if (interrupted) body = `command was interrupted\n${output}`;
  emitCompleted(req, exitCode === 0 && !interrupted ? "completed" : "failed", {
    aggregatedOutput: truncateMiddle(output).text,
    exitCode,
    durationMs,
  });
  const text = truncateMiddle(body).text;
  return {
    output: `Exit code: ${exitCode}\nWall time: ${(durationMs / 1000).toFixed(1)} seconds\nOutput:\n${text}`,
    success: exitCode === 0 && !interrupted,
  };
}

export function execCommandHandler(): ToolHandler {
  return { spec: execCommandSpec(), handle: handleExecCommand };
}

export function writeStdinHandler(): ToolHandler {
  return { spec: writeStdinSpec(), handle: handleWriteStdin };
}

export function shellCommandHandler(): ToolHandler {
  return { spec: shellCommandSpec(), handle: handleShellCommand };
}
