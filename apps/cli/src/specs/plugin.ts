import { CONFIG_OPTIONS, type CommandSpec, HELP, type OptionSpec } from "./options.js";

const json = (what: string): OptionSpec => ({ name: "json", type: "boolean", description: `Print the ${what} as JSON` });
const MARKETPLACE: OptionSpec = {
  name: "marketplace",
  short: "m",
  type: "string",
  value: "MARKETPLACE",
  description: "Marketplace name, when PLUGIN does not say @MARKETPLACE",
};
const SELECTOR = { name: "<PLUGIN[@MARKETPLACE]>", description: "PLUGIN@MARKETPLACE, or PLUGIN with --marketplace" };

const leaf = (name: string, summary: string, usage: string, options: OptionSpec[], args?: CommandSpec["arguments"]): CommandSpec => ({
  name,
  summary,
  usage,
  ...(args ? { arguments: args } : {}),
  options: [...options, ...CONFIG_OPTIONS, HELP],
});

const MARKETPLACE_GROUP: CommandSpec = {
  name: "marketplace",
  summary: "Add, list, upgrade or remove configured plugin marketplaces",
  usage: "codex-ts plugin marketplace [OPTIONS] <COMMAND>",
  options: [...CONFIG_OPTIONS, HELP],
  subcommands: [
    leaf(
      "add",
      "Add a local marketplace (a folder with a marketplace.json) to config.toml",
      "codex-ts plugin marketplace add [OPTIONS] <SOURCE>",
      [
        { name: "ref", type: "string", value: "REF", description: "Git ref (Git sources: not supported by codex-ts)" },
        { name: "sparse", type: "string", multiple: true, value: "PATH", description: "Sparse checkout path (Git sources: not supported by codex-ts)" },
        json("result"),
      ],
      [{ name: "<SOURCE>", description: "The marketplace folder (a local path)" }],
    ),
    leaf("list", "List the configured marketplaces and their roots", "codex-ts plugin marketplace list [OPTIONS]", [json("marketplaces")]),
    leaf(
      "upgrade",
      "Refresh configured Git marketplaces (local ones are read in place)",
      "codex-ts plugin marketplace upgrade [OPTIONS] [MARKETPLACE_NAME]",
      [json("result")],
      [{ name: "[MARKETPLACE_NAME]", description: "One configured marketplace; all Git ones when omitted" }],
    ),
    leaf(
      "remove",
      "Remove a configured marketplace by name",
      "codex-ts plugin marketplace remove [OPTIONS] <MARKETPLACE_NAME>",
      [json("result")],
      [{ name: "<MARKETPLACE_NAME>", description: "The configured marketplace to remove" }],
    ),
  ],
};

export const PLUGIN: CommandSpec = {
  name: "plugin",
  summary: "Manage Codex plugins",
  usage: "codex-ts plugin [OPTIONS] <COMMAND>",
  options: [...CONFIG_OPTIONS, HELP],
  subcommands: [
    leaf("add", "Install a plugin from a configured marketplace", "codex-ts plugin add [OPTIONS] <PLUGIN[@MARKETPLACE]>", [MARKETPLACE, json("install result")], [SELECTOR]),
    leaf("list", "List the plugins of the configured marketplaces", "codex-ts plugin list [OPTIONS]", [
      { ...MARKETPLACE, description: "Only this marketplace's plugins" },
      json("plugin list"),
      { name: "available", type: "boolean", description: "With --json: also the plugins that are not installed" },
    ]),
    MARKETPLACE_GROUP,
    leaf("remove", "Uninstall a plugin and remove its cached files", "codex-ts plugin remove [OPTIONS] <PLUGIN[@MARKETPLACE]>", [MARKETPLACE, json("remove result")], [SELECTOR]),
  ],
};
