import { rmSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir, writeSkill } from "../test-helpers.js";
import { SkillsCache } from "./cache.js";

let tmp: { dir: string; cleanup: () => void };
let codexHome: string;
let cwd: string;
beforeEach(() => {
  tmp = tempDir();
  codexHome = path.join(tmp.dir, "codex-home");
  cwd = path.join(tmp.dir, "cwd");
});
afterEach(() => tmp.cleanup());

const names = (out: { skills: Array<{ name: string }> }) => out.skills.map((s) => s.name);

describe("SkillsCache", () => {
  it("loads once per cwd, serves the cache until invalidated or forced", async () => {
    const cache = new SkillsCache({ codexHome, homeDir: null, adminSkillsRoot: null });
    writeSkill(path.join(codexHome, "skills"), "a", "a-skill", "a");
    expect(names(await cache.get(cwd))).toEqual(["a-skill"]);
    writeSkill(path.join(codexHome, "skills"), "b", "b-skill", "b");
    expect(names(await cache.get(cwd))).toEqual(["a-skill"]);
    expect(names(await cache.get(cwd, { forceReload: true }))).toEqual(["a-skill", "b-skill"]);
    rmSync(path.join(codexHome, "skills", "a"), { recursive: true });
    expect(names(await cache.get(cwd))).toEqual(["a-skill", "b-skill"]);
    cache.invalidate(cwd);
    expect(cache.has(cwd)).toBe(false);
    expect(names(await cache.get(cwd))).toEqual(["b-skill"]);
  });

  it("shares one load between concurrent callers", async () => {
    const cache = new SkillsCache({ codexHome, homeDir: null, adminSkillsRoot: null });
    writeSkill(path.join(codexHome, "skills"), "a", "a-skill", "a");
    const [x, y] = await Promise.all([cache.get(cwd), cache.get(cwd)]);
    expect(x).toBe(y);
  });

  it("extra roots and config changes invalidate every cwd", async () => {
    const cache = new SkillsCache({ codexHome, homeDir: null, adminSkillsRoot: null });
    const extra = path.join(tmp.dir, "extra");
    const file = writeSkill(extra, "x", "extra-skill", "x");
    expect(names(await cache.get(cwd))).toEqual([]);
    cache.setExtraRoots([extra]);
    expect(cache.extraRoots).toEqual([extra]);
    const entry = await cache.listEntry(cwd);
    expect(entry.cwd).toBe(cwd);
    expect(entry.skills.map((s) => [s.name, s.enabled])).toEqual([["extra-skill", true]]);
    cache.setConfig({ config: [{ path: file, enabled: false }] });
    expect((await cache.listEntry(cwd)).skills.map((s) => [s.name, s.enabled])).toEqual([
      ["extra-skill", false],
    ]);
  });
});
