/**
 * Skill permission profiles (`permissions` in a skill's `agents/openai.yaml`) compiled to the
 * additional-permissions overlay a command gets, and the lookup of the skill whose script a
 * command runs. Codex asks once per skill script (approval carrying the skill's permissions,
 * approvable for the session); the network setting is kept, also when nothing else is asked.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { commandsForExecPolicy } from "@codex-ts/execpolicy";
import type { AdditionalPermissionProfile, FileSystemSandboxEntry } from "@codex-ts/protocol";
import type { Skill, SkillPermissions } from "@codex-ts/skills-watcher";

/** A skill's permissions as an overlay (paths already absolute); null when it asks for nothing. */
export function compileSkillPermissions(permissions: SkillPermissions | null): AdditionalPermissionProfile | null {
  if (!permissions) return null;
  const entries: FileSystemSandboxEntry[] = [
    ...(permissions.fileSystem?.read ?? []).map((p) => ({ path: { type: "path" as const, path: p }, access: "read" as const })),
    ...(permissions.fileSystem?.write ?? []).map((p) => ({ path: { type: "path" as const, path: p }, access: "write" as const })),
  ];
  const network = permissions.network === undefined ? null : { enabled: permissions.network };
  if (entries.length === 0 && network === null) return null;
  return { network, file_system: entries.length > 0 ? { entries } : null };
}

/** A skill script a command runs directly, with the skill's compiled permissions. */
export interface SkillScript {
  skill: string;
  /** The script's absolute path (the approval-for-session key). */
  script: string;
  permissions: AdditionalPermissionProfile;
}

/**
 * The first simple command of `argv` whose program is a file inside the folder of a skill that
 * declares permissions (`./scripts/x.sh`, `/abs/skill/scripts/x.py`; not `python x.py`, whose
 * program is the interpreter — as Codex sees the executed program).
 */
export function skillScriptOf(argv: readonly string[], cwd: string, skills: readonly Skill[]): SkillScript | undefined {
  const candidates = skills.flatMap((skill) => {
    const permissions = skill.enabled ? compileSkillPermissions(skill.permissions) : null;
    return permissions ? [{ skill, dir: path.dirname(skill.path), permissions }] : [];
  });
  if (candidates.length === 0) return undefined;
  for (const command of commandsForExecPolicy([...argv]).commands) {
    const program = command[0];
    if (!program?.includes("/")) continue;
    const script = path.resolve(cwd, program);
    const owner = candidates.find((c) => script.startsWith(`${c.dir}${path.sep}`));
    if (owner && existsSync(script)) return { skill: owner.skill.name, script, permissions: owner.permissions };
  }
  return undefined;
}
