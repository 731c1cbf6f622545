/**
 * The bundled system skills through the built server: installed under $CODEX_HOME/skills/.system
 * with Codex's marker, listed by skills/list as real Codex 0.169 lists them (names, scope,
 * interface, short descriptions, order), reinstalled when edited away, kept when current.
 */
import { readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const NAMES = ["imagegen", "openai-docs", "review-agent", "skill-creator", "skill-installer"];

describe("system skills", () => {
  it("are installed under skills/.system and listed with scope system, as Codex 0.169 lists them", async () => {
    const s = await fx.boot();
    const { data } = await s.call("skills/list", { cwds: [fx.workDir] });
    const dir = path.join(s.codexHome, "skills", ".system");
    expect(readdirSync(dir).sort()).toEqual([".codex-system-skills.marker", ...NAMES]);
    expect(readFileSync(path.join(dir, ".codex-system-skills.marker"), "utf8")).toMatch(/^[0-9a-f]{16}\n$/);

    const skills = data[0]!.skills.filter((skill) => skill.scope === "system");
    expect(skills.map((skill) => skill.name)).toEqual(NAMES);
    for (const skill of skills) {
      expect(skill.path).toBe(path.join(dir, skill.name, "SKILL.md"));
      expect(skill.enabled).toBe(true);
      expect(skill.pluginId).toBeNull();
      expect(skill.interface?.displayName).toBeTruthy();
      expect(skill.interface?.shortDescription).toBeTruthy();
    }
    // As real 0.169: display names, a short description only where the front matter has one, default prompts.
    expect(skills.map((skill) => skill.interface?.displayName)).toEqual(["Image Gen", "OpenAI Docs", "Review Agent", "Skill Creator", "Skill Installer"]);
    expect(skills.map((skill) => skill.shortDescription ?? null).map((d) => d !== null)).toEqual([false, false, false, true, true]);
    expect(skills.map((skill) => skill.interface?.defaultPrompt ?? null).map((p) => p !== null)).toEqual([true, true, true, false, false]);
    expect(data[0]!.errors).toEqual([]);
  });

  it("a current install is left alone; an edited or missing one is replaced whole", async () => {
    /** Boots a server and waits until it answered a request (the runtime, and so the install, comes after initialize). */
    const bootReady = async () => {
      const server = await fx.boot();
      await server.call("skills/list", { cwds: [fx.workDir] });
      return server;
    };
    const s = await bootReady();
    const dir = path.join(s.codexHome, "skills", ".system");
    const marker = path.join(dir, ".codex-system-skills.marker");
    const before = statSync(marker).mtimeMs;
    await s.close();

    await (await bootReady()).close();
    expect(statSync(marker).mtimeMs).toBe(before);

    // A stale marker (an older bundle) and a stray file: the next start rewrites the folder.
    writeFileSync(marker, "0000000000000000\n");
    writeFileSync(path.join(dir, "stray.txt"), "left by hand");
    rmSync(path.join(dir, "imagegen"), { recursive: true });
    const again = await bootReady();
    expect(readdirSync(dir).sort()).toEqual([".codex-system-skills.marker", ...NAMES]);
    expect(readFileSync(marker, "utf8")).not.toBe("0000000000000000\n");
    // No staging folder is left beside it.
    expect(readdirSync(path.join(again.codexHome, "skills")).filter((name) => name.startsWith(".system."))).toEqual([]);
  });

  it("the model sees the implicit ones and not review-agent (allow_implicit_invocation: false)", async () => {
    fx.fake.enqueue(turn([sse.message("done")]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "hello");
    const body = JSON.stringify(fx.fake.responsesRequests()[0]?.body);
    for (const name of ["imagegen", "openai-docs", "skill-creator", "skill-installer"]) expect(body).toContain(`${name}:`);
    expect(body).not.toContain("review-agent:");
  });
});
