import { CONFIG_OPTIONS, type CommandSpec, HELP, PROFILE } from "./options.js";

const SESSION_ARG = { name: "<SESSION>", description: "Session id (UUID) or thread name; a UUID is looked up as an id first" };

function sessionCommand(name: string, summary: string, extra: CommandSpec["options"] = []): CommandSpec {
  return {
    name,
    summary,
    usage: `codex-ts ${name} [OPTIONS] <SESSION>`,
    arguments: [SESSION_ARG],
    options: [...CONFIG_OPTIONS, PROFILE, ...extra, HELP],
  };
}

export const ARCHIVE = sessionCommand("archive", "Archive a saved session by id or thread name");
export const UNARCHIVE = sessionCommand("unarchive", "Unarchive a saved session by id or thread name");
export const DELETE = sessionCommand("delete", "Permanently delete a saved session by id or thread name", [
  { name: "force", type: "boolean", description: "Delete without asking; SESSION must then be a UUID" },
]);
