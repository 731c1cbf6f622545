import { WebSocket } from "ws";
import { RpcClient } from "./rpc-client.js";

/** A test client over a WebSocket: `ws://host:port`, or `unix:///path` (WebSocket over a unix socket). */
export class WsClient extends RpcClient {
  readonly socket: WebSocket;
  #closed = false;
  readonly opened: Promise<void>;

  constructor(url: string, headers: Record<string, string> = {}) {
    super();
    const address = url.startsWith("unix://") ? `ws+unix://${url.slice("unix://".length)}:/` : url;
    this.socket = new WebSocket(address, { headers });
    this.socket.on("message", (data) => this.receive(data.toString()));
    this.socket.on("close", () => {
      this.#closed = true;
      this.wake();
    });
    this.opened = new Promise((resolve, reject) => {
      this.socket.once("open", () => resolve());
      this.socket.once("error", reject);
      this.socket.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  static async connect(url: string, headers?: Record<string, string>): Promise<WsClient> {
    const client = new WsClient(url, headers);
    await client.opened;
    return client;
  }

  protected write(text: string): void {
    this.socket.send(text);
  }

  protected gone(): string | undefined {
    return this.#closed ? "socket closed" : undefined;
  }

  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.socket.once("close", () => resolve());
      this.socket.close();
    });
  }
}
