import { existsSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { type AppServerProcess, type Message, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

const indexOf = (s: AppServerProcess, predicate: (m: Message) => boolean) => s.messages.findIndex(predicate);

describe("tool turns", () => {
  it("runs a command: item/started, output delta, item/completed, output fed back to the model", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("exec_command", { cmd: "echo tool-output", yield_time_ms: 10_000 }, { callId: "call-echo" })]),
      turn([sse.message("done")]),
    );
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { completed } = await runTurn(server, thread.id, "run echo");
    expect(completed.params.turn.status).toBe("completed");

    const started = server.notifications("item/started").find((m) => m.params.item.type === "commandExecution");
    const done = server.notifications("item/completed").find((m) => m.params.item.type === "commandExecution");
    expect(started?.params.item.status).toBe("inProgress");
    expect(done?.params.item.status).toBe("completed");
    expect(done?.params.item.exitCode).toBe(0);
    expect(done?.params.item.aggregatedOutput).toContain("tool-output");
    const deltas = server.notifications("item/commandExecution/outputDelta").map((m) => m.params.delta).join("");
    expect(deltas).toContain("tool-output");
    expect(JSON.stringify(fx.toolOutput("call-echo"))).toContain("tool-output");
    expect(completed.params.turn.items.map((i: { type: string }) => i.type)).toContain("commandExecution");
  });
});

describe("approvals", () => {
  async function approvalTurn(answer: (request: Message) => unknown, file: string, followUps = 1) {
    fx.fake.enqueue(turn([sse.functionCall("exec_command", { cmd: `touch ${file}`, yield_time_ms: 10_000 }, { callId: "call-touch" })]));
    for (let i = 0; i < followUps; i++) fx.fake.enqueue(turn([sse.message("after approval")]));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy: "untrusted" });
    const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "touch it" }] });
    const request = await server.waitForServerRequest("item/commandExecution/requestApproval");
    expect(request.params.threadId).toBe(thread.id);
    expect(request.params.turnId).toBe(t.id);
    expect(request.params.command).toContain("touch");
    expect(Array.isArray(request.params.availableDecisions)).toBe(true);
    expect(request.params.availableDecisions).toContain("accept");
    const status = await server.waitForNotification("thread/status/changed", (p) => p.status.type === "active" && p.status.activeFlags.includes("waitingOnApproval"));
    expect(status.params.threadId).toBe(thread.id);
    server.respond(request.id, answer(request));
    const completed = await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    const resolved = indexOf(server, (m) => m.method === "serverRequest/resolved" && m.params.requestId === request.id);
    expect(resolved).toBeGreaterThan(indexOf(server, (m) => m.id === request.id && m.method !== undefined));
    expect(resolved).toBeLessThan(indexOf(server, (m) => m.method === "turn/completed"));
    return { completed, request };
  }

  it("accept runs the command", async () => {
    const { completed } = await approvalTurn(() => ({ decision: "accept" }), "accepted.txt");
    expect(completed.params.turn.status).toBe("completed");
    expect(existsSync(path.join(fx.workDir, "accepted.txt"))).toBe(true);
  });

  it("decline does not run it and the model hears so", async () => {
    const { completed } = await approvalTurn(() => ({ decision: "decline" }), "declined.txt");
    expect(completed.params.turn.status).toBe("completed");
    expect(existsSync(path.join(fx.workDir, "declined.txt"))).toBe(false);
    expect(fx.toolOutput("call-touch")).toBeDefined();
  });

  it("cancel stops the turn without running the command", async () => {
    const { completed } = await approvalTurn(() => ({ decision: "cancel" }), "cancelled.txt", 0);
    expect(completed.params.turn.status).toBe("interrupted");
    expect(existsSync(path.join(fx.workDir, "cancelled.txt"))).toBe(false);
  });

  it("interrupt while an approval is pending resolves the request first, then completes the turn", async () => {
    fx.fake.enqueue(turn([sse.functionCall("exec_command", { cmd: "touch never.txt", yield_time_ms: 10_000 })]));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy: "untrusted" });
    const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "touch" }] });
    const request = await server.waitForServerRequest("item/commandExecution/requestApproval");
    await server.call("turn/interrupt", { threadId: thread.id, turnId: t.id });
    const completed = await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(completed.params.turn.status).toBe("interrupted");
    const resolved = indexOf(server, (m) => m.method === "serverRequest/resolved" && m.params.requestId === request.id);
    expect(resolved).toBeGreaterThanOrEqual(0);
    expect(resolved).toBeLessThan(indexOf(server, (m) => m.method === "turn/completed"));
    expect(existsSync(path.join(fx.workDir, "never.txt"))).toBe(false);
  });
});

describe("interrupt", () => {
  it("interrupts a running command and ends the turn interrupted", async () => {
    fx.fake.enqueue(turn([sse.functionCall("exec_command", { cmd: "sleep 30", yield_time_ms: 60_000 })]));
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir });
    const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "sleep" }] });
    await server.waitForNotification("item/started", (p) => p.item.type === "commandExecution");
    await server.call("turn/interrupt", { threadId: thread.id, turnId: t.id });
    const completed = await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id, 20_000);
    expect(completed.params.turn.status).toBe("interrupted");
    const idle = await server.waitForNotification("thread/status/changed", (p) => p.status.type === "idle");
    expect(idle.params.threadId).toBe(thread.id);
  });
});

describe("dynamic tools", () => {
  const PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

  it("calls the client with item/tool/call and feeds text and image output back", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("lookup", { q: "cats" }, { callId: "call-dyn" })]),
      turn([sse.message("thanks")]),
    );
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", {
      cwd: fx.workDir,
      dynamicTools: [{ name: "lookup", description: "Look something up", inputSchema: { type: "object", properties: { q: { type: "string" } } } }],
    });
    const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "look" }] });
    const call = await server.waitForServerRequest("item/tool/call");
    expect(call.params).toMatchObject({ threadId: thread.id, turnId: t.id, callId: "call-dyn", tool: "lookup", arguments: { q: "cats" } });
    server.respond(call.id, {
      contentItems: [
        { type: "inputText", text: "found cats" },
        { type: "inputImage", imageUrl: PNG },
      ],
      success: true,
    });
    const completed = await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id);
    expect(completed.params.turn.status).toBe("completed");
    const item = server.notifications("item/completed").find((m) => m.params.item.type === "dynamicToolCall");
    expect(item?.params.item.success).toBe(true);
    expect(item?.params.item.contentItems).toEqual([
      { type: "inputText", text: "found cats" },
      { type: "inputImage", imageUrl: PNG },
    ]);
    const started = server.notifications("item/started").find((m) => m.params.item.type === "dynamicToolCall");
    expect(started).toBeDefined();
    const resolved = indexOf(server, (m) => m.method === "serverRequest/resolved" && m.params.requestId === call.id);
    expect(resolved).toBeGreaterThan(0);
    const output = JSON.stringify(fx.toolOutput("call-dyn"));
    expect(output).toContain("found cats");
    expect(output).toContain("data:image/png;base64");
  });
});
