/**
 * The command runner seam and its local implementation.
 *
 * Every command a tool runs goes through a `CommandRunner`. Sandboxed modes go through a
 * `SandboxWrapper` (by default @codex-ts/sandboxing's, turning argv into a bwrap/Seatbelt
 * invocation). When the wrapper cannot build a sandbox, or none is configured, only
 * `danger-full-access` (or a user-approved escalation) runs; every other mode fails closed with a
 * clear error — a command is never silently run unsandboxed.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { sandboxPolicyToPermissionProfile } from "@codex-ts/protocol";
import { createSandboxWrapper, removeMountPoints } from "@codex-ts/sandboxing";
import { profileRunsUnsandboxed } from "../../permissions/effective.js";
import type { ShellSnapshots } from "../../shell-snapshot/index.js";
import { type CommandRunner, type CommandSpec, type RunningProcess, runsUnsandboxed, type SpawnResult } from "../types.js";
import { guardSession, releaseSession } from "./reaper.js";

/** Turns a command into its sandboxed form, or explains why it cannot. */
export type SandboxWrapper = (
  spec: CommandSpec,
) => Promise<
  | { ok: true; argv: string[]; env?: Record<string, string>; mountPoints?: string[] }
  | { ok: false; error: string }
>;

export interface LocalRunnerOptions {
  /**
   * Wraps commands for the sandboxed modes. Defaults to @codex-ts/sandboxing's
   * `createSandboxWrapper()` (bubblewrap on Linux, Seatbelt on macOS); `null` means no backend,
   * so every sandboxed mode fails closed.
   */
  sandbox?: SandboxWrapper | null;
  /** Runs unsandboxed `bash -lc` commands from a snapshot of the login shell (../../shell-snapshot). */
  shellSnapshots?: ShellSnapshots;
}

/**
 * @codex-ts/sandboxing's wrapper for a core `CommandSpec`. The sandbox comes from the spec's
 * effective permissions (turn cwd, workspace roots, profile, grants — see ../../permissions);
 * the command only runs in `spec.cwd`. A spec without them gets the legacy policy with no
 * workspace roots (fail closed: nothing of a workspace becomes writable because a command runs
 * there). `networkProxy` turns a restricted network into proxied networking.
 */
export function defaultSandboxWrapper(): SandboxWrapper {
  const plain = createSandboxWrapper();
  return (spec) => {
    const p = spec.permissions;
    const proxy = p?.networkProxy ?? spec.networkProxy;
    const wrap = proxy ? createSandboxWrapper({ networkProxy: proxy }) : plain;
    const grants = p ? p.grants : (spec.additionalPermissions ?? []);
    return wrap({
      argv: spec.argv,
      cwd: spec.cwd,
      ...(spec.env ? { env: spec.env } : {}),
      permissionProfile: p ? p.profile : sandboxPolicyToPermissionProfile(spec.sandbox),
      ...(p ? { policyCwd: p.turnCwd, workspaceRoots: p.workspaceRoots } : {}),
      ...(spec.escalated ? { escalated: true } : {}),
      ...(grants.length ? { additionalPermissions: grants } : {}),
    });
  };
}

type Listener = (chunk: string, stream: "stdout" | "stderr") => void;

/** Send `signal` to the whole process group led by `pid` (falls back to the single process). */
export function killProcessGroup(pid: number | undefined, signal: NodeJS.Signals = "SIGKILL"): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

class Emitter {
  private listeners: Listener[] = [];
  private pending: [string, "stdout" | "stderr"][] = [];
  on(listener: Listener) {
    this.listeners.push(listener);
    // Deliver anything that arrived before the first listener subscribed.
    const pending = this.pending;
    this.pending = [];
    for (const [c, s] of pending) listener(c, s);
  }
  emit(chunk: string, stream: "stdout" | "stderr") {
    if (this.listeners.length === 0) this.pending.push([chunk, stream]);
    for (const l of this.listeners) l(chunk, stream);
  }
}

function pipeProcess(argv: string[], spec: CommandSpec, env: Record<string, string>): Promise<SpawnResult> {
  const [file, ...args] = argv;
  if (file === undefined) return Promise.resolve({ ok: false, kind: "spawn_failed", error: "empty command" });
  return new Promise((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        cwd: spec.cwd,
        env,
        stdio: ["pipe", "pipe", "pipe"],
        detached: true, // own process group, so the whole tree can be killed
      });
    } catch (err) {
      resolve({ ok: false, kind: "spawn_failed", error: err instanceof Error ? err.message : String(err) });
      return;
    }
    const out = new Emitter();
    child.stdout?.setEncoding("utf8");
    child.stderr?.setEncoding("utf8");
    child.stdout?.on("data", (d: string) => out.emit(d, "stdout"));
    child.stderr?.on("data", (d: string) => out.emit(d, "stderr"));
    child.stdin?.on("error", () => {}); // EPIPE when the process is gone
    // Its own session (detached): if this process dies, the reaper kills the whole tree.
    guardSession(child.pid);
    child.once("exit", () => {
      releaseSession(child.pid);
      // A background grandchild may keep the pipes open; stop waiting for it after a grace period.
      setTimeout(() => {
        child.stdout?.destroy();
        child.stderr?.destroy();
      }, 2000).unref();
    });
    const exited = new Promise<{ exitCode: number; signal?: string }>((res) => {
      child.on("close", (code, signal) => {
        res(signal ? { exitCode: code ?? 128 + signalNumber(signal), signal } : { exitCode: code ?? 0 });
      });
    });
    child.once("error", (err) => {
      resolve({ ok: false, kind: "spawn_failed", error: `failed to start ${file}: ${err.message}` });
    });
    child.once("spawn", () => {
      const proc: RunningProcess = {
        pid: child.pid,
        write: (data) => {
          child.stdin?.write(data);
        },
        closeStdin: () => {
          child.stdin?.end();
        },
        kill: (signal = "SIGKILL") => {
          killProcessGroup(child.pid, signal);
          // Close our ends so a grandchild holding the pipes cannot keep `close` from firing.
          child.stdout?.destroy();
          child.stderr?.destroy();
        },
        onOutput: (l) => out.on(l),
        exited,
      };
      resolve({ ok: true, process: proc });
    });
  });
}

