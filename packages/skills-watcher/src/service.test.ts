import { mkdirSync } from "node:fs";
import path from "node:path";
import { v2 } from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SkillsService } from "./service.js";
import { sleep, tempDir, waitFor, writeSkill } from "./test-helpers.js";

let tmp: { dir: string; cleanup: () => void };
let codexHome: string;
let cwd: string;
let service: SkillsService;
let changed: number;
let persisted: unknown[];

beforeEach(() => {
  tmp = tempDir("skills-service-");
  codexHome = path.join(tmp.dir, "codex-home");
  cwd = path.join(tmp.dir, "project");
  mkdirSync(path.join(codexHome, "skills"), { recursive: true });
  mkdirSync(cwd, { recursive: true });
  changed = 0;
  persisted = [];
  service = new SkillsService({
    codexHome,
    homeDir: null,
    adminSkillsRoot: null,
    debounceMs: 300,
    onChanged: () => changed++,
    persistSkillsConfig: (table) => {
      persisted.push(table);
    },
  });
});

afterEach(async () => {
  await service.close();
  tmp.cleanup();
});

const listNames = async (params: unknown = {}) => {
  const r = await service.list(params, cwd);
  if (!r.ok) throw new Error(r.error.message);
  v2.SkillsListResponse.parse(r.result);
  return r.result.data.map((e) => e.skills.map((s) => [s.name, s.enabled]));
};

describe("SkillsService", () => {
  it("skills/list defaults to the session cwd, validates params, and lists several cwds", async () => {
    writeSkill(path.join(codexHome, "skills"), "a", "a", "a");
    expect(await listNames()).toEqual([[["a", true]]]);
    expect(await listNames({ cwds: [cwd, tmp.dir] })).toEqual([[["a", true]], [["a", true]]]);
    const bad = await service.list({ cwds: "nope" }, cwd);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.code).toBe(-32602);
    const noCwd = await service.list({});
    expect(noCwd.ok).toBe(false);
  });

  it("skills/list serves the cache unless forceReload", async () => {
    expect(await listNames()).toEqual([[]]);
    writeSkill(path.join(codexHome, "skills"), "late", "late", "l");
    expect(await listNames()).toEqual([[]]);
    expect(await listNames({ forceReload: true })).toEqual([[["late", true]]]);
  });

  it("an attached thread's roots are watched: a new SKILL.md shows in skills/list without forceReload", async () => {
    await service.attachThread("t1", cwd);
    expect(await listNames()).toEqual([[]]);
    writeSkill(path.join(codexHome, "skills"), "fresh", "fresh", "f");
    await waitFor(() => changed > 0, 20_000, "skills/changed");
    expect(await listNames()).toEqual([[["fresh", true]]]);
  });

  it("skills/extraRoots/set adds roots to the list and to the watch of attached threads", async () => {
    const extra = path.join(tmp.dir, "extra");
    writeSkill(extra, "x", "extra-one", "x");
    await service.attachThread("t1", cwd);
    expect(await listNames()).toEqual([[]]);
    expect(await service.setExtraRoots({ extraRoots: [extra] })).toEqual({ ok: true, result: {} });
    expect(await listNames()).toEqual([[["extra-one", true]]]);
    expect(service.watcher.watchedRoots).toContain(extra);
    writeSkill(extra, "y", "extra-two", "y");
    await waitFor(() => changed > 0, 20_000, "skills/changed for the extra root");
    expect(await listNames()).toEqual([
      [
        ["extra-one", true],
        ["extra-two", true],
      ],
    ]);

    const relative = await service.setExtraRoots({ extraRoots: ["relative/dir"] });
    expect(relative.ok).toBe(false);
    expect((await service.setExtraRoots({})).ok).toBe(false);
  });

  it("skills/config/write persists the [skills] table and the next list shows the skill disabled", async () => {
    const file = writeSkill(path.join(codexHome, "skills"), "a", "a", "a");
    writeSkill(path.join(codexHome, "skills"), "b", "b", "b");
    expect(await listNames()).toEqual([
      [
        ["a", true],
        ["b", true],
      ],
    ]);
    expect(await service.writeConfig({ path: file, enabled: false })).toEqual({
      ok: true,
      result: { effectiveEnabled: false },
    });
    expect(await service.writeConfig({ name: "b", enabled: false })).toEqual({
      ok: true,
      result: { effectiveEnabled: false },
    });
    expect(persisted.at(-1)).toEqual({
      config: [
        { path: file, enabled: false },
        { name: "b", enabled: false },
      ],
    });
    expect(await listNames()).toEqual([
      [
        ["a", false],
        ["b", false],
      ],
    ]);
    const both = await service.writeConfig({ name: "b", path: file, enabled: true });
    expect(both.ok).toBe(false);
    const missing = await service.writeConfig({ name: "b" });
    expect(missing.ok).toBe(false);
    expect(persisted).toHaveLength(2);
  });

  it("a failing persist is an error value and changes nothing", async () => {
    const failing = new SkillsService({
      codexHome,
      homeDir: null,
      adminSkillsRoot: null,
      persistSkillsConfig: () => {
        throw new Error("disk full");
      },
    });
    try {
      writeSkill(path.join(codexHome, "skills"), "a", "a", "a");
      const r = await failing.writeConfig({ name: "a", enabled: false });
      expect(r).toEqual({
        ok: false,
        error: { code: -32603, message: "failed to write skills config: disk full" },
      });
      expect(failing.config).toBeUndefined();
    } finally {
      await failing.close();
    }
  });

  it("detaching the last thread stops the watch", async () => {
    await service.attachThread("t1", cwd);
    await service.attachThread("t2", cwd);
    await service.detachThread("t1");
    expect(service.watcher.watchedRoots.length).toBeGreaterThan(0);
    await service.detachThread("t2");
    expect(service.watcher.watchedRoots).toEqual([]);
    writeSkill(path.join(codexHome, "skills"), "unseen", "unseen", "u");
    await sleep(1200);
    expect(changed).toBe(0);
  });
});
