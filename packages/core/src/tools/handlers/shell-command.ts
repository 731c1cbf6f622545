/** `shell_command`: run a shell script to completion (or its timeout) and return its output. */
import * as z from "zod";
import { emitCompleted } from "../command-request.js";
import { commandPermissionArgs, PositiveNumber } from "../command-spec.js";
import { retryEscalated, sandboxDenialRetryable, userShell } from "../orchestrator.js";
import { truncateMiddle } from "../truncate.js";
import { commandToolSpec, startCommandTool } from "./command-tool.js";
import type { FunctionToolSpec, RunningProcess, ToolCall, ToolContext, ToolHandler, ToolResult } from "../types.js";

export const DEFAULT_SHELL_TIMEOUT_MS = 10_000;

export function shellCommandSpec(): FunctionToolSpec {
  return commandToolSpec(
    "shell_command",
    "Runs a shell script in the user's default shell and returns its output.\n- Always set `workdir`; avoid `cd` unless necessary.",
    {
      command: { type: "string", description: "The shell script to run in the user's default shell." },
      workdir: { type: "string", description: "The working directory to run the command in." },
      login: { type: "boolean", description: "Run the shell with login shell semantics. Defaults to true." },
      timeout_ms: { type: "number", description: "Timeout for the command in milliseconds." },
    },
    "command",
  );
}

const ShellCommandArgs = z.object({
  command: z.string().min(1, "command must not be empty"),
  workdir: z.string().optional(),
  login: z.boolean().optional(),
  timeout_ms: PositiveNumber,
  ...commandPermissionArgs,
});

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
  const start = await startCommandTool(call, ctx, ShellCommandArgs, (a) => ({ ...a, shell: userShell(ctx), tty: false }));
  if (!start.ok) return start.result;
  const { args: a, req, started } = start;
  const timeoutMs = a.timeout_ms ?? DEFAULT_SHELL_TIMEOUT_MS;
  let run = await waitForCommand(started.process, timeoutMs, ctx.signal);
  if (!run.timedOut && !run.interrupted && sandboxDenialRetryable(ctx, started.escalated, run.exit, run.output)) {
    // The sandbox blocked the command; offer to run it again without the sandbox.
    const retried = await retryEscalated(req);
    if (!retried.ok) return retried.result;
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

export function shellCommandHandler(): ToolHandler {
  return { spec: shellCommandSpec(), handle: handleShellCommand };
}

