import type { Writable } from "node:stream";
import type { Channel } from "./channel.js";
import { errorMessage } from "./errors.js";
import { type Logger, createLogger } from "./log.js";
import { buildMethods } from "./methods/index.js";
import { Runtime } from "./runtime.js";
import { AppServerConnection, type MethodSpec } from "./server.js";

export interface AppServerHostOptions {
  codexHome: string;
  env: Record<string, string | undefined>;
  stderr: Writable;
}

/**
 * One server: a Runtime (threads, config, commands) and the client connections it serves, over
 * any channels (stdio, WebSocket, unix socket, in-process), each with its own handshake,
 * opt-outs and thread subscriptions.
 */
export class AppServerHost {
  readonly runtime: Runtime;
  readonly log: Logger;
  readonly #methods: Map<string, MethodSpec>;
  readonly #connections = new Set<AppServerConnection>();
  readonly #prewarm: boolean;
  #shutdown: Promise<number> | undefined;

  constructor(options: AppServerHostOptions) {
    this.log = createLogger(options.stderr, options.env);
    this.runtime = new Runtime({ codexHome: options.codexHome, env: options.env, log: this.log });
    this.#methods = buildMethods(this.runtime);
    // CODEX_TS_APP_SERVER_PREWARM=0 turns the warm-up off (no throw-away turn, loopback listener or
    // `/bin/sh -c true`), e.g. where those are unwelcome; the first turn then pays one-time costs.
    this.#prewarm = options.env.CODEX_TS_APP_SERVER_PREWARM !== "0";
  }

  /** Serves one more client over `channel`; the connection ends when the channel closes. */
  connect(channel: Channel): AppServerConnection {
    const connection = new AppServerConnection({
      channel,
      log: this.log,
      codexHome: this.runtime.codexHome,
      methods: this.#methods,
      prewarm: this.#prewarm,
    });
    this.runtime.attach(connection);
    this.#connections.add(connection);
    void connection.closed.then(async () => {
      this.log.info("client disconnected");
      await connection.drain().catch(() => {});
      this.#connections.delete(connection);
    });
    return connection;
  }

  /**
   * Disconnects every client, waits for their in-flight requests, stops running turns and
   * commands and flushes rollouts. Resolves with an exit code; idempotent.
   */
  shutdown(): Promise<number> {
    this.#shutdown ??= (async () => {
      try {
        const connections = [...this.#connections];
        for (const connection of connections) if (!connection.isClosed) connection.close();
        await Promise.all(connections.map((c) => c.drain()));
        await this.runtime.shutdown();
        await Promise.all(connections.map((c) => c.flush()));
        return 0;
      } catch (error) {
        this.log.error(`shutdown failed: ${errorMessage(error)}`);
        return 1;
      }
    })();
    return this.#shutdown;
  }
}
