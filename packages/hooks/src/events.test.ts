import { describe, expect, it } from "vitest";
import { matcherMatches, validateMatcher } from "./events.js";
import { hookContextMessage, preToolUseBlockMessage } from "./integration.js";
import { hookToolName, shellToolInput } from "./tools.js";

describe("matcherMatches", () => {
  it("treats absent, empty and * as match-all", () => {
    for (const m of [null, "", "*"]) expect(matcherMatches(m, "Bash")).toBe(true);
  });
  it("matches word-only matchers exactly, with | alternatives", () => {
    expect(matcherMatches("Bash", "Bash")).toBe(true);
    expect(matcherMatches("Bash", "BashOutput")).toBe(false);
    expect(matcherMatches("Edit|Write", "Write")).toBe(true);
    expect(matcherMatches("Edit|Write", "Bash")).toBe(false);
    expect(matcherMatches("startup|resume", "resume")).toBe(true);
  });
  it("uses regex search for anything else", () => {
    expect(matcherMatches("^Bash", "BashOutput")).toBe(true);
    expect(matcherMatches("^Bash$", "BashOutput")).toBe(false);
    expect(matcherMatches("mcp__.*__write.*", "mcp__fs__write_file")).toBe(true);
    expect(matcherMatches("[", "Bash")).toBe(false);
  });
  it("validates regexes", () => {
    expect(validateMatcher("^Bash$")).toBeNull();
    expect(validateMatcher("[")).toMatch(/./);
  });
});

describe("tool naming", () => {
  it("calls every shell tool Bash and gives apply_patch its aliases", () => {
    expect(hookToolName("shell")).toEqual({ toolName: "Bash", matcherAliases: [] });
    expect(hookToolName("exec_command").toolName).toBe("Bash");
    expect(hookToolName("apply_patch")).toEqual({
      toolName: "apply_patch",
      matcherAliases: ["Write", "Edit"],
    });
    expect(hookToolName("mcp__x__y")).toEqual({ toolName: "mcp__x__y", matcherAliases: [] });
  });
  it("turns argv into tool_input.command", () => {
    expect(shellToolInput(["bash", "-lc", "ls -la | wc -l"])).toEqual({ command: "ls -la | wc -l" });
    expect(shellToolInput(["git", "commit", "-m", "it's done"])).toEqual({
      command: "git commit -m 'it'\\''s done'",
    });
    expect(shellToolInput("echo hi")).toEqual({ command: "echo hi" });
  });
});

describe("integration helpers", () => {
  it("wraps additional context in a developer message", () => {
    expect(hookContextMessage("repo rules")).toMatchObject({
      type: "message",
      role: "developer",
      content: [{ type: "input_text", text: "repo rules" }],
    });
  });
  it("words a PreToolUse block as Codex does", () => {
    expect(preToolUseBlockMessage("Bash", { command: "rm -rf /" }, "destructive")).toBe(
      "Command blocked by PreToolUse hook: destructive. Command: rm -rf /",
    );
    expect(preToolUseBlockMessage("mcp__fs__write", { path: "/x" }, "no writes")).toBe(
      "Tool call blocked by PreToolUse hook: no writes. Tool: mcp__fs__write",
    );
  });
});
