/**
 * `codex-ts exec -s workspace-write` (approvals never) against a scripted model that tries to
 * leave the workspace, under real bwrap: every attack fails, the control write in the same run
 * succeeds. /tmp stays writable here, as by default; the outside dir is elsewhere.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ExecThreadEvent } from "@codex-ts/protocol";
import { type FakeResponsesServer, sse, startFakeResponsesServer, turn } from "@codex-ts/test-support";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runInProcess } from "./helpers.js";
import { probeBwrap } from "@codex-ts/sandboxing";

/** Whether bubblewrap can build a sandbox here (the suite is skipped elsewhere). */
const sandboxWorks = process.platform === "linux" && (await probeBwrap("bwrap")) === null;

/** Outside every default writable root: not /tmp, not $TMPDIR. */
function outsideDir(): string {
  for (const base of ["/var/tmp", os.homedir()]) {
    try {
      const real = realpathSync(base);
      if (real === "/tmp" || real.startsWith("/tmp/") || real.startsWith(realpathSync(os.tmpdir()))) continue;
      return realpathSync(mkdtempSync(path.join(real, "codex-exec-escape-")));
    } catch {
      // next
    }
  }
  throw new Error("no directory outside /tmp and $TMPDIR is writable for the test");
}

let server: FakeResponsesServer;
let home: string;
let work: string;
let outside: string;
beforeEach(async () => {
  server = await startFakeResponsesServer();
  home = realpathSync(mkdtempSync(path.join(os.tmpdir(), "exec-escape-home-")));
  work = realpathSync(mkdtempSync(path.join(os.tmpdir(), "exec-escape-work-")));
  outside = sandboxWorks ? outsideDir() : "";
  mkdirSync(path.join(work, ".git"));
});
afterEach(async () => {
  await server.close();
  for (const d of [home, work, outside]) if (d) rmSync(d, { recursive: true, force: true });
});

const call = (id: string, cmd: string, extra: Record<string, unknown> = {}) =>
  sse.functionCall("exec_command", { cmd, login: false, yield_time_ms: 10_000, ...extra }, { callId: id });

describe.skipIf(!sandboxWorks)("exec -s workspace-write: escape attempts", () => {
  it("workdir, cd, symlink, .codex, apply_patch and escalation all fail; the control write succeeds", async () => {
    symlinkSync(outside, path.join(work, "out-link"));
    server.enqueue(
      turn([
        call("workdir", "echo pwned > w.txt", { workdir: outside }),
        call("cd", `cd ${outside}; echo pwned > c.txt`),
        call("link", "echo pwned > out-link/l.txt"),
        call("codex", "mkdir -p .codex; echo 'approval_policy = \"never\"' > .codex/config.toml"),
        sse.customToolCall("apply_patch", `*** Begin Patch\n*** Add File: ${outside}/p.txt\n+pwned\n*** End Patch\n`, { callId: "patch" }),
        call("escalate", `echo pwned > ${outside}/e.txt`, { sandbox_permissions: "require_escalated", justification: "please" }),
      ]),
      turn([call("control", "echo ok > control.txt")]),
      turn([sse.message("done")]),
    );
    const provider = `model_providers.fake={name="fake",base_url="${server.url}",env_key="FAKE_KEY",wire_api="responses",request_max_retries=0,stream_max_retries=0}`;
    const r = await runInProcess(["exec", "--json", "-s", "workspace-write", "-c", provider, "-c", "model_provider=fake", "escape"], {
      cwd: work,
      env: { CODEX_HOME: home, HOME: home, FAKE_KEY: "k", PATH: process.env.PATH, SHELL: "/bin/bash" },
    });
    expect(r.code).toBe(0);
    const items = r.stdout
      .trim()
      .split("\n")
      .map((l) => ExecThreadEvent.parse(JSON.parse(l)))
      .flatMap((e) => (e.type === "item.completed" && e.item.type === "command_execution" ? [e.item] : []));
    // Six attacks went through the sandbox or the patch check; the five shell ones failed there.
    expect(items.filter((i) => i.exit_code !== 0 && i.exit_code !== null).length).toBeGreaterThanOrEqual(5);
    for (const f of ["w.txt", "c.txt", "l.txt", "p.txt", "e.txt"]) expect(existsSync(path.join(outside, f)), f).toBe(false);
    expect(existsSync(path.join(work, ".codex"))).toBe(false);
    expect(readFileSync(path.join(work, "control.txt"), "utf8")).toBe("ok\n");
  });
});
