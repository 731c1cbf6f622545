// Sub-agents (`multi_agent_v1`) through the built server and the fake model (answering parent and
// child by their headers, since both run at once): the parent's calls show as `collabAgentToolCall`
// items, a child is a thread of its own (rollout, thread-store entry, notifications, approvals), and
// everything the server sends is checked by the harness against the official schema. The expected
// shapes are what real Codex 0.169 did with the same script.
import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  agentCall,
  callOutputs as outputs,
  isSubagentRequest as isChild,
  type ScriptEntry,
  sse,
  turn,
} from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();

/**
 * The parent spawns a child, waits for it, then answers; the child answers at once, or first runs
 * `childCommand` (an escalated command: it needs the client's approval).
 */
function delegating(childCommand?: string): ScriptEntry {
  return {
    kind: "dynamic",
    respond: (r) => {
      const out = outputs(r);
      if (isChild(r)) {
        if (childCommand && !out.k1)
          return turn([
            sse.functionCall(
              "exec_command",
              { cmd: childCommand, sandbox_permissions: "require_escalated", justification: "the task needs it" },
              { callId: "k1" },
            ),
          ]);
        return turn([sse.message("child says 42", { phase: "final_answer" })]);
      }
      if (!out.c1) return turn([agentCall("spawn_agent", { message: "count the files" }, "c1")]);
      if (!out.c2)
        return turn([
          agentCall("wait_agent", { targets: [JSON.parse(out.c1).agent_id], timeout_ms: 60_000 }, "c2"),
        ]);
      return turn([sse.message("parent done", { phase: "final_answer" })]);
    },
  };
}
const script = (n: number, childCommand?: string) =>
  fx.fake.enqueue(...Array.from({ length: n }, () => delegating(childCommand)));

