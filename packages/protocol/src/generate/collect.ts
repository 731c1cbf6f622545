import * as z from "zod";

/**
 * Finds every named schema (zod global registry `id`) reachable from a set of roots, remembering
 * where each was first reached, and refuses two different schemas under one name.
 */

export interface NamedDefinition {
  name: string;
  schema: z.ZodType;
  /** Where the schema was first reached, e.g. `ServerNotification{item/completed}.params.item`. */
  path: string;
}

export type CollectResult =
  | { ok: true; definitions: Map<string, NamedDefinition> }
  | { ok: false; error: string };

type AnyDef = Record<string, unknown> & { type: string };

function defOf(schema: z.ZodType): AnyDef {
  return (schema as unknown as { _zod: { def: AnyDef } })._zod.def;
}

function idOf(schema: z.ZodType): string | undefined {
  const meta = z.globalRegistry.get(schema) as { id?: unknown } | undefined;
  return typeof meta?.id === "string" ? meta.id : undefined;
}

/** The literal value an object option is discriminated by, for readable paths. */
function optionLabel(option: z.ZodType, index: number): string {
  const def = defOf(option);
  if (def.type === "object") {
    const shape = def.shape as Record<string, z.ZodType>;
    for (const key of ["type", "method", "mode", "kind", "handlerType"]) {
      const field = shape[key];
      if (field && defOf(field).type === "literal") {
        const values = defOf(field).values as unknown[];
        return `{${key}=${String(values[0])}}`;
      }
    }
  }
  return `{${index}}`;
}

/**
 * Walks the zod definition trees of `roots`. Names come from the global registry, and each root
 * is itself named by its key. Returns an error naming both paths when two different schemas share
 * a name.
 */
export function collectDefinitions(roots: Record<string, z.ZodType>): CollectResult {
  const definitions = new Map<string, NamedDefinition>();
  const visited = new Set<z.ZodType>();
  let error: string | undefined;

  function claim(name: string, schema: z.ZodType, path: string): boolean {
    const existing = definitions.get(name);
    if (!existing) {
      definitions.set(name, { name, schema, path });
      return true;
    }
    if (existing.schema === schema) return false;
    error ??=
      `definition name "${name}" is used by two different schemas: ` +
      `one at ${existing.path}, another at ${path}. Give one of them a different name.`;
    return false;
  }

  function walk(schema: z.ZodType, path: string): void {
    if (error) return;
    const id = idOf(schema);
    if (id !== undefined && !claim(id, schema, path)) return;
    if (visited.has(schema)) return;
    visited.add(schema);
    const here = id !== undefined ? id : path;
    const def = defOf(schema);
    switch (def.type) {
      case "object": {
        for (const [key, value] of Object.entries(def.shape as Record<string, z.ZodType>))
          walk(value, `${here}.${key}`);
        if (def.catchall) walk(def.catchall as z.ZodType, `${here}.*`);
        break;
      }
      case "array":
        walk(def.element as z.ZodType, `${here}[]`);
        break;
      case "union":
        (def.options as z.ZodType[]).forEach((option, index) => {
          walk(option, `${here}${optionLabel(option, index)}`);
        });
        break;
      case "intersection":
        walk(def.left as z.ZodType, `${here}&0`);
        walk(def.right as z.ZodType, `${here}&1`);
        break;
      case "record":
        walk(def.keyType as z.ZodType, `${here}{key}`);
        walk(def.valueType as z.ZodType, `${here}{value}`);
        break;
      case "tuple":
        (def.items as z.ZodType[]).forEach((item, index) => {
          walk(item, `${here}[${index}]`);
        });
        if (def.rest) walk(def.rest as z.ZodType, `${here}[...]`);
        break;
      case "pipe":
        walk(def.in as z.ZodType, here);
        walk(def.out as z.ZodType, here);
        break;
      case "lazy":
        walk((def.getter as () => z.ZodType)(), here);
        break;
      case "optional":
      case "nullable":
      case "default":
      case "prefault":
      case "catch":
      case "readonly":
      case "nonoptional":
      case "promise":
        walk(def.innerType as z.ZodType, here);
        break;
      default:
        break;
    }
  }

  for (const [name, schema] of Object.entries(roots)) {
    if (idOf(schema) === undefined) claim(name, schema, name);
    walk(schema, name);
    if (error) return { ok: false, error };
  }
  return { ok: true, definitions };
}
