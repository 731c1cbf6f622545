import { existsSync, mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type TestContext, fnCall, makeContext, waitFor } from "../test-context.js";
import type { ToolEvent } from "../types.js";
import { execCommandHandler, shellCommandHandler, writeStdinHandler } from "./handlers.js";
import { createLocalRunner, killProcessGroup } from "./runner.js";
import { ExecSessionStore } from "./sessions.js";
import { policyFromSources } from "@codex-ts/execpolicy";
import { CoreSandboxPolicy } from "@codex-ts/protocol";

const full = { type: "danger-full-access" as const };

function completedItems(events: ToolEvent[]) {
  return events.flatMap((e) => (e.type === "item_completed" && e.item.type === "command_execution" ? [e.item] : []));
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("local runner", () => {
  it("fails closed for sandboxed modes without a sandbox backend", async () => {
    const runner = createLocalRunner({ sandbox: null });
    const r = await runner.spawn({ argv: ["touch", "/tmp/never"], cwd: "/tmp", sandbox: CoreSandboxPolicy.parse({ type: "workspace-write" }) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.kind).toBe("sandbox_unavailable");
      expect(r.error).toContain("sandbox mode 'workspace-write' is not available");
    }
    const ro = await runner.spawn({ argv: ["true"], cwd: "/tmp", sandbox: CoreSandboxPolicy.parse({ type: "read-only" }) });
    expect(ro.ok).toBe(false);
  });

  it("uses the sandbox wrapper when one is provided", async () => {
    const runner = createLocalRunner({
      sandbox: async (spec) => ({ ok: true, argv: ["/bin/sh", "-c", 'echo "wrapped:$0"', ...spec.argv] }),
    });
    const r = await runner.spawn({ argv: ["inner"], cwd: "/tmp", sandbox: CoreSandboxPolicy.parse({ type: "read-only" }) });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    let out = "";
    r.process.onOutput((c) => {
      out += c;
    });
    await r.process.exited;
    expect(out).toBe("wrapped:inner\n");
  });

  it("reports a missing program as a spawn failure", async () => {
    const r = await createLocalRunner().spawn({ argv: ["/definitely/not/here"], cwd: "/tmp", sandbox: full });
    expect(r).toMatchObject({ ok: false, kind: "spawn_failed" });
  });
});

describe("shell_command", () => {
  let t: TestContext;
  afterEach(() => t?.cleanup());

  it("runs a string command in the user's shell and reports exit code and items", async () => {
    t = makeContext({ sandboxPolicy: full, runner: createLocalRunner(), approvalPolicy: "never" });
    const r = await shellCommandHandler().handle(
      fnCall("shell_command", { command: "echo hello; echo oops 1>&2; pwd; exit 3", login: false }),
      t.ctx,
    );
    expect(r.success).toBe(false);
    expect(r.output).toMatch(/^Exit code: 3\nWall time: [\d.]+ seconds\nOutput:\n/);
    expect(r.output).toContain("hello\n");
    expect(r.output).toContain("oops\n");
    expect(r.output).toContain(t.dir);
    const [item] = completedItems(t.events);
    expect(item).toMatchObject({ status: "failed", exitCode: 3, command: expect.stringContaining("echo hello") });
    expect(item?.durationMs).toBeGreaterThanOrEqual(0);
    expect(t.events.some((e) => e.type === "exec_command_output_delta" && e.chunk.includes("hello"))).toBe(true);
  });

  it("honours workdir and login shells", async () => {
    t = makeContext({ sandboxPolicy: full, runner: createLocalRunner() });
    const sub = path.join(t.dir, "sub");
    mkdirSync(sub);
    const r = await shellCommandHandler().handle(fnCall("shell_command", { command: "pwd", workdir: "sub" }), t.ctx);
    expect(r.success).toBe(true);
    expect(r.output).toContain(`${sub}\n`);
    const missing = await shellCommandHandler().handle(
      fnCall("shell_command", { command: "pwd", workdir: "nope" }),
      t.ctx,
    );
    expect(missing).toEqual({ output: `workdir ${path.join(t.dir, "nope")} does not exist`, success: false });
  });

  it("kills the whole process group on timeout", async () => {
    t = makeContext({ sandboxPolicy: full, runner: createLocalRunner() });
    const pidFile = path.join(t.dir, "child.pid");
    const r = await shellCommandHandler().handle(
      fnCall("shell_command", {
        command: `sleep 30 & echo $! > ${pidFile}; wait`,
        // Generous, so the shell has written the pid file before the timeout fires on a busy machine.
        timeout_ms: 4000,
        login: false,
      }),
      t.ctx,
    );
    expect(r.success).toBe(false);
    expect(r.output).toContain("Exit code: 124");
    expect(r.output).toContain("command timed out after 4000 milliseconds");
    const childPid = Number(readFileSync(pidFile, "utf8"));
    await waitFor(() => !pidAlive(childPid));
  });

  it("interrupt (AbortSignal) kills a running sleep and its group", async () => {
    t = makeContext({ sandboxPolicy: full, runner: createLocalRunner() });
    const pidFile = path.join(t.dir, "child.pid");
    const pending = shellCommandHandler().handle(
      fnCall("shell_command", { command: `sleep 60 & echo $! > ${pidFile}; wait`, timeout_ms: 120_000, login: false }),
      t.ctx,
    );
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim().length > 0);
    t.abort.abort();
    const r = await pending;
    expect(r.success).toBe(false);
    expect(r.output).toContain("command was interrupted");
    await waitFor(() => !pidAlive(Number(readFileSync(pidFile, "utf8"))));
  });

  it("fails closed (clear error, nothing run) in workspace-write without a sandbox backend", async () => {
    t = makeContext({ sandboxPolicy: { type: "workspace-write" }, runner: createLocalRunner({ sandbox: null }) });
    const marker = path.join(t.dir, "ran");
    const r = await shellCommandHandler().handle(fnCall("shell_command", { command: `touch ${marker}` }), t.ctx);
    expect(r.success).toBe(false);
    expect(r.output).toContain("is not available");
    expect(existsSync(marker)).toBe(false);
    expect(completedItems(t.events)[0]?.status).toBe("failed");
  });

  it("truncates huge output head+tail", async () => {
    t = makeContext({ sandboxPolicy: full, runner: createLocalRunner() });
    const r = await shellCommandHandler().handle(
      fnCall("shell_command", { command: "seq 1 100000", login: false }),
      t.ctx,
    );
    expect(r.success).toBe(true);
    expect(r.output).toContain("\n1\n2\n3\n");
    expect(r.output).toContain("100000\n");
    expect(r.output).toContain("output truncated: original was");
    expect(r.output.length).toBeLessThan(12_000);
  });
});

