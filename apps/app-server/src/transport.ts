import {
  type JSONRPCNotification,
  type JSONRPCRequest,
  type RequestId,
  classifyMessage,
} from "@codex-ts/protocol";
import type { Channel } from "./channel.js";
import { ErrorCode, RpcError, errorMessage } from "./errors.js";
import type { Logger } from "./log.js";

/** What the transport hands to the server for each incoming request or notification. */
export interface MessageHandler {
  onRequest(request: JSONRPCRequest): Promise<unknown>;
  /**
   * Requests are handled one at a time in arrival order, so responses keep the order of the
   * requests; a method for which this returns true runs in the background instead (long work
   * such as `command/exec`), letting later requests proceed.
   */
  runsConcurrently?(method: string): boolean;
  /** Called right after the response (or error) to `request` was written. */
  onResponded?(request: JSONRPCRequest): void;
  onNotification(notification: JSONRPCNotification): void;
}

interface PendingRequest {
  method: string;
  resolve: (value: ServerRequestOutcome) => void;
}

/** How the client answered one of our server requests. */
export type ServerRequestOutcome =
  | { kind: "result"; result: unknown }
  | { kind: "error"; error: { code: number; message: string; data?: unknown } }
  | { kind: "closed" };

/** Largest message we try to parse; longer ones are dropped. */
const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * JSON-RPC over a channel, as the Codex app-server speaks it: one JSON object per message, no
 * `jsonrpc` field required on input, none written on output; notifications carry `emittedAtMs`.
 * Only protocol messages ever go to the channel; diagnostics go to the logger.
 */
export class JsonRpcConnection {
  readonly #channel: Channel;
  readonly #log: Logger;
  readonly #pending = new Map<RequestId, PendingRequest>();
  readonly #inFlight = new Set<Promise<void>>();
  #nextId = 0;
  /** Serializes request handling (see MessageHandler.runsConcurrently). */
  #queue: Promise<void> = Promise.resolve();
  #closed = false;
  readonly #closedPromise: Promise<void>;

