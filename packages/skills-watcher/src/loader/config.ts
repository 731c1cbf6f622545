import { realpath } from "node:fs/promises";
import path from "node:path";
import * as z from "zod";
import type { Skill } from "./model.js";

/** One `[[skills.config]]` entry: select a skill by `path` (its SKILL.md) or by `name`. */
export const SkillConfigEntry = z.object({
  path: z.string().optional(),
  name: z.string().optional(),
  enabled: z.boolean(),
});
export type SkillConfigEntry = z.infer<typeof SkillConfigEntry>;

/** The `[skills]` table of config.toml, as far as this package reads it. */
export const SkillsConfig = z.object({ config: z.array(z.unknown()).optional() }).loose();
export type SkillsConfig = z.infer<typeof SkillsConfig>;

async function canonical(p: string): Promise<string> {
  try {
    return await realpath(p);
  } catch {
    return path.resolve(p);
  }
}

/** Valid entries of a `[skills]` table; bad ones are reported in `warnings` and skipped. */
export function skillConfigEntries(config: unknown, warnings: string[] = []): SkillConfigEntry[] {
  if (config === undefined || config === null) return [];
  const table = SkillsConfig.safeParse(config);
  if (!table.success) {
    warnings.push("ignoring skills config: expected a table");
    return [];
  }
  const out: SkillConfigEntry[] = [];
  for (const [i, raw] of (table.data.config ?? []).entries()) {
    const entry = SkillConfigEntry.safeParse(raw);
    if (!entry.success || (entry.data.path === undefined && entry.data.name === undefined)) {
      warnings.push(`ignoring skills.config[${i}]: expected { path or name, enabled }`);
      continue;
    }
    out.push(entry.data);
  }
  return out;
}

/**
 * Sets `enabled` on each skill from the config entries. A path entry (compared after resolving
 * symlinks) beats a name entry; among entries of one kind the last one wins; no entry: enabled.
 */
export async function applySkillsConfig(
  skills: readonly Skill[],
  config: unknown,
  warnings: string[] = [],
): Promise<Skill[]> {
  const entries = skillConfigEntries(config, warnings);
  if (entries.length === 0) return skills.map((s) => ({ ...s, enabled: true }));
  const byPath = new Map<string, boolean>();
  const byName = new Map<string, boolean>();
  for (const entry of entries) {
    if (entry.path !== undefined) byPath.set(await canonical(entry.path), entry.enabled);
    else if (entry.name !== undefined) byName.set(entry.name, entry.enabled);
  }
  return skills.map((skill) => ({
    ...skill,
    enabled: byPath.get(skill.path) ?? byName.get(skill.name) ?? true,
  }));
}

export type SkillsConfigWrite = { enabled: boolean; name?: string | null; path?: string | null };

/**
 * `skills/config/write`: the new `[skills]` table with one entry set (an older entry with the
 * same selector is replaced). Exactly one of `name` and `path` must be given; otherwise an
 * error value. The caller persists the table and invalidates its skills cache.
 */
export function writeSkillsConfigEntry(
  current: unknown,
  params: SkillsConfigWrite,
): { ok: true; config: SkillsConfig & { config: unknown[] } } | { ok: false; error: string } {
  const hasName = params.name != null;
  const hasPath = params.path != null;
  if (hasName === hasPath) return { ok: false, error: "exactly one of `name` and `path` is required" };
  if (hasPath && !path.isAbsolute(params.path as string))
    return { ok: false, error: "`path` must be absolute" };
  const table = SkillsConfig.safeParse(current ?? {});
  const base = table.success ? table.data : {};
  const kept = (table.success ? (table.data.config ?? []) : []).filter((raw) => {
    const entry = SkillConfigEntry.safeParse(raw);
    if (!entry.success) return true;
    return hasPath ? entry.data.path !== params.path : entry.data.name !== params.name;
  });
  const entry: SkillConfigEntry = hasPath
    ? { path: params.path as string, enabled: params.enabled }
    : { name: params.name as string, enabled: params.enabled };
  return { ok: true, config: { ...base, config: [...kept, entry] } };
}
