/**
 * `request_permissions` through the built server under real bwrap: item/permissions/requestApproval,
 * the client grants a subset (only that subset becomes writable), serverRequest/resolved follows
 * the answer, and an answer with relative paths is rejected as invalid params (nothing granted).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { type AppServerProcess, bwrapWorks, useAppServerFixture } from "./harness.js";

const sandboxed = bwrapWorks();

const fx = useAppServerFixture();
let dirA: string;
let dirB: string;

beforeEach(() => {
  dirA = fx.tempDir("codex-grant-a-");
  dirB = fx.tempDir("codex-grant-b-");
});

const boot = () => fx.boot({ extraConfig: "\n[features]\nrequest_permissions_tool = true\n" });

const writeCall = (file: string, callId: string) =>
  turn([sse.functionCall("exec_command", { cmd: `echo data > '${file}'`, yield_time_ms: 10_000 }, { callId })]);

async function startTurn(s: AppServerProcess): Promise<{ threadId: string; turnId: string }> {
  // Workspace-write with /tmp excluded, so dirA/dirB are not writable without a grant; never
  // escalate (a denied write stays denied).
  const { thread } = await s.call("thread/start", {
    cwd: fx.workDir,
    approvalPolicy: "on-request",
    sandbox: "workspace-write",
    config: { "sandbox_workspace_write.exclude_slash_tmp": true, "sandbox_workspace_write.exclude_tmpdir_env_var": true },
  });
  const { turn: t } = await s.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "write there" }] });
  return { threadId: thread.id, turnId: t.id };
}

describe.skipIf(!sandboxed)("item/permissions/requestApproval", () => {
  it("grants only the subset the client returns", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("request_permissions", { reason: "need to write outputs", permissions: { file_system: { write: [dirA, dirB] } } }, { callId: "perm-1" })]),
      writeCall(path.join(dirA, "a.txt"), "w-a"),
      writeCall(path.join(dirB, "b.txt"), "w-b"),
      turn([sse.message("done")]),
    );
    const s = await boot();
    // Sandbox-denial retries would ask item/commandExecution/requestApproval: decline those.
    s.autoRespond = (m) => (m.method === "item/commandExecution/requestApproval" ? { decision: "decline" } : undefined);
    const { threadId, turnId } = await startTurn(s);
    const request = await s.waitForServerRequest("item/permissions/requestApproval", 60_000);
    expect(request.params).toMatchObject({ threadId, turnId, itemId: "perm-1", cwd: fx.workDir, reason: "need to write outputs" });
    expect(JSON.stringify(request.params.permissions)).toContain(dirA);
    expect(JSON.stringify(request.params.permissions)).toContain(dirB);
    s.respond(request.id, { permissions: { fileSystem: { write: [dirA] } }, scope: "turn" });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === turnId, 60_000);
    const resolved = s.messages.findIndex((m) => m.method === "serverRequest/resolved" && m.params.requestId === request.id);
    expect(resolved).toBeGreaterThan(s.messages.indexOf(request));
    expect(fx.toolOutputText("perm-1")).toContain(dirA);
    expect(fx.toolOutputText("perm-1")).not.toContain(dirB);
    expect(existsSync(path.join(dirA, "a.txt"))).toBe(true);
    expect(existsSync(path.join(dirB, "b.txt"))).toBe(false);
  });

  it("an answer with a relative path is invalid params: a warning, nothing granted", async () => {
    fx.fake.enqueue(
      turn([sse.functionCall("request_permissions", { permissions: { file_system: { write: [dirA] } } }, { callId: "perm-2" })]),
      turn([sse.message("ok")]),
    );
    const s = await boot();
    const { turnId } = await startTurn(s);
    const request = await s.waitForServerRequest("item/permissions/requestApproval", 60_000);
    s.respond(request.id, { permissions: { fileSystem: { write: ["relative/dir"] } }, scope: "turn" });
    await s.waitForNotification("turn/completed", (p) => p.turn.id === turnId, 60_000);
    const warning = s.notifications("warning").find((m) => m.params.message.includes("-32602"));
    expect(warning?.params.message).toContain("relative/dir");
    expect(fx.toolOutputText("perm-2")).toContain("denied");
    expect(s.messages.some((m) => m.method === "serverRequest/resolved" && m.params.requestId === request.id)).toBe(true);
  });
});
