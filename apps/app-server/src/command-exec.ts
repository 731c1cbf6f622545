/**
 * `command/exec` (+ `command/exec/write`, `command/exec/resize`, `command/exec/terminate`): one-off
 * commands outside any thread, with optional streaming of stdin/stdout/stderr by a client-chosen
 * `processId`, optionally in a pseudo-terminal (`tty: true`, through the optional dependency node-pty).
 */
import { type ChildProcess, spawn } from "node:child_process";
import path from "node:path";
import { effectivePermissions, guardSession, releaseSession, resolveEffective } from "@codex-ts/core";
import { v2, v2SandboxPolicyToCore } from "@codex-ts/protocol";
import { prepareSandboxedCommand, removeMountPoints } from "@codex-ts/sandboxing";
import * as z from "zod";
import { errorMessage, internalError, invalidParams, invalidRequest } from "./errors.js";
import { PermissionsSelection } from "./permission-profiles.js";
import { loadPty } from "./pty.js";

/**
 * Experimental `permissionProfile`: a permission profile id (`:workspace`, a `[permissions.<name>]`
 * profile), as a bare string, an `{id}` object (ActivePermissionProfile shape) or the older
 * `{type: "profile", id, modifications}` selection. Cannot be combined with `sandboxPolicy`.
 */
export const CommandExecPermissionProfile = z.union([
  PermissionsSelection,
  z.object({ id: z.string().min(1), extends: z.string().nullish() }).transform((p) => p.id),
]);
export const CommandExecParams = v2.CommandExecParams.extend({
  permissionProfile: CommandExecPermissionProfile.nullish(),
});
export const CommandExecWriteParams = v2.CommandExecWriteParams;
export const CommandExecResizeParams = v2.CommandExecResizeParams;
export const CommandExecTerminateParams = v2.CommandExecTerminateParams;
/** Params fields of `command/exec` that need `capabilities.experimentalApi`. */
export const COMMAND_EXEC_EXPERIMENTAL_FIELDS = ["permissionProfile"] as const;

type ExecParams = z.infer<typeof CommandExecParams>;
type TerminalSize = z.infer<typeof v2.CommandExecTerminalSize>;

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_OUTPUT_BYTES_CAP = 1024 * 1024;
/** Exit code reported when the timeout killed the command (as `timeout(1)` does). */
export const TIMEOUT_EXIT_CODE = 124;
/** The PTY size when `size` is omitted. */
export const DEFAULT_TERMINAL_SIZE: TerminalSize = { rows: 24, cols: 80 };
/** Environment variable naming the module to load instead of `node-pty` (diagnostics and tests). */
export const NODE_PTY_MODULE_ENV = "CODEX_TS_NODE_PTY_MODULE";

type OutputStream = "stdout" | "stderr";

/** A started command, pipes or PTY alike. */
interface Proc {
  /** Writes stdin bytes (the terminal's input in PTY mode). */
  write(data: Buffer): void;
  /** Pipes: closes stdin. PTY: sends the terminal's end-of-file character (^D). */
  closeStdin(): void;
  /** Changes the PTY size; undefined for piped commands. */
  resize?: (size: TerminalSize) => void;
  kill(): void;
  /** Exit code (128 + n when signal n ended it) once every output byte was delivered. */
  exited: Promise<number>;
}

interface RunningCommand {
  proc: Proc;
  streamStdin: boolean;
  stdinClosed: boolean;
}

export interface CommandExecOptions {
  notify: (method: string, params: unknown) => void;
  env: Record<string, string | undefined>;
  /** The sandbox in force for commands without their own `sandboxPolicy` or `permissionProfile`. */
  defaultSandbox: () => v2.SandboxPolicy;
  /** The sandbox of a permission profile id; throws -32602 naming the problem when it is invalid. */
  permissionsPolicy: (selection: PermissionsSelection) => v2.SandboxPolicy;
}

export class CommandExecManager {
  readonly #running = new Map<string, RunningCommand>();
  readonly #options: CommandExecOptions;

  constructor(options: CommandExecOptions) {
    this.#options = options;
  }

