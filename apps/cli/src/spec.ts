/**
 * The command table: one declaration drives argument parsing, `--help` text and shell completions.
 * Each subcommand's spec lives beside its group under specs/; ROOT lists them all.
 */
import { LOGIN, LOGOUT } from "./specs/auth.js";
import { DOCTOR } from "./specs/doctor.js";
import { MCP, MCP_SERVER } from "./commands/mcp-spec.js";
import { APPLY } from "./specs/apply.js";
import { EXEC } from "./specs/exec.js";
import { REVIEW } from "./specs/review.js";
import { THREADS } from "./specs/threads.js";
import { FEATURES } from "./specs/features.js";
import { ARCHIVE, DELETE, UNARCHIVE } from "./specs/sessions.js";
import { QUEUE } from "./specs/queue.js";
import { DEBUG } from "./specs/debug.js";
import { PLUGIN } from "./specs/plugin.js";
import { FORK, RESUME, TUI_OPTIONS } from "./tui/spec.js";
import { CONFIG_OPTIONS, type CommandSpec, FULL_AUTO, HELP } from "./specs/options.js";

export { renderHelp } from "./help.js";
export { EXEC, EXEC_RESUME } from "./specs/exec.js";
export { type ArgumentSpec, type CommandSpec, CONFIG_OPTIONS, HELP, type OptionSpec, SANDBOX_MODES } from "./specs/options.js";

const OUT: CommandSpec["options"][number] = { name: "out", short: "o", type: "string", value: "DIR", description: "Output directory" };

/** The app-server's transport flags (parsed by the app-server package; listed here for help and completion). */
const APP_SERVER_TRANSPORT: CommandSpec["options"] = [
  { name: "listen", type: "string", value: "URL", description: "Where to serve: stdio:// (default), unix://, unix://PATH, ws://IP:PORT or off" },
  { name: "stdio", type: "boolean", description: "Serve over stdio (same as --listen stdio://)" },
  { name: "ws-auth", type: "string", value: "MODE", choices: ["capability-token", "signed-bearer-token"], description: "How WebSocket clients authenticate" },
  { name: "ws-token-file", type: "string", value: "PATH", description: "Absolute path of the capability-token file" },
  { name: "ws-token-sha256", type: "string", value: "HEX", description: "SHA-256 of the capability token, in hex" },
  { name: "ws-shared-secret-file", type: "string", value: "PATH", description: "Absolute path of the shared secret for signed JWT bearer tokens" },
  { name: "ws-issuer", type: "string", value: "ISSUER", description: "Issuer signed JWT bearer tokens must carry" },
  { name: "ws-audience", type: "string", value: "AUDIENCE", description: "Audience signed JWT bearer tokens must carry" },
  { name: "ws-max-clock-skew-seconds", type: "string", value: "SECONDS", description: "Clock skew allowed when checking signed JWT bearer tokens" },
];

export const APP_SERVER: CommandSpec = {
  name: "app-server",
  summary: "Run the app-server (JSON-RPC v2 over stdio, a unix socket or WebSocket) or write its protocol schema",
  usage: "codex-ts app-server [OPTIONS]\ncodex-ts app-server generate-json-schema|generate-ts --out DIR",
  options: [...CONFIG_OPTIONS, ...APP_SERVER_TRANSPORT, HELP],
  subcommands: [
    {
      name: "generate-json-schema",
      summary: "Write the app-server protocol JSON Schema bundle",
      usage: "codex-ts app-server generate-json-schema --out DIR",
      options: [OUT, HELP],
    },
    {
      name: "generate-ts",
      summary: "Write TypeScript bindings for the app-server protocol",
      usage: "codex-ts app-server generate-ts --out DIR",
      options: [OUT, HELP],
    },
  ],
};

export const COMPLETION: CommandSpec = {
  name: "completion",
  summary: "Print a shell completion script",
  usage: "codex-ts completion <SHELL>",
  arguments: [{ name: "<SHELL>", description: "bash, zsh or fish" }],
  options: [HELP],
};

