/**
 * Seed behaviours of core driven through the built CLI's `exec` (issue 28): what config.toml
 * changes in the request real Codex 0.169 would send for the same settings.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

describe("exec with the seed settings", () => {
  it("service_tier = fast reaches a catalog model as priority; the rules' allow prefixes are in the permissions message", async () => {
    writeFileSync(path.join(fx.home, "config.toml"), 'service_tier = "fast"\napproval_policy = "on-request"\n');
    mkdirSync(path.join(fx.home, "rules"));
    writeFileSync(path.join(fx.home, "rules", "default.rules"), 'prefix_rule(pattern=["make", "test"], decision="allow")\n');
    fx.server.enqueue(turn(sse.message("ok")));
    const r = await runBin(["exec", ...fx.providerArgs(), "-m", "gpt-5.5", "hi"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    const body = fx.server.responsesRequests()[0]?.body as { service_tier?: string; input: Array<{ role?: string; content?: Array<{ text?: string }> }> };
    expect(body.service_tier).toBe("priority");
    const permissions = body.input
      .filter((item) => item.role === "developer")
      .flatMap((item) => (item.content ?? []).map((c) => c.text ?? ""))
      .find((text) => text.startsWith("<permissions instructions>"));
    expect(permissions).toContain('The following prefix rules have already been approved: - ["make", "test"]');
  });

  it("features.shell_tool = false: the model gets no command tool", async () => {
    writeFileSync(path.join(fx.home, "config.toml"), "[features]\nshell_tool = false\n");
    fx.server.enqueue(turn(sse.message("ok")));
    const r = await runBin(["exec", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    const tools = (fx.server.responsesRequests()[0]?.body.tools ?? []) as Array<{ name?: string }>;
    expect(tools.map((tool) => tool.name)).not.toContain("exec_command");
    expect(tools.map((tool) => tool.name)).not.toContain("shell_command");
  });
});
