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
