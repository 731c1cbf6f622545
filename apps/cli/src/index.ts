export { runCli, type GlobalOverrides } from "./cli.js";
export type { CliIO } from "./io.js";
export { completionScript, SHELLS, type Shell } from "./completion.js";
export { ROOT as COMMANDS, renderHelp, type CommandSpec, type OptionSpec } from "./spec.js";
export { parseCommandArgs } from "./parse.js";
export { VERSION } from "./version.js";
