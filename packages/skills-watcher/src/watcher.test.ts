import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SkillsCache } from "./loader/cache.js";
import { sleep, tempDir, waitFor, writeFile, writeSkill } from "./test-helpers.js";
import { type SkillsChangedEvent, SkillsWatcher } from "./watcher.js";

/** Debounce used in these tests: long enough that one burst on a busy machine stays one burst. */
const DEBOUNCE_MS = 400;
/** After a notification, how long we keep listening to be sure no second one follows. */
const SETTLE_MS = 1500;

const fsWatchHandles = () => process.getActiveResourcesInfo().filter((r) => r === "FSEventWrap").length;

let tmp: { dir: string; cleanup: () => void };
let codexHome: string;
let cwd: string;
let userRoot: string;
let watcher: SkillsWatcher;
let cache: SkillsCache;
let events: SkillsChangedEvent[];
/** fs.watch handles open before the test's watcher existed. */
let handlesBefore: number;

beforeEach(() => {
  handlesBefore = fsWatchHandles();
  tmp = tempDir("skills-watch-");
  codexHome = path.join(tmp.dir, "codex-home");
  cwd = path.join(tmp.dir, "project");
  userRoot = path.join(codexHome, "skills");
  mkdirSync(userRoot, { recursive: true });
  mkdirSync(path.join(cwd, ".git"), { recursive: true });
  cache = new SkillsCache({ codexHome, homeDir: null, adminSkillsRoot: null });
  watcher = new SkillsWatcher({ debounceMs: DEBOUNCE_MS, maxWaitMs: 10_000, cache });
  events = [];
  watcher.onChanged((e) => events.push(e));
});

afterEach(async () => {
  await watcher.close();
  // Every test ends with all of its fs.watch handles closed.
  await waitFor(() => fsWatchHandles() <= handlesBefore, 10_000, "fs.watch handles to close");
  tmp.cleanup();
});

/** Waits for the next notification, then makes sure the burst produced exactly one. */
async function expectOneNotification(before: number): Promise<SkillsChangedEvent> {
  await waitFor(() => events.length > before, 20_000, "a skills change notification");
  await sleep(SETTLE_MS);
  expect(events.length).toBe(before + 1);
  return events[before] as SkillsChangedEvent;
}

const names = async () => (await cache.get(cwd)).skills.map((s) => s.name);

