/**
 * Heuristics for commands no rule matched: Codex's known-safe read-only list (with its argument
 * restrictions) and its "might be dangerous" check (forced `rm`, also behind `sudo`).
 */
import { parseShellLcPlainCommands } from "./shell.js";

function programName(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  const base = raw.split("/").pop();
  return base === undefined || base === "" ? undefined : base;
}

const ALWAYS_SAFE = new Set([
  "cat",
  "cd",
  "cut",
  "echo",
  "expr",
  "false",
  "grep",
  "head",
  "id",
  "ls",
  "nl",
  "paste",
  "pwd",
  "rev",
  "seq",
  "stat",
  "tail",
  "tr",
  "true",
  "uname",
  "uniq",
  "wc",
  "which",
  "whoami",
]);
const LINUX_ONLY_SAFE = new Set(["numfmt", "tac"]);

const UNSAFE_FIND_OPTIONS = new Set([
  "-exec",
  "-execdir",
  "-ok",
  "-okdir",
  "-delete",
  "-fls",
  "-fprint",
  "-fprint0",
  "-fprintf",
]);
const UNSAFE_RG_WITH_ARGS = ["--pre", "--hostname-bin"];
const UNSAFE_RG_FLAGS = new Set(["--search-zip", "-z"]);

function isValidSedNArg(arg: string | undefined): boolean {
  return arg !== undefined && /^([0-9]+,)?[0-9]+p$/.test(arg);
}

/** Whether a single argv (no shell wrapper) is known to be read-only and safe to run unasked. */
export function isSafeToCallWithExec(argv: readonly string[]): boolean {
  const cmd = programName(argv[0]);
  if (cmd === undefined) return false;
  if (LINUX_ONLY_SAFE.has(cmd)) return process.platform === "linux";
  if (ALWAYS_SAFE.has(cmd)) return true;
  const args = argv.slice(1);
  switch (cmd) {
    case "base64":
      return !args.some(
        (a) =>
          a === "-o" || a === "--output" || a.startsWith("--output=") || (a.startsWith("-o") && a !== "-o"),
      );
    case "find":
      return !argv.some((a) => UNSAFE_FIND_OPTIONS.has(a));
    case "rg":
      return !argv.some(
        (a) => UNSAFE_RG_FLAGS.has(a) || UNSAFE_RG_WITH_ARGS.some((o) => a === o || a.startsWith(`${o}=`)),
      );
    case "sed":
      return argv.length <= 4 && argv[1] === "-n" && isValidSedNArg(argv[2]);
    default:
      return false;
  }
}

/**
 * Codex's `is_known_safe_command`: the argv itself is safe, or it is `bash|zsh|sh -c|-lc "<script>"`
 * whose script is only plain commands joined by `&& || ; |`, each of them safe.
 */
export function isKnownSafeCommand(argv: readonly string[]): boolean {
  const normalized = argv.map((s) => (s === "zsh" ? "bash" : s));
  if (isSafeToCallWithExec(normalized)) return true;
  const commands = parseShellLcPlainCommands(normalized);
  return commands !== null && commands.length > 0 && commands.every(isSafeToCallWithExec);
}

function rmHasForce(args: readonly string[]): boolean {
  for (const a of args) {
    if (a === "--") return false;
    if (a === "--force") return true;
    if (a.startsWith("-") && !a.startsWith("--") && a.includes("f")) return true;
  }
  return false;
}

function dangerousForExec(argv: readonly string[]): boolean {
  const cmd = programName(argv[0]);
  if (cmd === "rm") return rmHasForce(argv.slice(1));
  if (cmd === "sudo") return dangerousForExec(argv.slice(1));
  return false;
}

/** Codex's `command_might_be_dangerous` (POSIX): a forced `rm`, directly, after sudo, or in a plain script. */
export function commandMightBeDangerous(argv: readonly string[]): boolean {
  if (dangerousForExec(argv)) return true;
  const commands = parseShellLcPlainCommands(argv);
  return commands?.some(dangerousForExec) ?? false;
}
