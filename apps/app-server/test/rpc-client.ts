/**
 * A JSON-RPC client for tests, whatever carries its messages (a subprocess's stdio, a WebSocket,
 * a unix socket): requests with typed responses, waiting for notifications and server requests,
 * and a schema check of every message received (see schema.ts).
 */
import type { RequestId, v2 } from "@codex-ts/protocol";
import { validateServerMessage } from "./schema.js";

export type Message = Record<string, any>;
/** A notification the server sent, typed by its method. */
export interface Notification<M extends v2.ServerNotificationMethod = v2.ServerNotificationMethod> {
  method: M;
  params: v2.ServerNotificationParams<M>;
}
/** A request the server sent the client, typed by its method. */
export interface ServerRequestMessage<M extends v2.ServerRequestMethod = v2.ServerRequestMethod> {
  id: RequestId;
  method: M;
  params: v2.ServerRequestParams<M>;
}
export interface RpcError {
  code: number;
  message: string;
  data?: unknown;
}
/** A response: `result` typed by the method when it is a known one. */
export interface RpcResult<R = unknown> {
  result?: R;
  error?: RpcError;
}
type ResponseOf<M extends string> = M extends v2.ClientRequestMethod ? v2.ClientRequestResponse<M> : unknown;

export const DEFAULT_TIMEOUT = 30_000;

export abstract class RpcClient {
  /** Every message received, in order. */
  readonly messages: Message[] = [];
  readonly schemaProblems: string[] = [];
  readonly nonProtocolLines: string[] = [];
  readonly #methodOfId = new Map<unknown, string>();
  readonly #waiters = new Set<() => void>();
  #nextId = 1000;
  /** Answers server requests automatically when set; otherwise they wait for `respond`. */
  autoRespond: ((request: Message) => unknown) | undefined;

  /** Writes one message text to the server. */
  protected abstract write(text: string): void;
  /** Why no more messages can come (the server exited, the socket closed), else undefined. */
  protected abstract gone(): string | undefined;
  /** Extra context for timeout errors (e.g. stderr). */
  protected diagnostics(): string {
    return "";
  }

  /** Feeds one received message text (a line, a frame). */
  protected receive(text: string): void {
    let message: Message;
    try {
      message = JSON.parse(text) as Message;
    } catch {
      this.nonProtocolLines.push(text);
      return;
    }
    const problems = validateServerMessage(message, (id) => this.#methodOfId.get(id));
    for (const problem of problems) this.schemaProblems.push(`${problem}\n  in ${text.slice(0, 2000)}`);
    this.messages.push(message);
    if (typeof message.method === "string" && "id" in message && this.autoRespond) {
      const answer = this.autoRespond(message);
      if (answer !== undefined) this.respond(message.id, answer);
    }
    this.wake();
  }

  /** Re-checks every waiter (after a message, or when the peer went away). */
  protected wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  /** Tells the validator which method an id sent through `sendRaw` belongs to. */
  trackRequest(id: unknown, method: string): void {
    this.#methodOfId.set(id, method);
  }

  sendRaw(text: string): void {
    this.write(text);
  }

  send(message: object): void {
    const m = message as Message;
    if ("id" in m && typeof m.method === "string") this.#methodOfId.set(m.id, m.method);
    this.write(JSON.stringify(message));
  }

  /** Sends a request and resolves with its response (result or error). */
  async request<M extends string>(method: M, params?: unknown, timeoutMs = DEFAULT_TIMEOUT): Promise<RpcResult<ResponseOf<M>>> {
    const id = this.#nextId++;
    this.#methodOfId.set(id, method);
    this.send(params === undefined ? { id, method } : { id, method, params });
    const response = await this.waitFor((m) => m.id === id && !("method" in m), timeoutMs, `response to ${method}`);
    return response.error ? { error: response.error } : { result: response.result };
  }

  /** Like `request` but fails on an error response. */
  async call<M extends v2.ClientRequestMethod>(method: M, params?: unknown, timeoutMs = DEFAULT_TIMEOUT): Promise<v2.ClientRequestResponse<M>> {
    const response = await this.request(method, params, timeoutMs);
    if (response.error) throw new Error(`${method} failed: ${JSON.stringify(response.error)}`);
    return response.result as v2.ClientRequestResponse<M>;
  }

  notify(method: string, params?: unknown): void {
    this.send(params === undefined ? { method } : { method, params });
  }

  respond(id: unknown, result: unknown): void {
    this.send({ id, result });
  }

  respondError(id: unknown, code: number, message: string): void {
    this.send({ id, error: { code, message } });
  }

  async initialize(capabilities: Record<string, unknown> = { experimentalApi: true }): Promise<v2.InitializeResponse> {
    const result = await this.call("initialize", {
      clientInfo: { name: "codex_ts_tests", title: "tests", version: "0.0.1" },
      capabilities,
    });
    this.notify("initialized");
    return result;
  }

  /** Waits for the first message (after index `from`) matching `predicate`. */
  waitFor(predicate: (m: Message) => boolean, timeoutMs = DEFAULT_TIMEOUT, what = "a message", from = 0): Promise<Message> {
    return new Promise((resolve, reject) => {
      let scanned = from;
      const check = () => {
        for (; scanned < this.messages.length; scanned++) {
          const m = this.messages[scanned] as Message;
          if (predicate(m)) {
            cleanup();
            resolve(m);
            return;
          }
        }
        const gone = this.gone();
        if (gone !== undefined) {
          cleanup();
          reject(new Error(`${gone} while waiting for ${what}; ${this.diagnostics()}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for ${what}; last messages:\n${this.tail()}\n${this.diagnostics()}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Waits for a notification; typed by v2 for the methods its table knows, loose for the others. */
  waitForNotification<M extends v2.ServerNotificationMethod>(
    method: M,
    predicate?: (params: v2.ServerNotificationParams<M>) => boolean,
    timeoutMs?: number,
    from?: number,
  ): Promise<Notification<M>>;
  waitForNotification(method: string, predicate?: (params: Message) => boolean, timeoutMs?: number, from?: number): Promise<Message>;
  waitForNotification(
    method: string,
    predicate: (params: Message) => boolean = () => true,
    timeoutMs?: number,
    from = 0,
  ): Promise<Message> {
    return this.waitFor((m) => isNotification(m, method) && predicate(m.params), timeoutMs, `notification ${method}`, from);
  }

  async waitForServerRequest<M extends v2.ServerRequestMethod>(method: M, timeoutMs?: number, from = 0): Promise<ServerRequestMessage<M>> {
    const found = await this.waitFor((m) => m.method === method && "id" in m, timeoutMs, `server request ${method}`, from);
    return found as ServerRequestMessage<M>;
  }

  /** The notifications received so far (of one method when given), loosely typed so tests can pick item variants. */
  notifications(method?: string): Message[] {
    return this.messages.filter((m) => isNotification(m, method));
  }

  tail(n = 15): string {
    return this.messages.slice(-n).map((m) => JSON.stringify(m).slice(0, 600)).join("\n");
  }

  /** Throws if any received message violated the schema or was not JSON. */
  assertClean(): void {
    const issues = [...this.schemaProblems, ...this.nonProtocolLines.map((l) => `non-protocol stdout line: ${l}`)];
    if (issues.length > 0) throw new Error(`app-server emitted invalid output:\n${issues.slice(0, 20).join("\n")}`);
  }
}

/** A notification (no id) of `method`, or of any method when it is undefined. Shapes are the schema validator's job. */
export function isNotification(m: Message, method: string | undefined): boolean {
  return typeof m.method === "string" && !("id" in m) && (method === undefined || m.method === method);
}
