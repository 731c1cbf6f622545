// The tool seam, part 1: calls, results and the specs of the Responses API `tools` array (see ./types.ts).

// ---------------------------------------------------------------------------------------------
// Calls and results

export type ToolPayload =
  /** A function tool: `arguments` is the raw JSON text the model produced (not yet parsed). */
  | { type: "function"; arguments: string }
  /** A custom (freeform) tool: the raw input text. */
  | { type: "custom"; input: string };

export interface ToolCall {
  callId: string;
  name: string;
  /** The namespace of a namespaced tool (`function_call.namespace`, e.g. `mcp__server`). */
  namespace?: string;
  payload: ToolPayload;
}

export type ImageDetail = "auto" | "low" | "high" | "original";

/** Content items of a function_call_output (Responses API `input_text` / `input_image`). */
export type ContentItem =
  | { type: "input_text"; text: string }
  | { type: "input_image"; image_url: string; detail?: ImageDetail };

export interface ToolResult {
  /** Text, or content items (text and images) for tools that return images. */
  output: string | ContentItem[];
  /** Whether the call succeeded (Codex's `success` flag on function_call_output). */
  success: boolean;
  /**
   * The user answered an approval with `abort`: the session should record this output and end
   * the turn as interrupted instead of sampling the model again.
   */
  abortTurn?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Specs: entries of the Responses API `tools` array

export type JsonSchema = {
  type?: string | string[];
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  additionalProperties?: boolean | JsonSchema;
  [key: string]: unknown;
};

export interface FunctionToolSpec {
  type: "function";
  name: string;
  description: string;
  strict: boolean;
  parameters: JsonSchema;
}

export interface FreeformToolSpec {
  type: "custom";
  name: string;
  description: string;
  format: { type: "grammar"; syntax: "lark" | "regex"; definition: string };
}

export interface WebSearchToolSpec {
  type: "web_search";
  external_web_access?: boolean;
}

/** Tools grouped under one name (MCP servers, `multi_agent_v1`); calls carry `namespace` + `name`. */
export interface NamespaceToolSpec {
  type: "namespace";
  name: string;
  description?: string;
  tools: FunctionToolSpec[];
}

export type ToolSpec = FunctionToolSpec | FreeformToolSpec | WebSearchToolSpec | NamespaceToolSpec;

/** The name the model calls a spec by (web_search has no name field on the wire). */
export function toolSpecName(spec: ToolSpec): string {
  return spec.type === "web_search" ? "web_search" : spec.name;
}
