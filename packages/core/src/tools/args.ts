/** Parsing a function call's raw JSON arguments against a zod schema, with model-readable errors. */
import type { z } from "zod";
import type { ToolCall } from "./types.js";

export type ParsedArgs<T> = { ok: true; value: T } | { ok: false; error: string };

export function parseArguments<S extends z.ZodType>(call: ToolCall, schema: S): ParsedArgs<z.output<S>> {
  if (call.payload.type !== "function") {
    return { ok: false, error: `tool ${call.name} expects JSON function arguments, got freeform input` };
  }
  let raw: unknown;
  try {
    raw = JSON.parse(call.payload.arguments === "" ? "{}" : call.payload.arguments);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    return { ok: false, error: `failed to parse function arguments: ${reason}` };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues
      .map((i) => `${i.path.length > 0 ? i.path.join(".") : "arguments"}: ${i.message}`)
      .join("; ");
    return { ok: false, error: `failed to parse function arguments: ${issues}` };
  }
  return { ok: true, value: parsed.data };
}
