/**
 * Seed behaviours driven through the built app-server (issue 28).
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("seed behaviours over the app-server", () => {
  it.each(["code", "pair_programming", "execute", "custom"])(
    "accepts the legacy collaboration mode %s and runs the turn in default mode",
    async (legacy) => {
      fx.fake.enqueue(turn([sse.message("planned")]), turn([sse.message("done")]));
      const server = await fx.boot();
      const { thread } = await server.call("thread/start", { cwd: fx.workDir });
      const settings = { model: "gpt-test", reasoning_effort: null, developer_instructions: null };
      const first = await server.call("turn/start", {
        threadId: thread.id,
        input: [{ type: "text", text: "plan first" }],
        collaborationMode: { mode: "plan", settings },
      });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === first.turn.id);
      // A legacy name is coerced to `default`: the model is told it left plan mode.
      const second = await server.call("turn/start", {
        threadId: thread.id,
        input: [{ type: "text", text: "now do it" }],
        collaborationMode: { mode: legacy as "default", settings },
      });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === second.turn.id);
      const input = JSON.stringify(fx.fake.responsesRequests()[1]?.body.input);
      expect(input).toContain("<collaboration_mode>default</collaboration_mode>");
    },
  );

  it("sends user images without a detail as detail high (local and remote), keeps an explicit detail", async () => {
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    );
    writeFileSync(path.join(fx.workDir, "a.png"), png);
    fx.fake.enqueue(turn([sse.message("seen")]));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turn: t } = await server.call("turn/start", {
      threadId: thread.id,
      input: [
        { type: "localImage", path: path.join(fx.workDir, "a.png") },
        { type: "image", url: "https://example.com/b.png" },
        { type: "image", url: "https://example.com/c.png", detail: "low" },
        { type: "text", text: "look" },
      ],
    });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    const input = fx.fake.responsesRequests()[0]?.body.input as Array<{
      role?: string;
      content?: Array<Record<string, unknown>>;
    }>;
    const user = input.filter((item) => item.role === "user").at(-1);
    const images = (user?.content ?? []).filter((c) => c.type === "input_image");
    expect(images.map((c) => c.detail)).toEqual(["high", "high", "low"]);
  });

  it("reads agents/openai.yaml whose permissions use the nested network.enabled form", async () => {
    const dir = path.join(fx.workDir, ".codex", "skills", "netty");
    mkdirSync(path.join(dir, "agents"), { recursive: true });
    mkdirSync(path.join(fx.workDir, ".git"), { recursive: true });
    writeFileSync(
      path.join(dir, "SKILL.md"),
      "---\nname: netty\ndescription: needs the network\n---\nbody\n",
    );
    writeFileSync(
      path.join(dir, "agents", "openai.yaml"),
      "interface:\n  display_name: Netty Skill\npermissions:\n  network:\n    enabled: true\n",
    );
    const server = await fx.boot();
    const result = await server.call("skills/list", { cwds: [fx.workDir] });
    const skill = result.data[0]?.skills.find((k) => k.name === "netty");
    expect(skill?.interface?.displayName).toBe("Netty Skill");
    expect(result.data[0]?.errors ?? []).toEqual([]);
  });
});
