/**
 * `execpolicy check --rules FILE [--rules FILE…] [--pretty] [--resolve-host-executables] [--] CMD ARGS…`
 * — prints exactly what `codex execpolicy check` prints for the same files and tokens.
 */
import { formatLoadError, loadPolicyFiles } from "./load.js";

export interface CommandIo {
  stdout: { write(chunk: string): unknown };
  stderr: { write(chunk: string): unknown };
}

export const EXECPOLICY_CHECK_USAGE =
  "Usage: execpolicy check --rules <PATH> [--rules <PATH>...] [--pretty] [--resolve-host-executables] [--] <COMMAND>...";

const HELP = `Check a command against execpolicy .rules files and print the result as JSON.

${EXECPOLICY_CHECK_USAGE}

Options:
  -r, --rules <PATH>            Rules file to load (repeatable; evaluated in order)
      --pretty                  Pretty-print the JSON output
      --resolve-host-executables
                                Let absolute program paths fall back to basename rules
  -h, --help                    Print help
`;

interface ParsedArgs {
  rules: string[];
  pretty: boolean;
  resolveHostExecutables: boolean;
  command: string[];
}

function parseArgs(
  args: readonly string[],
): { ok: true; value: ParsedArgs } | { ok: false; help?: true; message?: string } {
  const out: ParsedArgs = { rules: [], pretty: false, resolveHostExecutables: false, command: [] };
  let i = 0;
  while (i < args.length) {
    const a = args[i] as string;
    if (a === "--") {
      out.command = args.slice(i + 1);
      break;
    }
    if (a === "-h" || a === "--help") return { ok: false, help: true };
    if (a === "--pretty") {
      out.pretty = true;
    } else if (a === "--resolve-host-executables") {
      out.resolveHostExecutables = true;
    } else if (a === "--rules" || a === "-r") {
      const v = args[i + 1];
      if (v === undefined)
        return { ok: false, message: `a value is required for '--rules <PATH>' but none was supplied` };
      out.rules.push(v);
      i += 1;
    } else if (a.startsWith("--rules=")) {
      out.rules.push(a.slice("--rules=".length));
    } else if (a.startsWith("-r") && a.length > 2) {
      out.rules.push(a.slice(a[2] === "=" ? 3 : 2));
    } else if (a.startsWith("-") && a !== "-") {
      return { ok: false, message: `unexpected argument '${a}' found` };
    } else {
      // trailing command: everything from here on, hyphen values included
      out.command = args.slice(i);
      break;
    }
    i += 1;
  }
  if (out.rules.length === 0) {
    return { ok: false, message: "the following required arguments were not provided:\n  --rules <PATH>" };
  }
  if (out.command.length === 0) {
    return { ok: false, message: "the following required arguments were not provided:\n  <COMMAND>..." };
  }
  return { ok: true, value: out };
}

/**
 * Runs `execpolicy check` with the arguments that follow `check`. Returns the exit code:
 * 0 on success, 1 when a rules file cannot be read or parsed, 2 on usage errors.
 */
export async function runExecpolicyCheckCommand(args: readonly string[], io: CommandIo): Promise<number> {
  const parsed = parseArgs(args);
  if (!parsed.ok) {
    if (parsed.help) {
      io.stdout.write(HELP);
      return 0;
    }
    io.stderr.write(`error: ${parsed.message}\n\n${EXECPOLICY_CHECK_USAGE}\n`);
    return 2;
  }
  const { rules, pretty, resolveHostExecutables, command } = parsed.value;
  const loaded = await loadPolicyFiles(rules);
  if (!loaded.ok) {
    io.stderr.write(`Error: ${formatLoadError(loaded.error)}\n`);
    return 1;
  }
  const output = loaded.policy.checkTokens(command, { resolveHostExecutables });
  io.stdout.write(`${pretty ? JSON.stringify(output, null, 2) : JSON.stringify(output)}\n`);
  return 0;
}
