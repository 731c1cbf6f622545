import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configOrigins, loadConfigLayers, mergeConfigLayers } from "./layers.js";
import { loadConfig } from "./load.js";

let tmp: string;
let home: string;
let repo: string;
beforeEach(() => {
  tmp = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-layers-")));
  home = path.join(tmp, "home");
  repo = path.join(tmp, "repo");
  mkdirSync(home);
  mkdirSync(path.join(repo, ".git"), { recursive: true });
  mkdirSync(path.join(repo, "sub", "deeper"), { recursive: true });
});
afterEach(() => rmSync(tmp, { recursive: true, force: true }));

const put = (file: string, text: string) => {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
};
const userConfig = (text: string) => put(path.join(home, "config.toml"), text);
const projectConfig = (dir: string, text: string) => put(path.join(dir, ".codex", "config.toml"), text);
const trustRepo = (level = "trusted", extra = "") =>
  userConfig(
    `model = "user-model"\n${extra}\n[features]\na = true\n\n[projects.${JSON.stringify(repo)}]\ntrust_level = "${level}"\n`,
  );

const load = (cwd: string, more: Parameters<typeof loadConfig>[0] = {}) =>
  loadConfig({ codexHome: home, env: {}, cwd, systemConfigFile: null, ...more });

describe("project layers", () => {
  it("merges trusted project layers from the root down to the cwd, table by table", () => {
    trustRepo();
    projectConfig(repo, `model = "root-model"\napproval_policy = "never"\n[features]\nb = true\n`);
    projectConfig(path.join(repo, "sub"), `model = "sub-model"\n[features]\nc = false\n`);
    const result = load(path.join(repo, "sub", "deeper"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.warnings).toEqual([]);
    const { config } = result;
    expect(config.model).toBe("sub-model");
    expect(config.approvalPolicy).toBe("never");
    expect(config.features).toEqual({ a: true, b: true, c: false });
    expect(config.layers.map((l) => l.source)).toEqual([
      { type: "user", file: path.join(home, "config.toml") },
      { type: "project", dotCodexFolder: path.join(repo, ".codex") },
      { type: "project", dotCodexFolder: path.join(repo, "sub", ".codex") },
    ]);
    const origins = configOrigins(config.layers);
    expect(origins.model!.source).toEqual({
      type: "project",
      dotCodexFolder: path.join(repo, "sub", ".codex"),
    });
    expect(origins.approval_policy!.source).toEqual({
      type: "project",
      dotCodexFolder: path.join(repo, ".codex"),
    });
    expect(origins["features.a"]!.source.type).toBe("user");
    expect(origins["features.c"]!.source).toEqual({
      type: "project",
      dotCodexFolder: path.join(repo, "sub", ".codex"),
    });
  });

  it("skips the project layers of an untrusted project with a warning naming the file", () => {
    userConfig(`model = "user-model"\n`);
    projectConfig(repo, `model = "root-model"\n`);
    const result = load(path.join(repo, "sub"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.model).toBe("user-model");
    const file = path.join(repo, ".codex", "config.toml");
    expect(result.warnings).toHaveLength(1);
    expect(result.warnings[0]).toContain(file);
    expect(result.warnings[0]).toContain(`add ${repo} as a trusted project`);
    const project = result.config.layers.find((l) => l.source.type === "project")!;
    expect(project.disabledReason).toContain(repo);
    expect(project.config).toEqual({ model: "root-model" });
    expect(configOrigins(result.config.layers).model!.source.type).toBe("user");
  });

  it("says so when the project is marked untrusted, and ignores its broken TOML", () => {
    trustRepo("untrusted");
    projectConfig(repo, `model = `);
    const result = load(repo);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.model).toBe("user-model");
    expect(result.warnings[0]).toContain("is marked as untrusted");
    expect(result.config.projectTrust).toBe("untrusted");
  });

  it("trust of the cwd itself beats trust of the project root", () => {
    const sub = path.join(repo, "sub");
    userConfig(
      `[projects.${JSON.stringify(repo)}]\ntrust_level = "untrusted"\n[projects.${JSON.stringify(sub)}]\ntrust_level = "trusted"\n`,
    );
    projectConfig(repo, `model = "root-model"\n`);
    projectConfig(sub, `model_verbosity = "low"\n`);
    const result = load(sub);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.model).not.toBe("root-model");
    expect(result.config.modelVerbosity).toBe("low");
    expect(result.config.layers.filter((l) => l.disabledReason).map((l) => l.file)).toEqual([
      path.join(repo, ".codex", "config.toml"),
    ]);
  });

  it("stops at the project root: a .codex above it is not read", () => {
    trustRepo();
    projectConfig(tmp, `model = "outside"\n`);
    const result = load(repo);
    expect(result.ok && result.config.model).toBe("user-model");
    expect(
      result.ok && result.config.layers.some((l) => l.file === path.join(tmp, ".codex", "config.toml")),
    ).toBe(false);
  });

  it("honours project_root_markers (an empty list means the cwd only)", () => {
    userConfig(
      `project_root_markers = []\n[projects.${JSON.stringify(path.join(repo, "sub"))}]\ntrust_level = "trusted"\n`,
    );
    projectConfig(repo, `model = "root-model"\n`);
    projectConfig(path.join(repo, "sub"), `model_verbosity = "high"\n`);
    const result = load(path.join(repo, "sub"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.layers.map((l) => l.source.type)).toEqual(["user", "project"]);
    expect(result.config.modelVerbosity).toBe("high");
    expect(result.config.model).not.toBe("root-model");

    userConfig(`project_root_markers = "nope"\n`);
    const bad = load(path.join(repo, "sub"));
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error).toContain("project_root_markers must be an array of strings");
  });

  it("-c overrides beat project layers; errors name the project file that set a bad value", () => {
    trustRepo();
    projectConfig(repo, `model = "root-model"\n`);
    const result = load(repo, { overrides: ["model=flag-model"] });
    expect(result.ok && result.config.model).toBe("flag-model");
    expect(result.ok && result.config.layers.at(-1)!.source).toEqual({ type: "sessionFlags" });

    projectConfig(repo, `approval_policy = "sometimes"\n`);
    const bad = load(repo);
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error).toContain(path.join(repo, ".codex", "config.toml"));
      expect(bad.error).toContain("approval_policy");
    }
    projectConfig(repo, `model = `);
    const broken = load(repo);
    expect(broken.ok).toBe(false);
    if (!broken.ok)
      expect(broken.error).toContain(`${path.join(repo, ".codex", "config.toml")}: invalid TOML`);
  });

  it("resolves a project's relative model_instructions_file against its .codex folder", () => {
    trustRepo();
    projectConfig(repo, `model_instructions_file = "instructions.md"\n`);
    put(path.join(repo, ".codex", "instructions.md"), "project instructions");
    const result = load(repo);
    expect(result.ok && result.config.baseInstructions).toBe("project instructions");
  });

  it("does not read CODEX_HOME twice when it is the project's .codex folder", () => {
    home = path.join(repo, ".codex");
    trustRepo();
    const result = load(repo);
    expect(result.ok && result.config.layers.map((l) => l.source.type)).toEqual(["user"]);
  });

  it("lists a .codex folder without config.toml as an empty layer, and none without a cwd", () => {
    trustRepo();
    mkdirSync(path.join(repo, ".codex"));
    const result = load(repo);
    expect(result.ok && result.config.layers.map((l) => [l.source.type, l.config])).toEqual([
      ["user", expect.any(Object)],
      ["project", {}],
    ]);
    const noCwd = loadConfig({ codexHome: home, env: {}, systemConfigFile: null });
    expect(noCwd.ok && noCwd.config.layers.map((l) => l.source.type)).toEqual(["user"]);
  });
});

