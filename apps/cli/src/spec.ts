/**
 * The command table: one declaration drives argument parsing, `--help` text and shell completions.
 */

export interface OptionSpec {
  /** Long name without dashes, e.g. `model`. */
  name: string;
  short?: string;
  type: "string" | "boolean";
  multiple?: boolean;
  /** Placeholder shown in help, e.g. `FILE`. */
  value?: string;
  choices?: readonly string[];
  /** Other long names that mean the same option (e.g. `experimental-json` for `json`). */
  aliases?: readonly string[];
  description: string;
  hidden?: boolean;
}

export interface CommandSpec {
  name: string;
  aliases?: readonly string[];
  summary: string;
  usage: string;
  options: readonly OptionSpec[];
  subcommands?: readonly CommandSpec[];
}

export const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"] as const;

/** Config override flags accepted at the top level and by every subcommand that loads config. */
export const CONFIG_OPTIONS: readonly OptionSpec[] = [
  {
    name: "config",
    short: "c",
    type: "string",
    multiple: true,
    value: "key=value",
    description: "Override a config value (dotted key; the value is parsed as TOML, else taken as a string)",
  },
  { name: "enable", type: "string", multiple: true, value: "FEATURE", description: "Enable a feature (features.<name>=true)" },
  { name: "disable", type: "string", multiple: true, value: "FEATURE", description: "Disable a feature (features.<name>=false)" },
];

const HELP: OptionSpec = { name: "help", short: "h", type: "boolean", description: "Print help" };

const EXEC_OPTIONS: readonly OptionSpec[] = [
  ...CONFIG_OPTIONS,
  { name: "model", short: "m", type: "string", value: "MODEL", description: "Model the agent should use" },
  { name: "profile", short: "p", type: "string", value: "PROFILE", description: "Configuration profile from config.toml" },
  {
    name: "sandbox",
    short: "s",
    type: "string",
    value: "MODE",
    choices: SANDBOX_MODES,
    description: "Sandbox policy for model-generated commands",
  },
  { name: "cd", short: "C", type: "string", value: "DIR", description: "Use DIR as the agent's working root" },
  { name: "add-dir", type: "string", multiple: true, value: "DIR", description: "Additional writable directory" },
  { name: "image", short: "i", type: "string", multiple: true, value: "FILE", description: "Image(s) to attach to the prompt" },
  { name: "skip-git-repo-check", type: "boolean", description: "Allow running outside a Git repository" },
  { name: "ephemeral", type: "boolean", description: "Do not persist session files to disk" },
  { name: "ignore-rules", type: "boolean", description: "Do not load user or project execpolicy .rules files" },
  { name: "output-schema", type: "string", value: "FILE", description: "JSON Schema file the final response must match" },
  {
    name: "output-last-message",
    short: "o",
    type: "string",
    value: "FILE",
    description: "Write the agent's last message to FILE",
  },
  {
    name: "json",
    type: "boolean",
    aliases: ["experimental-json"],
    description: "Print events to stdout as JSONL",
  },
  {
    name: "dangerously-bypass-approvals-and-sandbox",
    type: "boolean",
    aliases: ["yolo"],
    description: "Run every command without approvals or sandboxing (EXTREMELY DANGEROUS)",
  },
  { name: "dangerously-bypass-hook-trust", type: "boolean", description: "Run hooks without checking their trust for this run" },
  { name: "thread-source", type: "string", value: "SOURCE", description: "Source classification for a new thread" },
  { name: "color", type: "string", value: "WHEN", choices: ["always", "never", "auto"], description: "Color output" },
  { name: "cyber-access-program", type: "string", value: "PROGRAM", hidden: true, description: "Accepted for SDK compatibility" },
  // `exec resume` flags; clap marks exec's flags global, so every flag may stand before or after `resume`.
  { name: "last", type: "boolean", description: "(resume) Resume the most recent session" },
  { name: "all", type: "boolean", description: "(resume) Do not filter sessions by working directory" },
  HELP,
];

export const EXEC: CommandSpec = {
  name: "exec",
  aliases: ["e"],
  summary: "Run Codex non-interactively",
  usage: "codex-ts exec [OPTIONS] [PROMPT]\n       codex-ts exec [OPTIONS] resume [SESSION_ID | --last] [PROMPT]",
  options: EXEC_OPTIONS,
  subcommands: [
    {
      name: "resume",
      summary: "Resume a previous session by id or pick the most recent with --last",
      usage: "codex-ts exec resume [SESSION_ID | --last] [PROMPT]",
      options: EXEC_OPTIONS,
    },
  ],
};

