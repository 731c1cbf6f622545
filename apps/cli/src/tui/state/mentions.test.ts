import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { pastedImagePath } from "../input/paste.js";
import { activeToken, completeToken, mentionedSkills, skillEntries } from "./mentions.js";

describe("mentions", () => {
  it("finds the @ or $ word at the cursor", () => {
    expect(activeToken("look at @src/ma", 15)).toEqual({ sigil: "@", query: "src/ma", start: 8, end: 15 });
    expect(activeToken("use $rev now", 8)).toEqual({ sigil: "$", query: "rev", start: 4, end: 8 });
    expect(activeToken("use $rev now", 12)).toBeNull();
    expect(activeToken("mail a@b", 8)).toBeNull();
    expect(activeToken("@", 0)).toBeNull();
    expect(activeToken("@", 1)).toEqual({ sigil: "@", query: "", start: 0, end: 1 });
  });

  it("completing replaces the token and leaves one space after it", () => {
    const token = activeToken("open @ma please", 8)!;
    expect(completeToken("open @ma please", token, { label: "", insert: "src/main.ts" })).toEqual({
      text: "open src/main.ts please",
      cursor: 17,
    });
    const atEnd = activeToken("$re", 3)!;
    expect(completeToken("$re", atEnd, { label: "", insert: "$review" })).toEqual({
      text: "$review ",
      cursor: 8,
    });
  });

  it("lists skills by prefix then substring, and finds the ones a prompt names", () => {
    const skills = [
      { name: "deploy", description: "ship it", path: "/s/deploy/SKILL.md" },
      { name: "review", description: "find bugs", path: "/s/review/SKILL.md" },
      { name: "pre-review", description: "lint first", path: "/s/pre/SKILL.md" },
    ];
    expect(skillEntries(skills, "rev").map((e) => e.label)).toEqual(["$review", "$pre-review"]);
    expect(mentionedSkills("please $review this, not $nothing", skills).map((s) => s.name)).toEqual([
      "review",
    ]);
  });

  it("a pasted path to an existing image file is an image; anything else is text", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tui-paste-"));
    try {
      mkdirSync(path.join(dir, "my shots"));
      writeFileSync(path.join(dir, "my shots", "a b.png"), "png");
      writeFileSync(path.join(dir, "notes.txt"), "txt");
      const image = path.join(dir, "my shots", "a b.png");
      expect(pastedImagePath(image.replace(/ /g, "\\ "), "/")).toBe(image);
      expect(pastedImagePath(`'${image}'`, "/")).toBe(image);
      expect(pastedImagePath(`file://${encodeURI(image)}`, "/")).toBe(image);
      expect(pastedImagePath("my\\ shots/a\\ b.png", dir)).toBe(image);
      expect(pastedImagePath(path.join(dir, "notes.txt"), "/")).toBeNull();
      expect(pastedImagePath(path.join(dir, "missing.png"), "/")).toBeNull();
      expect(pastedImagePath(`${image}\n${image}`, "/")).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
