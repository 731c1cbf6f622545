// Starting a session's shell snapshot early, so that its capture overlaps the first model request.
import { applyShellEnvironmentPolicy } from "../session/env.js";
import type { SessionOptions } from "../session/options.js";
import { commandEnv, userShell } from "../tools/orchestrator.js";
import type { ToolContext } from "../tools/types.js";
import { shellSnapshotsIn } from "./index.js";

const unsandboxed = (type: string | undefined) =>
  type === "danger-full-access" || type === "external-sandbox";

/**
 * Captures (in the background) the snapshot the session's first unsandboxed `bash -lc` command
 * will use: same shell, same environment as `commandEnv` builds for a non-tty command. Only for
 * sessions that start unsandboxed; a sandboxed session's commands do not use snapshots.
 */
export function prewarmShellSnapshot(
  options: SessionOptions,
  env: Readonly<Record<string, string | undefined>>,
): void {
  const dir = options.shellSnapshotDir;
  if (!dir || options.runner || !unsandboxed(options.sandboxPolicy?.type)) return;
  const ctxEnv = applyShellEnvironmentPolicy(options.shellEnvironmentPolicy ?? {}, env);
  const ctx = { env: ctxEnv, ...(env.SHELL ? { shell: env.SHELL } : {}) } as ToolContext;
  const shell = userShell(ctx);
  setImmediate(() => void shellSnapshotsIn(dir).snapshot(shell, commandEnv(ctx, false), options.cwd));
}
