// The bundled `skill-creator` system skill: its files, relative to the skill folder.
export const skillCreator: Record<string, string> = {
  "SKILL.md": `---
name: skill-creator
description: Write a new Codex skill or improve an existing one, with instructions scoped to when it should apply and any scripts or references it needs.
metadata:
  short-description: Write or improve a skill
---

# Skill creator

A skill is a folder with a \`SKILL.md\`. Codex sees every skill's name and description up
front and reads the body only when the skill is used, so the description decides when it
triggers and the body carries the know-how.

## Where it goes
- For one user: \`$CODEX_HOME/skills/NAME/\` (default \`~/.codex/skills\`).
- For a repository: \`.agents/skills/NAME/\` (or \`.codex/skills/NAME/\`) in the project.
- Never under \`skills/.system\`: Codex replaces that folder with its bundled skills.

## SKILL.md
\`\`\`
---
name: NAME            # lowercase letters, digits and hyphens; the folder's name
description: What it does and when to use it (and when not), in one paragraph.
metadata:
  short-description: A few words for pickers (optional)
---
Instructions: the steps, the commands, the pitfalls. Only what Codex would not know anyway.
\`\`\`

## Optional parts
- \`scripts/\`: programs the instructions call, for steps that must be exact.
- \`references/\`: longer material the instructions point to; read only when needed.
- \`assets/\`: templates or files copied into the user's project.
- \`agents/openai.yaml\`: \`interface\` (\`display_name\`, \`short_description\`,
  \`default_prompt\`, icons) for clients, and \`policy.allow_implicit_invocation: false\`
  for skills that should run only when named as \`$NAME\`.

## Checks
Keep the body short and concrete, test the scripts, and confirm the skill appears in
\`skills/list\` (or the \`$\` picker) without errors.
`,
  "agents/openai.yaml": `interface:
  display_name: "Skill Creator"
  short_description: "Write or improve a skill"
`,
};
