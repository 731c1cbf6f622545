/**
 * Read-only catalogs: permissionProfile/list, modelProvider/list, experimentalFeature/list and
 * configRequirements/read, against the built server (every response is checked against the
 * official schema by the harness). mcpServerStatus/list is in mcp.test.ts.
 */
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
type Row = Record<string, any>;
interface PageResult {
  data: Row[];
  nextCursor?: string | null;
}

describe("permissionProfile/list", () => {
  const profiles = [
    "[permissions.team]",
    'extends = ":workspace"',
    'description = "team default"',
    "network.enabled = true",
    "[permissions.fancy]",
    'extends = ":workspace"',
    "[permissions.fancy.filesystem]",
    '"/etc" = "read"',
  ].join("\n");

  it("lists the built-in profiles, then the config's, with their descriptions and whether they can be selected", async () => {
    const s = await fx.boot({ extraConfig: profiles });
    const { result, error } = await s.request("permissionProfile/list", {});
    expect(error).toBeUndefined();
    const page = result as PageResult;
    expect(page.data.map((p) => p.id)).toEqual([":read-only", ":workspace", ":danger-full-access", "team", "fancy"]);
    expect(page.data.find((p) => p.id === "team")).toEqual({ id: "team", description: "team default", allowed: true });
    // a profile with rules this server does not enforce cannot be selected
    expect(page.data.find((p) => p.id === "fancy")).toEqual({ id: "fancy", description: null, allowed: false });
    expect(page.nextCursor ?? null).toBeNull();
    // what the list says is selectable is what thread/start accepts
    const started = await s.call("thread/start", { cwd: fx.workDir, permissions: "team" });
    expect(started.sandbox).toMatchObject({ type: "workspaceWrite", networkAccess: true });
    expect((await s.request("thread/start", { cwd: fx.workDir, permissions: "fancy" })).error?.code).toBe(-32602);
  });

  it("pages with limit and cursor, and refuses a bad cursor", async () => {
    const s = await fx.boot({ extraConfig: profiles });
    const first = (await s.request("permissionProfile/list", { limit: 2 })).result as PageResult;
    expect(first.data.map((p) => p.id)).toEqual([":read-only", ":workspace"]);
    expect(first.nextCursor).toBe("2");
    const second = (await s.request("permissionProfile/list", { limit: 2, cursor: first.nextCursor })).result as PageResult;
    expect(second.data.map((p) => p.id)).toEqual([":danger-full-access", "team"]);
    const last = (await s.request("permissionProfile/list", { limit: 2, cursor: second.nextCursor })).result as PageResult;
    expect(last.data.map((p) => p.id)).toEqual(["fancy"]);
    expect(last.nextCursor ?? null).toBeNull();
    expect((await s.request("permissionProfile/list", { cursor: "nope" })).error?.code).toBe(-32602);
    expect((await s.request("permissionProfile/list", { limit: -1 })).error?.code).toBe(-32602);
  });

  it("reads project profiles for cwd and needs experimentalApi", async () => {
    const s = await fx.boot({ capabilities: {} });
    const refused = await s.request("permissionProfile/list", {});
    expect(refused.error?.code).toBe(-32600);
    expect(refused.error?.message).toContain("experimentalApi");
    const t = await fx.boot();
    const missing = await t.request("permissionProfile/list", { cwd: `${fx.workDir}/does-not-exist` });
    expect(missing.error?.code).toBe(-32600);
    const ok = (await t.request("permissionProfile/list", { cwd: fx.workDir })).result as PageResult;
    expect(ok.data.map((p) => p.id)).toEqual([":read-only", ":workspace", ":danger-full-access"]);
  });
});

describe("modelProvider/list", () => {
  it("lists the built-in providers and the configured ones, with the default", async () => {
    const s = await fx.boot({
      extraConfig: [
        "[model_providers.keyed]",
        'name = "Keyed"',
        'base_url = "https://user:secret@llm.example.com/v1"',
        'env_key = "KEYED_API_KEY"',
      ].join("\n"),
    });
    const { result, error } = await s.request("modelProvider/list", {});
    expect(error).toBeUndefined();
    const list = result as { data: Row[]; defaultProviderId: string; canChangeDefault: boolean };
    expect(list.defaultProviderId).toBe("fake");
    expect(list.data.map((p) => p.id).sort()).toEqual(["fake", "keyed", "lmstudio", "ollama", "openai"]);
    const byId = new Map(list.data.map((p) => [p.id, p]));
    expect(byId.get("openai")).toMatchObject({ name: "OpenAI", baseUrl: "https://api.openai.com/v1", settings: { type: "openai" } });
    expect(byId.get("fake")).toMatchObject({
      name: "Fake",
      baseUrl: fx.fake.url,
      settings: { type: "customGateway", auth: { mode: "none" } },
    });
    // credentials in a URL are never shown
    expect(byId.get("keyed")).toMatchObject({
      baseUrl: null,
      settings: { type: "customGateway", auth: { mode: "environmentVariable", envKey: "KEYED_API_KEY" } },
    });
  });

  it("names openai the default when config chooses none", async () => {
    const s = await fx.bootWithConfig('model = "gpt-test"\n');
    const list = (await s.request("modelProvider/list")).result as { defaultProviderId: string; data: Row[] };
    expect(list.defaultProviderId).toBe("openai");
    expect(list.data.map((p) => p.id)).toEqual(["openai", "ollama", "lmstudio"]);
  });
});

describe("experimentalFeature/list", () => {
  it("reports the known flags with their state from [features], paged", async () => {
    const s = await fx.boot({ extraConfig: "[features]\nrequest_permissions_tool = true\nsomething_unknown = true\n" });
    const page = (await s.request("experimentalFeature/list", {})).result as PageResult;
    const byName = new Map(page.data.map((f) => [f.name, f]));
    expect([...byName.keys()]).not.toContain("something_unknown");
    expect(byName.get("request_permissions_tool")).toMatchObject({ enabled: true, defaultEnabled: false, stage: "underDevelopment" });
    expect(byName.get("plugin_hooks")).toMatchObject({ enabled: false, defaultEnabled: false, displayName: null });
    const first = (await s.request("experimentalFeature/list", { limit: 1 })).result as PageResult;
    expect(first.data).toHaveLength(1);
    expect(first.nextCursor).toBe("1");
    const rest = (await s.request("experimentalFeature/list", { cursor: first.nextCursor })).result as PageResult;
    expect([...first.data, ...rest.data]).toEqual(page.data);
  });

  it("computes state from a loaded thread's config and refuses an unknown thread", async () => {
    const s = await fx.boot({ extraConfig: "[features]\nplugin_hooks = true\n" });
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const page = (await s.request("experimentalFeature/list", { threadId: thread.id })).result as PageResult;
    expect(page.data.find((f) => f.name === "plugin_hooks")?.enabled).toBe(true);
    const unknown = await s.request("experimentalFeature/list", { threadId: "00000000-0000-0000-0000-000000000000" });
    expect(unknown.error).toBeDefined();
  });
});

describe("configRequirements/read", () => {
  it("answers that no requirements are configured", async () => {
    const s = await fx.boot();
    const { result, error } = await s.request("configRequirements/read");
    expect(error).toBeUndefined();
    expect(result).toEqual({ requirements: null });
  });
});
