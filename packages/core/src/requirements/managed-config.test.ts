import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config/load.js";
import { DEFAULT_MANAGED_CONFIG_FILE, managedConfigFile } from "./managed-config.js";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "codex-managed-config-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe("legacy managed_config.toml", () => {
  it("is /etc/codex/managed_config.toml unless CODEX_TS_MANAGED_CONFIG_FILE says otherwise", () => {
    expect(managedConfigFile({})).toBe(DEFAULT_MANAGED_CONFIG_FILE);
    expect(managedConfigFile({ CODEX_TS_MANAGED_CONFIG_FILE: "/x.toml" })).toBe("/x.toml");
    expect(managedConfigFile({ CODEX_TS_MANAGED_CONFIG_FILE: "" })).toBeNull();
  });

  it("wins over the user config and -c overrides, as the top layer", () => {
    const managed = path.join(dir, "managed_config.toml");
    writeFileSync(path.join(dir, "config.toml"), 'model = "user-model"\napproval_policy = "never"\n');
    writeFileSync(managed, 'model = "managed-model"\n');
    const loaded = loadConfig({
      codexHome: dir,
      env: {},
      systemConfigFile: null,
      managedConfigFile: managed,
      overrides: ['model="flag-model"'],
    });
    if (!loaded.ok) throw new Error(loaded.error);
    expect(loaded.config.model).toBe("managed-model");
    expect(loaded.config.approvalPolicy).toBe("never");
    expect(loaded.config.layers.at(-1)?.source).toEqual({
      type: "legacyManagedConfigTomlFromFile",
      file: managed,
    });
    const missing = loadConfig({
      codexHome: dir,
      env: {},
      systemConfigFile: null,
      managedConfigFile: path.join(dir, "none.toml"),
    });
    expect(
      missing.ok && missing.config.layers.some((l) => l.source.type === "legacyManagedConfigTomlFromFile"),
    ).toBe(false);
  });
});
