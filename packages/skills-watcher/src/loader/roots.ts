import { realpath, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { PluginSkillRoot, SkillRoot } from "./model.js";

/** Where skills are looked for; see `skillRoots` for the order. */
export interface SkillRootsOptions {
  /** `CODEX_HOME` (usually `~/.codex`). */
  codexHome: string;
  /** The session's working directory. */
  cwd: string;
  /** Home folder for `~/.agents/skills`; default `os.homedir()`, `null` to skip it. */
  homeDir?: string | null;
  /** Admin skills folder; default `/etc/codex/skills`, `null` to skip it. */
  adminSkillsRoot?: string | null;
  /** Files or folders marking the project root; default `[".git"]`. Empty: the cwd is the root. */
  projectRootMarkers?: readonly string[];
  /** Skill folders of enabled plugins. */
  pluginRoots?: readonly PluginSkillRoot[];
  /** Extra user-scope roots set at runtime (`skills/extraRoots/set`). */
  extraRoots?: readonly string[];
}

export const DEFAULT_ADMIN_SKILLS_ROOT = "/etc/codex/skills";
export const DEFAULT_PROJECT_ROOT_MARKERS: readonly string[] = [".git"];

async function exists(p: string): Promise<boolean> {
  try {
    await stat(p);
    return true;
  } catch {
    return false;
  }
}

async function canonical(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return path.resolve(p);
  }
}

/** `dir` and its ancestors, nearest first. */
function ancestors(dir: string): string[] {
  const out = [dir];
  for (let cur = dir; path.dirname(cur) !== cur; cur = path.dirname(cur)) out.push(path.dirname(cur));
  return out;
}

/** Nearest ancestor of `cwd` (inclusive) holding one of the markers; `cwd` when none does. */
export async function findProjectRoot(cwd: string, markers: readonly string[]): Promise<string> {
  if (markers.length === 0) return cwd;
  for (const dir of ancestors(cwd)) {
    for (const marker of markers) if (await exists(path.join(dir, marker))) return dir;
  }
  return cwd;
}

/**
 * Every skill root for `cwd`, highest precedence first (when one `SKILL.md` is reachable from two
 * roots, the first root's scope wins):
 *
 * 1. `<dir>/.codex/skills` for each dir from `cwd` up to the project root, nearest first (repo);
 * 2. `$CODEX_HOME/skills` (user), `~/.agents/skills` (user), `$CODEX_HOME/skills/.system` (system);
 * 3. `/etc/codex/skills` (admin);
 * 4. plugin skill folders (user, with `pluginId`);
 * 5. extra roots (user);
 * 6. `<dir>/.agents/skills` for each dir from the project root down to `cwd` (repo).
 *
 * Roots that do not exist are still returned (the watcher may want to know about them);
 * the loader skips them. Duplicate paths keep their first occurrence.
 */
export async function skillRoots(options: SkillRootsOptions): Promise<SkillRoot[]> {
  const cwd = await canonical(options.cwd);
  const codexHome = await canonical(options.codexHome);
  const projectRoot = await findProjectRoot(cwd, options.projectRootMarkers ?? DEFAULT_PROJECT_ROOT_MARKERS);
  const projectDirs: string[] = [];
  for (const dir of ancestors(cwd)) {
    projectDirs.push(dir);
    if (dir === projectRoot) break;
  }

  const roots: SkillRoot[] = [];
  for (const dir of projectDirs) {
    const dotCodex = path.join(dir, ".codex");
    // CODEX_HOME is the user layer even when it sits inside the project.
    if (dotCodex === codexHome) continue;
    roots.push({ path: path.join(dotCodex, "skills"), scope: "repo" });
  }
  roots.push({ path: path.join(codexHome, "skills"), scope: "user" });
  const homeDir = options.homeDir === undefined ? os.homedir() : options.homeDir;
  if (homeDir) roots.push({ path: path.join(await canonical(homeDir), ".agents", "skills"), scope: "user" });
  roots.push({ path: path.join(codexHome, "skills", ".system"), scope: "system" });
  const admin = options.adminSkillsRoot === undefined ? DEFAULT_ADMIN_SKILLS_ROOT : options.adminSkillsRoot;
  if (admin) roots.push({ path: path.resolve(admin), scope: "admin" });
  for (const plugin of options.pluginRoots ?? []) {
    roots.push({
      path: await canonical(plugin.path),
      scope: "user",
      pluginId: plugin.pluginId,
      ...(plugin.pluginRoot ? { pluginRoot: await canonical(plugin.pluginRoot) } : {}),
    });
  }
  for (const extra of options.extraRoots ?? []) roots.push({ path: await canonical(extra), scope: "user" });
  for (const dir of [...projectDirs].reverse())
    roots.push({ path: path.join(dir, ".agents", "skills"), scope: "repo" });

  const seen = new Set<string>();
  return roots.filter((root) => {
    if (seen.has(root.path)) return false;
    seen.add(root.path);
    return true;
  });
}
