// `codex-ts mcp list|get|add|remove`: the `[mcp_servers.*]` tables of config.toml, shown as Codex
// 0.169 shows them (tables, `--json`) and edited in place (comments and layout kept, through the
// app-server's config writer).
import { readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseMcpServerConfig, SERVER_NAME, SERVER_NAME_RULE } from "@codex-ts/mcp";
import type { GlobalOverrides } from "../cli.js";
import { loadCliConfig } from "../config.js";
import { renderHelp } from "../help.js";
import { resolveCodexHome } from "../home.js";
import { type CliIO, EXIT_OK, failure, usageError } from "../io.js";
import { stringList } from "../parse.js";
import { findSubcommand } from "../spec.js";
import { parseLeaf } from "./common.js";
import { MCP } from "./mcp-spec.js";
import { editMcpServer } from "./mcp-toml.js";

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === "string" ? v : null);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);
const tableOrNull = (v: unknown): Table | null => (isTable(v) ? v : null);
const num = (v: unknown): number | null => (typeof v === "number" ? v : null);

/** `K=*****, …` (values are secrets), or `-`. */
function maskedEnv(env: unknown): string {
  const keys = isTable(env) ? Object.keys(env) : [];
  return keys.length === 0 ? "-" : keys.map((k) => `${k}=*****`).join(", ");
}

function transportJson(entry: Table): Table {
  if (typeof entry.url === "string") {
    return {
      type: "streamable_http",
      url: entry.url,
      bearer_token_env_var: str(entry.bearer_token_env_var),
      http_headers: tableOrNull(entry.http_headers),
      env_http_headers: tableOrNull(entry.env_http_headers),
      http_headers_helper: null,
    };
  }
  return {
    type: "stdio",
    command: str(entry.command),
    args: strings(entry.args),
    env: tableOrNull(entry.env),
    env_vars: strings(entry.env_vars),
    cwd: str(entry.cwd),
  };
}

const authStatus = (entry: Table) => (typeof entry.url !== "string" ? "unsupported" : entry.bearer_token_env_var ? "bearer_token" : "unknown");
const AUTH_LABELS: Record<string, string> = { unsupported: "Unsupported", bearer_token: "Bearer token", unknown: "Unknown" };

function serverJson(name: string, entry: Table, forGet: boolean): Table {
  const out: Table = { name, enabled: entry.enabled !== false, disabled_reason: null, transport: transportJson(entry) };
  if (forGet) {
    out.enabled_tools = entry.enabled_tools ?? null;
    out.disabled_tools = entry.disabled_tools ?? null;
  }
  out.startup_timeout_sec = num(entry.startup_timeout_sec);
  out.tool_timeout_sec = num(entry.tool_timeout_sec);
  if (!forGet) out.auth_status = authStatus(entry);
  return out;
}

/** Columns padded to their widest cell, two spaces apart (as Codex prints them). */
function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => `${r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ")}\n`).join("");
}

function listText(servers: [string, Table][]): string {
  const stdio = servers.filter(([, e]) => typeof e.url !== "string");
  const http = servers.filter(([, e]) => typeof e.url === "string");
  const status = (e: Table) => (e.enabled === false ? "disabled" : "enabled");
  const parts: string[] = [];
  if (stdio.length > 0) {
    parts.push(
      table([
        ["Name", "Command", "Args", "Env", "Cwd", "Status", "Auth"],
        ...stdio.map(([name, e]) => [
          name,
          str(e.command) ?? "-",
          strings(e.args).join(" ") || "-",
          maskedEnv(e.env),
          str(e.cwd) ?? "-",
          status(e),
          AUTH_LABELS[authStatus(e)]!,
        ]),
      ]),
    );
  }
  if (http.length > 0) {
    parts.push(
      table([
        ["Name", "Url", "Bearer Token Env Var", "Status", "Auth"],
        ...http.map(([name, e]) => [name, str(e.url)!, str(e.bearer_token_env_var) ?? "-", status(e), AUTH_LABELS[authStatus(e)]!]),
      ]),
    );
  }
  return parts.join("\n");
}

function getText(name: string, e: Table): string {
  const lines = [name, `  enabled: ${e.enabled !== false}`];
  const headers = (v: unknown) => (isTable(v) && Object.keys(v).length > 0 ? Object.keys(v).map((k) => `${k}=*****`).join(", ") : "-");
  if (typeof e.url === "string") {
    lines.push(
      "  transport: streamable_http",
      `  url: ${e.url}`,
      `  bearer_token_env_var: ${str(e.bearer_token_env_var) ?? "-"}`,
      `  http_headers: ${headers(e.http_headers)}`,
      `  env_http_headers: ${isTable(e.env_http_headers) && Object.keys(e.env_http_headers).length > 0 ? Object.entries(e.env_http_headers).map(([k, v]) => `${k}=${v}`).join(", ") : "-"}`,
      "  http_headers_helper: -",
    );
  } else {
    lines.push(
      "  transport: stdio",
      `  command: ${str(e.command) ?? "-"}`,
      `  args: ${strings(e.args).join(" ") || "-"}`,
      `  cwd: ${str(e.cwd) ?? "-"}`,
      `  env: ${maskedEnv(e.env)}`,
    );
  }
  lines.push(`  remove: codex-ts mcp remove ${name}`);
  return `${lines.join("\n")}\n`;
}

