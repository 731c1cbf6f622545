// Sub-agents end to end: a real parent session, real child sessions, and a fake model server that
// answers each request by who sent it (headers) and what it carries.
import { ExecThreadItem, TurnItem, type TurnContextItem } from "@codex-ts/protocol";
import { sse } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import type { SessionEvent, SessionEventMsg } from "../session/events.js";
import type { Session } from "../session/session.js";
import { say } from "../session/test-harness.js";
import { type CollabTurnItem, collabItemToExec } from "./items.js";
import { agentCall, callOutputs, isChild, json, lastUserText, spawnAndWait, useAgentTree } from "./test-model.js";

const t = useAgentTree();

/** Resolves with the first event of `session` matching `predicate`. */
function next(session: Session, predicate: (e: SessionEvent) => boolean): Promise<SessionEvent> {
  return new Promise((resolve) => {
    const off = session.subscribe((e) => {
      if (predicate(e)) {
        off();
        resolve(e);
      }
    });
  });
}

describe("multi_agent_v1", () => {
  it("spawn → the child's request (headers, own thread) → wait_agent returns its answer → notification in the parent's next request", async () => {
    const h = await t.start((r) => {
      if (isChild(r)) return [sse.message(`child answer to: ${lastUserText(r)}`)];
      const out = callOutputs(r);
      if (!out.c1) return [agentCall("spawn_agent", { message: "count the files" }, "c1")];
      if (!out.c2)
        return [agentCall("wait_agent", { targets: [json(out.c1).agent_id], timeout_ms: 20_000 }, "c2")];
      return [sse.message("parent done")];
    });
    h.session.submit(say("delegate it"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    const requests = t.model().requests;
    const parentRequests = requests.filter((r) => !isChild(r));
    const child = requests.find(isChild)!;
    expect(parentRequests).toHaveLength(3);
    const spawned = json(callOutputs(parentRequests[1]!).c1);
    expect(spawned).toEqual({ agent_id: expect.any(String), nickname: expect.any(String) });
    // Headers: the shared session id, the child's own thread id, its parent.
    expect(child.headers["session-id"]).toBe(h.session.sessionId);
    expect(child.headers["thread-id"]).toBe(spawned.agent_id);
    expect(child.headers["x-codex-parent-thread-id"]).toBe(h.session.threadId);
    expect(parentRequests[0]!.headers["thread-id"]).toBe(h.session.threadId);
    expect(parentRequests[0]!.headers["x-codex-parent-thread-id"]).toBeUndefined();
    expect(lastUserText(child)).toBe("count the files");
    // The parent sees the namespace; the child (at max_depth 1) does not.
    const ns = (parentRequests[0]!.body.tools as any[]).find((t) => t.type === "namespace");
    expect(ns.name).toBe("multi_agent_v1");
    expect(ns.tools.map((t: any) => t.name)).toEqual([
      "close_agent",
      "resume_agent",
      "send_input",
      "spawn_agent",
      "wait_agent",
    ]);
    expect((child.body.tools as any[]).some((t) => t.type === "namespace")).toBe(false);
    const waited = json(callOutputs(parentRequests[2]!).c2);
    expect(waited).toEqual({
      status: { [spawned.agent_id]: { completed: "child answer to: count the files" } },
      timed_out: false,
    });
    const notification = (parentRequests[2]!.body.input as any[]).at(-1);
    expect(notification.role).toBe("user");
    expect(notification.content[0].text).toBe(
      `<subagent_notification>\n${JSON.stringify({ agent_path: spawned.agent_id, status: { completed: "child answer to: count the files" } })}\n</subagent_notification>`,
    );
    // The parent shows each call as a CollabAgentToolCall item (started, then completed), as Codex does.
    const collab = h.events
      .filter((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "CollabAgentToolCall")
      .map((e) => (e.msg as any).item as CollabTurnItem);
    expect(collab.map((c) => [c.tool, c.status])).toEqual([
      ["spawn_agent", "completed"],
      ["wait", "completed"],
    ]);
    expect(collab[0]).toMatchObject({
      id: "c1",
      sender_thread_id: h.session.threadId,
      receiver_thread_ids: [spawned.agent_id],
      prompt: "count the files",
      agents_states: { [spawned.agent_id]: "pending_init" },
    });
    expect(collab[1]!.agents_states).toEqual({
      [spawned.agent_id]: { completed: "child answer to: count the files" },
    });
    const started = h.events.filter(
      (e) => e.msg.type === "item_started" && (e.msg as any).item.type === "CollabAgentToolCall",
    );
    expect(started.map((e) => (e.msg as any).item.status)).toEqual(["in_progress", "in_progress"]);
    // No effort set anywhere: the spawn shows "medium" (started and completed), the model once known — as Codex 0.169.
    expect((started[0]!.msg as any).item).toMatchObject({ model: "", reasoning_effort: "medium" });
    expect(collab[0]).toMatchObject({ model: h.session.settings().model, reasoning_effort: "medium" });
    // The recorded item is the protocol's core TurnItem (not `Other`); the exec view is Codex's.
    for (const item of collab) expect(TurnItem.parse(item)).toEqual(item);
    for (const item of collab)
      expect(ExecThreadItem.safeParse(collabItemToExec(item, "item_0")).success).toBe(true);
    expect(collabItemToExec(collab[0]!, "item_1")).toEqual({
      id: "item_1",
      type: "collab_tool_call",
      tool: "spawn_agent",
      sender_thread_id: h.session.threadId,
      receiver_thread_ids: [spawned.agent_id],
      prompt: "count the files",
      agents_states: { [spawned.agent_id]: { status: "pending_init", message: null } },
      status: "completed",
    });
  });

  it("a child's turns belong to the parent's root turn: task_started and turn_context carry its root_turn_id (as Codex 0.169)", async () => {
    type Recorded = { events: SessionEventMsg[]; contexts: TurnContextItem[] };
    const recorderOf = (into: Recorded) => ({
      recordItems: () => {},
      recordEvent: (msg: SessionEventMsg) => into.events.push(msg),
      recordTurnContext: (context: TurnContextItem) => into.contexts.push(context),
    });
    const parent: Recorded = { events: [], contexts: [] };
    const child: Recorded = { events: [], contexts: [] };
    const h = await t.start(
      spawnAndWait(),
      undefined,
      { recorder: recorderOf(parent), onChildSpawn: () => ({ recorder: recorderOf(child) }) },
    );
    h.session.submit(say("go"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    const started = (r: Recorded) => r.events.filter((m) => m.type === "task_started") as any[];
    // A root turn is its own root.
    const parentTurn = started(parent)[0].turn_id as string;
    expect(started(parent)[0].root_turn_id).toBe(parentTurn);
    expect(parent.contexts.map((c) => [c.turn_id, c.root_turn_id])).toEqual([[parentTurn, parentTurn]]);
    // The child's turn (spawned during the parent's turn) is attributed to the parent's root turn.
    expect(started(child)).toHaveLength(1);
    const childTurn = started(child)[0].turn_id as string;
    expect(childTurn).not.toBe(parentTurn);
    expect(started(child)[0].root_turn_id).toBe(parentTurn);
    expect(child.contexts.map((c) => [c.turn_id, c.root_turn_id])).toEqual([[childTurn, parentTurn]]);
  });

  it("send_input queues a follow-up; with interrupt it stops the running turn first", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const h = await t.start(async (r) => {
      if (isChild(r)) {
        const text = lastUserText(r);
        if (text === "long job") await held;
        return [sse.message(`did: ${text}`)];
      }
      const out = callOutputs(r);
      if (!out.c1) return [agentCall("spawn_agent", { message: "long job" }, "c1")];
      const id = json(out.c1).agent_id;
      if (!out.c2)
        return [agentCall("send_input", { target: id, message: "stop and do this", interrupt: true }, "c2")];
      if (!out.c3) return [agentCall("wait_agent", { targets: [id] }, "c3")];
      if (!out.c4) return [agentCall("send_input", { target: id, message: "one more" }, "c4")];
      if (!out.c5) return [agentCall("wait_agent", { targets: [id] }, "c5")];
      return [sse.message("done")];
    });
    h.session.submit(say("go"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    release();
    const parent = t.model().requests.filter((r) => !isChild(r));
    const last = callOutputs(parent.at(-1)!);
    expect(json(last.c2)).toEqual({ submission_id: expect.any(String) });
    const id = json(last.c1).agent_id;
    // The interrupted "long job" never completed; the redirected input did.
    expect(json(last.c3).status[id]).toEqual({ completed: "did: stop and do this" });
    expect(json(last.c5).status[id]).toEqual({ completed: "did: one more" });
  });

  it("close_agent returns the previous status; a closed agent refuses input until resume_agent, which keeps its conversation", async () => {
    const h = await t.start((r) => {
      if (isChild(r))
        return [sse.message(`answer ${(r.body.input as any[]).filter((i) => i.role === "user").length}`)];
      const out = callOutputs(r);
      if (!out.c1) return [agentCall("spawn_agent", { message: "first" }, "c1")];
      const id = json(out.c1).agent_id;
      if (!out.c2) return [agentCall("wait_agent", { targets: [id] }, "c2")];
      if (!out.c3) return [agentCall("close_agent", { target: id }, "c3")];
      if (!out.c4) return [agentCall("send_input", { target: id, message: "are you there" }, "c4")];
      if (!out.c5) return [agentCall("resume_agent", { id }, "c5")];
      if (!out.c6) return [agentCall("send_input", { target: id, message: "second" }, "c6")];
      if (!out.c7) return [agentCall("wait_agent", { targets: [id] }, "c7")];
      if (!out.c8) return [agentCall("close_agent", { target: "no-such-agent" }, "c8")];
      return [sse.message("done")];
    });
    h.session.submit(say("go"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    const out = t.parentOutputs();
    const id = json(out.c1).agent_id;
    expect(json(out.c3)).toEqual({ previous_status: { completed: expect.stringMatching(/^answer /) } });
    expect(out.c4).toMatch(/is closed; resume it/);
    expect(json(out.c5)).toEqual({ status: "pending_init" });
    expect(json(out.c7).status[id].completed).toMatch(/^answer /);
    // The resumed child's request carries its earlier conversation.
    const childRequests = t.model().requests.filter(isChild);
    const resumedInput = JSON.stringify(childRequests.at(-1)!.body.input);
    expect(resumedInput).toContain("first");
    expect(resumedInput).toContain("second");
    expect(childRequests.at(-1)!.headers["thread-id"]).toBe(id);
    expect(out.c8).toBe("agent with id no-such-agent not found");
  });

  it("limits: max_threads and max_depth give clear tool errors; wait_agent needs targets", async () => {
    const h = await t.start(
      (r) => {
        if (isChild(r)) {
          const out = callOutputs(r);
          // The child (depth 1 of max 2) may spawn; its child (depth 2) may not.
          if (lastUserText(r) === "spawn again" && !out.g1)
            return [agentCall("spawn_agent", { message: "grandchild" }, "g1")];
          return [
            sse.message(`child sees tools: ${(r.body.tools as any[]).some((t) => t.type === "namespace")}`),
          ];
        }
        const out = callOutputs(r);
        if (!out.c1) return [agentCall("spawn_agent", { message: "spawn again" }, "c1")];
        if (!out.c2) return [agentCall("wait_agent", { targets: [json(out.c1).agent_id] }, "c2")];
        if (!out.c3) return [agentCall("spawn_agent", { message: "third" }, "c3")];
        if (!out.c4) return [agentCall("wait_agent", { targets: [] }, "c4")];
        if (!out.c5) return [agentCall("spawn_agent", {}, "c5")];
        return [sse.message("done")];
      },
      { max_threads: 2, max_depth: 2 },
    );
    h.session.submit(say("go"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    const out = t.parentOutputs();
    // child + grandchild are open: a third agent is over max_threads.
    expect(out.c3).toBe(
      "agent thread limit reached (max_threads = 2); close an agent you no longer need first",
    );
    expect(out.c4).toBe("targets must be non-empty");
    expect(out.c5).toBe("Provide one of: message or items.");
    const grandchild = t.model().requests.find((r) => isChild(r) && lastUserText(r) === "grandchild")!;
    expect((grandchild.body.tools as any[]).some((t) => t.type === "namespace")).toBe(false);
    expect(grandchild.headers["session-id"]).toBe(h.session.sessionId);
  });

  it("interrupting the parent interrupts its running children; shutting it down shuts them down", async () => {
    let childStarted!: () => void;
    const started = new Promise<void>((resolve) => (childStarted = resolve));
    const h = await t.start(async (r) => {
      if (isChild(r)) {
        childStarted();
        await new Promise(() => {}); // never answers: only an interrupt ends this turn
      }
      const out = callOutputs(r);
      if (!out.c1) return [agentCall("spawn_agent", { message: "forever" }, "c1")];
      return [agentCall("wait_agent", { targets: [json(out.c1).agent_id], timeout_ms: 3_600_000 }, "c2")];
    });
    h.session.submit(say("go"));
    await started;
    const child = h.session.children.list()[0]!;
    const aborted = next(child, (e) => e.msg.type === "turn_aborted");
    h.session.submit({ type: "interrupt" });
    await aborted;
    await h.waitFor((e) => e.msg.type === "turn_aborted");
    const down = next(child, (e) => e.msg.type === "shutdown_complete");
    await h.session.shutdown();
    await down;
    expect(h.session.children.list()).toEqual([]);
  });
});
