import { CONFIG_OPTIONS, type CommandSpec, HELP } from "./options.js";

export const APPLY: CommandSpec = {
  name: "apply",
  aliases: ["a"],
  summary: "Apply the file changes of a session's last turn to this working tree with `git apply`",
  usage: "codex-ts apply [OPTIONS] [SESSION]",
  arguments: [{ name: "[SESSION]", description: "Session id (UUID) or thread name; default: the most recent session started here" }],
  options: [...CONFIG_OPTIONS, { name: "all", type: "boolean", description: "Without SESSION: the most recent session from any directory" }, HELP],
};
