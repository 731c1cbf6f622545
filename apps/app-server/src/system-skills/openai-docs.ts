// The bundled `openai-docs` system skill: its files, relative to the skill folder.
export const openaiDocs: Record<string, string> = {
  "SKILL.md": `---
name: openai-docs
description: Questions about how Codex itself works and first-time OpenAI API setup. Read this skill before explaining how this coding agent behaves or is configured (history, models, instructions and their precedence, permissions and sandboxing, tools, skills, MCP) or when helping someone connect to the OpenAI API for the first time. Skip it for requests to act, for existing API integrations (use the developer docs) and for questions the supplied material already answers.
---

# Codex and OpenAI docs

Answer questions about this agent from what it actually is and does here, and help with a first
OpenAI API integration. Check the tools and settings available in this session before claiming
what the user can or cannot do.

## Where Codex keeps things
- Settings: \`$CODEX_HOME/config.toml\` (default \`~/.codex\`), profiles as
  \`[profiles.NAME]\`, per-run overrides with \`-c key=value\`; a trusted project may add
  \`.codex/config.toml\`.
- Instructions: \`AGENTS.md\` files from the project root down to the working directory, plus
  \`$CODEX_HOME/AGENTS.md\`; deeper files refine earlier ones; the user's messages win.
- Skills: \`SKILL.md\` folders under \`$CODEX_HOME/skills\`, \`~/.agents/skills\` and a
  project's \`.codex/skills\` or \`.agents/skills\`; the bundled ones live in
  \`$CODEX_HOME/skills/.system\`.
- MCP servers: \`[mcp_servers.NAME]\` in config.toml. Hooks: \`hooks.json\` or \`[hooks]\`.
- Sessions: rollout files under \`$CODEX_HOME/sessions\`, resumable by id.
- Permissions: \`approval_policy\` (untrusted, on-request, never) and \`sandbox_mode\`
  (read-only, workspace-write, danger-full-access).

## OpenAI API, first time
Create a key at platform.openai.com, export it as \`OPENAI_API_KEY\`, install the official SDK
for the user's language and start from the Responses API (\`client.responses.create\`). For
anything beyond that, cite the official documentation at https://platform.openai.com/docs and
https://developers.openai.com rather than memory, and say which page you used.
`,
  "agents/openai.yaml": `interface:
  display_name: "OpenAI Docs"
  short_description: "How Codex works, and a first OpenAI API setup"
  default_prompt: "Use $openai-docs to explain how a Codex feature works or to set up my first OpenAI API call."
`,
};
