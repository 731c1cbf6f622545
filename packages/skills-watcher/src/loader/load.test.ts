import { mkdirSync, symlinkSync } from "node:fs";
import path from "node:path";
import {
  v2,
} from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir, writeFile, writeSkill } from "../test-helpers.js";
import { toSkillsListEntry } from "./cache.js";
import { writeSkillsConfigEntry } from "./config.js";
import { loadSkills } from "./load.js";
import { skillRoots } from "./roots.js";

let tmp: { dir: string; cleanup: () => void };
let codexHome: string;
let home: string;
let repo: string;

beforeEach(() => {
  tmp = tempDir();
  codexHome = path.join(tmp.dir, "codex-home");
  home = path.join(tmp.dir, "home");
  repo = path.join(tmp.dir, "repo");
  mkdirSync(codexHome, { recursive: true });
  mkdirSync(home, { recursive: true });
  mkdirSync(path.join(repo, ".git"), { recursive: true });
});
afterEach(() => tmp.cleanup());

const base = () => ({ codexHome, homeDir: home, adminSkillsRoot: null });

describe("skillRoots", () => {
  it("orders roots by Codex precedence and stops at the project root", async () => {
    const cwd = path.join(repo, "pkg", "sub");
    mkdirSync(cwd, { recursive: true });
    const roots = await skillRoots({
      ...base(),
      adminSkillsRoot: path.join(tmp.dir, "etc-codex-skills"),
      cwd,
      pluginRoots: [{ path: path.join(tmp.dir, "plug", "skills"), pluginId: "plug@market" }],
      extraRoots: [path.join(tmp.dir, "extra")],
    });
    expect(roots.map((r) => [r.scope, path.relative(tmp.dir, r.path), r.pluginId ?? null])).toEqual([
      ["repo", "repo/pkg/sub/.codex/skills", null],
      ["repo", "repo/pkg/.codex/skills", null],
      ["repo", "repo/.codex/skills", null],
      ["user", "codex-home/skills", null],
      ["user", "home/.agents/skills", null],
      ["system", "codex-home/skills/.system", null],
      ["admin", "etc-codex-skills", null],
      ["user", "plug/skills", "plug@market"],
      ["user", "extra", null],
      ["repo", "repo/.agents/skills", null],
      ["repo", "repo/pkg/.agents/skills", null],
      ["repo", "repo/pkg/sub/.agents/skills", null],
    ]);
  });

  it("uses only the cwd when no project marker is found", async () => {
    const cwd = path.join(tmp.dir, "loose", "dir");
    mkdirSync(cwd, { recursive: true });
    const roots = await skillRoots({ ...base(), cwd, projectRootMarkers: [".no-such-marker"] });
    const repoRoots = roots.filter((r) => r.scope === "repo").map((r) => path.relative(tmp.dir, r.path));
    expect(repoRoots).toEqual(["loose/dir/.codex/skills", "loose/dir/.agents/skills"]);
  });
});

