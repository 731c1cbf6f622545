import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

describe("exec --strict-config", () => {
  it("an unknown config key is an error naming it (a warning without the flag)", async () => {
    writeFileSync(path.join(fx.home, "config.toml"), "mystery_key = 1\n");
    const strict = await runBin(["exec", "--strict-config", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/^Error: .*config\.toml: unknown key `mystery_key`/m);
    fx.server.enqueue(turn(sse.message("ok")));
    const lax = await runBin(["exec", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(lax.code).toBe(0);
    expect(lax.stderr).toContain("warning: ");
  });
});

describe("exec --trust", () => {
  it("records the repository root as trusted in config.toml, keeping what is there", async () => {
    writeFileSync(path.join(fx.home, "config.toml"), "# mine\n");
    fx.server.enqueue(turn(sse.message("ok")));
    const r = await runBin(["exec", "--trust", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    const toml = readFileSync(path.join(fx.home, "config.toml"), "utf8");
    expect(toml).toContain("# mine");
    expect(toml).toContain(`[projects."${fx.work}"]\ntrust_level = "trusted"`);
  });

  it("refuses a project marked untrusted, in one line", async () => {
    writeFileSync(path.join(fx.home, "config.toml"), `[projects."${fx.work}"]\ntrust_level = "untrusted"\n`);
    const r = await runBin(["exec", "--trust", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(r).toMatchObject({ code: 1, stderr: `Error: ${fx.work} is marked as untrusted. Update its trust setting first.\n` });
    expect(fx.server.responsesRequests()).toHaveLength(0);
  });
});

/** Forwards 127.0.0.1:`port` to the fake server, or resolves null when the port is taken. */
function forward(port: number, target: number): Promise<net.Server | null> {
  const server = net.createServer((client) => {
    const upstream = net.connect(target, "127.0.0.1");
    client.pipe(upstream).pipe(client);
    client.on("error", () => upstream.destroy());
    upstream.on("error", () => client.destroy());
  });
  return new Promise((resolve) => {
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

describe("exec --oss", () => {
  it("--local-provider ollama talks to localhost:11434 with gpt-oss:20b (the fake server behind that port)", async (ctx) => {
    const relay = await forward(11434, fx.server.port);
    if (!relay) return ctx.skip();
    try {
      fx.server.enqueue(turn(sse.message("local answer")));
      const r = await runBin(["exec", "--oss", "--local-provider", "ollama", "--json", "hi"], { cwd: fx.work, env: fx.env() });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(r.stdout).toContain("local answer");
      expect(fx.server.responsesRequests()[0]!.body.model).toBe("gpt-oss:20b");
    } finally {
      await new Promise((resolve) => relay.close(resolve));
    }
  });

  it("--oss without a provider, or a provider Codex does not know, is refused", async () => {
    const none = await runBin(["exec", "--oss", "hi"], { cwd: fx.work, env: fx.env() });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain("--local-provider");
    const bad = await runBin(["exec", "--oss", "--local-provider", "vllm", "hi"], { cwd: fx.work, env: fx.env() });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("invalid value 'vllm' for '--local-provider'");
  });
});

describe("exec --full-auto", () => {
  it("conflicts with another --sandbox, exit 2", async () => {
    const r = await runBin(["exec", "--full-auto", "-s", "read-only", "hi"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--full-auto");
  });
});

describe("exec --worktree", () => {
  it("runs in a new detached worktree of HEAD under CODEX_HOME/worktrees/, leaving the checkout alone", async () => {
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd: fx.work, encoding: "utf8" });
    rmSync(path.join(fx.work, ".git"), { recursive: true });
    git("init", "-q");
    writeFileSync(path.join(fx.work, "a.txt"), "a\n");
    git("add", ".");
    git("commit", "-qm", "init");
    fx.server.enqueue(turn(sse.functionCall("exec_command", { cmd: "pwd; touch made-here" }, { callId: "c1" })), turn(sse.message("ok")));
    const r = await runBin(["exec", "--worktree", "-s", "danger-full-access", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    const workdir = /workdir: (\S+)/.exec(r.stderr)?.[1];
    expect(workdir?.startsWith(path.join(fx.home, "worktrees"))).toBe(true);
    expect(existsSync(path.join(workdir!, "a.txt"))).toBe(true);
    expect(existsSync(path.join(workdir!, "made-here"))).toBe(true);
    expect(existsSync(path.join(fx.work, "made-here"))).toBe(false);
    expect(git("worktree", "list")).toContain(workdir);
  });

  it("outside a repository is one line, exit 1", async () => {
    rmSync(path.join(fx.work, ".git"), { recursive: true });
    const r = await runBin(["exec", "--worktree", "--skip-git-repo-check", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(r).toMatchObject({ code: 1, stderr: `Error: --worktree needs a git repository: ${fx.work} is not in one\n` });
  });
});

describe("exec --approve-for-me", () => {
  const escalated = (file: string) =>
    turn(sse.functionCall("exec_command", { cmd: `touch ${file}`, sandbox_permissions: "require_escalated", justification: "write outside" }, { callId: "c1" }));

  it("runs on-request in workspace-write; a guardian sub-agent answers the approval (allow runs it, deny does not)", async () => {
    const allowed = path.join(fx.home, "allowed.txt");
    fx.server.enqueue(escalated(allowed), turn(sse.message('{"risk_level":"low","user_authorization":"high","outcome":"allow","rationale":"the user asked"}')), turn(sse.message("done")));
    const r = await runBin(["exec", "--approve-for-me", ...fx.providerArgs(), "touch the file"], { cwd: fx.work, env: fx.env() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("approval: on-request");
    expect(r.stderr).toContain("sandbox: workspace-write");
    expect(r.stderr).toContain("auto-review: approved (the user asked)");
    expect(existsSync(allowed)).toBe(true);
    const guardian = fx.server.responsesRequests()[1]!;
    expect(guardian.headers["x-openai-subagent"]).toBe("guardian");
    expect(JSON.stringify(guardian.body.input)).toContain(`touch ${allowed}`);

    const denied = path.join(fx.home, "denied.txt");
    fx.server.enqueue(escalated(denied), turn(sse.message('{"outcome":"deny","rationale":"not asked"}')), turn(sse.message("not done")));
    const d = await runBin(["exec", "--approve-for-me", ...fx.providerArgs(), "hi"], { cwd: fx.work, env: fx.env() });
    expect(d.code).toBe(0);
    expect(d.stderr).toContain("auto-review: denied (not asked)");
    expect(existsSync(denied)).toBe(false);
  });

  it("cannot be combined with bypassing approvals (usage error)", async () => {
    const r = await runBin(["exec", "--approve-for-me", "--yolo", "hi"], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(2);
    expect(fx.server.responsesRequests()).toHaveLength(0);
  });
});
