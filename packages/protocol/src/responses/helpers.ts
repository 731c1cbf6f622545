import * as z from "zod";

/** Field helpers and the unknown-`type` fallback shared by the Responses API shapes. */

// ---------------------------------------------------------------------------------------
// helpers

/** An optional field that Codex omits when absent; a `null` on input reads as absent. */
export function omittableField<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/** A field Codex always writes, possibly as `null`; absent on input reads as `null`. */
export function nullableField<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Wraps a discriminated union so that an object whose `type` is not one of `known` reads as
 * `{type: fallback}` instead of failing (Codex's `#[serde(other)]`). `aliases` renames legacy
 * type tags first.
 */
export function withUnknownTypeFallback<T extends z.ZodType>(
  known: readonly string[],
  fallback: string,
  schema: T,
  aliases: Readonly<Record<string, string>> = {},
) {
  const knownSet = new Set(known);
  return z.preprocess((value) => {
    if (!isRecord(value) || typeof value.type !== "string") return value;
    const aliased = aliases[value.type];
    if (aliased !== undefined) return { ...value, type: aliased };
    if (!knownSet.has(value.type)) return { type: fallback };
    return value;
  }, schema);
}
