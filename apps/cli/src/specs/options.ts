/** The shapes of the command table, and the options many commands share. */

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

export interface ArgumentSpec {
  /** As shown in help: `[PROMPT]` (optional) or `<SESSION>` (required). */
  name: string;
  description: string;
}

export interface CommandSpec {
  name: string;
  aliases?: readonly string[];
  summary: string;
  usage: string;
  arguments?: readonly ArgumentSpec[];
  options: readonly OptionSpec[];
  subcommands?: readonly CommandSpec[];
  /** Accepted but not listed in help. */
  hidden?: boolean;
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
    description: "Override a config value: a dotted key, and a value parsed as TOML (else taken as a string)",
  },
  { name: "enable", type: "string", multiple: true, value: "FEATURE", description: "Enable a feature (repeatable; same as -c features.<name>=true)" },
  { name: "disable", type: "string", multiple: true, value: "FEATURE", description: "Disable a feature (repeatable; same as -c features.<name>=false)" },
];

export const HELP: OptionSpec = { name: "help", short: "h", type: "boolean", description: "Print help" };

export const PROFILE: OptionSpec = {
  name: "profile",
  short: "p",
  type: "string",
  value: "PROFILE",
  description: "Layer $CODEX_HOME/<PROFILE>.config.toml on top of the user config",
};

export const STRICT_CONFIG: OptionSpec = {
  name: "strict-config",
  type: "boolean",
  description: "Fail when config.toml has keys this version does not know",
};

export const FULL_AUTO: OptionSpec = {
  name: "full-auto",
  type: "boolean",
  description: "Same as -s workspace-write (the flag of older Codex releases)",
};

export const TRUST: OptionSpec = {
  name: "trust",
  type: "boolean",
  description: "Record this project as trusted in config.toml (kept even with --ephemeral; never overrides an explicit untrusted)",
};
