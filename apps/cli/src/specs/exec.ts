import { CONFIG_OPTIONS, type CommandSpec, FULL_AUTO, HELP, type OptionSpec, PROFILE, SANDBOX_MODES, STRICT_CONFIG, TRUST } from "./options.js";

/** Options `exec` and `exec resume` share (clap marks them global: they may stand on either side of `resume`). */
const SHARED: readonly OptionSpec[] = [
  ...CONFIG_OPTIONS,
  STRICT_CONFIG,
  { name: "image", short: "i", type: "string", multiple: true, value: "FILE", description: "Image(s) to attach to the prompt (repeatable or comma-separated)" },
  { name: "model", short: "m", type: "string", value: "MODEL", description: "Model the agent should use" },
  { name: "oss", type: "boolean", description: "Use a local open-source model server (see --local-provider); model gpt-oss:20b unless -m" },
  {
    name: "local-provider",
    type: "string",
    value: "PROVIDER",
    choices: ["lmstudio", "ollama"],
    description: "The local server --oss talks to: ollama (localhost:11434) or lmstudio (localhost:1234)",
  },
  PROFILE,
  {
    name: "sandbox",
    short: "s",
    type: "string",
    value: "MODE",
    choices: SANDBOX_MODES,
    description: "Sandbox policy for model-generated commands",
  },
  FULL_AUTO,
  {
    name: "approve-for-me",
    type: "boolean",
    description: "Route approval requests through automatic review (a guardian sub-agent) using the workspace-write sandbox",
  },
  {
    name: "dangerously-bypass-approvals-and-sandbox",
    type: "boolean",
    aliases: ["yolo"],
    description: "Run every command without approvals or sandboxing (EXTREMELY DANGEROUS: only inside an outer sandbox)",
  },
  { name: "dangerously-bypass-hook-trust", type: "boolean", description: "Run enabled hooks without checking their recorded trust for this run" },
  { name: "cd", short: "C", type: "string", value: "DIR", description: "Use DIR as the agent's working root" },
  { name: "worktree", type: "boolean", description: "Run in a new detached git worktree of HEAD under CODEX_HOME/worktrees/" },
  { name: "add-dir", type: "string", multiple: true, value: "DIR", description: "Another directory the agent may write to (repeatable)" },
  { name: "thread-source", type: "string", value: "SOURCE", description: "Source classification recorded for a new thread" },
  { name: "cyber-access-program", type: "string", value: "PROGRAM", hidden: true, description: "Accepted for SDK compatibility" },
  { name: "skip-git-repo-check", type: "boolean", description: "Allow running outside a Git repository" },
  TRUST,
  { name: "ephemeral", type: "boolean", description: "Do not persist session files to disk" },
  { name: "ignore-user-config", type: "boolean", description: "Do not load $CODEX_HOME/config.toml; auth still uses CODEX_HOME" },
  { name: "ignore-rules", type: "boolean", description: "Do not load user or project execpolicy .rules files" },
  { name: "output-schema", type: "string", value: "FILE", description: "JSON Schema file the final response must match" },
  { name: "color", type: "string", value: "WHEN", choices: ["always", "never", "auto"], description: "Color in the human-readable output (default auto)" },
  { name: "json", type: "boolean", aliases: ["experimental-json"], description: "Print events to stdout as JSONL" },
  { name: "output-last-message", short: "o", type: "string", value: "FILE", description: "Write the agent's last message to FILE" },
  {
    name: "goal",
    type: "string",
    value: "OBJECTIVE",
    description: "Give the thread a goal and keep working until it is complete, blocked or over budget (codex-ts only)",
  },
  { name: "goal-budget", type: "string", value: "TOKENS", description: "Token budget for --goal" },
];

/** Flags that only make sense after `resume`. */
export const RESUME_ONLY: readonly OptionSpec[] = [
  { name: "last", type: "boolean", description: "Resume the most recent session (a new one when there is none)" },
  { name: "all", type: "boolean", description: "With --last: consider sessions from every directory, not only this one" },
];

export const EXEC_RESUME: CommandSpec = {
  name: "resume",
  summary: "Resume a previous session by id or name, or the most recent with --last",
  usage: "codex-ts exec resume [OPTIONS] [SESSION_ID] [PROMPT]",
  arguments: [
    { name: "[SESSION_ID]", description: "Session id (UUID) or thread name; a UUID is looked up first. Omit it with --last" },
    { name: "[PROMPT]", description: "Prompt to send after resuming; `-` reads it from stdin" },
  ],
  options: [...RESUME_ONLY, ...SHARED, HELP],
};

export const EXEC: CommandSpec = {
  name: "exec",
  aliases: ["e"],
  summary: "Run Codex non-interactively",
  usage: "codex-ts exec [OPTIONS] [PROMPT]\ncodex-ts exec [OPTIONS] resume [SESSION_ID | --last] [PROMPT]",
  arguments: [
    {
      name: "[PROMPT]",
      description: "Instructions for the agent; read from stdin when omitted or `-`. Piped stdin plus a PROMPT is appended as a <stdin> block",
    },
  ],
  options: [...SHARED, HELP],
  subcommands: [EXEC_RESUME],
};
