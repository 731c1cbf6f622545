/**
 * The TUI's view of the app-server: v2 requests out (each a promise of its validated response),
 * v2 notifications and server requests in. Every message crossing this seam is checked against
 * protocol's zod schemas; the TUI never sees an unvalidated shape.
 */
import { describeZodError, v2 } from "@codex-ts/protocol";

export type Method = v2.ClientRequestMethod;
export type Params<M extends Method> = v2.ClientRequestParams<M>;
export type Result<M extends Method> = v2.ClientRequestResponse<M>;

/** A JSON-RPC error answered by the server, or a broken connection. */
export class ClientError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
    this.name = "ClientError";
  }
}

/** The outcome the TUI gives a server request: a result, or a JSON-RPC error. */
export type ServerRequestAnswer = { result: unknown } | { error: { code: number; message: string } };
export type ServerRequestHandler = (request: v2.ServerRequest) => Promise<ServerRequestAnswer>;

export interface AppClient {
  request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  /** Subscribes to server notifications; returns the unsubscribe function. */
  onNotification(listener: (notification: v2.ServerNotification) => void): () => void;
  /** The one handler of server → client requests (approvals, user input, elicitations). */
  onServerRequest(handler: ServerRequestHandler): void;
  /** Ends the connection and waits for the server to shut down (rollouts flushed). */
  close(): Promise<void>;
}

interface Pending {
  method: Method;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

/** One end of a message link to the app-server (the shape of its in-process `ClientChannel`). */
export interface Link {
  send(message: object): void;
  onMessage(listener: (message: Record<string, unknown>) => void): () => void;
  onClose(listener: () => void): void;
  close(): void;
}

/** An `AppClient` over a message link: matches replies to requests and validates every message. */
export class ChannelClient implements AppClient {
  readonly #link: Link;
  readonly #pending = new Map<number, Pending>();
  readonly #listeners = new Set<(n: v2.ServerNotification) => void>();
  #handler: ServerRequestHandler | undefined;
  #nextId = 1;
  #closed = false;

  /** @param done resolves once the server shut down after `close()` (rollouts flushed) */
  constructor(
    link: Link,
    private readonly done: Promise<unknown> = Promise.resolve(),
  ) {
    this.#link = link;
    link.onMessage((message) => this.#onMessage(message));
    link.onClose(() => this.#fail("the app-server connection closed"));
  }

  request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    if (this.#closed) return Promise.reject(new ClientError("the app-server connection is closed", -32000));
    const id = this.#nextId++;
    return new Promise<Result<M>>((resolve, reject) => {
      this.#pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject });
      this.#send({ id, method, params });
    });
  }

  onNotification(listener: (notification: v2.ServerNotification) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  onServerRequest(handler: ServerRequestHandler): void {
    this.#handler = handler;
  }

  /** Sends the `initialized` notification (after `initialize` answered). */
  notifyInitialized(): void {
    this.#send({ method: "initialized" });
  }

  async close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#link.close();
    }
    await this.done;
  }

  #send(message: object): void {
    try {
      this.#link.send(message);
    } catch (error) {
      this.#fail(error instanceof Error ? error.message : String(error));
    }
  }

  #fail(reason: string): void {
    this.#closed = true;
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(new ClientError(reason, -32000));
    }
  }

  #onMessage(message: Record<string, unknown>): void {
    const { id, method } = message;
    if (typeof method === "string" && (typeof id === "number" || typeof id === "string")) {
      void this.#onServerRequest(id, method, message.params);
    } else if (typeof method === "string") {
      this.#onNotification(method, message.params);
    } else if (typeof id === "number") {
      this.#onResponse(id, message);
    }
  }

  #onResponse(id: number, message: Record<string, unknown>): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    const error = message.error as { code?: number; message?: string } | undefined;
    if (error) {
      pending.reject(new ClientError(error.message ?? "unknown error", error.code ?? -32603));
      return;
    }
    const parsed = v2.clientRequestMethods[pending.method].response.safeParse(message.result);
    if (parsed.success) pending.resolve(parsed.data);
    else
      pending.reject(
        new ClientError(`invalid ${pending.method} response: ${describeZodError(parsed.error)}`, -32603),
      );
  }

  #onNotification(method: string, params: unknown): void {
    if (!v2.isServerNotificationMethod(method)) return;
    const parsed = v2.serverNotificationMethods[method].safeParse(params ?? {});
    if (!parsed.success) return;
    const notification = { method, params: parsed.data } as v2.ServerNotification;
    for (const listener of this.#listeners) listener(notification);
  }

  async #onServerRequest(id: number | string, method: string, params: unknown): Promise<void> {
    const reply = (answer: ServerRequestAnswer) => this.#send({ id, ...answer });
    if (!v2.isServerRequestMethod(method)) {
      reply({ error: { code: -32601, message: `method not found: ${method}` } });
      return;
    }
    const parsed = v2.serverRequestMethods[method].params.safeParse(params ?? {});
    if (!parsed.success) {
      reply({
        error: { code: -32602, message: `invalid params for ${method}: ${describeZodError(parsed.error)}` },
      });
      return;
    }
    if (!this.#handler) {
      reply({ error: { code: -32601, message: `${method} is not handled by this client` } });
      return;
    }
    try {
      reply(await this.#handler({ id, method, params: parsed.data } as v2.ServerRequest));
    } catch (error) {
      reply({ error: { code: -32603, message: error instanceof Error ? error.message : String(error) } });
    }
  }
}
