import { spawn } from "node:child_process";

/** Most output kept per stream; the rest is dropped (hooks should print little). */
const MAX_CAPTURE = 1024 * 1024;

export interface CommandRunResult {
  /** Unix seconds. */
  startedAt: number;
  completedAt: number;
  durationMs: number;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Spawn failure, timeout or abort, as a readable sentence. */
  error: string | null;
}

export interface RunCommandOptions {
  command: string;
  input: string;
  cwd: string;
  env: Record<string, string>;
  timeoutSec: number;
  signal?: AbortSignal;
  /** Shell used as `<shell> -c <command>`; default /bin/sh. */
  shell?: string;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // The group is already gone.
  }
}

/**
 * Run one hook command through the shell in its own process group, feed `input` on stdin and
 * collect output. On timeout or abort the whole group is killed. Never rejects.
 */
export function runCommand(opts: RunCommandOptions): Promise<CommandRunResult> {
  const startMs = Date.now();
  return new Promise((resolvePromise) => {
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let outLen = 0;
    let errLen = 0;
    let timedOut = false;
    let aborted = false;
    let spawnError: string | null = null;
    let settled = false;

    const child = spawn(opts.shell ?? "/bin/sh", ["-c", opts.command], {
      cwd: opts.cwd,
      env: { ...process.env, ...opts.env },
      detached: true,
      stdio: ["pipe", "pipe", "pipe"],
    });

    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, opts.timeoutSec * 1000);
    const onAbort = () => {
      aborted = true;
      killGroup(child.pid);
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();

    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      const endMs = Date.now();
      let error = spawnError;
      if (timedOut) error = `hook timed out after ${opts.timeoutSec}s`;
      else if (aborted) error = "hook was cancelled";
      resolvePromise({
        startedAt: Math.floor(startMs / 1000),
        completedAt: Math.floor(endMs / 1000),
        durationMs: endMs - startMs,
        exitCode,
        signal,
        stdout: Buffer.concat(stdout).toString("utf8"),
        stderr: Buffer.concat(stderr).toString("utf8"),
        timedOut,
        error,
      });
    };

    child.stdout.on("data", (chunk: Buffer) => {
      if (outLen < MAX_CAPTURE) stdout.push(chunk.subarray(0, MAX_CAPTURE - outLen));
      outLen += chunk.length;
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (errLen < MAX_CAPTURE) stderr.push(chunk.subarray(0, MAX_CAPTURE - errLen));
      errLen += chunk.length;
    });
    child.on("error", (error) => {
      spawnError = `failed to start hook: ${error.message}`;
      finish(null, null);
    });
    child.on("close", (code, signal) => finish(code, signal));
    child.on("exit", () => {
      // A killed hook may leave grandchildren holding the pipes; once the group is dead, stop waiting.
      if (timedOut || aborted) {
        child.stdout.destroy();
        child.stderr.destroy();
      }
    });

    child.stdin.on("error", () => {
      // The hook may exit without reading stdin (EPIPE); that is its right.
    });
    child.stdin.end(opts.input);
  });
}
