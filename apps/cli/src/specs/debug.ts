import { CONFIG_OPTIONS, type CommandSpec, HELP } from "./options.js";

const MODELS: CommandSpec = {
  name: "models",
  summary: "Print the raw model catalog as JSON",
  usage: "codex-ts debug models [OPTIONS]",
  options: [
    { name: "bundled", type: "boolean", description: "Only the catalog bundled with codex-ts (ignore model_catalog_json)" },
    ...CONFIG_OPTIONS,
    HELP,
  ],
};

const PROMPT_INPUT: CommandSpec = {
  name: "prompt-input",
  summary: "Print the model-visible prompt input list as JSON",
  usage: "codex-ts debug prompt-input [OPTIONS] [PROMPT]",
  arguments: [{ name: "[PROMPT]", description: "A user prompt to append after the session context" }],
  options: [
    { name: "image", short: "i", type: "string", multiple: true, value: "FILE", description: "An image to attach to the prompt (repeatable)" },
    ...CONFIG_OPTIONS,
    HELP,
  ],
};

const SEND_MESSAGE_V2: CommandSpec = {
  name: "send-message-v2",
  summary: "Send one message on an in-process app server, printing every JSON-RPC message of the turn",
  usage: "codex-ts debug app-server send-message-v2 [OPTIONS] <USER_MESSAGE>",
  arguments: [{ name: "<USER_MESSAGE>", description: "The message the turn starts with" }],
  options: [...CONFIG_OPTIONS, HELP],
};

const APP_SERVER: CommandSpec = {
  name: "app-server",
  summary: "Tools to debug the app server",
  usage: "codex-ts debug app-server [OPTIONS] <COMMAND>",
  options: [...CONFIG_OPTIONS, HELP],
  subcommands: [SEND_MESSAGE_V2],
};

export const DEBUG: CommandSpec = {
  name: "debug",
  summary: "Debugging tools",
  usage: "codex-ts debug [OPTIONS] <COMMAND>",
  options: [...CONFIG_OPTIONS, HELP],
  subcommands: [MODELS, APP_SERVER, PROMPT_INPUT],
};
