import type { JsonSchema, JsonSchemaObject } from "./emit.js";
import { refName, splitNull } from "./emit.js";

/**
 * Makes example values from a JSON Schema (the subset the official Codex schema uses), seeded so a
 * failure can be replayed: every `anyOf`/`oneOf` option, enum value and optional field gets its
 * turn across seeds. Past `maxDepth` it takes the smallest way out (null, empty array, required
 * fields only) so recursive definitions end.
 */

export type Rng = () => number;

/** mulberry32: small, fast, good enough to spread choices. */
export function seededRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = ["alpha", "b", "", "ünï", "x/y", "thread-1", "0"];

export interface ExampleOptions {
  definitions: Record<string, JsonSchema>;
  rng: Rng;
  maxDepth?: number;
}

export function example(schema: JsonSchema, options: ExampleOptions, depth = 0): unknown {
  const { definitions, rng } = options;
  const maxDepth = options.maxDepth ?? 6;
  const deep = depth >= maxDepth;
  const pick = <T>(items: readonly T[]): T => items[Math.floor(rng() * items.length)] as T;
  if (schema === true || schema === false) return pick([1, "any", null, { k: [true] }]);
  const node = schema as JsonSchemaObject;

  const { inner, nullable } = splitNull(node);
  if (nullable && (deep || rng() < 0.3)) return null;
  if (nullable) return example(inner, options, depth);

  if (node.$ref !== undefined) return example(definitions[refName(node.$ref)] as JsonSchema, options, depth + 1);
  if (Array.isArray(node.allOf)) {
    const parts = (node.allOf as JsonSchema[]).map((part) => example(part, options, depth));
    return parts.length === 1 ? parts[0] : Object.assign({}, ...parts);
  }
  const alternatives = (node.anyOf ?? node.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(alternatives) && node.properties !== undefined) {
    const { anyOf: _any, oneOf: _one, ...fields } = node;
    const variant = example({ anyOf: alternatives }, options, depth);
    return { ...(objectExample(fields, options, depth, deep) as object), ...(variant as object) };
  }
  if (Array.isArray(alternatives)) {
    const simple = alternatives.filter((o) => typeof o === "object" && o.$ref === undefined && o.type !== "object");
    return example(deep && simple.length > 0 ? pick(simple) : pick(alternatives), options, depth + 1);
  }
  if (Array.isArray(node.enum)) return pick(node.enum as unknown[]);
  if (Array.isArray(node.type)) return example({ ...node, type: pick(node.type as string[]) }, options, depth);
  switch (node.type) {
    case "string": {
      const word = pick(WORDS);
      const min = typeof node.minLength === "number" ? node.minLength : 0;
      return word.length >= min ? word : word.padEnd(min, "s");
    }
    case "integer": {
      const format = typeof node.format === "string" ? node.format : "";
      const unsigned = format.startsWith("u") || (typeof node.minimum === "number" && node.minimum >= 0);
      const value = pick([0, 1, 7, 1_700_000_000, 65_535]);
      const signed = unsigned || rng() < 0.7 ? value : -value;
      return typeof node.minimum === "number" ? Math.max(signed, node.minimum) : signed;
    }
    case "number":
      return pick([0, 0.5, -2.25, 1e6]);
    case "boolean":
      return rng() < 0.5;
    case "null":
      return null;
    case "array": {
      const length = deep ? 0 : Math.floor(rng() * 3);
      return Array.from({ length }, () => example((node.items ?? true) as JsonSchema, options, depth + 1));
    }
    case "object":
    case undefined:
      return objectExample(node, options, depth, deep);
    default:
      throw new Error(`no example for type ${JSON.stringify(node.type)}`);
  }
}

function objectExample(node: JsonSchemaObject, options: ExampleOptions, depth: number, deep: boolean): unknown {
  const { rng } = options;
  const properties = (node.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((node.required ?? []) as string[]);
  const value: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(properties)) {
    if (required.has(key) || (!deep && rng() < 0.5)) value[key] = example(property, options, depth + 1);
  }
  const extra = node.additionalProperties;
  if (typeof extra === "object" && !deep) {
    const count = Math.floor(rng() * 3);
    for (let index = 0; index < count; index++) value[`key${index}`] = example(extra as JsonSchema, options, depth + 1);
  } else if (node.properties === undefined && extra === undefined && !deep && rng() < 0.5) {
    value.free = { nested: [1, "two", null] };
  }
  return value;
}

/** The official schema behind a `$ref` chain (for mutating an example in place). */
export function resolveSchema(schema: JsonSchema, definitions: Record<string, JsonSchema>): JsonSchema {
  let current = schema;
  for (let hops = 0; hops < 8 && typeof current === "object" && current.$ref !== undefined; hops++)
    current = definitions[refName(current.$ref)] as JsonSchema;
  if (typeof current === "object" && Array.isArray(current.allOf) && current.allOf.length === 1)
    return resolveSchema(current.allOf[0] as JsonSchema, definitions);
  return current;
}
