/**
 * Turns one JSON Schema node of the official Codex schema into zod source text.
 *
 * Only the subset `codex app-server generate-json-schema` writes is understood (`type`, `enum`,
 * `properties`/`required`, `additionalProperties`, `items`, `anyOf`/`oneOf`/`allOf`, `$ref`,
 * `format`, `minimum`, `minLength`); anything else is an error, so a new keyword in a future schema
 * fails generation instead of being silently dropped.
 *
 * Field rules follow the package's wire rules (see ../common.ts): a required nullable field becomes
 * `nul(T)` (read tolerantly, always written); a field the schema does not require becomes `opt(T)`
 * (a `null` reads as absent) unless the schema allows `null` for it, then `T.nullish()` — Codex
 * gives such a `null` a meaning of its own ("set to `null` to clear it"); a required non-null field
 * stays `T`.
 */

export type JsonSchema = boolean | JsonSchemaObject;
export interface JsonSchemaObject {
  [keyword: string]: unknown;
}

/** How the emitter names a referenced definition (and records the dependency). */
export interface EmitContext {
  ref(name: string): string;
  /** The official definition behind a `$ref`, used to recognise tagged unions. */
  resolve(name: string): JsonSchema | undefined;
}

const IGNORED = new Set(["description", "title", "$schema", "default", "examples", "definitions"]);
const KNOWN = new Set([
  ...IGNORED,
  "type", "enum", "properties", "required", "additionalProperties", "items", "anyOf", "oneOf", "allOf",
  "$ref", "format", "minimum", "minLength",
]);

const REF_PREFIX = "#/definitions/";

export function refName(ref: unknown): string {
  if (typeof ref !== "string" || !ref.startsWith(REF_PREFIX)) throw new Error(`unsupported $ref ${String(ref)}`);
  return ref.slice(REF_PREFIX.length);
}

function isNullSchema(schema: JsonSchema): boolean {
  return typeof schema === "object" && schema.type === "null" && Object.keys(schema).every((k) => k === "type" || IGNORED.has(k));
}

/** Splits `T | null` into `T` and a flag; a schema that is only `null` stays as it is. */
export function splitNull(schema: JsonSchema): { inner: JsonSchema; nullable: boolean } {
  if (typeof schema !== "object") return { inner: schema, nullable: false };
  if (Array.isArray(schema.type) && schema.type.includes("null")) {
    const rest = (schema.type as string[]).filter((t) => t !== "null");
    if (rest.length === 0) return { inner: schema, nullable: false };
    return { inner: { ...schema, type: rest.length === 1 ? rest[0] : rest }, nullable: true };
  }
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.some((o) => isNullSchema(o as JsonSchema))) {
      const rest = (options as JsonSchema[]).filter((o) => !isNullSchema(o));
      const { [key]: _dropped, ...outer } = schema;
      const inner: JsonSchema = rest.length === 1 ? mergeOuter(outer, rest[0] as JsonSchema) : { ...outer, [key]: rest };
      return { inner, nullable: true };
    }
  }
  return { inner: schema, nullable: false };
}

