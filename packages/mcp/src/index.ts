export {
  DEFAULT_STARTUP_TIMEOUT_MS,
  DEFAULT_TOOL_TIMEOUT_MS,
  type ConfigResult,
  type HttpServerConfig,
  type McpServerConfig,
  McpServersTableSchema,
  parseMcpServerConfig,
  parseMcpServers,
  SERVER_NAME,
  SERVER_NAME_RULE,
  type StdioServerConfig,
  toolAllowed,
} from "./config.js";
export {
  type CallOptions,
  type CallOutcome,
  CLIENT_INFO,
  type ConnectionOptions,
  type ElicitationHandler,
  type ElicitationParams,
  McpConnection,
  type ServerStatus,
  type StartupState,
} from "./connection.js";
export { type ManagerOptions, McpConnectionManager, type ServerTool, type StartResult } from "./manager.js";

/**
 * The connection manager (and the MCP SDK behind it), loaded on first call. The SDK builds hundreds
 * of zod schemas when it loads, so a program that bundles this package and only parses
 * `[mcp_servers]` must reach the connections through this function, never through a dynamic
 * `import("@codex-ts/mcp")`: a bundler that turns dynamic imports into lazily run module wrappers
 * (esbuild's CommonJS bundles) would then run this whole module — SDK included — as soon as the
 * config parser is imported.
 */
export function loadMcpConnections(): Promise<typeof import("./manager.js")> {
  return import("./manager.js");
}
export type {
  CallToolResult,
  ElicitResult,
  ListResourcesResult,
  ListResourceTemplatesResult,
  ReadResourceResult,
  Resource,
  ResourceTemplate,
  Tool as McpTool,
} from "@modelcontextprotocol/sdk/types.js";
