import { completionScript, SHELLS, type Shell } from "./completion.js";
import { type CliIO, EXIT_OK, usageError } from "./io.js";
import { parseCommandArgs, stringList } from "./parse.js";
import { type CommandSpec, findSubcommand, renderHelp, ROOT } from "./spec.js";
import { VERSION } from "./version.js";

/**
 * Runs the codex-ts command line with `argv` (without node and script) and returns the exit code.
 * Heavy subcommands are loaded lazily so `--version`, `--help` and `completion` start fast.
 */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  // Top-level options (-c/--enable/--disable/--version/--help) stand before the subcommand.
  const split = argv.findIndex((token) => findSubcommand(ROOT, token) !== undefined);
  const head = split === -1 ? argv : argv.slice(0, split);
  const rootParsed = parseCommandArgs(ROOT, head);
  if (!rootParsed.ok) return usageError(io, rootParsed.error);
  const rootValues = rootParsed.values;
  if (rootValues.version) {
    io.stdout.write(`codex-ts ${VERSION}\n`);
    return EXIT_OK;
  }
  if (split === -1) {
    if (rootValues.help) {
      io.stdout.write(renderHelp(ROOT));
      return EXIT_OK;
    }
    // No subcommand: the interactive terminal, any words its first prompt (src/tui/).
    const { runTuiCommand } = await import("./tui/command.js");
    return runTuiCommand(ROOT, head, io);
  }
  const command = findSubcommand(ROOT, argv[split]!)!;
  const rest = argv.slice(split + 1);
  const globalOverrides = {
    config: stringList(rootValues, "config"),
    enable: stringList(rootValues, "enable"),
    disable: stringList(rootValues, "disable"),
  };

  // Commands implemented by a package parse their own arguments; their help comes from the table
  // here so every `codex-ts <sub> --help` has one layout.
  if (DELEGATED.has(command.name)) {
    const helpFor = delegatedHelp(command, rest);
    if (helpFor) {
      io.stdout.write(renderHelp(helpFor));
      return EXIT_OK;
    }
  }

  const lazy = LAZY_COMMANDS[command.name];
  if (lazy) return lazy(rest, io, globalOverrides);

  switch (command.name) {
    case "completion":
      return runCompletion(command, rest, io);
    case "resume":
    case "fork": {
      const { runTuiCommand } = await import("./tui/command.js");
      return runTuiCommand(command, rest, io, globalOverrides);
    }
    case "exec": {
      const { runExecCommand } = await import("./exec/command.js");
      return runExecCommand(rest, io, globalOverrides);
    }
    case "mcp": {
      const { runMcpCommand } = await import("./commands/mcp.js");
      return runMcpCommand(rest, io, globalOverrides);
    }
    case "mcp-server": {
      const { runMcpServerCommand } = await import("./commands/mcp-server.js");
      return runMcpServerCommand(rest, io, globalOverrides);
    }
    case "app-server": {
      const { runAppServerCommand } = await import("./commands/app-server.js");
      return runAppServerCommand(rest, io, globalOverrides);
    }
    case "execpolicy": {
      const { runExecpolicyCommand } = await import("./commands/execpolicy.js");
      return runExecpolicyCommand(rest, io);
    }
    case "sandbox": {
      const { runSandboxSubcommand } = await import("./commands/sandbox.js");
      return runSandboxSubcommand(rest, io, globalOverrides);
    }
    case "threads": {
      const { runThreadsCommand } = await import("./commands/threads.js");
      return runThreadsCommand(rest, io, globalOverrides);
    }
    case "network-proxy": {
      const { runNetworkProxySubcommand } = await import("./commands/network-proxy.js");
      return runNetworkProxySubcommand(rest, io);
    }
    default:
      return usageError(io, `unrecognized subcommand '${command.name}'`);
  }
}

type Runner = (argv: readonly string[], io: CliIO, globals: GlobalOverrides) => Promise<number>;

/** Commands whose module is loaded only when they run (one line each). */
const LAZY_COMMANDS: Record<string, Runner> = {
  login: async (argv, io) => (await import("./commands/login.js")).runLoginCommand(argv, io),
  logout: async (argv, io) => (await import("./commands/login.js")).runLogoutCommand(argv, io),
  archive: async (argv, io) => (await import("./commands/sessions.js")).runSessionCommand("archive", argv, io),
  unarchive: async (argv, io) => (await import("./commands/sessions.js")).runSessionCommand("unarchive", argv, io),
  delete: async (argv, io) => (await import("./commands/sessions.js")).runSessionCommand("delete", argv, io),
  queue: async (argv, io, globals) => (await import("./commands/queue.js")).runQueueCommand(argv, io, globals),
  apply: async (argv, io) => (await import("./commands/apply.js")).runApplyCommand(argv, io),
  review: async (argv, io, globals) => (await import("./commands/review.js")).runReviewCommand(argv, io, globals),
  features: async (argv, io, globals) => (await import("./commands/features.js")).runFeaturesCommand(argv, io, globals),
  debug: async (argv, io, globals) => (await import("./commands/debug.js")).runDebugCommand(argv, io, globals),
  plugin: async (argv, io, globals) => (await import("./commands/plugin.js")).runPluginCommand(argv, io, globals),
  doctor: async (argv, io, globals) => (await import("./commands/doctor.js")).runDoctorCommand(argv, io, globals),
};

const DELEGATED = new Set(["execpolicy", "sandbox", "network-proxy"]);

/** The spec whose help `argv` asks for (`-h`/`--help` before any `--`), else undefined. */
function delegatedHelp(spec: CommandSpec, argv: readonly string[]): CommandSpec | undefined {
  const end = argv.indexOf("--");
  const head = end === -1 ? argv : argv.slice(0, end);
  if (!head.some((t) => t === "-h" || t === "--help")) return undefined;
  const sub = head[0] !== undefined ? findSubcommand(spec, head[0]) : undefined;
  return sub ?? spec;
}

export interface GlobalOverrides {
  config: string[];
  enable: string[];
  disable: string[];
}

function runCompletion(spec: CommandSpec, argv: readonly string[], io: CliIO): number {
  const parsed = parseCommandArgs(spec, argv);
  if (!parsed.ok) return usageError(io, parsed.error, "codex-ts completion");
  if (parsed.values.help) {
    io.stdout.write(renderHelp(spec));
    return EXIT_OK;
  }
  const shell = parsed.positionals[0];
  if (parsed.positionals.length !== 1 || !SHELLS.includes(shell as Shell)) {
    return usageError(
      io,
      shell ? `unsupported shell '${shell}' (possible values: ${SHELLS.join(", ")})` : "a shell is required (bash, zsh or fish)",
      "codex-ts completion",
    );
  }
  io.stdout.write(completionScript(shell as Shell));
  return EXIT_OK;
}