export const APP_SERVER: CommandSpec = {
  name: "app-server",
  summary: "Run the app-server (JSON-RPC v2 over stdio)",
  usage: "codex-ts app-server [OPTIONS]\n       codex-ts app-server generate-json-schema|generate-ts --out DIR",
  options: [...CONFIG_OPTIONS, HELP],
  subcommands: [
    {
      name: "generate-json-schema",
      summary: "Write the app-server protocol JSON Schema bundle",
      usage: "codex-ts app-server generate-json-schema --out DIR",
      options: [{ name: "out", short: "o", type: "string", value: "DIR", description: "Output directory" }, HELP],
    },
    {
      name: "generate-ts",
      summary: "Write TypeScript bindings for the app-server protocol",
      usage: "codex-ts app-server generate-ts --out DIR",
      options: [{ name: "out", short: "o", type: "string", value: "DIR", description: "Output directory" }, HELP],
    },
  ],
};

export const COMPLETION: CommandSpec = {
  name: "completion",
  summary: "Print a shell completion script (bash, zsh or fish)",
  usage: "codex-ts completion bash|zsh|fish",
  options: [HELP],
};

export const EXECPOLICY: CommandSpec = {
  name: "execpolicy",
  summary: "Check commands against execpolicy .rules files",
  usage: "codex-ts execpolicy check --rules FILE [--rules FILE…] [--pretty] -- CMD [ARGS…]",
  options: [HELP],
  subcommands: [
    {
      name: "check",
      summary: "Print the decision for one command as JSON",
      usage: "codex-ts execpolicy check --rules FILE [--rules FILE…] [--pretty] -- CMD [ARGS…]",
      options: [
        { name: "rules", short: "r", type: "string", multiple: true, value: "FILE", description: "A .rules file" },
        { name: "pretty", type: "boolean", description: "Pretty-print the JSON" },
        HELP,
      ],
    },
  ],
};

export const SANDBOX: CommandSpec = {
  name: "sandbox",
  summary: "Run a command under the Codex sandbox",
  usage: "codex-ts sandbox linux|macos [-s read-only|workspace-write] [--add-dir DIR] [-C DIR] -- CMD [ARGS…]",
  options: [HELP],
  subcommands: ["linux", "macos"].map((name) => ({
    name,
    summary: `Run a command under the ${name === "linux" ? "bubblewrap" : "Seatbelt"} sandbox`,
    usage: `codex-ts sandbox ${name} [-s read-only|workspace-write] [--add-dir DIR] [-C DIR] -- CMD [ARGS…]`,
    options: [
      ...CONFIG_OPTIONS,
      { name: "sandbox", short: "s", type: "string" as const, value: "MODE", choices: ["read-only", "workspace-write"], description: "Sandbox mode" },
      { name: "add-dir", type: "string" as const, multiple: true, value: "DIR", description: "Additional writable directory" },
      { name: "cd", short: "C", type: "string" as const, value: "DIR", description: "Working directory" },
      HELP,
    ],
  })),
};

export const NETWORK_PROXY: CommandSpec = {
  name: "network-proxy",
  summary: "Run the egress proxy in the foreground (HTTP + SOCKS5 under a domain policy)",
  usage: "codex-ts network-proxy [--allow DOMAIN]… [--deny DOMAIN]… [--allow-local]",
  options: [
    { name: "allow", type: "string", multiple: true, value: "DOMAIN", description: "Allow a domain (exact or *.suffix)" },
    { name: "deny", type: "string", multiple: true, value: "DOMAIN", description: "Deny a domain (deny wins)" },
    { name: "allow-local", type: "boolean", description: "Permit loopback/private destinations" },
    HELP,
  ],
};

export const ROOT: CommandSpec = {
  name: "codex-ts",
  summary: "codex-ts: a TypeScript implementation of the Codex agent harness",
  usage: "codex-ts [OPTIONS] <COMMAND> [ARGS]",
  options: [...CONFIG_OPTIONS, { name: "version", short: "V", type: "boolean", description: "Print version" }, HELP],
  subcommands: [EXEC, APP_SERVER, EXECPOLICY, SANDBOX, NETWORK_PROXY, COMPLETION],
};

export function findSubcommand(spec: CommandSpec, token: string): CommandSpec | undefined {
  return spec.subcommands?.find((c) => c.name === token || c.aliases?.includes(token));
}

export function renderHelp(spec: CommandSpec): string {
  const lines = [spec.summary, "", `Usage: ${spec.usage}`];
  if (spec.subcommands?.length) {
    lines.push("", "Commands:");
    for (const c of spec.subcommands) lines.push(`  ${c.name.padEnd(22)}${c.summary}`);
  }
  const visible = spec.options.filter((o) => !o.hidden);
  if (visible.length) {
    lines.push("", "Options:");
    for (const o of visible) {
      const flag = `${o.short ? `-${o.short}, ` : "    "}--${o.name}${o.value ? ` <${o.value}>` : ""}`;
      const choices = o.choices ? ` [${o.choices.join(", ")}]` : "";
      lines.push(`  ${flag.padEnd(44)}${o.description}${choices}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
