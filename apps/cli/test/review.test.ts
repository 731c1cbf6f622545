import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { beforeEach, describe, expect, it } from "vitest";
import { runBin, useBinFixture } from "./bin.js";

const fx = useBinFixture();

function git(...args: string[]): string {
  return execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", "-c", "init.defaultBranch=main", ...args], { cwd: fx.work, encoding: "utf8" }).trim();
}

beforeEach(() => {
  rmSync(path.join(fx.work, ".git"), { recursive: true, force: true });
  git("init", "-q");
  writeFileSync(path.join(fx.work, "a.txt"), "one\n");
  git("add", "a.txt");
  git("commit", "-qm", "init");
});

const REVIEW = {
  findings: [
    {
      title: "[P1] Wrong constant",
      body: "two is not one.\nIt breaks callers.",
      confidence_score: 0.8,
      priority: 1,
      code_location: { absolute_file_path: "/repo/a.txt", line_range: { start: 2, end: 3 } },
    },
  ],
  overall_correctness: "patch is incorrect",
  overall_explanation: "One bug.",
  overall_confidence_score: 0.7,
};

function requestText(): string {
  return JSON.stringify(fx.server.responsesRequests()[0]!.body.input);
}

describe("codex-ts review", () => {
  it("--uncommitted: a review sub-agent with the reviewer's instructions; the answer printed as review comments", async () => {
    writeFileSync(path.join(fx.work, "a.txt"), "one\ntwo\n");
    fx.server.enqueue(turn(sse.message(JSON.stringify(REVIEW))));
    const r = await runBin(["review", "--uncommitted", ...fx.providerArgs()], { cwd: fx.work, env: fx.env() });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("One bug.\n\nReview comment:\n\n- [P1] Wrong constant — /repo/a.txt:2-3\n  two is not one.\n  It breaks callers.\n");
    expect(r.stderr).toContain("user\ncurrent changes");
    expect(JSON.stringify(fx.server.responsesRequests()[0]!.body)).toContain("# Code review");
    expect(requestText()).toContain("Review the current code changes (staged, unstaged, and untracked files)");
    const headers = fx.server.responsesRequests()[0]!.headers;
    expect(headers["x-openai-subagent"]).toBe("review");
    const tools = (fx.server.responsesRequests()[0]!.body.tools as Array<{ name?: string }>).map((t) => t.name);
    expect(tools).not.toContain("apply_patch");
  });

  it("--base names the merge base; --commit names the commit and its title; PROMPT is used as is", async () => {
    git("checkout", "-qb", "feature");
    writeFileSync(path.join(fx.work, "a.txt"), "one\nthree\n");
    git("commit", "-qam", "feature work");
    const mergeBase = git("merge-base", "HEAD", "main");
    fx.server.enqueue(turn(sse.message("{\"findings\":[],\"overall_explanation\":\"Looks right.\"}")));
    const base = await runBin(["review", "--base", "main", ...fx.providerArgs()], { cwd: fx.work, env: fx.env() });
    expect(base, JSON.stringify(base)).toMatchObject({ code: 0, stdout: "Looks right.\n" });
    expect(requestText()).toContain(`git diff ${mergeBase}`);

    fx.server.enqueue(turn(sse.message("not json at all")));
    const commit = await runBin(["review", "--commit", "HEAD", "--title", "feature work", ...fx.providerArgs()], { cwd: fx.work, env: fx.env() });
    expect(commit).toMatchObject({ code: 0, stdout: "not json at all\n" });
    expect(JSON.stringify(fx.server.responsesRequests()[1]!.body.input)).toContain('commit HEAD (\\"feature work\\")');

    fx.server.enqueue(turn(sse.message("{\"findings\":[]}")));
    const custom = await runBin(["review", "-", ...fx.providerArgs()], { cwd: fx.work, env: fx.env(), stdin: "check the README only" });
    expect(custom).toMatchObject({ code: 0, stdout: "The reviewer found no problems to report.\n" });
    expect(JSON.stringify(fx.server.responsesRequests()[2]!.body.input)).toContain("check the README only");
  });

  it("needs exactly one target: none is one line (exit 1), two are a usage error (exit 2)", async () => {
    const none = await runBin(["review"], { cwd: fx.work, env: fx.env() });
    expect(none).toMatchObject({ code: 1, stderr: "Error: Specify --uncommitted, --base, --commit, or provide custom review instructions\n" });
    expect((await runBin(["review", "--uncommitted", "also this"], { cwd: fx.work, env: fx.env() })).code).toBe(2);
    expect((await runBin(["review", "--base", "main", "--commit", "HEAD"], { cwd: fx.work, env: fx.env() })).code).toBe(2);
    expect((await runBin(["review", "--base", " "], { cwd: fx.work, env: fx.env() })).stderr).toBe("Error: review: branch must not be empty\n");
    expect(fx.server.responsesRequests()).toHaveLength(0);
    // A base git cannot resolve: the reviewer is asked to find the merge base itself, as Codex does.
    fx.server.enqueue(turn(sse.message("{\"findings\":[],\"overall_explanation\":\"ok\"}")));
    const badBase = await runBin(["review", "--base", "no-such-branch", ...fx.providerArgs()], { cwd: fx.work, env: fx.env() });
    expect(badBase).toMatchObject({ code: 0, stdout: "ok\n" });
    expect(requestText()).toContain("First find the merge base of HEAD and no-such-branch");
  });
});