function signalNumber(signal: string): number {
  const table: Record<string, number> = { SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGKILL: 9, SIGTERM: 15 };
  return table[signal] ?? 0;
}

type PtyModule = typeof import("node-pty");
let ptyModule: Promise<PtyModule | undefined> | undefined;
function loadPty(): Promise<PtyModule | undefined> {
  ptyModule ??= import("node-pty").then(
    (m) => ((m as { default?: PtyModule }).default ?? m) as PtyModule,
    () => undefined,
  );
  return ptyModule;
}

async function ptyProcess(argv: string[], spec: CommandSpec, env: Record<string, string>): Promise<SpawnResult> {
  const pty = await loadPty();
  if (!pty) {
    return { ok: false, kind: "spawn_failed", error: "tty requested but node-pty is not available" };
  }
  const [file, ...args] = argv;
  if (file === undefined) return { ok: false, kind: "spawn_failed", error: "empty command" };
  try {
    const term = pty.spawn(file, args, { cwd: spec.cwd, env, cols: 80, rows: 24, name: "xterm-256color" });
    // The pty child leads its own session: guarded like a pipe command's.
    guardSession(term.pid);
    const out = new Emitter();
    term.onData((d) => out.emit(d, "stdout"));
    const exited = new Promise<{ exitCode: number; signal?: string }>((res) => {
      term.onExit(({ exitCode, signal }) => {
        releaseSession(term.pid);
        res(signal ? { exitCode: exitCode || 128 + signal, signal: String(signal) } : { exitCode });
      });
    });
    const proc: RunningProcess = {
      pid: term.pid,
      write: (data) => term.write(data),
      closeStdin: () => term.write("\x04"),
      kill: (signal = "SIGKILL") => {
        // The pty child leads its own session and process group.
        killProcessGroup(term.pid, signal);
      },
      onOutput: (l) => out.on(l),
      exited,
    };
    return { ok: true, process: proc };
  } catch (err) {
    return { ok: false, kind: "spawn_failed", error: `failed to start ${file}: ${(err as Error).message}` };
  }
}

function baseEnv(spec: CommandSpec): Record<string, string> {
  if (spec.env) return { ...spec.env };
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined) env[k] = v;
  return env;
}

/** Runs commands on this machine; sandboxed modes need a `SandboxWrapper`. */
export function createLocalRunner(options: LocalRunnerOptions = {}): CommandRunner {
  const sandbox = options.sandbox === undefined ? defaultSandboxWrapper() : options.sandbox;
  return {
    async spawn(spec) {
      if (spec.signal?.aborted) return { ok: false, kind: "spawn_failed", error: "aborted before start" };
      let argv = spec.argv;
      let env = baseEnv(spec);
      let mountPoints: string[] = [];
      const unsandboxed =
        (spec.permissions ? profileRunsUnsandboxed(spec.permissions.profile) : runsUnsandboxed(spec.sandbox)) ||
        spec.escalated === true;
      if (unsandboxed && options.shellSnapshots) argv = await options.shellSnapshots.wrap(argv, env, spec.cwd);
      if (!unsandboxed) {
        if (!sandbox) {
          return {
            ok: false,
            kind: "sandbox_unavailable",
            error:
              `sandbox mode '${spec.sandbox.type}' is not available in this build (no sandbox ` +
              "backend is configured); the command was not run. Only danger-full-access runs commands without a sandbox.",
          };
        }
        const wrapped = await sandbox(spec);
        if (!wrapped.ok) return { ok: false, kind: "sandbox_unavailable", error: wrapped.error };
        argv = wrapped.argv;
        if (wrapped.env) env = { ...env, ...wrapped.env };
        mountPoints = wrapped.mountPoints ?? [];
      }
      const started = await (spec.tty ? ptyProcess(argv, spec, env) : pipeProcess(argv, spec, env));
      if (mountPoints.length > 0) {
        if (started.ok) void started.process.exited.then(() => removeMountPoints(mountPoints));
        else removeMountPoints(mountPoints);
      }
      return started;
    },
  };
}
