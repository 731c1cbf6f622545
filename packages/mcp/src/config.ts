// `[mcp_servers.<name>]` tables of config.toml, as Codex reads them: a stdio server (`command`) or a
// streamable-HTTP server (`url`), plus the keys both share. Parsing never throws: a bad table gives
// one line naming the key (`mcp_servers.docs.startup_timeout_sec: expected a number`).
import * as z from "zod";

/** Codex's defaults: 10 s to start (initialize + tools/list), 60 s per tool call. */
export const DEFAULT_STARTUP_TIMEOUT_MS = 10_000;
export const DEFAULT_TOOL_TIMEOUT_MS = 60_000;

const stringMap = z.record(z.string(), z.string());
const seconds = z.number().nonnegative();

const shared = {
  enabled: z.boolean().optional(),
  required: z.boolean().optional(),
  startup_timeout_sec: seconds.optional(),
  /** Older spelling Codex still accepts. */
  startup_timeout_ms: z.number().int().nonnegative().optional(),
  tool_timeout_sec: seconds.optional(),
  enabled_tools: z.array(z.string()).optional(),
  disabled_tools: z.array(z.string()).optional(),
  // OAuth keys are accepted (Codex writes them) but codex-ts does not log in to MCP servers.
  scopes: z.array(z.string()).optional(),
  oauth_resource: z.string().optional(),
};

const StdioTable = z.looseObject({
  ...shared,
  command: z.string().min(1, "must not be empty"),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
  /** Names of variables copied from the parent environment. */
  env_vars: z.array(z.string()).optional(),
  cwd: z.string().optional(),
});

const HttpTable = z.looseObject({
  ...shared,
  url: z.url({ error: "must be an http(s) URL" }),
  bearer_token_env_var: z.string().optional(),
  http_headers: stringMap.optional(),
  /** Header name → name of the environment variable holding its value. */
  env_http_headers: stringMap.optional(),
});

interface CommonConfig {
  name: string;
  enabled: boolean;
  required: boolean;
  startupTimeoutMs: number;
  toolTimeoutMs: number;
  /** Only these tools are offered (null = all). */
  enabledTools: string[] | null;
  /** These tools are never offered. */
  disabledTools: string[];
}

export interface StdioServerConfig extends CommonConfig {
  transport: "stdio";
  command: string;
  args: string[];
  env: Record<string, string>;
  envVars: string[];
  cwd: string | null;
}

export interface HttpServerConfig extends CommonConfig {
  transport: "streamable_http";
  url: string;
  bearerTokenEnvVar: string | null;
  httpHeaders: Record<string, string>;
  envHttpHeaders: Record<string, string>;
}

export type McpServerConfig = StdioServerConfig | HttpServerConfig;

/** `error` is one line starting with the dotted key; `path` is that key below `mcp_servers`. */
export type ConfigResult<T> = { ok: true; value: T } | { ok: false; error: string; path: string[] };

/** The characters Codex allows in server names (the model sees a sanitized `mcp__<name>`). */
export const SERVER_NAME = /^[a-zA-Z0-9_:@/.-]+$/;
export const SERVER_NAME_RULE = "use letters, numbers, '-', '_', ':', '@', '/', '.'";

function fail(path: string[], message: string): { ok: false; error: string; path: string[] } {
  return { ok: false, error: `${["mcp_servers", ...path].join(".")}: ${message}`, path };
}

function issueFailure(name: string, error: z.ZodError): { ok: false; error: string; path: string[] } {
  const issue = error.issues[0];
  return fail([name, ...(issue?.path.map(String) ?? [])], issue?.message ?? "invalid");
}

