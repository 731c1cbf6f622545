/**
 * command/exec under real sandboxes (@codex-ts/sandboxing, bubblewrap): read-only refuses writes,
 * workspace-write allows them in the cwd only; the default comes from config's sandbox_mode.
 */
import { existsSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { bwrapWorks, useAppServerFixture } from "./harness.js";

const sandboxed = bwrapWorks();

const fx = useAppServerFixture();
let outside: string;

beforeEach(() => {
  outside = fx.tempDir("codex-outside-");
});

const boot = (sandboxMode: string) => fx.bootWithConfig(`sandbox_mode = "${sandboxMode}"\n`);

const write = (file: string) => ["/bin/sh", "-c", `echo data > '${file}'`];

describe.skipIf(!sandboxed)("command/exec sandboxing", () => {
  it("read-only (config default) refuses a write but reads fine", async () => {
    const server = await boot("read-only");
    writeFileSync(path.join(fx.workDir, "in.txt"), "readable\n");
    const read = await server.call("command/exec", { command: ["cat", "in.txt"], cwd: fx.workDir });
    expect(read).toMatchObject({ exitCode: 0, stdout: "readable\n" });
    const refused = await server.call("command/exec", { command: write(path.join(fx.workDir, "out.txt")), cwd: fx.workDir });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/Read-only file system|Permission denied/);
    expect(existsSync(path.join(fx.workDir, "out.txt"))).toBe(false);
  });

  it("workspace-write (per request) allows writes in the cwd only", async () => {
    const server = await boot("read-only");
    const sandboxPolicy = { type: "workspaceWrite", writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: true, excludeSlashTmp: true };
    const inside = await server.call("command/exec", { command: write(path.join(fx.workDir, "ok.txt")), cwd: fx.workDir, sandboxPolicy });
    expect(inside.exitCode).toBe(0);
    expect(existsSync(path.join(fx.workDir, "ok.txt"))).toBe(true);
    const elsewhere = await server.call("command/exec", { command: write(path.join(outside, "no.txt")), cwd: fx.workDir, sandboxPolicy });
    expect(elsewhere.exitCode).not.toBe(0);
    expect(existsSync(path.join(outside, "no.txt"))).toBe(false);
  });

  it("danger-full-access writes anywhere", async () => {
    const server = await boot("read-only");
    const result = await server.call("command/exec", {
      command: write(path.join(outside, "yes.txt")),
      cwd: fx.workDir,
      sandboxPolicy: { type: "dangerFullAccess" },
    });
    expect(result.exitCode).toBe(0);
    expect(existsSync(path.join(outside, "yes.txt"))).toBe(true);
  });
});
