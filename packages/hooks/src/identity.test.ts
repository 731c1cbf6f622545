import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hookHash, hookKey } from "./identity.js";

const base = {
  event: "PreToolUse" as const,
  matcher: "Bash",
  command: "echo hello",
  timeoutSec: 600,
  async: false,
  statusMessage: null,
};

describe("hookHash", () => {
  it("hashes the canonical normalised identity with sha256", () => {
    const json =
      '{"event_name":"pre_tool_use","hooks":[{"async":false,"command":"echo hello","timeout":600,"type":"command"}],"matcher":"Bash"}';
    expect(hookHash(base)).toBe(`sha256:${createHash("sha256").update(json).digest("hex")}`);
  });

  it("changes with every part of the definition", () => {
    const hashes = new Set([
      hookHash(base),
      hookHash({ ...base, command: "echo bye" }),
      hookHash({ ...base, matcher: "Edit" }),
      hookHash({ ...base, matcher: null }),
      hookHash({ ...base, timeoutSec: 5 }),
      hookHash({ ...base, async: true }),
      hookHash({ ...base, statusMessage: "checking" }),
      hookHash({ ...base, event: "PostToolUse" }),
    ]);
    expect(hashes.size).toBe(8);
  });
});

describe("hookKey", () => {
  it("is <source>:<event_label>:<group>:<handler>", () => {
    expect(hookKey("/home/u/.codex/hooks.json", "PreToolUse", 0, 1)).toBe(
      "/home/u/.codex/hooks.json:pre_tool_use:0:1",
    );
    expect(hookKey("demo@market:hooks/hooks.json", "SubagentStop", 2, 0)).toBe(
      "demo@market:hooks/hooks.json:subagent_stop:2:0",
    );
  });
});
