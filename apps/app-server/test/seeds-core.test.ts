/**
 * Seed behaviours of core, approvals and context, driven through the built app-server (issue 28):
 * each test states the behaviour real Codex 0.169 shows for the same scripted model output.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { bwrapWorks, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
const sandboxed = bwrapWorks();

describe("approvals and permissions", () => {
  it("a granular policy without request_permissions answers the tool with the empty grant and asks nobody", async () => {
    const dir = fx.tempDir("codex-perm-");
    const ask = (callId: string) =>
      turn([sse.functionCall("request_permissions", { reason: "need", permissions: { file_system: { write: [dir] } } }, { callId })]);
    fx.fake.enqueue(ask("p-off"), turn([sse.message("ok")]), ask("p-on"), turn([sse.message("ok")]));
    const server = await fx.boot({ extraConfig: "\n[features]\nrequest_permissions_tool = true\n" });
    const granular = (requestPermissions: boolean) => ({
      granular: { sandbox_approval: true, rules: true, mcp_elicitations: true, request_permissions: requestPermissions },
    });
    const off = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy: granular(false), sandbox: "workspace-write" });
    const { turn: t1 } = await server.call("turn/start", { threadId: off.thread.id, input: [{ type: "text", text: "go" }] });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t1.id);
    expect(server.messages.some((m) => m.method === "item/permissions/requestApproval")).toBe(false);
    expect(JSON.parse(fx.toolOutputText("p-off"))).toEqual({ permissions: { network: null, file_system: null }, scope: "turn" });

    // The same call under a granular policy that allows it reaches the client.
    server.autoRespond = (m) =>
      m.method === "item/permissions/requestApproval" ? { permissions: { fileSystem: { write: [dir] } }, scope: "turn" } : undefined;
    const on = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy: granular(true), sandbox: "workspace-write" });
    const { turn: t2 } = await server.call("turn/start", { threadId: on.thread.id, input: [{ type: "text", text: "go" }] });
    await server.waitForNotification("turn/completed", (p) => p.turn.id === t2.id);
    expect(server.messages.some((m) => m.method === "item/permissions/requestApproval")).toBe(true);
    expect(fx.toolOutputText("p-on")).toContain(dir);
  });

  it.skipIf(!sandboxed)(
    "a command asking for more permissions is one command approval carrying additionalPermissions; approved, it runs with them",
    async () => {
      const outside = fx.tempDir("codex-outside-");
      const target = path.join(outside, "out.txt");
      fx.fake.enqueue(
        turn([
          sse.functionCall(
            "exec_command",
            {
              cmd: `echo hi > '${target}'`,
              sandbox_permissions: "with_additional_permissions",
              additional_permissions: { file_system: { write: [outside] } },
              justification: "write the report",
              yield_time_ms: 10_000,
            },
            { callId: "c1" },
          ),
        ]),
        turn([sse.message("done")]),
      );
      const server = await fx.boot({ extraConfig: "\n[features]\nexec_permission_approvals = true\n" });
      server.autoRespond = (m) => (m.method === "item/commandExecution/requestApproval" ? { decision: "accept" } : undefined);
      const { thread } = await server.call("thread/start", {
        cwd: fx.workDir,
        approvalPolicy: "on-request",
        sandbox: "workspace-write",
        config: { "sandbox_workspace_write.exclude_slash_tmp": true, "sandbox_workspace_write.exclude_tmpdir_env_var": true },
      });
      const { turn: t } = await server.call("turn/start", { threadId: thread.id, input: [{ type: "text", text: "go" }] });
      await server.waitForNotification("turn/completed", (p) => p.turn.id === t.id, 60_000);
      const approvals = server.messages.filter((m) => m.method === "item/commandExecution/requestApproval");
      expect(approvals).toHaveLength(1);
      const params = approvals[0]?.params as Record<string, unknown>;
      expect(params).toMatchObject({
        itemId: "c1",
        reason: "write the report",
        availableDecisions: ["accept", "cancel"],
        additionalPermissions: {
          network: null,
          fileSystem: { entries: [{ path: { type: "path", path: outside }, access: "write" }] },
        },
      });
      expect(server.messages.some((m) => m.method === "item/permissions/requestApproval")).toBe(false);
      expect(existsSync(target) && readFileSync(target, "utf8")).toBe("hi\n");
    },
  );
});
