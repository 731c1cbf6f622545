import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { sse, turn } from "@codex-ts/test-support";
import { describe, expect, it } from "vitest";
import { type Harness, messageTexts, say, type SessionDirs, startSession, useSessionDirs } from "../session/test-harness.js";
import { formatReviewOutput, parseReviewOutput, startReview } from "./index.js";
import { reviewRequest } from "./target.js";

let dirs: SessionDirs;
let h: Harness | undefined;
useSessionDirs("core-review-", (d) => (dirs = d), async () => {
  await h?.session.shutdown();
  h = undefined;
});

const git = (cwd: string, ...args: string[]) =>
  execFileSync("git", ["-c", "user.email=t@t", "-c", "user.name=t", ...args], { cwd, encoding: "utf8" }).trim();

const FINDING = {
  title: "[P1] Off-by-one in the loop",
  body: "The loop skips the last element.",
  confidence_score: 0.8,
  priority: 1,
  code_location: { absolute_file_path: "/repo/a.ts", line_range: { start: 3, end: 4 } },
};
const ANSWER = JSON.stringify({
  findings: [FINDING],
  overall_correctness: "patch is incorrect",
  overall_explanation: "One bug.",
  overall_confidence_score: 0.7,
});

describe("review targets", () => {
  it("words each target as Codex does, with the merge base for a base branch", () => {
    git(dirs.work, "init", "-q", "-b", "main");
    writeFileSync(path.join(dirs.work, "a.txt"), "a\n");
    git(dirs.work, "add", ".");
    git(dirs.work, "commit", "-qm", "init");
    const base = git(dirs.work, "rev-parse", "HEAD");
    git(dirs.work, "checkout", "-qb", "feature");
    const uncommitted = reviewRequest({ type: "uncommittedChanges" }, dirs.work);
    expect(uncommitted.ok && uncommitted.request.userFacingHint).toBe("current changes");
    const branch = reviewRequest({ type: "baseBranch", branch: "main" }, dirs.work);
    expect(branch.ok && branch.request.prompt).toContain(`The merge base commit for this comparison is ${base}`);
    expect(branch.ok && branch.request.userFacingHint).toBe("changes against 'main'");
    const missing = reviewRequest({ type: "baseBranch", branch: "nope" }, dirs.work);
    expect(missing.ok && missing.request.prompt).toContain("First find the merge base");
    const commit = reviewRequest({ type: "commit", sha: "0123456789abcdef", title: "Fix it" }, dirs.work);
    expect(commit.ok && commit.request.userFacingHint).toBe("commit 0123456: Fix it");
    expect(commit.ok && commit.request.prompt).toBe('Review the code changes introduced by commit 0123456789abcdef ("Fix it"). Provide prioritized, actionable findings.');
    expect(reviewRequest({ type: "custom", instructions: "  " }, dirs.work)).toEqual({ ok: false, error: "instructions must not be empty" });
  });

  it("reads the answer as JSON, JSON inside prose, or prose", () => {
    expect(parseReviewOutput(ANSWER).findings).toHaveLength(1);
    expect(parseReviewOutput(`Here you go:\n\`\`\`json\n${ANSWER}\n\`\`\``).overall_explanation).toBe("One bug.");
    const prose = parseReviewOutput("Looks fine to me.");
    expect(prose).toMatchObject({ findings: [], overall_explanation: "Looks fine to me." });
    expect(formatReviewOutput(parseReviewOutput(ANSWER))).toBe(
      "One bug.\n\nReview comment:\n\n- [P1] Off-by-one in the loop — /repo/a.ts:3-4\n  The loop skips the last element.",
    );
    const two = parseReviewOutput(JSON.stringify({ findings: [FINDING, { ...FINDING, title: "[P2] Second" }], overall_explanation: "" }));
    expect(formatReviewOutput(two)).toMatch(/^Full review comments:\n\n- \[P1\].*\n\n- \[P2\] Second/s);
  });
});

