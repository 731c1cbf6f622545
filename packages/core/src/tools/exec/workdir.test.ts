/**
 * A command's `workdir` only changes where it runs: the writable roots of a workspace-write turn
 * come from the turn's cwd and the configured roots (real bubblewrap).
 */
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { customCall, fnCall, makeContext, makeTempDir, type TestContext } from "../test-context.js";
import { applyPatchHandler } from "../apply-patch/handler.js";
import { execCommandHandler, shellCommandHandler } from "./handlers.js";
import { createLocalRunner } from "./runner.js";
import { rmSync } from "node:fs";

// workspace-write without /tmp and $TMPDIR, so a second temp dir is outside every writable root.
const ws = { type: "workspace-write" as const, exclude_slash_tmp: true, exclude_tmpdir_env_var: true };

describe("workdir outside the workspace (real bwrap)", () => {
  let t: TestContext | undefined;
  let outside: string | undefined;
  afterEach(() => {
    t?.cleanup();
    if (outside) rmSync(outside, { recursive: true, force: true });
    t = outside = undefined;
  });

  it.each([
    ["exec_command", (cmd: string, workdir: string) => fnCall("exec_command", { cmd, workdir, login: false })],
    ["shell_command", (cmd: string, workdir: string) => fnCall("shell_command", { command: cmd, workdir, login: false })],
  ] as const)("%s with workdir outside cannot write there; the workspace stays writable", async (name, call) => {
    t = makeContext({ sandboxPolicy: ws, runner: createLocalRunner(), approvalPolicy: "never" });
    outside = makeTempDir();
    const h = name === "exec_command" ? execCommandHandler() : shellCommandHandler();
    const escaped = await h.handle(call("echo pwned > escape.txt", outside), t.ctx);
    expect(existsSync(path.join(outside, "escape.txt"))).toBe(false);
    expect(String(escaped.output)).toMatch(/read-only file system|permission denied/i);
    // Control: the same call with workdir inside the workspace writes.
    mkdirSync(path.join(t.dir, "sub"));
    const control = await h.handle(call("echo ok > control.txt", path.join(t.dir, "sub")), t.ctx);
    expect(String(control.output)).not.toMatch(/read-only/i);
    expect(readFileSync(path.join(t.dir, "sub", "control.txt"), "utf8")).toBe("ok\n");
  });

  it("a shell apply_patch heredoc with workdir outside is not applied there", async () => {
    t = makeContext({ sandboxPolicy: ws, runner: createLocalRunner(), approvalPolicy: "never" });
    outside = makeTempDir();
    const patch = "*** Begin Patch\n*** Add File: hacked.txt\n+hi\n*** End Patch\n";
    const r = await shellCommandHandler().handle(
      fnCall("shell_command", { command: `apply_patch <<'EOF'\n${patch}EOF\n`, workdir: outside, login: false }),
      t.ctx,
    );
    expect(r.success).toBe(false);
    expect(existsSync(path.join(outside, "hacked.txt"))).toBe(false);
    const ok = await applyPatchHandler("freeform").handle(customCall("apply_patch", patch), t.ctx);
    expect(ok.success).toBe(true);
    expect(readFileSync(path.join(t.dir, "hacked.txt"), "utf8")).toBe("hi\n");
  });
});
