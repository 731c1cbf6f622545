import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Skill } from "@codex-ts/skills-watcher";
import { afterEach, describe, expect, it } from "vitest";
import { compileSkillPermissions, skillScriptOf } from "./skills.js";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function skillAt(permissions: Skill["permissions"]): { skill: Skill; script: string; root: string } {
  const root = mkdtempSync(path.join(os.tmpdir(), "codex-skill-perm-"));
  dirs.push(root);
  mkdirSync(path.join(root, "s", "scripts"), { recursive: true });
  const script = path.join(root, "s", "scripts", "run.sh");
  writeFileSync(script, "#!/bin/sh\n");
  chmodSync(script, 0o755);
  const skill: Skill = {
    name: "s",
    description: "",
    shortDescription: null,
    interface: null,
    dependencies: null,
    permissions,
    policy: null,
    path: path.join(root, "s", "SKILL.md"),
    scope: "user",
    enabled: true,
    pluginId: null,
  };
  return { skill, script, root };
}

describe("skill permission profiles", () => {
  it("keep the network setting, also when it is all the skill asks for", () => {
    expect(compileSkillPermissions({ network: true })).toEqual({ network: { enabled: true }, file_system: null });
    expect(compileSkillPermissions({ network: false })).toEqual({ network: { enabled: false }, file_system: null });
    expect(compileSkillPermissions({ fileSystem: { read: ["/r"], write: ["/w"] } })).toEqual({
      network: null,
      file_system: {
        entries: [
          { path: { type: "path", path: "/r" }, access: "read" },
          { path: { type: "path", path: "/w" }, access: "write" },
        ],
      },
    });
    expect(compileSkillPermissions({})).toBeNull();
    expect(compileSkillPermissions(null)).toBeNull();
  });

  it("find the skill whose script a command runs, by its program only", () => {
    const { skill, script, root } = skillAt({ network: true });
    expect(skillScriptOf(["bash", "-lc", `${script} x && echo done`], root, [skill])).toMatchObject({ skill: "s", script });
    expect(skillScriptOf(["bash", "-lc", "s/scripts/run.sh"], root, [skill])?.script).toBe(script);
    expect(skillScriptOf(["bash", "-lc", `sh ${script}`], root, [skill])).toBeUndefined();
    expect(skillScriptOf([script], root, [{ ...skill, permissions: null }])).toBeUndefined();
    expect(skillScriptOf([script], root, [{ ...skill, enabled: false }])).toBeUndefined();
  });
});
