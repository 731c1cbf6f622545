// How MCP tools look to the model, as Codex 0.169 sends them: one `mcp__<server>` namespace per
// server holding its tools as functions (sorted by name, `strict: false`, the input schema cut down
// to what the Responses API takes), and three resource tools when any server is configured.
import type { McpTool } from "@codex-ts/mcp";
import type { FunctionToolSpec, JsonSchema } from "../tools/types.js";

export const MCP_NAMESPACE_PREFIX = "mcp__";

/** `mcp__<server>`, with the characters function names may not hold (`.`, `/`, `:`, `@`) as `_`. */
export function mcpNamespace(server: string): string {
  return modelToolName(`${MCP_NAMESPACE_PREFIX}${server}`);
}

export function mcpNamespaceDescription(server: string): string {
  return `Tools in the ${mcpNamespace(server)} namespace.`;
}

/** Function names the Responses API accepts: letters, digits, `_` and `-`, at most 64 characters. */
export function modelToolName(tool: string): string {
  return tool.replace(/[^a-zA-Z0-9_-]/g, "_").slice(0, 64);
}

/** Keys of a JSON Schema the model sees; `$schema`, `additionalProperties`, `$id`… are dropped. */
const KEPT_KEYS = new Set(["type", "description", "properties", "required", "items", "enum", "anyOf", "oneOf", "default", "format", "const"]);

function sanitizeSchema(schema: unknown): JsonSchema {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return {};
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (!KEPT_KEYS.has(key)) continue;
    if (key === "properties" && typeof value === "object" && value !== null) {
      out.properties = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, sanitizeSchema(sub)]));
    } else if (key === "items") {
      out.items = sanitizeSchema(value);
    } else if ((key === "anyOf" || key === "oneOf") && Array.isArray(value)) {
      out[key] = value.map(sanitizeSchema);
    } else if (key === "required") {
      if (Array.isArray(value) && value.length > 0) out.required = value.map(String);
    } else {
      out[key] = value;
    }
  }
  return out;
}

/** A tool's parameters: always an object schema with `properties`. */
export function toolParameters(inputSchema: unknown): JsonSchema {
  const schema = sanitizeSchema(inputSchema);
  return { ...schema, type: "object", properties: schema.properties ?? {} };
}

export function mcpFunctionSpec(tool: McpTool): FunctionToolSpec {
  return {
    type: "function",
    name: modelToolName(tool.name),
    description: tool.description ?? tool.title ?? "",
    strict: false,
    parameters: toolParameters(tool.inputSchema),
  };
}

const resourceParameters = (extra: Record<string, JsonSchema>, required?: string[]): JsonSchema => ({
  type: "object",
  properties: extra,
  ...(required ? { required } : {}),
  additionalProperties: false,
});

export const LIST_MCP_RESOURCES = "list_mcp_resources";
export const LIST_MCP_RESOURCE_TEMPLATES = "list_mcp_resource_templates";
export const READ_MCP_RESOURCE = "read_mcp_resource";

export const RESOURCE_TOOL_SPECS: readonly FunctionToolSpec[] = [
  {
    type: "function",
    name: LIST_MCP_RESOURCES,
    description:
      "Lists the resources MCP servers offer (files, records, documents…). Give `server` to list one server's resources; pass the `cursor` from a previous answer for the next page.",
    strict: false,
    parameters: resourceParameters({ cursor: { type: "string" }, server: { type: "string" } }),
  },
  {
    type: "function",
    name: LIST_MCP_RESOURCE_TEMPLATES,
    description:
      "Lists the resource templates (parameterised URIs) MCP servers offer. Give `server` to list one server's templates; pass the `cursor` from a previous answer for the next page.",
    strict: false,
    parameters: resourceParameters({ cursor: { type: "string" }, server: { type: "string" } }),
  },
  {
    type: "function",
    name: READ_MCP_RESOURCE,
    description: "Reads one resource of an MCP server by its URI (from list_mcp_resources or a filled-in template).",
    strict: false,
    parameters: resourceParameters({ server: { type: "string" }, uri: { type: "string" } }, ["server", "uri"]),
  },
];
