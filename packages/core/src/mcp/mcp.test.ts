// Whole turns with a real MCP server (the SDK test server of test-support, over stdio) and the fake
// model server: the tools the model is offered, calls and what the model reads back, approval,
// timeouts, crashes, elicitation, resources, events.
import { type McpServerConfig, parseMcpServers } from "@codex-ts/mcp";
import { mcpStdioTestServer, mcpToolCall, sse, startMcpHttpTestServer, TEST_PNG_BASE64, turn } from "@codex-ts/test-support";
import { afterEach, describe, expect, it } from "vitest";
import type { SessionOptions } from "../session/options.js";
import type { Session } from "../session/session.js";
import { type Harness, type SessionDirs, say, startSession, useSessionDirs } from "../session/test-harness.js";
import { mcpFor, mcpRuntimeOf } from "./feature.js";
import type { McpSessionOptions } from "./runtime.js";

let d: SessionDirs;
let sessions: Session[] = [];
useSessionDirs("codex-mcp-", (dirs) => (d = dirs));
afterEach(async () => {
  await Promise.all(sessions.map((s) => s.shutdown()));
  sessions = [];
});

function servers(raw: Record<string, unknown>): McpServerConfig[] {
  const parsed = parseMcpServers(raw);
  if (!parsed.ok) throw new Error(parsed.error);
  return parsed.value;
}

const probe = (extra: Record<string, unknown> = {}) => servers({ probe: { ...mcpStdioTestServer(), ...extra } });

function start(mcp: Partial<McpSessionOptions> & { servers: McpServerConfig[] }, extra: Partial<SessionOptions> = {}): Harness {
  const h = startSession(d.server, d.work, { toolProviders: [mcpFor(mcp)], ...extra });
  sessions.push(h.session);
  return h;
}

/** A model call of one of the probe server's tools. */
const mcpCall = (tool: string, args: unknown, callId: string) => mcpToolCall("probe", tool, args, callId);

const body = (n: number): any => d.server.responsesRequests()[n]!.body;
const outputOf = (n: number, callId: string) =>
  body(n).input.find((i: any) => i.type === "function_call_output" && i.call_id === callId)?.output;
const WALL = /^Wall time: \d+\.\d{4} seconds\nOutput:$/;

async function runTurn(h: Harness, ...script: ReturnType<typeof turn>[]): Promise<void> {
  d.server.enqueue(...script, turn(sse.message("done")));
  const before = h.events.filter((e) => e.msg.type === "task_complete" || e.msg.type === "turn_aborted").length;
  h.session.submit(say("go"));
  await h.waitFor(() => h.events.filter((e) => e.msg.type === "task_complete" || e.msg.type === "turn_aborted").length > before);
}

