// `codex-ts mcp …` and `codex-ts mcp-server`: their command-table entries (spec.ts lists them).
import { CONFIG_OPTIONS, type CommandSpec, HELP } from "../specs/options.js";

const NAME = { name: "<NAME>", description: "Name of the MCP server ([mcp_servers.<NAME>] in config.toml)" };
const JSON_OPTION = { name: "json", type: "boolean" as const, description: "Output as JSON" };

export const MCP: CommandSpec = {
  name: "mcp",
  summary: "Manage the MCP servers of config.toml",
  usage: "codex-ts mcp [OPTIONS] <COMMAND>",
  options: [...CONFIG_OPTIONS, HELP],
  subcommands: [
    {
      name: "list",
      summary: "List the configured MCP servers",
      usage: "codex-ts mcp list [--json]",
      options: [...CONFIG_OPTIONS, JSON_OPTION, HELP],
    },
    {
      name: "get",
      summary: "Show one MCP server's configuration",
      usage: "codex-ts mcp get <NAME> [--json]",
      arguments: [NAME],
      options: [...CONFIG_OPTIONS, JSON_OPTION, HELP],
    },
    {
      name: "add",
      summary: "Add (or replace) an MCP server in config.toml",
      usage: "codex-ts mcp add [OPTIONS] <NAME> (--url <URL> | -- <COMMAND>...)",
      arguments: [NAME, { name: "[COMMAND]...", description: "Command launching a stdio server, after `--` (or --url)" }],
      options: [
        ...CONFIG_OPTIONS,
        { name: "env", type: "string", multiple: true, value: "KEY=VALUE", description: "Environment variable for a stdio server (repeatable)" },
        { name: "url", type: "string", value: "URL", description: "URL of a streamable HTTP server" },
        {
          name: "bearer-token-env-var",
          type: "string",
          value: "ENV_VAR",
          description: "Environment variable holding a bearer token (streamable HTTP only)",
        },
        HELP,
      ],
    },
    {
      name: "remove",
      summary: "Remove an MCP server from config.toml",
      usage: "codex-ts mcp remove <NAME>",
      arguments: [NAME],
      options: [...CONFIG_OPTIONS, HELP],
    },
  ],
};

export const MCP_SERVER: CommandSpec = {
  name: "mcp-server",
  summary: "Run Codex as an MCP server over stdio (tools `codex` and `codex-reply`)",
  usage: "codex-ts mcp-server [OPTIONS]",
  options: [...CONFIG_OPTIONS, HELP],
};
