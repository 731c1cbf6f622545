/**
 * What `thread/start` does about project trust, as Codex's app-server does: when the client names
 * a `cwd`, config has no trust decision for that project yet (neither `trusted` nor `untrusted`),
 * and the requested or the effective sandbox can write the project (workspace-write or full
 * access), the project is recorded as trusted in the user's config.toml —
 * `projects."<root>".trust_level = "trusted"`, where `<root>` is the git repository root (the main
 * checkout's root for a linked worktree), else the cwd, canonicalized.
 */
import { readFileSync, realpathSync, statSync } from "node:fs";
import path from "node:path";
import type { v2 } from "@codex-ts/protocol";
import { writeConfigEdits } from "./config.js";
import { errorMessage } from "./errors.js";
import type { Logger } from "./log.js";

/** Whether a sandbox lets commands write the project (so starting a thread with it trusts the project). */
export function sandboxTrustsProject(
  policy: v2.SandboxPolicy | "read-only" | "workspace-write" | "danger-full-access",
): boolean {
  const type = typeof policy === "string" ? policy : policy.type;
  return (
    type === "workspace-write" ||
    type === "danger-full-access" ||
    type === "workspaceWrite" ||
    type === "dangerFullAccess"
  );
}

function canonical(dir: string): string {
  try {
    return realpathSync(dir);
  } catch {
    return path.resolve(dir);
  }
}

/** The directory whose trust a thread in `cwd` decides: the repository root, else `cwd`. */
export function projectTrustTarget(cwd: string): string {
  let dir = canonical(cwd);
  for (;;) {
    const dotGit = path.join(dir, ".git");
    let stat: ReturnType<typeof statSync> | undefined;
    try {
      stat = statSync(dotGit);
    } catch {
      stat = undefined;
    }
    if (stat?.isDirectory()) return dir;
    if (stat?.isFile()) return worktreeMainRoot(dotGit) ?? dir;
    const parent = path.dirname(dir);
    if (parent === dir) return canonical(cwd);
    dir = parent;
  }
}

/** For a linked worktree's `.git` file (`gitdir: <main>/.git/worktrees/<name>`): `<main>`. */
function worktreeMainRoot(dotGitFile: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(dotGitFile, "utf8");
  } catch {
    return undefined;
  }
  const match = /^gitdir:\s*(.+)$/m.exec(text);
  if (!match?.[1]) return undefined;
  const gitdir = path.resolve(path.dirname(dotGitFile), match[1].trim());
  const marker = `${path.sep}.git${path.sep}worktrees${path.sep}`;
  const at = gitdir.lastIndexOf(marker);
  return at > 0 ? canonical(gitdir.slice(0, at)) : undefined;
}

/**
 * Records the project of `cwd` as trusted in the user's config.toml (comments kept); false (and a
 * warning) when that fails.
 */
export function recordProjectTrust(options: { codexHome: string; env: Record<string, string | undefined>; log: Logger }, cwd: string): boolean {
  const target = projectTrustTarget(cwd);
  if (target.includes('"')) {
    options.log.warn(`cannot record trust for ${target}: the path contains a double quote`);
    return false;
  }
  try {
    writeConfigEdits({
      codexHome: options.codexHome,
      env: options.env,
      edits: [{ keyPath: `projects."${target}".trust_level`, value: "trusted", mergeStrategy: "replace" }],
    });
    options.log.info(`marked ${target} as a trusted project`);
    return true;
  } catch (error) {
    options.log.warn(`cannot record trust for ${target}: ${errorMessage(error)}`);
    return false;
  }
}