/** Keeps an outer description when a single option is lifted out of `anyOf`. */
function mergeOuter(outer: JsonSchemaObject, option: JsonSchema): JsonSchema {
  if (typeof option !== "object") return option;
  const extra = Object.keys(outer).filter((k) => !IGNORED.has(k));
  if (extra.length > 0) return { ...outer, allOf: [option] };
  return option;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
export function propertyKey(key: string): string {
  return IDENTIFIER.test(key) ? key : JSON.stringify(key);
}

/** A JSDoc block (indented), or nothing when the schema has no description. */
export function docComment(schema: JsonSchema, indent: string): string {
  if (typeof schema !== "object" || typeof schema.description !== "string") return "";
  const text = schema.description.replace(/\*\//g, "*\\/").trim();
  if (text === "") return "";
  const lines = text.split("\n").map((line) => line.trimEnd());
  if (lines.length === 1) return `${indent}/** ${lines[0]} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line === "" ? "" : ` ${line}`}`).join("\n")}\n${indent} */\n`;
}

function stringEnumValues(schema: JsonSchema, ctx: EmitContext): string[] | undefined {
  if (typeof schema !== "object") return undefined;
  if (schema.$ref !== undefined) return undefined;
  const keys = Object.keys(schema).filter((k) => !IGNORED.has(k));
  if (!keys.every((k) => k === "type" || k === "enum")) return undefined;
  const values = schema.enum;
  if (!Array.isArray(values) || !values.every((v) => typeof v === "string")) return undefined;
  void ctx;
  return values as string[];
}

/** The property every option fixes to one string (through `$ref`s), if there is one. */
function discriminatorOf(options: JsonSchema[], ctx: EmitContext): string | undefined {
  const resolved = options.map((option) => {
    let current: JsonSchema | undefined = option;
    for (let hops = 0; hops < 4 && typeof current === "object" && current.$ref !== undefined; hops++)
      current = ctx.resolve(refName(current.$ref));
    return current;
  });
  if (!resolved.every((o) => typeof o === "object" && o.properties !== undefined && !o.anyOf && !o.oneOf))
    return undefined;
  const objects = resolved as JsonSchemaObject[];
  const first = objects[0]?.properties as Record<string, JsonSchema>;
  for (const key of Object.keys(first)) {
    const tags = objects.map((o) => {
      const prop = (o.properties as Record<string, JsonSchema>)[key];
      const required = Array.isArray(o.required) && o.required.includes(key);
      const values = prop === undefined ? undefined : stringEnumValues(prop, ctx);
      return required && values?.length === 1 ? values[0] : undefined;
    });
    if (tags.every((t) => t !== undefined) && new Set(tags).size === tags.length) return key;
  }
  return undefined;
}

function literalList(values: unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(", ");
}

/** zod source for a schema node. */
export function emit(schema: JsonSchema, ctx: EmitContext, indent = ""): string {
  if (schema === true) return "JsonValue";
  if (schema === false) return "z.never()";
  for (const key of Object.keys(schema)) {
    if (!KNOWN.has(key)) throw new Error(`unsupported JSON Schema keyword "${key}"`);
  }
  const { inner, nullable } = splitNull(schema);
  if (nullable) return `${emit(inner, ctx, indent)}.nullable()`;

  if (schema.$ref !== undefined) return ctx.ref(refName(schema.$ref));
  if (Array.isArray(schema.allOf)) {
    const parts = (schema.allOf as JsonSchema[]).map((part) => emit(part, ctx, indent));
    return parts.reduce((left, right) => `z.intersection(${left}, ${right})`);
  }
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (Array.isArray(options) && schema.properties !== undefined) {
    // Fields shared by every variant (a tagged enum flattened into a struct): both must hold.
    const { anyOf: _any, oneOf: _one, ...fields } = schema;
    return `z.intersection(${emitObject(fields, ctx, indent)}, ${emitUnion(options, ctx, indent)})`;
  }
  if (Array.isArray(options)) return emitUnion(options, ctx, indent);
  if (Array.isArray(schema.enum)) {
    const values = schema.enum as unknown[];
    if (values.length === 1) return `z.literal(${JSON.stringify(values[0])})`;
    if (values.every((v) => typeof v === "string")) return `z.enum([${literalList(values)}])`;
    return `z.union([${values.map((v) => `z.literal(${JSON.stringify(v)})`).join(", ")}])`;
  }
  const type = schema.type;
  if (Array.isArray(type)) {
    return `z.union([${(type as string[]).map((t) => emit({ ...schema, type: t }, ctx, indent)).join(", ")}])`;
  }
  switch (type) {
    case "string":
      return typeof schema.minLength === "number" && schema.minLength > 0
        ? `z.string().min(${schema.minLength})`
        : "z.string()";
    case "integer": {
      const format = typeof schema.format === "string" ? schema.format : "";
      const unsigned = format.startsWith("u") || (typeof schema.minimum === "number" && schema.minimum >= 0);
      const base = unsigned ? "UInt" : "Int";
      return typeof schema.minimum === "number" && schema.minimum > 0 ? `${base}.min(${schema.minimum})` : base;
    }
    case "number":
      return "z.number()";
    case "boolean":
      return "z.boolean()";
    case "null":
      return "z.null()";
    case "array":
      return `z.array(${emit((schema.items ?? true) as JsonSchema, ctx, indent)})`;
    case "object":
      return emitObject(schema, ctx, indent);
    case undefined:
      if (schema.properties !== undefined) return emitObject(schema, ctx, indent);
      return "JsonValue";
    default:
      throw new Error(`unsupported JSON Schema type ${JSON.stringify(type)}`);
  }
}

function emitUnion(options: JsonSchema[], ctx: EmitContext, indent: string): string {
  if (options.length === 1) return emit(options[0] as JsonSchema, ctx, indent);
  const enums = options.map((o) => stringEnumValues(o, ctx));
  if (enums.every((values) => values !== undefined)) {
    const all = [...new Set(enums.flat() as string[])];
    return all.length === 1 ? `z.literal(${JSON.stringify(all[0])})` : `z.enum([${literalList(all)}])`;
  }
  const inner = `${indent}  `;
  const parts = options.map((o) => `${docComment(o, inner)}${inner}${emit(o, ctx, inner)},`).join("\n");
  const key = discriminatorOf(options, ctx);
  return key !== undefined
    ? `z.discriminatedUnion(${JSON.stringify(key)}, [\n${parts}\n${indent}])`
    : `z.union([\n${parts}\n${indent}])`;
}

function emitObject(schema: JsonSchemaObject, ctx: EmitContext, indent: string): string {
  const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema.required ?? []) as string[]);
  const extra = schema.additionalProperties;
  const keys = Object.keys(properties);
  if (keys.length === 0) {
    if (typeof extra === "object") return `z.record(z.string(), ${emit(extra as JsonSchema, ctx, indent)})`;
    if (extra === false) return "z.object({})";
    return "z.record(z.string(), JsonValue)";
  }
  const inner = `${indent}  `;
  const fields = keys.map((key) => {
    const property = properties[key] as JsonSchema;
    const { inner: value, nullable } = splitNull(property);
    let expression: string;
    if (!required.has(key))
      expression = nullable ? `${emit(value, ctx, inner)}.nullish()` : `opt(${emit(value, ctx, inner)})`;
    else if (nullable) expression = `nul(${emit(value, ctx, inner)})`;
    else expression = emit(property, ctx, inner);
    return `${docComment(property, inner)}${inner}${propertyKey(key)}: ${expression},`;
  });
  const object = `z.object({\n${fields.join("\n")}\n${indent}})`;
  return typeof extra === "object" ? `${object}.catchall(${emit(extra as JsonSchema, ctx, indent)})` : object;
}
