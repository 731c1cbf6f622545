import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import * as z from "zod";
import { officialResponseName } from "./official-names.js";
import { officialSchemaDir } from "./official-schema.js";
import {
  clientRequestMethods,
  isClientRequestMethod,
  isServerRequestMethod,
  serverRequestMethods,
} from "./protocol.js";

/**
 * Validates JSON-RPC messages against the official Codex app-server JSON Schema (the directory
 * `codex app-server generate-json-schema --out DIR` writes). Used by conformance tests here and in
 * the app-server: whatever we write must pass the schema real Codex clients are built from.
 */

export type OfficialValidation =
  /** `definition` is the official definition the message was checked against. */
  | { valid: true; definition: string }
  /** The official schema has no definition for this message (e.g. responses to server requests). */
  | { valid: true; definition: null; unchecked: string }
  | { valid: false; definition: string | null; errors: string };

export interface OfficialSchemaValidator {
  /**
   * Validates one JSON-RPC message. Requests and notifications are recognised by `method`;
   * a response (`{id, result}`) needs the method of the request it answers.
   */
  validateMessage(message: unknown, options?: { responseTo?: string }): OfficialValidation;
  /** Validates a value against one named official definition (e.g. `"Thread"`). */
  validateDefinition(definition: string, value: unknown): OfficialValidation;
  /** The definition names the official schema knows. */
  readonly definitions: ReadonlySet<string>;
}

const BUNDLE = "codex_app_server_protocol.v2.schemas.json";
/** Top-level files that carry definitions the v2 bundle does not (checked in this order). */
const EXTRA_FILES = [
  "ServerRequest.json",
  "ClientNotification.json",
  "InitializeParams.json",
  "InitializeResponse.json",
  "JSONRPCError.json",
];

type JsonSchema = { definitions?: Record<string, unknown>; [key: string]: unknown };

/**
 * ajv and ajv-formats are loaded on the first `createOfficialSchemaValidator` call, not when the
 * package is imported: only conformance tests validate against the official schema, and loading
 * them costs every importer of @codex-ts/protocol ~60 ms of CPU. `createRequire` keeps the factory
 * synchronous (both packages ship CommonJS).
 */
function loadAjv(): { Ajv: typeof Ajv; addFormats: (ajv: Ajv) => Ajv } {
  const require = createRequire(import.meta.url);
  const ajvModule = require("ajv") as { Ajv: typeof Ajv };
  const formatsModule = require("ajv-formats") as { default?: unknown };
  const addFormats = (formatsModule.default ?? formatsModule) as (ajv: Ajv) => Ajv;
  return { Ajv: ajvModule.Ajv, addFormats };
}

function readJson(path: string): JsonSchema {
  return JSON.parse(readFileSync(path, "utf8")) as JsonSchema;
}

function collectFormats(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const entry of value) collectFormats(entry, into);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, entry] of Object.entries(value)) {
      if (key === "format" && typeof entry === "string") into.add(entry);
      else collectFormats(entry, into);
    }
  }
}

function describeAjvErrors(errors: ErrorObject[] | null | undefined): string {
  if (!errors || errors.length === 0) return "invalid";
  return errors
    .slice(0, 8)
    .map((error) => `${error.instancePath || "(root)"} ${error.message ?? "invalid"}`)
    .join("; ");
}

/** The name our schema registry gives a zod schema (`.meta({ id })`). */
function definitionName(schema: z.ZodType): string | undefined {
  const meta = z.globalRegistry.get(schema) as { id?: unknown } | undefined;
  return typeof meta?.id === "string" ? meta.id : undefined;
}

/**
 * Loads the official schema from `schemaDir` (throws only if the directory is not a Codex schema
 * directory — a setup error, not a message error). Validation itself never throws.
 */