  constructor(channel: Channel, handler: MessageHandler, log: Logger) {
    this.#channel = channel;
    this.#log = log;
    this.#closedPromise = new Promise((resolve) => {
      channel.start({
        message: (text) => this.#onLine(text, handler),
        close: () => {
          if (this.#closed) return;
          this.#closed = true;
          for (const [id, pending] of this.#pending) {
            this.#pending.delete(id);
            pending.resolve({ kind: "closed" });
          }
          resolve();
        },
      });
    });
  }

  /** Resolves when the client disconnected (EOF on stdin, a closed socket). */
  get closed(): Promise<void> {
    return this.#closedPromise;
  }

  get isClosed(): boolean {
    return this.#closed;
  }

  /** Waits for every request handler that is still running. */
  async drain(): Promise<void> {
    await this.#queue;
    while (this.#inFlight.size > 0) await Promise.allSettled([...this.#inFlight]);
  }

  sendNotification(method: string, params?: unknown): void {
    const emittedAtMs = Date.now();
    this.#write(params === undefined ? { method, emittedAtMs } : { method, params, emittedAtMs });
  }

  /**
   * Sends a server→client request and waits for the client's response (or disconnect). `id`
   * defaults to this connection's own counter; a request fanned out to several connections passes
   * one id for all of them.
   */
  sendRequest(method: string, params: unknown, id: RequestId = this.#nextId++): { id: RequestId; outcome: Promise<ServerRequestOutcome> } {
    if (this.#closed) return { id, outcome: Promise.resolve({ kind: "closed" }) };
    const outcome = new Promise<ServerRequestOutcome>((resolve) => {
      this.#pending.set(id, { method, resolve });
    });
    this.#write({ id, method, params });
    return { id, outcome };
  }

  /** Forgets a pending server request (e.g. resolved by an interrupt); a later client answer is ignored. */
  cancelRequest(id: RequestId): void {
    const pending = this.#pending.get(id);
    if (pending) {
      this.#pending.delete(id);
      pending.resolve({ kind: "closed" });
    }
  }

  /** Flushes everything written so far to the channel. */
  flush(): Promise<void> {
    return this.#channel.flush();
  }

  /** Closes the connection from our side. */
  close(): void {
    this.#channel.close();
  }

  #write(message: object): void {
    let line: string;
    try {
      line = JSON.stringify(message);
    } catch (error) {
      this.#log.error(`cannot serialize outgoing message: ${errorMessage(error)}`);
      return;
    }
    this.#channel.send(line);
  }

  #onLine(raw: string, handler: MessageHandler): void {
    const line = raw.trim();
    if (line.length === 0) return;
    if (line.length > MAX_LINE_BYTES) {
      this.#log.warn(`dropping an oversized line (${line.length} chars)`);
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const id = recoverId(line);
      if (id === undefined) {
        this.#log.warn(`ignoring a line that is not JSON: ${errorMessage(error)}`);
      } else {
        const reply = new RpcError(ErrorCode.ParseError, `Parse error: ${errorMessage(error)}`);
        this.#enqueue(() => this.#sendError(id, reply));
      }
      return;
    }
    const classified = classifyMessage(value);
    switch (classified.kind) {
      case "request": {
        const request = classified.message;
        const concurrent = handler.runsConcurrently?.(request.method) ?? false;
        this.#enqueue(() => {
          const task = this.#runRequest(request, handler);
          this.#inFlight.add(task);
          void task.finally(() => this.#inFlight.delete(task));
          return concurrent ? undefined : task;
        });
        return;
      }
      case "notification": {
        const notification = classified.message;
        this.#enqueue(() => {
          try {
            handler.onNotification(notification);
          } catch (error) {
            this.#log.error(`notification ${notification.method} failed: ${errorMessage(error)}`);
          }
        });
        return;
      }
      case "response":
        this.#settle(classified.message.id, { kind: "result", result: classified.message.result });
        return;
      case "error":
        this.#settle(classified.message.id, { kind: "error", error: classified.message.error });
        return;
      case "invalid": {
        const id = validId(value);
        if (id === undefined) {
          this.#log.warn(`ignoring an invalid message without a usable id: ${classified.reason}`);
        } else {
          const reply = new RpcError(ErrorCode.InvalidRequest, `Invalid request: ${classified.reason}`);
          this.#enqueue(() => this.#sendError(id, reply));
        }
        return;
      }
    }
  }

  #enqueue(step: () => Promise<void> | void): void {
    this.#queue = this.#queue.then(step).catch((error: unknown) => {
      this.#log.error(`message handling failed: ${errorMessage(error)}`);
    });
  }

  async #runRequest(request: JSONRPCRequest, handler: MessageHandler): Promise<void> {
    try {
      const result = await handler.onRequest(request);
      this.#write({ id: request.id, result: result ?? {} });
    } catch (error) {
      if (error instanceof RpcError) {
        this.#sendError(request.id, error);
      } else {
        this.#log.error(`request ${request.method} failed: ${errorMessage(error)}`);
        this.#sendError(request.id, new RpcError(ErrorCode.InternalError, errorMessage(error)));
      }
    }
    try {
      handler.onResponded?.(request);
    } catch (error) {
      this.#log.error(`after-response step of ${request.method} failed: ${errorMessage(error)}`);
    }
  }

  #settle(id: RequestId, outcome: ServerRequestOutcome): void {
    const pending = this.#pending.get(id);
    if (!pending) {
      this.#log.warn(`ignoring a response to unknown server request id ${JSON.stringify(id)}`);
      return;
    }
    this.#pending.delete(id);
    pending.resolve(outcome);
  }

  #sendError(id: RequestId, error: RpcError): void {
    this.#write({ id, error: error.toWire() });
  }
}

function isRequestId(value: unknown): value is RequestId {
  return typeof value === "string" || (typeof value === "number" && Number.isSafeInteger(value));
}

/** The `id` of a parsed-but-invalid message, when it is one we can answer. */
function validId(value: unknown): RequestId | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const id = (value as Record<string, unknown>).id;
  return isRequestId(id) ? id : undefined;
}

/** Best-effort: find a top-level-looking `"id": <int|string>` in a line that failed to parse. */
function recoverId(line: string): RequestId | undefined {
  const match = /^\s*\{\s*"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")\s*[,}]/.exec(line);
  if (!match?.[1]) return undefined;
  try {
    const id: unknown = JSON.parse(match[1]);
    return isRequestId(id) ? id : undefined;
  } catch {
    return undefined;
  }
}
