import { type FakeResponsesServer, sse, startFakeResponsesServer, turn, usage } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppServerProcess, makeTempDir, startServer, writeFakeProviderConfig } from "./harness.js";
import { rmSync } from "node:fs";

let fake: FakeResponsesServer;
let server: AppServerProcess | undefined;
let workDir: string;

beforeEach(async () => {
  fake = await startFakeResponsesServer();
  workDir = makeTempDir("codex-work-");
});
afterEach(async () => {
  await server?.dispose();
  server = undefined;
  await fake.close();
  rmSync(workDir, { recursive: true, force: true });
});

async function boot(): Promise<AppServerProcess> {
  const home = makeTempDir("codex-home-");
  writeFakeProviderConfig(home, fake.url);
  server = await startServer({ codexHome: home });
  (server as unknown as { ownsCodexHome: boolean }).ownsCodexHome = true;
  await server.initialize();
  return server;
}

describe("turns", () => {
  it("runs a plain turn: thread/start, turn/start, streamed deltas, turn/completed", async () => {
    fake.enqueue(turn([sse.message("Hello there!", { deltas: 3 })], { usage: usage(10, 5) }));
    const s = await boot();
    const started = await s.call("thread/start", { cwd: workDir });
    const threadId = started.thread.id;
    expect(started.thread.status).toEqual({ type: "idle" });
    expect(started.cwd).toBe(workDir);
    expect(started.model).toBe("gpt-test");
    await s.waitForNotification("thread/started", (p) => p.thread.id === threadId);

    const { turn: t } = await s.call("turn/start", { threadId, input: [{ type: "text", text: "hi" }] });
    expect(t.status).toBe("inProgress");
    const completed = await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(completed.params.turn.status).toBe("completed");

    const deltas = s.notifications("item/agentMessage/delta").map((m) => m.params.delta).join("");
    expect(deltas).toBe("Hello there!");
    const agent = s.notifications("item/completed").find((m) => m.params.item.type === "agentMessage");
    expect(agent?.params.item.text).toBe("Hello there!");
    expect(typeof agent?.params.completedAtMs).toBe("number");

    // The response to turn/start precedes turn/started.
    const responseIndex = s.messages.findIndex((m) => m.result?.turn?.id === t.id);
    const startedIndex = s.messages.findIndex((m) => m.method === "turn/started");
    expect(responseIndex).toBeLessThan(startedIndex);

    const read = await s.call("thread/read", { threadId, includeTurns: true });
    expect(read.thread.turns).toHaveLength(1);
    expect(read.thread.turns[0].items.map((i: { type: string }) => i.type)).toEqual(["userMessage", "agentMessage"]);
  });
});
