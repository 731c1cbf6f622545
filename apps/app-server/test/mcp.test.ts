/**
 * MCP through the built app-server, with the SDK test server of test-support (stdio) and the fake
 * model: start-up statuses, mcpToolCall items and progress, elicitation round trips (accept,
 * decline, cancel, interrupt), mcpServerStatus/list, mcpServer/tool/call, mcpServer/resource/read,
 * config/mcpServer/reload. Every message is checked against the official schema by the harness.
 */
import { appendFileSync } from "node:fs";
import path from "node:path";
import { mcpStdioTestServerToml, sse, turn, mcpToolCall } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { type AppServerProcess, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
type Row = Record<string, any>;

/** A model call of one of the probe server's tools. */
const mcpCall = (tool: string, args: unknown, callId: string) => mcpToolCall("probe", tool, args, callId);

/** A method the protocol tables do not list yet: its result, failing on an error. */
async function rpc(s: AppServerProcess, method: string, params: unknown): Promise<any> {
  const { result, error } = await s.request(method, params);
  if (error) throw new Error(`${method}: ${error.message}`);
  return result;
}

async function bootWithProbe(extra = ""): Promise<AppServerProcess> {
  return fx.boot({ extraConfig: `${mcpStdioTestServerToml("probe")}${extra}` });
}

async function startThread(s: AppServerProcess): Promise<string> {
  const { thread } = await s.call("thread/start", { cwd: fx.workDir });
  return thread.id;
}

describe("MCP servers of a thread", () => {
  it("report start-up, run in turns as mcpToolCall items, and send progress", async () => {
    const s = await bootWithProbe();
    const threadId = await startThread(s);
    const ready = await s.waitForNotification("mcpServer/startupStatus/updated", (p) => p.name === "probe" && p.status === "ready");
    expect(ready.params).toEqual({ name: "probe", status: "ready", error: null, failureReason: null, threadId });
    expect(s.notifications("mcpServer/startupStatus/updated").map((n) => n.params.status)).toEqual(["starting", "ready"]);

    fx.fake.enqueue(
      turn(mcpCall("echo", { text: "hi" }, "c1")),
      turn(mcpCall("slow", { ms: 200 }, "c2")),
      turn(mcpCall("lookup", { key: "ab" }, "c3")),
      turn(sse.message("done")),
    );
    const { completed } = await runTurn(s, threadId, "go");
    expect(completed.params.turn.status).toBe("completed");
    const done = s.notifications("item/completed").map((n) => n.params.item as Row).filter((i) => i.type === "mcpToolCall");
    expect(done[0]).toMatchObject({
      id: "c1",
      server: "probe",
      tool: "echo",
      status: "completed",
      arguments: { text: "hi" },
      // Filled from the tool's annotations, as Codex 0.169 does (never a constant null).
      readOnlyHint: true,
      result: { content: [{ type: "text", text: "echo: hi" }] },
      error: null,
    });
    // Codex records MCP's camelCase result; the v2 item carries the structured content.
    expect(done.find((i) => i.id === "c3")?.result).toMatchObject({ structuredContent: { key: "ab", value: 2 } });
    const started = s.notifications("item/started").map((n) => n.params.item as Row).find((i) => i.id === "c1");
    expect(started).toMatchObject({ type: "mcpToolCall", status: "inProgress", readOnlyHint: true, result: null });
    const progress = await s.waitForNotification("item/mcpToolCall/progress");
    expect(progress.params).toMatchObject({ threadId, itemId: "c2", message: "started sleeping" });
    expect(fx.toolOutputText("c1")).toContain("echo: hi");
  });

  it("turns a server's elicitation into mcpServer/elicitation/request: accept, decline, cancel", async () => {
    const s = await bootWithProbe();
    const threadId = await startThread(s);
    const answers = [{ action: "accept", content: { name: "Ada" } }, { action: "decline" }, { action: "cancel" }];
    s.autoRespond = (m) => (m.method === "mcpServer/elicitation/request" ? answers.shift() : undefined);
    fx.fake.enqueue(
      turn(mcpCall("ask_name", {}, "a1")),
      turn(mcpCall("ask_name", {}, "a2")),
      turn(mcpCall("ask_name", {}, "a3")),
      turn(sse.message("done")),
    );
    const { turnId } = await runTurn(s, threadId, "go");
    const requests = s.messages.filter((m) => m.method === "mcpServer/elicitation/request");
    expect(requests).toHaveLength(3);
    expect(requests[0]?.params).toMatchObject({
      threadId,
      turnId,
      serverName: "probe",
      mode: "form",
      message: "What is your name?",
      requestedSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
    });
    const answerText = (callId: string) => (fx.toolOutput(callId) as Array<{ text: string }>)[1]?.text;
    expect(["a1", "a2", "a3"].map(answerText)).toEqual(["hello Ada", "elicitation decline", "elicitation cancel"]);
    const resolved = s.notifications("serverRequest/resolved").map((n) => n.params.requestId);
    expect(resolved).toEqual(requests.map((r) => r.id));
  });

  it("asks approval of a tool without readOnlyHint as Codex does: an mcpServer/elicitation/request", async () => {
    const s = await bootWithProbe();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, approvalPolicy: "on-request", sandbox: "workspace-write" });
    const answers = [{ action: "accept" }, { action: "decline" }];
    s.autoRespond = (m) => (m.method === "mcpServer/elicitation/request" ? answers.shift() : undefined);
    fx.fake.enqueue(turn(mcpCall("write_note", { note: "a" }, "w1")), turn(mcpCall("write_note", { note: "b" }, "w2")), turn(sse.message("done")));
    const { turnId } = await runTurn(s, thread.id, "go");
    const request = s.messages.find((m) => m.method === "mcpServer/elicitation/request");
    expect(request?.params).toEqual({
      threadId: thread.id,
      turnId,
      serverName: "probe",
      mode: "form",
      message: 'Allow the probe MCP server to run tool "write_note"?',
      requestedSchema: { type: "object", properties: {} },
      _meta: {
        codex_approval_kind: "mcp_tool_call",
        persist: ["session", "always"],
        tool_name: "write_note",
        tool_description: "Pretends to write a note (not read-only: needs approval).",
        tool_params: { note: "a" },
        tool_params_display: [{ name: "note", value: "a", display_name: "note" }],
      },
    });
    expect((fx.toolOutput("w1") as Array<{ text: string }>)[1]?.text).toBe("wrote: a");
    expect((fx.toolOutput("w2") as Array<{ text: string }>)[1]?.text).toBe("user rejected MCP tool call");
  });

  it("resolves a pending elicitation when the turn is interrupted", async () => {
    const s = await bootWithProbe();
    const threadId = await startThread(s);
    fx.fake.enqueue(turn(mcpCall("ask_name", {}, "a1")), turn(sse.message("never sent")));
    const { turn: started } = await s.call("turn/start", { threadId, input: [{ type: "text", text: "go" }] });
    const request = await s.waitForServerRequest("mcpServer/elicitation/request");
    await s.call("turn/interrupt", { threadId, turnId: started.id });
    const resolved = await s.waitForNotification("serverRequest/resolved");
    expect(resolved.params).toEqual({ threadId, requestId: request.id });
    const completed = await s.waitForNotification("turn/completed", (p) => p.turn.id === started.id);
    expect(completed.params.turn.status).toBe("interrupted");
  });
});