function common(name: string, table: z.infer<typeof StdioTable> | z.infer<typeof HttpTable>): CommonConfig {
  const startup =
    table.startup_timeout_sec !== undefined
      ? Math.round(table.startup_timeout_sec * 1000)
      : (table.startup_timeout_ms ?? DEFAULT_STARTUP_TIMEOUT_MS);
  return {
    name,
    enabled: table.enabled ?? true,
    required: table.required ?? false,
    startupTimeoutMs: startup,
    toolTimeoutMs: table.tool_timeout_sec !== undefined ? Math.round(table.tool_timeout_sec * 1000) : DEFAULT_TOOL_TIMEOUT_MS,
    enabledTools: table.enabled_tools ?? null,
    disabledTools: table.disabled_tools ?? [],
  };
}

/** One `[mcp_servers.<name>]` table. */
export function parseMcpServerConfig(name: string, raw: unknown): ConfigResult<McpServerConfig> {
  if (!SERVER_NAME.test(name)) return fail([name], `invalid server name (${SERVER_NAME_RULE})`);
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail([name], "expected a table");
  const keys = raw as Record<string, unknown>;
  const hasCommand = keys.command !== undefined;
  const hasUrl = keys.url !== undefined;
  if (hasCommand && hasUrl) return fail([name], "set either command (stdio) or url (streamable HTTP), not both");
  if (!hasCommand && !hasUrl) return fail([name], "missing command (stdio) or url (streamable HTTP)");
  if (hasCommand) {
    for (const key of ["bearer_token_env_var", "http_headers", "env_http_headers"]) {
      if (keys[key] !== undefined) return fail([name, key], "only streamable HTTP servers (url) take this key");
    }
    const parsed = StdioTable.safeParse(raw);
    if (!parsed.success) return issueFailure(name, parsed.error);
    const t = parsed.data;
    return {
      ok: true,
      value: {
        ...common(name, t),
        transport: "stdio",
        command: t.command,
        args: t.args ?? [],
        env: t.env ?? {},
        envVars: t.env_vars ?? [],
        cwd: t.cwd ?? null,
      },
    };
  }
  for (const key of ["args", "env", "env_vars", "cwd"]) {
    if (keys[key] !== undefined) return fail([name, key], "only stdio servers (command) take this key");
  }
  const parsed = HttpTable.safeParse(raw);
  if (!parsed.success) return issueFailure(name, parsed.error);
  const t = parsed.data;
  if (!/^https?:$/.test(new URL(t.url).protocol)) return fail([name, "url"], "must be an http(s) URL");
  return {
    ok: true,
    value: {
      ...common(name, t),
      transport: "streamable_http",
      url: t.url,
      bearerTokenEnvVar: t.bearer_token_env_var ?? null,
      httpHeaders: t.http_headers ?? {},
      envHttpHeaders: t.env_http_headers ?? {},
    },
  };
}

/** The whole `mcp_servers` table (undefined = none configured); the first bad server is the error. */
export function parseMcpServers(raw: unknown): ConfigResult<McpServerConfig[]> {
  if (raw === undefined || raw === null) return { ok: true, value: [] };
  if (typeof raw !== "object" || Array.isArray(raw)) return fail([], "expected a table of servers");
  const servers: McpServerConfig[] = [];
  for (const [name, table] of Object.entries(raw)) {
    const parsed = parseMcpServerConfig(name, table);
    if (!parsed.ok) return parsed;
    servers.push(parsed.value);
  }
  return { ok: true, value: servers };
}

/** Whether a tool passes the server's `enabled_tools` / `disabled_tools` filters. */
export function toolAllowed(config: McpServerConfig, tool: string): boolean {
  if (config.enabledTools && !config.enabledTools.includes(tool)) return false;
  return !config.disabledTools.includes(tool);
}

/**
 * A zod schema for config loaders that validate `mcp_servers` as part of a bigger file: the issue
 * points at the bad key (`path` below `mcp_servers`) with the message alone.
 */
export const McpServersTableSchema = z.unknown().superRefine((value, ctx) => {
  const parsed = parseMcpServers(value);
  if (!parsed.ok) {
    const message = parsed.error.slice(parsed.error.indexOf(": ") + 2);
    ctx.addIssue({ code: "custom", message, path: parsed.path });
  }
});
