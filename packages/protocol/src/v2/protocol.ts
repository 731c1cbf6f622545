import * as z from "zod";
import { JSONRPCErrorCode, type JSONRPCErrorError, RequestId, describeZodError } from "../jsonrpc.js";
import { named } from "./common.js";
import {
  generatedClientRequestMethods,
  generatedServerNotificationMethods,
  generatedServerRequestMethods,
} from "./generated/methods.js";
import {
  type MethodSpec,
  handwrittenClientRequestMethods,
  handwrittenServerNotificationMethods,
  handwrittenServerRequestMethods,
} from "./tables.js";

/**
 * The method tables of app-server v2 and the unions built from them.
 *
 * `clientRequestMethods[method]` gives `{ params, response }` for every client → server request;
 * `serverRequestMethods[method]` the same for server → client requests; `serverNotificationMethods`
 * maps a notification method to its params schema. The app-server dispatches on these. Each table
 * is the hand-written one (./tables.ts) plus the generated rest (./generated, from the official
 * schema by ./codegen), so together they cover every method of the official 0.169 schema.
 */

export const clientRequestMethods = { ...handwrittenClientRequestMethods, ...generatedClientRequestMethods };
export type ClientRequestMethod = keyof typeof clientRequestMethods;

export const serverRequestMethods = { ...handwrittenServerRequestMethods, ...generatedServerRequestMethods };
export type ServerRequestMethod = keyof typeof serverRequestMethods;

export const serverNotificationMethods = {
  ...handwrittenServerNotificationMethods,
  ...generatedServerNotificationMethods,
};
export type ServerNotificationMethod = keyof typeof serverNotificationMethods;

export const clientNotificationMethods = { initialized: null } as const;
export type ClientNotificationMethod = keyof typeof clientNotificationMethods;

/* ---------------------------------------------------------------- unions */

// The three big unions are built on first use (`z.lazy`): ~200 method objects that most importers of
// this package never parse with, ~12 ms of CPU at import.

type RequestShape<M extends string, P extends z.ZodType> = z.ZodObject<
  { id: typeof RequestId; method: z.ZodLiteral<M>; params: P },
  z.core.$strip
>;
type NotificationShape<M extends string, P extends z.ZodType> = z.ZodObject<
  { method: z.ZodLiteral<M>; params: P },
  z.core.$strip
>;

function requestUnion<Map extends Record<string, MethodSpec>>(table: Map) {
  type Variant = { [K in keyof Map & string]: RequestShape<K, Map[K]["params"]> }[keyof Map & string];
  const options = Object.entries(table).map(([method, entry]) =>
    z.object({ id: RequestId, method: z.literal(method), params: entry.params }),
  );
  return z.discriminatedUnion("method", options as unknown as [Variant, ...Variant[]]);
}

function notificationUnion<Map extends Record<string, z.ZodType>>(table: Map) {
  type Variant = { [K in keyof Map & string]: NotificationShape<K, Map[K]> }[keyof Map & string];
  const options = Object.entries(table).map(([method, params]) =>
    z.object({ method: z.literal(method), params }),
  );
  return z.discriminatedUnion("method", options as unknown as [Variant, ...Variant[]]);
}

/** Every client → server request, discriminated on `method`. */
export const ClientRequest = named("ClientRequest", z.lazy(() => requestUnion(clientRequestMethods)));
export type ClientRequest = z.infer<typeof ClientRequest>;

/** Every server → client request, discriminated on `method`. */
export const ServerRequest = named("ServerRequest", z.lazy(() => requestUnion(serverRequestMethods)));
export type ServerRequest = z.infer<typeof ServerRequest>;

/** Every server → client notification, discriminated on `method`. */
export const ServerNotification = named(
  "ServerNotification",
  z.lazy(() => notificationUnion(serverNotificationMethods)),
);
export type ServerNotification = z.infer<typeof ServerNotification>;

export const ClientNotification = named(
  "ClientNotification",
  z.discriminatedUnion("method", [z.object({ method: z.literal("initialized") })]),
);
export type ClientNotification = z.infer<typeof ClientNotification>;

export type ClientRequestParams<M extends ClientRequestMethod> = z.output<
  (typeof clientRequestMethods)[M]["params"]
>;
export type ClientRequestResponse<M extends ClientRequestMethod> = z.output<
  (typeof clientRequestMethods)[M]["response"]
>;
export type ServerRequestParams<M extends ServerRequestMethod> = z.output<
  (typeof serverRequestMethods)[M]["params"]
>;
export type ServerRequestResponse<M extends ServerRequestMethod> = z.output<
  (typeof serverRequestMethods)[M]["response"]
>;
export type ServerNotificationParams<M extends ServerNotificationMethod> = z.output<
  (typeof serverNotificationMethods)[M]
>;

export function isClientRequestMethod(method: string): method is ClientRequestMethod {
  return Object.hasOwn(clientRequestMethods, method);
}
export function isServerRequestMethod(method: string): method is ServerRequestMethod {
  return Object.hasOwn(serverRequestMethods, method);
}
export function isServerNotificationMethod(method: string): method is ServerNotificationMethod {
  return Object.hasOwn(serverNotificationMethods, method);
}

/**
 * Reads a client request (already framed as JSON-RPC) into a typed `ClientRequest`, or the JSON-RPC
 * error the server should answer with: -32601 for an unknown method, -32602 naming the bad path.
 * Never throws.
 */
export function parseClientRequest(
  value: unknown,
): { ok: true; request: ClientRequest } | { ok: false; error: JSONRPCErrorError } {
  const method =
    typeof value === "object" && value !== null ? (value as { method?: unknown }).method : undefined;
  if (typeof method === "string" && !isClientRequestMethod(method)) {
    return {
      ok: false,
      error: { code: JSONRPCErrorCode.MethodNotFound, message: `unknown method: ${method}` },
    };
  }
  const parsed = ClientRequest.safeParse(value);
  if (parsed.success) return { ok: true, request: parsed.data };
  return {
    ok: false,
    error: {
      code: JSONRPCErrorCode.InvalidParams,
      message: `invalid request: ${describeZodError(parsed.error)}`,
    },
  };
}
