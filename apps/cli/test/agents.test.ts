// exec --json with sub-agents, through the built binary and the fake model (answering parent and
// child by their headers): the parent's spawn_agent / wait_agent calls print as `collab_tool_call`
// items, as real Codex 0.169 prints them, and every line is an exec event of the protocol; each
// child writes a rollout of its own, as real `codex exec` does.
import { readdirSync } from "node:fs";
import path from "node:path";
import { ExecThreadEvent } from "@codex-ts/protocol";
import { readRollout } from "@codex-ts/rollout";
import { type RecordedRequest, type ScriptEntry, sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

const isChild = (r: RecordedRequest) => r.headers["x-codex-parent-thread-id"] !== undefined;
const outputs = (r: RecordedRequest): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const i of r.body.input as { type: string; call_id?: string; output?: unknown }[])
    if (i.type === "function_call_output" && i.call_id) out[i.call_id] = String(i.output);
  return out;
};
const agentCall = (name: string, args: unknown, callId: string) =>
  sse.item({ type: "function_call", id: `fc_${callId}`, call_id: callId, namespace: "multi_agent_v1", name, arguments: JSON.stringify(args) });

const delegating: ScriptEntry = {
  kind: "dynamic",
  respond: (r) => {
    if (isChild(r)) return turn([sse.message("child says 42", { phase: "final_answer" })]);
    const out = outputs(r);
    if (!out.c1) return turn([agentCall("spawn_agent", { message: "count the files" }, "c1")]);
    if (!out.c2) return turn([agentCall("wait_agent", { targets: [JSON.parse(out.c1).agent_id], timeout_ms: 60_000 }, "c2")]);
    return turn([sse.message("parent done", { phase: "final_answer" })]);
  },
};

describe("exec --json with sub-agents", () => {
  it("spawn_agent and wait_agent print as collab_tool_call items; the child's answer reaches the parent", async () => {
    fx.server.enqueue(delegating, delegating, delegating, delegating);
    const r = await runBin(["exec", "--json", ...fx.providerArgs(), "delegate it"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    const events = r.stdout
      .split("\n")
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l));
    for (const event of events) expect(ExecThreadEvent.safeParse(event).success, JSON.stringify(event)).toBe(true);
    const threadId = events[0].thread_id as string;
    const requests = fx.server.responsesRequests();
    const child = requests.find(isChild)!;
    const childId = child.headers["thread-id"]!;
    expect(child.headers["session-id"]).toBe(threadId);
    expect(child.headers["x-codex-parent-thread-id"]).toBe(threadId);
    const collab = events.filter((e) => e.item?.type === "collab_tool_call");
    expect(collab.map((e) => [e.type, e.item.tool, e.item.status])).toEqual([
      ["item.started", "spawn_agent", "in_progress"],
      ["item.completed", "spawn_agent", "completed"],
      ["item.started", "wait", "in_progress"],
      ["item.completed", "wait", "completed"],
    ]);
    expect(collab[1].item).toMatchObject({
      sender_thread_id: threadId,
      receiver_thread_ids: [childId],
      prompt: "count the files",
      agents_states: { [childId]: { status: "pending_init", message: null } },
    });
    expect(collab[3].item.agents_states).toEqual({ [childId]: { status: "completed", message: "child says 42" } });
    expect(events.filter((e) => e.item?.type === "agent_message").map((e) => e.item.text)).toEqual(["parent done"]);
  });

  it("each spawned child writes its own rollout: the tree's session id, the thread_spawn source, its nickname (as real codex exec)", async () => {
    fx.server.enqueue(delegating, delegating, delegating, delegating);
    const r = await runBin(["exec", "--json", ...fx.providerArgs(), "delegate it"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    const threadId = JSON.parse(r.stdout.split("\n")[0]!).thread_id as string;
    const child = fx.server.responsesRequests().find(isChild)!;
    const childId = child.headers["thread-id"]!;
    const files = (readdirSync(path.join(fx.home, "sessions"), { recursive: true }) as string[])
      .filter((f) => f.endsWith(".jsonl"))
      .map((f) => path.join(fx.home, "sessions", f));
    expect(files).toHaveLength(2);
    const childFile = files.find((f) => f.includes(childId));
    expect(childFile, files.join(", ")).toBeDefined();
    const read = await readRollout(childFile!);
    if (!read.ok) throw new Error(read.error.message);
    const spawned = JSON.parse(outputs(fx.server.responsesRequests().filter((q) => !isChild(q)).at(-1)!).c1!);
    // The parent's rollout is the user's thread (real 0.169 writes `thread_source: "user"`).
    const parentFile = files.find((f) => f.includes(threadId));
    const parentRead = await readRollout(parentFile!);
    if (!parentRead.ok) throw new Error(parentRead.error.message);
    expect(parentRead.value.meta).toMatchObject({ id: threadId, source: "exec", thread_source: "user" });
    // What real Codex 0.169 exec wrote for its child (session_meta), less what varies by run.
    expect(read.value.meta).toMatchObject({
      session_id: threadId,
      id: childId,
      parent_thread_id: threadId,
      cwd: fx.work,
      originator: "codex_exec",
      source: { subagent: { thread_spawn: { parent_thread_id: threadId, depth: 1, agent_path: null, agent_nickname: spawned.nickname, agent_role: null } } },
      thread_source: "subagent",
      agent_nickname: spawned.nickname,
      model_provider: "fake",
      multi_agent_version: "v1",
    });
    // The child's own conversation: its task and its answer.
    const lines = JSON.stringify(read.value.lines);
    expect(lines).toContain("count the files");
    expect(lines).toContain("child says 42");
    expect(read.value.lines.some((l) => l.type === "event_msg" && l.payload.type === "task_complete")).toBe(true);
  });
});
