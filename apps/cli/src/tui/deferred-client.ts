import type { v2 } from "@codex-ts/protocol";
import type { AppClient, Method, Params, Result, ServerRequestHandler } from "./client.js";

/**
 * An `AppClient` usable before the app-server is loaded: requests wait until `attach` hands over
 * the real client, subscriptions are passed on then. It lets the screen paint first (loading the
 * app-server is the slow part of a start).
 */
export class DeferredClient implements AppClient {
  #client: AppClient | undefined;
  #attached: (client: AppClient) => void = () => {};
  readonly #ready = new Promise<AppClient>((resolve) => {
    this.#attached = resolve;
  });
  readonly #listeners: ((n: v2.ServerNotification) => void)[] = [];
  #handler: ServerRequestHandler | undefined;

  attach(client: AppClient): void {
    this.#client = client;
    for (const listener of this.#listeners) client.onNotification(listener);
    if (this.#handler) client.onServerRequest(this.#handler);
    this.#attached(client);
  }

  async request<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const client = this.#client ?? (await this.#ready);
    return client.request(method, params);
  }

  onNotification(listener: (notification: v2.ServerNotification) => void): () => void {
    if (this.#client) return this.#client.onNotification(listener);
    this.#listeners.push(listener);
    return () => {
      const at = this.#listeners.indexOf(listener);
      if (at !== -1) this.#listeners.splice(at, 1);
    };
  }

  onServerRequest(handler: ServerRequestHandler): void {
    if (this.#client) this.#client.onServerRequest(handler);
    else this.#handler = handler;
  }

  async close(): Promise<void> {
    await this.#client?.close();
  }
}
