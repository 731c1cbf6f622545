import type { JsonSchema, JsonSchemaObject } from "./emit.js";
import { splitNull } from "./emit.js";
import { resolveSchema } from "./examples.js";

/**
 * Breaks a valid example in the ways the schema forbids — a required field removed, an enum given
 * a value it does not list, a string field given a number, an integer field given a fraction or a
 * value under its minimum — at every object reachable through
 * fields and tagged-union variants. Each mutation says what a reader must do with it.
 */

export interface Mutation {
  /** e.g. `params.gitInfo.branch removed`. */
  label: string;
  value: unknown;
  /**
   * `reject`: the official schema rejects it and so must we. `fill-null`: a required nullable
   * field removed — we read it as `null` (tolerant reading) and must write it back.
   */
  expect: "reject" | "fill-null";
  path: string[];
}

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === "object" && value !== null && !Array.isArray(value);

/** The object schema `value` is an instance of: the schema itself, or the variant its tags pick. */
function objectSchemaFor(schema: JsonSchema, value: unknown, definitions: Record<string, JsonSchema>) {
  const resolved = resolveSchema(splitNull(resolveSchema(schema, definitions)).inner, definitions);
  if (typeof resolved !== "object" || !isObj(value)) return undefined;
  if (resolved.properties !== undefined) return resolved;
  const options = (resolved.oneOf ?? resolved.anyOf) as JsonSchema[] | undefined;
  if (!Array.isArray(options)) return undefined;
  const matches = options
    .map((option) => resolveSchema(option, definitions))
    .filter((option): option is JsonSchemaObject => typeof option === "object" && option.properties !== undefined)
    .filter((option) => {
      const tags = Object.entries(option.properties as Record<string, JsonSchema>).filter(([key, property]) => {
        const enumValues = (resolveSchema(property, definitions) as JsonSchemaObject).enum;
        return ((option.required ?? []) as string[]).includes(key) && Array.isArray(enumValues) && enumValues.length === 1;
      });
      return tags.length > 0 && tags.every(([key, property]) => {
        const enumValues = (resolveSchema(property, definitions) as JsonSchemaObject).enum as unknown[];
        return value[key] === enumValues[0];
      });
    });
  return matches.length === 1 ? matches[0] : undefined;
}

function replaced(root: unknown, path: string[], edit: (parent: Obj, key: string) => void): unknown {
  const copy = structuredClone(root);
  let parent = copy as Obj;
  for (const key of path.slice(0, -1)) parent = parent[key] as Obj;
  edit(parent, path[path.length - 1] as string);
  return copy;
}

export function mutations(
  schema: JsonSchema,
  value: unknown,
  definitions: Record<string, JsonSchema>,
  prefix: string,
  maxDepth = 4,
): Mutation[] {
  const found: Mutation[] = [];
  const visit = (node: JsonSchema, at: unknown, path: string[]) => {
    if (path.length > maxDepth) return;
    const object = objectSchemaFor(node, at, definitions);
    if (object === undefined || !isObj(at)) return;
    const required = new Set((object.required ?? []) as string[]);
    for (const [key, property] of Object.entries(object.properties as Record<string, JsonSchema>)) {
      if (!(key in at)) continue;
      const here = [...path, key];
      const label = [prefix, ...here].join(".");
      const { inner, nullable } = splitNull(resolveSchema(property, definitions));
      const target = resolveSchema(inner, definitions) as JsonSchemaObject;
      if (required.has(key)) {
        found.push({
          label: `${label} removed`,
          value: replaced(value, here, (parent, k) => delete parent[k]),
          expect: nullable ? "fill-null" : "reject",
          path: here,
        });
      }
      if (Array.isArray(target.enum) && target.enum.every((v) => typeof v === "string") && at[key] !== null) {
        found.push({
          label: `${label} = "__not_listed__"`,
          value: replaced(value, here, (parent, k) => {
            parent[k] = "__not_listed__";
          }),
          expect: "reject",
          path: here,
        });
      } else if (target.type === "string" && target.enum === undefined && typeof at[key] === "string") {
        found.push({
          label: `${label} = 42`,
          value: replaced(value, here, (parent, k) => {
            parent[k] = 42;
          }),
          expect: "reject",
          path: here,
        });
      }
      if (target.type === "integer" && typeof at[key] === "number") {
        const below = typeof target.minimum === "number" ? target.minimum - 1 : undefined;
        for (const bad of below === undefined ? [0.5] : [0.5, below]) {
          found.push({
            label: `${label} = ${bad}`,
            value: replaced(value, here, (parent, k) => {
              parent[k] = bad;
            }),
            expect: "reject",
            path: here,
          });
        }
      }
      visit(property, at[key], here);
    }
  };
  visit(schema, value, []);
  return found;
}
