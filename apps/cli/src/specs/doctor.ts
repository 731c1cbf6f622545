import { CONFIG_OPTIONS, type CommandSpec, HELP, PROFILE } from "./options.js";

export const DOCTOR: CommandSpec = {
  name: "doctor",
  summary: "Check the installation: CODEX_HOME, config, auth, sandbox and network proxy; print what to fix",
  usage: "codex-ts doctor [OPTIONS]",
  options: [
    ...CONFIG_OPTIONS,
    PROFILE,
    { name: "json", type: "boolean", description: "Print the checks as one JSON object" },
    { name: "ascii", type: "boolean", description: "Mark results with [ok] [warn] [fail] instead of symbols" },
    HELP,
  ],
};
