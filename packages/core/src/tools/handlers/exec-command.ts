/** `exec_command`: run a command (optionally in a PTY); a process still running after the yield becomes a session for write_stdin. */
import * as z from "zod";
import { type ExecSession, sessionStoreFor } from "../exec/sessions.js";
import { emitCompleted, type StartRequest } from "../command-request.js";
import { commandPermissionArgs, maxOutputTokensProp, PositiveNumber, yieldTimeProp } from "../command-spec.js";
import { retryEscalated, sandboxDenialRetryable, userShell } from "../orchestrator.js";
import { BYTES_PER_TOKEN, DEFAULT_OUTPUT_BYTES, truncateMiddle } from "../truncate.js";
import { commandToolSpec, startCommandTool } from "./command-tool.js";
import type { FunctionToolSpec, ToolCall, ToolContext, ToolHandler, ToolResult } from "../types.js";

export const DEFAULT_EXEC_YIELD_MS = 10_000;
export const DEFAULT_WRITE_STDIN_YIELD_MS = 250;
export const MIN_YIELD_MS = 250;
export const MAX_YIELD_MS = 30_000;
export const DEFAULT_MAX_OUTPUT_TOKENS = 10_000;

export function execCommandSpec(): FunctionToolSpec {
  return commandToolSpec(
    "exec_command",
    "Runs a command, optionally in a PTY, and returns its output; if it is still running after the yield time, returns a session ID to continue with write_stdin.",
    {
      cmd: { type: "string", description: "The shell command to run." },
      workdir: { type: "string", description: "Working directory for the command; defaults to the turn's cwd." },
      shell: { type: "string", description: "Shell binary to launch; defaults to the user's shell." },
      login: { type: "boolean", description: "Run the shell with login (-l) semantics. Defaults to true." },
      tty: {
        type: "boolean",
        description:
          "Allocate a pseudo-terminal for the command. Defaults to false (plain pipes); use true for interactive programs.",
      },
      yield_time_ms: yieldTimeProp,
      max_output_tokens: maxOutputTokensProp,
    },
    "cmd",
  );
}

const ExecArgs = z.object({
  cmd: z.string().min(1, "cmd must not be empty"),
  workdir: z.string().optional(),
  shell: z.string().optional(),
  login: z.boolean().optional(),
  tty: z.boolean().optional(),
  yield_time_ms: PositiveNumber,
  max_output_tokens: PositiveNumber,
  ...commandPermissionArgs,
});

export function clampYield(ms: number | undefined, fallback: number): number {
  const v = ms ?? fallback;
  return Math.min(MAX_YIELD_MS, Math.max(MIN_YIELD_MS, v));
}

export function outputBudget(maxOutputTokens: number | undefined): number {
  if (maxOutputTokens === undefined || maxOutputTokens <= 0) return DEFAULT_MAX_OUTPUT_TOKENS * BYTES_PER_TOKEN;
  return Math.floor(maxOutputTokens * BYTES_PER_TOKEN);
}


function wallTime(ms: number): string {
  return `${(ms / 1000).toFixed(4)} seconds`;
}

function chunkId(): string {
  return Math.floor(Math.random() * 0xffffff)
    .toString(16)
    .padStart(6, "0");
}

export function formatUnifiedOutput(opts: {
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


async function handleExecCommand(call: ToolCall, ctx: ToolContext): Promise<ToolResult> {
  const start = await startCommandTool(call, ctx, ExecArgs, (a) => ({
    ...a,
    command: a.cmd,
    shell: userShell(ctx, a.shell),
    tty: a.tty ?? false,
  }));
  if (!start.ok) return start.result;
  const { args: a, req, started } = start;
  const store = sessionStoreFor(ctx);
  let proc = started.process;
  let escalated = started.escalated;
  const maxBytes = outputBudget(a.max_output_tokens);
  for (;;) {
    const session = store.add(proc, a.cmd);
    session.callId = call.callId;
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
      const retried = await retryEscalated(req);
      if (!retried.ok) return retried.result;
      proc = retried.process;
      escalated = true;
      continue;
    }
    watcher.flush();
    return { output: formatUnifiedOutput({ wallMs, output, exitCode: exit.exitCode, maxBytes }), success: true };
  }
}

export function execCommandHandler(): ToolHandler {
  return { spec: execCommandSpec(), handle: handleExecCommand };
}