describe("sub-agents", () => {
  it("spawn_agent then wait_agent: collabAgentToolCall items started and completed, and in thread/read", async () => {
    script(4);
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const { turnId } = await runTurn(s, thread.id, "delegate it");
    const requests = fx.fake.responsesRequests();
    expect(requests.filter(isChild)).toHaveLength(1);
    expect(fx.fake.unscripted).toEqual([]);
    const childId = JSON.parse(fx.toolOutputText("c1")).agent_id as string;
    expect(childId).toEqual(expect.any(String));

    const collab = (method: string) =>
      s
        .notifications(method)
        .filter((m) => m.params.threadId === thread.id && m.params.item.type === "collabAgentToolCall")
        .map((m) => m.params.item);
    const started = collab("item/started");
    const completed = collab("item/completed");
    expect(started.map((i) => [i.tool, i.status])).toEqual([
      ["spawnAgent", "inProgress"],
      ["wait", "inProgress"],
    ]);
    expect(completed.map((i) => [i.tool, i.status])).toEqual([
      ["spawnAgent", "completed"],
      ["wait", "completed"],
    ]);
    expect(completed[0]).toMatchObject({
      senderThreadId: thread.id,
      receiverThreadIds: [childId],
      prompt: "count the files",
      model: "gpt-test",
      reasoningEffort: "medium",
      agentsStates: { [childId]: { status: "pendingInit", message: null } },
    });
    // As real Codex 0.169 when the call sets neither: no model yet (""), effort "medium".
    expect(started[0]).toMatchObject({ model: "", reasoningEffort: "medium" });
    expect(completed[1]).toMatchObject({
      receiverThreadIds: [childId],
      agentsStates: { [childId]: { status: "completed", message: "child says 42" } },
    });

    // thread/read rebuilds the same items from the parent's rollout.
    const read = await s.call("thread/read", { threadId: thread.id, includeTurns: true });
    const items = read.thread.turns
      .find((t) => t.id === turnId)!
      .items.filter((i) => i.type === "collabAgentToolCall");
    expect(items.map((i) => ({ ...i, startedAtMs: null, completedAtMs: null }))).toEqual(
      completed.map((i) => ({ ...i, startedAtMs: null, completedAtMs: null })),
    );
  });

  it("a child is a thread of its own: rollout with the thread_spawn source, its notifications, thread/read, thread/list by source", async () => {
    script(4);
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const { turnId } = await runTurn(s, thread.id, "delegate it");
    const { agent_id: childId, nickname } = JSON.parse(fx.toolOutputText("c1"));

    // The child's turn reached the client under the child's thread id (as Codex 0.169: no thread/started for it).
    const childTurn = await s.waitForNotification("turn/completed", (p) => p.threadId === childId);
    expect(childTurn.params.turn.status).toBe("completed");
    // Both turns name the chain's first turn, as Codex 0.169: the parent's own id, for the child the parent's.
    const parentDone = s.notifications("turn/completed").find((m) => m.params.turn.id === turnId);
    expect(parentDone?.params.turn.rootTurnId).toBe(turnId);
    expect(childTurn.params.turn.rootTurnId).toBe(turnId);
    expect(s.notifications("turn/started").some((m) => m.params.threadId === childId)).toBe(true);
    expect(
      s.notifications("item/completed").some((m) => m.params.threadId === childId && m.params.item.type === "agentMessage" && m.params.item.text === "child says 42"),
    ).toBe(true);
    expect(s.notifications("thread/status/changed").some((m) => m.params.threadId === childId)).toBe(true);
    expect(s.notifications("thread/started").map((m) => m.params.thread.id)).toEqual([thread.id]);

    // Its own rollout: session_meta as Codex writes it for a thread-spawned sub-agent.
    const [child] = (await s.call("thread/list", { sourceKinds: ["subAgentThreadSpawn"] })).data;
    expect(child).toMatchObject({
      id: childId,
      parentThreadId: thread.id,
      agentNickname: nickname,
      agentRole: null,
      preview: "count the files",
      source: { subAgent: { thread_spawn: { parent_thread_id: thread.id, depth: 1, agent_path: null, agent_nickname: nickname, agent_role: null } } },
    });
    const meta = JSON.parse(readFileSync(child!.path!, "utf8").split("\n")[0]!).payload;
    expect(meta).toMatchObject({
      id: childId,
      session_id: thread.id,
      parent_thread_id: thread.id,
      source: { subagent: { thread_spawn: { parent_thread_id: thread.id, depth: 1, agent_path: null, agent_nickname: nickname, agent_role: null } } },
      thread_source: "subagent",
      agent_nickname: nickname,
    });

    // thread/list: `subAgent` means every sub-agent kind; the default lists interactive threads only.
    expect((await s.call("thread/list", { sourceKinds: ["subAgent"] })).data.map((t) => t.id)).toEqual([childId]);
    expect((await s.call("thread/list", {})).data.map((t) => t.id)).toEqual([thread.id]);
    expect((await s.call("thread/list", { sourceKinds: ["vscode", "subAgentThreadSpawn"] })).data.map((t) => t.id).sort()).toEqual(
      [thread.id, childId].sort(),
    );

    // thread/read of the child: its own turn.
    const read = await s.call("thread/read", { threadId: childId, includeTurns: true });
    expect(read.thread.turns.flatMap((t) => t.items.map((i) => [i.type, (i as { text?: string }).text ?? null]))).toEqual([
      ["userMessage", null],
      ["agentMessage", "child says 42"],
    ]);
  });

  it("a child's approval request reaches the client with the child's thread and turn ids; approved, the child finishes", async () => {
    const marker = `${fx.workDir}/made-by-child`;
    script(5, `touch ${marker}`);
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, approvalPolicy: "on-request", sandbox: "read-only" });
    const { turn } = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "delegate it" }] });
    const request = await s.waitForServerRequest("item/commandExecution/requestApproval");
    const childId = JSON.parse(fx.toolOutputText("c1")).agent_id as string;
    // Notifications may trail the request (each waits for the lines recorded before it to be written).
    const childTurn = (await s.waitForNotification("turn/started", (p) => p.threadId === childId)).params.turn.id;
    expect(request.params).toMatchObject({ threadId: childId, turnId: childTurn, itemId: "k1", reason: "the task needs it" });
    await s.waitForNotification("thread/status/changed", (p) => p.threadId === childId && p.status.type === "active" && p.status.activeFlags.includes("waitingOnApproval"));
    s.respond(request.id, { decision: "accept" });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === turn.id);
    expect(readFileSync(marker, "utf8")).toBe("");
    expect(s.notifications("serverRequest/resolved").some((m) => m.params.threadId === childId && m.params.requestId === request.id)).toBe(true);
    expect(JSON.parse(fx.toolOutputText("c2")).status[childId]).toEqual({ completed: "child says 42" });
  });

  it("resume of the parent: the model sees the sub-agent's notification again as the user message it was; thread/read shows the calls, not the notification", async () => {
    script(4);
    const first = await fx.boot();
    const { thread } = await first.call("thread/start", { cwd: fx.workDir });
    await runTurn(first, thread.id, "delegate it");
    const before = (await first.call("thread/read", { threadId: thread.id, includeTurns: true })).thread.turns;
    expect(await first.close()).toBe(0);

    fx.fake.enqueue(turn([sse.message("again done", { phase: "final_answer" })]));
    const second = await fx.boot();
    const resumed = await second.call("thread/resume", { threadId: thread.id });
    const shape = (turns: typeof before) => turns.map((t) => t.items.map((i) => i.type));
    expect(shape(resumed.thread.turns)).toEqual(shape(before));
    expect(shape(resumed.thread.turns)).toEqual([["userMessage", "collabAgentToolCall", "collabAgentToolCall", "agentMessage"]]);
    // The child is still a thread of its own after the restart (from its rollout).
    const childId = JSON.parse(fx.toolOutputText("c1")).agent_id as string;
    const child = (await second.call("thread/read", { threadId: childId, includeTurns: true })).thread;
    expect(child).toMatchObject({ parentThreadId: thread.id, threadSource: "subagent", source: { subAgent: { thread_spawn: { parent_thread_id: thread.id, depth: 1 } } } });
    expect(child.turns.flatMap((t) => t.items.map((i) => i.type))).toEqual(["userMessage", "agentMessage"]);
    await runTurn(second, thread.id, "again");
    const messages = (fx.fake.responsesRequests().at(-1)!.body.input as any[]).filter(
      (i) => i.type === "message" && i.role !== "developer" && !String(i.content?.[0]?.text).startsWith("<environment_context>"),
    );
    expect(messages.map((m) => [m.role, m.phase ?? null, m.content[0].text])).toEqual([
      ["user", null, "delegate it"],
      [
        "user",
        null,
        `<subagent_notification>\n${JSON.stringify({ agent_path: childId, status: { completed: "child says 42" } })}\n</subagent_notification>`,
      ],
      ["assistant", "final_answer", "parent done"],
      ["user", null, "again"],
    ]);
  });

  it("a child closed with close_agent answers a client's turn/start with an error at once (its session is shut down)", async () => {
    const closing: ScriptEntry = {
      kind: "dynamic",
      respond: (r) => {
        const out = outputs(r);
        if (isChild(r)) return turn([sse.message("child says 42", { phase: "final_answer" })]);
        if (!out.c1) return turn([agentCall("spawn_agent", { message: "count the files" }, "c1")]);
        const id = JSON.parse(out.c1).agent_id;
        if (!out.c2) return turn([agentCall("wait_agent", { targets: [id], timeout_ms: 60_000 }, "c2")]);
        if (!out.c3) return turn([agentCall("close_agent", { target: id }, "c3")]);
        return turn([sse.message("parent done", { phase: "final_answer" })]);
      },
    };
    fx.fake.enqueue(closing, closing, closing, closing, closing);
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    await runTurn(s, thread.id, "delegate it");
    const childId = JSON.parse(fx.toolOutputText("c1")).agent_id as string;
    expect(JSON.parse(fx.toolOutputText("c3"))).toEqual({ previous_status: { completed: "child says 42" } });
    const answer = await s.request("turn/start", { threadId: childId, input: [{ type: "text", text: "more" }] }, 10_000);
    expect(answer.error?.message).toBe("session is shut down");
  });

  it("hooks of a child: SubagentStart/Stop and its tool hooks carry its identity and the right transcripts; their runs are reported on the child's thread", async () => {
    const log = path.join(fx.home, "hooks.log");
    const rec = path.join(fx.home, "rec.sh");
    writeFileSync(rec, `#!/bin/sh\ncat >> ${log}; echo >> ${log}\n`);
    chmodSync(rec, 0o755);
    const group = [{ hooks: [{ type: "command", command: rec, timeout: 30 }] }];
    writeFileSync(path.join(fx.home, "hooks.json"), JSON.stringify({ hooks: { SubagentStart: group, PreToolUse: group, SubagentStop: group } }));
    script(5, "echo hi");
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir });
    const listed = (await s.call("hooks/list", { cwds: [fx.workDir] })).data[0]!.hooks;
    await s.call("config/batchWrite", {
      edits: listed.map((h) => ({ keyPath: `hooks.state."${h.key}"`, value: { trusted_hash: h.currentHash }, mergeStrategy: "upsert" })),
    });
    await runTurn(s, thread.id, "delegate it");
    const childId = JSON.parse(fx.toolOutputText("c1")).agent_id as string;
    const childPath = (await s.call("thread/list", { sourceKinds: ["subAgent"] })).data[0]!.path;
    const inputs = readFileSync(log, "utf8")
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    const of = (event: string, tool?: string) => inputs.find((i) => i.hook_event_name === event && (!tool || i.tool_name === tool));
    expect(of("SubagentStart")).toMatchObject({ session_id: thread.id, agent_id: childId, agent_type: "default", transcript_path: childPath });
    expect(of("PreToolUse", "Bash")).toMatchObject({ agent_id: childId, agent_type: "default", transcript_path: childPath, tool_input: { command: "echo hi" } });
    expect(of("PreToolUse", "spawn_agent") ?? of("PreToolUse")).not.toHaveProperty("agent_id");
    expect(of("SubagentStop")).toMatchObject({ agent_id: childId, transcript_path: thread.path, agent_transcript_path: childPath, last_assistant_message: "child says 42" });
    const childRuns = s.notifications("hook/completed").filter((m) => m.params.threadId === childId).map((m) => m.params.run.eventName);
    expect(childRuns.sort()).toEqual(["preToolUse", "subagentStart", "subagentStop"]);
  });

  it("thread/fork honours threadSource (recorded in the fork's session_meta); without it the fork has none", async () => {
    fx.fake.enqueue(turn([sse.message("hello", { phase: "final_answer" })]));
    const s = await fx.boot();
    const { thread } = await s.call("thread/start", { cwd: fx.workDir, threadSource: "user" });
    await runTurn(s, thread.id, "hi");
    const plain = await s.call("thread/fork", { threadId: thread.id });
    const sourced = await s.call("thread/fork", { threadId: thread.id, threadSource: "subagent" });
    expect(plain.thread.threadSource).toBeNull();
    expect(sourced.thread.threadSource).toBe("subagent");
    const metaOf = (file: string) => JSON.parse(readFileSync(file, "utf8").split("\n")[0]!).payload;
    expect(metaOf(sourced.thread.path!).thread_source).toBe("subagent");
    expect(metaOf(plain.thread.path!).thread_source).toBeUndefined();
    expect((await s.call("thread/read", { threadId: sourced.thread.id })).thread.threadSource).toBe("subagent");
  });
});
