import * as z from "zod";
import { Int, JsonValue, UInt, named, nul, opt } from "./common.js";

/**
 * The MCP methods of app-server v2 (official Codex 0.169 schema): `mcpServerStatus/list`,
 * `mcpServer/tool/call`, `mcpServer/resource/read` and `config/mcpServer/reload`. Params follow the
 * params rule (`opt`), responses the response rule (`nul`); MCP's own objects (tools, resources,
 * contents) keep their keys and extra fields as the server sent them.
 */

export const McpServerStatusDetail = named("McpServerStatusDetail", z.enum(["full", "toolsAndAuthOnly"]));

export const ListMcpServerStatusParams = named(
  "ListMcpServerStatusParams",
  z.object({
    cursor: opt(z.string()),
    limit: opt(UInt.max(0xffff_ffff)),
    detail: opt(McpServerStatusDetail),
    serverName: opt(z.string()),
    threadId: opt(z.string()),
  }),
);

export const McpAuthStatus = named(
  "McpAuthStatus",
  z.enum(["unknown", "unsupported", "notLoggedIn", "bearerToken", "oAuth"]),
);

export const McpServerConnectionStatus = named(
  "McpServerConnectionStatus",
  z.enum(["notStarted", "starting", "connected", "authenticationRequired", "failed", "cancelled", "disabled"]),
);

const optionalText = nul(z.string());
const icons = nul(z.array(z.unknown()));

/** An MCP tool as the server listed it. */
const McpTool = z.looseObject({
  name: z.string(),
  title: optionalText,
  description: optionalText,
  inputSchema: JsonValue,
  outputSchema: JsonValue.optional(),
  annotations: JsonValue.optional(),
  icons,
  _meta: JsonValue.optional(),
});

const McpResource = z.looseObject({
  name: z.string(),
  uri: z.string(),
  title: optionalText,
  description: optionalText,
  mimeType: optionalText,
  size: nul(Int),
  annotations: JsonValue.optional(),
  icons,
  _meta: JsonValue.optional(),
});

const McpResourceTemplate = z.looseObject({
  name: z.string(),
  uriTemplate: z.string(),
  title: optionalText,
  description: optionalText,
  mimeType: optionalText,
  annotations: JsonValue.optional(),
});

export const McpServerInfo = named(
  "McpServerInfo",
  z.object({
    name: z.string(),
    version: z.string(),
    title: nul(z.string()),
    description: nul(z.string()),
    icons: nul(z.array(z.unknown())),
    websiteUrl: nul(z.string()),
  }),
);

export const McpServerStatus = named(
  "McpServerStatus",
  z.object({
    name: z.string(),
    authStatus: McpAuthStatus,
    tools: z.record(z.string(), McpTool),
    resources: z.array(McpResource),
    resourceTemplates: z.array(McpResourceTemplate),
    httpOrigin: nul(z.string()),
    pluginId: nul(z.string()),
    runtimeStatus: nul(McpServerConnectionStatus),
    serverCapabilities: JsonValue.optional(),
    serverInfo: nul(McpServerInfo),
    toolListMeta: JsonValue.optional(),
    toolsError: nul(z.string()),
  }),
);

export const ListMcpServerStatusResponse = named(
  "ListMcpServerStatusResponse",
  z.object({ data: z.array(McpServerStatus), nextCursor: nul(z.string()) }),
);

export const McpServerToolCallParams = named(
  "McpServerToolCallParams",
  z.object({
    threadId: z.string(),
    server: z.string(),
    tool: z.string(),
    arguments: JsonValue.optional(),
    _meta: JsonValue.optional(),
  }),
);

export const McpServerToolCallResponse = named(
  "McpServerToolCallResponse",
  z.object({
    content: z.array(z.unknown()),
    structuredContent: JsonValue.optional(),
    isError: nul(z.boolean()),
    _meta: JsonValue.optional(),
  }),
);

export const McpResourceReadTarget = named(
  "McpResourceReadTarget",
  z.object({ connectorId: z.string(), linkId: nul(z.string()) }),
);

export const McpResourceReadParams = named(
  "McpResourceReadParams",
  z.object({
    server: z.string(),
    uri: z.string(),
    threadId: opt(z.string()),
    connectorId: opt(z.string()),
    originCallId: opt(z.string()),
    target: opt(McpResourceReadTarget),
    _meta: opt(z.record(z.string(), z.unknown())),
  }),
);

/** One resource content: `text` or base64 `blob`. */
const McpResourceContent = z.union([
  z.looseObject({ uri: z.string(), text: z.string(), mimeType: optionalText, _meta: JsonValue.optional() }),
  z.looseObject({ uri: z.string(), blob: z.string(), mimeType: optionalText, _meta: JsonValue.optional() }),
]);

export const McpResourceReadResponse = named(
  "McpResourceReadResponse",
  z.object({ contents: z.array(McpResourceContent), originCallId: nul(z.string()) }),
);

/** `config/mcpServer/reload` takes no params (`null` or absent). */
export const McpServerRefreshParams = z.null().optional();
export const McpServerRefreshResponse = named("McpServerRefreshResponse", z.object({}));