describe("MCP methods", () => {
  it("mcpServerStatus/list is an empty page when no MCP server is configured", async () => {
    const s = await fx.boot();
    const page = (await rpc(s, "mcpServerStatus/list", {})) as { data: Row[]; nextCursor?: string | null };
    expect(page.data).toEqual([]);
    expect(page.nextCursor ?? null).toBeNull();
  });

  it("mcpServerStatus/list reports an HTTP server that cannot be reached as failed, with its origin only", async () => {
    const s = await fx.boot({ extraConfig: '[mcp_servers.remote]\nurl = "http://user:pw@127.0.0.1:9/mcp?x=1"\nstartup_timeout_sec = 5\n' });
    const page = (await rpc(s, "mcpServerStatus/list", {})) as { data: Row[] };
    expect(page.data[0]).toMatchObject({ name: "remote", runtimeStatus: "failed", authStatus: "unknown", httpOrigin: "http://127.0.0.1:9", tools: {} });
    expect(page.data[0]?.toolsError).toMatch(/^MCP server remote failed to start: /);
  });

  it("mcpServerStatus/list: the thread's live servers, or a fresh connection without a thread", async () => {
    const s = await bootWithProbe(`${mcpStdioTestServerToml("broken", { exitAtStart: true })}[mcp_servers.off]\ncommand = "nope"\nenabled = false\n`);
    const threadId = await startThread(s);
    const live = (await rpc(s, "mcpServerStatus/list", { threadId })) as { data: Row[] };
    expect(live.data.map((m) => [m.name, m.runtimeStatus])).toEqual([
      ["broken", "failed"],
      ["off", "disabled"],
      ["probe", "connected"],
    ]);
    const probe = live.data.find((m) => m.name === "probe")!;
    expect(probe.serverInfo).toMatchObject({ name: "codex-ts-test", version: "1.2.3" });
    expect(Object.keys(probe.tools)).toContain("echo");
    expect(probe.tools.echo.annotations).toEqual({ readOnlyHint: true });
    expect(probe.resources.map((r: Row) => r.uri)).toEqual(["memo://one"]);
    expect(probe.resourceTemplates.map((r: Row) => r.uriTemplate)).toEqual(["memo://notes/{name}"]);
    expect(live.data.find((m) => m.name === "broken")?.toolsError).toMatch(/^MCP server broken failed to start: /);

    const fresh = (await rpc(s, "mcpServerStatus/list", { serverName: "probe", detail: "toolsAndAuthOnly" })) as { data: Row[] };
    expect(fresh.data).toHaveLength(1);
    expect(fresh.data[0]).toMatchObject({ name: "probe", runtimeStatus: "connected", resources: [] });
    const page = (await rpc(s, "mcpServerStatus/list", { limit: 1, detail: "toolsAndAuthOnly" })) as { data: Row[]; nextCursor: string | null };
    expect(page.data.map((m) => m.name)).toEqual(["broken"]);
    expect(page.nextCursor).toBe("1");
    expect((await s.request("mcpServerStatus/list", { detail: "everything" })).error?.code).toBe(-32602);
    // Params validated with the protocol's v2 MCP schemas, the failing field named.
    const badArgs = await s.request("mcpServer/tool/call", { threadId: "t", server: "probe", tool: "x", arguments: "text" } as never);
    expect(badArgs.error).toMatchObject({ code: -32602, message: expect.stringContaining("arguments") });
    const noUri = await s.request("mcpServer/resource/read", { server: "probe" } as never);
    expect(noUri.error).toMatchObject({ code: -32602, message: expect.stringContaining("uri") });
  });

  it("mcpServer/tool/call and mcpServer/resource/read", async () => {
    const s = await bootWithProbe();
    const threadId = await startThread(s);
    const called = await rpc(s, "mcpServer/tool/call", { threadId, server: "probe", tool: "lookup", arguments: { key: "abcd" } });
    expect(called).toMatchObject({ structuredContent: { key: "abcd", value: 4 } });
    const failing = await rpc(s, "mcpServer/tool/call", { threadId, server: "probe", tool: "fail" });
    expect(failing).toMatchObject({ isError: true, content: [{ type: "text", text: "the lookup service is down" }] });
    const unknown = await s.request("mcpServer/tool/call", { threadId, server: "nope", tool: "echo" });
    expect(unknown.error?.message).toBe("unknown MCP server: nope");

    const read = await rpc(s, "mcpServer/resource/read", { threadId, server: "probe", uri: "memo://notes/x" });
    expect(read).toEqual({ contents: [{ uri: "memo://notes/x", mimeType: "text/plain", text: "memo x" }] });
    const noThread = await rpc(s, "mcpServer/resource/read", { server: "probe", uri: "memo://one" });
    expect(noThread).toEqual({ contents: [{ uri: "memo://one", mimeType: "text/plain", text: "memo one says hi" }] });
  });

  it("config/mcpServer/reload restarts the servers of loaded threads from the config as it is now", async () => {
    const s = await bootWithProbe();
    const threadId = await startThread(s);
    await s.waitForNotification("mcpServer/startupStatus/updated", (p) => p.status === "ready");
    appendFileSync(path.join(fx.home, "config.toml"), `\n${mcpStdioTestServerToml("second")}`);
    expect(await rpc(s, "config/mcpServer/reload", {})).toEqual({});
    await s.waitForNotification("mcpServer/startupStatus/updated", (p) => p.name === "second" && p.status === "ready");
    const live = (await rpc(s, "mcpServerStatus/list", { threadId, detail: "toolsAndAuthOnly" })) as { data: Row[] };
    expect(live.data.map((m) => [m.name, m.runtimeStatus])).toEqual([
      ["probe", "connected"],
      ["second", "connected"],
    ]);
  });
});
