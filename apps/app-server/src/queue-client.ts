/**
 * A JSON-RPC client of a running app-server (`codex-ts queue --remote`, the local daemon's control
 * socket): `ws://`/`wss://` addresses, or `unix://PATH` (WebSocket over a unix socket).
 */
export class AppServerClient {
  #next = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readonly #listeners = new Set<(method: string, params: unknown) => void>();

  private constructor(private readonly socket: import("ws").WebSocket) {
    socket.on("message", (data) => {
      let msg: { id?: unknown; method?: unknown; params?: unknown; result?: unknown; error?: { message?: string; code?: number } };
      try {
        msg = JSON.parse(data.toString());
      } catch {
        return;
      }
      if (typeof msg.method === "string" && msg.id === undefined) {
        for (const listener of this.#listeners) listener(msg.method, msg.params);
        return;
      }
      if (typeof msg.id !== "number" || !this.#pending.has(msg.id)) return;
      const waiter = this.#pending.get(msg.id)!;
      this.#pending.delete(msg.id);
      if (msg.error) waiter.reject(new RemoteRpcError(msg.error.message ?? "request failed", msg.error.code ?? 0));
      else waiter.resolve(msg.result);
    });
    socket.on("close", () => {
      for (const waiter of this.#pending.values()) waiter.reject(new Error("the app server closed the connection"));
      this.#pending.clear();
    });
  }

  /** Connects and completes `initialize` (experimental API on, as Codex's own clients). */
  static async connect(address: string, options: { bearerToken?: string; clientName?: string; version?: string } = {}): Promise<AppServerClient> {
    const { WebSocket } = await import("ws");
    const url = address.startsWith("unix://") ? `ws+unix://${address.slice("unix://".length)}:/` : address;
    const headers: Record<string, string> = options.bearerToken ? { authorization: `Bearer ${options.bearerToken}` } : {};
    const socket = new WebSocket(url, { headers, handshakeTimeout: 10_000 });
    await new Promise<void>((resolve, reject) => {
      socket.once("open", () => resolve());
      socket.once("error", reject);
      socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
    socket.on("error", () => {});
    const client = new AppServerClient(socket);
    await client.request("initialize", {
      clientInfo: { name: options.clientName ?? "codex-ts", version: options.version ?? "0.0.0" },
      capabilities: { experimentalApi: true },
    });
    socket.send(JSON.stringify({ method: "initialized" }));
    return client;
  }

  request(method: string, params: unknown): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }), (error) => {
        if (error) {
          this.#pending.delete(id);
          reject(error);
        }
      });
    });
  }

  /** Calls `listener` for every notification the server sends; returns the unsubscribe function. */
  onNotification(listener: (method: string, params: unknown) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  close(): void {
    this.socket.close();
  }
}

/** A JSON-RPC error answered by the server (`code` -32601: the method does not exist there). */
export class RemoteRpcError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}
