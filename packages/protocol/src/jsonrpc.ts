import * as z from "zod";

/**
 * JSON-RPC 2.0 framing as Codex uses it: the `jsonrpc` field is optional on input and
 * never required, ids are strings or integers, errors are `{code, message, data?}`.
 */
export const RequestId = z.union([z.string(), z.number().int()]);
export type RequestId = z.infer<typeof RequestId>;

export const JSONRPCErrorError = z.object({
  code: z.number().int(),
  message: z.string(),
  data: z.unknown().optional(),
});
export type JSONRPCErrorError = z.infer<typeof JSONRPCErrorError>;

export const JSONRPCRequest = z.object({
  jsonrpc: z.literal("2.0").optional(),
  id: RequestId,
  method: z.string(),
  params: z.unknown().optional(),
});
export type JSONRPCRequest = z.infer<typeof JSONRPCRequest>;

export const JSONRPCNotification = z.object({
  jsonrpc: z.literal("2.0").optional(),
  method: z.string(),
  params: z.unknown().optional(),
});
export type JSONRPCNotification = z.infer<typeof JSONRPCNotification>;

export const JSONRPCResponse = z.object({
  jsonrpc: z.literal("2.0").optional(),
  id: RequestId,
  result: z.unknown(),
});
export type JSONRPCResponse = z.infer<typeof JSONRPCResponse>;

export const JSONRPCError = z.object({
  jsonrpc: z.literal("2.0").optional(),
  id: RequestId,
  error: JSONRPCErrorError,
});
export type JSONRPCError = z.infer<typeof JSONRPCError>;

/**
 * Any one line of the stream. The order matters: a request has `id` and `method`,
 * a notification `method` only, a response `id` and `result`, an error `id` and `error`.
 */
export const JSONRPCMessage = z.union([JSONRPCRequest, JSONRPCNotification, JSONRPCResponse, JSONRPCError]);
export type JSONRPCMessage = z.infer<typeof JSONRPCMessage>;

/** Standard JSON-RPC error codes, as the Codex app-server uses them. */
export const JSONRPCErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
} as const;

export type ClassifiedMessage =
  | { kind: "request"; message: JSONRPCRequest }
  | { kind: "notification"; message: JSONRPCNotification }
  | { kind: "response"; message: JSONRPCResponse }
  | { kind: "error"; message: JSONRPCError };

/**
 * Sorts a parsed JSON value into one of the four message kinds, or returns a readable reason.
 * Never throws.
 */
export function classifyMessage(value: unknown): ClassifiedMessage | { kind: "invalid"; reason: string } {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    return { kind: "invalid", reason: "a JSON-RPC message must be a JSON object" };
  }
  const record = value as Record<string, unknown>;
  if ("method" in record) {
    if ("id" in record) {
      const parsed = JSONRPCRequest.safeParse(record);
      return parsed.success
        ? { kind: "request", message: parsed.data }
        : { kind: "invalid", reason: describeZodError(parsed.error) };
    }
    const parsed = JSONRPCNotification.safeParse(record);
    return parsed.success
      ? { kind: "notification", message: parsed.data }
      : { kind: "invalid", reason: describeZodError(parsed.error) };
  }
  if ("error" in record) {
    const parsed = JSONRPCError.safeParse(record);
    return parsed.success
      ? { kind: "error", message: parsed.data }
      : { kind: "invalid", reason: describeZodError(parsed.error) };
  }
  if ("result" in record) {
    const parsed = JSONRPCResponse.safeParse(record);
    return parsed.success
      ? { kind: "response", message: parsed.data }
      : { kind: "invalid", reason: describeZodError(parsed.error) };
  }
  return { kind: "invalid", reason: "a JSON-RPC message needs `method`, `result` or `error`" };
}

/** One line naming every failing path, e.g. `params.cwd: expected string, received number`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const where = issue.path.length > 0 ? issue.path.map(String).join(".") : "(root)";
      return `${where}: ${issue.message}`;
    })
    .join("; ");
}
