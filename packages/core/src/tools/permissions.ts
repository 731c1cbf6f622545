/**
 * `request_permissions`: the model asks for additional sandbox permissions (filesystem paths,
 * network) with a reason; the client grants all, part or none of it, for the turn or the session.
 * Also the helpers commands use for their inline `with_additional_permissions` requests.
 */
import {
  AdditionalPermissionProfile,
  intersectAdditionalPermissions,
  materializeAdditionalPermissions,
} from "@codex-ts/protocol";
import * as z from "zod";
import { parseArguments } from "./args.js";
import type { FunctionToolSpec, JsonSchema, ToolContext, ToolHandler } from "./types.js";

/** JSON schema of a permissions request, as the model writes it (Codex's read/write lists). */
export const permissionsParameterSchema: JsonSchema = {
  type: "object",
  description: "The additional permissions needed.",
  properties: {
    network: {
      type: "object",
      description: "Network access for sandboxed commands.",
      properties: { enabled: { type: "boolean" } },
      additionalProperties: false,
    },
    file_system: {
      type: "object",
      description: "Filesystem paths to read or write (absolute, or relative to the working directory).",
      properties: {
        read: { type: "array", items: { type: "string" } },
        write: { type: "array", items: { type: "string" } },
      },
      additionalProperties: false,
    },
  },
  additionalProperties: false,
};

export function requestPermissionsSpec(): FunctionToolSpec {
  return {
    type: "function",
    name: "request_permissions",
    description:
      "Ask the user for additional sandbox permissions (write or read access to specific paths, network access) " +
      "that later commands need, instead of running them outside the sandbox. Ask only for what the task needs and " +
      "say why in `reason`. The user may grant all, part or none of it; the answer lists what was granted.",
    strict: false,
    parameters: {
      type: "object",
      properties: {
        reason: { type: "string", description: "One sentence: why these permissions are needed." },
        permissions: permissionsParameterSchema,
      },
      required: ["permissions"],
      additionalProperties: false,
    },
  };
}

const RequestPermissionsArgs = z.strictObject({
  reason: z.string().nullish(),
  permissions: AdditionalPermissionProfile,
});

/**
 * True when a profile says nothing: no filesystem entry and no network setting. A network setting
 * is a request either way — `{network: {enabled: false}}` is not empty (as in Codex); it asks the
 * client and, granted, still turns nothing on (grants only ever add).
 */
export function isEmptyPermissions(profile: AdditionalPermissionProfile | null | undefined): boolean {
  return !profile || ((profile.file_system?.entries.length ?? 0) === 0 && profile.network?.enabled == null);
}

/** True when `granted` already covers every entry (and the network) of `requested`. */
export function permissionsCovered(
  requested: AdditionalPermissionProfile,
  granted: AdditionalPermissionProfile | null,
  cwd: string,
): boolean {
  if (!granted) return isEmptyPermissions(requested);
  // What of the request survives intersecting it with the grants: all of it means covered.
  const within = intersectAdditionalPermissions(granted, requested, cwd);
  const wanted = requested.file_system?.entries.length ?? 0;
  const networkOk = requested.network?.enabled !== true || within.network?.enabled === true;
  return networkOk && (within.file_system?.entries.length ?? 0) === wanted;
}

export const PERMISSIONS_DENIED_MESSAGE = "permissions request denied by the user: nothing was granted";

/** Ask through the session; without the seam nothing can be granted. */
export async function askPermissions(
  ctx: ToolContext,
  callId: string,
  permissions: AdditionalPermissionProfile,
  cwd: string,
  reason: string | undefined,
) {
  if (!ctx.requestPermissions) {
    return { ok: false as const, message: "permissions requests are not available in this session" };
  }
  return ctx.requestPermissions({
    callId,
    turnId: ctx.turnId,
    ...(reason ? { reason } : {}),
    permissions: materializeAdditionalPermissions(permissions, cwd),
    cwd,
  });
}

export function requestPermissionsHandler(): ToolHandler {
  return {
    spec: requestPermissionsSpec(),
    async handle(call, ctx) {
      const args = parseArguments(call, RequestPermissionsArgs);
      if (!args.ok) return { output: args.error, success: false };
      const { permissions, reason } = args.value;
      if (isEmptyPermissions(permissions)) {
        return {
          output: "request_permissions needs at least one permission: file_system read/write paths or a network setting",
          success: false,
        };
      }
      const outcome = await askPermissions(ctx, call.callId, permissions, ctx.cwd, reason ?? undefined);
      if (!outcome.ok) return { output: outcome.message, success: false };
      return { output: JSON.stringify({ permissions: outcome.granted, scope: outcome.scope }), success: true };
    },
  };
}
