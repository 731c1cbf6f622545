import { seededRandom, sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("stateful fuzzing", () => {
  it("random valid and invalid calls on live threads never wedge a thread", { timeout: 240_000 }, async () => {
    for (let i = 0; i < 400; i++) {
      fx.fake.enqueue(
        i % 3 === 0
          ? turn([sse.functionCall("exec_command", { cmd: "sleep 0.2; echo fuzz", yield_time_ms: 5_000 })])
          : turn([sse.message(`answer ${i}`, { deltas: 2 })]),
      );
    }
    const s = await fx.boot();
    const threads = [
      (await s.call("thread/start", { cwd: fx.workDir })).thread.id as string,
      (await s.call("thread/start", { cwd: fx.workDir, ephemeral: true })).thread.id as string,
    ];
    const next = seededRandom(42);
    const pick = <T>(values: readonly T[]): T => values[Math.floor(next() * values.length)] as T;
    const activeTurn = (threadId: string): string | undefined => {
      let id: string | undefined;
      for (const m of s.messages) {
        if (m.method === "turn/started" && m.params.threadId === threadId) id = m.params.turn.id;
        if (m.method === "turn/completed" && m.params.threadId === threadId && m.params.turn.id === id) id = undefined;
      }
      return id;
    };
    const pending: Promise<unknown>[] = [];
    for (let step = 0; step < 150; step++) {
      const threadId = pick(threads);
      const turnId = activeTurn(threadId) ?? "no-such-turn";
      const input = [{ type: "text", text: `step ${step}` }];
      const call = pick([
        ["turn/start", { threadId, input }],
        ["turn/start", { threadId, input: [{ type: "bogus" }] }],
        ["turn/interrupt", { threadId, turnId }],
        ["turn/steer", { threadId, expectedTurnId: turnId, input }],
        ["thread/name/set", { threadId, name: `name ${step}` }],
        ["thread/read", { threadId, includeTurns: next() < 0.5 }],
        ["thread/compact/start", { threadId }],
        ["thread/list", { limit: 3 }],
        ["thread/loaded/list", {}],
      ] as const);
      pending.push(s.request(call[0], call[1]));
      // Answer any approval-style request so nothing waits forever.
      for (const m of s.messages) {
        if (typeof m.method === "string" && "id" in m && !(m as { answered?: boolean }).answered) {
          (m as { answered?: boolean }).answered = true;
          s.respond(m.id, { decision: "decline" });
        }
      }
      if (next() < 0.3) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await Promise.all(pending);
    // Every thread comes back to idle (interrupting what still runs) and still runs a normal turn.
    for (const threadId of threads) {
      for (let attempt = 0; attempt < 50; attempt++) {
        const { thread } = await s.call("thread/read", { threadId });
        if (thread.status.type === "idle") break;
        const turnId = activeTurn(threadId);
        if (turnId) {
          await s.request("turn/interrupt", { threadId, turnId });
          await s.waitForNotification("turn/completed", (p) => p.turn.id === turnId, 60_000);
        } else await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    for (const threadId of threads) {
      const { completed } = await runTurn(s, threadId, "final turn");
      expect(["completed", "failed"]).toContain(completed.params.turn.status);
    }
    expect(s.child.exitCode).toBeNull();
  });
});
