import { describe, expect, it } from "vitest";
import { extractMentions, pluginMentions } from "./mentions.js";

describe("extractMentions", () => {
  it("tells plugin links apart from skill mentions, and plain @name is no plugin mention", () => {
    const m = extractMentions("use [$gmail](plugin://gmail@openai-curated), [$demo](skill:///s/demo/SKILL.md), $plain and @gmail");
    expect(m.plugins).toEqual(["gmail@openai-curated"]);
    expect([...m.names].sort()).toEqual(["demo", "plain"]);
    expect([...m.paths]).toEqual(["/s/demo/SKILL.md"]);
    expect([...m.plainNames]).toEqual(["plain"]);
  });

  it("takes another sigil (still `$` by default)", () => {
    const m = extractMentions("ask @deploy and [@gmail](plugin://gmail@m), not $other", "@");
    expect([...m.plainNames]).toEqual(["deploy"]);
    expect(m.plugins).toEqual(["gmail@m"]);
    expect(extractMentions("@deploy").names.size).toBe(0);
  });
});

describe("pluginMentions", () => {
  it("lists structured plugin:// mentions first, then linked ones, each once", () => {
    const inputs = [
      { type: "text", text: "use [$drive](plugin://drive@m) and [$gmail](plugin://gmail@m)" },
      { type: "mention", name: "gmail", path: "plugin://gmail@m" },
      { type: "mention", name: "app", path: "app://calendar" },
      { type: "skill", name: "s", path: "/s/SKILL.md" },
    ];
    expect(pluginMentions(inputs)).toEqual(["gmail@m", "drive@m"]);
    expect(pluginMentions("nothing here @gmail $gmail")).toEqual([]);
  });
});
