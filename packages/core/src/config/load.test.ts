import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readStoredApiKey } from "../client/provider.js";
import { sessionOptionsFromConfig } from "../session/session.js";
import { loadConfig, parseOverride } from "./load.js";

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), "codex-config-"));
});
afterEach(() => rmSync(home, { recursive: true, force: true }));

const write = (text: string) => writeFileSync(path.join(home, "config.toml"), text);

describe("loadConfig", () => {
  it("gives defaults when config.toml is missing", () => {
    const result = loadConfig({ codexHome: home, env: {} });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.model).toBe("gpt-6.1-sol");
    expect(result.config.modelProviderId).toBe("openai");
    expect(result.config.modelProvider.base_url).toBe("https://api.openai.com/v1");
    expect(result.config.approvalPolicy).toBe("on-request");
    expect(result.config.sandboxMode).toBe("read-only");
    expect(result.warnings).toEqual([]);
  });

  it("reads settings, custom providers, profiles and project trust", () => {
    write(`
model = "top"
approval_policy = "never"
sandbox_mode = "workspace-write"
openai_base_url = "http://proxy/v1"
hooks = { anything = [1, 2] }

[sandbox_workspace_write]
writable_roots = ["/extra"]
network_access = true

[shell_environment_policy]
inherit = "core"
set = { FOO = "bar" }

[features]
web_search_request = true

[model_providers.fake]
name = "Fake"
base_url = "http://127.0.0.1:1/v1"
env_key = "FAKE_KEY"
request_max_retries = 2
http_headers = { "x-a" = "b" }

[profiles.work]
model = "work-model"
model_provider = "fake"
approval_policy = "untrusted"

[projects."${home}"]
trust_level = "trusted"

[history]
persistence = "none"
`);
    const result = loadConfig({ codexHome: home, profile: "work", cwd: path.join(home, "sub"), env: {} });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const c = result.config;
    expect(c.model).toBe("work-model");
    expect(c.approvalPolicy).toBe("untrusted");
    expect(c.sandboxMode).toBe("workspace-write");
    expect(c.modelProviderId).toBe("fake");
    expect(c.modelProvider).toMatchObject({ name: "Fake", env_key: "FAKE_KEY", request_max_retries: 2, wire_api: "responses" });
    expect(c.modelProviders.openai?.base_url).toBe("http://proxy/v1");
    expect(c.sandboxWorkspaceWrite).toEqual({ writable_roots: ["/extra"], network_access: true });
    expect(c.shellEnvironmentPolicy).toEqual({ inherit: "core", set: { FOO: "bar" } });
    expect(c.features).toEqual({ web_search_request: true });
    expect(c.projectTrust).toBe("trusted");
    expect(c.history).toEqual({ persistence: "none" });
    expect(c.hooks).toEqual({ anything: [1, 2] });
  });

  it("applies -c overrides as TOML values, else literal strings", () => {
    write(`model = "file"\n`);
    const result = loadConfig({
      codexHome: home,
      env: {},
      overrides: ["model=o3", "sandbox_workspace_write.writable_roots=[\"/a\", \"/b\"]", "model_context_window=1000", "features.x=true"],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.model).toBe("o3");
    expect(result.config.sandboxWorkspaceWrite.writable_roots).toEqual(["/a", "/b"]);
    expect(result.config.modelContextWindow).toBe(1000);
    expect(result.config.features.x).toBe(true);
    expect(parseOverride("a.b=hello world")).toEqual({ key: ["a", "b"], value: "hello world" });
    expect(parseOverride("a=1")).toEqual({ key: ["a"], value: 1 });
    expect(parseOverride("novalue")).toHaveProperty("error");
    expect(parseOverride('projects."/a.b/c".trust_level="trusted"')).toEqual({ key: ["projects", "/a.b/c", "trust_level"], value: "trusted" });
    expect(parseOverride('a."b=1')).toHaveProperty("error");
  });

  it("warns on unknown keys, and errors on them in strict mode", () => {
    write(`model = "m"\nmystery = 1\n[history]\nextra = true\n`);
    const lax = loadConfig({ codexHome: home, env: {} });
    expect(lax.ok).toBe(true);
    expect(lax.warnings).toEqual([
      expect.stringContaining("unknown key `history.extra`"),
      expect.stringContaining("unknown key `mystery`"),
    ]);
    const strict = loadConfig({ codexHome: home, env: {}, strict: true });
    expect(strict.ok).toBe(false);
    if (strict.ok) return;
    expect(strict.error).toContain("mystery");
    expect(strict.error).toContain(path.join(home, "config.toml"));
  });

  it("knows the tables `plugin add` and `plugin marketplace add` write, and model_catalog_json (no warning, strict passes)", () => {
    write(
      `model_catalog_json = "/x/catalog.json"\n[marketplaces.local]\nsource_type = "local"\nsource = "/m"\n[plugins."demo@local"]\nenabled = true\n`,
    );
    const strict = loadConfig({ codexHome: home, env: {}, strict: true });
    expect(strict.ok).toBe(true);
    if (strict.ok) expect(strict.warnings).toEqual([]);
  });

  it("names file, key and expectation for invalid values", () => {
    write(`approval_policy = "sometimes"\n`);
    const result = loadConfig({ codexHome: home, env: {} });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error).toContain(path.join(home, "config.toml"));
    expect(result.error).toContain("`approval_policy`");
    expect(result.error).toContain("on-request");
    expect(result.error).toContain('"sometimes"');

    const fromOverride = loadConfig({ codexHome: home, env: {}, overrides: ["approval_policy=never", "sandbox_mode=open"] });
    expect(fromOverride.ok).toBe(false);
    if (fromOverride.ok) return;
    expect(fromOverride.error).toContain("-c sandbox_mode=open");
    expect(fromOverride.error).toContain("`sandbox_mode`");
  });

  it("reports invalid TOML, a missing profile and an unknown provider", () => {
    write(`model = `);
    expect(loadConfig({ codexHome: home, env: {} })).toMatchObject({ ok: false, error: expect.stringContaining("invalid TOML") });
    write(`model = "m"`);
    expect(loadConfig({ codexHome: home, env: {}, profile: "nope" })).toMatchObject({
      ok: false,
      error: expect.stringContaining("profile `nope` not found"),
    });
    expect(loadConfig({ codexHome: home, env: {}, overrides: ["model_provider=ghost"] })).toMatchObject({
      ok: false,
      error: expect.stringContaining("model_provider `ghost` is not defined"),
    });
  });

  it("warns that on-failure is deprecated and uses CODEX_HOME", () => {
    write(`approval_policy = "on-failure"\n`);
    const result = loadConfig({ env: { CODEX_HOME: home } });
    expect(result.ok).toBe(true);
    expect(result.warnings.join("\n")).toContain("deprecated");
  });

  it("reads [network]: enabled proxied networking becomes the session's networkProxy option", () => {
    write(`
[network]
enabled = true
allowed_domains = ["**.github.com", "registry.npmjs.org"]
denied_domains = ["gist.github.com"]
mode = "full"
`);
    const result = loadConfig({ codexHome: home, env: {} });
    expect(result.ok && result.warnings).toEqual([]);
    if (!result.ok) return;
    expect(result.config.network).toEqual({
      enabled: true,
      allowedDomains: ["**.github.com", "registry.npmjs.org"],
      deniedDomains: ["gist.github.com"],
      allowLocal: false,
    });
    const options = sessionOptionsFromConfig(result.config, home);
    expect(options.networkProxy).toEqual({
      policy: { allowedDomains: ["**.github.com", "registry.npmjs.org"], deniedDomains: ["gist.github.com"], allowLocal: false },
      rulesPath: path.join(home, "rules", "default.rules"),
    });
    // Not enabled: no proxy (a restricted network stays fully blocked).
    write(`[network]\nallowed_domains = ["example.com"]\n`);
    const off = loadConfig({ codexHome: home, env: {} });
    expect(off.ok && sessionOptionsFromConfig(off.config, home).networkProxy).toBeUndefined();
    write(`[network]\nenabled = "yes"\n`);
    const bad = loadConfig({ codexHome: home, env: {} });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toContain("network.enabled");
  });

  it("reads an API key stored in auth.json", () => {
    expect(readStoredApiKey(home)).toBeUndefined();
    writeFileSync(path.join(home, "auth.json"), JSON.stringify({ OPENAI_API_KEY: " sk-stored " }));
    expect(readStoredApiKey(home)).toBe("sk-stored");
    writeFileSync(path.join(home, "auth.json"), "{broken");
    expect(readStoredApiKey(home)).toBeUndefined();
  });
});
