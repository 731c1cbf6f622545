import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import path from "node:path";

/**
 * `exec --worktree`, as Codex: a new detached git worktree of HEAD at
 * `CODEX_HOME/worktrees/<4 hex>/<repo name>`; the session runs in the same subdirectory there.
 * Returns the new working directory.
 */
export function createWorktree(codexHome: string, cwd: string): { ok: true; cwd: string } | { ok: false; error: string } {
  const top = spawnSync("git", ["rev-parse", "--show-toplevel"], { cwd, encoding: "utf8" });
  if (top.status !== 0) return { ok: false, error: `--worktree needs a git repository: ${cwd} is not in one` };
  const root = top.stdout.trim();
  const dir = path.join(codexHome, "worktrees", randomBytes(2).toString("hex"), path.basename(root));
  mkdirSync(path.dirname(dir), { recursive: true });
  const added = spawnSync("git", ["worktree", "add", "--detach", dir, "HEAD"], { cwd: root, encoding: "utf8" });
  if (added.status !== 0) {
    const why = (added.stderr || added.error?.message || "").trim().split("\n").at(-1);
    return { ok: false, error: `cannot create a worktree of ${root}${why ? `: ${why}` : ""}` };
  }
  return { ok: true, cwd: path.join(dir, path.relative(root, cwd)) };
}
