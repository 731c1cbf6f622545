import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import * as z from "zod";
import {
  JSONRPCError,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResponse,
  RequestId,
} from "../jsonrpc.js";
import {
  ClientNotification,
  ClientRequest,
  ServerNotification,
  ServerRequest,
  clientRequestMethods,
  serverRequestMethods,
} from "../v2/protocol.js";
import { collectDefinitions } from "./collect.js";

/**
 * JSON Schema generation from the zod schemas: one draft-07 bundle whose `definitions` hold every
 * named schema reachable from the roots, plus one file per top-level union (as Codex writes them).
 */

export type JsonSchema = Record<string, unknown>;

export interface JsonSchemaBundle {
  $schema: string;
  title: string;
  type: "object";
  definitions: Record<string, JsonSchema>;
}

export type GenerateResult<T> = { ok: true; value: T } | { ok: false; error: string };

export const BUNDLE_FILE = "codex_app_server_protocol.v2.schemas.json";
const DRAFT_07 = "http://json-schema.org/draft-07/schema#";

/** The top-level files written beside the bundle. */
export const TOP_LEVEL_ROOTS = [
  "ClientRequest",
  "ClientNotification",
  "ServerRequest",
  "ServerNotification",
  "JSONRPCMessage",
  "JSONRPCRequest",
  "JSONRPCNotification",
  "JSONRPCResponse",
  "JSONRPCError",
  "RequestId",
  "InitializeParams",
  "InitializeResponse",
] as const;

/** The definitions `root` references, directly or through others (the root itself excluded). */
export function reachableDefinitions(
  root: string,
  definitions: Record<string, JsonSchema>,
): Record<string, JsonSchema> {
  const seen = new Set<string>([root]);
  const pending: unknown[] = [definitions[root]];
  while (pending.length > 0) {
    const value = pending.pop();
    if (Array.isArray(value)) {
      pending.push(...value);
    } else if (typeof value === "object" && value !== null) {
      for (const [key, entry] of Object.entries(value)) {
        if (key === "$ref" && typeof entry === "string") {
          const name = entry.slice(entry.lastIndexOf("/") + 1);
          if (!seen.has(name) && definitions[name]) {
            seen.add(name);
            pending.push(definitions[name]);
          }
        } else {
          pending.push(entry);
        }
      }
    }
  }
  seen.delete(root);
  const out: Record<string, JsonSchema> = {};
  for (const name of [...seen].sort()) out[name] = definitions[name] as JsonSchema;
  return out;
}

/** What the app-server protocol generator starts from: the message unions, every response, JSON-RPC framing. */
export function defaultRoots(): Record<string, z.ZodType> {
  const roots: Record<string, z.ZodType> = {
    ClientRequest,
    ClientNotification,
    ServerRequest,
    ServerNotification,
    JSONRPCMessage,
    JSONRPCRequest,
    JSONRPCNotification,
    JSONRPCResponse,
    JSONRPCError,
    RequestId,
  };
  for (const [method, entry] of [
    ...Object.entries(clientRequestMethods),
    ...Object.entries(serverRequestMethods),
  ]) {
    roots[`${method} response`] = entry.response;
  }
  return roots;
}

/** Drops `additionalProperties: false`: readers ignore unknown fields, so the schema must not forbid them. */
function relax(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(relax);
  if (typeof value !== "object" || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key === "additionalProperties" && entry === false) continue;
    out[key] = relax(entry);
  }
  return out;
}

/** Builds the bundle in memory. Fails (as a value) when two different schemas share a name. */
export function buildJsonSchemaBundle(
  roots: Record<string, z.ZodType> = defaultRoots(),
): GenerateResult<JsonSchemaBundle> {
  const collected = collectDefinitions(roots);
  if (!collected.ok) return collected;
  const registry = z.registry<{ id: string }>();
  for (const { name, schema } of collected.definitions.values()) {
    // Response roots are unnamed aliases of named schemas; only real names become definitions.
    if (name.endsWith(" response")) continue;
    registry.add(schema, { id: name });
  }
  let generated: { schemas: Record<string, JsonSchema> };
  try {
    generated = z.toJSONSchema(registry, {
      target: "draft-07",
      io: "output",
      unrepresentable: "any",
      uri: (id) => `#/definitions/${id}`,
    }) as { schemas: Record<string, JsonSchema> };
  } catch (cause) {
    return {
      ok: false,
      error: `JSON Schema generation failed: ${cause instanceof Error ? cause.message : String(cause)}`,
    };
  }
  const definitions: Record<string, JsonSchema> = {};
  for (const name of Object.keys(generated.schemas).sort()) {
    const { $schema: _schema, $id: _id, ...definition } = generated.schemas[name] as JsonSchema;
    definitions[name] = relax(definition) as JsonSchema;
  }
  return {
    ok: true,
    value: { $schema: DRAFT_07, title: "CodexAppServerProtocolV2", type: "object", definitions },
  };
}

/**
 * Writes the bundle and one file per top-level message type into `outDir` (created if missing).
 * Returns the written file names, or the reason generation failed.
 */
export async function generateJsonSchemaBundle(
  outDir: string,
  roots: Record<string, z.ZodType> = defaultRoots(),
): Promise<GenerateResult<string[]>> {
  const built = buildJsonSchemaBundle(roots);
  if (!built.ok) return built;
  const bundle = built.value;
  try {
    await mkdir(outDir, { recursive: true });
    const written: string[] = [];
    await writeFile(join(outDir, BUNDLE_FILE), `${JSON.stringify(bundle, null, 2)}\n`);
    written.push(BUNDLE_FILE);
    for (const root of TOP_LEVEL_ROOTS) {
      const definition = bundle.definitions[root];
      if (!definition) continue;
      const file = `${root}.json`;
      // As Codex writes them: each file carries only the definitions its root reaches.
      const definitions = reachableDefinitions(root, bundle.definitions);
      const standalone = { $schema: DRAFT_07, title: root, ...definition, definitions };
      await writeFile(join(outDir, file), `${JSON.stringify(standalone, null, 2)}\n`);
      written.push(file);
    }
    return { ok: true, value: written };
  } catch (cause) {
    return {
      ok: false,
      error: `cannot write ${outDir}: ${cause instanceof Error ? cause.message : String(cause)}`,
    };
  }
}
