import { CONFIG_OPTIONS, type CommandSpec, HELP, PROFILE, STRICT_CONFIG } from "./options.js";

/** `codex-ts queue`: Codex 0.169's flags. */
export const QUEUE: CommandSpec = {
  name: "queue",
  summary: "Queue a message for an existing session",
  usage: "codex-ts queue [OPTIONS] --thread <THREAD> --message <TEXT>",
  options: [
    { name: "thread", type: "string", value: "THREAD", description: "Session UUID or exact session name" },
    { name: "message", type: "string", value: "TEXT", description: "Message text to queue" },
    {
      name: "resume",
      type: "boolean",
      description: "After queueing, resume the thread on the local daemon or the --remote server (a failed resume is only a warning)",
    },
    { name: "remote", type: "string", value: "ADDR", description: "Queue through a running app server: ws://host:port, wss://host:port, unix:// or unix://PATH" },
    { name: "remote-auth-token-env", type: "string", value: "ENV_VAR", description: "Environment variable holding the bearer token for a remote app server" },
    { name: "cd", short: "C", type: "string", value: "DIR", description: "Working directory (local server only)" },
    ...CONFIG_OPTIONS,
    PROFILE,
    STRICT_CONFIG,
    HELP,
  ],
};
