import { parseRolloutLine, type RolloutLine } from "@codex-ts/protocol";
import { describe, expect, it } from "vitest";
import { reconstructHistory, reconstructThread, shouldPersistRolloutItem } from "./index.js";

function line(type: string, payload: Record<string, unknown>): RolloutLine {
  const parsed = parseRolloutLine({ timestamp: "2026-01-01T00:00:00.000Z", type, payload });
  if (parsed.kind !== "line") throw new Error(`bad test line: ${JSON.stringify(parsed)}`);
  return parsed.line;
}
const message = (role: string, text: string) =>
  line("response_item", { type: "message", role, content: [{ type: role === "user" ? "input_text" : "output_text", text }] });
const turnOf = (id: string, text: string, answer: string) => [
  line("event_msg", { type: "task_started", turn_id: id }),
  message("user", text),
  line("event_msg", { type: "user_message", message: text }),
  message("assistant", answer),
  line("event_msg", { type: "agent_message", message: answer }),
  line("event_msg", { type: "task_complete", turn_id: id }),
];

describe("thread_rolled_back in a rollout", () => {
  const lines = [
    message("user", "<environment_context>\n</environment_context>"),
    ...turnOf("t1", "one", "a1"),
    ...turnOf("t2", "two", "a2"),
    ...turnOf("t3", "three", "a3"),
    line("event_msg", { type: "thread_rolled_back", num_turns: 2 }),
    ...turnOf("t4", "four", "a4"),
  ];

  it("is persisted, and drops the turns from the thread and from the model's history", () => {
    expect(shouldPersistRolloutItem({ type: "event_msg", payload: { type: "thread_rolled_back", num_turns: 2 } }, "limited")).toBe(true);
    expect(reconstructThread(lines).turns.map((t) => t.id)).toEqual(["t1", "t4"]);
    const texts = reconstructHistory(lines).map((item) => (item.type === "message" ? (item.content[0] as { text: string }).text : ""));
    expect(texts).toEqual(["<environment_context>\n</environment_context>", "one", "a1", "four", "a4"]);
  });
});
