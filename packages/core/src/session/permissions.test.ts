// request_permissions and inline with_additional_permissions, end to end against the fake model
// server under real bwrap: grants become sandbox overlays for later commands.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ApprovalRequest, PermissionsGrant, PermissionsRequest } from "../tools/index.js";
import type { Session } from "./session.js";
import { say, startSession } from "./test-harness.js";

let server: FakeResponsesServer;
let dir: string;
let work: string;
let outA: string;
let outB: string;
let session: Session | undefined;

beforeEach(async () => {
  server = await startFakeResponsesServer();
  dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), "codex-perms-")));
  work = path.join(dir, "work");
  outA = path.join(dir, "outA");
  outB = path.join(dir, "outB");
  for (const d of [work, outA, outB]) mkdirSync(d);
});
afterEach(async () => {
  await session?.shutdown();
  session = undefined;
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

// workspace-write over `work` only: /tmp and $TMPDIR are not writable, so outA/outB are not.
const sandboxPolicy = { type: "workspace-write" as const, exclude_slash_tmp: true, exclude_tmpdir_env_var: true };

const writeEntry = (p: string) => ({ path: { type: "path", path: p }, access: "write" });

function shell(command: string, callId: string, extra: Record<string, unknown> = {}) {
  return sse.functionCall("shell_command", { command, login: false, timeout_ms: 20_000, ...extra }, { callId });
}

function requestPerms(write: string[], callId: string) {
  return sse.functionCall(
    "request_permissions",
    { reason: "the build writes its cache outside the workspace", permissions: { file_system: { write } } },
    { callId },
  );
}

function start(answer?: (request: PermissionsRequest) => PermissionsGrant) {
  const asked: PermissionsRequest[] = [];
  const approvals: ApprovalRequest[] = [];
  const h = startSession(server, work, {
    approvalPolicy: "on-request",
    sandboxPolicy,
    tools: { shellTool: "shell_command", requestPermissions: true },
    // A sandbox denial would offer an unsandboxed retry: refuse it, so only grants can help.
    approvalHandler: async (request) => {
      approvals.push(request);
      return "denied";
    },
    ...(answer
      ? {
          permissionsHandler: async (request: PermissionsRequest) => {
            asked.push(request);
            return answer(request);
          },
        }
      : {}),
  });
  session = h.session;
  return { ...h, asked, approvals };
}

function outputOf(requestIndex: number, callId: string): string {
  const input = server.responsesRequests()[requestIndex]!.body.input as any[];
  const out = input.find((i) => i.type === "function_call_output" && i.call_id === callId);
  return typeof out.output === "string" ? out.output : JSON.stringify(out.output);
}

function commandStatuses(events: { msg: any }[]): string[] {
  return events
    .filter((e) => e.msg.type === "item_completed" && e.msg.item.type === "CommandExecution")
    .map((e) => `${e.msg.item.id}:${e.msg.item.status}`);
}

describe("request_permissions (real bwrap)", () => {
  it("a granted write path lets a later command write there", async () => {
    const target = path.join(outA, "cache.txt");
    server.enqueue(
      turn(requestPerms([outA], "r1")),
      turn(shell(`echo cached > ${target}`, "c1")),
      turn(sse.message("done")),
    );
    const h = start((request) => ({ permissions: request.permissions, scope: "turn" }));
    h.session.submit(say("fill the cache"));
    await h.turnEnd();
    expect(h.asked).toHaveLength(1);
    expect(h.asked[0]).toMatchObject({
      callId: "r1",
      reason: "the build writes its cache outside the workspace",
      cwd: work,
      permissions: { network: null, file_system: { entries: [writeEntry(outA)] } },
    });
    expect(JSON.parse(outputOf(1, "r1"))).toEqual({
      permissions: { network: null, file_system: { entries: [writeEntry(outA)] } },
      scope: "turn",
    });
    expect(readFileSync(target, "utf8")).toBe("cached\n");
    expect(commandStatuses(h.events)).toEqual(["c1:completed"]);
    expect(h.approvals).toHaveLength(0);
  });

  it("a subset grant (one of two dirs, for the session) leaves the other refused", async () => {
    const a = path.join(outA, "a.txt");
    const b = path.join(outB, "b.txt");
    server.enqueue(
      turn(requestPerms([outA, outB], "r1")),
      turn(shell(`echo a > ${a}`, "c1")),
      turn(shell(`echo b > ${b}`, "c2")),
      turn(sse.message("partly")),
      // The next turn: the session-scoped grant still holds.
      turn(shell(`echo again >> ${a}`, "c3")),
      turn(sse.message("again")),
    );
    const h = start(() => ({
      permissions: { network: { enabled: true }, file_system: { entries: [writeEntry(outA) as never] } },
      scope: "session",
    }));
    h.session.submit(say("write both"));
    await h.turnEnd();
    // Network was not requested, so it is not granted either.
    expect(JSON.parse(outputOf(1, "r1"))).toEqual({
      permissions: { network: { enabled: false }, file_system: { entries: [writeEntry(outA)] } },
      scope: "session",
    });
    expect(readFileSync(a, "utf8")).toBe("a\n");
    expect(existsSync(b)).toBe(false);
    expect(commandStatuses(h.events)).toEqual(["c1:completed", "c2:declined"]);
    // The refused write was a sandbox denial (offered as an unsandboxed retry, which we declined).
    expect(h.approvals.map((r) => r.callId)).toEqual(["c2"]);

    h.session.submit(say("append"));
    await h.waitFor((e) => e.msg.type === "task_complete" && (e.msg as any).last_agent_message === "again");
    expect(readFileSync(a, "utf8")).toBe("a\nagain\n");
    expect(h.asked).toHaveLength(1);
  });

  it("a denied request tells the model, and the write stays refused", async () => {
    const target = path.join(outA, "cache.txt");
    server.enqueue(
      turn(requestPerms([outA], "r1")),
      turn(shell(`echo cached > ${target}`, "c1")),
      turn(sse.message("ok")),
    );
    const h = start(() => ({ permissions: null }));
    h.session.submit(say("fill the cache"));
    await h.turnEnd();
    expect(outputOf(1, "r1")).toBe("permissions request denied by the user: nothing was granted");
    expect(existsSync(target)).toBe(false);
    expect(commandStatuses(h.events)).toEqual(["c1:declined"]);
  });

  it("a turn-scoped grant ends with the turn", async () => {
    const target = path.join(outA, "x.txt");
    server.enqueue(
      turn(requestPerms([outA], "r1")),
      turn(sse.message("granted")),
      turn(shell(`echo x > ${target}`, "c1")),
      turn(sse.message("tried")),
    );
    const h = start((request) => ({ permissions: request.permissions }));
    h.session.submit(say("ask"));
    await h.turnEnd();
    h.session.submit(say("write"));
    await h.waitFor((e) => e.msg.type === "task_complete" && (e.msg as any).last_agent_message === "tried");
    expect(existsSync(target)).toBe(false);
  });
});

describe("inline with_additional_permissions (real bwrap)", () => {
  const inline = (target: string, extra: Record<string, unknown> = {}) =>
    shell(`echo inline > ${target}`, "c1", {
      sandbox_permissions: "with_additional_permissions",
      additional_permissions: { file_system: { write: [outA] } },
      ...extra,
    });
  const startInline = (approvalPolicy: "on-request" | "never" = "on-request", execPermissionApprovals = true) => {
    const h = startSession(server, work, {
      approvalPolicy,
      sandboxPolicy,
      tools: { shellTool: "shell_command", execPermissionApprovals },
    });
    session = h.session;
    return h;
  };

  it("is one command approval carrying the permissions (relative paths resolved against workdir); approved, the command runs with them", async () => {
    const target = path.join(outA, "inline.txt");
    server.enqueue(
      turn(inline(target, { workdir: work, additional_permissions: { file_system: { write: ["../outA"] } }, justification: "write the shared cache" })),
      turn(sse.message("written")),
    );
    const h = startInline();
    h.session.submit(say("inline"));
    const ev = await h.waitFor((e) => e.msg.type === "exec_approval_request");
    expect(ev.msg).toMatchObject({
      call_id: "c1",
      reason: "write the shared cache",
      cwd: work,
      available_decisions: ["approved", "abort"],
      additional_permissions: { file_system: { entries: [writeEntry(outA)] } },
    });
    h.session.submit({ type: "exec_approval", id: (ev.msg as any).approval_id, decision: "approved" });
    await h.turnEnd();
    expect(readFileSync(target, "utf8")).toBe("inline\n");
    expect(commandStatuses(h.events)).toEqual(["c1:completed"]);
    expect(h.events.some((e) => e.msg.type === "request_permissions")).toBe(false);
  });

  it("a declined approval does not run the command", async () => {
    const target = path.join(outA, "inline.txt");
    server.enqueue(turn(inline(target)), turn(sse.message("ok")));
    const h = startInline();
    h.session.submit(say("inline"));
    const ev = await h.waitFor((e) => e.msg.type === "exec_approval_request");
    h.session.submit({ type: "exec_approval", id: (ev.msg as any).approval_id, decision: "denied" });
    await h.turnEnd();
    expect(outputOf(1, "c1")).toBe("exec command rejected by user");
    expect(existsSync(target)).toBe(false);
    expect(commandStatuses(h.events)).toEqual(["c1:declined"]);
  });

  it("without the exec_permission_approvals feature the call is refused as Codex does", async () => {
    const target = path.join(outA, "inline.txt");
    server.enqueue(turn(inline(target)), turn(sse.message("ok")));
    const h = startInline("on-request", false);
    h.session.submit(say("inline"));
    await h.turnEnd();
    expect(outputOf(1, "c1")).toBe(
      "additional permissions are disabled; enable `features.exec_permission_approvals` before using `with_additional_permissions`",
    );
    expect(h.events.some((e) => e.msg.type === "exec_approval_request")).toBe(false);
    expect(existsSync(target)).toBe(false);
  });
});

describe("request_permissions under approval policy never", () => {
  it("is denied without asking", async () => {
    server.enqueue(turn(requestPerms([outA], "r1")), turn(sse.message("ok")));
    const asked: PermissionsRequest[] = [];
    const h = startSession(server, work, {
      approvalPolicy: "never",
      sandboxPolicy,
      tools: { shellTool: "shell_command", requestPermissions: true },
      permissionsHandler: async (request) => {
        asked.push(request);
        return { permissions: request.permissions };
      },
    });
    session = h.session;
    h.session.submit(say("ask"));
    await h.turnEnd();
    expect(asked).toHaveLength(0);
    // As real Codex 0.169: the empty grant, nobody asked.
    expect(JSON.parse(outputOf(1, "r1"))).toEqual({ permissions: { network: null, file_system: null }, scope: "turn" });
    // The tool is advertised only when enabled.
    const tools = (server.responsesRequests()[0]!.body.tools as any[]).map((t) => t.name);
    expect(tools).toContain("request_permissions");
  });

  it("is not offered unless enabled", async () => {
    server.enqueue(turn(sse.message("hi")));
    const h = startSession(server, work, { tools: { shellTool: "shell_command" } });
    session = h.session;
    h.session.submit(say("hi"));
    await h.turnEnd();
    const tools = (server.responsesRequests()[0]!.body.tools as any[]).map((t) => t.name);
    expect(tools).not.toContain("request_permissions");
  });
});
