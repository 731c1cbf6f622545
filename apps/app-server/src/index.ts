export {
  runAppServer,
  resolveCodexHome,
  createInProcessConnection,
  type RunAppServerOptions,
  type InProcessConnection,
  type InProcessOptions,
} from "./run.js";
export { parseAppServerArgs, parseListenUrl, type AppServerArgs, type ListenTarget, type WsAuthConfig } from "./listen.js";
export { AppServerConnection, userAgent, SERVER_NAME, SERVER_VERSION } from "./server.js";
export { ErrorCode, RpcError } from "./errors.js";
// For the CLI's `features` and `exec --trust`: one feature table and one config writer.
export { experimentalFeatures } from "./methods/catalog.js";
export { writeConfigEdits } from "./config.js";
export { projectTrustTarget } from "./project-trust.js";
// For the CLI's `queue`: Codex's durable message queue (queue_1.sqlite) and a client of a running server.
export { MAX_QUEUED_PER_THREAD, QueueFullError, QueueStore, type QueuedItem } from "./queue.js";
export { AppServerClient, RemoteRpcError } from "./queue-client.js";
// For the CLI's exec and TUI: the bundled system skills, installed under $CODEX_HOME/skills/.system as Codex does.
export { SYSTEM_SKILLS, installSystemSkills, systemSkillsDir } from "./system-skills/index.js";