const EXECPOLICY_CHECK: CommandSpec = {
  name: "check",
  summary: "Print the decision for one command as JSON",
  usage: "codex-ts execpolicy check --rules FILE [--rules FILE]... [--pretty] -- COMMAND [ARGS]...",
  arguments: [{ name: "<COMMAND>...", description: "The command to check, after `--`" }],
  options: [
    { name: "rules", short: "r", type: "string", multiple: true, value: "FILE", description: "A .rules file (repeatable; evaluated in order)" },
    { name: "pretty", type: "boolean", description: "Pretty-print the JSON" },
    { name: "resolve-host-executables", type: "boolean", description: "Let absolute program paths fall back to rules for their basename" },
    HELP,
  ],
};

export const EXECPOLICY: CommandSpec = {
  name: "execpolicy",
  summary: "Check commands against execpolicy .rules files",
  usage: "codex-ts execpolicy check --rules FILE [--rules FILE]... [--pretty] -- COMMAND [ARGS]...",
  options: [HELP],
  subcommands: [EXECPOLICY_CHECK],
};

export const SANDBOX: CommandSpec = {
  name: "sandbox",
  summary: "Run a command under the Codex sandbox",
  usage: "codex-ts sandbox linux|macos [OPTIONS] -- COMMAND [ARGS]...",
  options: [HELP],
  subcommands: ["linux", "macos"].map((name) => ({
    name,
    summary: `Run a command under the ${name === "linux" ? "bubblewrap" : "Seatbelt"} sandbox and exit with its exit code`,
    usage: `codex-ts sandbox ${name} [OPTIONS] -- COMMAND [ARGS]...`,
    arguments: [{ name: "<COMMAND>...", description: "The command to run, after `--`" }],
    options: [
      {
        name: "sandbox",
        short: "s",
        type: "string" as const,
        value: "MODE",
        choices: ["read-only", "workspace-write", "danger-full-access"],
        description: "Sandbox mode (default read-only)",
      },
      FULL_AUTO,
      { name: "add-dir", type: "string" as const, multiple: true, value: "DIR", description: "Another writable directory (workspace-write; repeatable)" },
      { name: "cd", short: "C", type: "string" as const, value: "DIR", description: "Working directory and workspace root (default: the current directory)" },
      HELP,
    ],
  })),
};

export const NETWORK_PROXY: CommandSpec = {
  name: "network-proxy",
  summary: "Run the egress proxy in the foreground (HTTP + SOCKS5 under a domain policy)",
  usage: "codex-ts network-proxy [OPTIONS]",
  options: [
    { name: "allow", type: "string", multiple: true, value: "DOMAIN", description: "Allow a host: example.com, *.example.com (subdomains) or **.example.com (both)" },
    { name: "deny", type: "string", multiple: true, value: "DOMAIN", description: "Deny a host (deny wins over allow)" },
    { name: "allow-local", type: "boolean", description: "Permit loopback, private and link-local destinations" },
    { name: "http-port", type: "string", value: "PORT", description: "HTTP proxy port (default: any free port)" },
    { name: "socks-port", type: "string", value: "PORT", description: "SOCKS5 proxy port (default: any free port)" },
    HELP,
  ],
};

export const ROOT: CommandSpec = {
  name: "codex-ts",
  summary: "codex-ts: a TypeScript implementation of the Codex agent harness",
  usage: "codex-ts [OPTIONS] [PROMPT]\ncodex-ts [OPTIONS] <COMMAND> [ARGS]",
  options: [...TUI_OPTIONS, { name: "version", short: "V", type: "boolean", description: "Print version" }, HELP],
  subcommands: [EXEC, REVIEW, RESUME, FORK, LOGIN, LOGOUT, ARCHIVE, UNARCHIVE, DELETE, QUEUE, APPLY, FEATURES, DOCTOR, DEBUG, MCP, PLUGIN, MCP_SERVER, APP_SERVER, EXECPOLICY, SANDBOX, NETWORK_PROXY, THREADS, COMPLETION],
};

export function findSubcommand(spec: CommandSpec, token: string): CommandSpec | undefined {
  return spec.subcommands?.find((c) => c.name === token || c.aliases?.includes(token));
}
