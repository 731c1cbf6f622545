import * as z from "zod";

/**
 * Building blocks shared by every v2 schema.
 *
 * The wire rule: in responses and notifications an absent value is `field: T | null` — always
 * present, `null` when empty. `nul()` builds that: it reads a missing key as `null` (tolerant) and
 * always writes the key (canonical). Only params use `opt()`: `field?: T`, where a `null` sent by a
 * client is read as "absent".
 */
export function nul<T extends z.ZodType>(schema: T) {
  return schema.nullable().default(null);
}

/** A params field a client may omit (or send as `null`, which reads as omitted). */
export function opt<T extends z.ZodType>(schema: T) {
  return z.preprocess((value) => (value === null ? undefined : value), schema.optional());
}

/**
 * Gives a schema its definition name in the generated JSON Schema / TS bindings. The name lives in
 * zod's global registry, so schemas named by any module of this package are seen by the generator;
 * two different schemas with one name make generation fail. The schema itself is registered and
 * returned (`.meta({ id })` would register a clone: a second construction of every named schema,
 * ~25 ms of CPU when the package is imported).
 */
export function named<T extends z.ZodType>(id: string, schema: T): T {
  const existing = z.globalRegistry.get(schema) as { id?: unknown } | undefined;
  if (existing?.id !== undefined && existing.id !== id)
    throw new Error(`schema "${String(existing.id)}" cannot also be named "${id}"`);
  z.globalRegistry.add(schema, { id });
  return schema;
}

/** Signed 64-bit integer on the wire (JSON numbers; safe-integer range in practice). */
export const Int = z.number().int();
/** Non-negative integer (`uint`, `uint32`, `uint64`). */
export const UInt = z.number().int().nonnegative();

/** Any JSON value. */
export const JsonValue = z.unknown();

export const AbsolutePathBuf = z.string();
export const LegacyAppPathString = z.string();
