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