describe("exec approvals", () => {
  let t: TestContext;
  afterEach(() => t?.cleanup());

  it("untrusted: known-safe runs, others ask; approve runs, deny declines, abort ends the turn", async () => {
    let answer: "approved" | "denied" | "abort" | "approved_for_session" = "approved";
    t = makeContext({
      sandboxPolicy: full,
      runner: createLocalRunner(),
      approvalPolicy: "untrusted",
      decide: () => answer,
    });
    const h = shellCommandHandler();
    const safe = await h.handle(fnCall("shell_command", { command: "ls", login: false }), t.ctx);
    expect(safe.success).toBe(true);
    expect(t.approvals).toHaveLength(0);

    const marker = path.join(t.dir, "m");
    const approved = await h.handle(fnCall("shell_command", { command: `touch ${marker}`, login: false }), t.ctx);
    expect(approved.success).toBe(true);
    expect(existsSync(marker)).toBe(true);
    expect(t.approvals).toHaveLength(1);
    expect(t.approvals[0]).toMatchObject({
      kind: "exec",
      callId: "call-1",
      turnId: "turn-1",
      cwd: t.dir,
      command: [expect.any(String), "-c", `touch ${marker}`],
      proposedExecpolicyAmendment: ["touch", marker],
      availableDecisions: [
        "approved",
        "approved_for_session",
        { approved_execpolicy_amendment: { proposed_execpolicy_amendment: ["touch", marker] } },
        "abort",
      ],
    });

    answer = "denied";
    const m2 = path.join(t.dir, "m2");
    const denied = await h.handle(fnCall("shell_command", { command: `touch ${m2}`, login: false }), t.ctx);
    expect(denied).toEqual({ output: "exec command rejected by user", success: false });
    expect(existsSync(m2)).toBe(false);
    expect(completedItems(t.events).at(-1)?.status).toBe("declined");

    answer = "abort";
    const aborted = await h.handle(fnCall("shell_command", { command: `touch ${m2}`, login: false }), t.ctx);
    expect(aborted).toEqual({ output: "exec command rejected by user", success: false, abortTurn: true });

    answer = "approved_for_session";
    await h.handle(fnCall("shell_command", { command: `touch ${m2}`, login: false }), t.ctx);
    const before = t.approvals.length;
    answer = "denied";
    const again = await h.handle(fnCall("shell_command", { command: `touch ${m2}`, login: false }), t.ctx);
    expect(again.success).toBe(true);
    expect(t.approvals.length).toBe(before);
  });

  // workspace-write without /tmp, so a second temp dir is outside the writable roots.
  const ws = { type: "workspace-write" as const, exclude_slash_tmp: true, exclude_tmpdir_env_var: true };

  it("real sandbox: writes inside the workspace work, outside are blocked; read-only blocks all", async () => {
    const outside = makeContext();
    try {
      t = makeContext({ sandboxPolicy: ws, runner: createLocalRunner(), approvalPolicy: "never" });
      const h = shellCommandHandler();
      const inside = await h.handle(fnCall("shell_command", { command: "echo in > inside.txt", login: false }), t.ctx);
      expect(inside.success).toBe(true);
      expect(readFileSync(path.join(t.dir, "inside.txt"), "utf8")).toBe("in\n");
      const target = path.join(outside.dir, "escape.txt");
      const blocked = await h.handle(fnCall("shell_command", { command: `echo out > ${target}`, login: false }), t.ctx);
      expect(blocked.success).toBe(false);
      expect(existsSync(target)).toBe(false);
      t.cleanup();

      t = makeContext({ sandboxPolicy: { type: "read-only" }, runner: createLocalRunner(), approvalPolicy: "never" });
      const ro = await h.handle(fnCall("shell_command", { command: "echo x > f.txt", login: false }), t.ctx);
      expect(ro.success).toBe(false);
      expect(existsSync(path.join(t.dir, "f.txt"))).toBe(false);
    } finally {
      outside.cleanup();
    }
  });

  it("escalation requests: asked under on-request and run outside the sandbox; never stays sandboxed", async () => {
    const outside = makeContext();
    const target = path.join(outside.dir, "escalated.txt");
    try {
      t = makeContext({ sandboxPolicy: ws, runner: createLocalRunner(), approvalPolicy: "never" });
      const h = shellCommandHandler();
      const stillSandboxed = await h.handle(
        fnCall("shell_command", {
          command: `echo hi > ${target}`,
          login: false,
          sandbox_permissions: "require_escalated",
          justification: "write elsewhere",
        }),
        t.ctx,
      );
      expect(stillSandboxed.success).toBe(false);
      expect(t.approvals).toHaveLength(0);
      expect(existsSync(target)).toBe(false);
      t.cleanup();

      t = makeContext({ sandboxPolicy: ws, runner: createLocalRunner(), approvalPolicy: "on-request", decide: () => "approved" });
      const ok = await h.handle(
        fnCall("shell_command", {
          command: `echo escalated > ${target}`,
          login: false,
          sandbox_permissions: "require_escalated",
          justification: "write elsewhere",
        }),
        t.ctx,
      );
      expect(ok.success).toBe(true);
      expect(readFileSync(target, "utf8")).toBe("escalated\n");
      expect(t.approvals[0]).toMatchObject({ kind: "exec", reason: "write elsewhere" });
    } finally {
      outside.cleanup();
    }
  });

  it("on-failure: a sandbox denial offers a retry outside the sandbox", async () => {
    const outside = makeContext();
    const target = path.join(outside.dir, "retry.txt");
    try {
      t = makeContext({ sandboxPolicy: ws, runner: createLocalRunner(), approvalPolicy: "on-failure", decide: () => "approved" });
      const r = await shellCommandHandler().handle(
        fnCall("shell_command", { command: `echo retried > ${target}`, login: false }),
        t.ctx,
      );
      expect(t.approvals).toHaveLength(1);
      expect(t.approvals[0]?.kind === "exec" && t.approvals[0].reason).toContain("retry without sandbox");
      expect(r.success).toBe(true);
      expect(readFileSync(target, "utf8")).toBe("retried\n");
    } finally {
      outside.cleanup();
    }
  });

  it("execpolicy decides forbidden / prompt / allow", async () => {
    t = makeContext({
      sandboxPolicy: full,
      runner: createLocalRunner(),
      approvalPolicy: "on-request",
      decide: () => "approved",
    });
    const loaded = policyFromSources([
      {
        file: "test.rules",
        contents: [
          'prefix_rule(pattern=["rm"], decision="forbidden", justification="no deleting")',
          'prefix_rule(pattern=["touch"], decision="prompt")',
          'prefix_rule(pattern=["echo"], decision="allow")',
        ].join("\n"),
      },
    ]);
    if (!loaded.ok) throw new Error("rules did not load");
    t.ctx.execPolicy = loaded.policy;
    const h = shellCommandHandler();
    const forbidden = await h.handle(fnCall("shell_command", { command: "rm -rf x", login: false }), t.ctx);
    expect(forbidden.success).toBe(false);
    expect(forbidden.output).toContain("no deleting");
    const prompted = await h.handle(
      fnCall("shell_command", { command: `touch ${path.join(t.dir, "p")}`, login: false }),
      t.ctx,
    );
    expect(prompted.success).toBe(true);
    expect(t.approvals).toHaveLength(1);
    const allowed = await h.handle(fnCall("shell_command", { command: "echo ok", login: false }), t.ctx);
    expect(allowed.success).toBe(true);
    expect(t.approvals).toHaveLength(1);
  });

  it("on-failure offers to run outside an unavailable sandbox, only with approval", async () => {
    t = makeContext({
      sandboxPolicy: { type: "workspace-write" },
      runner: createLocalRunner({ sandbox: null }),
      approvalPolicy: "on-failure",
      decide: () => "approved",
    });
    const r = await shellCommandHandler().handle(fnCall("shell_command", { command: "echo hi", login: false }), t.ctx);
    expect(r.success).toBe(true);
    expect(t.approvals).toHaveLength(1);
    expect(t.approvals[0]?.kind === "exec" && t.approvals[0].reason).toContain("could not run in the sandbox");
  });
});

