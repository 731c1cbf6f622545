import { JSONRPCErrorCode } from "@codex-ts/protocol";

/** JSON-RPC error codes this server emits (the standard ones plus Codex's overload code). */
export const ErrorCode = {
  ...JSONRPCErrorCode,
  /** Codex: "Server overloaded; retry later." */
  ServerOverloaded: -32001,
} as const;

/**
 * An error a method handler raises to answer its request with a JSON-RPC error object.
 * It never leaves this package: the dispatcher turns it into `{id, error: {code, message, data}}`.
 */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;

  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = "RpcError";
    this.code = code;
    this.data = data;
  }

  toWire(): { code: number; message: string; data?: unknown } {
    return this.data === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, data: this.data };
  }
}

export const invalidRequest = (message: string, data?: unknown) =>
  new RpcError(ErrorCode.InvalidRequest, message, data);
export const invalidParams = (message: string, data?: unknown) =>
  new RpcError(ErrorCode.InvalidParams, message, data);
export const internalError = (message: string, data?: unknown) =>
  new RpcError(ErrorCode.InternalError, message, data);
export const methodNotFound = (method: string) =>
  new RpcError(ErrorCode.MethodNotFound, `unknown method: ${method}`);
export const threadNotFound = (threadId: string) => invalidRequest(`thread not found: ${threadId}`);

/** A readable one-liner for any thrown value. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === "string" ? error : JSON.stringify(error);
}