export function createOfficialSchemaValidator(schemaDir: string = officialSchemaDir()): OfficialSchemaValidator {
  const bundle = readJson(join(schemaDir, BUNDLE));
  const definitions: Record<string, unknown> = { ...(bundle.definitions ?? {}) };
  for (const file of EXTRA_FILES) {
    let extra: JsonSchema;
    try {
      extra = readJson(join(schemaDir, file));
    } catch {
      continue;
    }
    for (const [name, definition] of Object.entries(extra.definitions ?? {})) {
      if (!(name in definitions)) definitions[name] = definition;
    }
    const { definitions: _ignored, $schema: _schema, ...root } = extra;
    const rootName = file.replace(/\.json$/, "");
    if (!(rootName in definitions)) definitions[rootName] = root;
  }

  const { Ajv, addFormats } = loadAjv();
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const formats = new Set<string>();
  collectFormats(definitions, formats);
  const numeric = new Set(["int32", "int64", "uint", "uint16", "uint32", "uint64", "uint8", "int8", "int16"]);
  for (const format of formats) {
    if (numeric.has(format))
      ajv.addFormat(format, { type: "number", validate: (n: number) => Number.isInteger(n) });
    else if (format === "double" || format === "float")
      ajv.addFormat(format, { type: "number", validate: () => true });
  }
  ajv.addSchema({ $id: "codex-v2", definitions }, "codex-v2");

  const compiled = new Map<string, ValidateFunction>();
  const names = new Set(Object.keys(definitions));

  function compiledFor(pointer: string): ValidateFunction {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `codex-v2#${pointer}` });
      compiled.set(pointer, validate);
    }
    return validate;
  }

  function validateDefinition(definition: string, value: unknown): OfficialValidation {
    if (!names.has(definition)) {
      return {
        valid: true,
        definition: null,
        unchecked: `the official schema has no definition "${definition}"`,
      };
    }
    const validate = compiledFor(`/definitions/${definition}`);
    return validate(value)
      ? { valid: true, definition }
      : { valid: false, definition, errors: describeAjvErrors(validate.errors) };
  }

  /** For the method unions: which `oneOf` branch carries which method, so errors are about that branch. */
  const branches = new Map<string, Map<string, { keyword: string; index: number }>>();
  function branchOf(union: string, method: string): { keyword: string; index: number } | undefined {
    let table = branches.get(union);
    if (!table) {
      table = new Map();
      const schema = definitions[union] as { oneOf?: unknown[]; anyOf?: unknown[] } | undefined;
      const keyword = schema?.oneOf ? "oneOf" : "anyOf";
      const variants = schema?.[keyword] ?? [];
      variants.forEach((variant, index) => {
        const method = (variant as { properties?: { method?: { enum?: unknown[]; const?: unknown } } })
          .properties?.method;
        for (const name of [...(method?.enum ?? []), method?.const]) {
          if (typeof name === "string") table?.set(name, { keyword, index });
        }
      });
      branches.set(union, table);
    }
    return table.get(method);
  }

  function validateInUnion(union: string, method: string, message: unknown): OfficialValidation {
    if (!names.has(union)) return validateDefinition(union, message);
    const branch = branchOf(union, method);
    if (branch === undefined) {
      return { valid: false, definition: union, errors: `${union} has no method "${method}"` };
    }
    const validate = compiledFor(`/definitions/${union}/${branch.keyword}/${branch.index}`);
    return validate(message)
      ? { valid: true, definition: union }
      : { valid: false, definition: union, errors: describeAjvErrors(validate.errors) };
  }

  function responseDefinition(method: string): string | undefined {
    if (isClientRequestMethod(method)) return definitionName(clientRequestMethods[method].response);
    if (isServerRequestMethod(method)) return definitionName(serverRequestMethods[method].response);
    return officialResponseDefinition(method);
  }

  /**
   * For a method our zod tables do not cover: the official schema pairs `XParams` (the `params` of
   * the method's request branch, possibly nullable) with `XResponse`; a method without params is
   * named after its path (`configRequirements/read` → `ConfigRequirementsReadResponse`).
   */
  /** For a method our zod tables do not cover: the official pairing (see ./official-names.ts). */
  function officialResponseDefinition(method: string): string | undefined {
    for (const union of ["ClientRequest", "ServerRequest"]) {
      const branch = branchOf(union, method);
      if (branch === undefined) continue;
      const variant = ((definitions[union] as Record<string, unknown[]>)[branch.keyword] ?? [])[branch.index] as
        | { properties?: { params?: unknown } }
        | undefined;
      return officialResponseName(method, variant?.properties?.params, (name) => names.has(name));
    }
    return undefined;
  }

  function validateMessage(message: unknown, options: { responseTo?: string } = {}): OfficialValidation {
    if (typeof message !== "object" || message === null || Array.isArray(message)) {
      return { valid: false, definition: null, errors: "a JSON-RPC message must be a JSON object" };
    }
    const record = message as Record<string, unknown>;
    if (typeof record.method === "string") {
      const method = record.method;
      if ("id" in record) {
        return validateInUnion(
          isServerRequestMethod(method) ? "ServerRequest" : "ClientRequest",
          method,
          message,
        );
      }
      return validateInUnion(
        method === "initialized" ? "ClientNotification" : "ServerNotification",
        method,
        message,
      );
    }
    if ("error" in record) return validateDefinition("JSONRPCError", message);
    if ("result" in record) {
      if (!options.responseTo) {
        return {
          valid: false,
          definition: null,
          errors: "a response needs the method of its request (responseTo)",
        };
      }
      const definition = responseDefinition(options.responseTo);
      if ((!definition || !names.has(definition)) && isClientRequestMethod(options.responseTo)) {
        // The official schema has no definition for a few responses (fuzzyFileSearch keeps a v1
        // shape): those are checked against our own zod schema instead.
        const zodSchema = clientRequestMethods[options.responseTo].response;
        const parsed = zodSchema.safeParse(record.result);
        const name = definitionName(zodSchema) ?? options.responseTo;
        return parsed.success
          ? { valid: true, definition: name }
          : { valid: false, definition: name, errors: parsed.error.issues.map((i) => `${i.path.join(".")} ${i.message}`).join("; ") };
      }
      if (!definition) {
        return {
          valid: true,
          definition: null,
          unchecked: `no known response definition for ${options.responseTo}`,
        };
      }
      return validateDefinition(definition, record.result);
    }
    return {
      valid: false,
      definition: null,
      errors: "a JSON-RPC message needs `method`, `result` or `error`",
    };
  }

  return { validateMessage, validateDefinition, definitions: names };
}
