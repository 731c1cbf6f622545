import { rmSync } from "node:fs";
import path from "node:path";
import { MessageItem, UserInput } from "@codex-ts/protocol";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir, writeSkill } from "../test-helpers.js";
import {
  buildSkillInjections,
  extractSkillMentions,
  resolveSkillMentions,
  skillInjection,
  skillInjectionsForTurn,
} from "./inject.js";
import { loadSkills } from "./load.js";
import type { Skill } from "./model.js";
import { renderSkillsSection, skillsSectionMessage } from "./render.js";

function skill(name: string, p: string, extra: Partial<Skill> = {}): Skill {
  return {
    name,
    description: `${name} skill`,
    shortDescription: null,
    interface: null,
    dependencies: null,
    permissions: null,
    policy: null,
    path: p,
    scope: "user",
    enabled: true,
    pluginId: null,
    ...extra,
  };
}

const text = (t: string) => ({ type: "text", text: t });

describe("extractSkillMentions", () => {
  const names = (t: string) => [...extractSkillMentions(t).names].sort();
  const paths = (t: string) => [...extractSkillMentions(t).paths].sort();

  it("finds plain and linked mentions", () => {
    expect(names("use $alpha and [$beta](/tmp/beta)")).toEqual(["alpha", "beta"]);
    expect(paths("use $alpha and [$beta](/tmp/beta)")).toEqual(["/tmp/beta"]);
    expect(paths("use [$beta]   ( skill:///tmp/beta/SKILL.md )")).toEqual(["/tmp/beta/SKILL.md"]);
  });

  it("skips common env vars, needs link syntax, and stops at non-name characters", () => {
    expect(names("use $PATH and $alpha and $xdg_config_home")).toEqual(["alpha"]);
    expect(names("use [$HOME](/tmp/skill)")).toEqual([]);
    expect(names("[beta](/tmp/beta)")).toEqual([]);
    expect(names("[$beta]()")).toEqual(["beta"]);
    expect(names("use $alpha.skill and $beta_extra, ($gamma-x)")).toEqual(["alpha", "beta_extra", "gamma-x"]);
    expect(names(`${"$".repeat(300)} nothing`)).toEqual([]);
  });

  it("ignores app and MCP links", () => {
    const m = extractSkillMentions("[$calendar](app://calendar) [$gh](mcp://github)");
    expect([...m.names]).toEqual([]);
    expect([...m.paths]).toEqual([]);
  });
});

describe("resolveSkillMentions", () => {
  const alpha = skill("alpha", "/s/alpha/SKILL.md");
  const beta = skill("beta", "/s/beta/SKILL.md");

  it("keeps the order of the skill list for text mentions", () => {
    expect(resolveSkillMentions("first $alpha then $beta", [beta, alpha])).toEqual([beta, alpha]);
  });

  it("puts structured skill inputs first and never selects a skill twice", () => {
    const inputs = [text("run $alpha and $beta"), { type: "skill", name: "beta", path: beta.path }];
    expect(resolveSkillMentions(inputs, [alpha, beta])).toEqual([beta, alpha]);
  });

  it("a structured input that matches nothing blocks the plain-name fallback", () => {
    const inputs = [text("run $alpha"), { type: "skill", name: "alpha", path: "/s/missing/SKILL.md" }];
    expect(resolveSkillMentions(inputs, [alpha])).toEqual([]);
  });

  it("never selects disabled skills", () => {
    const off = { ...alpha, enabled: false };
    expect(
      resolveSkillMentions([text("$alpha"), { type: "skill", name: "alpha", path: alpha.path }], [off]),
    ).toEqual([]);
  });

  it("skips an ambiguous plain name but honours a linked path", () => {
    const a = skill("demo", "/a/SKILL.md");
    const b = skill("demo", "/b/SKILL.md");
    expect(resolveSkillMentions("use $demo", [a, b])).toEqual([]);
    expect(resolveSkillMentions("use $demo and [$demo](/b/SKILL.md)", [a, b])).toEqual([b]);
    // A disabled duplicate does not make the name ambiguous.
    expect(resolveSkillMentions("use $demo", [a, { ...b, enabled: false }])).toEqual([a]);
  });

  it("accepts core UserInput values", () => {
    const inputs = UserInput.array().parse([
      { type: "text", text: "please use $alpha" },
      { type: "image", image_url: "data:," },
    ]);
    expect(resolveSkillMentions(inputs, [alpha, beta])).toEqual([alpha]);
  });
});

