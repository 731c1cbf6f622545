import { CONFIG_OPTIONS, type CommandSpec, HELP, PROFILE } from "./options.js";

const FEATURE_ARG = { name: "<FEATURE>", description: "A feature name, as `codex-ts features list` shows it" };

export const FEATURES: CommandSpec = {
  name: "features",
  summary: "Inspect feature flags",
  usage: "codex-ts features [OPTIONS] <COMMAND>",
  options: [...CONFIG_OPTIONS, PROFILE, HELP],
  subcommands: [
    {
      name: "list",
      summary: "List known features with their stage and effective state",
      usage: "codex-ts features list [OPTIONS]",
      options: [...CONFIG_OPTIONS, PROFILE, HELP],
    },
    {
      name: "enable",
      summary: "Enable a feature in config.toml",
      usage: "codex-ts features enable <FEATURE>",
      arguments: [FEATURE_ARG],
      options: [HELP],
    },
    {
      name: "disable",
      summary: "Disable a feature in config.toml",
      usage: "codex-ts features disable <FEATURE>",
      arguments: [FEATURE_ARG],
      options: [HELP],
    },
  ],
};
