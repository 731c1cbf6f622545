import { spawnSync } from "node:child_process";

/** What `codex-ts review` looks at. */
export type ReviewTarget =
  | { kind: "uncommitted" }
  | { kind: "base"; branch: string }
  | { kind: "commit"; sha: string; title?: string }
  | { kind: "custom"; instructions: string };

/** The reviewer's standing instructions (a developer message), and the shape of its answer. */
export const REVIEW_INSTRUCTIONS = `# Code review

You review a change someone else made. Report only problems the author would want to fix: real
defects in correctness, security, performance or maintainability that the change introduced, each
one specific, actionable and provable from the code (no speculation about unseen code, no style
nits, no issues that existed before the change). Inspect the change yourself with read-only
commands (git diff, git show, reading files). Prefer few precise findings over many weak ones; an
empty list is a fine answer for a good change.

Priorities: 0 = must fix before merging (breaks things), 1 = should fix soon, 2 = worth fixing,
3 = minor. Prefix each title with its priority, e.g. "[P1] Off-by-one in pagination".

Answer with one JSON object and nothing else:
{"findings":[{"title":string,"body":string (why it is wrong, with the failing case),
"confidence_score":number 0..1,"priority":integer 0..3,
"code_location":{"absolute_file_path":string,"line_range":{"start":integer,"end":integer}}}],
"overall_correctness":"patch is correct" | "patch is incorrect",
"overall_explanation":string (one to three sentences),"overall_confidence_score":number 0..1}`;

/** The user message that starts the review of `target` in the repository at `cwd`. */
export function reviewPrompt(target: ReviewTarget, cwd: string): { ok: true; text: string } | { ok: false; error: string } {
  switch (target.kind) {
    case "custom":
      return { ok: true, text: target.instructions };
    case "uncommitted":
      return { ok: true, text: "Review the working tree's changes — staged, unstaged and untracked files — and list prioritized findings." };
    case "commit": {
      const title = target.title ? ` ("${target.title}")` : "";
      return { ok: true, text: `Review the changes made by commit ${target.sha}${title} (see \`git show ${target.sha}\`) and list prioritized findings.` };
    }
    case "base": {
      const base = spawnSync("git", ["merge-base", "HEAD", target.branch], { cwd, encoding: "utf8" });
      if (base.status !== 0) {
        const why = (base.stderr || base.error?.message || "").trim().split("\n")[0];
        return { ok: false, error: `cannot find the merge base of HEAD and ${target.branch}${why ? `: ${why}` : ""}` };
      }
      const sha = base.stdout.trim();
      return {
        ok: true,
        text: `Review the changes on this branch against the base branch '${target.branch}': they start at merge base ${sha}, so \`git diff ${sha}\` shows them. List prioritized findings.`,
      };
    }
  }
}
