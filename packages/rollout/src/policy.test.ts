import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RolloutItem } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { readSessionMeta, RolloutWriter, shouldPersistRolloutItem, truncateUtf8 } from "./index.js";

const ev = (payload: Record<string, unknown>) => ({ type: "event_msg", payload }) as RolloutItem;

describe("shouldPersistRolloutItem", () => {
  const execEnd = ev({
    type: "exec_command_end",
    call_id: "c",
    turn_id: "t",
    command: ["ls"],
    cwd: "/",
    exit_code: 0,
    duration: { secs: 0, nanos: 0 },
  });
  const commandItem = ev({
    type: "item_completed",
    thread_id: "x",
    turn_id: "t",
    item: { type: "CommandExecution", id: "c", command: ["ls"], cwd: "/", status: "completed" },
  });
  const agentItem = ev({
    type: "item_completed",
    thread_id: "x",
    turn_id: "t",
    item: { type: "AgentMessage", id: "a", content: [] },
  });

  it("limited keeps the conversation, extended adds tool items and errors", () => {
    const cases: [RolloutItem, boolean, boolean][] = [
      [ev({ type: "task_started", turn_id: "t" }), true, true],
      [ev({ type: "token_count" }), true, true],
      [ev({ type: "agent_message", message: "m" }), true, true],
      [agentItem, true, true],
      [execEnd, false, true],
      [commandItem, false, true],
      [ev({ type: "error", message: "x" }), false, true],
      [ev({ type: "agent_message_delta", delta: "d" }), false, false],
      [ev({ type: "exec_command_begin", call_id: "c", command: [], cwd: "/" }), false, false],
      [{ type: "response_item", payload: { type: "compaction_trigger" } } as RolloutItem, false, false],
      [{ type: "response_item", payload: { type: "reasoning", summary: [], encrypted_content: null } } as RolloutItem, true, true],
    ];
    for (const [item, limited, extended] of cases) {
      expect([shouldPersistRolloutItem(item, "limited"), shouldPersistRolloutItem(item, "extended")]).toEqual([
        limited,
        extended,
      ]);
    }
  });
});

describe("truncateUtf8", () => {
  it("never splits a character", () => {
    expect(truncateUtf8("aé", 2)).toBe("a");
    expect(truncateUtf8("aé", 3)).toBe("aé");
    expect(truncateUtf8("😀😀", 5)).toBe("😀");
  });
});

describe("readSessionMeta", () => {
  it("reads a first line longer than one read chunk", async () => {
    const home = mkdtempSync(path.join(tmpdir(), "rollout-meta-"));
    try {
      const text = "x".repeat(300_000);
      const created = await RolloutWriter.create({ codexHome: home, meta: { cwd: "/w", base_instructions: { text } } });
      if (!created.ok) throw new Error(created.error.message);
      await created.value.close();
      const meta = await readSessionMeta(created.value.path);
      expect(meta.ok && meta.value.base_instructions?.text.length).toBe(300_000);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
