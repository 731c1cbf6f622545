import { CONFIG_OPTIONS, type CommandSpec, HELP } from "./options.js";

export const LOGIN_STATUS: CommandSpec = {
  name: "status",
  summary: "Show whether credentials are stored, and which",
  usage: "codex-ts login status [OPTIONS]",
  options: [...CONFIG_OPTIONS, HELP],
};

export const LOGIN: CommandSpec = {
  name: "login",
  summary: "Store an API key for Codex (ChatGPT sign-in is not available in codex-ts)",
  usage: "codex-ts login --with-api-key < KEY_FILE\ncodex-ts login status",
  options: [
    ...CONFIG_OPTIONS,
    {
      name: "with-api-key",
      type: "boolean",
      description: "Read an API key from stdin and store it in CODEX_HOME/auth.json (printenv OPENAI_API_KEY | codex-ts login --with-api-key)",
    },
    { name: "with-access-token", type: "boolean", description: "ChatGPT access token sign-in: not available in codex-ts" },
    { name: "device-auth", type: "boolean", description: "ChatGPT device-code sign-in: not available in codex-ts" },
    HELP,
  ],
  subcommands: [LOGIN_STATUS],
};

export const LOGOUT: CommandSpec = {
  name: "logout",
  summary: "Remove stored credentials (CODEX_HOME/auth.json)",
  usage: "codex-ts logout [OPTIONS]",
  options: [...CONFIG_OPTIONS, HELP],
};