describe("SkillsWatcher", () => {
  it("create, edit and delete of a SKILL.md: one notification per burst, and the cache reflects each without forceReload", async () => {
    const { roots } = await cache.get(cwd);
    await watcher.register("thread-1", roots);
    expect(await names()).toEqual([]);

    // Burst 1: a new skill folder with its SKILL.md.
    const file = writeSkill(userRoot, "new", "new-skill", "first version");
    const created = await expectOneNotification(0);
    expect(created.threadIds).toEqual(["thread-1"]);
    expect(created.roots).toEqual([userRoot]);
    expect(created.paths).toContain(file);
    expect(await names()).toEqual(["new-skill"]);

    // Burst 2: several quick edits.
    writeFileSync(file, "---\nname: new-skill\ndescription: second version\n---\n");
    writeFileSync(file, "---\nname: renamed-skill\ndescription: third version\n---\n");
    await expectOneNotification(1);
    expect((await cache.get(cwd)).skills.map((s) => [s.name, s.description])).toEqual([
      ["renamed-skill", "third version"],
    ]);

    // Burst 3: delete the folder.
    rmSync(path.dirname(file), { recursive: true });
    await expectOneNotification(2);
    expect(await names()).toEqual([]);
  });

  it("invalid frontmatter written while watched shows up as an error entry after the notification", async () => {
    await watcher.register("t", (await cache.get(cwd)).roots);
    const bad = writeFile(path.join(userRoot, "broken", "SKILL.md"), "---\nname: [oops\n---\n");
    await expectOneNotification(0);
    const out = await cache.get(cwd);
    expect(out.skills).toEqual([]);
    expect(out.errors).toHaveLength(1);
    expect(out.errors[0]?.path).toBe(bad);
    expect(out.errors[0]?.message).toMatch(/^invalid YAML: /);
  });

  it("ignores files that cannot change skills (hidden entries, other files)", async () => {
    await watcher.register("t", [userRoot]);
    writeFile(path.join(userRoot, ".cache", "x", "SKILL.md"), "hidden");
    writeFile(path.join(userRoot, "notes.txt"), "not a skill");
    await sleep(SETTLE_MS);
    expect(events).toEqual([]);
    // A real change is still noticed afterwards.
    writeSkill(userRoot, "real", "real", "r");
    await expectOneNotification(0);
  });

  it("notices agents/openai.yaml edits", async () => {
    const file = writeSkill(userRoot, "m", "m", "m");
    await watcher.register("t", [userRoot]);
    writeFile(path.join(path.dirname(file), "agents", "openai.yaml"), "interface:\n  display_name: M\n");
    await expectOneNotification(0);
    expect((await cache.get(cwd)).skills[0]?.interface?.displayName).toBe("M");
  });

  it("a root that does not exist yet is picked up when it is created", async () => {
    const { roots } = await cache.get(cwd);
    const repoRoot = path.join(cwd, ".codex", "skills");
    expect(roots.map((r) => r.path)).toContain(repoRoot);
    await watcher.register("t", roots);
    mkdirSync(path.join(cwd, ".codex"));
    await sleep(SETTLE_MS); // `.codex` alone is not a skills change
    expect(events).toEqual([]);
    writeSkill(repoRoot, "r", "repo-skill", "from the repo");
    await waitFor(
      async () => (await names()).includes("repo-skill"),
      20_000,
      "repo-skill after the root appeared",
    );
    // Once the root exists, changes inside it are watched normally.
    const seen = events.length;
    writeSkill(repoRoot, "r2", "repo-skill-2", "second");
    await waitFor(() => events.length > seen, 20_000, "a notification from the new root");
    await waitFor(async () => (await names()).includes("repo-skill-2"), 20_000, "repo-skill-2");
  });

  it("a root that disappears and comes back keeps being watched", async () => {
    const extra = path.join(tmp.dir, "extra");
    writeSkill(extra, "x", "x", "x");
    await watcher.register("t", [extra]);
    rmSync(extra, { recursive: true });
    await waitFor(() => events.length > 0, 20_000, "notification for the removed root");
    await sleep(SETTLE_MS);
    const seen = events.length;
    writeSkill(extra, "y", "y", "y");
    await waitFor(() => events.length > seen, 20_000, "notification for the recreated root");
  });

  it("roots are shared between threads; the last unregister stops watching", async () => {
    const baseline = handlesBefore;
    await watcher.register("a", [userRoot]);
    await watcher.register("b", [userRoot]);
    expect(watcher.watchedRoots).toEqual([userRoot]);
    expect(fsWatchHandles()).toBeGreaterThan(baseline);

    await watcher.unregister("a");
    expect(watcher.watchedRoots).toEqual([userRoot]);
    writeSkill(userRoot, "one", "one", "1");
    const event = await expectOneNotification(0);
    expect(event.threadIds).toEqual(["b"]);

    await watcher.unregister("b");
    expect(watcher.watchedRoots).toEqual([]);
    expect(watcher.threadIds).toEqual([]);
    await waitFor(() => fsWatchHandles() === baseline, 10_000, "fs.watch handles to close");
    writeSkill(userRoot, "two", "two", "2");
    rmSync(path.join(userRoot, "one"), { recursive: true });
    await sleep(SETTLE_MS);
    expect(events).toHaveLength(1);
  });

  it("re-registering a thread replaces its roots", async () => {
    const other = path.join(tmp.dir, "other");
    mkdirSync(other);
    await watcher.register("t", [userRoot]);
    await watcher.register("t", [other]);
    expect(watcher.watchedRoots).toEqual([other]);
    writeSkill(userRoot, "ignored", "ignored", "i");
    await sleep(SETTLE_MS);
    expect(events).toEqual([]);
    writeSkill(other, "seen", "seen", "s");
    const event = await expectOneNotification(0);
    expect(event.roots).toEqual([other]);
  });

  it("close() stops events and leaves no open handles", async () => {
    const baseline = handlesBefore;
    const missing = path.join(tmp.dir, "not", "there", "skills");
    await watcher.register("a", [userRoot, missing]);
    await watcher.register("b", [path.join(cwd)]);
    expect(fsWatchHandles()).toBeGreaterThan(baseline);
    writeSkill(userRoot, "pending", "pending", "p"); // a burst that close() must swallow
    await watcher.close();
    expect(watcher.watchedRoots).toEqual([]);
    await waitFor(() => fsWatchHandles() === baseline, 10_000, "fs.watch handles to close");
    writeSkill(userRoot, "after", "after", "a");
    await sleep(SETTLE_MS);
    expect(events).toEqual([]);
    // Registering after close does nothing.
    await watcher.register("c", [userRoot]);
    expect(watcher.watchedRoots).toEqual([]);
    expect(fsWatchHandles()).toBe(baseline);
  });
});
