// Sub-agents and the embedder: lifecycle hooks of children, and onChildSpawn (a child's own rollout).
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { HookEngine } from "@codex-ts/hooks";
import { sse } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { say } from "../session/test-harness.js";
import { agentCall, callOutputs, isChild, json, spawnAndWait, useAgentTree } from "./test-model.js";
import { type ChildSpawnInfo, threadSpawnSource } from "../session/children.js";
import type { SessionEventMsg } from "../session/events.js";
import { runHelperTurn } from "../review/child.js";

const t = useAgentTree();

/** One hooks.json group running `command` (optionally on a matcher). */
const group = (command: string, matcher?: string) => [
  { ...(matcher ? { matcher } : {}), hooks: [{ type: "command", command, timeout: 30 }] },
];

/** A hook engine whose `events(rec)` hooks may use `rec`, a script appending each input it reads to a log. */
function recordingHooks(dir: string, events: (rec: string) => Record<string, unknown>) {
  const home = path.join(dir, "home");
  mkdirSync(home);
  const log = path.join(dir, "hooks.log");
  const rec = path.join(dir, "rec.sh");
  writeFileSync(rec, `#!/bin/sh\ncat >> ${log}; echo >> ${log}\n`);
  chmodSync(rec, 0o755);
  writeFileSync(path.join(home, "hooks.json"), JSON.stringify({ hooks: events(rec) }));
  return {
    hooks: new HookEngine({ layers: [{ source: "user", dir: home }], bypassHookTrust: true }),
    /** Every input a hook read, in order (none when no hook ran). */
    inputs: (): any[] =>
      (existsSync(log) ? readFileSync(log, "utf8") : "")
        .split("\n")
        .filter((l) => l.trim())
        .map((l) => JSON.parse(l)),
  };
}

