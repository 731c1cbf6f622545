import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

function featureRows(stdout: string): Map<string, [string, string]> {
  return new Map(
    stdout
      .trim()
      .split("\n")
      .map((line) => {
        const [name, ...rest] = line.split(/\s{2,}/);
        return [name!, [rest[0]!, rest[1]!]];
      }),
  );
}

describe("codex-ts features", () => {
  it("list shows each feature's stage and effective state; enable/disable write [features] in config.toml", async () => {
    const list = await runBin(["features", "list"], { env: fx.env() });
    expect(list.code).toBe(0);
    const before = featureRows(list.stdout);
    expect(before.get("request_permissions_tool")).toEqual(["under development", "false"]);

    writeFileSync(path.join(fx.home, "config.toml"), "# my settings\nmodel = \"gpt-test\"\n");
    const enabled = await runBin(["features", "enable", "request_permissions_tool"], { env: fx.env() });
    expect(enabled).toMatchObject({ code: 0, stdout: "Enabled feature `request_permissions_tool` in config.toml.\n" });
    const toml = readFileSync(path.join(fx.home, "config.toml"), "utf8");
    expect(toml).toContain("# my settings");
    expect(toml).toMatch(/\[features\]\s*\nrequest_permissions_tool = true/);
    expect(featureRows((await runBin(["features", "list"], { env: fx.env() })).stdout).get("request_permissions_tool")?.[1]).toBe("true");

    await runBin(["features", "disable", "request_permissions_tool"], { env: fx.env() });
    expect(readFileSync(path.join(fx.home, "config.toml"), "utf8")).toContain("request_permissions_tool = false");
  });

  it("--enable on the command line shows in list without writing anything", async () => {
    const r = await runBin(["--enable", "plugin_hooks", "features", "list"], { env: fx.env() });
    expect(featureRows(r.stdout).get("plugin_hooks")?.[1]).toBe("true");
    const own = await runBin(["features", "list", "-c", "features.plugin_hooks=true"], { env: fx.env() });
    expect(featureRows(own.stdout).get("plugin_hooks")?.[1]).toBe("true");
  });

  it("an unknown feature is one line, exit 1; a missing name or subcommand exits 2", async () => {
    const r = await runBin(["features", "enable", "no_such_feature"], { env: fx.env() });
    expect(r).toMatchObject({ code: 1, stderr: "Error: Unknown feature flag: no_such_feature\n" });
    expect((await runBin(["features", "enable"], { env: fx.env() })).code).toBe(2);
    expect((await runBin(["features"], { env: fx.env() })).code).toBe(2);
  });
});

describe("codex-ts doctor", () => {
  it("passes on a healthy setup: home, config, auth, bwrap and the proxy", async () => {
    const r = await runBin(["doctor", "--json", ...fx.providerArgs()], { env: fx.env() });
    const report = JSON.parse(r.stdout);
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual(["codex home", "config", "auth", "sandbox", "network proxy"]);
    expect(report.checks.filter((c: { status: string }) => c.status !== "ok")).toEqual([]);
    expect(r.code).toBe(0);
  });

  it("names each problem and what to fix, exit 1: no key, no bwrap, an open auth.json", async () => {
    writeFileSync(path.join(fx.home, "auth.json"), '{"auth_mode":"apikey","OPENAI_API_KEY":""}');
    chmodSync(path.join(fx.home, "auth.json"), 0o644);
    const r = await runBin(["doctor", "--ascii"], { env: fx.env({ PATH: "/nonexistent", OPENAI_API_KEY: undefined }) });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[warn\] codex home .*auth\.json is readable by other users/);
    expect(r.stdout).toContain(`fix: chmod 600 ${path.join(fx.home, "auth.json")}`);
    expect(r.stdout).toMatch(/\[fail\] auth .*OPENAI_API_KEY/);
    expect(r.stdout).toMatch(/\[fail\] sandbox .*bwrap \(bubblewrap\) is not on PATH/);
    expect(r.stdout).toContain("fix: install bubblewrap");
    expect(r.stdout).toMatch(/\d problems found\.\n$/);
  });

  it("reports a broken config.toml instead of failing on it", async () => {
    writeFileSync(path.join(fx.home, "config.toml"), "model = [\n");
    const r = await runBin(["doctor", "--ascii"], { env: fx.env() });
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/\[fail\] config .*config\.toml/);
  });
});
