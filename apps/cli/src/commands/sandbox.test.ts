/** `codex-ts sandbox` in the 0.169 shape (and `sandbox linux` kept), in-process, under real bwrap. */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInProcess } from "../../test/helpers.js";
import { probeBwrap } from "@codex-ts/sandboxing";

/** Whether bubblewrap can build a sandbox here (the suite is skipped elsewhere). */
const bwrapWorks = process.platform === "linux" && (await probeBwrap("bwrap")) === null;

let home: string;
let work: string;
let outside: string;
beforeEach(() => {
  const mk = (p: string) => realpathSync(mkdtempSync(path.join(tmpdir(), p)));
  [home, work, outside] = [mk("sbx-cli-home-"), mk("sbx-cli-work-"), mk("sbx-cli-outside-")];
});
afterEach(() => {
  for (const d of [home, work, outside]) rmSync(d, { recursive: true, force: true });
});

const env = () => ({ CODEX_HOME: home, HOME: home, PATH: process.env.PATH });
/** A script that tries a write in the workspace and one outside, printing what happened. */
const probe = () => ["sh", "-c", `echo x > in.txt && echo in-ok || echo in-refused; echo x > ${outside}/out.txt && echo out-ok || echo out-refused`];
const noTmp = ["-c", "sandbox_workspace_write.exclude_slash_tmp=true", "-c", "sandbox_workspace_write.exclude_tmpdir_env_var=true"];

describe.skipIf(!bwrapWorks)("codex-ts sandbox (0.169 shape)", () => {
  it("--full-auto and -c sandbox_mode both mean workspace-write: the workspace only", async () => {
    for (const flags of [["--full-auto"], ["-c", 'sandbox_mode="workspace-write"']]) {
      const r = await runInProcess(["sandbox", ...flags, ...noTmp, "-C", work, "--", ...probe()], { env: env(), cwd: outside });
      expect(r.stdout).toBe("in-ok\nout-refused\n");
      expect(existsSync(path.join(outside, "out.txt"))).toBe(false);
      rmSync(path.join(work, "in.txt"));
    }
  });

  it("-P :read-only refuses every write; a [permissions.NAME] profile keeps its deny glob", async () => {
    const ro = await runInProcess(["sandbox", "-P", ":read-only", "-C", work, "--", ...probe()], { env: env(), cwd: work });
    expect(ro.stdout).toBe("in-refused\nout-refused\n");
    writeFileSync(
      path.join(home, "config.toml"),
      '[permissions.dev.filesystem]\n":minimal" = "read"\n":project_roots" = { "." = "write", "**/*.env" = "deny" }\n',
    );
    writeFileSync(path.join(work, "secret.env"), "TOKEN=s3cr3t\n");
    mkdirSync(path.join(work, "src"));
    const script = "cat secret.env || echo denied; echo ok > src/a.txt && echo wrote";
    const r = await runInProcess(["sandbox", "-P", "dev", "-C", work, "--", "sh", "-c", script], { env: env(), cwd: work });
    expect(r.stdout).not.toContain("s3cr3t");
    expect(r.stdout).toContain("denied");
    expect(r.stdout).toContain("wrote");
    expect(readFileSync(path.join(work, "src", "a.txt"), "utf8")).toBe("ok\n");
  });

  it("an unknown profile or a profile that cannot be expressed is one clear error and nothing runs", async () => {
    const r = await runInProcess(["sandbox", "-P", "nope", "--", "touch", path.join(work, "ran")], { env: env(), cwd: work });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain("unknown permission profile: `nope`");
    writeFileSync(path.join(home, "config.toml"), '[permissions.odd.filesystem]\n":future" = "deny"\n');
    const odd = await runInProcess(["sandbox", "-P", "odd", "--", "touch", path.join(work, "ran")], { env: env(), cwd: work });
    expect(odd.code).toBe(1);
    expect(odd.stderr).toContain("unknown special path :future");
    expect(existsSync(path.join(work, "ran"))).toBe(false);
    const usage = await runInProcess(["sandbox", "--bogus"], { env: env(), cwd: work });
    expect(usage.code).toBe(2);
  });

  it("`sandbox linux -s workspace-write` still works", async () => {
    const r = await runInProcess(["sandbox", "linux", "-s", "workspace-write", "-C", work, "--", ...probe()], { env: env(), cwd: work });
    expect(r.stdout).toMatch(/^in-ok\n/);
  });
});
