import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const USER_CONFIG = `# My Codex settings — keep this comment
model = "gpt-5.1-codex" # trailing comment

# sandbox choice
sandbox_mode = "danger-full-access"

[features]
# a feature I like
web_search_request = true
`;

const bootWithConfig = (text = USER_CONFIG) => fx.bootWithConfig(text);

describe("config", () => {
  it("reads the merged config", async () => {
    const server = await bootWithConfig();
    const result = await server.call("config/read", { includeLayers: true });
    expect(result.config.model).toBe("gpt-5.1-codex");
    expect(result.config.sandbox_mode).toBe("danger-full-access");
    expect(result.origins.model!.name).toEqual({ type: "user", file: path.join(server.codexHome, "config.toml"), profile: null });
    // The user layer, then the (missing) system layer, as Codex 0.169 lists them.
    expect(result.layers!.map((layer) => (layer.name as { type: string }).type)).toEqual(["user", "system"]);
  });

  it("writes values and batches atomically, keeping comments and formatting", async () => {
    const server = await bootWithConfig();
    const file = path.join(server.codexHome, "config.toml");
    const one = await server.call("config/value/write", { keyPath: "model", value: "gpt-5.1", mergeStrategy: "replace" });
    expect(one.status).toBe("ok");
    expect(one.filePath).toBe(file);
    let text = readFileSync(file, "utf8");
    expect(text).toContain("# My Codex settings — keep this comment");
    expect(text).toContain('model = "gpt-5.1" # trailing comment');
    expect(text).toContain("# a feature I like");

    const batch = await server.call("config/batchWrite", {
      expectedVersion: one.version,
      edits: [
        { keyPath: "features.web_search_request", value: false, mergeStrategy: "replace" },
        { keyPath: "model_providers.local", value: { name: "Local", base_url: "http://127.0.0.1:1/v1" }, mergeStrategy: "upsert" },
        { keyPath: "sandbox_mode", value: null, mergeStrategy: "replace" },
      ],
    });
    expect(batch.version).not.toBe(one.version);
    text = readFileSync(file, "utf8");
    expect(text).toContain("# a feature I like\nweb_search_request = false");
    expect(text).toContain("[model_providers.local]");
    expect(text).not.toContain("sandbox_mode");
    expect((await server.call("config/read", {})).config).toMatchObject({ model_providers: { local: { name: "Local" } } });

    // A stale version is refused and nothing changes.
    const stale = await server.request("config/value/write", { keyPath: "model", value: "x", mergeStrategy: "replace", expectedVersion: one.version });
    expect(stale.error?.code).toBe(-32600);
    expect(stale.error?.message).toContain("version conflict");
    expect(readFileSync(file, "utf8")).toBe(text);

    // One bad edit in a batch leaves the file untouched.
    const bad = await server.request("config/batchWrite", {
      edits: [
        { keyPath: "model", value: "y", mergeStrategy: "replace" },
        { keyPath: "model.inner", value: 1, mergeStrategy: "replace" },
      ],
    });
    expect(bad.error?.code).toBe(-32602);
    expect(readFileSync(file, "utf8")).toBe(text);
  });

  it("creates config.toml when it does not exist", async () => {
    const server = await fx.spawn({ codexHome: fx.home });
    await server.initialize();
    await server.call("config/value/write", { keyPath: "profiles.fast.model", value: "gpt-5.1-codex-mini", mergeStrategy: "upsert" });
    expect(readFileSync(path.join(fx.home, "config.toml"), "utf8")).toContain("[profiles.fast]");
  });
});

describe("config warnings", () => {
  it("sends configWarning for unknown keys when a thread starts", async () => {
    const server = await bootWithConfig(`${USER_CONFIG}\n[not_a_real_section]\nx = 1\n`);
    await server.call("thread/start", { cwd: server.codexHome, ephemeral: true });
    const warning = await server.waitForNotification("configWarning");
    expect(warning.params.summary).toContain("not_a_real_section");
  });
});

describe("command/exec", () => {
  it("runs a buffered command", async () => {
    const server = await bootWithConfig();
    const result = await server.call("command/exec", { command: ["sh", "-c", "echo out; echo err >&2; exit 3"] });
    expect(result).toEqual({ exitCode: 3, stdout: "out\n", stderr: "err\n" });
    const empty = await server.request("command/exec", { command: [] });
    expect(empty.error?.code).toBe(-32602);
  });

  it("streams output, accepts stdin writes and terminates by processId", async () => {
    const server = await bootWithConfig();
    const pending = server.request("command/exec", {
      command: ["cat"],
      processId: "p1",
      streamStdin: true,
      streamStdoutStderr: true,
      disableTimeout: true,
    });
    // Other requests are not held up by the running command.
    await server.call("model/list", {});
    await server.call("command/exec/write", { processId: "p1", deltaBase64: Buffer.from("hello\n").toString("base64") });
    const delta = await server.waitForNotification("command/exec/outputDelta", (p) => p.processId === "p1");
    expect(Buffer.from(delta.params.deltaBase64, "base64").toString()).toBe("hello\n");
    await server.call("command/exec/terminate", { processId: "p1" });
    const result = (await pending).result!;
    expect(result.exitCode).not.toBe(0);
    expect(result.stdout).toBe("");
    const gone = await server.request("command/exec/terminate", { processId: "p1" });
    expect(gone.error?.code).toBe(-32600);
  });

  it("times out a long command", async () => {
    const server = await bootWithConfig();
    const result = await server.call("command/exec", { command: ["sleep", "30"], timeoutMs: 200 });
    expect(result.exitCode).toBe(124);
  });
});
