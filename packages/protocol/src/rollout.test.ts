import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRolloutLine, type RolloutLine, serializeRolloutLine } from "./rollout.js";

const realLines = readFileSync(new URL("./core/fixtures/codex-0.169-rollout.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((text) => text.trim() !== "");

describe("parseRolloutLine", () => {
  it("reads every line of a real Codex 0.169 rollout", () => {
    const kinds = realLines.map((text) => parseRolloutLine(text));
    const invalid = kinds.filter((k) => k.kind === "invalid");
    expect(invalid).toEqual([]);
    const types = new Set(kinds.flatMap((k) => (k.kind === "line" ? [k.line.type] : [])));
    for (const type of ["session_meta", "response_item", "event_msg", "turn_context", "world_state"]) {
      expect(types.has(type as RolloutLine["type"])).toBe(true);
    }
  });

  it("keeps unknown session_meta fields so copies lose nothing", () => {
    const first = parseRolloutLine(realLines[0]);
    if (first.kind !== "line" || first.line.type !== "session_meta") throw new Error("first line is session_meta");
    expect(first.line.payload.cli_version).toBe("0.169.0");
    expect(first.line.payload.thread_source).toBe("user");
    expect(first.line.payload.context_window).toBeDefined();
    expect(first.line.ordinal).toBe(0);
    const again = parseRolloutLine(serializeRolloutLine(first.line));
    expect(again).toEqual(first);
  });

  it("skips unknown line types and unknown event types", () => {
    expect(parseRolloutLine('{"timestamp":"t","type":"future_thing","payload":{}}')).toMatchObject({
      kind: "skipped",
      type: "future_thing",
    });
    expect(
      parseRolloutLine({ timestamp: "t", type: "event_msg", payload: { type: "realtime_conversation_started" } }),
    ).toMatchObject({ kind: "skipped", type: "event_msg:realtime_conversation_started" });
  });

  it("reports truncated JSON and bad payloads as invalid", () => {
    expect(parseRolloutLine('{"timestamp":"t","type":"response_item","payl').kind).toBe("invalid");
    const bad = parseRolloutLine({ timestamp: "t", type: "response_item", payload: { type: "message" } });
    expect(bad.kind).toBe("invalid");
    expect(bad.kind === "invalid" && bad.reason).toContain("payload.role");
  });

  it("upgrades legacy shapes", () => {
    const custom = parseRolloutLine({
      timestamp: "t",
      type: "response_item",
      payload: { type: "custom_tool_call_output", call_id: "c", output: "patched" },
    });
    expect(custom).toMatchObject({ kind: "line", line: { payload: { output: "patched" } } });

    const turnContext = parseRolloutLine({
      timestamp: "t",
      type: "turn_context",
      payload: {
        cwd: "/w",
        approval_policy: "on-request",
        model: "m",
        permission_profile: {
          network: { enabled: false },
          file_system: { entries: [{ path: { type: "path", path: "/secret" }, access: "none" }] },
        },
      },
    });
    if (turnContext.kind !== "line" || turnContext.line.type !== "turn_context") throw new Error("turn_context");
    expect(turnContext.line.payload.permission_profile).toMatchObject({
      type: "managed",
      file_system: { type: "restricted", entries: [{ access: "deny" }] },
      network: "restricted",
    });

    const compacted = parseRolloutLine({ timestamp: "t", type: "compacted", payload: { message: "sum", window_id: 3 } });
    expect(compacted).toMatchObject({ kind: "line", line: { payload: { message: "sum", window_number: 3 } } });
    const legacyEvent = parseRolloutLine({ timestamp: "t", type: "event_msg", payload: { type: "turn_started", turn_id: "x" } });
    expect(legacyEvent).toMatchObject({ kind: "line", line: { payload: { type: "task_started", turn_id: "x" } } });
  });

  it("serializes in Codex's key order", () => {
    const text = serializeRolloutLine({
      timestamp: "2026-01-01T00:00:00.000Z",
      type: "event_msg",
      payload: { type: "agent_message", message: "hi" },
    });
    expect(text).toBe('{"timestamp":"2026-01-01T00:00:00.000Z","type":"event_msg","payload":{"type":"agent_message","message":"hi"}}');
  });
});
