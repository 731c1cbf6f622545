import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { HookEngine } from "@codex-ts/hooks";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config/load.js";
import { hookEngineFromConfig } from "../session/options.js";
import { loadInstalledPlugins } from "./installed.js";
import { activePluginRoot, compareVersions, parsePluginId } from "./store.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "codex-plugins-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const install = (name: string, version: string, hooks = true) => {
  const root = path.join(home, "plugins", "cache", "mkt", name, version);
  mkdirSync(path.join(root, ".codex-plugin"), { recursive: true });
  writeFileSync(path.join(root, ".codex-plugin", "plugin.json"), JSON.stringify({ name }));
  if (hooks) {
    mkdirSync(path.join(root, "hooks"));
    writeFileSync(
      path.join(root, "hooks", "hooks.json"),
      JSON.stringify({
        hooks: { Stop: [{ hooks: [{ type: "command", command: `echo ${name}-${version}` }] }] },
      }),
    );
  }
  return root;
};
const config = (toml: string) => {
  writeFileSync(path.join(home, "config.toml"), toml);
  const loaded = loadConfig({ codexHome: home, env: {}, systemConfigFile: null });
  if (!loaded.ok) throw new Error(loaded.error);
  return loaded.config;
};

describe("plugin store layout", () => {
  it("parses name@marketplace keys and refuses bad ones", () => {
    expect(parsePluginId("demo@mkt")).toEqual({ ok: true, value: { name: "demo", marketplace: "mkt" } });
    for (const bad of ["demo", "@mkt", "demo@", "../x@mkt", "a b@mkt"])
      expect(parsePluginId(bad).ok).toBe(false);
  });

  it("picks `local` first, else the highest version (semver order)", () => {
    install("demo", "1.2.0");
    install("demo", "1.10.0");
    expect(activePluginRoot(home, { name: "demo", marketplace: "mkt" })).toMatch(/1\.10\.0$/);
    install("demo", "local");
    expect(activePluginRoot(home, { name: "demo", marketplace: "mkt" })).toMatch(/local$/);
    expect(activePluginRoot(home, { name: "none", marketplace: "mkt" })).toBeNull();
    expect(compareVersions("1.0.0-beta", "1.0.0")).toBeLessThan(0);
  });
});

describe("loadInstalledPlugins", () => {
  it("loads the user's enabled plugins (enabled defaults to true) and warns about missing ones", () => {
    const demo = install("demo", "local");
    install("off", "local");
    const result = loadInstalledPlugins(
      config(
        '[plugins."demo@mkt"]\n\n[plugins."off@mkt"]\nenabled = false\n\n[plugins."gone@mkt"]\nenabled = true\n\n[plugins.bad]\n',
      ),
    );
    expect(result.plugins).toEqual([
      { id: "demo@mkt", root: demo, dataRoot: path.join(home, "plugins", "data", "demo-mkt") },
    ]);
    expect(result.warnings).toEqual([
      expect.stringContaining("invalid plugin key `bad`"),
      "plugin gone@mkt: plugin is not installed",
    ]);
  });

  it("loads nothing with features.plugins = false", () => {
    install("demo", "local");
    expect(
      loadInstalledPlugins(config('[features]\nplugins = false\n\n[plugins."demo@mkt"]\n')).plugins,
    ).toEqual([]);
  });

  it("feeds plugin hooks to the session's hook engine (on by default, as plugins are)", () => {
    install("demo", "local");
    const engine = hookEngineFromConfig(config('[plugins."demo@mkt"]\n'), home);
    expect(engine).toBeInstanceOf(HookEngine);
    expect(engine.hooks.map((h) => [h.key, h.source, h.pluginId])).toEqual([
      ["demo@mkt:hooks/hooks.json:stop:0:0", "plugin", "demo@mkt"],
    ]);
  });
});
