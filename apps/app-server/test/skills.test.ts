/**
 * Skills through the built server with real files and the real chokidar watcher: skills/changed
 * once per burst, skills/list without forceReload, `$name` mentions in the request body, invalid
 * frontmatter as an error entry, and unsubscribe stopping the thread's watch.
 */
import { appendFileSync, mkdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { v2 } from "@codex-ts/protocol";
import { sse, turn } from "@codex-ts/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { type AppServerProcess, makeTempDir, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
let otherDir: string;

beforeEach(() => {
  otherDir = fx.tempDir("codex-other-");
  for (const dir of [fx.workDir, otherDir]) {
    mkdirSync(path.join(dir, ".git"));
    mkdirSync(path.join(dir, ".codex", "skills"), { recursive: true });
  }
});

const skillDir = (root: string, name: string) => path.join(root, ".codex", "skills", name);
const skillMd = (name: string, description: string, body = "") => `---\nname: ${name}\ndescription: ${description}\n---\n${body}\n`;

type SkillsListEntry = v2.ClientRequestResponse<"skills/list">["data"][number];

/** The cwd's entry, without the bundled system skills (system-skills.test.ts covers those). */
async function list(s: AppServerProcess, cwd: string): Promise<SkillsListEntry> {
  const result = await s.call("skills/list", { cwds: [cwd] });
  expect(result.data).toHaveLength(1);
  const entry = result.data[0]!;
  return { ...entry, skills: entry.skills.filter((skill) => skill.scope !== "system") };
}

/** Waits until the `n`-th skills/changed notification arrived. */
async function changedCount(s: AppServerProcess, n: number): Promise<void> {
  await s.waitFor(() => s.notifications("skills/changed").length >= n, 30_000, `${n} skills/changed`);
}

describe("skills", () => {
  it("watches a thread's skill roots: create, edit, invalid, delete; mentions inject SKILL.md; unsubscribe stops the watch", async () => {
    fx.fake.enqueue(turn([sse.message("done")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    expect((await list(s, fx.workDir)).skills).toEqual([]);

    // Create (a burst: folder, then SKILL.md written in two steps) → one notification.
    mkdirSync(skillDir(fx.workDir, "alpha"));
    writeFileSync(path.join(skillDir(fx.workDir, "alpha"), "SKILL.md"), skillMd("alpha", "first version", "ALPHA-BODY-7781"));
    appendFileSync(path.join(skillDir(fx.workDir, "alpha"), "SKILL.md"), "more instructions\n");
    await changedCount(s, 1);
    const created = await list(s, fx.workDir);
    expect(created.skills.map((k) => [k.name, k.description])).toEqual([["alpha", "first version"]]);

    // Edit → the list reflects it without forceReload.
    writeFileSync(path.join(skillDir(fx.workDir, "alpha"), "SKILL.md"), skillMd("alpha", "second version", "ALPHA-BODY-7781"));
    await changedCount(s, 2);
    expect((await list(s, fx.workDir)).skills[0]!.description).toBe("second version");

    // A `$alpha` mention puts SKILL.md in the request body.
    await runTurn(s, thread.id, "please use $alpha now");
    const body = JSON.stringify(fx.fake.responsesRequests()[0]?.body);
    expect(body).toContain("ALPHA-BODY-7781");
    expect(body).toContain("<skill>");

    // Invalid frontmatter → an error entry, not a throw.
    mkdirSync(skillDir(fx.workDir, "broken"));
    writeFileSync(path.join(skillDir(fx.workDir, "broken"), "SKILL.md"), "no frontmatter here\n");
    await changedCount(s, 3);
    const withError = await list(s, fx.workDir);
    expect(withError.errors.map((e) => e.path)).toEqual([path.join(skillDir(fx.workDir, "broken"), "SKILL.md")]);

    // Delete → gone.
    rmSync(skillDir(fx.workDir, "alpha"), { recursive: true });
    await changedCount(s, 4);
    expect((await list(s, fx.workDir)).skills).toEqual([]);
    expect(s.notifications("skills/changed")).toHaveLength(4);

    // Unsubscribe drops the watch: a change under workDir no longer notifies. A second thread in
    // another project proves the watcher still runs (its change is reported, the earlier one is not).
    expect((await s.call("thread/unsubscribe", { threadId: thread.id })).status).toBe("unsubscribed");
    mkdirSync(skillDir(fx.workDir, "ignored"));
    writeFileSync(path.join(skillDir(fx.workDir, "ignored"), "SKILL.md"), skillMd("ignored", "not watched"));
    await s.call("thread/start", { cwd: otherDir });
    mkdirSync(skillDir(otherDir, "other"));
    writeFileSync(path.join(skillDir(otherDir, "other"), "SKILL.md"), skillMd("other", "watched"));
    await changedCount(s, 5);
    expect((await list(s, otherDir)).skills.map((k) => k.name)).toEqual(["other"]);
    expect(s.notifications("skills/changed")).toHaveLength(5);
  });

  it("skills/config/write disables a skill and skills/extraRoots/set adds a root", async () => {
    const extra = makeTempDir("codex-extra-");
    try {
      mkdirSync(path.join(extra, "gamma"));
      writeFileSync(path.join(extra, "gamma", "SKILL.md"), skillMd("gamma", "from an extra root"));
      mkdirSync(skillDir(fx.workDir, "delta"));
      writeFileSync(path.join(skillDir(fx.workDir, "delta"), "SKILL.md"), skillMd("delta", "repo skill"));
      const s = await fx.boot();
      await s.call("thread/start", { cwd: fx.workDir });
      expect((await list(s, fx.workDir)).skills.map((k) => k.name)).toEqual(["delta"]);

      expect(await s.call("skills/extraRoots/set", { extraRoots: [extra] })).toEqual({});
      expect((await list(s, fx.workDir)).skills.map((k) => k.name).sort()).toEqual(["delta", "gamma"]);
      const relative = await s.request("skills/extraRoots/set", { extraRoots: ["relative/dir"] });
      expect(relative.error?.code).toBe(-32602);

      const written = await s.call("skills/config/write", { name: "delta", enabled: false });
      expect(written.effectiveEnabled).toBe(false);
      const delta = (await list(s, fx.workDir)).skills.find((k) => k.name === "delta");
      expect(delta!.enabled).toBe(false);
      const config = await s.call("config/read", {});
      expect(JSON.stringify(config.config.skills)).toContain("delta");
    } finally {
      rmSync(extra, { recursive: true, force: true });
    }
  });

  it("a [skills] edit through config/value/write and config/batchWrite reaches skills/list", async () => {
    mkdirSync(skillDir(fx.workDir, "epsilon"));
    const file = path.join(skillDir(fx.workDir, "epsilon"), "SKILL.md");
    writeFileSync(file, skillMd("epsilon", "repo skill"));
    const s = await fx.boot();
    await s.call("thread/start", { cwd: fx.workDir });
    const enabled = async () => (await list(s, fx.workDir)).skills.find((k) => k.name === "epsilon")!.enabled;
    expect(await enabled()).toBe(true);
    await s.call("config/value/write", {
      keyPath: "skills.config",
      value: [{ path: realpathSync(file), enabled: false }],
      mergeStrategy: "replace",
    });
    expect(await enabled()).toBe(false);
    await s.call("config/batchWrite", { edits: [{ keyPath: "skills.config", value: [], mergeStrategy: "replace" }] });
    expect(await enabled()).toBe(true);
  });
});
