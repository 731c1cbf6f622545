/**
 * The `initialize` answer, kept free of the server's module graph (node builtins only) so that the
 * process front (`early-initialize.ts`) can answer a client's handshake before the server bundle
 * has loaded, with exactly the result the server computes (`server.ts` uses the same functions).
 */
import os from "node:os";
import path from "node:path";

export const SERVER_NAME = "codex_ts_app_server";
// The Codex release whose protocol this server implements: clients gate features on it (>= 0.153).
// The CLI reports the same (apps/cli/src/version.ts; its tests check both agree).
export const SERVER_VERSION = "0.169.0";

/** Resolves `codexHome` the way Codex does: explicit, else `$CODEX_HOME`, else `~/.codex`. */
export function resolveCodexHome(env: Record<string, string | undefined>, explicit?: string): string {
  const chosen = explicit ?? env.CODEX_HOME ?? path.join(os.homedir(), ".codex");
  return path.resolve(chosen);
}

export function platformOs(): string {
  switch (process.platform) {
    case "darwin":
      return "macos";
    case "win32":
      return "windows";
    default:
      return process.platform;
  }
}

/** `originator/version (OS release; arch) (client; version)`, the shape Codex presents upstream. */
export function userAgent(clientName: string, clientVersion: string): string {
  const sanitize = (s: string) => s.replace(/[^\x20-\x7e]/g, "_");
  return sanitize(
    `${SERVER_NAME}/${SERVER_VERSION} (${os.type()} ${os.release()}; ${os.arch()}) (${clientName}; ${clientVersion})`,
  );
}

/** The `initialize` result for a client (`InitializeResponse`). */
export function initializeResult(
  clientInfo: { name: string; version: string },
  codexHome: string,
): { userAgent: string; codexHome: string; platformFamily: string; platformOs: string } {
  return {
    userAgent: userAgent(clientInfo.name, clientInfo.version),
    codexHome,
    platformFamily: process.platform === "win32" ? "windows" : "unix",
    platformOs: platformOs(),
  };
}

const CAPABILITY_FLAGS = new Set([
  "experimentalApi",
  "explicitGatewayOauth",
  "mcpServerOpenaiFormElicitation",
  "requestAttestation",
  "requiredHumanApproval",
]);

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const optionalString = (v: unknown) => v === undefined || v === null || typeof v === "string";

/**
 * The client info of `initialize` params in their common shape, or undefined for anything else.
 * Deliberately narrower than the protocol's `InitializeParams` (unknown keys, `extensions` and
 * any doubtful value are left to the server, which validates with the schema): whatever this
 * accepts, the schema accepts with the same client info (`handshake.test.ts` checks it).
 */
export function commonInitializeParams(params: unknown): { name: string; version: string } | undefined {
  if (!isRecord(params)) return undefined;
  for (const key of Object.keys(params)) if (key !== "clientInfo" && key !== "capabilities") return undefined;
  const { clientInfo, capabilities } = params;
  if (!isRecord(clientInfo)) return undefined;
  for (const key of Object.keys(clientInfo))
    if (key !== "name" && key !== "title" && key !== "version") return undefined;
  if (typeof clientInfo.name !== "string" || typeof clientInfo.version !== "string") return undefined;
  if (!optionalString(clientInfo.title)) return undefined;
  if (capabilities !== undefined && capabilities !== null) {
    if (!isRecord(capabilities)) return undefined;
    for (const [key, value] of Object.entries(capabilities)) {
      if (value === undefined || value === null) continue;
      if (CAPABILITY_FLAGS.has(key)) {
        if (typeof value !== "boolean") return undefined;
      } else if (key === "optOutNotificationMethods") {
        if (!Array.isArray(value) || !value.every((m) => typeof m === "string")) return undefined;
      } else return undefined;
    }
  }
  return { name: clientInfo.name, version: clientInfo.version };
}