describe("startReview", () => {
  it("runs a review sub-agent with the reviewer's instructions and leaves the result in the thread", async () => {
    dirs.server.enqueue(turn(sse.message("first answer")), turn(sse.message(ANSWER)), turn(sse.message("fixed")));
    h = startSession(dirs.server, dirs.work, { tools: { shellTool: "shell_command", applyPatchToolType: "freeform" } });
    h.session.submit(say("hello"));
    await h.turnEnd();
    const started = startReview(h.session, { type: "custom", instructions: "Check the loop" });
    expect(started.ok).toBe(true);
    await h.waitFor((e) => e.msg.type === "task_complete" && h!.events.filter((x) => x.msg.type === "task_complete").length === 2);
    const types = h.events.map((e) => e.msg.type);
    const entered = h.events.find((e) => e.msg.type === "entered_review_mode")!.msg as { user_facing_hint: string; target: unknown };
    expect(entered).toMatchObject({ user_facing_hint: "Check the loop", target: { type: "custom", instructions: "Check the loop" } });
    const exited = h.events.find((e) => e.msg.type === "exited_review_mode")!.msg as { review_output: { findings: unknown[] } };
    expect(exited.review_output.findings).toEqual([FINDING]);
    expect(types.indexOf("entered_review_mode")).toBeLessThan(types.indexOf("exited_review_mode"));
    const complete = h.events.filter((e) => e.msg.type === "task_complete").at(-1)!.msg as { last_agent_message: string };
    expect(complete.last_agent_message).toContain("Review comment:\n\n- [P1] Off-by-one in the loop — /repo/a.ts:3-4");

    // The reviewer's request: its own instructions, read-only, no editing tools, the review header.
    const review = dirs.server.responsesRequests()[1]!;
    expect(review.headers["x-openai-subagent"]).toBe("review");
    expect(review.headers["x-codex-parent-thread-id"]).toBe(h.session.threadId);
    const body = review.body as { instructions?: string; input: unknown[]; tools: Array<{ name?: string }> };
    expect(JSON.stringify(body)).toContain("# Code review");
    expect(messageTexts(body.input).at(-1)).toBe("user:Check the loop");
    expect(messageTexts(body.input).join("\n")).not.toContain("first answer");
    const tools = body.tools.map((t) => t.name);
    expect(tools).not.toContain("apply_patch");
    expect(tools).toContain("exec_command");

    // The next turn of the thread sees the review's result.
    h.session.submit(say("fix it"));
    await h.waitFor((e) => e.msg.type === "task_complete" && h!.events.filter((x) => x.msg.type === "task_complete").length === 3);
    const next = messageTexts((dirs.server.responsesRequests()[2]!.body as { input: unknown[] }).input);
    expect(next.some((t) => t.startsWith("user:<user_action>") && t.includes("[P1] Off-by-one in the loop"))).toBe(true);
    expect(next).toContain("user:fix it");
    expect(dirs.server.unscripted).toEqual([]);
  });

  it("refuses while a turn runs, and an interrupt exits review mode without output", async () => {
    dirs.server.enqueue(turn(sse.message("never"), { hold: true }));
    h = startSession(dirs.server, dirs.work);
    expect(startReview(h.session, { type: "custom", instructions: "" })).toEqual({ ok: false, reason: "invalid", error: "instructions must not be empty" });
    const started = startReview(h.session, { type: "uncommittedChanges" });
    expect(started.ok).toBe(true);
    await dirs.server.waitForResponsesRequests(1);
    expect(startReview(h.session, { type: "uncommittedChanges" })).toEqual({ ok: false, reason: "busy" });
    h.session.submit({ type: "interrupt" });
    const end = await h.turnEnd();
    expect(end.msg.type).toBe("turn_aborted");
    const exited = h.events.find((e) => e.msg.type === "exited_review_mode")!.msg as { review_output: unknown };
    expect(exited.review_output).toBeNull();
    expect(h.session.history().some((i) => JSON.stringify(i).includes("<user_action>"))).toBe(false);
  });
});