describe("system layer", () => {
  it("sits under the user layer and is listed only when its file exists", () => {
    const system = path.join(tmp, "etc", "config.toml");
    put(system, `model = "system-model"\nmodel_verbosity = "low"\n`);
    userConfig(`model = "user-model"\n`);
    const result = loadConfig({ codexHome: home, env: {}, systemConfigFile: system });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.model).toBe("user-model");
    expect(result.config.modelVerbosity).toBe("low");
    expect(configOrigins(result.config.layers).model_verbosity!.source).toEqual({
      type: "system",
      file: system,
    });

    const missing = loadConfig({ codexHome: home, env: {}, systemConfigFile: path.join(tmp, "none.toml") });
    expect(missing.ok && missing.config.layers.map((l) => l.source.type)).toEqual(["user"]);
  });
});

describe("loadConfigLayers / origins", () => {
  it("versions layers by their file text and records array items by index", () => {
    userConfig(`notify = ["a", "b"]\n`);
    projectConfig(repo, `notify = ["c"]\n`);
    trustRepo("trusted", `notify = ["a", "b"]`);
    const result = loadConfigLayers({
      codexHome: home,
      cwd: repo,
      systemConfigFile: null,
      sessionFlags: { model: "m" },
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.layers.every((l) => /^sha256:[0-9a-f]{64}$/.test(l.version))).toBe(true);
    expect(mergeConfigLayers(result.layers).notify).toEqual(["c"]);
    const origins = configOrigins(result.layers);
    expect(origins["notify.0"]!.source.type).toBe("project");
    expect(origins["notify.1"]).toBeUndefined();
    expect(origins.model!.source).toEqual({ type: "sessionFlags" });
    // The merge result is a copy: editing it leaves the layers intact.
    (mergeConfigLayers(result.layers).features as Record<string, unknown>).a = false;
    expect(result.layers[0]!.config.features).toEqual({ a: true });
  });
});

describe("trust through a symlink", () => {
  it("a cwd reached through a symlink finds the trust entry written for the real path", () => {
    trustRepo();
    projectConfig(repo, `model_verbosity = "medium"\n`);
    const link = path.join(tmp, "link");
    symlinkSync(repo, link);
    const result = load(link);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.config.projectTrust).toBe("trusted");
    expect(result.config.modelVerbosity).toBe("medium");
  });
});
