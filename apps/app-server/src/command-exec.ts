/**
 * `command/exec` (+ `command/exec/write`, `command/exec/terminate`): one-off commands outside any
 * thread, with optional streaming of stdin/stdout/stderr by a client-chosen `processId`.
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { v2 } from "@codex-ts/protocol";
import { prepareSandboxedCommand, resolvePolicy } from "@codex-ts/sandboxing";
import { errorMessage, invalidParams, invalidRequest } from "./errors.js";
import { sandboxPolicyToProfile } from "./mapping.js";

export const CommandExecParams = v2.CommandExecParams;
export const CommandExecWriteParams = v2.CommandExecWriteParams;
export const CommandExecTerminateParams = v2.CommandExecTerminateParams;

type ExecParams = import("zod").infer<typeof CommandExecParams>;

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_OUTPUT_BYTES_CAP = 1024 * 1024;
/** Exit code reported when the timeout killed the command (as `timeout(1)` does). */
export const TIMEOUT_EXIT_CODE = 124;

interface RunningCommand {
  child: ChildProcess;
  streamStdin: boolean;
}

export interface CommandExecOptions {
  notify: (method: string, params: unknown) => void;
  env: Record<string, string | undefined>;
  /** The sandbox in force for commands without their own `sandboxPolicy`. */
  defaultSandbox: () => v2.SandboxPolicy;
}

export class CommandExecManager {
  readonly #running = new Map<string, RunningCommand>();
  readonly #options: CommandExecOptions;

  constructor(options: CommandExecOptions) {
    this.#options = options;
  }

  async exec(params: ExecParams): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const p = params as ExecParams & Record<string, unknown>;
    const command = p.command as string[];
    if (command.length === 0) throw invalidParams("command must not be empty");
    const processId = (p.processId as string | null | undefined) ?? null;
    const tty = p.tty === true;
    const streamStdin = tty || p.streamStdin === true;
    const streamOutput = tty || p.streamStdoutStderr === true;
    if (tty) throw invalidRequest("command/exec tty mode is not supported by this server yet");
    if ((streamStdin || streamOutput) && !processId) {
      throw invalidParams("processId is required for streamStdin, streamStdoutStderr and tty");
    }
    if (p.disableTimeout && p.timeoutMs != null) throw invalidParams("timeoutMs cannot be combined with disableTimeout");
    if (p.disableOutputCap && p.outputBytesCap != null) throw invalidParams("outputBytesCap cannot be combined with disableOutputCap");
    if (processId && this.#running.has(processId)) throw invalidRequest(`processId ${processId} is already in use`);
    const sandbox = (p.sandboxPolicy as v2.SandboxPolicy | null | undefined) ?? this.#options.defaultSandbox();
    const requestedCwd = path.resolve((p.cwd as string | null | undefined) ?? process.cwd());
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#options.env)) if (v !== undefined) env[k] = v;
    for (const [k, v] of Object.entries((p.env as Record<string, string | null> | null | undefined) ?? {})) {
      if (v === null) delete env[k];
      else env[k] = v;
    }
    const timeoutMs = p.disableTimeout ? null : ((p.timeoutMs as number | null | undefined) ?? DEFAULT_TIMEOUT_MS);
    const cap = p.disableOutputCap ? Number.POSITIVE_INFINITY : ((p.outputBytesCap as number | null | undefined) ?? DEFAULT_OUTPUT_BYTES_CAP);

    // The sandbox (@codex-ts/sandboxing): the cwd is the workspace root; fails closed when it cannot be built.
    const policy = resolvePolicy(sandboxPolicyToProfile(sandbox, requestedCwd), { cwd: requestedCwd, workspaceRoots: [requestedCwd] });
    const prepared = await prepareSandboxedCommand({ policy, command, cwd: requestedCwd, env });
    if (!prepared.ok) throw invalidRequest(`cannot run the command under the ${sandbox.type} sandbox: ${prepared.error.message}`);
    const cwd = prepared.cwd;
    const [file, ...args] = prepared.argv as [string, ...string[]];
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd, env: prepared.env, detached: true, stdio: [streamStdin ? "pipe" : "ignore", "pipe", "pipe"] });
    } catch (error) {
      throw invalidRequest(`cannot start ${file}: ${errorMessage(error)}`);
    }
    if (processId) this.#running.set(processId, { child, streamStdin });
    child.stdin?.on("error", () => {});

    const buffers = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const sizes = { stdout: 0, stderr: 0 };
    const capped = { stdout: false, stderr: false };
    const collect = (stream: "stdout" | "stderr") => (chunk: Buffer) => {
      const room = cap - sizes[stream];
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      sizes[stream] += part.length;
      const reached = sizes[stream] >= cap && Number.isFinite(cap);
      if (streamOutput && processId) {
        this.#options.notify("command/exec/outputDelta", {
          processId,
          stream,
          deltaBase64: part.toString("base64"),
          capReached: reached && !capped[stream],
        });
      } else buffers[stream].push(part);
      if (reached) capped[stream] = true;
    };
    child.stdout?.on("data", collect("stdout"));
    child.stderr?.on("data", collect("stderr"));

    let timedOut = false;
    const timer =
      timeoutMs === null
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            killGroup(child);
          }, timeoutMs);

    try {
      const exitCode = await new Promise<number>((resolve, reject) => {
        child.once("error", (error) => reject(invalidRequest(`cannot start ${file}: ${errorMessage(error)}`)));
        child.once("close", (code, signal) => {
          if (timedOut) resolve(TIMEOUT_EXIT_CODE);
          else if (code !== null) resolve(code);
          else resolve(128 + signalNumber(signal));
        });
      });
      return {
        exitCode,
        stdout: Buffer.concat(buffers.stdout).toString("utf8"),
        stderr: Buffer.concat(buffers.stderr).toString("utf8"),
      };
    } finally {
      if (timer) clearTimeout(timer);
      if (processId) this.#running.delete(processId);
    }
  }

  write(processId: string, deltaBase64: string | null | undefined, closeStdin: boolean): void {
    const running = this.#running.get(processId);
    if (!running) throw invalidRequest(`no running command/exec with processId ${processId}`);
    if (!running.streamStdin || !running.child.stdin) {
      throw invalidRequest(`command/exec ${processId} was not started with streamStdin`);
    }
    if (deltaBase64) running.child.stdin.write(Buffer.from(deltaBase64, "base64"));
    if (closeStdin) running.child.stdin.end();
  }

  terminate(processId: string): void {
    const running = this.#running.get(processId);
    if (!running) throw invalidRequest(`no running command/exec with processId ${processId}`);
    killGroup(running.child);
  }

  shutdown(): void {
    for (const running of this.#running.values()) killGroup(running.child);
    this.#running.clear();
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    try {
      child.kill("SIGKILL");
    } catch {
      // already gone
    }
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return signal ? (numbers[signal] ?? 0) : 0;
}
