/**
 * Validates every message the app-server emits against the official Codex app-server JSON Schema
 * (`shared/codex-schema/` beside the repo root). Shared by all app-server tests.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";

export const SCHEMA_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../../shared/codex-schema");

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const load = (file: string): Record<string, unknown> =>
  JSON.parse(readFileSync(path.join(SCHEMA_DIR, file), "utf8")) as Record<string, unknown>;

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
addFormats(ajv);
for (const name of ["int64", "int32", "int16", "int8", "uint64", "uint32", "uint16", "uint8", "uint", "double", "float"]) {
  ajv.addFormat(name, true);
}
const bundle = load("codex_app_server_protocol.v2.schemas.json");
ajv.addSchema({ ...bundle, $id: "v2" });

const compileFile = (file: string): ValidateFunction => ajv.compile(load(file));
const envelope = compileFile("JSONRPCMessage.json");
const serverNotification = compileFile("ServerNotification.json");
const serverRequest = compileFile("ServerRequest.json");
const initializeResponse = compileFile("InitializeResponse.json");
const definitions = bundle.definitions as Record<string, unknown>;
const responseValidators = new Map<string, ValidateFunction>();

/** `thread/name/set` → `ThreadSetNameResponse` style names, with the irregular ones spelled out. */
const RESPONSE_NAMES: Record<string, string> = {
  "thread/name/set": "ThreadSetNameResponse",
  "thread/loaded/list": "ThreadLoadedListResponse",
  "config/value/write": "ConfigWriteResponse",
  "config/batchWrite": "ConfigWriteResponse",
  "command/exec": "CommandExecResponse",
  "command/exec/write": "CommandExecWriteResponse",
  "command/exec/terminate": "CommandExecTerminateResponse",
};

export function responseSchemaName(method: string): string {
  const known = RESPONSE_NAMES[method];
  if (known) return known;
  const pascal = method
    .split(/[/_]/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join("");
  return `${pascal}Response`;
}

function responseValidator(method: string): ValidateFunction | undefined {
  if (method === "initialize") return initializeResponse;
  const name = responseSchemaName(method);
  if (!(name in definitions)) return undefined;
  let validate = responseValidators.get(name);
  if (!validate) {
    validate = ajv.compile({ $ref: `v2#/definitions/${name}` });
    responseValidators.set(name, validate);
  }
  return validate;
}

const describe = (validate: ValidateFunction): string => ajv.errorsText(validate.errors, { separator: "; " });

/**
 * Returns a list of problems (empty when valid). `methodOfId` maps ids of requests the client
 * sent to their method, so a result can be checked against that method's response schema.
 */
export function validateServerMessage(message: unknown, methodOfId: (id: unknown) => string | undefined): string[] {
  const problems: string[] = [];
  if (!envelope(message)) return [`not a JSON-RPC message: ${describe(envelope)}`];
  const m = message as Record<string, unknown>;
  if ("jsonrpc" in m) problems.push("Codex never writes a `jsonrpc` field");
  const method = typeof m.method === "string" ? m.method : undefined;
  if (method !== undefined) {
    if (m.id !== undefined) {
      if (!serverRequest(m)) problems.push(`server request ${method}: ${describe(serverRequest)}`);
    } else if (!serverNotification(m)) {
      problems.push(`notification ${method}: ${describe(serverNotification)}`);
    }
    return problems;
  }
  if ("result" in m) {
    const method = methodOfId(m.id);
    if (!method) {
      problems.push(`response to an id the client never used: ${JSON.stringify(m.id)}`);
      return problems;
    }
    const validate = responseValidator(method);
    if (!validate) problems.push(`no response schema for ${method}`);
    else if (!validate(m.result)) problems.push(`response to ${method}: ${describe(validate)}`);
  }
  return problems;
}