describe("sub-agents and the embedder", () => {
  it("SubagentStart (matched on agent_type) adds its context before the child's first request; SessionStart fires for the parent only; SubagentStop for the child", async () => {
    const ctx = path.join(t.dir(), "ctx.sh");
    writeFileSync(
      ctx,
      `#!/bin/sh\ncat > /dev/null; echo '{"hookSpecificOutput":{"hookEventName":"SubagentStart","additionalContext":"CHILD-CONTEXT"}}'\n`,
    );
    chmodSync(ctx, 0o755);
    const { hooks, inputs } = recordingHooks(t.dir(), (rec) => ({
      SessionStart: group(rec),
      SubagentStart: [...group(rec), ...group(ctx, "^researcher$"), ...group(ctx, "^other$")],
      SubagentStop: group(rec),
    }));
    const h = await t.start(
      spawnAndWait("researched", { message: "look it up", agent_type: "researcher" }),
      { researcher: { instructions: "You research." } },
      { hooks },
    );
    h.session.submit(say("go"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    const child = t.model().requests.find(isChild)!;
    const texts = JSON.stringify(child.body.input);
    expect(texts.match(/CHILD-CONTEXT/g)).toHaveLength(1);
    expect(texts).toContain("You research.");
    // The spawn_agent spec offers agent_type once types are configured.
    const ns = (t.model().requests[0]!.body.tools as any[]).find((t) => t.type === "namespace");
    expect(
      ns.tools.find((t: any) => t.name === "spawn_agent").parameters.properties.agent_type,
    ).toBeDefined();
    const recorded = inputs();
    const spawned = json(t.parentOutputs().c1).agent_id;
    expect(recorded.map((i) => i.hook_event_name).sort()).toEqual([
      "SessionStart",
      "SubagentStart",
      "SubagentStop",
    ]);
    expect(recorded.find((i) => i.hook_event_name === "SubagentStart")).toMatchObject({
      agent_id: spawned,
      agent_type: "researcher",
      session_id: h.session.sessionId,
    });
    expect(recorded.find((i) => i.hook_event_name === "SessionStart").session_id).toBe(h.session.sessionId);
  });

  it("a child's other hook inputs carry agent_id / agent_type (the parent's do not); SubagentStop reads the parent's transcript", async () => {
    const { hooks, inputs } = recordingHooks(t.dir(), (rec) => ({
      UserPromptSubmit: group(rec),
      PreToolUse: group(rec),
      PostToolUse: group(rec),
      SubagentStop: group(rec),
    }));
    const h = await t.start(
      (r) => {
        const out = callOutputs(r);
        if (isChild(r)) {
          if (!out.k1) return [sse.functionCall("shell_command", { command: "echo hi" }, { callId: "k1" })];
          return [sse.message("child done")];
        }
        if (!out.c1) return [agentCall("spawn_agent", { message: "run it" }, "c1")];
        if (!out.c2) return [agentCall("wait_agent", { targets: [json(out.c1).agent_id] }, "c2")];
        return [sse.message("done")];
      },
      undefined,
      {
        hooks,
        transcriptPath: "/rollouts/parent.jsonl",
        onChildSpawn: (info) => ({ transcriptPath: `/rollouts/${info.threadId}.jsonl` }),
      },
    );
    h.session.submit(say("go"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    const childId = json(t.parentOutputs().c1).agent_id;
    const recorded = inputs();
    const ofChild = recorded.filter((i) => i.transcript_path === `/rollouts/${childId}.jsonl`);
    expect(ofChild.map((i) => i.hook_event_name).sort()).toEqual(["PostToolUse", "PreToolUse", "UserPromptSubmit"]);
    for (const input of ofChild) {
      expect(input).toMatchObject({ agent_id: childId, agent_type: "default", session_id: h.session.sessionId });
      expect(Object.keys(input).slice(0, 4)).toEqual(["session_id", "turn_id", "agent_id", "agent_type"]);
    }
    expect(ofChild.find((i) => i.hook_event_name === "PreToolUse")).toMatchObject({
      tool_name: "Bash",
      tool_input: { command: "echo hi" },
    });
    const ofParent = recorded.filter((i) => i.transcript_path === "/rollouts/parent.jsonl" && i.hook_event_name !== "SubagentStop");
    expect(ofParent.length).toBeGreaterThanOrEqual(3);
    for (const input of ofParent) expect(input).not.toHaveProperty("agent_id");
    expect(recorded.find((i) => i.hook_event_name === "SubagentStop")).toMatchObject({
      transcript_path: "/rollouts/parent.jsonl",
      agent_transcript_path: `/rollouts/${childId}.jsonl`,
      agent_id: childId,
      last_assistant_message: "child done",
    });
  });

  it("onChildSpawn: the embedder gets each child's thread info (for its own rollout) before it runs", async () => {
    const spawned: ChildSpawnInfo[] = [];
    const recorded: SessionEventMsg[] = [];
    const h = await t.start(
      spawnAndWait(),
      undefined,
      {
        onChildSpawn: (info) => {
          spawned.push(info);
          return {
            recorder: { recordItems: () => {}, recordEvent: (msg) => recorded.push(msg) },
            transcriptPath: `/rollouts/${info.threadId}.jsonl`,
          };
        },
      },
    );
    h.session.submit(say("go"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    const out = t.parentOutputs();
    const spawnedOut = json(out.c1);
    expect(spawned).toEqual([
      {
        threadId: spawnedOut.agent_id,
        parentThreadId: h.session.threadId,
        sessionId: h.session.sessionId,
        depth: 1,
        agentNickname: spawnedOut.nickname,
        agentRole: "default",
      },
    ]);
    expect(threadSpawnSource(spawned[0]!)).toEqual({
      subagent: {
        thread_spawn: {
          parent_thread_id: h.session.threadId,
          depth: 1,
          agent_path: null,
          agent_nickname: spawnedOut.nickname,
          agent_role: null,
        },
      },
    });
    // The child's own events went to the child's recorder (its session_configured first).
    expect(recorded[0]).toMatchObject({
      type: "session_configured",
      thread_id: spawnedOut.agent_id,
      session_id: h.session.sessionId,
    });
    expect(recorded.some((m) => m.type === "task_complete")).toBe(true);
  });

  it("an internal child (review, the approval guardian) fires no lifecycle hooks: no SubagentStart / SubagentStop, no SessionStart / Stop", async () => {
    const { hooks, inputs } = recordingHooks(t.dir(), (rec) => ({
      SessionStart: group(rec),
      SubagentStart: group(rec),
      SubagentStop: group(rec),
      Stop: group(rec),
    }));
    const h = await t.start(
      (r) => (r.headers["x-openai-subagent"] === "review" ? [sse.message("reviewed")] : [sse.message("done")]),
      undefined,
      { hooks },
    );
    // As real Codex 0.169 with all four hooks configured: `codex exec review --uncommitted` ran no
    // hook at all (reviewer nor parent); `exec --approve-for-me` ran only the parent's SessionStart
    // and Stop around its guardian's assessment.
    const result = await runHelperTurn(h.session, { kind: "review", instructions: "Review.", message: "look" });
    expect(result).toEqual({ aborted: false, lastMessage: "reviewed" });
    expect(t.model().requests.some((r) => r.headers["x-openai-subagent"] === "review")).toBe(true);
    expect(inputs()).toEqual([]);
    h.session.submit(say("go"));
    await h.waitFor((e) => e.msg.type === "task_complete");
    await runHelperTurn(h.session, { kind: "review", instructions: "Review.", message: "look again" });
    // Only the parent's own SessionStart and Stop ran.
    expect(inputs().map((i) => i.hook_event_name)).toEqual(["SessionStart", "Stop"]);
  });
});
