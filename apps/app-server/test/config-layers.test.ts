import { mkdirSync, realpathSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

/** A git repo (a `.git` folder marks the project root) with `.codex/config.toml` files. */
function makeRepo(files: Record<string, string>): string {
  const repo = realpathSync(fx.tempDir("codex-repo-"));
  mkdirSync(path.join(repo, ".git"));
  mkdirSync(path.join(repo, "pkg", "src"), { recursive: true });
  for (const [dir, text] of Object.entries(files)) {
    mkdirSync(path.join(repo, dir, ".codex"), { recursive: true });
    writeFileSync(path.join(repo, dir, ".codex", "config.toml"), text);
  }
  return repo;
}

const userConfig = (repo: string, trust?: "trusted" | "untrusted") =>
  [
    'model = "user-model"',
    'approval_policy = "never"',
    "",
    "[features]",
    "a = true",
    ...(trust ? ["", `[projects.${JSON.stringify(repo)}]`, `trust_level = "${trust}"`] : []),
    "",
  ].join("\n");

const sha = /^sha256:[0-9a-f]{64}$/;

describe("config/read layers", () => {
  it("merges the trusted project's layers from the root down to cwd, with per-key origins and layers high to low", async () => {
    const repo = makeRepo({
      ".": 'model = "root-model"\n[features]\nb = true\n',
      pkg: 'model_reasoning_effort = "high"\n[features]\nc = false\n',
    });
    const server = await fx.bootWithConfig(userConfig(repo, "trusted"));
    const userFile = path.join(server.codexHome, "config.toml");
    const rootFolder = path.join(repo, ".codex");
    const pkgFolder = path.join(repo, "pkg", ".codex");

    const result = await server.call("config/read", {
      includeLayers: true,
      cwd: path.join(repo, "pkg", "src"),
    });
    expect(result.config).toMatchObject({
      model: "root-model",
      approval_policy: "never",
      model_reasoning_effort: "high",
      features: { a: true, b: true, c: false },
    });
    const origins = result.origins as Record<string, { name: unknown; version: string }>;
    expect(origins.model!.name).toEqual({ type: "project", dotCodexFolder: rootFolder });
    expect(origins.model_reasoning_effort!.name).toEqual({ type: "project", dotCodexFolder: pkgFolder });
    expect(origins.approval_policy!.name).toEqual({ type: "user", file: userFile, profile: null });
    expect(origins["features.a"]!.name).toEqual({ type: "user", file: userFile, profile: null });
    expect(origins["features.b"]!.name).toEqual({ type: "project", dotCodexFolder: rootFolder });
    expect(origins["features.c"]!.version).toMatch(sha);

    expect(result.layers!.map((l) => l.name)).toEqual([
      { type: "project", dotCodexFolder: pkgFolder },
      { type: "project", dotCodexFolder: rootFolder },
      { type: "user", file: userFile, profile: null },
      // As Codex 0.169: the system layer is listed even when /etc/codex/config.toml is missing.
      { type: "system", file: "/etc/codex/config.toml" },
    ]);
    expect(result.layers!.every((l) => sha.test(l.version))).toBe(true);
    expect(result.layers!.filter((l) => "disabledReason" in l)).toEqual([]);
    expect(result.layers![0]!.config).toEqual({ model_reasoning_effort: "high", features: { c: false } });
    // Distinct files, distinct versions; each origin carries its layer's version.
    expect(new Set(result.layers!.map((l) => l.version)).size).toBe(4);
    // Versions as real Codex 0.169 computes them (sha256 of the layer's table as compact JSON, keys
    // sorted): this value is what real 0.169 answered for the empty system layer.
    expect(result.layers![3]!.version).toBe("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
    expect(origins.model!.version).toBe(result.layers![1]!.version);
    expect(server.notifications("configWarning")).toHaveLength(0);
  });

  it("reports an untrusted project's layer as disabled, does not apply it, and warns naming the file", async () => {
    const repo = makeRepo({ ".": 'model = "root-model"\nsandbox_mode = "danger-full-access"\n' });
    const server = await fx.bootWithConfig(userConfig(repo));
    const file = path.join(repo, ".codex", "config.toml");

    const result = await server.call("config/read", { includeLayers: true, cwd: repo });
    expect(result.config).toMatchObject({ model: "user-model" });
    expect((result.config as Record<string, unknown>).sandbox_mode).toBeUndefined();
    expect(result.origins.model!.name).toMatchObject({ type: "user" });
    expect(Object.values(result.origins).some((o) => (o.name as { type: string }).type === "project")).toBe(
      false,
    );
    const [project, user] = result.layers!;
    expect(project!.name).toEqual({ type: "project", dotCodexFolder: path.join(repo, ".codex") });
    expect(project!.disabledReason).toContain(`add ${repo} as a trusted project`);
    expect(project!.config).toEqual({ model: "root-model", sandbox_mode: "danger-full-access" });
    expect(user).not.toHaveProperty("disabledReason");
    const warning = await server.waitForNotification("configWarning", (p) =>
      String(p.summary).includes(file),
    );
    expect(warning.params.summary).toContain("not loaded");

    // Marked untrusted explicitly: the reason says so.
    const marked = await fx.bootWithConfig(userConfig(repo, "untrusted"));
    const again = await marked.call("config/read", { includeLayers: true, cwd: repo });
    expect(again.layers![0]!.disabledReason).toContain("is marked as untrusted");
  });

  it("without cwd there are no project layers; layers are left out unless asked for", async () => {
    const repo = makeRepo({ ".": 'model = "root-model"\n' });
    const server = await fx.bootWithConfig(userConfig(repo, "trusted"));
    const plain = await server.call("config/read", {});
    expect(plain).not.toHaveProperty("layers");
    expect(plain.config).toMatchObject({ model: "user-model" });
    const withLayers = await server.call("config/read", { includeLayers: true });
    expect(withLayers.layers!.map((l) => (l.name as { type: string }).type)).toEqual(["user", "system"]);
  });

  it("the user layer's version is the one config writes check", async () => {
    const repo = makeRepo({});
    const server = await fx.bootWithConfig(userConfig(repo));
    const before = await server.call("config/read", { includeLayers: true });
    const written = await server.call("config/value/write", {
      keyPath: "model",
      value: "new-model",
      mergeStrategy: "replace",
      expectedVersion: before.layers![0]!.version,
    });
    expect(written.status).toBe("ok");
    const after = await server.call("config/read", { includeLayers: true });
    expect(after.layers![0]!.version).toBe(written.version);
    expect(after.origins.model!.version).toBe(written.version);
  });

  it("a thread started in a trusted project runs with the project's settings", async () => {
    const repo = makeRepo({ ".": 'model = "project-model"\n' });
    const server = await fx.boot({
      extraConfig: `[projects.${JSON.stringify(repo)}]\ntrust_level = "trusted"\n`,
    });
    const started = await server.call("thread/start", { cwd: repo, ephemeral: true });
    expect(started.model).toBe("project-model");
    const elsewhere = await server.call("thread/start", { cwd: fx.workDir, ephemeral: true });
    expect(elsewhere.model).toBe("gpt-test");
  });

  it("a project layer's version is the one real Codex 0.169 reports for the same table", async () => {
    const repo = makeRepo({ ".": 'model_reasoning_effort = "high"\n' });
    const server = await fx.bootWithConfig(userConfig(repo, "trusted"));
    const result = await server.call("config/read", { includeLayers: true, cwd: repo });
    expect(result.layers![0]!.version).toBe("sha256:9f62d11aab3f8b5b21f3d072462d90fca216aa763e6e6e37800257691da7f867");
    expect(result.origins.model_reasoning_effort!.version).toBe(result.layers![0]!.version);
  });

  it("-c key=value on the command line is the sessionFlags layer, highest precedence (as Codex's global flag)", async () => {
    const repo = makeRepo({});
    writeFileSync(path.join(fx.home, "config.toml"), userConfig(repo));
    const server = await fx.spawn({ codexHome: fx.home, args: ["-c", 'model_verbosity="low"', "--config", 'model="flag-model"'] });
    await server.initialize();
    const result = await server.call("config/read", { includeLayers: true });
    expect(result.layers![0]).toMatchObject({ name: { type: "sessionFlags" }, config: { model_verbosity: "low", model: "flag-model" } });
    expect(result.config).toMatchObject({ model: "flag-model", model_verbosity: "low" });
    expect(result.origins.model!.name).toEqual({ type: "sessionFlags" });
    const started = await server.call("thread/start", { cwd: repo, ephemeral: true });
    expect(started.model).toBe("flag-model");
    const bad = await fx.spawn({ args: ["-c", "no-equals"] });
    expect(await bad.exited).toBe(2);
    expect(bad.stderr).toContain("expected key=value");
  });
});
