import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  AskForApproval,
  EventMsg,
  isApprovalGranted,
  ModeKind,
  Op,
  parseEventMsg,
  ReviewDecision,
  TurnItem,
  userInputText,
} from "./index.js";

const realEvents: unknown[] = JSON.parse(
  readFileSync(new URL("./fixtures/codex-0.169-events.json", import.meta.url), "utf8"),
);

describe("EventMsg", () => {
  it("parses every event kind real Codex 0.169 wrote to a rollout", () => {
    expect(realEvents.length).toBeGreaterThanOrEqual(8);
    for (const raw of realEvents) {
      const parsed = parseEventMsg(raw);
      if (parsed.kind !== "event") throw new Error(`not parsed: ${JSON.stringify(raw)} -> ${JSON.stringify(parsed)}`);
    }
  });

  it("keeps the fields reconstruction needs from real events", () => {
    const byType = new Map(realEvents.map((raw) => [(raw as { type: string }).type, raw]));
    const started = EventMsg.parse(byType.get("task_started"));
    expect(started).toMatchObject({ type: "task_started", model_context_window: 258400 });
    expect(started.type === "task_started" && started.turn_id.length).toBeGreaterThan(0);
    const command = realEvents
      .map((raw) => EventMsg.parse(raw))
      .find((event) => event.type === "item_completed" && event.item.type === "CommandExecution");
    expect(command).toMatchObject({
      item: { command: ["/bin/bash", "-lc", "echo hello-from-tool"], duration: { secs: 0 } },
    });
    expect(command?.type === "item_completed" && command.completed_at_ms).toBeGreaterThan(0);
  });

  it("reads the turn_started / turn_complete aliases under their canonical names", () => {
    expect(EventMsg.parse({ type: "turn_started", turn_id: "t1" })).toMatchObject({ type: "task_started" });
    expect(EventMsg.parse({ type: "turn_complete", turn_id: "t1" })).toEqual({
      type: "task_complete",
      turn_id: "t1",
      last_agent_message: null,
    });
  });

  it("reports unknown and invalid events without throwing", () => {
    expect(parseEventMsg({ type: "realtime_conversation_started" })).toEqual({
      kind: "unknown",
      type: "realtime_conversation_started",
    });
    const bad = parseEventMsg({ type: "agent_message", message: 3 });
    expect(bad.kind).toBe("invalid");
    expect(bad.kind === "invalid" && bad.reason).toContain("message");
    expect(parseEventMsg(null).kind).toBe("invalid");
  });

  it("round-trips a network exec approval request (context and proposed amendments)", () => {
    const event = {
      type: "exec_approval_request",
      call_id: "c1",
      approval_id: "a1",
      turn_id: "t1",
      command: ["curl", "http://api.example.com"],
      cwd: "/w",
      reason: "network access to api.example.com",
      network_approval_context: { host: "api.example.com", protocol: "socks5_tcp" },
      proposed_network_policy_amendments: [{ host: "api.example.com", action: "allow" }],
      available_decisions: ["approved", { network_policy_amendment: { network_policy_amendment: { host: "api.example.com", action: "allow" } } }],
      parsed_cmd: [],
    };
    expect(JSON.parse(JSON.stringify(EventMsg.parse(event)))).toEqual(event);
    expect(parseEventMsg({ ...event, network_approval_context: { host: "h", protocol: "socks5Tcp" } }).kind).toBe("invalid");
  });

  it("round-trips an agent message with phase", () => {
    const event = { type: "agent_message", message: "done", phase: "final_answer" };
    expect(JSON.parse(JSON.stringify(EventMsg.parse(event)))).toEqual(event);
  });
});

describe("TurnItem", () => {
  it("reads unknown variants as Other and keeps phase on agent messages", () => {
    expect(TurnItem.parse({ type: "SomeFutureItem", id: "x" })).toEqual({ type: "Other" });
    expect(
      TurnItem.parse({ type: "AgentMessage", id: "m", content: [{ type: "Text", text: "hi" }], phase: "commentary" }),
    ).toMatchObject({ phase: "commentary" });
  });

  it("reads camelCase inProgress status", () => {
    expect(
      TurnItem.parse({ type: "McpToolCall", id: "c", server: "s", tool: "t", arguments: {}, status: "inProgress" }),
    ).toMatchObject({ status: "in_progress" });
  });

  it("joins user text inputs", () => {
    const item = TurnItem.parse({
      type: "UserMessage",
      id: "u",
      content: [{ type: "text", text: "a" }, { type: "image", image_url: "x" }, { type: "text", text: "b" }],
    });
    expect(item.type === "UserMessage" && userInputText(item.content)).toBe("ab");
  });
});

