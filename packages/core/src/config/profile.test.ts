import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "./load.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "codex-profile-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const write = (name: string, text: string) => writeFileSync(path.join(home, name), text);
const load = (options: Parameters<typeof loadConfig>[0] = {}) => loadConfig({ codexHome: home, env: {}, systemConfigFile: null, ...options });

describe("-p NAME (Codex 0.169 profiles: $CODEX_HOME/NAME.config.toml)", () => {
  it("layers the profile file over the user config; -c still wins; a missing file is an empty layer", () => {
    write("config.toml", 'model = "base"\napproval_policy = "never"\n');
    write("work.config.toml", 'model = "from-file"\n');
    const work = load({ profileFile: "work" });
    expect(work.ok && work.config.model).toBe("from-file");
    expect(work.ok && work.config.approvalPolicy).toBe("never");
    expect(work.ok && work.config.layers.map((l) => l.source)).toEqual([
      { type: "user", file: path.join(home, "config.toml") },
      { type: "user", file: path.join(home, "work.config.toml"), profile: "work" },
    ]);
    const flags = load({ profileFile: "work", overrides: ['model="flag"'] });
    expect(flags.ok && flags.config.model).toBe("flag");
    const other = load({ profileFile: "other" });
    expect(other.ok && other.config.model).toBe("base");
  });

  it("refuses a name that is a path, a profile also defined the legacy way, and broken TOML", () => {
    expect(load({ profileFile: "../x" })).toMatchObject({ ok: false, error: "invalid --profile value `../x`; pass a plain name such as `work`" });
    write("config.toml", '[profiles.work]\nmodel = "legacy"\n');
    const legacy = load({ profileFile: "work" });
    expect(legacy.ok).toBe(false);
    expect(!legacy.ok && legacy.error).toContain("--profile `work` cannot be used while");
    // The legacy way still works on its own.
    expect(load({ profile: "work" })).toMatchObject({ ok: true, config: { model: "legacy" } });
    write("config.toml", "");
    write("bad.config.toml", "model = [broken\n");
    const bad = load({ profileFile: "bad" });
    expect(!bad.ok && bad.error).toMatch(new RegExp(`^${path.join(home, "bad.config.toml")}: invalid TOML`));
  });
});

describe("ignoreUserConfig (--ignore-user-config)", () => {
  it("does not read config.toml, so neither its settings nor its trust apply", () => {
    write("config.toml", 'model = "user"\nsandbox_mode = "danger-full-access"\n');
    const loaded = load({ ignoreUserConfig: true });
    expect(loaded.ok && loaded.config.model).toBe("gpt-6.1-sol");
    expect(loaded.ok && loaded.config.sandboxMode).toBe("read-only");
    expect(loaded.ok && loaded.config.layers).toEqual([]);
    // Broken user TOML is not read either.
    write("config.toml", "model = [");
    expect(load({ ignoreUserConfig: true }).ok).toBe(true);
    expect(load().ok).toBe(false);
  });
});