  async exec(p: ExecParams): Promise<{ exitCode: number; stdout: string; stderr: string }> {
    const command = p.command;
    if (command.length === 0) throw invalidParams("command must not be empty");
    const processId = p.processId ?? null;
    const tty = p.tty === true;
    const streamStdin = tty || p.streamStdin === true;
    const streamOutput = tty || p.streamStdoutStderr === true;
    if (p.permissionProfile != null && p.sandboxPolicy != null) {
      throw invalidRequest("`permissionProfile` cannot be combined with `sandboxPolicy`");
    }
    if ((streamStdin || streamOutput) && !processId) {
      throw invalidRequest("command/exec tty or streaming requires a client-supplied processId");
    }
    if (p.size != null && !tty) throw invalidParams("command/exec size requires tty: true");
    if (p.size != null) checkSize(p.size);
    if (p.disableTimeout && p.timeoutMs != null)
      throw invalidParams("timeoutMs cannot be combined with disableTimeout");
    if (p.timeoutMs != null && p.timeoutMs < 0)
      throw invalidParams(`command/exec timeoutMs must be non-negative, got ${p.timeoutMs}`);
    if (p.disableOutputCap && p.outputBytesCap != null)
      throw invalidParams("outputBytesCap cannot be combined with disableOutputCap");
    if (processId && this.#running.has(processId))
      throw invalidRequest(`processId ${processId} is already in use`);
    const sandbox =
      p.permissionProfile != null
        ? this.#options.permissionsPolicy(p.permissionProfile)
        : (p.sandboxPolicy ?? this.#options.defaultSandbox());
    const requestedCwd = path.resolve(p.cwd ?? process.cwd());
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.#options.env)) if (v !== undefined) env[k] = v;
    if (tty && env.TERM === undefined) env.TERM = "xterm-256color";
    for (const [k, v] of Object.entries(p.env ?? {})) {
      if (v === null) delete env[k];
      else env[k] = v;
    }
    const timeoutMs = p.disableTimeout ? null : (p.timeoutMs ?? DEFAULT_TIMEOUT_MS);
    const cap = p.disableOutputCap
      ? Number.POSITIVE_INFINITY
      : (p.outputBytesCap ?? DEFAULT_OUTPUT_BYTES_CAP);

    // The sandbox: core's effective permissions with the request's cwd as the workspace (a one-off
    // command has no turn); fails closed when it cannot be built.
    const policy = resolveEffective(
      effectivePermissions({
        cwd: requestedCwd,
        sandboxPolicy: v2SandboxPolicyToCore(sandbox),
        workspaceRoots: [requestedCwd],
        env,
      }),
    );
    const prepared = await prepareSandboxedCommand({ policy, command, cwd: requestedCwd, env });
    if (!prepared.ok)
      throw invalidRequest(
        `cannot run the command under the ${sandbox.type} sandbox: ${prepared.error.message}`,
      );
    const argv = prepared.argv as [string, ...string[]];
    // The id may have been taken while the sandbox was being prepared.
    if (processId && this.#running.has(processId)) {
      removeMountPoints(prepared.mountPoints);
      throw invalidRequest(`processId ${processId} is already in use`);
    }

    const buffers = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
    const sizes = { stdout: 0, stderr: 0 };
    const collect = (stream: OutputStream, chunk: Buffer) => {
      const room = cap - sizes[stream];
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      sizes[stream] += part.length;
      const capReached = Number.isFinite(cap) && sizes[stream] >= cap;
      if (streamOutput && processId) {
        this.#options.notify("command/exec/outputDelta", {
          processId,
          stream,
          deltaBase64: part.toString("base64"),
          capReached,
        });
      } else buffers[stream].push(part);
    };

    let proc: Proc;
    try {
      proc = tty
        ? await this.#spawnPty(argv, prepared.cwd, prepared.env, p.size ?? DEFAULT_TERMINAL_SIZE, collect)
        : spawnPiped(argv, prepared.cwd, prepared.env, streamStdin, collect);
    } catch (err) {
      removeMountPoints(prepared.mountPoints);
      throw err;
    }
    if (processId) this.#running.set(processId, { proc, streamStdin, stdinClosed: false });

    let timedOut = false;
    const timer =
      timeoutMs === null
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            proc.kill();
          }, timeoutMs);
    try {
      const code = await proc.exited;
      return {
        exitCode: timedOut ? TIMEOUT_EXIT_CODE : code,
        stdout: Buffer.concat(buffers.stdout).toString("utf8"),
        stderr: Buffer.concat(buffers.stderr).toString("utf8"),
      };
    } finally {
      if (timer) clearTimeout(timer);
      removeMountPoints(prepared.mountPoints);
      if (processId && this.#running.get(processId)?.proc === proc) this.#running.delete(processId);
    }
  }

  async #spawnPty(
    argv: [string, ...string[]],
    cwd: string,
    env: Record<string, string>,
    size: TerminalSize,
    collect: (stream: OutputStream, chunk: Buffer) => void,
  ): Promise<Proc> {
    const specifier = this.#options.env[NODE_PTY_MODULE_ENV] || "node-pty";
    const loaded = await loadPty(specifier);
    if (!loaded.ok) {
      throw internalError(`command/exec tty mode needs node-pty, which could not be loaded: ${loaded.error}`);
    }
    const [file, ...args] = argv;
    let term: import("node-pty").IPty;
    try {
      // encoding null: output arrives as raw bytes, so multi-byte characters split across reads survive.
      term = loaded.pty.spawn(file, args, {
        cwd,
        env,
        cols: size.cols,
        rows: size.rows,
        name: env.TERM ?? "xterm-256color",
        encoding: null,
      });
    } catch (error) {
      throw internalError(`failed to spawn command in a PTY: ${errorMessage(error)}`);
    }
    // Killed with its whole session if this server dies (SIGKILL included), as model-run commands are.
    guardSession(term.pid);
    term.onData((data: string | Buffer) =>
      collect("stdout", typeof data === "string" ? Buffer.from(data, "utf8") : data),
    );
    // node-pty reports the exit once the terminal's output has been read to its end.
    const exited = new Promise<number>((resolve) => {
      term.onExit(({ exitCode, signal }) => {
        releaseSession(term.pid);
        resolve(signal ? 128 + signal : exitCode);
      });
    });
    return {
      write: (data) => term.write(data),
      closeStdin: () => term.write("\x04"),
      resize: (next) => term.resize(next.cols, next.rows),
      kill: () => killGroup(term.pid, () => term.kill("SIGKILL")),
      exited,
    };
  }

  write(processId: string, deltaBase64: string | null | undefined, closeStdin: boolean): void {
    if (deltaBase64 == null && !closeStdin)
      throw invalidParams("command/exec/write requires deltaBase64 or closeStdin");
    if (deltaBase64 != null && !isBase64(deltaBase64)) throw invalidParams("invalid deltaBase64: not base64");
    const running = this.#get(processId);
    if (!running.streamStdin)
      throw invalidRequest(`command/exec ${processId} was not started with streamStdin or tty`);
    if (running.stdinClosed) throw invalidRequest(`stdin of command/exec ${processId} is already closed`);
    if (deltaBase64) running.proc.write(Buffer.from(deltaBase64, "base64"));
    if (closeStdin) {
      running.stdinClosed = true;
      running.proc.closeStdin();
    }
  }

  resize(processId: string, size: TerminalSize): void {
    checkSize(size);
    const running = this.#get(processId);
    if (!running.proc.resize)
      throw invalidRequest(`command/exec ${processId} is not running in a PTY (it was started without tty)`);
    try {
      running.proc.resize(size);
    } catch (error) {
      throw invalidRequest(`failed to resize the PTY of command/exec ${processId}: ${errorMessage(error)}`);
    }
  }

  terminate(processId: string): void {
    this.#get(processId).proc.kill();
  }

  shutdown(): void {
    for (const running of this.#running.values()) running.proc.kill();
    this.#running.clear();
  }

  #get(processId: string): RunningCommand {
    const running = this.#running.get(processId);
    if (!running) throw invalidRequest(`no running command/exec with processId ${processId}`);
    return running;
  }
}