describe("exec_command + write_stdin", () => {
  let t: TestContext;
  afterEach(() => {
    if (t) {
      const store = t.ctx.execSessions as ExecSessionStore | undefined;
      store?.killAll();
      t.cleanup();
    }
  });

  function ctx() {
    t = makeContext({ sandboxPolicy: full, runner: createLocalRunner() });
    t.ctx.execSessions = new ExecSessionStore();
    return t;
  }

  it("returns output and exit code for a quick command", async () => {
    ctx();
    const r = await execCommandHandler().handle(fnCall("exec_command", { cmd: "echo quick", login: false }), t.ctx);
    expect(r.success).toBe(true);
    expect(r.output).toMatch(/Process exited with code 0\nOriginal token count: \d+\nOutput:\nquick\n$/);
    await waitFor(() => completedItems(t.events).length === 1);
    expect(completedItems(t.events)[0]).toMatchObject({ status: "completed", exitCode: 0, aggregatedOutput: "quick\n" });
  });

  it("keeps a long-running process as a session and talks to it through write_stdin", async () => {
    ctx();
    const started = await execCommandHandler().handle(
      fnCall("exec_command", {
        cmd: 'while read line; do echo "got:$line"; if [ "$line" = quit ]; then exit 7; fi; done',
        login: false,
        yield_time_ms: 300,
      }),
      t.ctx,
    );
    const id = Number(/Process running with session ID (\d+)/.exec(started.output as string)?.[1]);
    expect(id).toBeGreaterThan(0);

    let echoed = "";
    for (let i = 0; i < 50 && !echoed.includes("got:hello"); i++) {
      const r = await writeStdinHandler().handle(
        fnCall("write_stdin", { session_id: id, chars: i === 0 ? "hello\n" : "", yield_time_ms: 500 }),
        t.ctx,
      );
      echoed += r.output as string;
    }
    expect(echoed).toContain("got:hello");

    let final = "";
    for (let i = 0; i < 50 && !final.includes("Process exited"); i++) {
      const r = await writeStdinHandler().handle(
        fnCall("write_stdin", { session_id: id, chars: i === 0 ? "quit\n" : "", yield_time_ms: 500 }),
        t.ctx,
      );
      final += r.output as string;
    }
    expect(final).toContain("got:quit");
    expect(final).toContain("Process exited with code 7");
    await waitFor(() => completedItems(t.events).length === 1);
    expect(completedItems(t.events)[0]).toMatchObject({ status: "failed", exitCode: 7, processId: String(id) });

    const gone = await writeStdinHandler().handle(fnCall("write_stdin", { session_id: id, chars: "x" }), t.ctx);
    expect(gone.success).toBe(false);
    expect(gone.output).toContain(`unknown session id ${id}`);
  });

  it("allocates a PTY when tty is true", async () => {
    ctx();
    const r = await execCommandHandler().handle(
      fnCall("exec_command", { cmd: "test -t 0 && echo is-a-tty || echo not-a-tty", login: false, tty: true }),
      t.ctx,
    );
    expect(r.output).toContain("is-a-tty");
    const pipes = await execCommandHandler().handle(
      fnCall("exec_command", { cmd: "test -t 0 && echo is-a-tty || echo not-a-tty", login: false }),
      t.ctx,
    );
    expect(pipes.output).toContain("not-a-tty");
  });

  it("talks to an interactive program in a PTY", async () => {
    ctx();
    const started = await execCommandHandler().handle(
      fnCall("exec_command", { cmd: 'read -r name; echo "hello $name"', login: false, tty: true, yield_time_ms: 250 }),
      t.ctx,
    );
    const id = Number(/session ID (\d+)/.exec(started.output as string)?.[1]);
    expect(id).toBeGreaterThan(0);
    let out = "";
    for (let i = 0; i < 50 && !out.includes("Process exited"); i++) {
      const r = await writeStdinHandler().handle(
        fnCall("write_stdin", { session_id: id, chars: i === 0 ? "pty\n" : "", yield_time_ms: 500 }),
        t.ctx,
      );
      out += r.output as string;
    }
    expect(out).toContain("hello pty");
    expect(out).toContain("Process exited with code 0");
  });

  it("caps output with max_output_tokens", async () => {
    ctx();
    const r = await execCommandHandler().handle(
      fnCall("exec_command", { cmd: "seq 1 20000", login: false, max_output_tokens: 100 }),
      t.ctx,
    );
    const body = (r.output as string).split("Output:\n")[1] ?? "";
    expect(body).toContain("output truncated");
    expect(body.startsWith("1\n2\n")).toBe(true);
    expect(body.endsWith("20000\n")).toBe(true);
    expect(Buffer.byteLength(body)).toBeLessThan(400 + 200);
  });

  it("interrupt kills a session's process group while waiting", async () => {
    ctx();
    const pidFile = path.join(t.dir, "pid");
    const pending = execCommandHandler().handle(
      fnCall("exec_command", { cmd: `sleep 60 & echo $! > ${pidFile}; wait`, login: false, yield_time_ms: 30_000 }),
      t.ctx,
    );
    await waitFor(() => existsSync(pidFile) && readFileSync(pidFile, "utf8").trim().length > 0);
    t.abort.abort();
    const r = await pending;
    expect(r.output).toMatch(/Process exited with code \d+/);
    await waitFor(() => !pidAlive(Number(readFileSync(pidFile, "utf8"))));
  });

  it("rejects bad arguments with a clear message", async () => {
    ctx();
    const r = await execCommandHandler().handle(fnCall("exec_command", { cmd: 42 }), t.ctx);
    expect(r.success).toBe(false);
    expect(r.output).toContain("cmd");
    const w = await writeStdinHandler().handle(fnCall("write_stdin", { chars: "x" }), t.ctx);
    expect(w.output).toContain("session_id");
  });
});

