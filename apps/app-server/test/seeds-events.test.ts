/**
 * Streamed text over the built app-server as Codex 0.169 sends it (issue 28: core's item-less legacy
 * deltas are gone; every delta names its item and its part). The expected notifications were read
 * from real Codex 0.169 for the same scripted model output.
 */
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const STREAMED = /^item\/(agentMessage\/delta|reasoning\/(summaryPartAdded|summaryTextDelta|textDelta))$/;

describe("streamed deltas", () => {
  it("name their item and part: summary parts announced from 0, raw content indexed, two messages kept apart", async () => {
    fx.fake.enqueue(
      turn([
        sse.reasoning(["think one", "think two"], { id: "rs_a", content: ["raw a", "raw b"] }),
        sse.message("first", { id: "m_a", phase: "commentary", deltas: ["fir", "st"] }),
        sse.message("second", { id: "m_b", phase: "final_answer", deltas: ["sec", "ond"] }),
      ]),
    );
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "hi" }] });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    const streamed = server.messages
      .filter((m) => typeof m.method === "string" && STREAMED.test(m.method))
      .map((m) => {
        const { threadId, turnId, ...rest } = m.params as Record<string, unknown>;
        expect({ threadId, turnId }).toEqual({ threadId: thread.id, turnId: t.id });
        return [m.method, rest];
      });
    expect(streamed).toEqual([
      ["item/reasoning/summaryPartAdded", { itemId: "rs_a", summaryIndex: 0 }],
      ["item/reasoning/summaryTextDelta", { itemId: "rs_a", delta: "think one", summaryIndex: 0 }],
      ["item/reasoning/summaryPartAdded", { itemId: "rs_a", summaryIndex: 1 }],
      ["item/reasoning/summaryTextDelta", { itemId: "rs_a", delta: "think two", summaryIndex: 1 }],
      ["item/reasoning/textDelta", { itemId: "rs_a", delta: "raw a", contentIndex: 0 }],
      ["item/reasoning/textDelta", { itemId: "rs_a", delta: "raw b", contentIndex: 1 }],
      ["item/agentMessage/delta", { itemId: "m_a", delta: "fir" }],
      ["item/agentMessage/delta", { itemId: "m_a", delta: "st" }],
      ["item/agentMessage/delta", { itemId: "m_b", delta: "sec" }],
      ["item/agentMessage/delta", { itemId: "m_b", delta: "ond" }],
    ]);
  });
});