describe("MCP tools in a turn", () => {
  it("offers one mcp__<server> namespace (sorted functions, Codex's parameter shapes) and the resource tools", async () => {
    const h = start({ servers: probe({ disabled_tools: ["headers"] }) });
    await runTurn(h);
    const tools = body(0).tools as any[];
    const names = tools.map((t) => t.name ?? t.type);
    expect(names).toEqual(expect.arrayContaining(["list_mcp_resources", "list_mcp_resource_templates", "read_mcp_resource", "mcp__probe"]));
    const ns = tools.find((t) => t.name === "mcp__probe");
    expect(ns).toMatchObject({ type: "namespace", name: "mcp__probe", description: "Tools in the mcp__probe namespace." });
    expect(ns.tools.map((t: any) => t.name)).toEqual(["ask_name", "crash", "echo", "fail", "lookup", "picture", "pid", "slow", "write_note"]);
    // Exactly what real Codex 0.169 sends for these two (captured against the same server).
    expect(ns.tools.find((t: any) => t.name === "echo")).toEqual({
      type: "function",
      name: "echo",
      description: "Echo the text back.",
      strict: false,
      parameters: { type: "object", properties: { text: { type: "string" } }, required: ["text"] },
    });
    expect(ns.tools.find((t: any) => t.name === "slow").parameters).toEqual({ type: "object", properties: { ms: { type: "number" } } });
    expect(tools.find((t) => t.name === "read_mcp_resource").parameters).toEqual({
      type: "object",
      properties: { server: { type: "string" }, uri: { type: "string" } },
      required: ["server", "uri"],
      additionalProperties: false,
    });
  });

  it("runs a streamable-HTTP server's tools the same way (bearer token from the environment)", async () => {
    const http = await startMcpHttpTestServer({ requireToken: "tok-1" });
    try {
      const h = start({ servers: servers({ web: { url: http.url, bearer_token_env_var: "WEB_TOKEN" } }), env: { WEB_TOKEN: "tok-1" } });
      await runTurn(h, turn(mcpToolCall("web", "echo", { text: "over http" }, "h1")));
      expect((body(0).tools as any[]).find((t) => t.name === "mcp__web")?.tools.length).toBeGreaterThan(5);
      expect(outputOf(1, "h1")[1]).toEqual({ type: "input_text", text: "echo: over http" });
    } finally {
      await http.close();
    }
  });

  it("offers no MCP tools when no server is enabled", async () => {
    const h = start({ servers: probe({ enabled: false }) });
    await runTurn(h);
    const names = (body(0).tools as any[]).map((t) => t.name ?? t.type);
    expect(names.some((n) => String(n).includes("mcp"))).toBe(false);
  });

  it("a session with no enabled server does not load the MCP SDK until a request needs the connections", async () => {
    const h = start({ servers: probe({ enabled: false }) });
    await runTurn(h);
    const runtime = mcpRuntimeOf(h.session)!;
    expect(() => runtime.manager).toThrow(/still loading/);
    expect(await runtime.start()).toEqual({ ok: true, statuses: [] });
    expect(runtime.manager.size).toBe(0);
  });

  it("returns text, structured content, images and errors to the model as Codex does", async () => {
    const h = start({ servers: probe() });
    await runTurn(
      h,
      turn(mcpCall("echo", { text: "hi" }, "c1")),
      turn(mcpCall("lookup", { key: "abc" }, "c2")),
      turn(mcpCall("picture", {}, "c3")),
      turn(mcpCall("fail", {}, "c4")),
    );
    const last = d.server.responsesRequests().length - 1;
    const echo = outputOf(last, "c1");
    expect(echo[0].text).toMatch(WALL);
    expect(echo[1]).toEqual({ type: "input_text", text: "echo: hi" });
    expect(outputOf(last, "c2")).toMatch(/^Wall time: \d+\.\d{4} seconds\nOutput:\n\{"key":"abc","value":3\}$/);
    expect(outputOf(last, "c3").slice(1)).toEqual([
      { type: "input_text", text: "a red pixel" },
      // `codex/imageDetail: original` on a model without original detail: high, as real Codex.
      { type: "input_image", image_url: `data:image/png;base64,${TEST_PNG_BASE64}`, detail: "high" },
    ]);
    expect(outputOf(last, "c4")[1]).toEqual({ type: "input_text", text: "the lookup service is down" });

    const completed = h.events.filter((e) => e.msg.type === "item_completed" && (e.msg.item as any).type === "McpToolCall").map((e) => (e.msg as any).item);
    expect(completed.map((i) => [i.tool, i.status])).toEqual([
      ["echo", "completed"],
      ["lookup", "completed"],
      ["picture", "completed"],
      ["fail", "failed"],
    ]);
    expect(completed[0]).toMatchObject({ id: "c1", server: "probe", arguments: { text: "hi" }, readOnlyHint: true, result: { content: [{ type: "text", text: "echo: hi" }] } });
    expect(completed[1].result.structuredContent).toEqual({ key: "abc", value: 3 });
    const legacy = h.events.filter((e) => e.msg.type === "mcp_tool_call_begin" || e.msg.type === "mcp_tool_call_end").map((e) => e.msg as any);
    expect(legacy[0]).toEqual({ type: "mcp_tool_call_begin", call_id: "c1", invocation: { server: "probe", tool: "echo", arguments: { text: "hi" } } });
    expect(legacy[1]).toMatchObject({ type: "mcp_tool_call_end", call_id: "c1", result: { Ok: { content: [{ type: "text", text: "echo: hi" }] } } });
  });

  it("turns a slow tool into a timeout error for the model (tool_timeout_sec), and the turn goes on", async () => {
    const h = start({ servers: probe({ tool_timeout_sec: 0.5 }) });
    await runTurn(h, turn(mcpCall("slow", { ms: 5000 }, "s1")));
    expect(outputOf(1, "s1")[1].text).toBe("tool call probe/slow timed out after 0.5 s (tool_timeout_sec)");
    const item = h.events.find((e) => e.msg.type === "item_completed" && (e.msg.item as any).id === "s1")?.msg as any;
    expect(item.item).toMatchObject({ status: "failed", error: { message: "tool call probe/slow timed out after 0.5 s (tool_timeout_sec)" } });
  });

  it("fails a call when the server crashes, and the next turn reconnects", async () => {
    const h = start({ servers: probe() });
    await runTurn(h, turn(mcpCall("pid", {}, "p1")), turn(mcpCall("crash", {}, "x1")));
    const firstPid = outputOf(2, "p1")[1].text;
    expect(outputOf(2, "x1")[1].text).toMatch(/^MCP server probe closed the connection during crash: /);
    await runTurn(h, turn(mcpCall("pid", {}, "p2")));
    const last = d.server.responsesRequests().length - 1;
    const secondPid = outputOf(last, "p2")[1].text;
    expect(secondPid).toMatch(/^\d+$/);
    expect(secondPid).not.toBe(firstPid);
  });
});

