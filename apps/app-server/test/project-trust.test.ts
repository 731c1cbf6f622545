/**
 * thread/start records project trust as Codex's app-server does: a named cwd, no trust decision
 * yet, and a sandbox that can write the project → `projects."<repo root>".trust_level = "trusted"`
 * in config.toml (comments kept), and the thread then loads the project's own rules.
 */
import { existsSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { parse as parseToml } from "smol-toml";
import { beforeEach, describe, expect, it } from "vitest";
import { makeTempDir, runTurn, useAppServerFixture } from "./harness.js";

const fx = useAppServerFixture();
let repo: string;

beforeEach(() => {
  repo = realpathSync(fx.tempDir("codex-repo-"));
  mkdirSync(path.join(repo, ".git"));
  mkdirSync(path.join(repo, "src", "deep"), { recursive: true });
});

const boot = (extraConfig = "") => fx.boot({ extraConfig: `# keep this comment\n${extraConfig}` });
const configText = () => readFileSync(path.join(fx.home, "config.toml"), "utf8");
/** The parsed `projects."<dir>".trust_level` (the writer may use a table or a dotted key). */
const trustOf = (dir: string): unknown => {
  const projects = parseToml(configText()).projects;
  const project = isTable(projects) ? projects[dir] : undefined;
  return isTable(project) ? project.trust_level : undefined;
};
const isTable = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const trustLine = (dir: string) =>
  new RegExp(
    `\\[projects\\."${dir.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}"\\]\\s*\\ntrust_level = "trusted"`,
  );

describe("thread/start and project trust", () => {
  it("trusts the repository root of a cwd started with a writable sandbox, keeping the file's comments", async () => {
    const s = await boot();
    await s.call("thread/start", { cwd: path.join(repo, "src", "deep"), sandbox: "workspace-write" });
    const text = configText();
    expect(text).toMatch(trustLine(repo));
    expect(text).toContain("# keep this comment");
    expect(text).not.toContain(path.join(repo, "src"));
    const read = await s.call("config/read", {});
    expect(read.config.projects).toMatchObject({ [repo]: { trust_level: "trusted" } });
  });

  it("leaves trust alone without a cwd, with a read-only sandbox, or with an existing decision", async () => {
    const s = await boot(`[projects."${repo}"]\ntrust_level = "untrusted"\n`);
    await s.call("thread/start", { cwd: repo, sandbox: "danger-full-access" });
    expect(configText()).toContain('trust_level = "untrusted"');
    expect(configText()).not.toContain('"trusted"');

    const other = realpathSync(makeTempDir("codex-other-"));
    try {
      await s.call("thread/start", { cwd: other, sandbox: "read-only" });
      expect(configText()).not.toContain(other);
      await s.call("thread/start", { cwd: other, permissions: ":read-only" });
      expect(configText()).not.toContain(other);
      // no cwd in the request: nothing is recorded for the server's own directory either
      await s.call("thread/start", {});
      expect(configText()).not.toContain('"trusted"');
      // a permission profile that can write trusts it
      await s.call("thread/start", { cwd: other, permissions: ":workspace" });
      expect(trustOf(other)).toBe("trusted");
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it("a linked worktree trusts its main checkout", async () => {
    const worktree = realpathSync(makeTempDir("codex-worktree-"));
    try {
      mkdirSync(path.join(repo, ".git", "worktrees", "wt"), { recursive: true });
      writeFileSync(path.join(worktree, ".git"), `gitdir: ${path.join(repo, ".git", "worktrees", "wt")}\n`);
      const s = await boot();
      await s.call("thread/start", { cwd: worktree, sandbox: "workspace-write" });
      expect(trustOf(repo)).toBe("trusted");
      expect(configText()).not.toContain(worktree);
    } finally {
      rmSync(worktree, { recursive: true, force: true });
    }
  });

  it("the newly trusted project's rules apply to the thread it started", async () => {
    mkdirSync(path.join(repo, ".codex", "rules"), { recursive: true });
    writeFileSync(
      path.join(repo, ".codex", "rules", "project.rules"),
      'prefix_rule(pattern=["mkdir"], decision="forbidden", justification="project rule says no")\n',
    );
    fx.fake.enqueue(
      turn([
        sse.functionCall(
          "exec_command",
          { cmd: "mkdir blocked-dir", yield_time_ms: 10_000 },
          { callId: "c1" },
        ),
      ]),
      turn([sse.message("done")]),
    );
    const s = await boot();
    const { thread } = await s.call("thread/start", { cwd: repo, sandbox: "danger-full-access" });
    await runTurn(s, thread.id, "go");
    expect(existsSync(path.join(repo, "blocked-dir"))).toBe(false);
    expect(fx.toolOutputText("c1")).toContain("project rule says no");
  });
});
