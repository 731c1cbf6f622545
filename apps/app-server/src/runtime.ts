import { SkillsService } from "@codex-ts/skills-watcher";
import { CommandExecManager } from "./command-exec.js";
import { loadEffectiveConfig, writeConfigEdits } from "./config.js";
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
  /** One skills cache + watcher per server, shared by every session. */
  readonly skills: SkillsService;
  #connection: AppServerConnection | undefined;

  constructor(options: RuntimeOptions) {
    this.codexHome = options.codexHome;
    this.env = options.env;
    this.log = options.log;
    let skillsTable: unknown;
    try {
      skillsTable = loadEffectiveConfig({ codexHome: this.codexHome, env: this.env }).config.skills;
    } catch (error) {
      this.log.warn(`skills config not loaded: ${errorMessage(error)}`);
    }
    this.skills = new SkillsService({
      codexHome: this.codexHome,
      ...(skillsTable !== undefined ? { config: skillsTable as never } : {}),
      persistSkillsConfig: (table) => {
        writeConfigEdits({ codexHome: this.codexHome, env: this.env, edits: [{ keyPath: "skills", value: table, mergeStrategy: "replace" }] });
      },
      onChanged: () => this.#connection?.notify("skills/changed", {}),
      onError: (error, root) => this.log.warn(`skills watcher (${root}): ${error.message}`),
    });
    this.threads = new ThreadManager({
      codexHome: this.codexHome,
      env: this.env,
      log: this.log,
      outlet: () => this.connection,
      configWarning: (summary) => this.connection.notify("configWarning", { summary, details: null, path: null }),
      originator: () => this.#connection?.client?.name ?? "codex_ts_app_server",
      experimentalApi: () => this.#connection?.experimentalApi ?? false,
      skills: this.skills,
    });
    this.commands = new CommandExecManager({
      notify: (method, params) => this.connection.notify(method, params),
      env: this.env,
      permissionsPolicy: (selection) => this.threads.permissionsPolicy(selection),
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
    try {
      await this.skills.close();
    } catch (error) {
      this.log.error(`closing the skills watcher failed: ${errorMessage(error)}`);
    }
  }
}
