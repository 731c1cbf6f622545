import { renderHelp } from "../help.js";
import { type CliIO, EXIT_USAGE, usageError } from "../io.js";
import { findSubcommand } from "../spec.js";
import type { CommandSpec } from "../specs/options.js";
import { type Parsed, parseLeaf } from "./common.js";

/** A leaf command reached through a command group, with its parsed arguments. */
export interface Leaf {
  /** Subcommand names below the group, e.g. `["marketplace", "add"]`. */
  path: string[];
  spec: CommandSpec;
  parsed: Parsed;
}

const REPEATED = ["config", "enable", "disable"];

/**
 * Walks `argv` down a group's subcommands (`codex-ts plugin marketplace add …`) to the leaf and
 * parses its arguments. Options a group accepts (-c, --enable, --disable) may stand before the
 * subcommand and are merged into the leaf's. `--help` at any level prints that level's help; a
 * group without a subcommand prints its help on stderr and exits 2 (as Codex); an unknown one is
 * a usage error.
 */
export function resolveLeaf(group: CommandSpec, argv: readonly string[], io: CliIO, command: string): Leaf | { exit: number } {
  const at = argv.findIndex((token) => findSubcommand(group, token) !== undefined);
  const head = at === -1 ? argv : argv.slice(0, at);
  const own = parseLeaf(group, head, io, command, at === -1 ? 1 : 0);
  if ("exit" in own) return own;
  if (at === -1) {
    const stray = own.positionals[0];
    if (stray !== undefined) return { exit: usageError(io, `unrecognized subcommand '${stray}'`, command) };
    io.stderr.write(renderHelp(group));
    return { exit: EXIT_USAGE };
  }
  const sub = findSubcommand(group, argv[at]!)!;
  const rest = argv.slice(at + 1);
  const leaf: Leaf | { exit: number } = sub.subcommands?.length
    ? resolveLeaf(sub, rest, io, `${command} ${sub.name}`)
    : (() => {
        const parsed = parseLeaf(sub, rest, io, `${command} ${sub.name}`);
        return "exit" in parsed ? parsed : { path: [], spec: sub, parsed };
      })();
  if ("exit" in leaf) return leaf;
  for (const name of REPEATED) {
    const before = own.values[name];
    if (!Array.isArray(before) || before.length === 0) continue;
    const after = leaf.parsed.values[name];
    leaf.parsed.values[name] = [...before, ...(Array.isArray(after) ? after : [])];
  }
  return { ...leaf, path: [sub.name, ...leaf.path] };
}
