import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

/** A local marketplace `debug` (Codex's .agents/plugins layout): `hello` (plugin.json with a version, a skill) and `other` (no version). */
function marketplace(): string {
  const root = path.join(fx.work, "mkt");
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  write(
    ".agents/plugins/marketplace.json",
    JSON.stringify({
      name: "debug",
      plugins: [
        { name: "hello", source: "./plugins/hello" },
        { name: "other", source: "./plugins/other" },
        { name: "remote", source: { source: "github", repo: "a/b" } },
      ],
    }),
  );
  write("plugins/hello/.codex-plugin/plugin.json", JSON.stringify({ name: "hello", version: "1.2.0" }));
  write("plugins/hello/skills/greet/SKILL.md", "---\nname: greet\ndescription: greet people\n---\nSay hi.\n");
  write("plugins/other/.claude-plugin/plugin.json", JSON.stringify({ name: "other" }));
  return root;
}

const plugin = (...args: string[]) => runBin(["plugin", ...args], { cwd: fx.work, env: fx.env() });
const config = () => readFileSync(path.join(fx.home, "config.toml"), "utf8");

describe("codex-ts plugin", () => {
  it("marketplace add/list/remove: config.toml's [marketplaces.<name>] as Codex writes it, Codex's messages and JSON", async () => {
    const root = marketplace();
    expect(await plugin("marketplace", "list")).toMatchObject({ code: 0, stdout: "No plugin marketplaces in scope.\n" });
    expect(await plugin("marketplace", "add", "./mkt")).toMatchObject({
      code: 0,
      stdout: `Added marketplace \`debug\` from ${root}.\nInstalled marketplace root: ${root}\n`,
    });
    expect(config()).toContain(`[marketplaces.debug]\nsource_type = "local"\nsource = "${root}"`);
    const again = await plugin("marketplace", "add", root, "--json");
    expect(JSON.parse(again.stdout)).toEqual({ marketplaceName: "debug", installedRoot: root, alreadyAdded: true });
    expect(await plugin("marketplace", "list")).toMatchObject({ stdout: `MARKETPLACE  ROOT\ndebug        ${root}\n` });
    expect(JSON.parse((await plugin("marketplace", "list", "--json")).stdout)).toEqual({
      marketplaces: [{ name: "debug", root, marketplaceSource: { sourceType: "local", source: root } }],
    });
    expect(await plugin("marketplace", "upgrade")).toMatchObject({ code: 0, stdout: "No configured Git marketplaces to upgrade.\n" });
    expect((await plugin("marketplace", "upgrade", "debug")).stderr).toBe("Error: marketplace `debug` is not configured as a Git marketplace\n");

    expect(await plugin("marketplace", "remove", "debug")).toMatchObject({ code: 0, stdout: "Removed marketplace `debug`.\n" });
    expect(config()).not.toContain("[marketplaces.debug]");
    expect(existsSync(root)).toBe(true);
    const gone = await plugin("marketplace", "remove", "debug");
    expect(gone).toMatchObject({ code: 1, stderr: "Error: marketplace `debug` is not configured or installed\n" });
  });

  it("marketplace add refuses what it cannot use, with one line", async () => {
    mkdirSync(path.join(fx.work, "empty"));
    const missing = await plugin("marketplace", "add", "./nope");
    expect(missing).toMatchObject({ code: 1, stderr: "Error: failed to resolve local marketplace source path: No such file or directory\n" });
    const empty = await plugin("marketplace", "add", "./empty");
    expect(empty.stderr).toBe(`Error: invalid marketplace file \`${path.join(fx.work, "empty")}\`: marketplace root does not contain a supported manifest\n`);
    const git = await plugin("marketplace", "add", "owner/repo");
    expect(git.code).toBe(1);
    expect(git.stderr).toContain("codex-ts adds local marketplaces only");
    expect((await plugin("marketplace", "add")).code).toBe(2);
    expect((await plugin("marketplace", "frob")).code).toBe(2);
    expect(existsSync(path.join(fx.home, "config.toml"))).toBe(false);
  });

  it("add installs into CODEX_HOME/plugins/cache/<marketplace>/<plugin>/<version> and enables it; list shows it; remove undoes both", async () => {
    const root = marketplace();
    await plugin("marketplace", "add", "./mkt");
    const listed = await plugin("list");
    expect(listed.stdout).toBe(
      [
        "Marketplace `debug`",
        path.join(root, ".agents/plugins/marketplace.json"),
        "",
        "PLUGIN       STATUS         VERSION  SOURCE",
        `hello@debug  not installed           ${root}/plugins/hello`,
        `other@debug  not installed           ${root}/plugins/other`,
        "",
      ].join("\n"),
    );

    const added = await plugin("add", "hello@debug");
    const installed = path.join(fx.home, "plugins", "cache", "debug", "hello", "1.2.0");
    expect(added).toMatchObject({ code: 0, stdout: `Added plugin \`hello\` from marketplace \`debug\`.\nInstalled plugin root: ${installed}\n` });
    expect(readFileSync(path.join(installed, "skills", "greet", "SKILL.md"), "utf8")).toContain("Say hi.");
    expect(config()).toContain('[plugins."hello@debug"]\nenabled = true');
    const other = await plugin("add", "other", "--marketplace", "debug", "--json");
    expect(JSON.parse(other.stdout)).toEqual({
      pluginId: "other@debug",
      name: "other",
      marketplaceName: "debug",
      version: "local",
      installedPath: path.join(fx.home, "plugins", "cache", "debug", "other", "local"),
      authPolicy: "ON_INSTALL",
    });

    const json = JSON.parse((await plugin("list", "--json")).stdout) as { installed: { pluginId: string; version: string; enabled: boolean }[]; available: unknown[] };
    expect(json.installed.map((p) => [p.pluginId, p.version, p.enabled])).toEqual([
      ["hello@debug", "1.2.0", true],
      ["other@debug", "local", true],
    ]);
    expect(json.available).toEqual([]);
    writeFileSync(path.join(fx.home, "config.toml"), config().replace('[plugins."hello@debug"]\nenabled = true', '[plugins."hello@debug"]\nenabled = false'));
    expect((await plugin("list", "-m", "debug")).stdout).toContain(`hello@debug  installed, disabled  1.2.0    ${root}/plugins/hello\n`);

    // With features.plugins off no marketplace is in scope (as Codex).
    expect(await plugin("list", "--disable", "plugins")).toMatchObject({ code: 0, stdout: "No marketplace plugins found.\n" });
    expect((await plugin("add", "hello@debug", "--disable", "plugins")).stderr).toBe("Error: plugin `hello` was not found in marketplace `debug`\n");
    expect(await plugin("remove", "hello@debug")).toMatchObject({ code: 0, stdout: "Removed plugin `hello` from marketplace `debug`.\n" });
    expect(existsSync(path.join(fx.home, "plugins", "cache", "debug", "hello"))).toBe(false);
    expect(config()).not.toContain("hello@debug");
    const removed = await plugin("remove", "other", "-m", "debug", "--json");
    expect(JSON.parse(removed.stdout)).toEqual({ pluginId: "other@debug", name: "other", marketplaceName: "debug" });
    const available = JSON.parse((await plugin("list", "--json", "--available")).stdout) as { available: { pluginId: string }[] };
    expect(available.available.map((p) => p.pluginId)).toEqual(["hello@debug", "other@debug"]);
  });

  it("add: Codex's errors for a missing marketplace, an unknown plugin and a plugin without plugin.json", async () => {
    const root = marketplace();
    await plugin("marketplace", "add", "./mkt");
    expect((await plugin("add", "hello")).stderr).toBe("Error: plugin requires --marketplace unless passed as <plugin>@<marketplace>\n");
    expect((await plugin("add", "nope@debug")).stderr).toBe("Error: plugin `nope` was not found in marketplace `debug`\n");
    expect((await plugin("add", "hello@elsewhere")).stderr).toBe("Error: plugin `hello` was not found in marketplace `elsewhere`\n");
    writeFileSync(path.join(root, ".agents/plugins/marketplace.json"), JSON.stringify({ name: "debug", plugins: [{ name: "bare", source: "./plugins/bare" }] }));
    mkdirSync(path.join(root, "plugins", "bare"));
    const bare = await plugin("add", "bare@debug");
    expect(bare).toMatchObject({ code: 1, stderr: "Error: missing plugin.json\n" });
    expect(existsSync(path.join(fx.home, "plugins", "cache", "debug", "bare"))).toBe(false);
    expect((await plugin("add", "--bogus", "x@y")).code).toBe(2);
    expect((await plugin("add")).code).toBe(2);
  });

  it("--help has the CLI's one layout at every level", async () => {
    const top = await plugin("--help");
    expect(top.stdout).toContain("Usage: codex-ts plugin [OPTIONS] <COMMAND>");
    for (const sub of ["add", "list", "marketplace", "remove"]) expect(top.stdout).toMatch(new RegExp(`\\n {2}${sub} `));
    const nested = await plugin("marketplace", "add", "--help");
    expect(nested.stdout).toContain("Usage: codex-ts plugin marketplace add [OPTIONS] <SOURCE>");
    expect(nested.stdout).toContain("--json");
  });
});
