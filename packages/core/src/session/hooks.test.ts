// End-to-end: lifecycle hooks (real shell scripts) wired into the session, against the fake
// Responses server.
import { chmodSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { HookEngine } from "@codex-ts/hooks";
import { EventMsg, type RolloutItem, v2 } from "@codex-ts/protocol";
import { type FakeResponsesServer, sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import type { Session, SessionOptions } from "./session.js";
import { loadConfig } from "../config/load.js";
import { hookEngineFromConfig, rolloutRecorder } from "./session.js";
import { messageTexts, say, startSession, useSessionDirs } from "./test-harness.js";

let server: FakeResponsesServer;
let dir: string;
let home: string;
let work: string;
let session: Session | undefined;

useSessionDirs(
  "codex-hooks-",
  (d) => {
    ({ server, dir, home, work } = d);
  },
  async () => {
    await session?.shutdown();
    session = undefined;
  },
);

/** Write a hook script and return its path. */
function script(name: string, body: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, `#!/bin/sh\n${body}\n`);
  chmodSync(file, 0o755);
  return file;
}

type Groups = Record<string, { matcher?: string; command: string }[]>;

/** hooks.json in CODEX_HOME, trust bypassed (trust itself is @codex-ts/hooks' concern). */
function engine(groups: Groups): HookEngine {
  const hooks: Record<string, unknown> = {};
  for (const [event, list] of Object.entries(groups)) {
    hooks[event] = list.map((g) => ({ ...(g.matcher ? { matcher: g.matcher } : {}), hooks: [{ type: "command", command: g.command, timeout: 30 }] }));
  }
  writeFileSync(path.join(home, "hooks.json"), JSON.stringify({ hooks }));
  return new HookEngine({ layers: [{ source: "user", dir: home }], bypassHookTrust: true });
}

function start(groups: Groups, extra: Partial<SessionOptions> = {}) {
  const h = startSession(server, work, { hooks: engine(groups), ...extra });
  session = h.session;
  return h;
}

const readJsonl = (file: string): any[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l));

const inputOf = (n: number): any[] => server.responsesRequests()[n]!.body.input as any[];

