import type { Logger } from "./log.js";
import type { AppServerConnection } from "./server.js";

export interface RuntimeOptions {
  codexHome: string;
  env: Record<string, string | undefined>;
  log: Logger;
}

/** Process-wide state behind the methods: loaded threads, running turns, config, child processes. */
export class Runtime {
  readonly codexHome: string;
  readonly env: Record<string, string | undefined>;
  readonly log: Logger;
  #connection: AppServerConnection | undefined;

  constructor(options: RuntimeOptions) {
    this.codexHome = options.codexHome;
    this.env = options.env;
    this.log = options.log;
  }

  attach(connection: AppServerConnection): void {
    this.#connection = connection;
  }

  get connection(): AppServerConnection {
    if (!this.#connection) throw new Error("runtime used before a connection was attached");
    return this.#connection;
  }

  async shutdown(): Promise<void> {}
}
