// The bundled `review-agent` system skill: its files, relative to the skill folder.
export const reviewAgent: Record<string, string> = {
  "SKILL.md": `---
name: review-agent
description: Review a given code change without modifying anything and report every defect the author would want to fix. Use when another agent hands over a review of uncommitted changes, a diff against a base branch, a commit, or a review with custom instructions.
---

# Review agent

Read the change under review and report what is wrong with it. Stay read-only: no edits, no
commits, no pushes, no comments posted anywhere, no further delegation.

## What to look at
- Uncommitted changes: \`git status\`, \`git diff\` and \`git diff --staged\`, plus new files.
- Against a base branch: \`git diff $(git merge-base HEAD BASE)\`.
- A commit: \`git show SHA\`.
- Custom instructions: follow them for scope, still read-only.
Read the surrounding code of every hunk: a defect is often in what the change forgot to update.

## What counts as a finding
Bugs, broken edge cases, security and data-loss risks, races, wrong error handling, missing
tests for new behaviour, and mismatches with the project's own conventions. Leave out taste and
style the project does not ask for. Every finding must be something the author would fix.

## Output
For each finding: a short title, the file and line range, why it is wrong and what would
happen, and a priority (P0 blocking to P3 minor). Finish with an overall verdict: whether the
change is correct as it stands.
`,
  "agents/openai.yaml": `interface:
  display_name: "Review Agent"
  short_description: "Find the bugs in a code change"
  default_prompt: "Use $review-agent to review the requested changes and list the defects it finds."
policy:
  allow_implicit_invocation: false
`,
};
