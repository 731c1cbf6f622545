import type { Dirent } from "node:fs";
import { readdir, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { applySkillsConfig } from "./config.js";
import type { Skill, SkillRoot, SkillScope, SkillsLoadOutcome } from "./model.js";
import { parseSkillFile, SKILL_FILENAME, SkillParseError } from "./parse.js";
import { type SkillRootsOptions, skillRoots } from "./roots.js";

/** Folder depth searched below a root. */
const MAX_SCAN_DEPTH = 6;
/** Folders visited per root before the scan stops (with a warning). */
const MAX_DIRS_PER_ROOT = 2000;

const SCOPE_RANK: Record<SkillScope, number> = { repo: 0, user: 1, system: 2, admin: 3 };

export interface LoadSkillsOptions extends SkillRootsOptions {
  /**
   * The `[skills]` table of the user's config.toml as a plain value (e.g. `{ config: [{ path,
   * enabled }] }`); entries turn skills on or off. Invalid entries are ignored with a warning.
   */
  config?: unknown;
}

async function canonical(p: string): Promise<string | undefined> {
  try {
    return await realpath(p);
  } catch {
    return undefined;
  }
}

/**
 * Breadth-first search of one root for `SKILL.md` files. Hidden entries (leading `.`) are
 * skipped; symlinked folders are followed except in system roots (Codex writes those itself).
 * Parse failures become error entries, except in system roots.
 */
async function discoverUnderRoot(
  root: SkillRoot,
  out: { skills: Skill[]; errors: SkillsLoadOutcome["errors"]; warnings: string[] },
): Promise<void> {
  const start = await canonical(root.path);
  if (!start) return;
  try {
    if (!(await stat(start)).isDirectory()) return;
  } catch {
    return;
  }
  const followSymlinks = root.scope !== "system";
  const visited = new Set<string>([start]);
  const queue: Array<[string, number]> = [[start, 0]];
  let truncated = false;

  const enqueue = (dir: string, depth: number) => {
    if (depth > MAX_SCAN_DEPTH) return;
    if (visited.size >= MAX_DIRS_PER_ROOT) {
      truncated = true;
      return;
    }
    if (!visited.has(dir)) {
      visited.add(dir);
      queue.push([dir, depth]);
    }
  };

  for (let next = queue.shift(); next; next = queue.shift()) {
    const [dir, depth] = next;
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      out.warnings.push(`failed to read skills dir ${dir}: ${(error as Error).message}`);
      continue;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith(".")) continue;
      const full = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        if (!followSymlinks) continue;
        const target = await canonical(full);
        if (!target) continue;
        try {
          if ((await stat(target)).isDirectory()) enqueue(target, depth + 1);
        } catch {
          // dangling link: nothing to load
        }
        continue;
      }
      if (entry.isDirectory()) {
        enqueue((await canonical(full)) ?? full, depth + 1);
        continue;
      }
      if (entry.isFile() && entry.name === SKILL_FILENAME) {
        try {
          out.skills.push(await parseSkillFile(full, root, out.warnings));
        } catch (error) {
          if (!(error instanceof SkillParseError)) throw error;
          if (root.scope !== "system") out.errors.push({ path: full, message: error.message });
        }
      }
    }
  }
  if (truncated)
    out.warnings.push(`skills scan truncated after ${MAX_DIRS_PER_ROOT} directories (root: ${start})`);
}

/**
 * Loads every skill visible from `cwd`. Never throws for bad skill files: they come back as
 * `errors`. A `SKILL.md` reachable from several roots is listed once, with the scope of the
 * highest-precedence root. Skills are sorted by scope (repo, user, system, admin), then name,
 * then path; `enabled` reflects `config`.
 */
export async function loadSkills(options: LoadSkillsOptions): Promise<SkillsLoadOutcome> {
  const roots = await skillRoots(options);
  const found = {
    skills: [] as Skill[],
    errors: [] as SkillsLoadOutcome["errors"],
    warnings: [] as string[],
  };
  for (const root of roots) await discoverUnderRoot(root, found);

  const seen = new Set<string>();
  const skills = found.skills.filter((skill) => {
    if (seen.has(skill.path)) return false;
    seen.add(skill.path);
    return true;
  });
  skills.sort(
    (a, b) =>
      SCOPE_RANK[a.scope] - SCOPE_RANK[b.scope] ||
      (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) ||
      (a.path < b.path ? -1 : a.path > b.path ? 1 : 0),
  );
  const configured = await applySkillsConfig(skills, options.config, found.warnings);
  return { skills: configured, errors: found.errors, roots, warnings: found.warnings };
}
