/**
 * The warm-up the server runs after a thread starts, while the client is idle (core's
 * `prewarmCore`: a throw-away turn against a loopback model of its own) must be invisible to the
 * client and must not touch the configured provider or CODEX_HOME.
 */
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { prewarmCore } from "@codex-ts/core";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { useAppServerFixture } from "./harness.js";

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".jsonl"));
}

describe("prewarmCore", () => {
  it("runs its turn and parses every sample, over loopback HTTP and from memory", async () => {
    const overLoopback = await prewarmCore();
    expect(overLoopback.problems).toEqual([]);
    expect(overLoopback.steps.map((s) => s.name)).toEqual(["time zone", "turn over loopback HTTP"]);
    const inMemory = await prewarmCore({ loopbackHttp: false });
    expect(inMemory.problems).toEqual([]);
    expect(inMemory.steps.map((s) => s.name)).toEqual(["time zone", "turn in memory"]);
    for (const report of [overLoopback, inMemory]) {
      // The turn ran its command and finished with the scripted answer; its lines were all valid.
      const types = report.events.map((e) =>
        e.type === "item_completed" ? `${e.type}:${e.item.type}` : e.type,
      );
      expect(types).toContain("item_completed:CommandExecution");
      expect(types).toContain("task_complete");
      expect(types).not.toContain("error");
      const kinds = new Set(report.rolloutItems.map((l) => l.type));
      expect([...kinds].sort()).toEqual(["event_msg", "response_item", "turn_context"]);
    }
  });
});

describe("app-server warm-up (when a thread starts)", () => {
  const fx = useAppServerFixture();

  it("does not run for a client that only lists threads, and is invisible to the client", async () => {
    const server = await fx.boot({ env: { CODEX_TS_LOG: "debug" } });
    const listed = await server.call("thread/list", {});
    expect(listed.data).toEqual([]);
    expect(server.stderr).not.toContain("prewarm:");

    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    await server.waitForNotification("thread/started");
    await expect.poll(() => server.stderr, { timeout: 60_000, interval: 50 }).toContain("prewarm: done");
    const warmLines = server.stderr.split("\n").filter((l) => l.includes("prewarm:"));
    expect(warmLines).toHaveLength(2); // started, done: no problems reported
    // Nothing but the client's own thread shows: no notification, provider request or rollout
    // comes from the warm-up's session.
    // (remoteControl/status/changed follows every initialize, as in Codex.)
    const seen = server.notifications().filter((m) => m.method !== "remoteControl/status/changed");
    expect(seen.map((m) => m.method)).toEqual(["thread/started"]);
    expect(seen[0]?.params.thread.id).toBe(thread.id);
    expect(fx.fake.responsesRequests()).toHaveLength(0);
    expect(filesUnder(path.join(fx.home, "sessions")).length).toBeLessThanOrEqual(1);
  });

  it("is off with CODEX_TS_APP_SERVER_PREWARM=0", async () => {
    fx.fake.enqueue(turn(sse.message("Hi.", { phase: "final_answer" })));
    const server = await fx.boot({ env: { CODEX_TS_LOG: "debug", CODEX_TS_APP_SERVER_PREWARM: "0" } });
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turn: started } = await server.call("turn/start", {
      threadId: thread.id,
      input: [{ type: "text", text: "hi" }],
    });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === started.id);
    expect(server.stderr).not.toContain("prewarm:");
  });

  it("runs no warm-up beside a turn started at once (the turn pays its own first-turn costs)", async () => {
    fx.fake.enqueue(
      turn(sse.functionCall("exec_command", { cmd: "echo hi", yield_time_ms: 10_000 }, { callId: "call_1" })),
      turn(sse.message("All done.", { phase: "final_answer" })),
    );
    const server = await fx.boot({ env: { CODEX_TS_LOG: "debug" } });
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turn: started } = await server.call("turn/start", {
      threadId: thread.id,
      input: [{ type: "text", text: "say hi" }],
    });
    const completed = await server.waitForNotification("turn/completed", (p) => p.turn.id === started.id);
    expect(completed.params.turn.status).toBe("completed");
    const command = server.notifications("item/completed").find((m) => m.params.item.type === "commandExecution");
    expect(command?.params.item.aggregatedOutput).toBe("hi\n");
    expect(fx.fake.responsesRequests()).toHaveLength(2);
    // Every notification belongs to the client's thread: none comes from the warm-up's session.
    for (const m of server.notifications()) {
      if (m.params && "threadId" in m.params) expect(m.params.threadId).toBe(thread.id);
    }
    // The turn came at once: it paid the first-turn costs itself, with no warm-up beside it.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(server.stderr).not.toContain("prewarm:");
    expect(filesUnder(path.join(fx.home, "sessions"))).toHaveLength(1);
  });
});
