import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sse, turn, usage } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

describe("what clients read beyond the bare schema", () => {
  it("approval kind/environmentId/commandActions, parsed commandActions on items, idle before turn/completed, emittedAtMs", async () => {
    fx.fake.enqueue(
      turn([
        sse.functionCall(
          "exec_command",
          { cmd: "mkdir -p out && cat notes.txt", yield_time_ms: 10_000 },
          { callId: "call-cat" },
        ),
      ]),
      turn([sse.message("read it")]),
    );
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, approvalPolicy: "untrusted" });
    const { turn: t } = await s.call("turn/start", {
      threadId: thread.id,
      input: [{ type: "text", text: "read notes" }],
    });
    const request = await s.waitForServerRequest("item/commandExecution/requestApproval");
    // As Codex: the command's item/started reaches the client before the approval request about it.
    const asked = s.messages.findIndex((m) => m.method === "item/commandExecution/requestApproval");
    const itemStarted = s.messages.findIndex(
      (m) => m.method === "item/started" && m.params.item.type === "commandExecution",
    );
    expect(itemStarted).toBeGreaterThanOrEqual(0);
    expect(itemStarted).toBeLessThan(asked);
    expect(request.params).toMatchObject({
      kind: "command",
      environmentId: "local",
      commandActions: [
        { type: "unknown", command: "mkdir -p out" },
        { type: "read", command: "cat notes.txt", name: "notes.txt", path: "notes.txt" },
      ],
    });
    s.respond(request.id, { decision: "accept" });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    const item = s.notifications("item/completed").find((m) => m.params.item.type === "commandExecution");
    expect(item?.params.item.commandActions).toEqual(request.params.commandActions);
    const started = s.notifications("item/started").find((m) => m.params.item.type === "commandExecution");
    expect(typeof started?.params.startedAtMs).toBe("number");
    const idle = s.messages.findIndex(
      (m) =>
        m.method === "thread/status/changed" &&
        m.params.status.type === "idle" &&
        m.params.threadId === thread.id,
    );
    const completed = s.messages.findIndex((m) => m.method === "turn/completed");
    expect(idle).toBeGreaterThanOrEqual(0);
    expect(idle).toBeLessThan(completed);
    expect(s.notifications().every((m) => Number.isInteger(m.emittedAtMs))).toBe(true);
    const done = s.messages[completed];
    const inTurn = done?.params.turn.items.find((i: { type: string }) => i.type === "commandExecution");
    expect(inTurn?.commandActions).toEqual(request.params.commandActions);
  });

  it("token totals are the whole thread's after a resume (persisted, not restarted)", async () => {
    fx.fake.enqueue(
      turn([sse.message("one")], { usage: usage(10, 5) }),
      turn([sse.message("two")], { usage: usage(20, 7) }),
    );
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir });
    await runTurn(first, thread.id, "first");
    const before = await first.waitForNotification(
      "thread/tokenUsage/updated",
      (p) => p.threadId === thread.id,
    );
    expect(before.params.tokenUsage.total.totalTokens).toBe(15);
    expect(await first.close()).toBe(0);

    const second = await fx.boot();
    await second.call("thread/resume", { threadId: thread.id });
    await runTurn(second, thread.id, "second");
    const after = await second.waitForNotification(
      "thread/tokenUsage/updated",
      (p) => p.threadId === thread.id,
    );
    expect(after.params.tokenUsage.last.totalTokens).toBe(27);
    expect(after.params.tokenUsage.total).toMatchObject({
      inputTokens: 30,
      outputTokens: 12,
      totalTokens: 42,
    });
    expect(await second.close()).toBe(0);

    // ...and a third session goes on from there.
    fx.fake.enqueue(turn([sse.message("three")], { usage: usage(1, 1) }));
    const third = await fx.boot();
    await third.call("thread/resume", { threadId: thread.id });
    await runTurn(third, thread.id, "third");
    const last = await third.waitForNotification(
      "thread/tokenUsage/updated",
      (p) => p.threadId === thread.id,
    );
    expect(last.params.tokenUsage.total.totalTokens).toBe(44);
  });

  it("remoteControl/status/changed follows initialize, with a stable installation id", async () => {
    const s = await fx.boot();
    const note = await s.waitForNotification("remoteControl/status/changed");
    const id = readFileSync(path.join(fx.home, "installation_id"), "utf8");
    expect(note.params).toEqual({
      status: "disabled",
      serverName: os.hostname(),
      installationId: id,
      environmentId: null,
    });
    expect(s.messages.indexOf(note)).toBeGreaterThan(s.messages.findIndex((m) => m.result?.codexHome));
    const again = await fx.boot();
    expect((await again.waitForNotification("remoteControl/status/changed")).params.installationId).toBe(id);
  });
});
