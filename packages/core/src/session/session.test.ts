import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { EventMsg, type RolloutItem, RolloutLine } from "@codex-ts/protocol";
import { fail, sse, startFakeResponsesServer, turn, usage, type FakeResponsesServer } from "@codex-ts/test-support";
import { policyFromSources } from "@codex-ts/execpolicy";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ModelProviderInfo } from "../client/provider.js";
import { createLocalRunner } from "../tools/exec/runner.js";
import type { ApprovalRequest, ReviewDecision } from "../tools/index.js";
import type { SessionEvent } from "./events.js";
import { loadConfig } from "../config/load.js";
import { DEFAULT_BASE_INSTRUCTIONS } from "./context.js";
import { fakeProvider, type Harness, say, startSession } from "./test-harness.js";
import { rolloutRecorder, sessionOptionsFromConfig, type Session, type SessionOptions, SUMMARY_PREFIX } from "./session.js";

let server: FakeResponsesServer;
let dir: string;
let session: Session | undefined;

beforeEach(async () => {
  server = await startFakeResponsesServer();
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-session-")));
});
afterEach(async () => {
  await session?.shutdown();
  session = undefined;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

function provider(): ModelProviderInfo {
  return fakeProvider(server);
}

/** A session on the fake server, shut down after the test. */
function start(extra: Partial<SessionOptions> = {}): Harness {
  const harness = startSession(server, dir, extra);
  session = harness.session;
  return harness;
}

const types = (events: SessionEvent[]) => events.map((e) => e.msg.type);
const inputOf = (n: number): any[] => server.responsesRequests()[n]!.body.input;

/** Every emitted event must parse with the protocol schema. */
function expectWellFormed(events: SessionEvent[]) {
  for (const e of events) {
    const parsed = EventMsg.safeParse(e.msg);
    expect(parsed.success, `${e.msg.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
  }
  const started = events.filter((e) => e.msg.type === "item_started").map((e) => (e.msg as any).item.id);
  const completed = events.filter((e) => e.msg.type === "item_completed").map((e) => (e.msg as any).item.id);
  expect(new Set(completed)).toEqual(new Set(started));
}

describe("session turn loop against the fake Responses server", () => {
  it("answers plainly, with items, deltas, usage and a request carrying context and tools", async () => {
    writeFileSync(path.join(dir, "AGENTS.md"), "Always run the tests.");
    server.enqueue(
      turn([sse.reasoning("thinking"), sse.message("Hello there", { phase: "final_answer", deltas: 3 })], { usage: usage(100, 20) }),
    );
    const h = start({ approvalPolicy: "on-request", sandboxPolicy: { type: "workspace-write" } });
    h.session.submit(say("hi"));
    const end = await h.turnEnd();
    expect(end.msg).toMatchObject({ type: "task_complete", last_agent_message: "Hello there" });
    expect(types(h.events)).toEqual(
      expect.arrayContaining(["task_started", "user_message", "agent_message_content_delta", "agent_reasoning", "agent_message", "token_count"]),
    );
    const agentItem = h.events.find((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "AgentMessage");
    expect(agentItem?.msg).toMatchObject({ item: { content: [{ type: "Text", text: "Hello there" }], phase: "final_answer" } });
    expect((agentItem as any).msg.completed_at_ms).toBeGreaterThanOrEqual((agentItem as any).msg.started_at_ms);
    const deltas = h.events.flatMap((e) => (e.msg.type === "agent_message_content_delta" ? [e.msg] : []));
    expect(deltas.map((d) => d.delta).join("")).toBe("Hello there");
    expect(new Set(deltas.map((d) => d.item_id))).toEqual(new Set([(agentItem as any).msg.item.id]));
    expect(types(h.events), "Codex 0.169 has no item-less deltas").not.toContain("agent_message_delta");
    expect(h.session.tokenUsage()).toMatchObject({ input_tokens: 100, output_tokens: 20, total_tokens: 120 });

    const body = server.responsesRequests()[0]!.body;
    expect(body).toMatchObject({ model: "gpt-test", stream: true, store: false, tool_choice: "auto", parallel_tool_calls: true });
    // A model outside the catalog: Codex 0.169's reasoning defaults.
    expect(body.reasoning).toEqual({ summary: "auto" });
    expect(body.include).toEqual(["reasoning.encrypted_content"]);
    // Codex 0.169's body: these keys in this order, no `instructions`.
    expect(Object.keys(body)).toEqual([
      "model", "stream", "input", "tools", "tool_choice", "parallel_tool_calls", "reasoning", "store", "include",
      "prompt_cache_key", "client_metadata",
    ]);
    // The layout: base instructions; one developer message of context parts; one user message of
    // context parts (AGENTS.md, environment); the user's message.
    const layout = (body.input as any[]).map((i) => ({ role: i.role, parts: i.content.map((c: any) => c.text) }));
    expect(layout.map((m) => m.role)).toEqual(["developer", "developer", "user", "user"]);
    expect(layout[0]!.parts).toEqual([DEFAULT_BASE_INSTRUCTIONS]);
    expect(layout[1]!.parts).toHaveLength(1);
    expect(layout[1]!.parts[0]).toMatch(/^<permissions instructions>[\s\S]*workspace-write[\s\S]*on-request/);
    expect(layout[2]!.parts).toHaveLength(2);
    expect(layout[2]!.parts[0]).toMatch(/^# AGENTS.md instructions[\s\S]*Always run the tests\./);
    const env: string = layout[2]!.parts[1];
    expect(env).toMatch(/^<environment_context>\n/);
    expect(env).toContain(`<cwd>${dir}</cwd>`);
    expect(env).toContain("<shell>bash</shell>");
    expect(env).toMatch(/<current_date>\d{4}-\d{2}-\d{2}<\/current_date>/);
    expect(env).toContain("<timezone>");
    // Roots and permission profile on one <filesystem> line, as 0.169.
    expect(env).toContain(
      `\n  <filesystem><workspace_roots><root>${dir}</root></workspace_roots><permission_profile type="managed"><file_system type="restricted"><entry access="read"><special>:root</special></entry><entry access="write"><path>${dir}</path></entry>`,
    );
    expect(env).toMatch(/<\/permission_profile><\/filesystem>\n<\/environment_context>$/);
    expect(layout[3]!.parts).toEqual(["hi"]);
    const started = h.events.find((e) => e.msg.type === "task_started")!.msg as any;
    expect(body.client_metadata).toMatchObject({
      session_id: h.session.threadId,
      thread_id: h.session.threadId,
      turn_id: started.turn_id,
      root_turn_id: started.turn_id,
      "x-codex-window-id": `${h.session.threadId}:0`,
    });
    expect(JSON.parse(body.client_metadata["x-codex-turn-metadata"])).toMatchObject({ turn_id: started.turn_id, request_kind: "turn", model: "gpt-test" });
    const toolNames = (body.tools as any[]).map((t) => t.name ?? t.type);
    expect(toolNames).toEqual(expect.arrayContaining(["shell_command", "apply_patch"]));
    expectWellFormed(h.events);
  });

  it("runs a tool call and sends function_call_output in the next request", async () => {
    server.enqueue(
      turn(sse.functionCall("shell_command", { command: "echo from-tool" }, { callId: "call-1" })),
      turn(sse.message("done", { phase: "final_answer" })),
    );
    const h = start();
    h.session.submit(say("run it"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "task_complete", last_agent_message: "done" });
    const second = inputOf(1);
    expect(second).toContainEqual(expect.objectContaining({ type: "function_call", call_id: "call-1" }));
    const output = second.find((i) => i.type === "function_call_output");
    expect(output.call_id).toBe("call-1");
    expect(JSON.stringify(output.output)).toContain("from-tool");
    const exec = h.events.find((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "CommandExecution");
    expect(exec?.msg).toMatchObject({ item: { status: "completed" } });
    expectWellFormed(h.events);
  });

  it("feeds unknown tools and invalid JSON arguments back to the model as errors", async () => {
    server.enqueue(
      turn([sse.functionCall("no_such_tool", {}, { callId: "u1" }), sse.functionCall("shell_command", "{not json", { callId: "j1" })]),
      turn(sse.message("recovered")),
    );
    const h = start();
    h.session.submit(say("go"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "task_complete", last_agent_message: "recovered" });
    const outputs = inputOf(1).filter((i) => i.type === "function_call_output");
    expect(outputs.find((o) => o.call_id === "u1").output).toContain("unsupported call: no_such_tool");
    expect(outputs.find((o) => o.call_id === "j1").output).toContain("failed to parse function arguments");
  });

  it("asks for approval and honours accept, decline and abort", async () => {
    const decisions: ReviewDecision[] = ["approved", "denied", "abort"];
    const requests: ApprovalRequest[] = [];
    server.enqueue(
      turn(sse.functionCall("shell_command", { command: "touch approved.txt" }, { callId: "a1" })),
      turn(sse.message("ok1")),
      turn(sse.functionCall("shell_command", { command: "touch denied.txt" }, { callId: "a2" })),
      turn(sse.message("ok2")),
      turn(sse.functionCall("shell_command", { command: "touch aborted.txt" }, { callId: "a3" })),
    );
    const h = start({
      approvalPolicy: "untrusted",
      approvalHandler: async (request) => {
        requests.push(request);
        return decisions.shift()!;
      },
    });
    h.session.submit(say("one"));
    await h.turnEnd();
    expect(existsSync(path.join(dir, "approved.txt"))).toBe(true);
    expect(requests[0]).toMatchObject({ kind: "exec", callId: "a1" });
    expect(requests[0]!.availableDecisions).toContain("approved");

    h.events.length = 0;
    h.session.submit(say("two"));
    expect((await h.turnEnd()).msg.type).toBe("task_complete");
    expect(existsSync(path.join(dir, "denied.txt"))).toBe(false);
    const declined = inputOf(3).find((i) => i.type === "function_call_output" && i.call_id === "a2");
    expect(declined).toBeDefined();
    const cmd = h.events.find((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "CommandExecution");
    expect((cmd as any).msg?.item.status).toBe("declined");

    h.events.length = 0;
    h.session.submit(say("three"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "turn_aborted", reason: "interrupted" });
    expect(existsSync(path.join(dir, "aborted.txt"))).toBe(false);
    expect(server.responsesRequests()).toHaveLength(5);
    expectWellFormed(h.events);
  });

  it("emits approval requests as events and takes the decision from an op when no handler is set", async () => {
    server.enqueue(turn(sse.functionCall("shell_command", { command: "touch via-op.txt" }, { callId: "o1" })), turn(sse.message("fine")));
    const h = start({ approvalPolicy: "untrusted" });
    h.session.submit(say("go"));
    const request = await h.waitFor((e) => e.msg.type === "exec_approval_request");
    const approvalId = (request.msg as any).approval_id ?? (request.msg as any).call_id;
    h.session.submit({ type: "exec_approval", id: approvalId, decision: "approved" });
    expect((await h.turnEnd()).msg.type).toBe("task_complete");
    expect(existsSync(path.join(dir, "via-op.txt"))).toBe(true);
  });

  it("interrupts a running sleep: kills it and ends the turn interrupted", async () => {
    server.enqueue(turn(sse.functionCall("shell_command", { command: "sleep 30; touch late.txt", timeout_ms: 60_000 }, { callId: "s1" })));
    const h = start();
    h.session.submit(say("sleep"));
    await h.waitFor((e) => e.msg.type === "item_started" && (e.msg as any).item.type === "CommandExecution");
    h.session.submit({ type: "interrupt" });
    const end = await h.turnEnd();
    expect(end.msg).toMatchObject({ type: "turn_aborted", reason: "interrupted" });
    expect(server.responsesRequests()).toHaveLength(1);
    expect(h.session.isBusy()).toBe(false);
    // The history stays consistent: the call has an output.
    expect(h.session.history().some((i) => i.type === "function_call_output" && i.call_id === "s1")).toBe(true);
    expectWellFormed(h.events);
  });

  it("interrupts a running exec_command (unified exec) and reports the model context window", async () => {
    server.enqueue(turn(sse.functionCall("exec_command", { cmd: "sleep 30", yield_time_ms: 25_000 }, { callId: "x1" })));
    const h = start({ tools: { shellTool: "unified_exec" }, model: "gpt-5.1-codex" });
    h.session.submit(say("sleep"));
    expect((await h.waitFor((e) => e.msg.type === "task_started")).msg).toMatchObject({ model_context_window: 272_000 });
    await h.waitFor((e) => e.msg.type === "item_started" && (e.msg as any).item.type === "CommandExecution");
    h.session.submit({ type: "interrupt" });
    expect((await h.turnEnd()).msg).toMatchObject({ type: "turn_aborted", reason: "interrupted" });
    expectWellFormed(h.events);
  });

  it("interrupts while the model is still streaming", async () => {
    server.enqueue(turn(sse.message("partial", { phase: "commentary" }), { hold: true }));
    const h = start();
    h.session.submit(say("talk"));
    await h.waitFor((e) => e.msg.type === "agent_message");
    h.session.submit({ type: "interrupt" });
    expect((await h.turnEnd()).msg).toMatchObject({ type: "turn_aborted", reason: "interrupted" });
    expectWellFormed(h.events);
  });

  it("retries after a 500 and a dropped stream, then succeeds", async () => {
    server.enqueue(fail.status(500), fail.cutStream(sse.message("lost"), 3), turn(sse.message("third time")));
    const h = start();
    h.session.submit(say("hi"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "task_complete", last_agent_message: "third time" });
    const streamErrors = h.events.filter((e) => e.msg.type === "stream_error");
    expect(streamErrors.map((e) => (e.msg as any).message)).toEqual(["Reconnecting... 1/4", "Reconnecting... 2/5"]);
    expect(server.responsesRequests()).toHaveLength(3);
    expect(h.events.some((e) => e.msg.type === "error")).toBe(false);
    expectWellFormed(h.events);
  });

  it("ends the turn with an error event after the retries are spent, throwing nothing", async () => {
    server.enqueue(fail.rateLimited(0), fail.status(503), fail.status(502));
    const h = start({ retry: { requestMaxRetries: 2, baseDelayMs: 1 } });
    h.session.submit(say("hi"));
    const end = await h.turnEnd();
    expect(end.msg).toMatchObject({ type: "task_complete", last_agent_message: null });
    const error = h.events.find((e) => e.msg.type === "error");
    expect((error as any).msg.message).toContain("502");
    expect((error as any).msg.codex_error_info).toEqual({ response_too_many_failed_attempts: { http_status_code: 502 } });
    expect(server.responsesRequests()).toHaveLength(3);
    expect(h.session.isBusy()).toBe(false);
    expectWellFormed(h.events);
    // The session is still usable.
    server.enqueue(turn(sse.message("back")));
    h.events.length = 0;
    h.session.submit(say("again"));
    expect((await h.turnEnd()).msg).toMatchObject({ last_agent_message: "back" });
  });

  it("compacts manually: history becomes user messages + summary, base instructions kept", async () => {
    server.enqueue(turn(sse.message("first answer")), turn(sse.message("SUMMARY: did things")), turn(sse.message("after")));
    const h = start();
    h.session.submit(say("first question"));
    await h.turnEnd();
    h.events.length = 0;
    h.session.submit({ type: "compact" });
    await h.waitFor((e) => e.msg.type === "context_compacted");
    await h.turnEnd();
    const compactBody = server.responsesRequests()[1]!.body;
    expect(JSON.stringify(compactBody.input.at(-1))).toContain("CONTEXT CHECKPOINT COMPACTION");
    expect(compactBody.tools).toEqual([]);
    expect(compactBody.parallel_tool_calls).toBe(false);
    const history = h.session.history();
    expect(history.some((i) => i.type === "message" && i.role === "assistant")).toBe(false);
    expect(JSON.stringify(history)).toContain("first question");
    expect(JSON.stringify(history.at(-1))).toContain("SUMMARY: did things");
    expect(h.events.some((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "ContextCompaction")).toBe(true);

    h.events.length = 0;
    h.session.submit(say("next"));
    await h.turnEnd();
    const next = server.responsesRequests()[2]!.body;
    // The base instructions still open the request; the context is told again after the summary.
    expect(next).not.toHaveProperty("instructions");
    expect(next.input[0]).toEqual(server.responsesRequests()[0]!.body.input[0]);
    expect(next.input[0].content[0].text).toBe(DEFAULT_BASE_INSTRUCTIONS);
    expect(next.client_metadata["x-codex-window-id"]).toBe(`${h.session.threadId}:1`);
    const texts = next.input.map((i: any) => i.content?.[0]?.text ?? "");
    expect(texts.some((t: string) => t.startsWith(SUMMARY_PREFIX))).toBe(true);
    expect(texts.some((t: string) => t.startsWith("<permissions instructions>"))).toBe(true);
    expect(texts.some((t: string) => t === "first answer")).toBe(false);
    expectWellFormed(h.events);
  });

  it("compacts automatically when usage passes the limit, mid-turn", async () => {
    server.enqueue(
      turn(sse.functionCall("shell_command", { command: "echo hi" }, { callId: "c1" }), { usage: usage(900, 200) }),
      turn(sse.message("summary text")),
      turn(sse.message("finished")),
    );
    const h = start({ autoCompactTokenLimit: 1000 });
    h.session.submit(say("big task"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "task_complete", last_agent_message: "finished" });
    expect(h.events.some((e) => e.msg.type === "context_compacted")).toBe(true);
    const last = JSON.stringify(server.responsesRequests()[2]!.body.input);
    expect(last).toContain("summary text");
    expect(last).toContain("big task");
  });

  it("compacts and retries when the server says the context window is exceeded", async () => {
    server.enqueue(
      turn(sse.message("earlier answer")),
      fail.responseFailed("context_length_exceeded", "Your input exceeds the context window"),
      fail.responseFailed("context_length_exceeded", "still too long"),
      turn(sse.message("short summary")),
      turn(sse.message("answer after compaction")),
    );
    const h = start();
    h.session.submit(say("first"));
    await h.turnEnd();
    h.events.length = 0;
    h.session.submit(say("second"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "task_complete", last_agent_message: "answer after compaction" });
    expect(h.events.some((e) => e.msg.type === "context_compacted")).toBe(true);
    expect(h.events.some((e) => e.msg.type === "error")).toBe(false);
    // The second summarization attempt dropped the oldest item.
    const [tooLong, trimmed] = [server.responsesRequests()[2]!.body.input, server.responsesRequests()[3]!.body.input];
    expect(trimmed.length).toBe(tooLong.length - 1);
    expect(JSON.stringify(server.responsesRequests()[4]!.body.input)).toContain("short summary");
  });

  it("re-sends the permissions message when policies change and applies thread settings", async () => {
    server.enqueue(turn(sse.message("a")), turn(sse.message("b")));
    const h = start();
    h.session.submit(say("one"));
    await h.turnEnd();
    h.session.submit({ type: "thread_settings", settings: { approval_policy: "untrusted", model: "gpt-other" } });
    const applied = await h.waitFor((e) => e.msg.type === "thread_settings_applied");
    expect(applied.msg).toMatchObject({ thread_settings: { approval_policy: "untrusted", model: "gpt-other", cwd: dir } });
    h.events.length = 0;
    h.session.submit(say("two"));
    await h.turnEnd();
    const second = server.responsesRequests()[1]!.body;
    expect(second.model).toBe("gpt-other");
    const texts = second.input.map((i: any) => `${i.role}:${i.content?.[0]?.text ?? ""}`);
    expect(texts.filter((t: string) => t.startsWith("developer:<permissions instructions>"))).toHaveLength(2);
    expect(texts.some((t: string) => t.startsWith("developer:<model_switch>"))).toBe(true);
    expect(texts.filter((t: string) => t.startsWith("user:<environment_context>"))).toHaveLength(1);
  });

  it("puts images before text with [Image #N] labels", async () => {
    const png = Buffer.from("89504e470d0a1a0a0000000d49484452", "hex");
    writeFileSync(path.join(dir, "pic.png"), png);
    server.enqueue(turn(sse.message("seen")));
    const h = start();
    h.session.submit({
      type: "user_input",
      items: [
        { type: "text", text: "look", text_elements: [] },
        { type: "local_image", path: "pic.png" },
      ],
    });
    await h.turnEnd();
    const user = inputOf(0).at(-1);
    expect(user.content.map((c: any) => c.type)).toEqual(["input_text", "input_image", "input_text", "input_text"]);
    expect(user.content[0].text).toBe("<image name=[Image #1]>");
    expect(user.content[1].image_url).toMatch(/^data:image\/png;base64,/);
    expect(user.content[3].text).toBe("look");
  });

  it("steers a running turn with extra input", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.enqueue(turn(sse.message("working"), { gate }), turn(sse.message("saw the steer")));
    const h = start();
    h.session.submit(say("start"));
    await server.waitForResponsesRequests(1);
    h.session.submit(say("also this"));
    release();
    expect((await h.turnEnd()).msg).toMatchObject({ last_agent_message: "saw the steer" });
    expect(JSON.stringify(inputOf(1))).toContain("also this");
    expect(h.events.filter((e) => e.msg.type === "task_started")).toHaveLength(1);
  });

  it("records rate limits, reports a reroute, and reports invalid ops as errors", async () => {
    server.enqueue(turn(sse.message("x"), { headers: { "x-codex-primary-used-percent": "40", "openai-model": "gpt-safer" } }));
    const lines: RolloutItem[] = [];
    const h = start({ recorder: rolloutRecorder({ record: (items) => lines.push(...[items].flat()) }) });
    const recorded = () => lines.flatMap((l) => (l.type === "response_item" ? [l.payload] : []));
    h.session.submit({ type: "bogus" });
    await h.waitFor((e) => e.msg.type === "error" && (e.msg as any).message.includes("invalid op"));
    h.session.submit(say("hi"));
    await h.turnEnd();
    expect(h.session.rateLimits().codex).toMatchObject({ primary: { used_percent: 40 } });
    expect(h.events.find((e) => e.msg.type === "model_reroute")?.msg).toMatchObject({ from_model: "gpt-test", to_model: "gpt-safer" });
    const tokenCount = h.events.find((e) => e.msg.type === "token_count");
    expect((tokenCount as any).msg.rate_limits).toMatchObject({ limit_id: "codex" });
    expect(recorded().some((i) => i.type === "message" && i.role === "assistant")).toBe(true);
    // model_reroute is a protocol event and is recorded in the rollout.
    const reroute = lines.find((l) => l.type === "event_msg" && l.payload.type === "model_reroute");
    expect(reroute?.payload).toEqual({ type: "model_reroute", from_model: "gpt-test", to_model: "gpt-safer", reason: "high_risk_cyber_activity" });
    expect(EventMsg.safeParse(reroute?.payload).success).toBe(true);
    expectWellFormed(h.events);
  });

  it("fails closed when a sandboxed mode has no sandbox backend", async () => {
    server.enqueue(turn(sse.functionCall("shell_command", { command: "touch nope.txt" }, { callId: "r1" })), turn(sse.message("ok")));
    const h = start({ sandboxPolicy: { type: "workspace-write" }, approvalPolicy: "never", runner: createLocalRunner({ sandbox: null }) });
    h.session.submit(say("try"));
    await h.turnEnd();
    expect(existsSync(path.join(dir, "nope.txt"))).toBe(false);
    const output = inputOf(1).find((i) => i.type === "function_call_output");
    expect(JSON.stringify(output.output)).toContain("not available");
  });

  it("does not let a read-only session write files", async () => {
    server.enqueue(turn(sse.functionCall("shell_command", { command: "touch ro.txt" }, { callId: "r2" })), turn(sse.message("ok")));
    const h = start({ sandboxPolicy: { type: "read-only" }, approvalPolicy: "never" });
    h.session.submit(say("try"));
    expect((await h.turnEnd()).msg.type).toBe("task_complete");
    expect(existsSync(path.join(dir, "ro.txt"))).toBe(false);
    expect(inputOf(1).some((i) => i.type === "function_call_output" && i.call_id === "r2")).toBe(true);
  });

  it("applies patches to real files: add, update, delete (freeform apply_patch)", async () => {
    writeFileSync(path.join(dir, "keep.txt"), "one\ntwo\nthree\n");
    writeFileSync(path.join(dir, "gone.txt"), "bye\n");
    const patch = [
      "*** Begin Patch",
      "*** Add File: new.txt",
      "+hello",
      "*** Update File: keep.txt",
      "@@",
      " one",
      "-two",
      "+TWO",
      " three",
      "*** Delete File: gone.txt",
      "*** End Patch",
    ].join("\n");
    server.enqueue(turn(sse.customToolCall("apply_patch", patch, { callId: "p1" })), turn(sse.message("patched")));
    const h = start();
    h.session.submit(say("edit"));
    expect((await h.turnEnd()).msg).toMatchObject({ last_agent_message: "patched" });
    expect(readFileSync(path.join(dir, "new.txt"), "utf8")).toBe("hello\n");
    expect(readFileSync(path.join(dir, "keep.txt"), "utf8")).toBe("one\nTWO\nthree\n");
    expect(existsSync(path.join(dir, "gone.txt"))).toBe(false);
    const output = inputOf(1).find((i) => i.type === "custom_tool_call_output");
    expect(output.call_id).toBe("p1");
    const change = h.events.find((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "FileChange");
    expect((change as any).msg.item.status).toBe("completed");
    expectWellFormed(h.events);
  });

  it("hands dynamic tool calls to the callback and returns its content to the model", async () => {
    server.enqueue(turn(sse.functionCall("lookup", { key: "k1" }, { callId: "d1" })), turn(sse.message("thanks")));
    const seen: unknown[] = [];
    const h = start({
      dynamicTools: [{ name: "lookup", description: "Look a key up", inputSchema: { type: "object", properties: { key: { type: "string" } } } }],
      dynamicToolHandler: async (request) => {
        seen.push(request.arguments);
        return { contentItems: [{ type: "inputText", text: "value-42" }], success: true };
      },
    });
    h.session.submit(say("look"));
    await h.turnEnd();
    expect(seen).toEqual([{ key: "k1" }]);
    expect((server.responsesRequests()[0]!.body.tools as any[]).some((t) => t.name === "lookup")).toBe(true);
    const output = inputOf(1).find((i) => i.type === "function_call_output");
    expect(JSON.stringify(output.output)).toContain("value-42");
    expect(h.events.some((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "DynamicToolCall")).toBe(true);
    expectWellFormed(h.events);
  });

  it("plan mode offers request_user_input and tells the model", async () => {
    server.enqueue(turn(sse.message("plan")));
    const h = start({ collaborationMode: { mode: "plan", settings: { model: "gpt-test", reasoning_effort: null, developer_instructions: null } } });
    h.session.submit(say("plan it"));
    await h.turnEnd();
    const body = server.responsesRequests()[0]!.body;
    expect((body.tools as any[]).map((t) => t.name)).toContain("request_user_input");
    expect(JSON.stringify(body.input)).toContain("<collaboration_mode>plan</collaboration_mode>");
    expect(h.events.find((e) => e.msg.type === "task_started")?.msg).toMatchObject({ collaboration_mode_kind: "plan" });
  });

  it("resolves a pending approval when interrupted, and accepts a call id as the approval id", async () => {
    server.enqueue(
      turn(sse.functionCall("shell_command", { command: "touch wait.txt" }, { callId: "w1" })),
      turn(sse.functionCall("shell_command", { command: "touch by-call-id.txt" }, { callId: "w2" })),
      turn(sse.message("done")),
    );
    const h = start({ approvalPolicy: "untrusted" });
    h.session.submit(say("one"));
    await h.waitFor((e) => e.msg.type === "exec_approval_request");
    h.session.submit({ type: "interrupt" });
    expect((await h.turnEnd()).msg).toMatchObject({ type: "turn_aborted", reason: "interrupted" });
    expect(existsSync(path.join(dir, "wait.txt"))).toBe(false);

    h.events.length = 0;
    h.session.submit(say("two"));
    await h.waitFor((e) => e.msg.type === "exec_approval_request");
    h.session.submit({ type: "exec_approval", id: "w2", decision: "approved" });
    expect((await h.turnEnd()).msg.type).toBe("task_complete");
    expect(existsSync(path.join(dir, "by-call-id.txt"))).toBe(true);
    expectWellFormed(h.events);
  });

  it("sends the output schema, strips item ids, reports web searches, and filters the command environment", async () => {
    server.enqueue(
      turn([sse.webSearch("codex docs"), sse.functionCall("shell_command", { command: "echo \"[$VISIBLE][$SECRET_TOKEN]\"" }, { callId: "e1" })]),
      turn(sse.message('{"ok":true}')),
    );
    const h = start({
      env: { FAKE_KEY: "k", PATH: process.env.PATH, SHELL: "/bin/bash", HOME: dir, SECRET_TOKEN: "hidden" },
      shellEnvironmentPolicy: { ignore_default_excludes: false, set: { VISIBLE: "yes" } },
    });
    const schema = { type: "object", properties: { ok: { type: "boolean" } }, required: ["ok"] };
    h.session.submit({ ...say("json please"), final_output_json_schema: schema });
    await h.turnEnd();
    const first = server.responsesRequests()[0]!.body;
    expect(first.text).toEqual({ format: { type: "json_schema", name: "codex_output_schema", schema, strict: true } });
    const second = inputOf(1);
    expect(second.some((i: any) => "id" in i)).toBe(false);
    expect(second).toContainEqual(expect.objectContaining({ type: "web_search_call" }));
    const output = JSON.stringify(second.find((i: any) => i.type === "function_call_output").output);
    expect(output).toContain("[yes][]");
    const search = h.events.find((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "WebSearch");
    expect(search?.msg).toMatchObject({ item: { query: "codex docs", action: { type: "search", query: "codex docs" } } });
    expectWellFormed(h.events);
  });

  it("records rollout items that parse as rollout lines, and resumes from them", async () => {
    server.enqueue(turn(sse.message("remember 7")), turn(sse.message("summary: 7")), turn(sse.message("it was 7")));
    const items: RolloutItem[] = [];
    const h = start({ recorder: rolloutRecorder({ record: (i) => items.push(...(Array.isArray(i) ? i : [i as RolloutItem])) }) });
    h.session.submit(say("the number is 7"));
    await h.turnEnd();
    h.events.length = 0;
    h.session.submit({ type: "compact" });
    await h.turnEnd();
    for (const item of items) {
      const parsed = RolloutLine.safeParse({ timestamp: "2026-01-01T00:00:00.000Z", ...item });
      expect(parsed.success, `${item.type}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
    expect(items.map((i) => i.type)).toEqual(expect.arrayContaining(["turn_context", "response_item", "event_msg", "compacted"]));
    const compacted = items.find((i) => i.type === "compacted")!.payload as any;
    expect(compacted.message).toBe("summary: 7");

    // Resume: a new session continues from the replacement history.
    await h.session.shutdown();
    const resumed = start({ initialHistory: compacted.replacement_history, threadId: h.session.threadId });
    resumed.session.submit(say("what was it?"));
    expect((await resumed.turnEnd()).msg).toMatchObject({ last_agent_message: "it was 7" });
    expect(resumed.session.threadId).toBe(h.session.threadId);
    const body = JSON.stringify(server.responsesRequests()[2]!.body.input);
    expect(body).toContain("summary: 7");
    expect(body).toContain("what was it?");
  });

  it("runs from a loaded config.toml (config → session → fake server)", async () => {
    // Top-level keys go before the provider table configToml() ends with.
    writeFileSync(path.join(dir, "config.toml"), `approval_policy = "never"\nsandbox_mode = "danger-full-access"\n${server.configToml({ envKey: "MOCK_KEY", model: "gpt-from-config" })}`);
    const loaded = loadConfig({ codexHome: dir, env: {} });
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    expect(loaded.warnings).toEqual([]);
    server.enqueue(turn(sse.message("configured")));
    const h = start(sessionOptionsFromConfig(loaded.config, dir, { env: { MOCK_KEY: "mk", PATH: process.env.PATH } }));
    h.session.submit(say("hi"));
    expect((await h.turnEnd()).msg).toMatchObject({ last_agent_message: "configured" });
    const request = server.responsesRequests()[0]!;
    expect(request.body.model).toBe("gpt-from-config");
    expect(request.headers.authorization).toBe("Bearer mk");
    expect(h.session.settings()).toMatchObject({ model_provider_id: "mock", approval_policy: "never", permission_profile: { type: "disabled" } });
  });

  it("passes execpolicy rules to the tools: a forbidden command never runs", async () => {
    const loaded = policyFromSources([{ file: "t.rules", contents: 'prefix_rule(pattern=["touch"], decision="forbidden", justification="no touching")' }]);
    if (!loaded.ok) throw new Error("rules did not load");
    server.enqueue(turn(sse.functionCall("shell_command", { command: "touch forbidden.txt" }, { callId: "f1" })), turn(sse.message("ok")));
    const h = start({ execPolicy: loaded.policy });
    h.session.submit(say("try"));
    await h.turnEnd();
    expect(existsSync(path.join(dir, "forbidden.txt"))).toBe(false);
    expect(JSON.stringify(inputOf(1).find((i) => i.type === "function_call_output").output)).toContain("no touching");
  });

  it("shuts down: ends the event iterator after shutdown_complete", async () => {
    const h = start();
    const seen: string[] = [];
    const consumer = (async () => {
      for await (const e of h.session.events()) seen.push(e.msg.type);
    })();
    await h.session.shutdown();
    await consumer;
    expect(seen).toEqual(["session_configured", "shutdown_complete"]);
    session = undefined;
  });
});

