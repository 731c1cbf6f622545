// The tool seam, part 3: the command runner (filled by sandboxing; see ./runner.ts for the default).

import type { AdditionalPermissionProfile } from "@codex-ts/protocol";
import type { EffectivePermissions } from "../permissions/effective.js";
import type { SandboxPolicy } from "./types-events.js";

// ---------------------------------------------------------------------------------------------
// The command runner seam (filled by sandboxing; see ./runner.ts for the default)

export interface CommandSpec {
  /** argv; argv[0] is the program. */
  argv: string[];
  cwd: string;
  env?: Record<string, string>;
  /** Allocate a pseudo-terminal (node-pty). */
  tty?: boolean;
  /** Sandbox the command runs under. */
  sandbox: SandboxPolicy;
  /** Request to run outside the sandbox (only after approval). */
  escalated?: boolean;
  /**
   * Granted additional permissions (session/turn grants, the command's own inline request):
   * overlays on the sandbox policy, absolute paths only.
   */
  additionalPermissions?: AdditionalPermissionProfile[];
  /**
   * The session's network proxy (HTTP listener). With a restricted network the sandboxed command
   * gets proxied networking: this proxy is its only way out.
   */
  networkProxy?: { host: string; port: number };
  signal?: AbortSignal;
  /**
   * The effective permissions (core's permissions module): the sandbox is built from these —
   * turn cwd, workspace roots, profile, grants — never from `cwd`. Absent → `sandbox` with no
   * workspace roots (nothing of the workspace is writable).
   */
  permissions?: EffectivePermissions;
}

/** A running process. Output arrives through `onOutput`; `exited` resolves once. */
export interface RunningProcess {
  pid: number | undefined;
  write(data: string): void;
  closeStdin(): void;
  /** Kill the whole process group. */
  kill(signal?: NodeJS.Signals): void;
  onOutput(listener: (chunk: string, stream: "stdout" | "stderr") => void): void;
  exited: Promise<{ exitCode: number; signal?: string }>;
}

export type SpawnResult =
  | { ok: true; process: RunningProcess }
  | { ok: false; error: string; kind: "sandbox_unavailable" | "spawn_failed" };

export interface CommandRunner {
  spawn(spec: CommandSpec): Promise<SpawnResult>;
}
