import { CONFIG_OPTIONS, type CommandSpec, HELP, STRICT_CONFIG, TRUST } from "./options.js";

export const REVIEW: CommandSpec = {
  name: "review",
  summary: "Run a code review non-interactively",
  usage: "codex-ts review [OPTIONS] [PROMPT]",
  arguments: [{ name: "[PROMPT]", description: "Custom review instructions; `-` reads them from stdin" }],
  options: [
    ...CONFIG_OPTIONS,
    STRICT_CONFIG,
    TRUST,
    { name: "uncommitted", type: "boolean", description: "Review staged, unstaged and untracked changes" },
    { name: "base", type: "string", value: "BRANCH", description: "Review the changes against the base branch BRANCH" },
    { name: "commit", type: "string", value: "SHA", description: "Review the changes a commit introduced" },
    { name: "title", type: "string", value: "TITLE", description: "The commit's title, shown to the reviewer (with --commit)" },
    { name: "model", short: "m", type: "string", value: "MODEL", description: "Model the reviewer should use" },
    { name: "json", type: "boolean", description: "Print events to stdout as JSONL (as exec --json)" },
    { name: "output-last-message", short: "o", type: "string", value: "FILE", description: "Write the reviewer's last message to FILE" },
    HELP,
  ],
};
