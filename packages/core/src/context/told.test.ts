import type { ResponseItem } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { environmentKey, toldFromHistory } from "./told.js";

const message = (role: "developer" | "user", ...texts: string[]): ResponseItem => ({
  type: "message",
  role,
  content: texts.map((text) => ({ type: "input_text" as const, text })),
});
const env = (cwd: string, date: string) =>
  `<environment_context>\n  <cwd>${cwd}</cwd>\n  <current_date>${date}</current_date>\n</environment_context>`;

describe("toldFromHistory", () => {
  it("reads the last permissions, skills, mode and environment parts, wherever they sit in a message", () => {
    const told = toldFromHistory([
      message("developer", "Be terse.", "<skills_instructions>\nA\n</skills_instructions>", "<permissions instructions>\nold\n</permissions instructions>"),
      message("user", "# AGENTS.md instructions for /a", env("/a&amp;b", "2026-01-01")),
      message("user", "hello"),
      message("developer", "<permissions instructions>\nnew\n</permissions instructions>", "<collaboration_mode>plan</collaboration_mode>\nplan text"),
    ]);
    expect(told).toEqual({
      skills: "<skills_instructions>\nA\n</skills_instructions>",
      permissions: "<permissions instructions>\nnew\n</permissions instructions>",
      mode: "plan",
      environment: environmentKey(env("/a&amp;b", "2026-01-01")),
      cwd: "/a&b",
    });
  });

  it("is empty for a history without context, and a new date alone keeps the environment key", () => {
    expect(toldFromHistory([message("user", "hello")])).toEqual({});
    expect(environmentKey(env("/a", "2026-01-01"))).toBe(environmentKey(env("/a", "2026-01-02")));
    expect(environmentKey(env("/a", "2026-01-01"))).not.toBe(environmentKey(env("/b", "2026-01-01")));
  });
});
