// The seams other features plug into: tool providers (one registry, namespaces), startTurn /
// onIdle (a turn the session starts by itself), inject, and child sessions.
import { sse, turn } from "@codex-ts/test-support";
import { afterEach, describe, expect, it } from "vitest";
import type { ToolHandler } from "../tools/index.js";
import type { Session } from "./session.js";
import {
  type Harness,
  messageTexts,
  type SessionDirs,
  say,
  startSession,
  useSessionDirs,
} from "./test-harness.js";

let d: SessionDirs;
let sessions: Session[] = [];
useSessionDirs("codex-seams-", (dirs) => (d = dirs));
afterEach(async () => {
  await Promise.all(sessions.map((s) => s.shutdown()));
  sessions = [];
});

function start(extra: Parameters<typeof startSession>[2] = {}): Harness {
  const h = startSession(d.server, d.work, extra);
  sessions.push(h.session);
  return h;
}

const inputOf = (n: number): any[] => d.server.responsesRequests()[n]!.body.input;
const outputOf = (n: number, callId: string) =>
  inputOf(n).find((i) => i.type === "function_call_output" && i.call_id === callId)?.output;

function echoTool(name: string, namespace?: string): ToolHandler {
  const handler: ToolHandler = {
    spec: {
      type: "function",
      name,
      description: `echo ${name}`,
      strict: false,
      parameters: { type: "object", properties: { v: { type: "string" } } },
    },
    handle: async (call) => ({
      output: `${namespace ?? ""}/${name} got ${call.payload.type === "function" ? call.payload.arguments : ""}`,
      success: true,
    }),
  };
  if (namespace) handler.namespace = namespace;
  return handler;
}

describe("tool providers", () => {
  it("list namespaced tools as one namespace spec and dispatch calls by namespace + name", async () => {
    const seen: boolean[] = [];
    const h = start({
      toolProviders: [
        {
          name: "probe",
          handlers: (t) => {
            seen.push(t.planMode);
            return [echoTool("ask", "mcp__probe"), echoTool("lookup", "mcp__probe"), echoTool("plain")];
          },
        },
      ],
    });
    d.server.enqueue(
      turn(
        sse.item({
          type: "function_call",
          id: "fc1",
          call_id: "c1",
          namespace: "mcp__probe",
          name: "lookup",
          arguments: '{"v":"x"}',
        }),
      ),
      turn(sse.item({ type: "function_call", id: "fc2", call_id: "c2", name: "lookup", arguments: "{}" })),
      turn(sse.message("done")),
    );
    h.session.submit(say("go"));
    await h.turnEnd();
    const tools = d.server.responsesRequests()[0]!.body.tools as any[];
    const ns = tools.find((t) => t.type === "namespace");
    expect(ns).toMatchObject({ name: "mcp__probe" });
    expect(ns.tools.map((t: any) => t.name)).toEqual(["ask", "lookup"]);
    expect(tools.some((t) => t.type === "function" && t.name === "plain")).toBe(true);
    expect(outputOf(1, "c1")).toBe('mcp__probe/lookup got {"v":"x"}');
    // Without its namespace the name is unknown.
    expect(outputOf(2, "c2")).toBe("unsupported call: lookup");
    expect(seen).toEqual([false, false, false]);
  });

  it("a factory gets the session it serves", async () => {
    let served: Session | undefined;
    const h = start({
      toolProviders: [
        (session) => {
          served = session;
          return { name: "none", handlers: () => [] };
        },
      ],
    });
    expect(served).toBe(h.session);
  });
});

describe("startTurn / onIdle / inject", () => {
  it("starts a turn when idle, refuses while busy, and fires onIdle after each task", async () => {
    const h = start();
    let idle = 0;
    let idleWaiter: (() => void) | undefined;
    const nextIdle = () => new Promise<void>((resolve) => (idleWaiter = resolve));
    h.session.onIdle(() => {
      idle++;
      idleWaiter?.();
    });
    let idled = nextIdle();
    d.server.enqueue(turn(sse.message("first")), turn(sse.message("continued")));
    h.session.submit(say("hello"));
    expect(h.session.startTurn({ items: [] }, { origin: "goal" })).toEqual({ ok: false, reason: "busy" });
    await h.turnEnd();
    await idled;
    expect(idle).toBe(1);
    idled = nextIdle();
    const started = h.session.startTurn(
      { items: [{ type: "message", role: "user", content: [{ type: "input_text", text: "keep going" }] }] },
      { origin: "goal" },
    );
    expect(started.ok).toBe(true);
    await h.waitFor(
      (e) => e.msg.type === "task_complete" && (e.msg as any).last_agent_message === "continued",
    );
    expect(messageTexts(inputOf(1)).at(-1)).toBe("user:keep going");
    // No UserMessage item for a feature's hidden input.
    expect(h.events.filter((e) => e.msg.type === "user_message")).toHaveLength(1);
    await idled;
    expect(idle).toBe(2);
  });

  it("user input queued before the idle notification goes first", async () => {
    const h = start();
    const results: string[] = [];
    h.session.onIdle(() => {
      if (results.includes("started")) return;
      const r = h.session.startTurn(
        { items: [{ type: "message", role: "user", content: [{ type: "input_text", text: "goal" }] }] },
        { origin: "goal" },
      );
      results.push(r.ok ? "started" : r.reason);
    });
    d.server.enqueue(turn(sse.message("one")), turn(sse.message("two")), turn(sse.message("from goal")));
    h.session.submit(say("one"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    // Submitted right after task_complete, before the idle notification: it runs first.
    h.session.submit(say("two"));
    await h.waitFor(
      (e) => e.msg.type === "task_complete" && (e.msg as any).last_agent_message === "from goal",
    );
    expect(results).toEqual(["started"]);
    expect(messageTexts(inputOf(1)).at(-1)).toBe("user:two");
    expect(messageTexts(inputOf(2)).at(-1)).toBe("user:goal");
  });

  it("inject: items reach the next request", async () => {
    const h = start();
    d.server.enqueue(turn(sse.message("ok")));
    h.session.inject([
      { type: "message", role: "user", content: [{ type: "input_text", text: "<note>child done</note>" }] },
    ]);
    h.session.submit(say("hi"));
    await h.turnEnd();
    expect(messageTexts(inputOf(0)).slice(-2)).toEqual(["user:hi", "user:<note>child done</note>"]);
  });
});

describe("children", () => {
  it("a child shares the session id, sends the parent-thread header, and goes down with its parent", async () => {
    const h = start();
    const child = h.session.children.spawn({ subagent: { agentId: "a1", agentType: "default" } });
    expect(child.sessionId).toBe(h.session.sessionId);
    expect(child.threadId).not.toBe(h.session.threadId);
    expect(h.session.children.list()).toEqual([child]);
    d.server.enqueue(turn(sse.message("from child")));
    const done = new Promise<void>((resolve) =>
      child.subscribe((e) => e.msg.type === "task_complete" && resolve()),
    );
    child.submit(say("work"));
    await done;
    const request = d.server.responsesRequests()[0]!;
    expect(request.headers["x-codex-parent-thread-id"]).toBe(h.session.threadId);
    expect(child.settings().approval_policy).toBe(h.session.settings().approval_policy);
    let childDown = false;
    child.subscribe((e) => {
      if (e.msg.type === "shutdown_complete") childDown = true;
    });
    await h.session.shutdown();
    expect(childDown).toBe(true);
    expect(h.session.children.list()).toEqual([]);
  });
});
