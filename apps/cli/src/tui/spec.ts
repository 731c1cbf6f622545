/** The interactive terminal's entries in the command table (`codex-ts [PROMPT]`, `resume`, `fork`). */
import { CONFIG_OPTIONS, type CommandSpec, HELP, type OptionSpec, SANDBOX_MODES } from "../specs/options.js";

/** Options of `codex-ts [PROMPT]` (the root command), `resume` and `fork`. */
export const TUI_OPTIONS: readonly OptionSpec[] = [
  ...CONFIG_OPTIONS,
  { name: "model", short: "m", type: "string", value: "MODEL", description: "Model the agent should use" },
  {
    name: "sandbox",
    short: "s",
    type: "string",
    value: "MODE",
    choices: SANDBOX_MODES,
    description: "Sandbox policy for model-generated commands",
  },
  {
    name: "ask-for-approval",
    short: "a",
    type: "string",
    value: "POLICY",
    choices: ["untrusted", "on-request", "never"],
    description: "When the model must ask before running a command",
  },
  {
    name: "cd",
    short: "C",
    type: "string",
    value: "DIR",
    description: "Use DIR as the agent's working root",
  },
  {
    name: "dangerously-bypass-approvals-and-sandbox",
    type: "boolean",
    aliases: ["yolo"],
    description: "Run every command without approvals or sandboxing (EXTREMELY DANGEROUS)",
  },
];

const SESSION_OPTIONS: readonly OptionSpec[] = [
  ...TUI_OPTIONS,
  { name: "last", type: "boolean", description: "Continue the most recent session" },
  { name: "all", type: "boolean", description: "With --last: do not filter sessions by working directory" },
  HELP,
];

/** `codex-ts resume` / `codex-ts fork`: the same arguments, a different action on the thread. */
function sessionCommand(name: "resume" | "fork"): CommandSpec {
  const verb = name === "resume" ? "Resume" : "Fork";
  return {
    name,
    summary: `${verb} a previous interactive session (picker by default; --last for the most recent)`,
    usage: `codex-ts ${name} [OPTIONS] [SESSION_ID | --last] [PROMPT]`,
    options: SESSION_OPTIONS,
  };
}

export const RESUME = sessionCommand("resume");
export const FORK = sessionCommand("fork");
