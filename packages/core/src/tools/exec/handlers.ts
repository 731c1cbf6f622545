/** `exec_command`, `write_stdin` and `shell_command` (see ../handlers/ and ../orchestrator.ts). */
export {
  DEFAULT_EXEC_YIELD_MS,
  DEFAULT_MAX_OUTPUT_TOKENS,
  DEFAULT_WRITE_STDIN_YIELD_MS,
  execCommandHandler,
  execCommandSpec,
  MAX_YIELD_MS,
  MIN_YIELD_MS,
} from "../handlers/exec-command.js";
export { DEFAULT_SHELL_TIMEOUT_MS, shellCommandHandler, shellCommandSpec } from "../handlers/shell-command.js";
export { writeStdinHandler, writeStdinSpec } from "../handlers/write-stdin.js";
