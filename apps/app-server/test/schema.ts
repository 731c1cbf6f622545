/**
 * Validates every message the app-server emits against the official Codex app-server JSON Schema
 * (shipped by `@codex-ts/protocol`, `official-schema/0.169.0/`), through `@codex-ts/protocol`'s
 * `v2.createOfficialSchemaValidator`, plus the framing rules a Codex client relies on.
 * Shared by all app-server tests.
 */
import { v2 } from "@codex-ts/protocol";

export const SCHEMA_DIR = v2.officialSchemaDir();

const validator = v2.createOfficialSchemaValidator(SCHEMA_DIR);

/** The official response definition for a method (what `createOfficialSchemaValidator` checks against). */
export function responseSchemaName(method: string): string | undefined {
  const result = validator.validateMessage({ id: 0, result: null }, { responseTo: method });
  return result.definition ?? undefined;
}

/**
 * Returns a list of problems (empty when valid). `methodOfId` maps ids of requests the client
 * sent to their method, so a result can be checked against that method's response schema.
 */
export function validateServerMessage(message: unknown, methodOfId: (id: unknown) => string | undefined): string[] {
  if (typeof message !== "object" || message === null || Array.isArray(message)) return ["not a JSON object"];
  const m = message as Record<string, unknown>;
  const problems: string[] = [];
  if ("jsonrpc" in m) problems.push("Codex never writes a `jsonrpc` field");
  const isRequest = typeof m.method === "string" && "id" in m;
  if (isRequest && !v2.isServerRequestMethod(m.method as string)) problems.push(`${String(m.method)} is not a server request`);
  let responseTo: string | undefined;
  if (typeof m.method !== "string" && "result" in m) {
    responseTo = methodOfId(m.id);
    if (!responseTo) return [...problems, `response to an id the client never used: ${JSON.stringify(m.id)}`];
  }
  const result = validator.validateMessage(message, responseTo ? { responseTo } : {});
  if (!result.valid) problems.push(`${result.definition ?? "message"}: ${result.errors}`);
  else if (result.definition === null) problems.push(`unchecked: ${result.unchecked}`);
  return problems;
}
