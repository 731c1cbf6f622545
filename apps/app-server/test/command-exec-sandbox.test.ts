/**
 * command/exec under real sandboxes (@codex-ts/sandboxing, bubblewrap): read-only refuses writes,
 * workspace-write allows them in the cwd only; the default comes from config's sandbox_mode.
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type AppServerProcess, makeTempDir, startServer } from "./harness.js";

function bwrapWorks(): boolean {
  try {
    execFileSync("bwrap", ["--ro-bind", "/", "/", "--unshare-net", "--dev", "/dev", "true"], { stdio: "ignore", timeout: 20_000 });
    return true;
  } catch {
    return false;
  }
}
const sandboxed = process.platform === "linux" && bwrapWorks();

let server: AppServerProcess | undefined;
let workDir: string;
let outside: string;

beforeEach(() => {
  workDir = makeTempDir("codex-work-");
  outside = makeTempDir("codex-outside-");
});
afterEach(async () => {
  await server?.dispose();
  server = undefined;
  rmSync(workDir, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

async function boot(sandboxMode: string): Promise<AppServerProcess> {
  const home = makeTempDir("codex-home-");
  writeFileSync(path.join(home, "config.toml"), `sandbox_mode = "${sandboxMode}"\n`);
  const s = await startServer({ codexHome: home });
  s.ownsCodexHome = true;
  await s.initialize();
  return s;
}

const write = (file: string) => ["/bin/sh", "-c", `echo data > '${file}'`];

describe.skipIf(!sandboxed)("command/exec sandboxing", () => {
  it("read-only (config default) refuses a write but reads fine", async () => {
    server = await boot("read-only");
    writeFileSync(path.join(workDir, "in.txt"), "readable\n");
    const read = await server.call("command/exec", { command: ["cat", "in.txt"], cwd: workDir });
    expect(read).toMatchObject({ exitCode: 0, stdout: "readable\n" });
    const refused = await server.call("command/exec", { command: write(path.join(workDir, "out.txt")), cwd: workDir });
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr).toMatch(/Read-only file system|Permission denied/);
    expect(existsSync(path.join(workDir, "out.txt"))).toBe(false);
  });

  it("workspace-write (per request) allows writes in the cwd only", async () => {
    server = await boot("read-only");
    const sandboxPolicy = { type: "workspaceWrite", writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: true, excludeSlashTmp: true };
    const inside = await server.call("command/exec", { command: write(path.join(workDir, "ok.txt")), cwd: workDir, sandboxPolicy });
    expect(inside.exitCode).toBe(0);
    expect(existsSync(path.join(workDir, "ok.txt"))).toBe(true);
    const elsewhere = await server.call("command/exec", { command: write(path.join(outside, "no.txt")), cwd: workDir, sandboxPolicy });
    expect(elsewhere.exitCode).not.toBe(0);
    expect(existsSync(path.join(outside, "no.txt"))).toBe(false);
  });

  it("danger-full-access writes anywhere", async () => {
    server = await boot("read-only");
    const result = await server.call("command/exec", {
      command: write(path.join(outside, "yes.txt")),
      cwd: workDir,
      sandboxPolicy: { type: "dangerFullAccess" },
    });
    expect(result.exitCode).toBe(0);
    expect(existsSync(path.join(outside, "yes.txt"))).toBe(true);
  });
});