describe("approval", () => {
  it("a tool without readOnlyHint fails under approval never (sandboxed); read-only tools run", async () => {
    const h = start({ servers: probe() }, { approvalPolicy: "never", sandboxPolicy: { type: "workspace-write" } });
    await runTurn(h, turn(mcpCall("write_note", { note: "n" }, "w1")), turn(mcpCall("echo", { text: "ok" }, "e1")));
    expect(outputOf(2, "w1")[1].text).toBe("MCP tool call requires approval, but approval policy is never");
    expect(outputOf(2, "e1")[1].text).toBe("echo: ok");
  });

  it("with full access (never + danger-full-access) every tool runs", async () => {
    const h = start({ servers: probe() });
    await runTurn(h, turn(mcpCall("write_note", { note: "n" }, "w1")));
    expect(outputOf(1, "w1")[1].text).toBe("wrote: n");
  });

  it("asks the user (request_user_input) under on-request: approve once, approve for the session, deny, cancel", async () => {
    const answers = ["Approve this Session", "Deny"];
    const asked: string[] = [];
    const h = start(
      { servers: probe() },
      {
        approvalPolicy: "on-request",
        sandboxPolicy: { type: "workspace-write" },
        userInputHandler: async (request) => {
          const q = request.questions[0]!;
          asked.push(q.question);
          return { answers: { [q.id]: { answers: [answers.shift() ?? "Cancel"] } } };
        },
      },
    );
    await runTurn(h, turn(mcpCall("write_note", { note: "a" }, "w1")), turn(mcpCall("write_note", { note: "b" }, "w2")));
    expect(outputOf(2, "w1")[1].text).toBe("wrote: a");
    // Remembered for the session: not asked again.
    expect(outputOf(2, "w2")[1].text).toBe("wrote: b");
    expect(asked).toEqual(['The probe MCP server wants to run the tool "write_note", which may have side effects. Allow this action?']);
  });

  it("asks through an elicitation when the session has one (as the app-server's mcpServer/elicitation/request)", async () => {
    const asked: any[] = [];
    const answers = [{ action: "accept" as const }, { action: "accept" as const, _meta: { persist: "session" } }, { action: "decline" as const }];
    const h = start(
      {
        servers: probe(),
        onElicitation: async (request) => {
          asked.push(request);
          return answers.shift() ?? { action: "cancel" };
        },
      },
      { approvalPolicy: "on-request", sandboxPolicy: { type: "workspace-write" } },
    );
    await runTurn(
      h,
      turn(mcpCall("write_note", { note: "a" }, "w1")),
      turn(mcpCall("write_note", { note: "b" }, "w2")),
      turn(mcpCall("write_note", { note: "c" }, "w3")),
    );
    expect([1, 2, 3].map((i) => outputOf(3, `w${i}`)[1].text)).toEqual(["wrote: a", "wrote: b", "wrote: c"]);
    // The third call was approved for the session by the second answer: two questions only.
    expect(asked).toHaveLength(2);
    expect(asked[0]).toMatchObject({
      server: "probe",
      callId: "w1",
      params: {
        mode: "form",
        message: 'Allow the probe MCP server to run tool "write_note"?',
        requestedSchema: { type: "object", properties: {} },
        _meta: {
          codex_approval_kind: "mcp_tool_call",
          persist: ["session", "always"],
          tool_name: "write_note",
          tool_params: { note: "a" },
          tool_params_display: [{ name: "note", value: "a", display_name: "note" }],
        },
      },
    });
  });

  it("a denied or cancelled approval is a message to the model; the server is not called", async () => {
    const answers = ["Deny", "Cancel"];
    const h = start(
      { servers: probe() },
      {
        approvalPolicy: "untrusted",
        sandboxPolicy: { type: "workspace-write" },
        userInputHandler: async (request) => ({ answers: { [request.questions[0]!.id]: { answers: [answers.shift()!] } } }),
      },
    );
    await runTurn(h, turn(mcpCall("write_note", { note: "a" }, "w1")), turn(mcpCall("write_note", { note: "b" }, "w2")));
    expect(outputOf(2, "w1")[1].text).toBe("user rejected MCP tool call");
    expect(outputOf(2, "w2")[1].text).toBe("user cancelled MCP tool call");
  });
});

