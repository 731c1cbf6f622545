import { CommandExecManager } from "./command-exec.js";
import { loadEffectiveConfig } from "./config.js";
import { errorMessage } from "./errors.js";
import type { Logger } from "./log.js";
import type { AppServerConnection } from "./server.js";
import { ThreadManager } from "./threads.js";

export interface RuntimeOptions {
  codexHome: string;
  env: Record<string, string | undefined>;
  log: Logger;
}

/** Process-wide state behind the methods: loaded threads, config, one-off commands. */
export class Runtime {
  readonly codexHome: string;
  readonly env: Record<string, string | undefined>;
  readonly log: Logger;
  readonly threads: ThreadManager;
  readonly commands: CommandExecManager;
  #connection: AppServerConnection | undefined;

  constructor(options: RuntimeOptions) {
    this.codexHome = options.codexHome;
    this.env = options.env;
    this.log = options.log;
    this.threads = new ThreadManager({
      codexHome: this.codexHome,
      env: this.env,
      log: this.log,
      outlet: () => this.connection,
      configWarning: (summary) => this.connection.notify("configWarning", { summary, details: null, path: null }),
      originator: () => this.#connection?.client?.name ?? "codex_ts_app_server",
      experimentalApi: () => this.#connection?.experimentalApi ?? false,
    });
    this.commands = new CommandExecManager({
      notify: (method, params) => this.connection.notify(method, params),
      env: this.env,
      defaultSandbox: () => {
        try {
          const { config } = loadEffectiveConfig({ codexHome: this.codexHome, env: this.env });
          switch (config.sandboxMode) {
            case "danger-full-access":
              return { type: "dangerFullAccess" };
            case "workspace-write":
              return { type: "workspaceWrite", writableRoots: [], networkAccess: false, excludeTmpdirEnvVar: false, excludeSlashTmp: false };
            default:
              return { type: "readOnly", networkAccess: false };
          }
        } catch {
          return { type: "readOnly", networkAccess: false };
        }
      },
    });
  }

  attach(connection: AppServerConnection): void {
    this.#connection = connection;
  }

  get connection(): AppServerConnection {
    if (!this.#connection) throw new Error("runtime used before a connection was attached");
    return this.#connection;
  }

  /** Client gone: stop commands and sessions, flush every rollout. */
  async shutdown(): Promise<void> {
    this.commands.shutdown();
    try {
      await this.threads.shutdown();
    } catch (error) {
      this.log.error(`thread shutdown failed: ${errorMessage(error)}`);
    }
  }
}