describe("session hooks", () => {
  it("adds SessionStart and UserPromptSubmit context to the request and reports runs", async () => {
    const log = path.join(dir, "inputs.log");
    const ss = script(
      "session-start.sh",
      `cat >> ${log}; echo >> ${log}; echo '{"hookSpecificOutput":{"hookEventName":"SessionStart","additionalContext":"SS-CONTEXT"}}'`,
    );
    const ups = script("prompt.sh", `cat >> ${log}; echo >> ${log}; echo "UPS-CONTEXT"`);
    server.enqueue(turn(sse.message("one")), turn(sse.message("two")));
    const h = start({ SessionStart: [{ matcher: "startup", command: ss }], UserPromptSubmit: [{ command: ups }] });
    h.session.submit(say("hello there"));
    const end = await h.turnEnd();
    expect(end.msg.type).toBe("task_complete");
    const texts = messageTexts(inputOf(0));
    const ssAt = texts.indexOf("developer:SS-CONTEXT");
    const userAt = texts.indexOf("user:hello there");
    const upsAt = texts.indexOf("developer:UPS-CONTEXT");
    expect(ssAt).toBeGreaterThanOrEqual(0);
    expect(ssAt).toBeLessThan(userAt);
    expect(upsAt).toBe(userAt + 1);

    // Hook stdin: the documented fields.
    const inputs = readJsonl(log);
    expect(inputs[0]).toMatchObject({ hook_event_name: "SessionStart", source: "startup", session_id: h.session.sessionId, cwd: work, model: "gpt-test" });
    expect(inputs[1]).toMatchObject({ hook_event_name: "UserPromptSubmit", prompt: "hello there" });

    // hook_started / hook_completed carry valid v2 HookRunSummary values; runs are kept per turn.
    const turnId = (end.msg as { turn_id: string }).turn_id;
    const completed = h.events.filter((e) => e.msg.type === "hook_completed");
    expect(completed).toHaveLength(2);
    expect(h.events.filter((e) => e.msg.type === "hook_started")).toHaveLength(2);
    for (const e of h.events.filter((x) => x.msg.type === "hook_started" || x.msg.type === "hook_completed")) {
      expect(EventMsg.safeParse(e.msg).success).toBe(true);
      expect(v2.HookRunSummary.safeParse((e.msg as any).run).success).toBe(true);
      expect((e.msg as any).turn_id).toBe(turnId);
    }
    expect(h.session.hookRuns(turnId).map((r) => r.eventName)).toEqual(["sessionStart", "userPromptSubmit"]);

    // SessionStart fires once per session; UserPromptSubmit every turn.
    h.session.submit(say("again"));
    await h.waitFor((e) => e.msg.type === "task_complete" && (e.msg as any).turn_id !== turnId);
    const later = readJsonl(log);
    expect(later.map((i) => i.hook_event_name)).toEqual(["SessionStart", "UserPromptSubmit", "UserPromptSubmit"]);
  });

  it("a blocking UserPromptSubmit hook ends the turn without calling the model", async () => {
    const ups = script("block.sh", `if grep -q secret; then echo "no secrets please" >&2; exit 2; fi`);
    server.enqueue(turn(sse.message("answered")));
    const h = start({ UserPromptSubmit: [{ command: ups }] });
    h.session.submit(say("tell me the secret"));
    const end = await h.turnEnd();
    expect(end.msg).toMatchObject({ type: "task_complete", last_agent_message: null });
    expect(server.responsesRequests()).toHaveLength(0);
    const warning = h.events.find((e) => e.msg.type === "warning");
    expect((warning as any).msg.message).toContain("no secrets please");
    // The next prompt is fine and does not carry the blocked one.
    h.session.submit(say("hello"));
    await h.waitFor((e) => e.msg.type === "task_complete" && (e.msg as any).last_agent_message === "answered");
    expect(messageTexts(inputOf(0)).join("\n")).not.toContain("secret");
  });

  it("a blocking PreToolUse hook stops the command from running and tells the model why", async () => {
    const log = path.join(dir, "pre.log");
    const pre = script("pre.sh", `tee ${log} | grep -q touch && { echo "touching is not allowed" >&2; exit 2; }; exit 0`);
    server.enqueue(
      turn(sse.functionCall("shell_command", { command: "touch created.txt" }, { callId: "c1" })),
      turn(sse.message("ok")),
    );
    const h = start({ PreToolUse: [{ matcher: "Bash", command: pre }] });
    h.session.submit(say("make a file"));
    expect((await h.turnEnd()).msg.type).toBe("task_complete");
    expect(existsSync(path.join(work, "created.txt"))).toBe(false);
    const output = inputOf(1).find((i) => i.type === "function_call_output" && i.call_id === "c1");
    expect(output.output).toBe("Command blocked by PreToolUse hook: touching is not allowed. Command: touch created.txt");
    expect(JSON.parse(readFileSync(log, "utf8"))).toMatchObject({
      hook_event_name: "PreToolUse",
      tool_name: "Bash",
      tool_input: { command: "touch created.txt" },
      tool_use_id: "c1",
    });
    expect(h.events.some((e) => e.msg.type === "item_started" && (e.msg as any).item.type === "CommandExecution")).toBe(false);
  });

  it("runs the tool with a PreToolUse hook's updatedInput, and PostToolUse can block and add context", async () => {
    const pre = script(
      "rewrite.sh",
      `echo '{"hookSpecificOutput":{"hookEventName":"PreToolUse","permissionDecision":"allow","updatedInput":{"command":"echo rewritten > out.txt"}}}'`,
    );
    const post = script(
      "post.sh",
      `echo '{"decision":"block","reason":"output withheld by policy","hookSpecificOutput":{"hookEventName":"PostToolUse","additionalContext":"POST-CONTEXT"}}'`,
    );
    server.enqueue(
      turn(sse.functionCall("shell_command", { command: "echo original > out.txt" }, { callId: "c1" })),
      turn(sse.message("ok")),
    );
    const h = start({ PreToolUse: [{ matcher: "Bash", command: pre }], PostToolUse: [{ matcher: "Bash", command: post }] });
    h.session.submit(say("write"));
    expect((await h.turnEnd()).msg.type).toBe("task_complete");
    expect(readFileSync(path.join(work, "out.txt"), "utf8")).toBe("rewritten\n");
    const input = inputOf(1);
    const outputAt = input.findIndex((i) => i.type === "function_call_output" && i.call_id === "c1");
    expect(input[outputAt].output).toBe("output withheld by policy");
    expect(input[outputAt + 1]).toMatchObject({ type: "message", role: "developer", content: [{ text: "POST-CONTEXT" }] });
  });

  it("a blocking Stop hook sends the model back to work once, with stop_hook_active the next time", async () => {
    const log = path.join(dir, "stop.log");
    const stop = script(
      "stop.sh",
      `input=$(cat); echo "$input" >> ${log}; case "$input" in *'"stop_hook_active":true'*) exit 0;; esac; echo "run the tests first" >&2; exit 2`,
    );
    server.enqueue(turn(sse.message("done already")), turn(sse.message("tests pass")));
    const h = start({ Stop: [{ command: stop }] });
    h.session.submit(say("work"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "task_complete", last_agent_message: "tests pass" });
    expect(server.responsesRequests()).toHaveLength(2);
    const last = inputOf(1).at(-1);
    expect(last.role).toBe("user");
    expect(last.content[0].text).toMatch(/^<hook_prompt hook_run_id="[^"]+">run the tests first\n?<\/hook_prompt>$/);
    const inputs = readJsonl(log);
    expect(inputs.map((i) => i.stop_hook_active)).toEqual([false, true]);
    expect(inputs[0].last_assistant_message).toBe("done already");
    expect(h.events.some((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "HookPrompt")).toBe(true);
  });

  it.each([undefined, 1])("a Stop hook that always blocks is capped (max %s) with a warning", async (max) => {
    const limit = max ?? 3;
    const log = path.join(dir, "stop-forever.log");
    const stop = script("stop-forever.sh", `cat >> ${log}; echo >> ${log}; echo "keep going" >&2; exit 2`);
    for (let i = 0; i <= limit + 2; i++) server.enqueue(turn(sse.message(`answer ${i}`)));
    const h = start({ Stop: [{ command: stop }] }, max === undefined ? {} : { maxStopHookContinuations: max });
    h.session.submit(say("work"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "task_complete", last_agent_message: `answer ${limit}` });
    // The first answer plus one request per allowed continuation, then the turn ends.
    expect(server.responsesRequests()).toHaveLength(limit + 1);
    expect(readFileSync(log, "utf8").split("\n").filter((l) => l.trim() !== "")).toHaveLength(limit + 1);
    const warning = h.events.find((e) => e.msg.type === "warning" && /Stop hook blocked the turn again/.test((e.msg as any).message));
    expect(warning?.msg).toMatchObject({ message: expect.stringContaining(`after ${limit} continuation`) });
    expect(h.events.filter((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "HookPrompt")).toHaveLength(limit);
  });

  it("runs SubagentStart/SubagentStop instead of SessionStart/Stop for a subagent thread", async () => {
    const log = path.join(dir, "events.log");
    const rec = script("rec.sh", `cat >> ${log}; echo >> ${log}`);
    server.enqueue(turn(sse.message("sub done")));
    const h = start(
      { SessionStart: [{ command: rec }], SubagentStart: [{ command: rec }], Stop: [{ command: rec }], SubagentStop: [{ command: rec }] },
      { subagent: { agentId: "agent-1", agentType: "explorer" } },
    );
    h.session.submit(say("explore"));
    await h.turnEnd();
    const inputs = readJsonl(log);
    expect(inputs.map((i) => i.hook_event_name)).toEqual(["SubagentStart", "SubagentStop"]);
    expect(inputs[0]).toMatchObject({ agent_id: "agent-1", agent_type: "explorer" });
  });

  it("PreCompact can cancel a manual compaction; PostCompact runs after one, with the trigger", async () => {
    const log = path.join(dir, "compact.log");
    const flag = path.join(dir, "allow-compact");
    const pre = script(
      "pre-compact.sh",
      `cat >> ${log}; echo >> ${log}; [ -f ${flag} ] || echo '{"continue":false,"stopReason":"not now"}'`,
    );
    const post = script("post-compact.sh", `cat >> ${log}; echo >> ${log}`);
    server.enqueue(turn(sse.message("first")), turn(sse.message("SUMMARY")));
    const h = start({ PreCompact: [{ matcher: "manual", command: pre }], PostCompact: [{ command: post }] });
    h.session.submit(say("hi"));
    await h.turnEnd();
    h.session.submit({ type: "compact" });
    await h.waitFor((e) => e.msg.type === "warning" && (e.msg as any).message.includes("not now"));
    await h.waitFor((e) => e.msg.type === "task_complete" && e.id === "sub-2");
    expect(server.responsesRequests()).toHaveLength(1);
    expect(h.events.some((e) => e.msg.type === "context_compacted")).toBe(false);
    writeFileSync(flag, "");
    h.session.submit({ type: "compact" });
    await h.waitFor((e) => e.msg.type === "context_compacted");
    await h.waitFor((e) => e.msg.type === "task_complete" && e.id === "sub-3");
    const inputs = readJsonl(log);
    expect(inputs.map((i) => `${i.hook_event_name}:${i.trigger}`)).toEqual(["PreCompact:manual", "PreCompact:manual", "PostCompact:manual"]);
  });

  it("does not record hook run events in rollouts", async () => {
    const ups = script("ctx.sh", `echo CONTEXT`);
    const recorded: RolloutItem[] = [];
    server.enqueue(turn(sse.message("ok")));
    const h = start({ UserPromptSubmit: [{ command: ups }] }, { recorder: rolloutRecorder({ record: (items) => recorded.push(...[items].flat()) }) });
    h.session.submit(say("hi"));
    await h.turnEnd();
    expect(h.events.some((e) => e.msg.type === "hook_completed")).toBe(true);
    const types = recorded.flatMap((r) => (r.type === "event_msg" ? [r.payload.type] : []));
    expect(types).not.toContain("hook_started");
    expect(types).not.toContain("hook_completed");
    expect(types).toContain("task_complete");
  });
});

describe("hookEngineFromConfig", () => {
  it("reads hooks from CODEX_HOME and honours trust, unless trust is bypassed", async () => {
    const marker = path.join(dir, "ran");
    const hook = script("mark.sh", `touch ${marker}`);
    writeFileSync(path.join(home, "hooks.json"), JSON.stringify({ hooks: { UserPromptSubmit: [{ hooks: [{ type: "command", command: hook }] }] } }));
    const loaded = loadConfig({ codexHome: home });
    if (!loaded.ok) throw new Error(loaded.error);
    const untrusted = hookEngineFromConfig(loaded.config, work);
    expect(untrusted.hooks).toHaveLength(1);
    server.enqueue(turn(sse.message("a")), turn(sse.message("b")));
    let h = startSession(server, work, { hooks: untrusted });
    session = h.session;
    h.session.submit(say("one"));
    await h.turnEnd();
    expect(existsSync(marker)).toBe(false);
    await h.session.shutdown();
    h = startSession(server, work, { hooks: hookEngineFromConfig(loaded.config, work, { bypassHookTrust: true }) });
    session = h.session;
    h.session.submit(say("two"));
    await h.turnEnd();
    expect(existsSync(marker)).toBe(true);
  });
});

describe("UserPromptSubmit on steered input", () => {
  it("a blocked steer is not sent; an accepted one is, with its context", async () => {
    const ups = script("steer.sh", `if grep -q forbidden; then echo "steer blocked" >&2; exit 2; fi; echo "CTX-OK"`);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    server.enqueue(turn(sse.message("working", { phase: "commentary" }), { gate }), turn(sse.message("final")));
    const h = start({ UserPromptSubmit: [{ command: ups }] });
    h.session.submit(say("start"));
    await server.waitForResponsesRequests(1, 30_000);
    h.session.submit(say("forbidden idea"));
    h.session.submit(say("good idea"));
    // Both steers are queued synchronously; now let the first response finish.
    release();
    const end = await h.turnEnd();
    expect(end.msg).toMatchObject({ type: "task_complete", last_agent_message: "final" });
    const texts = messageTexts(inputOf(1));
    expect(texts).not.toContain("user:forbidden idea");
    const at = texts.indexOf("user:good idea");
    expect(at).toBeGreaterThan(0);
    expect(texts[at + 1]).toBe("developer:CTX-OK");
    expect(h.events.some((e) => e.msg.type === "warning" && (e.msg as any).message.includes("steer blocked"))).toBe(true);
  });
});

describe("events that cannot block", () => {
  it("exit 2 from SessionStart and PreCompact does not stop the turn or the compaction", async () => {
    const no = script("no.sh", `echo "refused" >&2; exit 2`);
    server.enqueue(turn(sse.message("answered")), turn(sse.message("SUMMARY")));
    const h = start({ SessionStart: [{ command: no }], PreCompact: [{ command: no }] });
    h.session.submit(say("hi"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "task_complete", last_agent_message: "answered" });
    h.session.submit({ type: "compact" });
    await h.waitFor((e) => e.msg.type === "context_compacted");
    const failed = h.events.filter((e) => e.msg.type === "hook_completed").map((e) => (e.msg as any).run.status);
    expect(failed).toEqual(["failed", "failed"]);
  });
});