describe("injection and the skills section", () => {
  let tmp: { dir: string; cleanup: () => void };
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it("a $mention puts that SKILL.md's content into a user message shaped like Codex's", async () => {
    const codexHome = path.join(tmp.dir, "home");
    const file = writeSkill(
      path.join(codexHome, "skills"),
      "deploy",
      "deploy",
      "ships it",
      "# Deploy\nRun ./ship.sh\n",
    );
    writeSkill(path.join(codexHome, "skills"), "other", "other", "not mentioned", "OTHER BODY\n");
    const { skills } = await loadSkills({ codexHome, cwd: tmp.dir, homeDir: null, adminSkillsRoot: null });
    const selected = resolveSkillMentions("please $deploy now", skills);
    const { items, warnings } = await buildSkillInjections(selected);
    expect(warnings).toEqual([]);
    expect(items).toHaveLength(1);
    const item = MessageItem.parse(items[0]);
    expect(item.role).toBe("user");
    expect(item.content).toEqual([
      {
        type: "input_text",
        text: `<skill>\n<name>deploy</name>\n<path>${file}</path>\n---\nname: deploy\ndescription: ships it\n---\n\n# Deploy\nRun ./ship.sh\n\n</skill>`,
      },
    ]);
    expect(JSON.stringify(items)).not.toContain("OTHER BODY");
  });

  it("skills mentioned inside a selected SKILL.md are injected too, once each, after it (cycles stop)", async () => {
    const root = path.join(tmp.dir, "skills");
    const a = writeSkill(
      root,
      "a",
      "a",
      "first",
      "Then use $b and [$c](skill://" + path.join(root, "c", "SKILL.md") + ").\n",
    );
    const b = writeSkill(root, "b", "b", "second", "Back to $a.\n");
    const c = writeSkill(root, "c", "c", "third", "Plain.\n");
    writeSkill(root, "d", "d", "never mentioned", "D BODY\n");
    const { skills } = await loadSkills({
      codexHome: tmp.dir,
      cwd: tmp.dir,
      homeDir: null,
      adminSkillsRoot: null,
    });
    const turn = await skillInjectionsForTurn([{ type: "text", text: "go $a" }], skills);
    // Linked mentions come before plain ones, as in the user's own text.
    expect(turn.selected.map((s) => s.path)).toEqual([a, c, b]);
    expect(turn.items).toHaveLength(3);
    expect(turn.warnings).toEqual([]);
    expect(JSON.stringify(turn.items)).not.toContain("D BODY");
    expect((await skillInjectionsForTurn("no mentions here", skills)).items).toEqual([]);
  });

  it("an unreadable SKILL.md is a warning, not a throw", async () => {
    const file = writeSkill(tmp.dir, "gone", "gone", "d");
    rmSync(file);
    const result = await skillInjection({ name: "gone", path: file });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.warning).toMatch(/^Failed to load skill gone at /);
  });

  it("renders name, description and path of enabled, implicitly usable skills only", () => {
    const section = renderSkillsSection([
      skill("alpha", "/s/alpha/SKILL.md"),
      skill("off", "/s/off/SKILL.md", { enabled: false }),
      skill("explicit-only", "/s/e/SKILL.md", { policy: { allowImplicitInvocation: false, products: [] } }),
    ]);
    expect(section).toBeDefined();
    expect(section?.startsWith("<skills_instructions>\n## Skills\n")).toBe(true);
    expect(section?.endsWith("</skills_instructions>")).toBe(true);
    expect(section).toContain("- alpha: alpha skill (file: /s/alpha/SKILL.md)");
    expect(section).not.toContain("off");
    expect(section).not.toContain("explicit-only");
    expect(renderSkillsSection([skill("off", "/x", { enabled: false })])).toBeUndefined();
    const message = skillsSectionMessage([skill("alpha", "/s/alpha/SKILL.md")]);
    expect(MessageItem.parse(message).role).toBe("developer");
  });
});
