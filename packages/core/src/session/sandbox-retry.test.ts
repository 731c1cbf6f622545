// End-to-end under real bwrap: a sandbox denial leads to an approval (with the model's
// justification) and an escalated retry outside the sandbox.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApprovalRequest, ReviewDecision } from "../tools/index.js";
import type { Session } from "./session.js";
import { say, startSession } from "./test-harness.js";

let server: FakeResponsesServer;
let dir: string;
let work: string;
let outside: string;
let session: Session | undefined;

beforeEach(async () => {
  server = await startFakeResponsesServer();
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-escalate-")));
  work = path.join(dir, "work");
  outside = path.join(dir, "outside");
  mkdirSync(work);
  mkdirSync(outside);
});
afterEach(async () => {
  await session?.shutdown();
  session = undefined;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

// workspace-write over `work` only: /tmp and $TMPDIR are not writable, so `outside` is not.
const sandboxPolicy = { type: "workspace-write" as const, exclude_slash_tmp: true, exclude_tmpdir_env_var: true };

describe.each(["exec_command", "shell_command"] as const)("sandbox denial → approval → escalated retry (%s, real bwrap)", (tool) => {
  function call(command: string, callId: string) {
    const args =
      tool === "exec_command"
        ? { cmd: command, login: false, yield_time_ms: 20_000, justification: "the build cache lives outside the workspace" }
        : { command, login: false, timeout_ms: 20_000, justification: "the build cache lives outside the workspace" };
    return sse.functionCall(tool, args, { callId });
  }

  function start(decision: ReviewDecision) {
    const approvals: ApprovalRequest[] = [];
    const h = startSession(server, work, {
      approvalPolicy: "on-request",
      sandboxPolicy,
      tools: { shellTool: tool === "exec_command" ? "unified_exec" : "shell_command" },
      approvalHandler: async (request) => {
        approvals.push(request);
        return decision;
      },
    });
    session = h.session;
    return { ...h, approvals };
  }

  it("approved: the command is retried outside the sandbox and succeeds", async () => {
    const target = path.join(outside, "cache.txt");
    server.enqueue(turn(call(`echo cached > ${target}`, "w1")), turn(sse.message("written")));
    const h = start("approved");
    h.session.submit(say("fill the cache"));
    expect((await h.turnEnd()).msg).toMatchObject({ type: "task_complete", last_agent_message: "written" });
    expect(readFileSync(target, "utf8")).toBe("cached\n");
    expect(h.approvals).toHaveLength(1);
    expect(h.approvals[0]).toMatchObject({ kind: "exec", callId: "w1", reason: "the build cache lives outside the workspace" });
    expect(h.approvals[0]!.kind === "exec" && h.approvals[0]!.command.at(-1)).toBe(`echo cached > ${target}`);
    // One item for the call, completed by the retry.
    const completed = h.events.filter((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "CommandExecution");
    expect(completed).toHaveLength(1);
    expect(completed[0]!.msg).toMatchObject({ item: { status: "completed", exit_code: 0 } });
    const output = (server.responsesRequests()[1]!.body.input as any[]).find((i) => i.type === "function_call_output");
    expect(JSON.stringify(output.output)).toMatch(/exited with code 0|Exit code: 0/);
  });

  it("denied: nothing is written and the model hears the command was rejected", async () => {
    const target = path.join(outside, "cache.txt");
    server.enqueue(turn(call(`echo cached > ${target}`, "w2")), turn(sse.message("ok")));
    const h = start("denied");
    h.session.submit(say("fill the cache"));
    await h.turnEnd();
    expect(existsSync(target)).toBe(false);
    expect(h.approvals).toHaveLength(1);
    const completed = h.events.filter((e) => e.msg.type === "item_completed" && (e.msg as any).item.type === "CommandExecution");
    expect(completed.map((e) => (e.msg as any).item.status)).toEqual(["declined"]);
    const output = (server.responsesRequests()[1]!.body.input as any[]).find((i) => i.type === "function_call_output");
    expect(output.output).toContain("rejected");
  });
});
