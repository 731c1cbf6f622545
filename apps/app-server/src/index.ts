export { runAppServer, resolveCodexHome, type RunAppServerOptions } from "./run.js";
export { AppServerConnection, userAgent, SERVER_NAME, SERVER_VERSION } from "./server.js";
export { ErrorCode, RpcError } from "./errors.js";