describe("loadSkills", () => {
  it("loads a valid skill with sanitized fields and a canonical path", async () => {
    const file = writeSkill(
      path.join(codexHome, "skills"),
      "demo",
      "demo-skill",
      "|-\n  does things\n  carefully",
    );
    const out = await loadSkills({ ...base(), cwd: repo });
    expect(out.errors).toEqual([]);
    expect(out.skills).toEqual([
      {
        name: "demo-skill",
        description: "does things carefully",
        shortDescription: null,
        interface: null,
        dependencies: null,
        permissions: null,
        policy: null,
        path: file,
        scope: "user",
        enabled: true,
        pluginId: null,
      },
    ]);
    // The wire entry is a valid skills/list entry.
    const entry = toSkillsListEntry(repo, out);
    expect(v2.SkillsListResponse.parse({ data: [entry] }).data[0]?.skills[0]?.name).toBe("demo-skill");
  });

  it("defaults the name to the folder and reads metadata.short-description", async () => {
    writeFile(
      path.join(codexHome, "skills", "folder-name", "SKILL.md"),
      "---\ndescription: long one\nmetadata:\n  short-description: short one\n---\nbody\n",
    );
    const out = await loadSkills({ ...base(), cwd: repo });
    expect(out.skills.map((s) => [s.name, s.shortDescription])).toEqual([["folder-name", "short one"]]);
  });

  it("reports invalid skills as error entries and keeps loading the rest", async () => {
    const root = path.join(codexHome, "skills");
    writeSkill(root, "good", "good", "fine");
    const noFront = writeFile(path.join(root, "no-front", "SKILL.md"), "# just markdown\n");
    const unclosed = writeFile(path.join(root, "unclosed", "SKILL.md"), "---\nname: bad");
    const badYaml = writeFile(
      path.join(root, "bad-yaml", "SKILL.md"),
      "---\nname: [unclosed\ndescription: x\n---\n",
    );
    const wrongType = writeFile(
      path.join(root, "wrong-type", "SKILL.md"),
      "---\nname: x\ndescription: [1, 2]\n---\n",
    );
    const noDesc = writeFile(path.join(root, "no-desc", "SKILL.md"), "---\nname: nodesc\n---\n");
    const longName = writeSkill(root, "long", "x".repeat(65), "d");
    const out = await loadSkills({ ...base(), cwd: repo });
    expect(out.skills.map((s) => s.name)).toEqual(["good"]);
    const byPath = Object.fromEntries(out.errors.map((e) => [e.path, e.message]));
    expect(Object.keys(byPath).sort()).toEqual(
      [noFront, unclosed, badYaml, wrongType, noDesc, longName].sort(),
    );
    expect(byPath[noFront]).toBe("missing YAML frontmatter delimited by ---");
    expect(byPath[unclosed]).toBe("missing YAML frontmatter delimited by ---");
    expect(byPath[badYaml]).toMatch(/^invalid YAML: /);
    expect(byPath[wrongType]).toMatch(/^invalid YAML: description: /);
    expect(byPath[noDesc]).toBe("missing field `description`");
    expect(byPath[longName]).toBe("invalid name: exceeds maximum length of 64 characters");
  });

  it("skips hidden entries, ignores errors in system skills, and loads system skills", async () => {
    const root = path.join(codexHome, "skills");
    writeSkill(path.join(root, ".hidden"), "h", "hidden", "hidden");
    writeSkill(path.join(root, ".system"), "sys", "sys-skill", "from system");
    writeFile(path.join(root, ".system", "broken", "SKILL.md"), "nope");
    const out = await loadSkills({ ...base(), cwd: repo });
    expect(out.skills.map((s) => [s.name, s.scope])).toEqual([["sys-skill", "system"]]);
    expect(out.errors).toEqual([]);
  });

  it("finds repo skills from cwd up to the repo root, .agents/skills too, and not above the root", async () => {
    const cwd = path.join(repo, "pkg");
    mkdirSync(cwd, { recursive: true });
    writeSkill(path.join(tmp.dir, ".codex", "skills"), "above", "above-root", "outside the repo");
    writeSkill(path.join(repo, ".codex", "skills"), "a", "root-codex", "r");
    writeSkill(path.join(cwd, ".codex", "skills"), "b", "pkg-codex", "p");
    writeSkill(path.join(repo, ".agents", "skills"), "c", "root-agents", "r");
    writeSkill(path.join(cwd, ".agents", "skills"), "d", "pkg-agents", "p");
    writeSkill(path.join(home, ".agents", "skills"), "e", "home-agents", "h");
    const out = await loadSkills({ ...base(), cwd });
    expect(out.skills.map((s) => [s.name, s.scope])).toEqual([
      ["pkg-agents", "repo"],
      ["pkg-codex", "repo"],
      ["root-agents", "repo"],
      ["root-codex", "repo"],
      ["home-agents", "user"],
    ]);
  });

  it("lists a SKILL.md reachable from two roots once, with the higher-precedence scope", async () => {
    const shared = path.join(tmp.dir, "shared");
    const file = writeSkill(shared, "s", "shared-skill", "one file, two roots");
    // The repo's .codex/skills links to the same folder that is also an extra (user) root.
    mkdirSync(path.join(repo, ".codex"), { recursive: true });
    symlinkSync(shared, path.join(repo, ".codex", "skills"));
    const out = await loadSkills({ ...base(), cwd: repo, extraRoots: [shared] });
    expect(out.skills.map((s) => [s.name, s.scope, s.path])).toEqual([["shared-skill", "repo", file]]);
  });

  it("keeps same-named skills from different roots, repo first", async () => {
    writeSkill(path.join(codexHome, "skills"), "x", "same", "user copy");
    writeSkill(path.join(repo, ".codex", "skills"), "x", "same", "repo copy");
    const out = await loadSkills({ ...base(), cwd: repo });
    expect(out.skills.map((s) => [s.scope, s.description])).toEqual([
      ["repo", "repo copy"],
      ["user", "user copy"],
    ]);
  });

  it("follows symlinked skill folders in user roots", async () => {
    const elsewhere = path.join(tmp.dir, "elsewhere");
    const file = writeSkill(elsewhere, "linked", "linked-skill", "via symlink");
    mkdirSync(path.join(codexHome, "skills"), { recursive: true });
    symlinkSync(path.join(elsewhere, "linked"), path.join(codexHome, "skills", "linked"));
    const out = await loadSkills({ ...base(), cwd: repo });
    expect(out.skills.map((s) => [s.name, s.path])).toEqual([["linked-skill", file]]);
  });

  it("namespaces plugin skills and tags them with the plugin id; extra roots are user scope", async () => {
    const plugin = path.join(tmp.dir, "plugins", "sample");
    writeSkill(path.join(plugin, "skills"), "search", "search", "plugin search");
    const extra = path.join(tmp.dir, "extra");
    writeSkill(extra, "x", "extra-skill", "from extra");
    const out = await loadSkills({
      ...base(),
      cwd: repo,
      pluginRoots: [{ path: path.join(plugin, "skills"), pluginId: "sample@market", pluginRoot: plugin }],
      extraRoots: [extra],
    });
    expect(out.skills.map((s) => [s.name, s.scope, s.pluginId])).toEqual([
      ["extra-skill", "user", null],
      ["sample:search", "user", "sample@market"],
    ]);
  });

  it("reads agents/openai.yaml: interface, dependencies, policy, and permission paths resolved against the skill folder", async () => {
    const skillFile = writeSkill(path.join(codexHome, "skills"), "meta", "meta-skill", "with metadata");
    const dir = path.dirname(skillFile);
    mkdirSync(path.join(dir, "data"), { recursive: true });
    writeFile(
      path.join(dir, "agents", "openai.yaml"),
      [
        "interface:",
        "  display_name: Meta Skill",
        "  short_description: shows metadata",
        "  icon_small: ./assets/small.png",
        "  icon_large: ../outside.png",
        "  brand_color: '#12AbEf'",
        "  default_prompt: do the meta thing",
        "dependencies:",
        "  tools:",
        "    - type: env_var",
        "      value: GITHUB_TOKEN",
        "      description: token",
        "    - type: mcp",
        "      value: github",
        "      transport: streamable_http",
        "      url: https://example.com/mcp",
        "    - description: missing type and value",
        "policy:",
        "  allow_implicit_invocation: false",
        "permissions:",
        "  network: true",
        "  file_system:",
        "    read: ['./data', 'scripts/../data', '/abs/read']",
        "    write: ['out']",
      ].join("\n"),
    );
    const out = await loadSkills({ ...base(), cwd: repo });
    expect(out.errors).toEqual([]);
    const skill = out.skills[0];
    expect(skill?.interface).toEqual({
      displayName: "Meta Skill",
      shortDescription: "shows metadata",
      brandColor: "#12AbEf",
      defaultPrompt: "do the meta thing",
      iconSmall: path.join(dir, "assets", "small.png"),
      iconSmallUrl: null,
      iconLarge: null,
      iconLargeUrl: null,
    });
    expect(skill?.dependencies).toEqual({
      tools: [
        {
          type: "env_var",
          value: "GITHUB_TOKEN",
          description: "token",
          transport: null,
          command: null,
          url: null,
        },
        {
          type: "mcp",
          value: "github",
          description: null,
          transport: "streamable_http",
          command: null,
          url: "https://example.com/mcp",
        },
      ],
    });
    expect(skill?.policy).toEqual({ allowImplicitInvocation: false, products: [] });
    expect(skill?.permissions).toEqual({
      network: true,
      fileSystem: { read: [path.join(dir, "data"), "/abs/read"], write: [path.join(dir, "out")] },
    });
    expect(out.warnings.some((w) => w.includes("interface.icon_large"))).toBe(true);
    expect(out.warnings.some((w) => w.includes("dependencies.tools"))).toBe(true);
  });

  it("ignores an invalid openai.yaml but still loads the skill", async () => {
    const skillFile = writeSkill(path.join(codexHome, "skills"), "m", "m-skill", "d");
    writeFile(path.join(path.dirname(skillFile), "agents", "openai.yaml"), "interface: [not: a: map");
    const out = await loadSkills({ ...base(), cwd: repo });
    expect(out.skills.map((s) => [s.name, s.interface])).toEqual([["m-skill", null]]);
    expect(out.errors).toEqual([]);
    expect(out.warnings.length).toBeGreaterThan(0);
  });

  it("enables and disables skills from the [skills] config by path or by name", async () => {
    const a = writeSkill(path.join(codexHome, "skills"), "a", "alpha", "a");
    writeSkill(path.join(codexHome, "skills"), "b", "beta", "b");
    writeSkill(path.join(codexHome, "skills"), "c", "gamma", "c");
    const config = {
      config: [
        { path: a, enabled: false },
        { name: "beta", enabled: false },
        { name: "gamma", enabled: false },
        { name: "gamma", enabled: true },
        { enabled: false },
        "junk",
      ],
    };
    const out = await loadSkills({ ...base(), cwd: repo, config });
    expect(out.skills.map((s) => [s.name, s.enabled])).toEqual([
      ["alpha", false],
      ["beta", false],
      ["gamma", true],
    ]);
    expect(out.warnings.filter((w) => w.startsWith("ignoring skills.config"))).toHaveLength(2);
  });

  it("writeSkillsConfigEntry replaces an entry with the same selector and validates its input", async () => {
    const first = writeSkillsConfigEntry(undefined, { path: "/x/SKILL.md", enabled: false });
    expect(first).toEqual({ ok: true, config: { config: [{ path: "/x/SKILL.md", enabled: false }] } });
    if (!first.ok) return;
    const second = writeSkillsConfigEntry(first.config, { name: "beta", enabled: false });
    const third = second.ok
      ? writeSkillsConfigEntry(second.config, { path: "/x/SKILL.md", enabled: true })
      : second;
    expect(third).toEqual({
      ok: true,
      config: {
        config: [
          { name: "beta", enabled: false },
          { path: "/x/SKILL.md", enabled: true },
        ],
      },
    });
    expect(writeSkillsConfigEntry({}, { enabled: true })).toEqual({
      ok: false,
      error: "exactly one of `name` and `path` is required",
    });
    expect(writeSkillsConfigEntry({}, { enabled: true, name: "a", path: "/a" }).ok).toBe(false);
    expect(writeSkillsConfigEntry({}, { enabled: true, path: "rel/SKILL.md" })).toEqual({
      ok: false,
      error: "`path` must be absolute",
    });
  });

  it("produces skills/list entries the official Codex schema accepts", async () => {
    const file = writeSkill(path.join(codexHome, "skills"), "full", "full", "d");
    writeFile(
      path.join(path.dirname(file), "agents", "openai.yaml"),
      "interface:\n  display_name: Full\n  icon_small: assets/i.png\ndependencies:\n  tools:\n    - type: cli\n      value: gh\n",
    );
    writeFile(path.join(codexHome, "skills", "bad", "SKILL.md"), "no frontmatter");
    const out = await loadSkills({
      ...base(),
      cwd: repo,
      config: { config: [{ name: "full", enabled: false }] },
    });
    const validator = v2.createOfficialSchemaValidator();
    const response = { data: [toSkillsListEntry(repo, out)] };
    expect(response.data[0]?.skills).toHaveLength(1);
    expect(response.data[0]?.errors).toHaveLength(1);
    expect(validator.validateDefinition("SkillsListResponse", response)).toEqual({
      valid: true,
      definition: "SkillsListResponse",
    });
    expect(validator.validateDefinition("SkillsListResponse", { data: [{ cwd: repo }] }).valid).toBe(false);
  });

  it("the skills/config/write and skills/extraRoots/set shapes agree with the official schema", () => {
    const validator = v2.createOfficialSchemaValidator();
    const cases = [
      [v2.SkillsConfigWriteParams, "SkillsConfigWriteParams", { enabled: false, path: "/a/SKILL.md" }, true],
      [v2.SkillsConfigWriteParams, "SkillsConfigWriteParams", { enabled: true, name: "beta" }, true],
      [v2.SkillsConfigWriteParams, "SkillsConfigWriteParams", { name: "beta" }, false],
      [v2.SkillsConfigWriteResponse, "SkillsConfigWriteResponse", { effectiveEnabled: true }, true],
      [v2.SkillsConfigWriteResponse, "SkillsConfigWriteResponse", {}, false],
      [v2.SkillsExtraRootsSetParams, "SkillsExtraRootsSetParams", { extraRoots: ["/x", "/y"] }, true],
      [v2.SkillsExtraRootsSetParams, "SkillsExtraRootsSetParams", {}, false],
      [v2.SkillsExtraRootsSetResponse, "SkillsExtraRootsSetResponse", {}, true],
    ] as const;
    for (const [schema, name, value, ok] of cases) {
      expect([name, schema.safeParse(value).success]).toEqual([name, ok]);
      expect([name, validator.validateDefinition(name, value).valid]).toEqual([name, ok]);
    }
  });

  it("returns an empty outcome when no root exists", async () => {
    const out = await loadSkills({ ...base(), cwd: path.join(tmp.dir, "missing", "cwd") });
    expect(out.skills).toEqual([]);
    expect(out.errors).toEqual([]);
    expect(out.roots.length).toBeGreaterThan(0);
  });
});