describe("policy enums", () => {
  it("AskForApproval accepts kebab-case values and granular", () => {
    for (const value of ["untrusted", "on-failure", "on-request", "never"]) {
      expect(AskForApproval.parse(value)).toBe(value);
    }
    expect(
      AskForApproval.parse({ granular: { sandbox_approval: true, rules: false, mcp_elicitations: true } }),
    ).toEqual({
      granular: {
        sandbox_approval: true,
        rules: false,
        mcp_elicitations: true,
        skill_approval: false,
        request_permissions: false,
      },
    });
    expect(AskForApproval.safeParse("on_request").success).toBe(false);
  });

  it("ModeKind reads legacy kinds as default", () => {
    for (const legacy of ["code", "pair_programming", "execute", "custom"]) {
      expect(ModeKind.parse(legacy)).toBe("default");
    }
    expect(ModeKind.parse("plan")).toBe("plan");
    expect(ModeKind.safeParse("chaos").success).toBe(false);
  });

  it("ReviewDecision covers simple and amendment decisions", () => {
    expect(isApprovalGranted(ReviewDecision.parse("approved_for_session"))).toBe(true);
    expect(isApprovalGranted(ReviewDecision.parse("denied"))).toBe(false);
    const amendment = ReviewDecision.parse({
      approved_execpolicy_amendment: { proposed_execpolicy_amendment: ["git", "status"] },
    });
    expect(isApprovalGranted(amendment)).toBe(true);
    const deny = ReviewDecision.parse({
      network_policy_amendment: { network_policy_amendment: { host: "example.com", action: "deny" } },
    });
    expect(isApprovalGranted(deny)).toBe(false);
  });
});

describe("Op", () => {
  it("parses user input with thread-settings overrides", () => {
    const parsed = Op.parse({
      type: "user_input",
      items: [{ type: "text", text: "hi" }],
      thread_settings: { model: "gpt-5.1-codex", approval_policy: "never", collaboration_mode: null },
    });
    expect(parsed).toEqual({
      type: "user_input",
      items: [{ type: "text", text: "hi", text_elements: [] }],
      thread_settings: { model: "gpt-5.1-codex", approval_policy: "never" },
    });
  });

  it("parses approvals, interrupt, compact and shutdown", () => {
    expect(Op.parse({ type: "exec_approval", id: "a1", decision: "approved" })).toMatchObject({ id: "a1" });
    expect(Op.parse({ type: "patch_approval", id: "p1", decision: "abort" })).toMatchObject({ decision: "abort" });
    for (const type of ["interrupt", "compact", "shutdown"]) expect(Op.parse({ type })).toEqual({ type });
    const bad = Op.safeParse({ type: "exec_approval", id: "a1", decision: "maybe" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.path[0]).toBe("decision");
  });
});

describe("hook and reroute events", () => {
  it("parses hook_started / hook_completed with a v2 HookRunSummary and model_reroute", () => {
    const run = {
      id: "pre-tool-use:0:/h/hooks.json",
      eventName: "preToolUse",
      handlerType: "command",
      executionMode: "sync",
      scope: "turn",
      source: "user",
      sourcePath: "/h/hooks.json",
      displayOrder: 0,
      status: "blocked",
      statusMessage: null,
      startedAt: 1,
      completedAt: 2,
      durationMs: 1000,
      entries: [{ kind: "feedback", text: "no" }],
    };
    expect(parseEventMsg({ type: "hook_completed", turn_id: "t", run })).toMatchObject({ kind: "event", event: { run: { status: "blocked" } } });
    expect(parseEventMsg({ type: "hook_started", run: { ...run, status: "running" } })).toMatchObject({ kind: "event", event: { turn_id: null } });
    expect(parseEventMsg({ type: "hook_started", turn_id: "t", run: { ...run, eventName: 3 } }).kind).toBe("invalid");
    expect(parseEventMsg({ type: "model_reroute", from_model: "a", to_model: "b", reason: "high_risk_cyber_activity" })).toMatchObject({ kind: "event" });
  });
});

describe("request_permissions", () => {
  it("reads the event with legacy read/write paths upgraded to entries", () => {
    const parsed = parseEventMsg({
      type: "request_permissions",
      call_id: "c1",
      turn_id: "t1",
      reason: "write the cache",
      permissions: { file_system: { write: ["/srv/cache"] } },
      cwd: "/repo",
    });
    expect(parsed.kind).toBe("event");
    if (parsed.kind !== "event" || parsed.event.type !== "request_permissions") throw new Error("not parsed");
    expect(parsed.event.permissions.file_system?.entries).toEqual([
      { path: { type: "path", path: "/srv/cache" }, access: "write" },
    ]);
    expect(parsed.event.permissions.network).toBeNull();
  });

  it("reads the response op with scope defaulting to turn, and rejects a bad scope", () => {
    const op = Op.parse({ type: "request_permissions_response", id: "c1", response: { permissions: {} } });
    expect(op).toEqual({
      type: "request_permissions_response",
      id: "c1",
      response: { permissions: { network: null, file_system: null }, scope: "turn", strict_auto_review: false },
    });
    expect(
      Op.safeParse({ type: "request_permissions_response", id: "c1", response: { permissions: {}, scope: "forever" } })
        .success,
    ).toBe(false);
  });
});
