// What a review looks at (the app-server v2 `ReviewTarget`), and how a target becomes the
// reviewer's request: the prompt the review sub-agent gets and the short hint the thread shows
// (`enteredReviewMode.review`), worded as Codex 0.169 words them.
import { spawnSync } from "node:child_process";

export type ReviewTarget =
  | { type: "uncommittedChanges" }
  | { type: "baseBranch"; branch: string }
  | { type: "commit"; sha: string; title?: string | null }
  | { type: "custom"; instructions: string };

/** A review ready to run: what the reviewer is asked, and what the user is shown. */
export interface ReviewRequest {
  target: ReviewTarget;
  /** The reviewer's first (user) message. */
  prompt: string;
  /** One line for the thread (`enteredReviewMode.review`, the review turn's user message). */
  userFacingHint: string;
}

export type ReviewRequestResult = { ok: true; request: ReviewRequest } | { ok: false; error: string };

/** The merge base of HEAD and `branch` in the repository at `cwd`, or null when git cannot tell. */
export function mergeBase(cwd: string, branch: string): string | null {
  const run = spawnSync("git", ["merge-base", "HEAD", branch], { cwd, encoding: "utf8" });
  if (run.status !== 0) return null;
  const sha = run.stdout.trim();
  return sha === "" ? null : sha;
}

/**
 * Build the request for `target` in the repository at `cwd`. Empty branches, commits or
 * instructions are refused (one clear error); a base branch whose merge base git cannot find
 * asks the reviewer to find it (as Codex does) instead of failing.
 */
export function reviewRequest(target: ReviewTarget, cwd: string): ReviewRequestResult {
  switch (target.type) {
    case "uncommittedChanges":
      return ok(target, "Review the current code changes (staged, unstaged, and untracked files) and provide prioritized findings.", "current changes");
    case "baseBranch": {
      const branch = target.branch.trim();
      if (!branch) return { ok: false, error: "branch must not be empty" };
      const base = mergeBase(cwd, branch);
      const prompt = base
        ? `Review the code changes against the base branch '${branch}'. The merge base commit for this comparison is ${base}. Run \`git diff ${base}\` to inspect the changes relative to ${branch}. Provide prioritized, actionable findings.`
        : `Review the code changes against the base branch '${branch}'. First find the merge base of HEAD and ${branch} (for example \`git merge-base HEAD ${branch}\`, or against its upstream), then run \`git diff\` against that commit to see the changes this branch would bring into ${branch}. Provide prioritized, actionable findings.`;
      return ok({ type: "baseBranch", branch }, prompt, `changes against '${branch}'`);
    }
    case "commit": {
      const sha = target.sha.trim();
      if (!sha) return { ok: false, error: "sha must not be empty" };
      const title = target.title?.trim() || null;
      const prompt = title
        ? `Review the code changes introduced by commit ${sha} ("${title}"). Provide prioritized, actionable findings.`
        : `Review the code changes introduced by commit ${sha}. Provide prioritized, actionable findings.`;
      const short = sha.slice(0, 7);
      return ok({ type: "commit", sha, title }, prompt, title ? `commit ${short}: ${title}` : `commit ${short}`);
    }
    case "custom": {
      const instructions = target.instructions.trim();
      if (!instructions) return { ok: false, error: "instructions must not be empty" };
      return ok({ type: "custom", instructions }, instructions, instructions);
    }
  }
}

function ok(target: ReviewTarget, prompt: string, userFacingHint: string): ReviewRequestResult {
  return { ok: true, request: { target, prompt, userFacingHint } };
}
