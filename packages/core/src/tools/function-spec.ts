import type { FunctionToolSpec, JsonSchema } from "./types.js";

/**
 * A function tool whose arguments are one object of `properties` (no others), not strict — the
 * shape Codex gives its own tools. `required` is left out when not given.
 */
export function functionToolSpec(
  name: string,
  description: string,
  properties: Record<string, JsonSchema>,
  required?: string[],
): FunctionToolSpec {
  const parameters: JsonSchema = {
    type: "object",
    properties,
    ...(required ? { required } : {}),
    additionalProperties: false,
  };
  return { type: "function", name, description, strict: false, parameters };
}
