import { rmSync } from "node:fs";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, describe, expect, it } from "vitest";
import { type AppServerProcess, makeTempDir, runTurn, startWithFakeModel } from "./harness.js";

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let server: AppServerProcess | undefined;
let fake: FakeResponsesServer | undefined;
let workDir: string | undefined;
afterEach(async () => {
  await server?.dispose();
  server = undefined;
  await fake?.close();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

describe("stateful fuzzing", () => {
  it("random valid and invalid calls on live threads never wedge a thread", { timeout: 240_000 }, async () => {
    fake = await startFakeResponsesServer();
    for (let i = 0; i < 400; i++) {
      fake.enqueue(
        i % 3 === 0
          ? turn([sse.functionCall("exec_command", { cmd: "sleep 0.2; echo fuzz", yield_time_ms: 5_000 })])
          : turn([sse.message(`answer ${i}`, { deltas: 2 })]),
      );
    }
    workDir = makeTempDir("codex-work-");
    server = await startWithFakeModel(fake.url);
    const s = server;
    const threads = [
      (await s.call("thread/start", { cwd: workDir })).thread.id as string,
      (await s.call("thread/start", { cwd: workDir, ephemeral: true })).thread.id as string,
    ];
    const next = rng(42);
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