function spawnPiped(
  argv: [string, ...string[]],
  cwd: string,
  env: Record<string, string>,
  streamStdin: boolean,
  collect: (stream: OutputStream, chunk: Buffer) => void,
): Proc {
  const [file, ...args] = argv;
  let child: ChildProcess;
  try {
    child = spawn(file, args, {
      cwd,
      env,
      detached: true,
      stdio: [streamStdin ? "pipe" : "ignore", "pipe", "pipe"],
    });
  } catch (error) {
    throw invalidRequest(`cannot start ${file}: ${errorMessage(error)}`);
  }
  guardSession(child.pid);
  child.stdin?.on("error", () => {});
  child.stdout?.on("data", (chunk: Buffer) => collect("stdout", chunk));
  child.stderr?.on("data", (chunk: Buffer) => collect("stderr", chunk));
  const exited = new Promise<number>((resolve, reject) => {
    child.once("error", (error) => reject(invalidRequest(`cannot start ${file}: ${errorMessage(error)}`)));
    child.once("close", (code, signal) => {
      releaseSession(child.pid);
      resolve(code ?? 128 + signalNumber(signal));
    });
  });
  return {
    write: (data) => {
      child.stdin?.write(data);
    },
    closeStdin: () => {
      child.stdin?.end();
    },
    kill: () => {
      if (child.exitCode === null && child.signalCode === null)
        killGroup(child.pid, () => child.kill("SIGKILL"));
    },
    exited,
  };
}

function checkSize(size: TerminalSize): void {
  if (size.rows === 0 || size.cols === 0)
    throw invalidParams("command/exec size rows and cols must be greater than 0");
}

function isBase64(text: string): boolean {
  return /^[A-Za-z0-9+/]*={0,2}$/.test(text) && text.length % 4 !== 1;
}

/** SIGKILL to the process group led by `pid` (our children lead their own), else `fallback`. */
function killGroup(pid: number | undefined, fallback: () => void): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    try {
      fallback();
    } catch {
      // already gone
    }
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return signal ? (numbers[signal] ?? 0) : 0;
}