/** `KEY=VALUE` strings as a table; an entry without `=` is the error. */
function envTable(pairs: string[]): { ok: true; env: Table } | { ok: false; error: string } {
  const env: Table = {};
  for (const pair of pairs) {
    const eq = pair.indexOf("=");
    if (eq <= 0) return { ok: false, error: `invalid --env '${pair}': expected KEY=VALUE` };
    env[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  return { ok: true, env };
}

export async function runMcpCommand(argv: readonly string[], io: CliIO, globals: GlobalOverrides): Promise<number> {
  const sub = argv[0] !== undefined ? findSubcommand(MCP, argv[0]) : undefined;
  if (!sub) {
    const parsed = parseLeaf(MCP, argv, io, "codex-ts mcp", 1);
    if ("exit" in parsed) return parsed.exit;
    if (parsed.positionals[0] !== undefined) return usageError(io, `unrecognized subcommand '${parsed.positionals[0]}'`, "codex-ts mcp");
    io.stderr.write(renderHelp(MCP));
    return 2;
  }
  const command = `codex-ts mcp ${sub.name}`;
  const parsed = parseLeaf(sub, argv.slice(1), io, command, sub.name === "add" ? 1 : undefined);
  if ("exit" in parsed) return parsed.exit;
  const name = parsed.positionals[0];
  if (sub.name !== "list" && name === undefined) return usageError(io, "the following required argument was not provided: <NAME>", command);

  if (sub.name === "list" || sub.name === "get") {
    const loaded = loadCliConfig(parsed.values, globals, io.env, io.cwd);
    if (!loaded.ok) return loaded.usage ? usageError(io, loaded.error, command) : failure(io, loaded.error);
    const raw = loaded.config.toml.mcp_servers;
    const servers = (isTable(raw) ? Object.entries(raw) : [])
      .filter((entry): entry is [string, Table] => isTable(entry[1]))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const json = parsed.values.json === true;
    if (sub.name === "list") {
      if (json) io.stdout.write(`${JSON.stringify(servers.map(([n, e]) => serverJson(n, e, false)), null, 2)}\n`);
      else if (servers.length === 0) io.stdout.write("No MCP servers configured yet. Try `codex-ts mcp add my-tool -- my-command`.\n");
      else io.stdout.write(listText(servers));
      return EXIT_OK;
    }
    const found = servers.find(([n]) => n === name);
    if (!found) return failure(io, `No MCP server named '${name}' found.`);
    io.stdout.write(json ? `${JSON.stringify(serverJson(found[0], found[1], true), null, 2)}\n` : getText(found[0], found[1]));
    return EXIT_OK;
  }

  const home = resolveCodexHome(io.env);
  if (!home.ok) return failure(io, home.error);
  if (!SERVER_NAME.test(name!)) return failure(io, `invalid server name '${name}' (${SERVER_NAME_RULE})`);

  if (sub.name === "remove") {
    const loaded = loadCliConfig({}, { config: [], enable: [], disable: [] }, io.env, io.cwd);
    const raw = loaded.ok ? loaded.config.toml.mcp_servers : undefined;
    if (!isTable(raw) || !(name! in raw)) {
      io.stdout.write(`No MCP server named '${name}' found.\n`);
      return EXIT_OK;
    }
    return writeServer(io, home.path, name!, null, `Removed global MCP server '${name}'.`);
  }

  // add
  const url = typeof parsed.values.url === "string" ? parsed.values.url : undefined;
  const bearer = typeof parsed.values["bearer-token-env-var"] === "string" ? parsed.values["bearer-token-env-var"] : undefined;
  const commandLine = parsed.afterDoubleDash;
  const envPairs = stringList(parsed.values, "env");
  if (url === undefined && commandLine.length === 0) {
    return usageError(io, "the following required arguments were not provided: <COMMAND|--url <URL>>", command);
  }
  if (url !== undefined && commandLine.length > 0) return usageError(io, "--url cannot be used with a command after `--`", command);
  let entry: Table;
  if (url !== undefined) {
    if (envPairs.length > 0) return usageError(io, "--env is only valid with stdio servers", command);
    entry = { url, ...(bearer ? { bearer_token_env_var: bearer } : {}) };
  } else {
    if (bearer !== undefined) return usageError(io, "--bearer-token-env-var is only valid with streamable HTTP servers (--url)", command);
    const env = envTable(envPairs);
    if (!env.ok) return usageError(io, env.error, command);
    const [program, ...args] = commandLine;
    entry = { command: program, ...(args.length > 0 ? { args } : {}), ...(envPairs.length > 0 ? { env: env.env } : {}) };
  }
  const checked = parseMcpServerConfig(name!, entry);
  if (!checked.ok) return failure(io, checked.error);
  return writeServer(io, home.path, name!, entry, `Added global MCP server '${name}'.`);
}

/** Edits the user's config.toml in place (temp file + rename): only the server's lines change. */
function writeServer(io: CliIO, codexHome: string, name: string, entry: Table | null, done: string): number {
  const file = path.join(codexHome, "config.toml");
  let text = "";
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return failure(io, `cannot read ${file}: ${(error as Error).message}`);
  }
  const edited = editMcpServer(text, name, entry);
  if (!edited.ok) return failure(io, `${file}: ${edited.error}`);
  const staged = `${file}.codex-ts-${process.pid}.tmp`;
  try {
    writeFileSync(staged, edited.text, { mode: 0o600 });
    renameSync(staged, file);
  } catch (error) {
    return failure(io, `cannot write ${file}: ${(error as Error).message}`);
  }
  io.stdout.write(`${done}\n`);
  return EXIT_OK;
}
