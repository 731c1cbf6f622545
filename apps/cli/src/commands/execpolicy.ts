import { runExecpolicyCheckCommand } from "@codex-ts/execpolicy";
import { type CliIO, EXIT_OK, usageError } from "../io.js";
import { EXECPOLICY, renderHelp } from "../spec.js";

/** `codex-ts execpolicy check …`: the execpolicy package implements the subcommand itself. */
export async function runExecpolicyCommand(argv: readonly string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "--help" || sub === "-h") {
    io.stdout.write(renderHelp(EXECPOLICY));
    return sub === undefined ? usageError(io, "a subcommand is required (check)", "codex-ts execpolicy") : EXIT_OK;
  }
  if (sub !== "check") return usageError(io, `unrecognized subcommand '${sub}'`, "codex-ts execpolicy");
  return runExecpolicyCheckCommand(rest, { stdout: io.stdout, stderr: io.stderr });
}
