// The bundled `skill-installer` system skill: its files, relative to the skill folder.
export const skillInstaller: Record<string, string> = {
  "SKILL.md": `---
name: skill-installer
description: Put Codex skills into $CODEX_HOME/skills, either from the curated openai/skills list or from a folder in any GitHub repository (private ones too). Use when the user wants to see which skills can be installed, install a curated one, or install one from another repository.
metadata:
  short-description: Install skills from openai/skills or any GitHub repo
---

# Skill installer

Installs skill folders into \`$CODEX_HOME/skills\` (default \`~/.codex/skills\`). The curated
skills are in https://github.com/openai/skills under \`skills/.curated\`; experimental ones
under \`skills/.experimental\`.

## Listing
\`\`\`
curl -fsSL https://api.github.com/repos/openai/skills/contents/skills/.curated | jq -r '.[].name'
\`\`\`
Mark the ones already present in \`$CODEX_HOME/skills\`.

## Installing
1. Check out only the skill's folder:
   \`git clone --depth 1 --filter=blob:none --sparse URL tmp && git -C tmp sparse-checkout set PATH\`
   (for private repositories the user's git credentials or \`gh auth\` apply).
2. Check that \`PATH/SKILL.md\` exists and its front matter has a \`name\`.
3. Copy the folder to \`$CODEX_HOME/skills/NAME\`; refuse to overwrite an existing skill unless
   the user agrees. Never write into \`skills/.system\`.
4. Remove the temporary checkout.

These steps need network access: ask for it when the sandbox has none. Codex picks up new
skills without a restart; say so once the skill is in place.
`,
  "agents/openai.yaml": `interface:
  display_name: "Skill Installer"
  short_description: "Install skills from openai/skills or any GitHub repo"
`,
};
