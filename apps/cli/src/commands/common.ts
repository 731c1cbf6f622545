import { type CliIO, EXIT_OK, usageError } from "../io.js";
import { type OptionValues, parseCommandArgs } from "../parse.js";
import { renderHelp } from "../help.js";
import type { CommandSpec } from "../specs/options.js";

export type Parsed = { values: OptionValues; positionals: string[]; afterDoubleDash: string[] };

/**
 * Parses a leaf command's argv against its spec. `--help` prints the help; a usage problem prints
 * one line (exit 2). Either way the command is done: `{ exit }` carries the code.
 */
export function parseLeaf(
  spec: CommandSpec,
  argv: readonly string[],
  io: CliIO,
  command: string,
  maxPositionals = spec.arguments?.length ?? 0,
): Parsed | { exit: number } {
  const parsed = parseCommandArgs(spec, argv);
  if (!parsed.ok) return { exit: usageError(io, parsed.error, command) };
  if (parsed.values.help) {
    io.stdout.write(renderHelp(spec));
    return { exit: EXIT_OK };
  }
  if (parsed.positionals.length > maxPositionals) {
    return { exit: usageError(io, `unexpected argument '${parsed.positionals[maxPositionals]}'`, command) };
  }
  return parsed;
}