describe("elicitation", () => {
  it("goes to onElicitation with the turn and call it came from; its answer reaches the server", async () => {
    const seen: unknown[] = [];
    const h = start({
      servers: probe(),
      onElicitation: async (request) => {
        seen.push(request);
        return { action: "accept", content: { name: "Ada" } };
      },
    });
    await runTurn(h, turn(mcpCall("ask_name", {}, "a1")));
    expect(outputOf(1, "a1")[1].text).toBe("hello Ada");
    expect(seen[0]).toMatchObject({ server: "probe", callId: "a1", params: { message: "What is your name?" } });
    expect((seen[0] as { turnId: string }).turnId).toEqual(expect.any(String));
  });

  it("is declined when nobody can answer (as codex exec)", async () => {
    const h = start({ servers: probe() });
    await runTurn(h, turn(mcpCall("ask_name", {}, "a1")));
    expect(outputOf(1, "a1")[1].text).toBe("elicitation decline");
  });
});

describe("resources", () => {
  it("lists and reads resources as JSON text, tagged with the server", async () => {
    const h = start({ servers: probe() });
    await runTurn(
      h,
      turn(sse.functionCall("list_mcp_resources", {}, { callId: "r1" })),
      turn(sse.functionCall("list_mcp_resource_templates", { server: "probe" }, { callId: "r2" })),
      turn(sse.functionCall("read_mcp_resource", { server: "probe", uri: "memo://notes/x" }, { callId: "r3" })),
      turn(sse.functionCall("read_mcp_resource", { server: "nope", uri: "memo://one" }, { callId: "r4" })),
      turn(sse.functionCall("read_mcp_resource", { server: "probe" }, { callId: "r5" })),
      turn(sse.functionCall("list_mcp_resources", "{not json", { callId: "r6" })),
    );
    const last = d.server.responsesRequests().length - 1;
    expect(JSON.parse(outputOf(last, "r1"))).toEqual({
      resources: [{ server: "probe", uri: "memo://one", name: "memo-one", description: "The first memo.", mimeType: "text/plain" }],
    });
    expect(JSON.parse(outputOf(last, "r2"))).toEqual({
      server: "probe",
      resourceTemplates: [{ server: "probe", uriTemplate: "memo://notes/{name}", name: "memo", description: "A memo by name.", mimeType: "text/plain" }],
    });
    expect(JSON.parse(outputOf(last, "r3"))).toEqual({
      server: "probe",
      uri: "memo://notes/x",
      contents: [{ uri: "memo://notes/x", mimeType: "text/plain", text: "memo x" }],
    });
    expect(outputOf(last, "r4")).toBe("unknown MCP server 'nope'");
    // Bad arguments: one readable line naming the field, and nothing is called.
    expect(outputOf(last, "r5")).toMatch(/^failed to parse function arguments: uri: /);
    expect(outputOf(last, "r6")).toMatch(/^failed to parse function arguments for list_mcp_resources: /);
    const items = h.events.filter((e) => e.msg.type === "item_completed" && (e.msg.item as any).type === "McpToolCall").map((e) => (e.msg as any).item);
    expect(items.map((i) => [i.server, i.tool])).toEqual([
      ["codex", "list_mcp_resources"],
      ["probe", "list_mcp_resource_templates"],
      ["probe", "read_mcp_resource"],
    ]);
  });
});

describe("start-up", () => {
  it("a server that fails to start is reported and left out; the turn goes on with the others", async () => {
    const statuses: string[] = [];
    const h = start({
      servers: servers({ probe: mcpStdioTestServer(), broken: mcpStdioTestServer({ exitAtStart: true }) }),
      onStatus: (s) => statuses.push(`${s.name}:${s.state}`),
    });
    await runTurn(h);
    const names = (body(0).tools as any[]).map((t) => t.name);
    expect(names).toContain("mcp__probe");
    expect(names).not.toContain("mcp__broken");
    expect(statuses).toEqual(expect.arrayContaining(["probe:starting", "broken:starting", "probe:ready", "broken:failed"]));
    const warnings = h.events.filter((e) => e.msg.type === "warning").map((e) => (e.msg as { message: string }).message);
    expect(warnings.filter((w) => w.startsWith("MCP client for `broken` failed to start: MCP server broken failed to start: "))).toHaveLength(1);
    // Told once: the next turn has no new warning.
    await runTurn(h);
    expect(h.events.filter((e) => e.msg.type === "warning" && (e.msg as { message: string }).message.includes("broken"))).toHaveLength(1);
  });

  it("a required server that fails to start ends the turn with a clear error, before any request", async () => {
    const h = start({ servers: servers({ must: { ...mcpStdioTestServer({ exitAtStart: true }), required: true } }) });
    h.session.submit(say("go"));
    const error = await h.waitFor((e) => e.msg.type === "error");
    expect((error.msg as any).message).toMatch(/^required MCP server must failed to start: /);
    await h.turnEnd();
    expect(d.server.responsesRequests()).toHaveLength(0);
  });
});
