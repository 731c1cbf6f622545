import { SkillsService } from "@codex-ts/skills-watcher";
import { CommandExecManager } from "./command-exec.js";
import { loadEffectiveConfig, writeConfigEdits } from "./config.js";
import { errorMessage } from "./errors.js";
import type { Logger } from "./log.js";
import type { AppServerConnection } from "./server.js";
import { ThreadSubscribers } from "./subscriptions.js";
import { installSystemSkills } from "./system-skills/index.js";
import { ThreadManager } from "./threads.js";

export interface RuntimeOptions {
  codexHome: string;
  env: Record<string, string | undefined>;
  log: Logger;
}

/**
 * Process-wide state behind the methods: loaded threads, config, one-off commands, shared by
 * every connected client (see `attach`).
 */
export class Runtime {
  readonly codexHome: string;
  readonly env: Record<string, string | undefined>;
  readonly log: Logger;
  readonly threads: ThreadManager;
  readonly commands: CommandExecManager;
  /** One skills cache + watcher per server, shared by every session. */
  readonly skills: SkillsService;
  readonly #connections = new Set<AppServerConnection>();
  /** Server-request ids, unique across connections (one request may go to several). */
  #nextRequestId = 0;
  /** Which connection started each `command/exec` process (its output goes there only). */
  readonly commandOwners = new Map<string, AppServerConnection>();
  /** `experimentalFeature/enablement/set`: process-wide runtime enablement (apps, plugins). */
  readonly featureEnablement = new Map<string, boolean>();

  constructor(options: RuntimeOptions) {
    this.codexHome = options.codexHome;
    this.env = options.env;
    this.log = options.log;
    try {
      installSystemSkills(this.codexHome);
    } catch (error) {
      this.log.warn(`system skills not installed: ${errorMessage(error)}`);
    }
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
      onChanged: () => this.broadcast("skills/changed", {}),
      onError: (error, root) => this.log.warn(`skills watcher (${root}): ${error.message}`),
    });
    this.threads = new ThreadManager({
      codexHome: this.codexHome,
      env: this.env,
      log: this.log,
      outlet: () => new ThreadSubscribers(() => this.#nextRequestId++),
      configWarning: (summary) => this.broadcast("configWarning", { summary, details: null, path: null }),
      originator: () => this.#clients()[0]?.client?.name ?? "codex_ts_app_server",
      // Experimental fields (Turn.hookRuns) go out only when every connected client opted in.
      experimentalApi: () => {
        const clients = this.#clients();
        return clients.length > 0 && clients.every((c) => c.experimentalApi);
      },
      skills: this.skills,
      broadcast: (method, params) => this.broadcast(method, params),
    });
    this.commands = new CommandExecManager({
      notify: (method, params) => {
        const processId = (params as { processId?: unknown } | null)?.processId;
        const owner = typeof processId === "string" ? this.commandOwners.get(processId) : undefined;
        if (owner) owner.notify(method, params);
        else this.broadcast(method, params);
      },
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

  /**
   * Serves one more client: its thread subscriptions and command ownerships end when it
   * disconnects (threads stay loaded for the other clients).
   */
  attach(connection: AppServerConnection): void {
    this.#connections.add(connection);
    void connection.closed.then(() => {
      this.#connections.delete(connection);
      for (const thread of this.threads.threads.values()) thread.subscribers.remove(connection);
      for (const [processId, owner] of this.commandOwners) if (owner === connection) this.commandOwners.delete(processId);
    });
  }

  /** Initialized, connected clients. */
  #clients(): AppServerConnection[] {
    return [...this.#connections].filter((c) => c.client !== undefined && !c.isClosed);
  }

  /** A notification for every connected client (each honours its own opt-outs). */
  broadcast(method: string, params: unknown): void {
    for (const connection of this.#clients()) connection.notify(method, params);
  }

  /** Server going away: stop commands and sessions, flush every rollout. */
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