describe("killProcessGroup", () => {
  it("ignores unknown pids", () => {
    expect(() => killProcessGroup(undefined)).not.toThrow();
    expect(() => killProcessGroup(2 ** 22 + 12345)).not.toThrow();
  });
});

describe("apply_patch through the shell", () => {
  let t: TestContext;
  afterEach(() => t?.cleanup());

  it("applies an `apply_patch <<'EOF'` heredoc through the patch path (with cd)", async () => {
    t = makeContext({ sandboxPolicy: full, runner: createLocalRunner() });
    mkdirSync(path.join(t.dir, "pkg"));
    const script = "cd pkg && apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: hello.txt\n+hi\n*** End Patch\nEOF\n";
    const r = await shellCommandHandler().handle(fnCall("shell_command", { command: script }), t.ctx);
    expect(r).toEqual({ output: "Success. Updated the following files:\nA hello.txt\n", success: true });
    expect(readFileSync(path.join(t.dir, "pkg/hello.txt"), "utf8")).toBe("hi\n");
    expect(t.events[0]).toMatchObject({ type: "warning" });
    const viaExec = await execCommandHandler().handle(
      fnCall("exec_command", { cmd: 'apply_patch <<"PATCH"\n*** Begin Patch\n*** Delete File: pkg/hello.txt\n*** End Patch\nPATCH' }),
      t.ctx,
    );
    expect(viaExec.success).toBe(true);
    expect(existsSync(path.join(t.dir, "pkg/hello.txt"))).toBe(false);
  });
});
