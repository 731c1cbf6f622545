/**
 * Escape attempts through whole app-server turns (built server, scripted model, workspace-write,
 * approvals never, real bwrap): one turn sends every attack, then a control write that must
 * succeed. Also the legacy `restricted` read-access payload: -32602 naming the field, never widened.
 */
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { bwrapWorks, runTurn, useAppServerFixture } from "./harness.js";

const sandboxed = bwrapWorks();
const fx = useAppServerFixture();

const exec = (callId: string, cmd: string, extra: Record<string, unknown> = {}) =>
  sse.functionCall("exec_command", { cmd, login: false, yield_time_ms: 10_000, ...extra }, { callId });

/** The output the model got for a custom (freeform) tool call, e.g. apply_patch. */
function customToolOutput(callId: string): string {
  for (const request of fx.fake.responsesRequests()) {
    const input = (request.body as { input?: Record<string, unknown>[] }).input ?? [];
    const item = input.find((i) => i.type === "custom_tool_call_output" && i.call_id === callId);
    if (item) return String(item.output);
  }
  return "";
}

describe.skipIf(!sandboxed)("escape attempts through an app-server turn", () => {
  it("every attack is denied; the control write in the same turn succeeds", async () => {
    // /tmp and $TMPDIR excluded, so a second temp dir is outside every writable root.
    const outside = fx.tempDir("codex-escape-outside-");
    const work = fx.workDir;
    mkdirSync(path.join(work, ".git"));
    writeFileSync(path.join(work, ".git", "config"), "[init]\n");
    symlinkSync(outside, path.join(work, "link"));
    let connections = 0;
    const listener = net.createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
    const port = (listener.address() as net.AddressInfo).port;
    try {
      fx.fake.enqueue(
        turn([
          exec("workdir", "echo pwned > workdir.txt", { workdir: outside }),
          exec("cd", `cd ${outside} && echo pwned > cd.txt`),
          exec("symlink", "echo pwned > link/symlink.txt"),
          exec("protected", "echo x >> .git/config; mkdir -p .codex && echo x > .codex/config.toml; mkdir -p .agents/a"),
          sse.customToolCall("apply_patch", `*** Begin Patch\n*** Add File: ${outside}/patch.txt\n+pwned\n*** End Patch\n`, { callId: "patch" }),
          exec("escalate", `echo pwned > ${outside}/escalated.txt`, { sandbox_permissions: "require_escalated", justification: "x" }),
          exec("network", `bash -c 'echo hi > /dev/tcp/127.0.0.1/${port}' && echo connected`),
        ]),
        turn([exec("control", "echo ok > control.txt")]),
        turn([sse.message("done")]),
      );
      const server = await fx.boot();
      const { thread } = await server.call("thread/start", {
        cwd: work,
        approvalPolicy: "never",
        sandbox: "workspace-write",
        config: { "sandbox_workspace_write.exclude_slash_tmp": true, "sandbox_workspace_write.exclude_tmpdir_env_var": true },
      });
      await runTurn(server, thread.id, "try to escape");
      for (const f of ["workdir.txt", "cd.txt", "symlink.txt", "patch.txt", "escalated.txt"]) {
        expect(existsSync(path.join(outside, f)), f).toBe(false);
      }
      expect(readFileSync(path.join(work, ".git", "config"), "utf8")).toBe("[init]\n");
      expect(existsSync(path.join(work, ".codex"))).toBe(false);
      expect(existsSync(path.join(work, ".agents"))).toBe(false);
      expect(fx.toolOutputText("workdir")).toMatch(/Read-only file system/);
      expect(customToolOutput("patch")).toMatch(/rejected/);
      expect(fx.toolOutputText("network")).not.toContain("connected");
      expect(connections).toBe(0);
      expect(readFileSync(path.join(work, "control.txt"), "utf8")).toBe("ok\n");
    } finally {
      listener.close();
    }
  });
});

describe("the legacy read-access fields of a sandbox policy", () => {
  it("restricted is rejected with -32602 naming the field; fullAccess is accepted and changes nothing", async () => {
    const server = await fx.boot();
    const { thread } = await server.call("thread/start", { cwd: fx.workDir, approvalPolicy: "never" });
    const restricted = { type: "restricted", includePlatformDefaults: true, readableRoots: [fx.workDir] };
    for (const [policy, field] of [
      [{ type: "readOnly", access: restricted }, "access"],
      [{ type: "workspaceWrite", readOnlyAccess: restricted }, "readOnlyAccess"],
    ] as const) {
      const { error } = await server.request("turn/start", {
        threadId: thread.id,
        input: [{ type: "text", text: "hi" }],
        sandboxPolicy: policy,
      });
      expect(error?.code).toBe(-32602);
      expect(error?.message).toContain(field);
      expect(error?.message).toMatch(/restricted read access/);
    }
    const execResult = await server.request("command/exec", {
      command: ["true"],
      sandboxPolicy: { type: "readOnly", access: restricted },
    });
    expect(execResult.error?.code).toBe(-32602);
    fx.fake.enqueue(turn([sse.message("fine")]));
    const { completed } = await runTurn(server, thread.id, "hi", {
      sandboxPolicy: { type: "readOnly", access: { type: "fullAccess" } },
    });
    expect(completed.params.turn.status).toBe("completed");
  });
});
